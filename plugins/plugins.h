/*
 * plugins.h — the command table shared by the CLI and the shell.
 *
 * Like git's builtins: one table of { name, function, flags }, each command in
 * its own file (cmd_<name>.c), parsing its own options. The CLI and the shell
 * call the same functions with the same context, so their output is the same.
 *
 * Contract for a command function:
 *  - argv[0] is the command name; options and arguments follow (the dump path
 *    has been removed already; ctx->k is open when LD_CMD_NEEDS_KERNEL is set).
 *  - It writes to ctx->out: text, or one JSON document when ctx->json.
 *  - It returns an exit status from enum ld_exit and, on failure, has printed
 *    a one-line message to stderr ("lpcdump: <cmd>: <what>").
 */
#ifndef LPCDUMP_PLUGINS_H
#define LPCDUMP_PLUGINS_H

#include <stdio.h>

#include "../analyzer/base/base.h"
#include "../analyzer/kernel/kernel.h"

/* Exit statuses (documented in man/lpcdump.1). */
enum ld_exit {
	LD_EXIT_OK = 0,          /* analyzed; nothing stuck (or not asked) */
	LD_EXIT_STUCK = 1,       /* analyzed; stuck chains found (only with --stuck-exit) */
	LD_EXIT_USAGE = 2,       /* bad command line */
	LD_EXIT_INPUT = 3,       /* the input cannot be opened or is not a supported dump */
	LD_EXIT_ANALYSIS = 4,    /* opened, but the analysis could not run (no kernel/profile) */
	LD_EXIT_INTERRUPTED = 130,
};

struct ld_session;   /* shell state: numbered rows (#N), history; NULL in the CLI */

struct ld_cmd_ctx {
	struct ld_kernel *k;        /* open kernel, or NULL */
	const char *dump_path;
	struct ld_kernel_opts kopts;
	FILE *out;
	bool json;                  /* --json / .json on */
	bool quiet;
	bool stuck_exit;            /* --stuck-exit */
	double min_wait;            /* --min-wait SECONDS (negative: unset) */
	struct ld_session *session;
};

enum {
	LD_CMD_NEEDS_KERNEL = 1 << 0,  /* open the dump before running */
	LD_CMD_SHELL_ONLY = 1 << 1,    /* only meaningful inside the shell */
	LD_CMD_HIDDEN = 1 << 2,        /* not listed by help */
};

struct ld_command {
	const char *name;
	int (*run)(struct ld_cmd_ctx *ctx, int argc, char **argv);
	unsigned flags;
	const char *usage;          /* "threads [PID] [--json]" */
	const char *summary;        /* one line for `help` */
};

const struct ld_command *ld_command_find(const char *name);
const struct ld_command *ld_command_at(size_t i);   /* NULL past the end */

/* Helpers shared by commands. */
/* Print "lpcdump: <cmd>: <message>" to stderr and return the exit status for st. */
int ld_cmd_error(const char *cmd, ld_status st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int ld_exit_for_status(ld_status st);
/* Parse a number or address ("0x…", decimal, or "#N" in the shell). */
bool ld_cmd_parse_u64(struct ld_cmd_ctx *ctx, const char *s, uint64_t *out);
/* The options of a command that takes only --json (sets *json, which starts
 * as ctx->json): LD_EXIT_OK, or the usage error printed for cmd. */
int ld_cmd_json_only(const char *cmd, int argc, char **argv, bool *json);
/* Print the usage error for an argument cmd could not use: a "#N" the shell
 * has no row for says so, anything else is unexpected. Returns the status. */
int ld_cmd_bad_argument(const char *cmd, const char *arg);
/* Shell row numbering: remember an object shown in a listing, get its #N.
 * Returns 0 outside the shell. kind: "thread", "process", "port", "message". */
unsigned ld_session_remember(struct ld_cmd_ctx *ctx, const char *kind, uint64_t addr);
/* The shell's "#N" column of a listing row (cmd_row_column.c): remember the
 * row's object and print its number, or as many blanks when it got none;
 * nothing outside the shell. The header's column is ld_cmd_row_header(). */
void ld_cmd_row_number(struct ld_cmd_ctx *ctx, const char *kind, uint64_t addr);
const char *ld_cmd_row_header(const struct ld_cmd_ctx *ctx);
/* Print warnings collected so far (text mode) to stderr. */
void ld_cmd_print_warnings(struct ld_cmd_ctx *ctx);

/* The end of a command's JSON document (cmd_json_output.c): add "warnings"
 * (the ld_warn()s so far) as its last member, print it to ctx->out, release
 * it. Returns the exit status; a failed write is reported as cmd's error. */
struct json_t;
int ld_cmd_json_finish(struct ld_cmd_ctx *ctx, const char *cmd, struct json_t *doc);
/* A command whose text and JSON output come from one body: body fills doc,
 * or prints text when doc is NULL (json false). In JSON mode the document
 * starts with "schema" (when schema is not NULL) and is finished as above; a
 * body that fails returns its exit status, having printed its error, and no
 * document is printed. */
typedef int ld_cmd_body_fn(struct ld_cmd_ctx *ctx, struct json_t *doc, void *arg);
int ld_cmd_json_or_text(struct ld_cmd_ctx *ctx, const char *cmd, bool json, const char *schema,
			ld_cmd_body_fn *body, void *arg);

/* Command entry points (one file each). */
#define LD_DECLARE_CMD(n) int ld_cmd_##n(struct ld_cmd_ctx *ctx, int argc, char **argv)
LD_DECLARE_CMD(help);
LD_DECLARE_CMD(version);
LD_DECLARE_CMD(info);
LD_DECLARE_CMD(db);
LD_DECLARE_CMD(dw);
LD_DECLARE_CMD(dd);
LD_DECLARE_CMD(dq);
LD_DECLARE_CMD(dp);
LD_DECLARE_CMD(dps);
LD_DECLARE_CMD(u);
LD_DECLARE_CMD(k);
LD_DECLARE_CMD(ln);
LD_DECLARE_CMD(x);
LD_DECLARE_CMD(vtop);
LD_DECLARE_CMD(refresh);
LD_DECLARE_CMD(shell);
LD_DECLARE_CMD(ps);
LD_DECLARE_CMD(threads);
LD_DECLARE_CMD(handles);
LD_DECLARE_CMD(objects);
LD_DECLARE_CMD(modules);
LD_DECLARE_CMD(profiles);
LD_DECLARE_CMD(dt);
LD_DECLARE_CMD(triage);
LD_DECLARE_CMD(lpc);
LD_DECLARE_CMD(alpc);
LD_DECLARE_CMD(physinfo);
LD_DECLARE_CMD(physread);
LD_DECLARE_CMD(physscan);

#endif
