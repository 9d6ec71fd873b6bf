/* lpc_chain.c — chains from the wait graph: one per deadlock cycle, one per
 * root client (a reply waiter no other thread waits behind), each ending in
 * what its last thread waits on; clients stuck behind a cycle point at it.
 * Ranked by wait time, longest first. */
#include "lpc-graph-priv.h"

#include <stdlib.h>


static double thread_wait_seconds(const struct ld_lpc_model *m, size_t t)
{
	size_t w = m->threads[t].wait;
	if (w != LD_LPC_NONE && w < m->nwaits)
		return m->waits[w].wait_seconds;
	return m->sys->threads[t].wait_seconds;
}

static ld_status chain_alloc(struct ld_lpc_chain *c, size_t n)
{
	c->threads = ld_xcalloc(n ? n : 1, sizeof(size_t));
	c->waits = ld_xcalloc(n ? n : 1, sizeof(size_t));
	if (!c->threads || !c->waits)
		return ld_fail_ctx(LD_ERR_NOMEM, "chain of %zu threads", n);
	return LD_OK;
}

static ld_status push_chain(struct ld_lpc_model *m, struct ld_lpc_chain *c)
{
	if (m->nchains == m->cap_chains) {
		size_t ncap = m->cap_chains ? m->cap_chains * 2 : 16;
		void *p = ld_xrealloc(m->chains, ncap, sizeof(*c));
		if (!p) {
			free(c->threads);
			free(c->waits);
			return ld_fail_ctx(LD_ERR_NOMEM, "chains");
		}
		m->chains = p;
		m->cap_chains = ncap;
	}
	m->chains[m->nchains++] = *c;
	return LD_OK;
}

/* What the last thread of a non-cycle chain waits on. */
static void chain_end(struct ld_kernel *k, const struct ld_lpc_model *m, struct ld_chain_end *e,
		      size_t last)
{
	const struct ld_thread *t = &m->sys->threads[last];
	e->thread = last;
	e->state = t->state;
	e->wait_reason = t->wait_reason;
	e->object.owner_index = LD_LPC_NONE;
	size_t w = m->threads[last].wait;
	if (w != LD_LPC_NONE && w < m->nwaits) {
		static const enum ld_end_kind of_status[] = {
			[LD_WAIT_UNKNOWN] = LD_END_UNKNOWN, [LD_WAIT_PROCESSING] = LD_END_UNKNOWN,
			[LD_WAIT_QUEUED] = LD_END_QUEUED, [LD_WAIT_NO_SERVER] = LD_END_NO_SERVER,
			[LD_WAIT_LOST] = LD_END_LOST, [LD_WAIT_PENDING] = LD_END_PENDING,
		};
		e->status = m->waits[w].status;
		e->kind = (unsigned)e->status < LD_ARRAY_SIZE(of_status) ? of_status[e->status] : LD_END_UNKNOWN;
		return;
	}
	if (t->state != KTHREAD_WAITING) {
		e->kind = LD_END_NOT_WAITING;
		return;
	}
	if (t->wait_reason == WR_LPC_RECEIVE || (m->threads[last].roles & LD_LPC_ROLE_RECEIVER)) {
		e->kind = LD_END_RECEIVING;
		return;
	}
	e->kind = LD_END_WAIT;
	e->object.addr = t->wait_object;
	if (k && t->wait_object && ld_wait_object_read(k, NULL, t->wait_object, &e->object) == LD_OK)
		e->object.owner_index = ld_lpc_thread_index(m, e->object.owner_thread);
	/* unreadable: the kind stays unknown, the address is still shown */
}

/* The cycle as a chain, starting at its longest-waiting member. */
static ld_status cycle_chain(struct ld_lpc_model *m, const struct lpc_graph *g, size_t ci)
{
	const size_t *mem = g->members + g->cycles[ci];
	size_t n = g->cycle_len[ci], first = 0;
	for (size_t i = 1; i < n; i++)
		if (thread_wait_seconds(m, mem[i]) > thread_wait_seconds(m, mem[first]))
			first = i;
	struct ld_lpc_chain c = { .cycle = true, .feeds_cycle = LD_LPC_NONE, .cycle_entry = LD_LPC_NONE };
	ld_status st = chain_alloc(&c, n);
	if (st != LD_OK)
		return st;
	c.nthreads = n;
	c.wait_seconds = -1;
	for (size_t i = 0; i < n; i++) {
		c.threads[i] = mem[(first + i) % n];
		c.waits[i] = m->threads[c.threads[i]].wait;
		double s = thread_wait_seconds(m, c.threads[i]);
		if (s > c.wait_seconds)
			c.wait_seconds = s;
	}
	c.end.kind = LD_END_CYCLE;
	c.end.thread = c.threads[n - 1];
	c.end.object.owner_index = LD_LPC_NONE;
	return push_chain(m, &c);
}

/* A root client's chain: follow edges until the end or a cycle. cycle_chain_of
 * maps a cycle to its chain index. */
