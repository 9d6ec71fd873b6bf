/* lpc_graph.c — the wait graph: each thread waiting for a reply that a server
 * thread is processing has one edge, to that server thread; a thread waiting
 * on a mutant (or thread) whose owner is known has one edge, to the owner.
 * Every thread has at most one outgoing edge, so the graph is a set of paths
 * ending in a thread that waits on something else, or in a cycle (a deadlock). This file finds
 * the cycles and the roots; lpc_chain.c turns them into chains. */
#include "lpc-graph-priv.h"

#include <stdlib.h>

size_t ld_lpc_next_thread(const struct ld_lpc_model *m, size_t thread)
{
	if (!m->sys || thread >= m->sys->nthreads)
		return LD_LPC_NONE;
	size_t w = m->threads[thread].wait, l = m->threads[thread].lock;
	if (w != LD_LPC_NONE && w < m->nwaits) {
		const struct ld_lpc_wait *wt = &m->waits[w];
		if (wt->status != LD_WAIT_PROCESSING || wt->server_thread >= m->sys->nthreads)
			return LD_LPC_NONE;
		return wt->server_thread;
	}
	if (l != LD_LPC_NONE && l < m->nlocks && m->locks[l].owner_index < m->sys->nthreads)
		return m->locks[l].owner_index;
	return LD_LPC_NONE;
}

void lpc_graph_free(struct lpc_graph *g)
{
	free(g->cycle_of);
	free(g->has_incoming);
	free(g->cycles);
	free(g->cycle_len);
	free(g->members);
}

/* Record the cycle that closes at `at` on the current path. */
static ld_status add_cycle(struct lpc_graph *g, const size_t *path, size_t from, size_t to)
{
	size_t n = to - from;
	size_t *mem = ld_xrealloc(g->members, g->nmembers + n, sizeof(size_t));
	if (!mem)
		return ld_fail_ctx(LD_ERR_NOMEM, "wait graph cycles");
	g->members = mem;
	size_t *cs = ld_xrealloc(g->cycles, g->ncycles + 1, sizeof(size_t));
	if (!cs)
		return ld_fail_ctx(LD_ERR_NOMEM, "wait graph cycles");
	g->cycles = cs;
	size_t *cl = ld_xrealloc(g->cycle_len, g->ncycles + 1, sizeof(size_t));
	if (!cl)
		return ld_fail_ctx(LD_ERR_NOMEM, "wait graph cycles");
	g->cycle_len = cl;
	g->cycles[g->ncycles] = g->nmembers;
	g->cycle_len[g->ncycles] = n;
	for (size_t i = from; i < to; i++) {
		g->members[g->nmembers++] = path[i];
		g->cycle_of[path[i]] = g->ncycles;
	}
	g->ncycles++;
	return LD_OK;
}

enum { UNSEEN = 0, ON_PATH, DONE };

/* Follow edges from start, marking; a step back onto the current path is a
 * cycle. Each thread is visited once over all starts: linear time. */
static ld_status follow(const struct ld_lpc_model *m, struct lpc_graph *g, uint8_t *mark,
			size_t *path, size_t *pos, size_t start)
{
	size_t len = 0, t = start;
	ld_status st = LD_OK;
	while (t != LD_LPC_NONE && mark[t] == UNSEEN) {
		mark[t] = ON_PATH;
		pos[t] = len;
		path[len++] = t;
		t = ld_lpc_next_thread(m, t);
		if (t != LD_LPC_NONE)
			g->has_incoming[t] = true;   /* every edge leaves a visited thread once */
	}
	if (t != LD_LPC_NONE && mark[t] == ON_PATH)
		st = add_cycle(g, path, pos[t], len);
	for (size_t i = 0; i < len; i++)
		mark[path[i]] = DONE;
	return st;
}

ld_status lpc_graph_build(const struct ld_lpc_model *m, struct lpc_graph *g)
{
	size_t n = m->sys ? m->sys->nthreads : 0;
	memset(g, 0, sizeof(*g));
	g->nthreads = n;
	if (n == 0)
		return LD_OK;
	g->cycle_of = ld_xcalloc(n, sizeof(size_t));
	g->has_incoming = ld_xcalloc(n, sizeof(bool));
	uint8_t *mark = ld_xcalloc(n, 1);
	size_t *path = ld_xcalloc(n, sizeof(size_t));
	size_t *pos = ld_xcalloc(n, sizeof(size_t));
	ld_status st = LD_OK;
	if (!g->cycle_of || !g->has_incoming || !mark || !path || !pos)
		st = ld_fail_ctx(LD_ERR_NOMEM, "wait graph of %zu threads", n);
	for (size_t i = 0; st == LD_OK && i < n; i++)
		g->cycle_of[i] = LD_LPC_NONE;
	for (size_t w = 0; st == LD_OK && w < m->nwaits; w++) {
		size_t c = m->waits[w].thread;
		if (c >= n)
			continue;
		if (mark[c] == UNSEEN)
			st = follow(m, g, mark, path, pos, c);
	}
	free(mark);
	free(path);
	free(pos);
	if (st != LD_OK)
		lpc_graph_free(g);
	return st;
}
