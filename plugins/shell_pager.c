/*
 * shell_pager.c — output longer than the screen goes through $PAGER, on a
 * terminal only (scripts and pipes get the output as is) and not with
 * `--no-pager`. The command writes into a memory buffer; at the end we count
 * its lines against the terminal's height and either print it or hand it to
 * the pager. Errors go to stderr directly and are never paged.
 */
#include "shell-priv.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* Without $PAGER: less, quitting at once when it all fits, keeping colour
 * escapes and the screen contents. */
#define DEFAULT_PAGER "less -FRX"

static bool pager_wanted(const struct ld_cmd_ctx *ctx)
{
	return !ctx->session->no_pager && ctx->out == stdout && isatty(STDOUT_FILENO);
}

void shell_pager_begin(struct ld_cmd_ctx *ctx, struct shell_pager *p)
{
	memset(p, 0, sizeof *p);
	if (!pager_wanted(ctx))
		return;
	p->buf = open_memstream(&p->data, &p->size);
	if (!p->buf)
		return;   /* no buffer: print directly, unpaged */
	p->saved_out = ctx->out;
	ctx->out = p->buf;
}

static unsigned screen_rows(void)
{
	struct winsize ws;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0)
		return ws.ws_row;
	return 24;
}

static bool longer_than_screen(const char *data, size_t size)
{
	unsigned rows = screen_rows(), lines = 0;
	for (size_t i = 0; i < size; i++)
		if (data[i] == '\n' && ++lines >= rows)
			return true;
	return false;
}

/* Is prog an executable in $PATH? (Without less, the output must not vanish
 * into a shell saying "less: not found".) */
static bool in_path(const char *prog)
{
	const char *path = getenv("PATH");
	char dir[4096], file[4200];
	while (path && *path) {
		size_t n = strcspn(path, ":");
		snprintf(dir, sizeof dir, "%.*s", (int)n, path);
		snprintf(file, sizeof file, "%s/%s", n ? dir : ".", prog);
		if (access(file, X_OK) == 0)
			return true;
		path += n + (path[n] == ':');
	}
	return false;
}

static void run_pager(const char *data, size_t size)
{
	const char *pager = getenv("PAGER");
	if (!pager || !*pager)
		pager = in_path("less") ? DEFAULT_PAGER : "cat";
	/* Quitting the pager early closes the pipe: that is not an error. */
	void (*old)(int) = signal(SIGPIPE, SIG_IGN);
	fflush(stdout);
	FILE *f = popen(pager, "w");
	if (f) {
		fwrite(data, 1, size, f);
		pclose(f);
	} else {
		fwrite(data, 1, size, stdout);
	}
	signal(SIGPIPE, old);
}

void shell_pager_end(struct ld_cmd_ctx *ctx, struct shell_pager *p)
{
	if (!p->buf)
		return;
	ctx->out = p->saved_out;
	fclose(p->buf);   /* fixes data/size */
	if (p->data && longer_than_screen(p->data, p->size))
		run_pager(p->data, p->size);
	else if (p->data)
		fwrite(p->data, 1, p->size, ctx->out);
	fflush(ctx->out);
	free(p->data);
	memset(p, 0, sizeof *p);
}
