/* commands.c — the command table (see plugins.h). Keep it sorted by name. */
#include "plugins.h"

#include <string.h>

static const struct ld_command commands[] = {
	{ "help", ld_cmd_help, 0, "help [COMMAND]", "list commands or describe one" },
	{ "info", ld_cmd_info, LD_CMD_NEEDS_KERNEL, "info [--json] DUMP",
	  "what the dump is: format, architecture, build, DTB, KDBG, kernel, time" },
	{ "version", ld_cmd_version, 0, "version", "print the program version" },
};

const struct ld_command *ld_command_find(const char *name)
{
	for (size_t i = 0; i < LD_ARRAY_SIZE(commands); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

const struct ld_command *ld_command_at(size_t i)
{
	return i < LD_ARRAY_SIZE(commands) ? &commands[i] : NULL;
}
