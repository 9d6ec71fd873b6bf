/* lpc_nt5_thread.c — the LPC state of every thread (SEMANTICS §1.3, §3.1):
 * reply waiters, connect waiters, receivers and the message each one
 * processes. Windows 2000's BOOLEAN bytes and XP/2003's SameThreadApcFlags
 * bits are the same to us: the profile describes both as fields. */
#include "lpc-nt5-priv.h"

#define LPC_PORT_BIT 1u          /* LpcWaitingOnPort: the slot holds a port */
#define LPC_NO_IMPERSONATE_BIT 2u

static bool field(struct lpc_nt5 *d, uint64_t base, const struct ld_fref *f, uint64_t *v)
{
	return f->valid && ld_read_field(d->k, base, f, v) == LD_OK;
}

/* The port a WrLpcReceive waiter listens on: its wait object is the queue's
 * semaphore, the first member of LPCP_NONPAGED_PORT_QUEUE, whose BackPointer
 * names the port. */
static uint64_t receive_port(struct lpc_nt5 *d, const struct ld_thread *t)
{
	uint64_t port;
	if (!t->wait_object || !d->f.npq_back.valid)
		return 0;
	if (!field(d, t->wait_object, &d->f.npq_back, &port) || !ld_kernel_is_kva(d->k, port))
		return 0;
	return port;
}

/* Reply waiter: Waiting in WrLpcReply with a message id and the port bit. */
static bool is_reply_waiter(const struct ld_thread *t, const struct ld_lpc_thread *s)
{
	return t->state == KTHREAD_WAITING && t->wait_reason == WR_LPC_REPLY &&
	       s->reply_message_id != 0;
}

/* Connect waiter: Waiting in Executive on its own reply semaphore, holding
 * its LPC_CONNECTION_REQUEST message (bit 0 clear) — or, once the server has
 * accepted, the same message rewritten as LPC_REPLY with LpcReplyMessageId 0,
 * until the server calls NtCompleteConnectPort (SEMANTICS §3.1). */
static bool is_connect_waiter(struct lpc_nt5 *d, const struct ld_thread *t,
			      const struct ld_lpc_thread *s)
{
	uint64_t type;
	if (t->state != KTHREAD_WAITING || t->wait_reason != WR_EXECUTIVE_0 || !s->reply_message)
		return false;
	uint64_t req = s->reply_message + d->f.msg_request.off;
	if (!field(d, req, &d->f.pm_type, &type))
		return false;
	if ((type & 0xff) == LPC_TYPE_CONNECTION_REQUEST)
		return s->reply_message_id != 0;
	return (type & 0xff) == LPC_TYPE_REPLY && s->reply_message_id == 0;
}

