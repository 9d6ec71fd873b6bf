/* cmd_threads.c — `threads [PID]`: threads with state, wait reason, how long
 * they have waited and on what. */
#include "plugins.h"
#include "../analyzer/model/model.h"
#include "../analyzer/report/report.h"

#include <inttypes.h>
#include <string.h>

#define KTHREAD_WAITING 5

/* The ETHREAD field that starts at off ("AlpcWaitSemaphore"), NULL if none.
 * Of a union's names the LPC one is what a reader of this tool wants
 * (LpcReplySemaphore rather than KeyedWaitSemaphore). */
static const char *ethread_field_at(struct ld_kernel *k, uint64_t off)
{
	const struct ld_type *t = ld_profile_type(ld_kernel_profile(k), "_ETHREAD");
	const char *first = NULL;
	for (size_t i = 0; t && i < t->nfields; i++) {
		const struct ld_field *f = &t->fields[i];
		if (f->offset != off || f->bitlen || f->kind != LD_T_STRUCT)
			continue;
		if (strstr(f->name, "Lpc"))
			return f->name;
		if (!first)
			first = f->name;
	}
	return first;
}

/* What the first wait block names: a part of the thread itself (its reply
 * semaphore), or a typed, possibly named, object ("Event \\BaseNamedObjects\\X").
 * "" when it is neither (an anonymous dispatcher object inside something). */
static void waiting_on(struct ld_kernel *k, const struct ld_thread *t, char *out, size_t max)
{
	out[0] = '\0';
	if (t->state != KTHREAD_WAITING || !t->wait_object)
		return;
	uint32_t size = ld_type_size(ld_kernel_profile(k), "_ETHREAD");
	if (t->wait_object >= t->addr && t->wait_object < t->addr + size) {
		const char *f = ethread_field_at(k, t->wait_object - t->addr);
		if (f)
			snprintf(out, max, "own %s", f);
		else
			snprintf(out, max, "own ETHREAD+%#" PRIx64, t->wait_object - t->addr);
		return;
	}
	struct ld_object o;
	if (ld_object_get(k, t->wait_object, &o) != LD_OK || !o.type_name[0])
		return;
	char path[512] = "";
	if (o.name[0] && (!o.directory || ld_object_path(k, t->wait_object, path, sizeof(path)) != LD_OK))
		snprintf(path, sizeof(path), "%s", o.name);
	snprintf(out, max, "%s%s%s", o.type_name, path[0] ? " " : "", path);
}

static json_t *thread_json(struct ld_kernel *k, const struct ld_system *s, const struct ld_thread *t)
{
	char on[600];
	waiting_on(k, t, on, sizeof(on));
	json_t *o = json_object();
	bool waiting = t->state == KTHREAD_WAITING;
	ld_json_set(o, "address", ld_json_addr(t->addr));
	ld_json_set(o, "process", ld_json_addr_or_null(t->process));
	ld_json_set(o, "pid", ld_json_u64(t->pid));
	ld_json_set(o, "tid", ld_json_u64(t->tid));
	ld_json_set(o, "process_name", json_string(s->processes[t->process_index].name));
	ld_json_set(o, "state", json_string(ld_thread_state_name(k, t->state)));
	ld_json_set(o, "state_value", json_integer(t->state));
	ld_json_set(o, "wait_reason", waiting ? json_string(ld_wait_reason_name(k, t->wait_reason)) : json_null());
	ld_json_set(o, "wait_reason_value", waiting ? json_integer(t->wait_reason) : json_null());
	ld_json_set(o, "wait_time", t->wait_time_known ? ld_json_u64(t->wait_time) : json_null());
	ld_json_set(o, "wait_seconds", t->wait_seconds >= 0 ? json_real(t->wait_seconds) : json_null());
	ld_json_set(o, "wait_object", waiting ? ld_json_addr_or_null(t->wait_object) : json_null());
	ld_json_set(o, "waiting_on", ld_json_str_or_null(on));
	ld_json_set(o, "teb", ld_json_addr_or_null(t->teb));
	ld_json_set(o, "start_address", ld_json_addr_or_null(t->start_address));
	ld_json_set(o, "win32_start_address", ld_json_addr_or_null(t->win32_start_address));
	ld_json_set(o, "terminated", json_boolean(t->terminated));
	ld_json_set(o, "incomplete", json_boolean(t->incomplete));
	return o;
}

