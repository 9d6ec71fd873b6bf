/* cmd_modules.c — `modules`: loaded kernel modules in load order. */
#include "plugins.h"
#include "../analyzer/model/model.h"
#include "../analyzer/report/report.h"

#include <inttypes.h>
#include <string.h>

struct modules_run {
	struct ld_cmd_ctx *ctx;
	bool json;
	json_t *arr;
};

static bool module_cb(const struct ld_module *m, void *arg)
{
	struct modules_run *r = arg;
	if (r->json) {
		json_t *o = json_object();
		ld_json_set(o, "base", ld_json_addr(m->base));
		ld_json_set(o, "size", ld_json_addr(m->size));
		ld_json_set(o, "entry", ld_json_addr_or_null(m->entry));
		ld_json_set(o, "name", ld_json_str_or_null(m->name));
		ld_json_set(o, "path", ld_json_str_or_null(m->path));
		json_array_append_new(r->arr, o);
		(void)ld_session_remember(r->ctx, "module", m->base);
		return true;
	}
	char base[32];
	ld_cmd_row_number(r->ctx, "module", m->base);
	fprintf(r->ctx->out, "%-18s %10" PRIx64 " %-20s %s\n", ld_text_addr(base, sizeof(base), m->base), m->size,
		m->name[0] ? m->name : "?", m->path);
	return true;
}

int ld_cmd_modules(struct ld_cmd_ctx *ctx, int argc, char **argv)
{
	struct modules_run r = { .ctx = ctx, .json = ctx->json };
	int rc = ld_cmd_json_only("modules", argc, argv, &r.json);
	if (rc != LD_EXIT_OK)
		return rc;
	if (r.json)
		r.arr = json_array();
	else
		fprintf(ctx->out, "%s%-18s %10s %-20s %s\n", ld_cmd_row_header(ctx), "BASE", "SIZE", "NAME", "PATH");
	struct ld_walk_result w;
	ld_status st = ld_modules_walk(ctx->k, module_cb, &r, &w);
	if (st != LD_OK) {
		json_decref(r.arr);
		return ld_cmd_error("modules", st, "%s", ld_errmsg());
	}
	if (!r.json)
		return LD_EXIT_OK;
	json_t *doc = json_object(), *walk = json_object();
	ld_json_set(walk, "end", json_string(ld_walk_end_name(w.end)));
	ld_json_set(walk, "count", ld_json_u64(w.count));
	ld_json_set(doc, "modules", r.arr);
	ld_json_set(doc, "module_walk", walk);
	return ld_cmd_json_finish(ctx, "modules", doc);
}
