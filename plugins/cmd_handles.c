/* cmd_handles.c — `handles [PID] [--type NAME]`: open handles per process,
 * with the object's type and name. */
#include "plugins.h"
#include "../analyzer/model/model.h"
#include "../analyzer/report/report.h"

#include <inttypes.h>
#include <string.h>
#include <strings.h>

struct handles_run {
	struct ld_cmd_ctx *ctx;
	const struct ld_system *s;
	const struct ld_process *p;
	const char *type;
	bool json;
	json_t *arr;
	size_t shown;
};

/* The full namespace path when the object has one, else its bare name;
 * processes and threads (unnamed) by their ids, as WinDbg's !handle does. */
static void object_label(struct ld_kernel *k, const struct ld_system *s, const struct ld_handle *h, char *out,
			 size_t max)
{
	out[0] = '\0';
	/* Only look up what the type says it is (tables can hold 10^5 handles),
	 * or both when the type is unknown. */
	const char *tn = h->obj.type_name;
	const struct ld_process *p = !tn[0] || strcmp(tn, "Process") == 0 ? ld_system_process_by_addr(s, h->object)
									 : NULL;
	const struct ld_thread *t = !p && (!tn[0] || strcmp(tn, "Thread") == 0) ?
				    ld_system_thread_by_addr(s, h->object) : NULL;
	if (p) {
		snprintf(out, max, "%s(%" PRIu64 ")", p->name, p->pid);
		return;
	}
	if (t) {
		snprintf(out, max, "%s(%" PRIu64 ") tid %" PRIu64, s->processes[t->process_index].name, t->pid, t->tid);
		return;
	}
	if (!h->obj.name[0])
		return;
	if (h->obj.directory && ld_object_path(k, h->object, out, max) == LD_OK)
		return;
	snprintf(out, max, "%s", h->obj.name);
}

static json_t *handle_json(const struct handles_run *r, const struct ld_handle *h, const char *label)
{
	json_t *o = json_object();
	ld_json_set(o, "pid", ld_json_u64(h->pid));
	ld_json_set(o, "process", ld_json_addr(r->p->addr));
	ld_json_set(o, "handle", ld_json_addr(h->handle));
	ld_json_set(o, "object", ld_json_addr(h->object));
	ld_json_set(o, "access", ld_json_addr(h->access));
	ld_json_set(o, "type", ld_json_str_or_null(h->obj.type_name));
	ld_json_set(o, "name", ld_json_str_or_null(label));
	return o;
}

static bool handle_cb(const struct ld_handle *h, void *arg)
{
	struct handles_run *r = arg;
	if (r->type && strcasecmp(r->type, h->obj.type_name) != 0)
		return true;
	char label[512], addr[32];
	object_label(r->ctx->k, r->s, h, label, sizeof(label));
	r->shown++;
	if (r->json) {
		(void)ld_session_remember(r->ctx, "object", h->object);
		json_array_append_new(r->arr, handle_json(r, h, label));
		return true;
	}
	ld_cmd_row_number(r->ctx, "object", h->object);
	fprintf(r->ctx->out, "%6" PRIu64 " %8" PRIx64 " %-18s %08" PRIx32 " %-16s %s\n", h->pid, h->handle,
		ld_text_addr(addr, sizeof(addr), h->object), h->access, h->obj.type_name[0] ? h->obj.type_name : "?",
		label[0] ? label : "-");
	return true;
}

static bool parse_args(struct ld_cmd_ctx *ctx, int argc, char **argv, struct handles_run *r, bool *has_pid,
		       uint64_t *pid, int *rc)
{
	for (int a = 1; a < argc; a++) {
		if (strcmp(argv[a], "--json") == 0) {
			r->json = true;
		} else if (strcmp(argv[a], "--type") == 0 && a + 1 < argc) {
			r->type = argv[++a];
		} else if (strncmp(argv[a], "--type=", 7) == 0) {
			r->type = argv[a] + 7;
		} else if (!*has_pid && ld_cmd_parse_u64(ctx, argv[a], pid)) {
			*has_pid = true;
		} else {
			*rc = ld_cmd_bad_argument("handles", argv[a]);
			return false;
		}
	}
	return true;
}

int ld_cmd_handles(struct ld_cmd_ctx *ctx, int argc, char **argv)
{
	struct handles_run r = { .ctx = ctx, .json = ctx->json };
	bool has_pid = false;
	uint64_t pid = 0;
	int rc = LD_EXIT_OK;
	if (!parse_args(ctx, argc, argv, &r, &has_pid, &pid, &rc))
		return rc;
	const struct ld_system *s;
	ld_status st = ld_system_get(ctx->k, &s);
	r.s = s;
	if (st != LD_OK)
		return ld_cmd_error("handles", st, "%s", ld_errmsg());
	const struct ld_process *only = NULL;
	if (has_pid && !(only = ld_system_process_by_pid(s, pid)) && !(only = ld_system_process_by_addr(s, pid)))
		return ld_cmd_error("handles", LD_ERR_NOT_FOUND, "no process %" PRIu64, pid);
	if (r.json)
		r.arr = json_array();
	else
		fprintf(ctx->out, "%s%6s %8s %-18s %-8s %-16s %s\n", ld_cmd_row_header(ctx), "PID", "HANDLE",
			"OBJECT", "ACCESS", "TYPE", "NAME");
	for (size_t i = 0; i < s->nprocesses; i++) {
		r.p = &s->processes[i];
		if (only && only != r.p)
			continue;
		if ((st = ld_handles_walk(ctx->k, r.p, handle_cb, &r)) != LD_OK)
			ld_warn("handles of pid %" PRIu64 ": %s", r.p->pid, ld_errmsg());
	}
	if (!r.json)
		return LD_EXIT_OK;
	json_t *doc = json_object();
	ld_json_set(doc, "handles", r.arr);
	return ld_cmd_json_finish(ctx, "handles", doc);
}
