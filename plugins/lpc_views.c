/* lpc_views.c — what `lpc` and `alpc` share (lpc_views-priv.h): their
 * grammar, and building the model before the view runs. */
#include "lpc_views-priv.h"

#include <string.h>

static const struct ld_lpc_view *find_view(const struct ld_lpc_views *v, const char *name)
{
	for (size_t i = 0; i < v->nviews; i++)
		if (!strcmp(name, v->views[i].name))
			return &v->views[i];
	return NULL;
}

/* VIEW [ARG] [--json] [--pool-scan], in any order; ARG only after VIEW. */
static int parse_args(struct ld_cmd_ctx *ctx, const struct ld_lpc_views *v, int argc, char **argv,
		      struct ld_lpc_view_args *a, const struct ld_lpc_view **view)
{
	a->json = ctx->json;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			a->json = true;
		else if (!strcmp(argv[i], "--pool-scan"))
			a->o.pool_scan = true;
		else if (!*view && (*view = find_view(v, argv[i])) != NULL)
			a->what = argv[i];
		else if (*view && !a->has_arg && ld_cmd_parse_u64(ctx, argv[i], &a->arg))
			a->has_arg = true;
		else
			return ld_cmd_error(v->cmd, LD_ERR_ARG, "unexpected argument: %s%s", argv[i], v->bad_arg_hint);
	}
	if (!*view || (v->needs_arg && !a->has_arg))
		return ld_cmd_error(v->cmd, LD_ERR_ARG, "%s", v->usage);
	return LD_EXIT_OK;
}

struct view_run {
	const struct ld_lpc_view *view;
	const struct ld_lpc_model *m;
	const struct ld_lpc_view_args *a;
};

static int run_view(struct ld_cmd_ctx *ctx, json_t *doc, void *arg)
{
	const struct view_run *r = arg;
	return r->view->run(ctx, r->m, r->a, doc);
}

int ld_cmd_lpc_views(struct ld_cmd_ctx *ctx, const struct ld_lpc_views *v, int argc, char **argv)
{
	struct ld_lpc_view_args a = { 0 };
	const struct ld_lpc_view *view = NULL;
	int rc = parse_args(ctx, v, argc, argv, &a, &view);
	if (rc != LD_EXIT_OK)
		return rc;
	const struct ld_lpc_model *m;
	ld_status st = ld_lpc_model_get(ctx->k, &a.o, &m);
	if (st != LD_OK)
		return ld_cmd_error(v->cmd, st, "%s", ld_errmsg());
	if (v->alpc_only && m->flavor != LD_LPC_FLAVOR_ALPC)
		return ld_cmd_error(v->cmd, LD_ERR_UNSUPPORTED, "this kernel uses NT 5.x LPC, not ALPC: see `lpc`");
	struct view_run r = { .view = view, .m = m, .a = &a };
	return ld_cmd_json_or_text(ctx, v->cmd, a.json, "lpcdump/1", run_view, &r);
}
