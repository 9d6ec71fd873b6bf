/*
 * shell_main.c — the interactive shell on a terminal: libedit line editing,
 * history kept across sessions ($LPCDUMP_HISTORY, else ~/.lpcdump_history),
 * tab completion (shell_complete.c), and Ctrl-C that abandons the line being
 * typed or stops the running command (ld_interrupted), never the shell.
 */
#include "shell-priv.h"

#include <errno.h>
#include <histedit.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#define HISTORY_LINES 1000
#define PROMPT "lpcdump> "

struct repl {
	struct ld_cmd_ctx *ctx;     /* first: shell_complete_key finds it here */
	EditLine *el;
	History *hist;
	char hist_path[PATH_MAX];
	bool got_sigint;            /* the last read was cut by Ctrl-C */
	mbstate_t mb;
};

static void on_sigint_at_prompt(int sig)
{
	(void)sig;
	ld_interrupted = 1;
}

/* Our own character reader: libedit's retries a read cut by a signal, and we
 * want Ctrl-C to abandon the line instead. */
static int read_wchar(EditLine *el, wchar_t *wc)
{
	struct repl *r;
	el_get(el, EL_CLIENTDATA, &r);
	for (;;) {
		char c;
		ssize_t n = read(STDIN_FILENO, &c, 1);
		if (n == 0)
			return 0;
		if (n < 0) {
			if (errno == EINTR && ld_interrupted) {
				r->got_sigint = true;
				return -1;
			}
			if (errno == EINTR)
				continue;
			return -1;
		}
		size_t k = mbrtowc(wc, &c, 1, &r->mb);
		if (k == (size_t)-2)
			continue;   /* middle of a multibyte character */
		if (k == (size_t)-1) {
			memset(&r->mb, 0, sizeof r->mb);
			*wc = (wchar_t)(unsigned char)c;
		}
		return 1;
	}
}

static char *prompt(EditLine *el)
{
	(void)el;
	return (char *)PROMPT;
}

static void history_path(struct repl *r)
{
	const char *p = getenv("LPCDUMP_HISTORY"), *home = getenv("HOME");
	r->hist_path[0] = 0;
	if (p && *p)
		snprintf(r->hist_path, sizeof r->hist_path, "%s", p);
	else if (home && *home)
		snprintf(r->hist_path, sizeof r->hist_path, "%s/.lpcdump_history", home);
}

static bool repl_open(struct repl *r)
{
	HistEvent ev;
	r->el = el_init("lpcdump", stdin, stdout, stderr);
	r->hist = history_init();
	if (!r->el || !r->hist)
		return false;
	history(r->hist, &ev, H_SETSIZE, HISTORY_LINES);
	history(r->hist, &ev, H_SETUNIQUE, 1);
	history_path(r);
	if (r->hist_path[0])
		history(r->hist, &ev, H_LOAD, r->hist_path);   /* absent on first use */
	el_set(r->el, EL_CLIENTDATA, r);
	el_set(r->el, EL_EDITOR, "emacs");
	el_set(r->el, EL_PROMPT, prompt);
	el_set(r->el, EL_HIST, history, r->hist);
	el_set(r->el, EL_GETCFN, read_wchar);
	/* The wide form: libedit's narrow EL_ADDFN duplicates both strings and
	 * never frees them. */
	el_wset(r->el, EL_ADDFN, L"lpcdump-complete", L"complete a command, option, type or address",
		shell_complete_key);
	el_set(r->el, EL_BIND, "^I", "lpcdump-complete", NULL);
	el_source(r->el, NULL);   /* the user's ~/.editrc, if any */
	return true;
}

static void repl_close(struct repl *r)
{
	if (r->el)
		el_end(r->el);
	if (r->hist)
		history_end(r->hist);
}

static void remember_line(struct repl *r, const char *line)
{
	HistEvent ev;
	if (!*line)
		return;
	history(r->hist, &ev, H_ENTER, line);
	/* Saved at once, so a session that dies still leaves its history. */
	if (r->hist_path[0] && history(r->hist, &ev, H_SAVE, r->hist_path) < 0)
		r->hist_path[0] = 0;   /* unwritable: stop trying, keep working */
}

/* Read one line with Ctrl-C active at the prompt; NULL at end of input. */
static const char *read_line(struct repl *r, int *count)
{
	struct sigaction sa = { .sa_handler = on_sigint_at_prompt }, old;
	sigemptyset(&sa.sa_mask);   /* no SA_RESTART: the read must stop */
	sigaction(SIGINT, &sa, &old);
	r->got_sigint = false;
	ld_interrupted = 0;
	const char *line = el_gets(r->el, count);
	sigaction(SIGINT, &old, NULL);
	return line;
}

int shell_run_interactive(struct ld_cmd_ctx *ctx)
{
	struct repl r = { .ctx = ctx };
	int last = LD_EXIT_OK;
	if (!repl_open(&r)) {
		repl_close(&r);
		return shell_run_script(ctx, stdin);   /* no editing, still a shell */
	}
	while (!ctx->session->quit) {
		int count = 0;
		const char *got = read_line(&r, &count);
		if (!got && r.got_sigint) {
			fputs("^C\n", stdout);   /* abandon the line, new prompt */
			el_reset(r.el);
			ld_interrupted = 0;
			continue;
		}
		if (!got || count <= 0) {
			fputc('\n', stdout);   /* Ctrl-D */
			break;
		}
		char line[SHELL_MAX_LINE + 1];
		snprintf(line, sizeof line, "%s", got);
		line[strcspn(line, "\r\n")] = 0;
		/* Completion leaves a blank after the word: not part of the history. */
		for (size_t n = strlen(line); n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t');)
			line[--n] = 0;
		remember_line(&r, line);
		last = shell_run_line(ctx, line);
	}
	repl_close(&r);
	return last == LD_EXIT_INTERRUPTED ? LD_EXIT_OK : last;
}