static void thread_state(struct lpc_nt5 *d, size_t i, uint32_t lo, uint32_t hi)
{
	const struct ld_thread *t = &d->m->sys->threads[i];
	struct ld_lpc_thread *s = &d->m->threads[i];
	struct ld_record *r = &d->thread_rec;
	uint64_t slot = 0, v;
	/* The snapshot kept these bytes when lpc_nt5_keep_thread_fields asked in
	 * time; otherwise (a shell that listed threads first) read them now. */
	ld_system_thread_record(d->m->sys, i, r);
	if (!ld_record_holds(r, t->addr + lo, hi - lo))
		(void)ld_record_load(d->k, r, t->addr, lo, hi);
	s->fields_known = lpc_rec_get(d, r, &d->f.et_reply_msg, &slot);
	if (slot & LPC_PORT_BIT) {
		s->waiting_on_port = slot & ~(uint64_t)3;
		s->no_impersonate = (slot & LPC_NO_IMPERSONATE_BIT) != 0;
	} else {
		s->reply_message = slot;
	}
	if (lpc_rec_get(d, r, &d->f.et_reply_id, &v))
		s->reply_message_id = (uint32_t)v;
	else
		s->fields_known = false;
	if (lpc_rec_get(d, r, &d->f.et_rcvd_valid, &v))
		s->received_valid = v != 0;
	/* The id shares storage with Win32StartAddress: only the valid bit makes it an id. */
	if (s->received_valid && lpc_rec_get(d, r, &d->f.et_rcvd_id, &v))
		s->received_message_id = (uint32_t)v;
	if (lpc_rec_get(d, r, &d->f.et_exit_called, &v) && v)
		s->roles |= LD_LPC_ROLE_EXITING;
	if (t->terminated)
		return;   /* LpcReplyChain is ExitTime now: nothing else means anything */
	if (is_reply_waiter(t, s)) {
		s->roles |= LD_LPC_ROLE_REPLY_WAITER;
		/* A reply waiter blocks on its own LpcReplySemaphore (SEMANTICS §3.1);
		 * anything else is worth a word, though the ids still decide. */
		if (d->f.et_reply_sem.valid && t->wait_object && t->wait_object != t->addr + d->f.et_reply_sem.off)
			ld_warn("thread %#llx waits in WrLpcReply on %#llx, not on its LpcReplySemaphore",
				(unsigned long long)t->addr, (unsigned long long)t->wait_object);
	}
	else if (is_connect_waiter(d, t, s))
		s->roles |= LD_LPC_ROLE_CONNECT_WAITER;
	if (t->state == KTHREAD_WAITING && t->wait_reason == WR_LPC_RECEIVE) {
		s->roles |= LD_LPC_ROLE_RECEIVER;
		s->receive_port = receive_port(d, t);
	}
	if (s->received_valid && s->received_message_id)
		s->roles |= LD_LPC_ROLE_PROCESSING;
}

static void thread_span(const struct lpc_nt5_fields *f, uint32_t *lo, uint32_t *hi)
{
	const struct ld_fref *const span[] = {
		&f->et_reply_msg, &f->et_reply_id, &f->et_rcvd_valid, &f->et_rcvd_id, &f->et_exit_called,
	};
	ld_fields_span(span, LD_ARRAY_SIZE(span), lo, hi);
}

void lpc_nt5_keep_thread_fields(struct ld_kernel *k, const struct lpc_nt5_fields *f)
{
	uint32_t lo, hi;
	thread_span(f, &lo, &hi);
	(void)ld_system_keep_thread_bytes(k, lo, hi);
}

void lpc_nt5_threads(struct lpc_nt5 *d)
{
	uint32_t lo, hi;
	size_t unread = 0;
	thread_span(&d->f, &lo, &hi);
	for (size_t i = 0; i < d->m->sys->nthreads; i++) {
		thread_state(d, i, lo, hi);
		unread += !d->m->threads[i].fields_known;
	}
	if (unread)
		ld_warn("LPC fields of %zu thread(s) could not be read", unread);
}

void lpc_nt5_waitable_receivers(struct lpc_nt5 *d)
{
	if (!d->f.po_wait_event.valid)
		return;
	for (size_t i = 0; i < d->m->sys->nthreads; i++) {
		const struct ld_thread *t = &d->m->sys->threads[i];
		struct ld_lpc_thread *s = &d->m->threads[i];
		if (t->state != KTHREAD_WAITING || t->terminated || (s->roles & LD_LPC_ROLE_RECEIVER) ||
		    t->wait_object < d->f.po_wait_event.off)
			continue;
		uint64_t port = t->wait_object - d->f.po_wait_event.off;
		size_t p = ld_lpc_port_index(d->m, port);
		if (p == LD_LPC_NONE || !d->m->ports[p].readable || !d->m->ports[p].waitable)
			continue;
		s->roles |= LD_LPC_ROLE_RECEIVER;
		s->receive_port = port;
		d->m->ports[p].found_by |= LD_FOUND_LINK;   /* as for a receiver on the semaphore */
	}
}
