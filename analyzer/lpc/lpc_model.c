/* lpc_model.c — the LPC/ALPC model: growth, lookups, building it with the
 * decoder that fits the kernel's build, and the per-kernel cache. */
#include "lpc-priv.h"

#include <stdlib.h>
#include <string.h>

/* Caps on what a dump can make the model hold; past them the decoders warn
 * and stop adding. Generous: the benchmark system has 20,000 ports. */
#define LPC_MAX_PORTS 1000000u
#define LPC_MAX_MESSAGES 1000000u

static struct lpc_model_priv *priv(const struct ld_lpc_model *m)
{
	return m->priv;
}

ld_status ld_lpc_model_init(struct ld_lpc_model *m, const struct ld_system *sys,
			    enum ld_lpc_flavor flavor)
{
	memset(m, 0, sizeof(*m));
	m->flavor = flavor;
	m->sys = sys;
	m->priv = ld_xcalloc(1, sizeof(struct lpc_model_priv));
	if (!m->priv)
		return ld_fail(LD_ERR_NOMEM, "LPC model");
	size_t n = sys && sys->nthreads ? sys->nthreads : 1;
	m->threads = ld_xcalloc(n, sizeof(*m->threads));
	if (!m->threads)
		return ld_fail(LD_ERR_NOMEM, "LPC state of %zu threads", n);
	for (size_t i = 0; i < n; i++)
		m->threads[i].wait = m->threads[i].lock = m->threads[i].rundown_port = LD_LPC_NONE;
	return LD_OK;
}

/* Grow *arr (of elem-byte items, *cap allocated) to hold one more. */
static ld_status grow(void **arr, size_t *cap, size_t len, size_t elem, size_t max, const char *what)
{
	if (len < *cap)
		return LD_OK;
	if (len >= max)
		return ld_fail(LD_ERR_LIMIT, "more than %zu %s", max, what);
	size_t ncap = *cap ? *cap * 2 : 16;
	void *p = ld_xrealloc(*arr, ncap, elem);
	if (!p)
		return ld_fail_ctx(LD_ERR_NOMEM, "%s", what);
	*arr = p;
	*cap = ncap;
	return LD_OK;
}

ld_status ld_lpc_add_port(struct ld_lpc_model *m, const struct ld_lpc_port *p, size_t *index)
{
	ld_status st = grow((void **)&m->ports, &m->cap_ports, m->nports, sizeof(*p), LPC_MAX_PORTS,
			    "LPC ports");
	if (st != LD_OK)
		return st;
	st = lpc_addr_map_put(&priv(m)->ports, p->addr, m->nports);
	if (st != LD_OK)
		return st;
	m->ports[m->nports] = *p;
	if (index)
		*index = m->nports;
	m->nports++;
	return LD_OK;
}

ld_status ld_lpc_add_message(struct ld_lpc_model *m, const struct ld_lpc_message *msg, size_t *index)
{
	ld_status st = grow((void **)&m->messages, &m->cap_messages, m->nmessages, sizeof(*msg),
			    LPC_MAX_MESSAGES, "LPC messages");
	if (st != LD_OK)
		return st;
	st = lpc_addr_map_put(&priv(m)->messages, msg->addr, m->nmessages);
	if (st != LD_OK)
		return st;
	m->messages[m->nmessages] = *msg;
	if (index)
		*index = m->nmessages;
	m->nmessages++;
	return LD_OK;
}

ld_status ld_lpc_add_wait(struct ld_lpc_model *m, const struct ld_lpc_wait *w, size_t *index)
{
	size_t max = m->sys ? m->sys->nthreads + 1 : 1;
	ld_status st = grow((void **)&m->waits, &m->cap_waits, m->nwaits, sizeof(*w), max, "LPC waits");
	if (st != LD_OK)
		return st;
	m->waits[m->nwaits] = *w;
	if (w->thread != LD_LPC_NONE && m->sys && w->thread < m->sys->nthreads)
		m->threads[w->thread].wait = m->nwaits;
	if (index)
		*index = m->nwaits;
	m->nwaits++;
	return LD_OK;
}

