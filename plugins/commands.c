/* commands.c — the command table (see plugins.h). Keep it sorted by name. */
#include "plugins.h"

#include <string.h>

static const struct ld_command commands[] = {
	{ "alpc", ld_cmd_alpc, LD_CMD_NEEDS_KERNEL,
	  "alpc port ADDR | message ADDR | process PID | connections ADDR [--pool-scan] [--json] DUMP",
	  "WinDbg-like ALPC views (!alpc /p, /m, /lpp, /lpc): ports, messages, a process's connections" },
	{ "db", ld_cmd_db, LD_CMD_NEEDS_KERNEL, "db [/p] ADDR [L COUNT] DUMP", "display bytes (virtual, or physical with /p), WinDbg layout" },
	{ "dd", ld_cmd_dd, LD_CMD_NEEDS_KERNEL, "dd [/p] ADDR [L COUNT] DUMP", "display 32-bit values" },
	{ "dp", ld_cmd_dp, LD_CMD_NEEDS_KERNEL, "dp [/p] ADDR [L COUNT] DUMP", "display pointer-sized values" },
	{ "dps", ld_cmd_dps, LD_CMD_NEEDS_KERNEL, "dps [/p] ADDR [L COUNT] DUMP", "pointers one per line, named from module exports" },
	{ "dq", ld_cmd_dq, LD_CMD_NEEDS_KERNEL, "dq [/p] ADDR [L COUNT] DUMP", "display 64-bit values" },
	{ "dt", ld_cmd_dt, 0, "dt TYPE [ADDR] [FIELD...] [-r [DEPTH]] [-a] [--json] [DUMP]",
	  "a structure's layout from the profile, or its values at ADDR (WinDbg style)" },
	{ "dw", ld_cmd_dw, LD_CMD_NEEDS_KERNEL, "dw [/p] ADDR [L COUNT] DUMP", "display 16-bit values" },
	{ "handles", ld_cmd_handles, LD_CMD_NEEDS_KERNEL, "handles [PID] [--type NAME] [--json] DUMP", "open handles per process: object, access, type, name" },
	{ "help", ld_cmd_help, 0, "help [COMMAND]", "list commands or describe one" },
	{ "info", ld_cmd_info, LD_CMD_NEEDS_KERNEL, "info [--json] DUMP",
	  "what the dump is: format, architecture, build, DTB, KDBG, kernel, time" },
	{ "k", ld_cmd_k, LD_CMD_NEEDS_KERNEL, "k [THREAD] DUMP", "kernel stack of a thread (best-effort scan for return addresses)" },
	{ "ln", ld_cmd_ln, LD_CMD_NEEDS_KERNEL, "ln ADDR DUMP", "the module export nearest below an address" },
	{ "lpc", ld_cmd_lpc, LD_CMD_NEEDS_KERNEL, "lpc message [ID] | port [ADDR] | thread [ADDR] [--pool-scan] [--json] DUMP",
	  "LPC views: messages (by id), ports (queue, rundown), threads' LPC state (WinDbg !lpc)" },
	{ "modules", ld_cmd_modules, LD_CMD_NEEDS_KERNEL, "modules [--json] DUMP", "loaded kernel modules (PsLoadedModuleList)" },
	{ "objects", ld_cmd_objects, LD_CMD_NEEDS_KERNEL, "objects [PATH] [-r] [--json] DUMP", "list an object directory of the namespace (default \\)" },
	{ "physinfo", ld_cmd_physinfo, LD_CMD_HIDDEN, "physinfo DUMP", "what the container says, key=value (tests)" },
	{ "physread", ld_cmd_physread, LD_CMD_HIDDEN, "physread ADDR LEN DUMP", "physical bytes as od -An -tx1 prints them (tests)" },
	{ "physscan", ld_cmd_physscan, LD_CMD_HIDDEN, "physscan [--ranges] [--no-hash] DUMP",
	  "read every present physical page; ranges, pages, digest (tests, bench)" },
	{ "profiles", ld_cmd_profiles, 0, "profiles [--json] [DUMP]",
	  "structure profiles on the search path; with a dump, the one chosen and why" },
	{ "ps", ld_cmd_ps, LD_CMD_NEEDS_KERNEL, "ps [--json] DUMP", "processes: pid, parent, threads, name, creation time" },
	{ "refresh", ld_cmd_refresh, LD_CMD_NEEDS_KERNEL, "refresh DUMP", "drop cached pages and objects (live targets)" },
	{ "shell", ld_cmd_shell, LD_CMD_NEEDS_KERNEL, "shell [--no-pager] [-c 'CMD; CMD'] DUMP", "interactive shell over one opened dump (also -i)" },
	{ "threads", ld_cmd_threads, LD_CMD_NEEDS_KERNEL, "threads [PID] [--json] DUMP", "threads: state, wait reason, seconds waited, wait object" },
	{ "triage", ld_cmd_triage, LD_CMD_NEEDS_KERNEL, "[triage] [--pool-scan] [--min-wait S] [--stuck-exit] [--json] DUMP",
	  "the default: threads stuck waiting for LPC/ALPC replies, their chains and deadlocks" },
	{ "u", ld_cmd_u, LD_CMD_NEEDS_KERNEL, "u ADDR [COUNT] DUMP", "disassemble (x86/x64), named from module exports" },
	{ "version", ld_cmd_version, 0, "version", "print the program version" },
	{ "vtop", ld_cmd_vtop, LD_CMD_NEEDS_KERNEL, "vtop ADDR DUMP", "how a kernel address translates, or why it does not (WinDbg !pte)" },
	{ "x", ld_cmd_x, LD_CMD_NEEDS_KERNEL, "x [MODULE!]PATTERN DUMP", "module exports whose names match a pattern (nt!Ps*)" },
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
