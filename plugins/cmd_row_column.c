/* cmd_row_column.c — the "#N" column the shell puts in front of every row
 * of a listing (ps, threads, handles, objects, modules), so a later command
 * can name the row's object as #N (ld_cmd_parse_u64). One place for its
 * width, so the rows and the header of every listing stay aligned. */
#include "plugins.h"

void ld_cmd_row_number(struct ld_cmd_ctx *ctx, const char *kind, uint64_t addr)
{
	unsigned n = ld_session_remember(ctx, kind, addr);
	if (n)
		fprintf(ctx->out, "#%-4u", n);
	else if (ctx->session)
		fprintf(ctx->out, "     ");   /* the session has run out of numbers */
}

const char *ld_cmd_row_header(const struct ld_cmd_ctx *ctx)
{
	return ctx->session ? "#    " : "";
}
