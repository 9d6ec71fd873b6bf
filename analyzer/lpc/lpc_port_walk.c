/* lpc_port_walk.c — what both decoders do alike when they walk ports:
 * every port in rounds with the links its messages name, each message queue
 * (bounded, each message handed to the decoder's note function, the message
 * a walk could not step onto kept), each list of threads, and the warning
 * for a walk that ended early. What a message or a thread on a list means,
 * and which lists a port has, stay with the decoder. */
#include "lpc-priv.h"

#include <string.h>

struct queue_arg {
	const struct lpc_queue *q;
	ld_status st;
};

static uint64_t queued_on(const struct lpc_queue *q)
{
	return q->m->ports[q->port].addr;   /* by index: the port array may grow while we walk */
}

/* A message that cannot be noted (q->skip) is passed over; anything else
 * (out of memory) stops the walk. */
static bool message_cb(struct ld_kernel *k, uint64_t entry, void *arg)
{
	(void)k;
	struct queue_arg *a = arg;
	const struct lpc_queue *q = a->q;
	a->st = q->note(q->decoder, entry - q->entry_off, q->where, queued_on(q));
	return a->st == LD_OK || a->st == q->skip;
}

/* A queue whose next message cannot be read still has that message: keep it,
 * unavailable, rather than drop it (the walk stopped at its address). */
static ld_status note_unreadable_tail(const struct lpc_queue *q, const struct ld_walk_result *r, size_t *count)
{
	if (r->end != LD_WALK_UNREADABLE || r->bad_va == q->head || !r->bad_va)
		return LD_OK;
	uint64_t msg = r->bad_va - q->entry_off;
	bool known = ld_lpc_message_index(q->m, msg) != LD_LPC_NONE;
	if (known && !q->renote_known_tail)
		return LD_OK;
	if (!known)
		(*count)++;
	ld_status st = q->note(q->decoder, msg, q->where, queued_on(q));
	return st == q->skip ? LD_OK : st;
}

ld_status lpc_queue_walk(const struct lpc_queue *q, struct ld_walk_result *res, size_t *count)
{
	struct queue_arg a = { .q = q, .st = LD_OK };
	*count = 0;
	ld_list_walk(q->k, q->head, q->limit, message_cb, &a, res);
	if (a.st != LD_OK && a.st != q->skip)
		return a.st;
	*count = res->count;
	return note_unreadable_tail(q, res, count);
}

void lpc_warn_walk(const char *what, const struct ld_lpc_port *p, const struct ld_walk_result *r)
{
	if (r->end == LD_WALK_DONE || r->end == LD_WALK_STOPPED)
		return;
	ld_warn("%s of %s port %#llx ended early (%s at %#llx after %zu entries)", what,
		p->flavor == LD_LPC_FLAVOR_ALPC ? "ALPC" : "LPC", (unsigned long long)p->addr,
		ld_walk_end_name(r->end), (unsigned long long)r->bad_va, r->count);
}

ld_status lpc_ports_walk(const struct lpc_port_walker *w, size_t from)
{
	struct ld_lpc_model *m = w->m;
	for (size_t i = from; i < m->nports; i++) {
		if (ld_check_interrupt())
			return ld_fail(LD_ERR_INTERRUPTED, "interrupted walking %s", w->what);
		ld_status st = w->walk_port(w->decoder, i);
		if (st != LD_OK)
			return st;
	}
	/* Names and owners can come from ports found after this one. */
	for (size_t i = 0; i < m->nports; i++) {
		lpc_port_inherit_name(m, &m->ports[i]);
		w->owner_fallback(m, &m->ports[i]);
	}
	return LD_OK;
}

/* Walking queues finds messages whose ports may be new; two rounds reach
 * them (a third would find nothing the second did not). */
ld_status lpc_ports_walk_rounds(const struct lpc_port_walker *w)
{
	ld_status st = LD_OK;
	size_t walked = 0;
	for (int round = 0; round < 2 && st == LD_OK; round++) {
		st = lpc_ports_walk(w, walked);
		walked = w->m->nports;
		if (st == LD_OK)
			st = w->links(w->decoder);
	}
	if (st == LD_OK && walked < w->m->nports)
		st = lpc_ports_walk(w, walked);
	return st;
}

static bool thread_cb(struct ld_kernel *k, uint64_t entry, void *arg)
{
	(void)k;
	const struct lpc_thread_list *l = arg;
	size_t t = ld_lpc_thread_index(l->m, entry - l->entry_off);
	if (t != LD_LPC_NONE)
		l->on_thread(l->decoder, t, l->port);
	return true;
}

void lpc_port_threads_walk(const struct lpc_thread_list *l)
{
	struct ld_lpc_port *p = &l->m->ports[l->port];
	memset(&p->reply_chain_walk, 0, sizeof(p->reply_chain_walk));
	if (!l->empty)
		ld_list_walk(l->k, p->addr + l->head_off, l->limit, thread_cb, (void *)l, &p->reply_chain_walk);
	p->nreply_chain = p->reply_chain_walk.count;
	lpc_warn_walk(l->what, p, &p->reply_chain_walk);
}