static ld_status root_chain(struct ld_kernel *k, struct ld_lpc_model *m, const struct lpc_graph *g,
			    const size_t *cycle_chain_of, size_t root)
{
	size_t n = 0, t = root;
	while (t != LD_LPC_NONE && g->cycle_of[t] == LD_LPC_NONE && n <= g->nthreads) {
		n++;
		t = ld_lpc_next_thread(m, t);
	}
	struct ld_lpc_chain c = { .feeds_cycle = LD_LPC_NONE, .cycle_entry = LD_LPC_NONE };
	ld_status st = chain_alloc(&c, n);
	if (st != LD_OK)
		return st;
	t = root;
	for (size_t i = 0; i < n; i++, t = ld_lpc_next_thread(m, t)) {
		c.threads[i] = t;
		c.waits[i] = m->threads[t].wait;
	}
	c.nthreads = n;
	c.wait_seconds = thread_wait_seconds(m, root);
	if (t != LD_LPC_NONE && g->cycle_of[t] != LD_LPC_NONE) {
		size_t cc = cycle_chain_of[g->cycle_of[t]];
		c.feeds_cycle = cc;
		c.end.kind = LD_END_CYCLE;
		c.end.thread = t;
		c.end.object.owner_index = LD_LPC_NONE;
		for (size_t i = 0; i < m->chains[cc].nthreads; i++)
			if (m->chains[cc].threads[i] == t)
				c.cycle_entry = i;
	} else {
		chain_end(k, m, &c.end, c.threads[n - 1]);
	}
	return push_chain(m, &c);
}

/* The ranking key of a chain, sorted instead of the chains so that the
 * comparison needs no global state. */
struct rank_key {
	double wait;
	bool cycle;
	size_t first, index;
};

static int by_wait(const void *a, const void *b)
{
	const struct rank_key *x = a, *y = b;
	if (x->wait != y->wait)
		return x->wait > y->wait ? -1 : 1;
	if (x->cycle != y->cycle)
		return x->cycle ? -1 : 1;    /* a deadlock before the clients stuck behind it */
	return x->first < y->first ? -1 : x->first > y->first;
}

/* Sort by wait, longest first, and renumber feeds_cycle. */
static ld_status rank(struct ld_lpc_model *m)
{
	size_t n = m->nchains;
	if (n < 2)
		return LD_OK;
	struct rank_key *keys = ld_xcalloc(n, sizeof(*keys));
	size_t *newpos = ld_xcalloc(n, sizeof(size_t));
	struct ld_lpc_chain *sorted = ld_xcalloc(n, sizeof(*sorted));
	if (!keys || !newpos || !sorted) {
		free(keys);
		free(newpos);
		free(sorted);
		return ld_fail_ctx(LD_ERR_NOMEM, "ranking %zu chains", n);
	}
	for (size_t i = 0; i < n; i++)
		keys[i] = (struct rank_key){ m->chains[i].wait_seconds, m->chains[i].cycle, m->chains[i].threads[0], i };
	qsort(keys, n, sizeof(*keys), by_wait);
	for (size_t i = 0; i < n; i++)
		newpos[keys[i].index] = i;
	for (size_t i = 0; i < n; i++) {
		sorted[i] = m->chains[keys[i].index];
		if (sorted[i].feeds_cycle != LD_LPC_NONE)
			sorted[i].feeds_cycle = newpos[sorted[i].feeds_cycle];
	}
	free(m->chains);
	m->chains = sorted;
	m->cap_chains = n;
	free(keys);
	free(newpos);
	return LD_OK;
}

ld_status ld_lpc_build_chains(struct ld_kernel *k, struct ld_lpc_model *m)
{
	struct lpc_graph g;
	ld_status st = lpc_locks_resolve(k, m);
	if (st != LD_OK)
		return st;
	st = lpc_graph_build(m, &g);
	if (st != LD_OK)
		return st;
	size_t *cycle_chain_of = ld_xcalloc(g.ncycles ? g.ncycles : 1, sizeof(size_t));
	if (!cycle_chain_of)
		st = ld_fail_ctx(LD_ERR_NOMEM, "chains");
	for (size_t ci = 0; st == LD_OK && ci < g.ncycles; ci++) {
		cycle_chain_of[ci] = m->nchains;
		st = cycle_chain(m, &g, ci);
	}
	for (size_t w = 0; st == LD_OK && w < m->nwaits; w++) {
		size_t t = m->waits[w].thread;
		if (t >= g.nthreads || g.has_incoming[t] || m->threads[t].wait != w)
			continue;
		st = root_chain(k, m, &g, cycle_chain_of, t);
	}
	if (st == LD_OK)
		st = rank(m);
	free(cycle_chain_of);
	lpc_graph_free(&g);
	return st;
}

bool ld_lpc_chain_shown(const struct ld_lpc_chain *c, double min_wait)
{
	return min_wait < 0 || c->wait_seconds < 0 || c->wait_seconds >= min_wait;
}

bool ld_lpc_chain_visible(const struct ld_lpc_model *m, size_t i, double min_wait)
{
	if (i >= m->nchains)
		return false;
	if (ld_lpc_chain_shown(&m->chains[i], min_wait))
		return true;
	if (!m->chains[i].cycle)
		return false;
	/* "stuck behind deadlock #N" must never point at a hidden chain. */
	for (size_t j = 0; j < m->nchains; j++)
		if (m->chains[j].feeds_cycle == i && ld_lpc_chain_shown(&m->chains[j], min_wait))
			return true;
	return false;
}

size_t ld_lpc_stuck_count(const struct ld_lpc_model *m, double min_wait)
{
	size_t n = 0;
	for (size_t i = 0; i < m->nchains; i++)
		n += ld_lpc_chain_visible(m, i, min_wait);
	return n;
}
