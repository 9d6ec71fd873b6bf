/* status.c — the error message behind an ld_status (see base.h). */
#include "base.h"

#include <stdio.h>
#include <string.h>

/* One message per thread: the analyzer is single-threaded today, but a live
 * target's reader thread must not scribble on the shell's message. */
static _Thread_local char errbuf[512];

static const char *const names[LD_STATUS_COUNT] = {
	[LD_OK] = "ok",
	[LD_ERR_ARG] = "invalid argument",
	[LD_ERR_NOMEM] = "out of memory",
	[LD_ERR_IO] = "I/O error",
	[LD_ERR_FORMAT] = "bad format",
	[LD_ERR_UNSUPPORTED] = "unsupported",
	[LD_ERR_NOT_PRESENT] = "not in dump",
	[LD_ERR_UNMAPPED] = "invalid address",
	[LD_ERR_PAGED_OUT] = "paged out",
	[LD_ERR_CORRUPT] = "corrupt data",
	[LD_ERR_NOT_FOUND] = "not found",
	[LD_ERR_LIMIT] = "limit reached",
	[LD_ERR_INTERRUPTED] = "interrupted",
	[LD_ERR_TIMEOUT] = "timed out",
};

const char *ld_status_name(ld_status st)
{
	if ((unsigned)st >= LD_STATUS_COUNT)
		return "unknown status";
	return names[st];
}

bool ld_status_is_unavailable(ld_status st)
{
	return st == LD_ERR_NOT_PRESENT || st == LD_ERR_UNMAPPED || st == LD_ERR_PAGED_OUT;
}

ld_status ld_fail(ld_status st, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(errbuf, sizeof errbuf, fmt, ap);
	va_end(ap);
	return st == LD_OK ? LD_ERR_ARG : st;
}

ld_status ld_fail_ctx(ld_status st, const char *fmt, ...)
{
	char prefix[256], old[sizeof errbuf];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof prefix, fmt, ap);
	va_end(ap);
	memcpy(old, errbuf, sizeof old);
	/* Truncation is acceptable: the message is for humans and stays one line. */
	int n = snprintf(errbuf, sizeof errbuf, "%.200s: ", prefix);
	if (n < 0 || (size_t)n >= sizeof errbuf)
		n = 0;
	snprintf(errbuf + n, sizeof errbuf - (size_t)n, "%.300s", old[0] ? old : ld_status_name(st));
	return st == LD_OK ? LD_ERR_ARG : st;
}

const char *ld_errmsg(void)
{
	return errbuf[0] ? errbuf : "no error message";
}

volatile int ld_interrupted;
