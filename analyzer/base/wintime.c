/* wintime.c — Windows FILETIME to ISO 8601 (see base.h). */
#include "base.h"

#include <stdio.h>
#include <time.h>

/* 100-ns intervals between 1601-01-01 and 1970-01-01. */
#define FILETIME_UNIX_EPOCH 116444736000000000ull

bool ld_filetime_iso(uint64_t ft, char *buf, size_t len)
{
	if (ft < FILETIME_UNIX_EPOCH || len < 21)
		return false;
	time_t secs = (time_t)((ft - FILETIME_UNIX_EPOCH) / 10000000ull);
	struct tm tm;
	if (!gmtime_r(&secs, &tm))
		return false;
	return strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) > 0;
}