static void thread_text(struct ld_cmd_ctx *ctx, const struct ld_system *s, const struct ld_thread *t)
{
	char addr[32], obj[32], secs[32], on[600];
	bool waiting = t->state == KTHREAD_WAITING;
	waiting_on(ctx->k, t, on, sizeof(on));
	ld_cmd_row_number(ctx, "thread", t->addr);
	if (waiting && t->wait_seconds >= 0)
		snprintf(secs, sizeof(secs), "%.3f", t->wait_seconds);
	else
		snprintf(secs, sizeof(secs), "-");
	fprintf(ctx->out, "%-18s %6" PRIu64 " %6" PRIu64 " %-12s %-16s %10s %-18s %-15s %s\n",
		ld_text_addr(addr, sizeof(addr), t->addr), t->pid, t->tid, ld_thread_state_name(ctx->k, t->state),
		waiting ? ld_wait_reason_name(ctx->k, t->wait_reason) : "-", secs,
		ld_text_addr(obj, sizeof(obj), waiting ? t->wait_object : 0), s->processes[t->process_index].name,
		on[0] ? on : "-");
}

static bool parse_args(struct ld_cmd_ctx *ctx, int argc, char **argv, bool *json, bool *has_pid, uint64_t *pid,
		       int *rc)
{
	for (int a = 1; a < argc; a++) {
		if (strcmp(argv[a], "--json") == 0) {
			*json = true;
		} else if (!*has_pid && ld_cmd_parse_u64(ctx, argv[a], pid)) {
			*has_pid = true;
		} else {
			*rc = ld_cmd_bad_argument("threads", argv[a]);
			return false;
		}
	}
	return true;
}

/* A PID argument may also be a "#N" row holding an EPROCESS address. */
static bool selected(const struct ld_system *s, const struct ld_thread *t, bool has_pid, uint64_t pid)
{
	return !has_pid || t->pid == pid || s->processes[t->process_index].addr == pid;
}

int ld_cmd_threads(struct ld_cmd_ctx *ctx, int argc, char **argv)
{
	bool json = ctx->json, has_pid = false;
	uint64_t pid = 0;
	int rc = LD_EXIT_OK;
	if (!parse_args(ctx, argc, argv, &json, &has_pid, &pid, &rc))
		return rc;
	const struct ld_system *s;
	ld_status st = ld_system_get(ctx->k, &s);
	if (st != LD_OK)
		return ld_cmd_error("threads", st, "%s", ld_errmsg());
	if (has_pid && !ld_system_process_by_pid(s, pid) && !ld_system_process_by_addr(s, pid))
		return ld_cmd_error("threads", LD_ERR_NOT_FOUND, "no process %" PRIu64, pid);
	json_t *doc = json ? json_object() : NULL, *arr = json ? json_array() : NULL;
	if (!json)
		fprintf(ctx->out, "%s%-18s %6s %6s %-12s %-16s %10s %-18s %-15s %s\n", ld_cmd_row_header(ctx),
			"ETHREAD", "PID", "TID", "STATE", "WAIT REASON", "WAIT(s)", "WAIT OBJECT", "PROCESS", "WAITING ON");
	for (size_t i = 0; i < s->nthreads; i++) {
		const struct ld_thread *t = &s->threads[i];
		if (!selected(s, t, has_pid, pid))
			continue;
		if (json) {
			(void)ld_session_remember(ctx, "thread", t->addr);
			json_array_append_new(arr, thread_json(ctx->k, s, t));
		} else {
			thread_text(ctx, s, t);
		}
	}
	if (!json)
		return LD_EXIT_OK;
	ld_json_set(doc, "threads", arr);
	return ld_cmd_json_finish(ctx, "threads", doc);
}