size_t ld_lpc_port_index(const struct ld_lpc_model *m, uint64_t addr)
{
	return lpc_addr_map_get(&priv(m)->ports, addr);
}

size_t ld_lpc_message_index(const struct ld_lpc_model *m, uint64_t addr)
{
	return lpc_addr_map_get(&priv(m)->messages, addr);
}

size_t ld_lpc_message_by_id(const struct ld_lpc_model *m, uint32_t id)
{
	for (size_t i = 0; i < m->nmessages; i++)
		if (m->messages[i].available && m->messages[i].id == id)
			return i;
	return LD_LPC_NONE;
}

/* Threads are indexed on first use: the snapshot belongs to the model layer. */
size_t ld_lpc_thread_index(const struct ld_lpc_model *m, uint64_t ethread)
{
	struct lpc_model_priv *pv = priv(m);
	if (!m->sys || !ethread)
		return LD_LPC_NONE;
	if (!pv->threads_indexed) {
		pv->threads_indexed = true;
		for (size_t i = 0; i < m->sys->nthreads; i++)
			if (lpc_addr_map_put(&pv->threads, m->sys->threads[i].addr, i) != LD_OK)
				break;   /* out of memory: lookups of the rest fail, nothing worse */
	}
	return lpc_addr_map_get(&pv->threads, ethread);
}

/* pid 0 (Idle) is a real pid: keep map keys non-zero with a marker bit. */
#define PID_KEY(pid) ((pid) | (1ull << 63))

static void index_processes(const struct ld_lpc_model *m)
{
	struct lpc_model_priv *pv = priv(m);
	pv->processes_indexed = true;
	for (size_t i = 0; i < m->sys->nprocesses; i++) {
		const struct ld_process *p = &m->sys->processes[i];
		/* The first process with a pid wins, as in ld_system_process_by_pid. */
		if (lpc_addr_map_get(&pv->pids, PID_KEY(p->pid)) == LD_LPC_NONE &&
		    lpc_addr_map_put(&pv->pids, PID_KEY(p->pid), i) != LD_OK)
			break;
		if (p->addr && lpc_addr_map_get(&pv->processes, p->addr) == LD_LPC_NONE &&
		    lpc_addr_map_put(&pv->processes, p->addr, i) != LD_OK)
			break;   /* out of memory: lookups of the rest fail, nothing worse */
	}
}

const struct ld_process *lpc_process_by_pid(const struct ld_lpc_model *m, uint64_t pid)
{
	if (!m->sys)
		return NULL;
	if (!priv(m)->processes_indexed)
		index_processes(m);
	size_t i = lpc_addr_map_get(&priv(m)->pids, PID_KEY(pid));
	return i == LD_LPC_NONE ? NULL : &m->sys->processes[i];
}

const struct ld_process *lpc_process_by_addr(const struct ld_lpc_model *m, uint64_t addr)
{
	if (!m->sys || !addr)
		return NULL;
	if (!priv(m)->processes_indexed)
		index_processes(m);
	size_t i = lpc_addr_map_get(&priv(m)->processes, addr);
	return i == LD_LPC_NONE ? NULL : &m->sys->processes[i];
}

void ld_lpc_model_free(struct ld_lpc_model *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->nchains; i++) {
		free(m->chains[i].threads);
		free(m->chains[i].waits);
	}
	free(m->chains);
	free(m->locks);
	free(m->ports);
	free(m->messages);
	free(m->threads);
	free(m->waits);
	if (m->priv) {
		lpc_addr_map_free(&priv(m)->ports);
		lpc_addr_map_free(&priv(m)->messages);
		lpc_addr_map_free(&priv(m)->threads);
		lpc_addr_map_free(&priv(m)->pids);
		lpc_addr_map_free(&priv(m)->processes);
		free(m->priv);
	}
	free(m);
}

static const struct ld_lpc_ops *decoder_for(struct ld_kernel *k)
{
	for (size_t i = 0; i < lpc_ndecoders; i++)
		if (lpc_decoders[i]->fits(k))
			return lpc_decoders[i];
	return NULL;
}

/* Dumps that cannot hold LPC state say so before anything else is tried:
 * the user learns the reason, not a downstream symptom ("no profile"). */
