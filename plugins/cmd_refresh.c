/* cmd_refresh.c — `refresh`: forget everything cached about the target
 * (pages, translations, the process snapshot, symbols) so that the next
 * command reads it afresh. Meant for live targets, whose memory changes
 * under the shell; harmless on a dump. */
#include "session-priv.h"

int ld_cmd_refresh(struct ld_cmd_ctx *ctx, int argc, char **argv)
{
	if (argc > 1)
		return ld_cmd_error("refresh", LD_ERR_ARG, "unexpected argument: %s", argv[1]);
	ld_kernel_refresh(ctx->k);
	if (ctx->session)
		ld_session_drop_caches(ctx->session);
	if (!ctx->json)
		fprintf(ctx->out, "caches dropped; the next command reads the target again\n");
	else
		fprintf(ctx->out, "{\n  \"refreshed\": true\n}\n");
	return LD_EXIT_OK;
}
