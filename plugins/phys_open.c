/*
 * phys_open.c — how the hidden physical-memory commands get a source.
 */
#include "phys-priv.h"

int ld_phys_open(struct ld_cmd_ctx *ctx, const char *cmd, struct ld_source **src, bool *owned)
{
	*owned = false;
	if (ctx->k) {
		*src = ld_kernel_source(ctx->k);
		return LD_EXIT_OK;
	}
	if (!ctx->dump_path) {
		fprintf(stderr, "lpcdump: %s: no dump given\n", cmd);
		return LD_EXIT_USAGE;
	}
	ld_status st = ld_source_open(ctx->dump_path, ctx->kopts.format, src);
	if (st)
		return ld_cmd_error(cmd, st, "%s: %s", ctx->dump_path, ld_errmsg());
	*owned = true;
	return LD_EXIT_OK;
}

int ld_phys_with_source(struct ld_cmd_ctx *ctx, const char *cmd, ld_phys_body_fn *body, void *arg)
{
	struct ld_source *src;
	bool owned;
	int rc = ld_phys_open(ctx, cmd, &src, &owned);
	if (rc)
		return rc;
	rc = body(ctx, src, arg);
	if (owned)
		ld_source_close(src);
	return rc;
}
