/*
 * shell_dispatch.c — one typed line to commands of the shared table.
 *
 * Words are split like a small shell: blanks separate, '…' and "…" quote,
 * backslash escapes outside single quotes, ';' ends a command. Global options
 * that main() consumes on the command line (--json, -q, --min-wait,
 * --stuck-exit) are honoured per command here, so `ps --json` means the same
 * in the shell as on the command line.
 */
#include "shell-priv.h"

#include <stdlib.h>
#include <string.h>

struct split {
	char buf[SHELL_MAX_LINE * 2];   /* words, NUL-separated */
	size_t used;
};

/* Next command of line starting at *pos into w; false at the end of line. */
static bool next_command(const char *line, size_t *pos, struct split *sp, struct shell_words *w,
			 const char **err)
{
	size_t i = *pos;
	char quote = 0;
	bool in_word = false;
	w->argc = 0;
	*err = NULL;
	for (;; i++) {
		char c = line[i];
		bool end = !c || (!quote && (c == ';' || c == '\n' || c == '\r'));
		bool blank = !quote && (c == ' ' || c == '\t');
		if ((end || blank) && in_word) {
			sp->buf[sp->used++] = 0;
			in_word = false;
		}
		if (end)
			break;
		if (blank)
			continue;
		if (!in_word) {
			if (w->argc >= (int)SHELL_MAX_WORDS) {
				*err = "too many words";
				return false;
			}
			w->argv[w->argc++] = sp->buf + sp->used;
			in_word = true;
		}
		if (!quote && (c == '\'' || c == '"')) {
			quote = c;
			continue;
		}
		if (quote && c == quote) {
			quote = 0;
			continue;
		}
		if (c == '\\' && quote != '\'' && line[i + 1])
			c = line[++i];
		sp->buf[sp->used++] = c;
	}
	if (quote) {
		*err = "unterminated quote";
		return false;
	}
	w->argv[w->argc] = NULL;
	*pos = line[i] ? i + 1 : i;
	return w->argc > 0 || line[i];
}

struct saved_opts {
	bool json, quiet, stuck_exit;
	double min_wait;
};

/* Take the global options out of the words, applying them to ctx for this
 * one command. Returns false (message printed) on a bad value. */
static bool take_globals(struct ld_cmd_ctx *ctx, struct shell_words *w)
{
	int out = 1;
	for (int i = 1; i < w->argc; i++) {
		const char *a = w->argv[i];
		if (!strcmp(a, "--json")) {
			ctx->json = true;
		} else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
			ctx->quiet = true;
		} else if (!strcmp(a, "--stuck-exit")) {
			ctx->stuck_exit = true;
		} else if (!strcmp(a, "--min-wait") || !strncmp(a, "--min-wait=", 11)) {
			const char *v = a[10] == '=' ? a + 11 : (i + 1 < w->argc ? w->argv[++i] : "");
			char *end;
			ctx->min_wait = strtod(v, &end);
			if (!*v || *end || ctx->min_wait < 0) {
				ld_cmd_error(w->argv[0], LD_ERR_ARG, "--min-wait: not a number of seconds: %s", v);
				return false;
			}
		} else {
			w->argv[out++] = w->argv[i];
		}
	}
	w->argc = out;
	w->argv[out] = NULL;
	return true;
}

static int run_table_command(struct ld_cmd_ctx *ctx, struct shell_words *w)
{
	const struct ld_command *cmd = ld_command_find(w->argv[0]);
	if (!cmd)
		return ld_cmd_error(w->argv[0], LD_ERR_ARG, "no such command (try `help`)");
	if (!strcmp(cmd->name, "shell"))
		return ld_cmd_error("shell", LD_ERR_ARG, "already in the shell");
	if ((cmd->flags & LD_CMD_NEEDS_KERNEL) && !ctx->k)
		return ld_cmd_error(cmd->name, LD_ERR_ARG, "no dump is open");
	ld_session_begin_command(ctx->session);
	return cmd->run(ctx, w->argc, w->argv);
}

static int run_one(struct ld_cmd_ctx *ctx, struct shell_words *w)
{
	struct saved_opts keep = { ctx->json, ctx->quiet, ctx->stuck_exit, ctx->min_wait };
	int rc = LD_EXIT_USAGE;
	ld_warn_clear();
	ld_interrupted = 0;
	struct shell_pager pg;
	shell_pager_begin(ctx, &pg);
	if (!shell_alias_apply(ctx, w, &rc) && take_globals(ctx, w))
		rc = run_table_command(ctx, w);
	/* Checked before paging: Ctrl-C inside the pager belongs to the pager. */
	bool cut = ld_interrupted && rc != LD_EXIT_INTERRUPTED;
	shell_pager_end(ctx, &pg);
	if (cut)   /* the command stopped early on Ctrl-C: its output is partial */
		rc = ld_cmd_error(w->argv[0], LD_ERR_INTERRUPTED, "interrupted");
	ld_interrupted = 0;
	if (!ctx->json)
		ld_cmd_print_warnings(ctx);
	ld_warn_clear();
	/* .json on|off changes the session; a per-command --json does not. */
	if (strcmp(w->argv[0], ".json") != 0)
		ctx->json = keep.json;
	ctx->quiet = keep.quiet;
	ctx->stuck_exit = keep.stuck_exit;
	ctx->min_wait = keep.min_wait;
	fflush(ctx->out);
	return rc;
}

int shell_run_line(struct ld_cmd_ctx *ctx, const char *line)
{
	/* A '#' followed by a blank or nothing starts a comment line in scripts;
	 * "#3" is a row number and never starts a line. */
	const char *p = line + strspn(line, " \t");
	if (p[0] == '#' && (p[1] == 0 || p[1] == ' ' || p[1] == '\t' || p[1] == '\n' || p[1] == '#'))
		return LD_EXIT_OK;
	if (strlen(line) >= SHELL_MAX_LINE)
		return ld_cmd_error("shell", LD_ERR_LIMIT, "line longer than %u bytes", SHELL_MAX_LINE);
	struct split *sp = calloc(1, sizeof *sp);
	struct shell_words w;
	size_t pos = 0;
	int failed = LD_EXIT_OK;
	const char *err;
	if (!sp)
		return LD_EXIT_ANALYSIS;
	while (!ctx->session->quit && next_command(line, &pos, sp, &w, &err)) {
		if (w.argc == 0)
			continue;
		int rc = run_one(ctx, &w);
		if (rc != LD_EXIT_OK)
			failed = rc;
		if (rc == LD_EXIT_INTERRUPTED)
			break;   /* Ctrl-C drops the rest of the line too */
	}
	if (err)
		failed = ld_cmd_error("shell", LD_ERR_ARG, "%s", err);
	free(sp);
	return failed;
}