static ld_status analysable(struct ld_kernel *k)
{
	const struct ld_kernel_info *i = ld_kernel_info(k);
	if (i->arch != LD_ARCH_X86 && i->arch != LD_ARCH_X86_PAE && i->arch != LD_ARCH_X64)
		return ld_fail(LD_ERR_UNSUPPORTED, "%s kernel: only x86 and x64 kernels can be analysed",
			       i->arch_name ? i->arch_name : "unknown");
	if (i->triage)
		return ld_fail(LD_ERR_NOT_FOUND, "a triage (small memory) dump holds only the faulting thread "
				 "and its process: it has no LPC/ALPC state to analyse");
	return LD_OK;
}

ld_status ld_lpc_model_build(struct ld_kernel *k, const struct ld_lpc_opts *o,
			     struct ld_lpc_model **out)
{
	const struct ld_system *sys;
	ld_status st = analysable(k);
	if (st != LD_OK)
		return st;
	const struct ld_lpc_ops *ops = decoder_for(k);
	if (ops && ops->prepare)
		ops->prepare(k);
	st = ld_system_get(k, &sys);
	if (st != LD_OK)
		return st;
	if (!ops) {
		const struct ld_profile *p = ld_kernel_profile(k);
		/* Vista RTM's public symbols carry no ALPC layouts (LAYOUTS.md):
		 * say so, and what the user can try, rather than just "no". */
		if (p && ld_profile_build(p) == 6000 && !ld_profile_type(p, "_ALPC_PORT"))
			return ld_fail(LD_ERR_UNSUPPORTED,
				       "profile %s has no ALPC structure layouts (Vista RTM's public symbols lack them); "
				       "--profile vista-sp1-%s uses SP1's layout, unverified for RTM",
				       ld_profile_name(p), ld_profile_arch(p) == LD_ARCH_X64 ? "x64" : "x86");
		return ld_fail(LD_ERR_UNSUPPORTED, "no LPC/ALPC decoder for profile %s",
			       p ? ld_profile_name(p) : "(none)");
	}
	struct ld_lpc_model *m = ld_xcalloc(1, sizeof(*m));
	if (!m)
		return ld_fail_ctx(LD_ERR_NOMEM, "LPC model");
	st = ld_lpc_model_init(m, sys, ops->flavor);
	if (st == LD_OK)
		st = ops->decode(k, m, o);
	if (st == LD_OK)
		st = ld_lpc_build_chains(k, m);
	if (st != LD_OK) {
		ld_lpc_model_free(m);
		return st;
	}
	*out = m;
	return LD_OK;
}

/* The cache: one model without pool scan, one with (the superset). */
struct lpc_cache {
	struct ld_lpc_model *plain, *pooled;
};

static void cache_free(void *v)
{
	struct lpc_cache *c = v;
	if (!c)
		return;
	ld_lpc_model_free(c->plain);
	ld_lpc_model_free(c->pooled);
	free(c);
}

ld_status ld_lpc_model_get(struct ld_kernel *k, const struct ld_lpc_opts *o,
			   const struct ld_lpc_model **out)
{
	struct lpc_cache *c = ld_kernel_slot_get(k, LD_SLOT_LPC);
	if (!c) {
		c = ld_xcalloc(1, sizeof(*c));
		if (!c)
			return ld_fail_ctx(LD_ERR_NOMEM, "LPC cache");
		if (!ld_kernel_slot_set(k, LD_SLOT_LPC, c, cache_free)) {
			free(c);
			return ld_fail(LD_ERR_NOMEM, "LPC cache slot");
		}
	}
	bool pool = o && o->pool_scan;
	if (c->pooled) {
		*out = c->pooled;
		return LD_OK;
	}
	if (!pool && c->plain) {
		*out = c->plain;
		return LD_OK;
	}
	struct ld_lpc_model *m;
	ld_status st = ld_lpc_model_build(k, o, &m);
	if (st != LD_OK)
		return st;
	if (pool)
		c->pooled = m;
	else
		c->plain = m;
	*out = m;
	return LD_OK;
}
