/*
 * lpc_views-priv.h — `lpc VIEW [ARG]` and `alpc VIEW ARG`: WinDbg-like views
 * over the LPC model that share one grammar (a view name, at most one number
 * or address, --json, --pool-scan) and one run (build the model, call the
 * view with a JSON document or none, finish the document). Each command
 * keeps its views; lpc_views.c keeps what they share.
 */
#ifndef LPCDUMP_LPC_VIEWS_PRIV_H
#define LPCDUMP_LPC_VIEWS_PRIV_H

#include "plugins.h"
#include "../analyzer/lpc/lpc.h"
#include "../analyzer/report/report.h"

struct ld_lpc_view_args {
	const char *what;           /* the view's name */
	bool has_arg;
	uint64_t arg;               /* its ID, ADDR or PID */
	bool json;
	struct ld_lpc_opts o;
};

/* Fill doc, or print text when doc is NULL; on failure print the error
 * (ld_cmd_error) and return its exit status. */
typedef int ld_lpc_view_fn(struct ld_cmd_ctx *ctx, const struct ld_lpc_model *m,
			   const struct ld_lpc_view_args *a, json_t *doc);

struct ld_lpc_view {
	const char *name;
	ld_lpc_view_fn *run;
};

struct ld_lpc_views {
	const char *cmd;                  /* "lpc" */
	const struct ld_lpc_view *views;
	size_t nviews;
	bool needs_arg;                   /* every view names its object */
	bool alpc_only;                   /* refuse an NT 5.x LPC kernel */
	const char *usage;                /* the error when the view (or its arg) is missing */
	const char *bad_arg_hint;         /* after "unexpected argument: X" */
};

int ld_cmd_lpc_views(struct ld_cmd_ctx *ctx, const struct ld_lpc_views *v, int argc, char **argv);

#endif
