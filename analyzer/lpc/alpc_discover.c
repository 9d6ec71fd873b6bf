/* alpc_discover.c — finding ALPC ports and messages: handle tables (type
 * "ALPC Port"), the namespace (\RPC Control and the rest), the pointers
 * between decoded objects, and the pool (opt-in), reconciled by address:
 * each port keeps the set of ways it was found (found_by). */
#include "lpc-alpc-priv.h"

#include <string.h>

static bool is_alpc_type(const char *type_name)
{
	return strcmp(type_name, "ALPC Port") == 0;
}

static ld_status note(void *decoder, uint64_t addr, unsigned found_by, size_t *index)
{
	return alpc_port_note(decoder, addr, found_by, index);
}

ld_status alpc_discover_ports(struct alpc *d)
{
	struct lpc_port_finder f = { .k = d->k, .m = d->m, .is_port_type = is_alpc_type, .note = note,
				     .decoder = d };
	return lpc_find_ports(&f);
}

static void note_port(struct alpc *d, ld_status *st, uint64_t addr)
{
	if (addr && *st == LD_OK)
		lpc_keep_going(st, alpc_port_note(d, addr, LD_FOUND_LINK, NULL));
}

/* Ports and messages reached by pointers: the messages reply waiters hold,
 * the ports those messages name, and the closure over CommunicationInfo. */
ld_status alpc_discover_links(struct alpc *d)
{
	ld_status st = LD_OK;
	struct ld_lpc_model *m = d->m;
	for (size_t i = 0; i < m->sys->nthreads && st == LD_OK; i++) {
		const struct ld_lpc_thread *t = &m->threads[i];
		if ((t->roles & LD_LPC_ROLE_REPLY_WAITER) && t->reply_message)
			lpc_keep_going(&st, alpc_message_note(d, t->reply_message, LD_FOUND_THREAD, LD_MSG_THREAD, 0, NULL));
	}
	for (size_t i = 0; i < m->nmessages && st == LD_OK; i++) {
		const struct ld_lpc_message *msg = &m->messages[i];
		if (!msg->available)
			continue;
		note_port(d, &st, msg->alpc.owner_port);
		note_port(d, &st, msg->alpc.port_queue);
		note_port(d, &st, msg->alpc.connection_port);
	}
	/* nports grows while we go: the loop reaches the new ones too. */
	for (size_t i = 0; i < m->nports && st == LD_OK; i++) {
		const struct ld_lpc_port *p = &m->ports[i];
		uint64_t links[3] = { p->connection_port, p->alpc.server_comm_port, p->alpc.client_comm_port };
		for (size_t j = 0; j < 3; j++)
			if (links[j] != m->ports[i].addr)
				note_port(d, &st, links[j]);
	}
	return st;
}

/* ---- the pool ---- */

#define POOL_PEEK 0x400u   /* bytes of a block read to place it */

/* A pool block holds a structure at an offset we do not know (object
 * headers, a BLOB header precede it): try each pointer-aligned offset. */
static uint64_t place(struct alpc *d, const uint8_t *body, size_t len, uint32_t list_off, size_t cmp)
{
	unsigned ps = ld_kernel_ptr_size(d->k);
	for (size_t o = 0; o + list_off + 2 * ps <= len && o + cmp <= len; o += ps) {
		uint64_t va = lpc_pool_place_at(d->k, body, len, o, list_off, cmp);
		if (va)
			return va;
	}
	return 0;
}

static bool place_block(void *decoder, const char *tag, const uint8_t *body, size_t len, ld_status *st)
{
	struct alpc *d = decoder;
	bool is_msg = memcmp(tag, "AlMs", 4) == 0;
	const struct ld_fref *list = is_msg ? &d->f.msg_entry : &d->f.po_list;
	/* Compare up to the PORT_MESSAGE (messages) or the owner (ports). */
	size_t cmp = is_msg ? d->f.msg_pm.off : d->f.po_owner.off + ld_kernel_ptr_size(d->k);
	uint64_t va = list->valid ? place(d, body, len, list->off, cmp) : 0;
	if (!va)
		return false;
	*st = is_msg ? alpc_message_note(d, va, LD_FOUND_POOL, LD_MSG_NOWHERE, 0, NULL)
		     : alpc_port_note(d, va, LD_FOUND_POOL, NULL);
	return true;
}

ld_status alpc_discover_pool(struct alpc *d)
{
	static const char *const tags[] = { "ALPC", "AlMs" };
	struct lpc_pool_scan s = { .k = d->k, .m = d->m, .tags = tags, .ntags = LD_ARRAY_SIZE(tags),
				   .peek = POOL_PEEK, .place = place_block, .decoder = d };
	return lpc_pool_scan(&s);
}
