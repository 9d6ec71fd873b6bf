/*
 * lpc-graph-priv.h — the wait graph between lpc_graph.c (cycles, roots) and
 * lpc_chain.c (chains).
 */
#ifndef LPCDUMP_LPC_GRAPH_PRIV_H
#define LPCDUMP_LPC_GRAPH_PRIV_H

#include "lpc-priv.h"

#include <string.h>

struct lpc_graph {
	size_t nthreads;
	size_t *cycle_of;           /* per thread: its cycle, LD_LPC_NONE */
	bool *has_incoming;         /* per thread: some waiter's server thread */
	size_t *cycles;             /* per cycle: start in members[] */
	size_t *cycle_len;
	size_t ncycles;
	size_t *members;            /* cycle members, in wait order */
	size_t nmembers;
};
ld_status lpc_graph_build(const struct ld_lpc_model *m, struct lpc_graph *g);
void lpc_graph_free(struct lpc_graph *g);

#endif
