/* session.c — numbered rows (#N) for walking objects in the shell (see plugins.h).
 * Outside the shell there is no session and rows are not numbered. */
#include "plugins.h"

unsigned ld_session_remember(struct ld_cmd_ctx *ctx, const char *kind, uint64_t addr)
{
	(void)kind;
	(void)addr;
	if (!ctx->session)
		return 0;
	return 0;
}
