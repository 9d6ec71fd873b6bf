/* alpc_thread.c — the ALPC state of every thread (SEMANTICS §4.3, §4.6):
 * reply waiters (WrLpcReply on their AlpcWaitSemaphore, AlpcMessage = the
 * request) and receivers (WrLpcReceive). Which port a receiver listens on,
 * and which thread processes which message, come from the ports' WaitQueue
 * and PendingQueue walks (alpc_port.c), not from the thread. */
#include "lpc-alpc-priv.h"

static void thread_span(const struct alpc_fields *f, uint32_t *lo, uint32_t *hi)
{
	const struct ld_fref *const span[] = { &f->et_msg, &f->et_msg_id };
	ld_fields_span(span, LD_ARRAY_SIZE(span), lo, hi);
}

void alpc_keep_thread_fields(struct ld_kernel *k, const struct alpc_fields *f)
{
	uint32_t lo, hi;
	thread_span(f, &lo, &hi);
	(void)ld_system_keep_thread_bytes(k, lo, hi);
}

static void thread_state(struct alpc *d, size_t i, struct ld_record *r)
{
	const struct ld_thread *t = &d->m->sys->threads[i];
	struct ld_lpc_thread *s = &d->m->threads[i];
	uint64_t slot = 0, id = 0;
	/* From the bytes the snapshot kept (alpc_keep_thread_fields); a field
	 * not in them is read on its own. */
	ld_system_thread_record(d->m->sys, i, r);
	s->fields_known = d->f.et_msg.valid && ld_record_field(d->k, r, &d->f.et_msg, &slot) == LD_OK;
	if (d->f.et_msg_id.valid && ld_record_field(d->k, r, &d->f.et_msg_id, &id) == LD_OK)
		s->reply_message_id = (uint32_t)id;
	if (t->terminated || t->state != KTHREAD_WAITING)
		return;
	if (t->wait_reason == WR_LPC_RECEIVE) {
		s->roles |= LD_LPC_ROLE_RECEIVER;
		return;
	}
	if (t->wait_reason != WR_LPC_REPLY)
		return;
	/* AlpcMessage is a union with AlpcReceiveAttributeSet: only a kernel
	 * pointer is a message. */
	if (!slot || !ld_kernel_is_kva(d->k, slot)) {
		if (s->fields_known)
			ld_warn("thread %#llx waits in WrLpcReply but holds no ALPC message",
				(unsigned long long)t->addr);
		return;
	}
	s->roles |= LD_LPC_ROLE_REPLY_WAITER;
	s->reply_message = slot;
	if (d->f.et_sem.valid && t->wait_object && t->wait_object != t->addr + d->f.et_sem.off)
		ld_warn("thread %#llx waits in WrLpcReply on %#llx, not on its AlpcWaitSemaphore",
			(unsigned long long)t->addr, (unsigned long long)t->wait_object);
}

void alpc_threads(struct alpc *d)
{
	size_t unread = 0;
	for (size_t i = 0; i < d->m->sys->nthreads; i++) {
		thread_state(d, i, &d->thread_rec);
		unread += !d->m->threads[i].fields_known;
	}
	if (unread)
		ld_warn("ALPC fields of %zu thread(s) could not be read", unread);
}
