/* lpc_locks.c — the non-LPC waits a chain goes through. A server thread that
 * blocks on a mutant owned by another thread (or waits for a thread) is
 * blocked behind that thread; following the owner finds the deadlock where a
 * lock is held across an LPC call and the callee's request needs the lock.
 * Only threads reachable from a reply wait are examined: a handful of wait
 * objects, not one per thread of the system. */
#include "lpc-priv.h"

#include <stdlib.h>


ld_status ld_lpc_add_lock(struct ld_lpc_model *m, size_t t, const struct ld_wait_object *o)
{
	if (!m->sys || t >= m->sys->nthreads)
		return ld_fail(LD_ERR_ARG, "lock of thread %zu: no such thread", t);
	if (m->nlocks == m->cap_locks) {
		size_t ncap = m->cap_locks ? m->cap_locks * 2 : 16;
		void *p = ld_xrealloc(m->locks, ncap, sizeof(*o));
		if (!p)
			return ld_fail_ctx(LD_ERR_NOMEM, "LPC chain locks");
		m->locks = p;
		m->cap_locks = ncap;
	}
	m->locks[m->nlocks] = *o;
	m->threads[t].lock = m->nlocks++;
	return LD_OK;
}

/* Does t wait on an owned object we can follow? Adds the lock, returns the owner. */
static size_t follow_lock(struct ld_kernel *k, struct ld_lpc_model *m, size_t t)
{
	const struct ld_thread *th = &m->sys->threads[t];
	if (m->threads[t].wait != LD_LPC_NONE || th->state != KTHREAD_WAITING ||
	    th->wait_reason == WR_LPC_RECEIVE || !th->wait_object)
		return LD_LPC_NONE;
	struct ld_wait_object o;
	if (ld_wait_object_read(k, NULL, th->wait_object, &o) != LD_OK)
		return LD_LPC_NONE;
	o.owner_index = ld_lpc_thread_index(m, o.owner_thread);
	if ((o.kind != LD_WOBJ_MUTANT && o.kind != LD_WOBJ_THREAD) || o.owner_index == LD_LPC_NONE)
		return LD_LPC_NONE;
	if (ld_lpc_add_lock(m, t, &o) != LD_OK)
		return LD_LPC_NONE;   /* out of memory: the chain ends here, with the object shown */
	return o.owner_index;
}

ld_status lpc_locks_resolve(struct ld_kernel *k, struct ld_lpc_model *m)
{
	size_t n = m->sys ? m->sys->nthreads : 0;
	if (!k || !n)
		return LD_OK;
	bool *seen = ld_xcalloc(n, sizeof(bool));
	if (!seen)
		return ld_fail_ctx(LD_ERR_NOMEM, "LPC chain locks");
	for (size_t w = 0; w < m->nwaits; w++) {
		if (m->waits[w].status != LD_WAIT_PROCESSING)
			continue;
		/* Walk server → owner → owner … until a thread already examined. */
		for (size_t t = m->waits[w].server_thread; t < n && !seen[t];) {
			seen[t] = true;
			size_t next = ld_lpc_next_thread(m, t);
			t = next != LD_LPC_NONE ? next : follow_lock(k, m, t);
		}
	}
	free(seen);
	return LD_OK;
}
