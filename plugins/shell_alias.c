/*
 * shell_alias.c — the shell's built-ins (quit, .json, help) and the WinDbg
 * spellings engineers type from habit, rewritten to table commands:
 *
 *   !lpc ARGS              → lpc ARGS
 *   !alpc /p|/m|/lpp|/lpc X → alpc port|message|process|connections X
 *   !thread ADDR           → thread ADDR (or `lpc thread ADDR` when there is no `thread`)
 *   !pte ADDR              → vtop ADDR
 *   !process               → ps            (also `!process 0 0`)
 *   !process PID|ADDR|NAME [F] → threads PID (WinDbg radix: PID is hexadecimal;
 *                          ADDR an EPROCESS or an ETHREAD; NAME an image name)
 *
 * and, while the table has no command of that name, the short words of the
 * walk `threads 612` → `thread #3` → `port #1` → `process #2`:
 *
 *   thread X   → lpc thread X
 *   port X     → lpc port X, or alpc port X on NT 6+ (ALPC)
 *   message X  → lpc message X, or alpc message X on NT 6+
 *   process X  → !process X (X may also be a thread: its process)
 */
#include "shell-priv.h"
#include "addr-priv.h"
#include "../analyzer/model/model.h"

#include <inttypes.h>
#include <string.h>
#include <strings.h>

static const char *const names[] = {
	"quit", "q", "exit", ".json", "help", "!lpc", "!alpc", "!thread", "!process",
	"thread", "port", "message", "process", "!pte", NULL
};

const char *const *shell_alias_names(void)
{
	return names;
}

void shell_alias_help(FILE *out)
{
	fprintf(out,
		"Shell:\n"
		"  #N           row N of the last listing, wherever an address is expected\n"
		"  .json on|off switch every command's output to JSON and back\n"
		"  !lpc ARGS    same as `lpc ARGS`\n"
		"  !alpc /p|/m|/lpp|/lpc ADDR\n"
		"               alpc port|message|process|connections\n"
		"  !thread ADDR same as `thread ADDR`\n"
		"  !pte ADDR    same as `vtop ADDR`\n"
		"  !process [0 0|PID|ADDR|NAME]\n"
		"               `ps`, or the threads of one process (PID in hex, as in WinDbg)\n"
		"  thread|port|message|process X\n"
		"               short words for the walk: lpc thread, lpc/alpc port,\n"
		"               lpc/alpc message (by the dump's build), !process\n"
		"  quit, q      leave the shell (also Ctrl-D)\n");
}

/* Replace words [0, drop) with the given words. */
static void replace_head(struct shell_words *w, int drop, const char *const *with, int nwith)
{
	int rest = w->argc - drop;
	memmove(&w->argv[nwith], &w->argv[drop], (size_t)(rest + 1) * sizeof w->argv[0]);
	for (int i = 0; i < nwith; i++)
		w->argv[i] = (char *)with[i];
	w->argc = nwith + rest;
}

static bool builtin_json(struct ld_cmd_ctx *ctx, struct shell_words *w, int *rc)
{
	*rc = LD_EXIT_OK;
	if (w->argc == 1)
		fprintf(ctx->out, "json output is %s\n", ctx->json ? "on" : "off");
	else if (w->argc == 2 && !strcmp(w->argv[1], "on"))
		ctx->json = true;
	else if (w->argc == 2 && !strcmp(w->argv[1], "off"))
		ctx->json = false;
	else
		*rc = ld_cmd_error(".json", LD_ERR_ARG, "usage: .json on|off");
	return true;
}

static bool builtin_help(struct ld_cmd_ctx *ctx, struct shell_words *w, int *rc)
{
	for (int i = 1; i < w->argc; i++)
		if (w->argv[i][0] != '-')
			return false;   /* `help CMD`: the table's help */
	*rc = ld_cmd_help(ctx, 1, w->argv);
	fputc('\n', ctx->out);
	shell_alias_help(ctx->out);
	return true;
}

static void rewrite_alpc(struct shell_words *w)
{
	static const char *const flags[][2] = {
		{ "/p", "port" }, { "/m", "message" }, { "/lpp", "process" }, { "/lpc", "connections" },
	};
	for (size_t i = 0; w->argc > 1 && i < LD_ARRAY_SIZE(flags); i++) {
		if (!strcmp(w->argv[1], flags[i][0])) {
			const char *with[] = { "alpc", flags[i][1] };
			replace_head(w, 2, with, 2);
			return;
		}
	}
	const char *with[] = { "alpc" };
	replace_head(w, 1, with, 1);
}

