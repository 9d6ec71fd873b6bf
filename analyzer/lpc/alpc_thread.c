/* alpc_thread.c — the ALPC state of every thread (SEMANTICS §4.3, §4.6):
 * reply waiters (WrLpcReply on their AlpcWaitSemaphore, AlpcMessage = the
 * request) and receivers (WrLpcReceive). Which port a receiver listens on,
 * and which thread processes which message, come from the ports' WaitQueue
 * and PendingQueue walks (alpc_port.c), not from the thread. */
#include "lpc-alpc-priv.h"

static void thread_state(struct alpc *d, size_t i)
{
	const struct ld_thread *t = &d->m->sys->threads[i];
	struct ld_lpc_thread *s = &d->m->threads[i];
	uint64_t slot = 0, id = 0;
	s->fields_known = alpc_get(d, t->addr, &d->f.et_msg, &slot);
	if (alpc_get(d, t->addr, &d->f.et_msg_id, &id))
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
		thread_state(d, i);
		unread += !d->m->threads[i].fields_known;
	}
	if (unread)
		ld_warn("ALPC fields of %zu thread(s) could not be read", unread);
}
