/* lpc_nt5_discover.c — finding ports three ways (handles, the namespace, the
 * pool) plus the pointers between decoded objects, reconciled by address:
 * each port keeps the set of ways it was found (found_by). */
#include "lpc-nt5-priv.h"

#include <string.h>

static bool is_port_type(const char *type_name)
{
	return strcmp(type_name, "Port") == 0 || strcmp(type_name, "WaitablePort") == 0;
}

static ld_status note(void *decoder, uint64_t addr, unsigned found_by, size_t *index)
{
	return lpc_nt5_port_note(decoder, addr, found_by, index);
}

ld_status lpc_nt5_discover_ports(struct lpc_nt5 *d)
{
	struct lpc_port_finder f = { .k = d->k, .m = d->m, .is_port_type = is_port_type, .note = note,
				     .decoder = d };
	return lpc_find_ports(&f);
}

/* Ports reached by pointers: the ports threads wait or listen on, the ports
 * messages were sent from, and the closure over Connection/ConnectedPort. */
ld_status lpc_nt5_discover_links(struct lpc_nt5 *d)
{
	ld_status st = LD_OK;
	const struct ld_lpc_model *m = d->m;
	for (size_t i = 0; i < m->sys->nthreads && st == LD_OK; i++) {
		const struct ld_lpc_thread *t = &m->threads[i];
		if (t->waiting_on_port && (t->roles & LD_LPC_ROLE_REPLY_WAITER))
			lpc_keep_going(&st, lpc_nt5_port_note(d, t->waiting_on_port, LD_FOUND_LINK, NULL));
		if (t->receive_port)
			lpc_keep_going(&st, lpc_nt5_port_note(d, t->receive_port, LD_FOUND_LINK, NULL));
	}
	for (size_t i = 0; i < m->nmessages && st == LD_OK; i++)
		if (m->messages[i].available && m->messages[i].sender_port)
			lpc_keep_going(&st, lpc_nt5_port_note(d, m->messages[i].sender_port, LD_FOUND_LINK, NULL));
	/* nports grows while we go: the loop reaches the new ones too. */
	for (size_t i = 0; i < m->nports && st == LD_OK; i++) {
		uint64_t self = m->ports[i].addr;
		uint64_t c = m->ports[i].connection_port, p = m->ports[i].connected_port;
		/* A connection port names itself: that is not another way to find it. */
		c = c == self ? 0 : c;
		p = p == self ? 0 : p;
		if (c && lpc_keep_going(&st, lpc_nt5_port_note(d, c, LD_FOUND_LINK, NULL)) && p)
			lpc_keep_going(&st, lpc_nt5_port_note(d, p, LD_FOUND_LINK, NULL));
		else if (p)
			lpc_keep_going(&st, lpc_nt5_port_note(d, p, LD_FOUND_LINK, NULL));
	}
	return st;
}
