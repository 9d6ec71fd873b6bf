/* cmd_help.c — `help [COMMAND]` and `version`. */
#include "config.h"
#include "plugins.h"

#include <string.h>

#include "../analyzer/source/source.h"

/* `help formats`: the names --format accepts, from the source layer's table. */
static int help_formats(struct ld_cmd_ctx *ctx)
{
	fprintf(ctx->out, "Input formats (--format NAME; without it the format is detected from the content):\n");
	for (const char *const *f = ld_source_formats(); *f; f++)
		fprintf(ctx->out, "  %s\n", *f);
	return LD_EXIT_OK;
}

int ld_cmd_help(struct ld_cmd_ctx *ctx, int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "formats"))
		return help_formats(ctx);
	if (argc > 1) {
		const struct ld_command *c = ld_command_find(argv[1]);
		if (!c)
			return ld_cmd_error("help", LD_ERR_ARG, "no such command: %s", argv[1]);
		fprintf(ctx->out, "usage: %s\n  %s\n", c->usage, c->summary);
		return LD_EXIT_OK;
	}
	fprintf(ctx->out, "Commands:\n");
	for (size_t i = 0; ld_command_at(i); i++) {
		const struct ld_command *c = ld_command_at(i);
		if (c->flags & LD_CMD_HIDDEN)
			continue;
		if ((c->flags & LD_CMD_SHELL_ONLY) && !ctx->session)
			continue;
		fprintf(ctx->out, "  %-12s %s\n", c->name, c->summary);
	}
	return LD_EXIT_OK;
}

int ld_cmd_version(struct ld_cmd_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(ctx->out, "lpcdump %s\n", PACKAGE_VERSION);
	return LD_EXIT_OK;
}
