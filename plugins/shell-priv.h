/*
 * shell-priv.h — the pieces of the interactive shell (issue 6), one concern
 * per file. Private to plugins/.
 *
 *   cmd_shell.c      `lpcdump shell [--no-pager] [-c 'CMD; CMD'] DUMP`
 *   shell_main.c     the terminal REPL: libedit, persistent history, Ctrl-C
 *   shell_complete.c tab completion (commands, options, types/fields, pids, #N, addresses)
 *   shell_script.c   script mode (stdin not a terminal) and -c
 *   shell_dispatch.c a line → words → one command of the shared table
 *   shell_alias.c    WinDbg habits (!thread, !process, .json, q) and shell built-ins
 *   shell_pager.c    long output through $PAGER on a terminal
 *
 * The shell runs the same command functions as the CLI (commands.c) against
 * the dump opened once; it adds nothing to their output.
 */
#ifndef LPCDUMP_SHELL_PRIV_H
#define LPCDUMP_SHELL_PRIV_H

#include "session-priv.h"

/* Longest line and most words we take: a typed line, not a data channel. */
#define SHELL_MAX_LINE 4096u
#define SHELL_MAX_WORDS 64u

/* Split line into words (quotes '…' "…", backslash escapes) and ';'-separated
 * commands, and run each; returns the exit status of the last command that
 * failed, or 0. Stops early after `quit` or Ctrl-C. */
int shell_run_line(struct ld_cmd_ctx *ctx, const char *line);

/* Built-ins and aliases. Returns true when argv[0] was a built-in that has
 * run (*rc set); otherwise may rewrite argv in place to a table command
 * (e.g. `!thread X` → `thread X`), using scratch for new words. */
struct shell_words {
	int argc;
	char *argv[SHELL_MAX_WORDS + 4];
	char scratch[256];
};
bool shell_alias_apply(struct ld_cmd_ctx *ctx, struct shell_words *w, int *rc);
/* Names of the built-ins and aliases, NULL-terminated (for completion and help). */
const char *const *shell_alias_names(void);
/* Print the shell section of `help`. */
void shell_alias_help(FILE *out);

/* Pager: ctx->out is redirected to a buffer while a command runs on a
 * terminal; at the end the buffer goes to $PAGER when longer than the
 * screen, else straight to stdout. */
struct shell_pager {
	FILE *saved_out;
	FILE *buf;
	char *data;
	size_t size;
};
void shell_pager_begin(struct ld_cmd_ctx *ctx, struct shell_pager *p);
void shell_pager_end(struct ld_cmd_ctx *ctx, struct shell_pager *p);

/* Script mode: read commands from in, one per line, no prompt. */
int shell_run_script(struct ld_cmd_ctx *ctx, FILE *in);
/* The REPL on a terminal. */
int shell_run_interactive(struct ld_cmd_ctx *ctx);

/* Completion candidates for the word being typed: words[0..nwords-1] are the
 * complete words before it, prefix the partial word. fn is called for each
 * candidate (duplicates possible). */
/* libedit's completion key (bound to Tab). The editor's EL_CLIENTDATA points
 * to a struct whose first member is the struct ld_cmd_ctx *. */
struct editline;
unsigned char shell_complete_key(struct editline *el, int ch);
void shell_complete_candidates(struct ld_cmd_ctx *ctx, char **words, int nwords, const char *prefix,
			       void (*fn)(const char *cand, void *arg), void *arg);

#endif
