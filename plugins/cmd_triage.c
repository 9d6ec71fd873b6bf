/* cmd_triage.c — the default command: `lpcdump DUMP` prints which threads are
 * stuck waiting for LPC/ALPC replies, on which port, in which server, which
 * server thread holds the request and what it waits on; chains and deadlocks.
 *
 *   triage [--pool-scan] [--json] DUMP      (--min-wait and --stuck-exit are global)
 *
 * Exit: 0 analyzed (nothing stuck, or --stuck-exit not given); 1 with
 * --stuck-exit when a stuck chain is shown; 3/4 when the dump cannot be
 * opened / analyzed. */
#include "plugins.h"
#include "../analyzer/lpc/lpc.h"
#include "../analyzer/report/report.h"

#include <string.h>

static bool parse_args(int argc, char **argv, bool *json, struct ld_lpc_opts *o, int *rc)
{
	for (int a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "--json"))
			*json = true;
		else if (!strcmp(argv[a], "--pool-scan"))
			o->pool_scan = true;
		else {
			*rc = ld_cmd_error("triage", LD_ERR_ARG, "unexpected argument: %s", argv[a]);
			return false;
		}
	}
	return true;
}

int ld_cmd_triage(struct ld_cmd_ctx *ctx, int argc, char **argv)
{
	bool json = ctx->json;
	struct ld_lpc_opts o = { 0 };
	int rc = LD_EXIT_OK;
	if (!parse_args(argc, argv, &json, &o, &rc))
		return rc;
	const struct ld_lpc_model *m;
	ld_status st = ld_lpc_model_get(ctx->k, &o, &m);
	if (st != LD_OK)
		return ld_cmd_error("triage", st, "%s", ld_errmsg());
	if (json)
		st = ld_report_triage_json(ctx->out, ctx->k, m, ctx->min_wait);
	else
		st = ld_report_triage_text(ctx->out, ctx->k, m, ctx->min_wait);
	if (st != LD_OK)
		return ld_cmd_error("triage", st, "%s", ld_errmsg());
	if (ctx->stuck_exit && ld_lpc_stuck_count(m, ctx->min_wait) > 0)
		return LD_EXIT_STUCK;
	return LD_EXIT_OK;
}
