/* cmd_common.c — helpers every command uses (see plugins.h). */
#include "plugins.h"
#include "session-priv.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

int ld_exit_for_status(ld_status st)
{
	switch (st) {
	case LD_OK: return LD_EXIT_OK;
	case LD_ERR_ARG: return LD_EXIT_USAGE;
	case LD_ERR_IO:
	case LD_ERR_FORMAT:
	case LD_ERR_UNSUPPORTED: return LD_EXIT_INPUT;
	case LD_ERR_INTERRUPTED: return LD_EXIT_INTERRUPTED;
	default: return LD_EXIT_ANALYSIS;
	}
}

int ld_cmd_error(const char *cmd, ld_status st, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "lpcdump: %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return ld_exit_for_status(st);
}

/* "N" of "#N": the address of row N of the shell's last listing. */
static bool parse_row(struct ld_cmd_ctx *ctx, const char *digits, uint64_t *out)
{
	char *end;
	if (!ctx || !ctx->session || !isdigit((unsigned char)digits[0]))
		return false;
	errno = 0;
	unsigned long n = strtoul(digits, &end, 10);
	if (errno || *end || n > LD_SESSION_MAX_ROWS)
		return false;
	const struct ld_session_row *row = ld_session_row(ctx->session, (unsigned)n);
	if (!row)
		return false;
	*out = row->addr;
	return true;
}

bool ld_cmd_parse_u64(struct ld_cmd_ctx *ctx, const char *s, uint64_t *out)
{
	if (!s || !*s)
		return false;
	/* "#N": row N of the shell's last listing (session.c). */
	if (s[0] == '#')
		return parse_row(ctx, s + 1, out);
	/* WinDbg habit: addresses may carry a backtick (fffff800`01234567). */
	char buf[64];
	size_t j = 0;
	for (size_t i = 0; s[i] && j + 1 < sizeof buf; i++)
		if (s[i] != '`')
			buf[j++] = s[i];
	buf[j] = 0;
	errno = 0;
	char *end;
	unsigned long long v = strtoull(buf, &end, 0);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

int ld_cmd_json_only(const char *cmd, int argc, char **argv, bool *json)
{
	for (int a = 1; a < argc; a++) {
		if (strcmp(argv[a], "--json") != 0)
			return ld_cmd_error(cmd, LD_ERR_ARG, "unexpected argument: %s", argv[a]);
		*json = true;
	}
	return LD_EXIT_OK;
}

int ld_cmd_bad_argument(const char *cmd, const char *arg)
{
	if (arg[0] == '#')
		return ld_cmd_error(cmd, LD_ERR_ARG, "no row %s in the last listing", arg);
	return ld_cmd_error(cmd, LD_ERR_ARG, "unexpected argument: %s", arg);
}

void ld_cmd_print_warnings(struct ld_cmd_ctx *ctx)
{
	if (ctx->quiet)
		return;
	for (size_t i = 0; i < ld_warn_count(); i++)
		fprintf(stderr, "lpcdump: warning: %s\n", ld_warn_get(i));
	if (ld_warn_dropped())
		fprintf(stderr, "lpcdump: warning: %zu more warnings not shown\n", ld_warn_dropped());
}
