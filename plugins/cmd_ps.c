/* cmd_ps.c — `ps`: the processes on PsActiveProcessHead. */
#include "plugins.h"
#include "../analyzer/model/model.h"
#include "../analyzer/report/report.h"

#include <inttypes.h>
#include <string.h>

static json_t *walk_json(const struct ld_walk_result *w)
{
	json_t *o = json_object();
	ld_json_set(o, "end", json_string(ld_walk_end_name(w->end)));
	ld_json_set(o, "count", ld_json_u64(w->count));
	ld_json_set(o, "bad_address", ld_json_addr_or_null(w->bad_va));
	return o;
}

static json_t *process_json(const struct ld_process *p)
{
	json_t *o = json_object();
	ld_json_set(o, "address", ld_json_addr(p->addr));
	ld_json_set(o, "pid", ld_json_u64(p->pid));
	ld_json_set(o, "ppid", ld_json_u64(p->ppid));
	ld_json_set(o, "name", ld_json_str_or_null(p->name));
	ld_json_set(o, "threads", ld_json_u64(p->nthreads));
	ld_json_set(o, "thread_walk", json_string(ld_walk_end_name(p->thread_walk.end)));
	ld_json_set(o, "dtb", ld_json_addr_or_null(p->dtb));
	ld_json_set(o, "object_table", ld_json_addr_or_null(p->object_table));
	ld_json_set(o, "create_time", ld_json_filetime(p->create_time));
	ld_json_set(o, "exit_time", ld_json_filetime(p->exit_time));
	ld_json_set(o, "exiting", json_boolean(p->exiting));
	ld_json_set(o, "incomplete", json_boolean(p->incomplete));
	return o;
}

static int ps_json(struct ld_cmd_ctx *ctx, const struct ld_system *s)
{
	json_t *doc = json_object(), *arr = json_array();
	for (size_t i = 0; i < s->nprocesses; i++) {
		(void)ld_session_remember(ctx, "process", s->processes[i].addr);
		json_array_append_new(arr, process_json(&s->processes[i]));
	}
	ld_json_set(doc, "processes", arr);
	ld_json_set(doc, "process_walk", walk_json(&s->process_walk));
	return ld_cmd_json_finish(ctx, "ps", doc);
}

static void ps_text(struct ld_cmd_ctx *ctx, const struct ld_system *s)
{
	FILE *f = ctx->out;
	fprintf(f, "%s%-18s %6s %6s %5s %-15s %-20s %s\n", ld_cmd_row_header(ctx), "EPROCESS", "PID", "PPID",
		"THDS", "NAME", "CREATED", "STATE");
	for (size_t i = 0; i < s->nprocesses; i++) {
		const struct ld_process *p = &s->processes[i];
		char addr[32], created[32];
		ld_cmd_row_number(ctx, "process", p->addr);
		if (!ld_filetime_iso(p->create_time, created, sizeof(created)))
			snprintf(created, sizeof(created), "-");
		fprintf(f, "%-18s %6" PRIu64 " %6" PRIu64 " %5zu %-15s %-20s %s\n", ld_text_addr(addr, sizeof(addr), p->addr),
			p->pid, p->ppid, p->nthreads, p->name[0] ? p->name : "?", created,
			p->exiting ? "exiting" : "active");
	}
	if (s->process_walk.end != LD_WALK_DONE)
		fprintf(f, "(process list ended early: %s after %zu entries)\n",
			ld_walk_end_name(s->process_walk.end), s->process_walk.count);
}

int ld_cmd_ps(struct ld_cmd_ctx *ctx, int argc, char **argv)
{
	bool json = ctx->json;
	int rc = ld_cmd_json_only("ps", argc, argv, &json);
	if (rc != LD_EXIT_OK)
		return rc;
	const struct ld_system *s;
	ld_status st = ld_system_get(ctx->k, &s);
	if (st != LD_OK)
		return ld_cmd_error("ps", st, "%s", ld_errmsg());
	if (json)
		return ps_json(ctx, s);
	ps_text(ctx, s);
	return LD_EXIT_OK;
}
