/* cmd_objects.c — `objects [PATH] [-r]`: list an object directory of the
 * namespace (sorted by name), with each object's type. */
#include "plugins.h"
#include "../analyzer/model/model.h"
#include "../analyzer/report/report.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool collect(const struct ld_dirent *e, void *arg)
{
	return ld_vec_push(arg, e) == LD_OK;
}

static int by_path(const void *a, const void *b)
{
	const struct ld_dirent *x = a, *y = b;
	int c = strcasecmp(x->path, y->path);
	return c ? c : strcmp(x->path, y->path);
}

/* A looping hash chain can report an entry twice before the loop is seen. */
static void dedupe(struct ld_vec *v)
{
	size_t out = 0;
	for (size_t i = 0; i < v->len; i++) {
		struct ld_dirent *e = ld_vec_at(v, i);
		if (out > 0) {
			struct ld_dirent *prev = ld_vec_at(v, out - 1);
			if (prev->object == e->object && strcmp(prev->path, e->path) == 0)
				continue;
		}
		if (out != i)
			memcpy(ld_vec_at(v, out), e, v->elem);
		out++;
	}
	v->len = out;
}

static json_t *entry_json(const struct ld_dirent *e)
{
	json_t *o = json_object();
	ld_json_set(o, "object", ld_json_addr(e->object));
	ld_json_set(o, "type", ld_json_str_or_null(e->type_name));
	ld_json_set(o, "name", ld_json_str_or_null(e->name));
	ld_json_set(o, "path", json_string(e->path));
	return o;
}

static void entry_text(struct ld_cmd_ctx *ctx, const struct ld_dirent *e)
{
	char addr[32];
	ld_cmd_row_number(ctx, "object", e->object);
	fprintf(ctx->out, "%-18s %-16s %s\n", ld_text_addr(addr, sizeof(addr), e->object),
		e->type_name[0] ? e->type_name : "?", e->path);
}

static int print(struct ld_cmd_ctx *ctx, bool json, const char *path, const struct ld_vec *v)
{
	if (!json) {
		fprintf(ctx->out, "%s%-18s %-16s %s\n", ld_cmd_row_header(ctx), "OBJECT", "TYPE", "NAME");
		for (size_t i = 0; i < v->len; i++)
			entry_text(ctx, ld_vec_at(v, i));
		return LD_EXIT_OK;
	}
	json_t *doc = json_object(), *arr = json_array();
	for (size_t i = 0; i < v->len; i++) {
		const struct ld_dirent *e = ld_vec_at(v, i);
		(void)ld_session_remember(ctx, "object", e->object);
		json_array_append_new(arr, entry_json(e));
	}
	ld_json_set(doc, "path", json_string(path));
	ld_json_set(doc, "entries", arr);
	return ld_cmd_json_finish(ctx, "objects", doc);
}

int ld_cmd_objects(struct ld_cmd_ctx *ctx, int argc, char **argv)
{
	bool json = ctx->json, recurse = false;
	const char *path = NULL;
	for (int a = 1; a < argc; a++) {
		if (strcmp(argv[a], "--json") == 0)
			json = true;
		else if (strcmp(argv[a], "-r") == 0 || strcmp(argv[a], "--recursive") == 0)
			recurse = true;
		else if (!path && argv[a][0] == '\\')
			path = argv[a];
		else
			return ld_cmd_error("objects", LD_ERR_ARG, "unexpected argument: %s (paths start with \\)",
					    argv[a]);
	}
	struct ld_vec v;
	ld_vec_init(&v, sizeof(struct ld_dirent));
	ld_status st = ld_directory_walk(ctx->k, path ? path : "\\", recurse, collect, &v);
	if (st != LD_OK) {
		ld_vec_free(&v);
		return ld_cmd_error("objects", st, "%s", ld_errmsg());
	}
	if (v.len)
		qsort(v.data, v.len, v.elem, by_path);
	dedupe(&v);
	int rc = print(ctx, json, path ? path : "\\", &v);
	ld_vec_free(&v);
	return rc;
}
