/*
 * shell_script.c — script mode: when standard input is not a terminal the
 * shell reads commands line by line, with no prompt and no line editing, so
 * `lpcdump shell DUMP < commands.txt` and pipes work. Lines starting with
 * "# " are comments. The exit status is that of the last command that
 * failed (0 when all succeeded); Ctrl-C stops the script.
 */
#include "shell-priv.h"

#include <string.h>

/* Skip the rest of an over-long line so the next read starts a new one. */
static void drain_line(FILE *in)
{
	int c;
	while ((c = getc(in)) != EOF && c != '\n')
		;
}

int shell_run_script(struct ld_cmd_ctx *ctx, FILE *in)
{
	char line[SHELL_MAX_LINE + 2];
	int failed = LD_EXIT_OK;
	while (!ctx->session->quit && fgets(line, sizeof line, in)) {
		size_t n = strlen(line);
		if (n == sizeof line - 1 && line[n - 1] != '\n') {
			drain_line(in);
			failed = ld_cmd_error("shell", LD_ERR_LIMIT, "line longer than %u bytes", SHELL_MAX_LINE);
			continue;
		}
		int rc = shell_run_line(ctx, line);
		if (rc != LD_EXIT_OK)
			failed = rc;
		if (rc == LD_EXIT_INTERRUPTED)
			break;
	}
	return failed;
}
