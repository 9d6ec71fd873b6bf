/* report_triage_json.c — the triage document, schema "lpcdump/1"
 * (man/lpcdump.schema.json): what the dump is, the processes, the threads
 * LPC involves, every port and message, one wait per thread waiting for a
 * reply, the chains (ranked, filtered by --min-wait) and the warnings. */
#include "report.h"

#include <stdlib.h>

static json_t *dump_json(struct ld_kernel *k)
{
	const struct ld_kernel_info *ki = ld_kernel_info(k);
	const struct ld_source_meta *sm = ld_source_meta(ld_kernel_source(k));
	const struct ld_profile *p = ld_kernel_profile(k);
	json_t *o = json_object();
	ld_json_set(o, "format", json_string(sm && sm->format ? sm->format : "unknown"));
	ld_json_set(o, "layout", ld_json_str_or_null(sm ? sm->layout : NULL));
	ld_json_set(o, "arch", json_string(ki->arch_name ? ki->arch_name : "unknown"));
	ld_json_set(o, "build", ki->build ? json_integer(ki->build) : json_null());
	ld_json_set(o, "profile", p ? json_string(ld_profile_name(p)) : json_null());
	ld_json_set(o, "system_time", ld_json_filetime(ki->system_time));
	return o;
}

static void processes_json(struct ld_json_stream *s, const struct ld_system *sys)
{
	ld_json_stream_array_begin(s, "processes");
	for (size_t i = 0; i < sys->nprocesses; i++) {
		const struct ld_process *p = &sys->processes[i];
		json_t *o = json_object();
		ld_json_set(o, "address", ld_json_addr(p->addr));
		ld_json_set(o, "pid", ld_json_u64(p->pid));
		ld_json_set(o, "name", json_string(p->name));
		ld_json_set(o, "exiting", json_boolean(p->exiting));
		ld_json_stream_element(s, o);
	}
	ld_json_stream_array_end(s);
}

/* Threads LPC involves: any LPC role, or a member of a chain. */
static bool *involved_threads(const struct ld_lpc_model *m)
{
	size_t n = m->sys->nthreads;
	bool *in = ld_xcalloc(n ? n : 1, sizeof(bool));
	if (!in)
		return NULL;
	for (size_t i = 0; i < n; i++)
		in[i] = m->threads[i].roles != 0;
	for (size_t c = 0; c < m->nchains; c++) {
		for (size_t j = 0; j < m->chains[c].nthreads; j++)
			in[m->chains[c].threads[j]] = true;
		if (m->chains[c].end.object.owner_index != LD_LPC_NONE)
			in[m->chains[c].end.object.owner_index] = true;
	}
	return in;
}

static void threads_json(struct ld_json_stream *s, struct ld_kernel *k, const struct ld_lpc_model *m)
{
	ld_json_stream_array_begin(s, "threads");
	bool *in = involved_threads(m);
	for (size_t i = 0; in && i < m->sys->nthreads; i++)
		if (in[i])
			ld_json_stream_element(s, ld_json_lpc_thread(k, m, i));
	free(in);
	ld_json_stream_array_end(s);
}

ld_status ld_report_triage_json(FILE *out, struct ld_kernel *k, const struct ld_lpc_model *m, double min_wait)
{
	struct ld_json_stream s;
	ld_json_stream_begin(&s, out);
	ld_json_stream_member(&s, "schema", json_string("lpcdump/1"));
	ld_json_stream_member(&s, "dump", dump_json(k));
	ld_json_stream_member(&s, "flavor", json_string(ld_lpc_flavor_name(m->flavor)));
	ld_json_stream_member(&s, "pool_scanned", json_boolean(m->pool_scanned));
	ld_json_stream_member(&s, "min_wait", min_wait < 0 ? json_null() : json_real(min_wait));
	processes_json(&s, m->sys);
	threads_json(&s, k, m);
	ld_json_stream_array_begin(&s, "ports");
	for (size_t i = 0; i < m->nports; i++)
		ld_json_stream_element(&s, ld_json_lpc_port(m, i));
	ld_json_stream_array_end(&s);
	ld_json_stream_array_begin(&s, "messages");
	for (size_t i = 0; i < m->nmessages; i++)
		ld_json_stream_element(&s, ld_json_lpc_message(m, i));
	ld_json_stream_array_end(&s);
	ld_json_stream_array_begin(&s, "waits");
	for (size_t i = 0; i < m->nwaits; i++)
		ld_json_stream_element(&s, ld_json_lpc_wait(m, i));
	ld_json_stream_array_end(&s);
	ld_json_stream_array_begin(&s, "chains");
	for (size_t i = 0; i < m->nchains; i++)
		if (ld_lpc_chain_visible(m, i, min_wait))
			ld_json_stream_element(&s, ld_json_lpc_chain(m, i));
	ld_json_stream_array_end(&s);
	ld_json_stream_member(&s, "stuck_chains", json_integer((json_int_t)ld_lpc_stuck_count(m, min_wait)));
	/* Last, so that warnings raised while writing the rest are in it. */
	ld_json_stream_member(&s, "warnings", ld_json_warnings());
	return ld_json_stream_end(&s);
}
