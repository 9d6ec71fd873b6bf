/*
 * cmd_shell.c — `lpcdump shell [--no-pager] [-c 'CMD; CMD'] DUMP` (also
 * `lpcdump -i DUMP`): the dump is opened once by main(), then commands of the
 * shared table run against it — from a terminal with line editing, from a
 * script on standard input, or from -c.
 */
#include "shell-priv.h"

#include <string.h>
#include <unistd.h>

int ld_cmd_shell(struct ld_cmd_ctx *ctx, int argc, char **argv)
{
	const char *commands = NULL;
	bool no_pager = false;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--no-pager"))
			no_pager = true;
		else if (!strcmp(argv[i], "-c") && i + 1 < argc)
			commands = argv[++i];
		else
			return ld_cmd_error("shell", LD_ERR_ARG,
					    "unexpected argument: %s (usage: shell [--no-pager] [-c 'CMD; CMD'] DUMP)",
					    argv[i]);
	}
	struct ld_session *s = ld_session_new();
	if (!s)
		return ld_cmd_error("shell", LD_ERR_NOMEM, "%s", ld_errmsg());
	s->no_pager = no_pager;
	ctx->session = s;
	/* What opening the dump had to say, before the first prompt. */
	if (!ctx->json)
		ld_cmd_print_warnings(ctx);
	ld_warn_clear();
	int rc;
	if (commands)
		rc = shell_run_line(ctx, commands);
	else if (isatty(STDIN_FILENO))
		rc = shell_run_interactive(ctx);
	else
		rc = shell_run_script(ctx, stdin);
	ctx->session = NULL;
	ld_session_free(s);
	return rc;
}