static void rewrite_thread(struct shell_words *w)
{
	if (ld_command_find("thread")) {
		const char *with[] = { "thread" };
		replace_head(w, 1, with, 1);
	} else {
		const char *with[] = { "lpc", "thread" };
		replace_head(w, 1, with, 2);
	}
}

/* The first process named name (ImageFileName, case-insensitive). */
static const struct ld_process *process_by_name(const struct ld_system *sys, const char *name)
{
	for (size_t i = 0; i < sys->nprocesses; i++)
		if (sys->processes[i].name[0] && !strcasecmp(sys->processes[i].name, name))
			return &sys->processes[i];
	return NULL;
}

/* X as !process means it: an EPROCESS, an ETHREAD (its process), a PID in
 * WinDbg's hexadecimal, or a process name. */
static const struct ld_process *find_process(struct ld_cmd_ctx *ctx, const struct ld_system *sys,
					     const char *x)
{
	uint64_t v;
	const struct ld_process *p = process_by_name(sys, x);
	if (p || !ld_cmd_parse_addr(ctx, x, &v))
		return p;
	p = ld_system_process_by_addr(sys, v);
	const struct ld_thread *t = p ? NULL : ld_system_thread_by_addr(sys, v);
	if (t && t->process_index < sys->nprocesses)
		p = &sys->processes[t->process_index];
	return p ? p : ld_system_process_by_pid(sys, v);
}

static bool rewrite_process(struct ld_cmd_ctx *ctx, struct shell_words *w, int *rc)
{
	if (w->argc == 1 || (!strcmp(w->argv[1], "0") && (w->argc == 2 || w->argc == 3))) {
		const char *with[] = { "ps" };
		replace_head(w, w->argc, with, 1);
		return false;
	}
	const struct ld_system *sys;
	ld_status st = ctx->k ? ld_system_get(ctx->k, &sys) : LD_ERR_ARG;
	if (st != LD_OK) {
		*rc = ld_cmd_error("!process", st, "%s", ctx->k ? ld_errmsg() : "no dump is open");
		return true;
	}
	const struct ld_process *p = find_process(ctx, sys, w->argv[1]);
	if (!p) {
		*rc = ld_cmd_error("!process", LD_ERR_NOT_FOUND,
				   "no process, thread, PID or process name %s", w->argv[1]);
		return true;
	}
	snprintf(w->scratch, sizeof w->scratch, "%" PRIu64, p->pid);
	const char *with[] = { "threads", w->scratch };
	replace_head(w, w->argc, with, 2);
	return false;
}

/* NT 6 replaced LPC by ALPC: the family of port commands to use. */
static const char *port_family(const struct ld_cmd_ctx *ctx)
{
	uint32_t build = ctx->k ? ld_kernel_info(ctx->k)->build : 0;
	return build >= 6000 ? "alpc" : "lpc";
}

/* The short walking words, unless a table command took the name. */
static bool rewrite_short(struct ld_cmd_ctx *ctx, struct shell_words *w, int *rc)
{
	const char *c = w->argv[0];
	if (ld_command_find(c))
		return false;
	if (!strcmp(c, "thread")) {
		const char *with[] = { "lpc", "thread" };
		replace_head(w, 1, with, 2);
	} else if (!strcmp(c, "port") || !strcmp(c, "message")) {
		const char *with[] = { port_family(ctx), !strcmp(c, "port") ? "port" : "message" };
		replace_head(w, 1, with, 2);
	} else if (!strcmp(c, "process")) {
		return rewrite_process(ctx, w, rc);
	}
	return false;
}

bool shell_alias_apply(struct ld_cmd_ctx *ctx, struct shell_words *w, int *rc)
{
	const char *c = w->argv[0];
	if (!strcmp(c, "quit") || !strcmp(c, "q") || !strcmp(c, "exit")) {
		ctx->session->quit = true;
		*rc = LD_EXIT_OK;
		return true;
	}
	if (!strcmp(c, ".json"))
		return builtin_json(ctx, w, rc);
	if (!strcmp(c, "help"))
		return builtin_help(ctx, w, rc);
	if (!strcmp(c, "!lpc")) {
		const char *with[] = { "lpc" };
		replace_head(w, 1, with, 1);
	} else if (!strcmp(c, "!alpc")) {
		rewrite_alpc(w);
	} else if (!strcmp(c, "!pte")) {
		const char *with[] = { "vtop" };
		replace_head(w, 1, with, 1);
	} else if (!strcmp(c, "!thread")) {
		rewrite_thread(w);
	} else if (!strcmp(c, "!process")) {
		return rewrite_process(ctx, w, rc);
	} else {
		return rewrite_short(ctx, w, rc);
	}
	return false;
}
