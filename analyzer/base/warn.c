/* warn.c — the bounded, de-duplicated warning list (see base.h). */
#include "base.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Kept in first-seen order so reports are stable; duplicates are found by a
 * linear scan, which is fine because the list is capped at LD_WARN_MAX. */
static char *msgs[LD_WARN_MAX];
static size_t nmsgs, ndropped;

void ld_warn(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	for (size_t i = 0; i < nmsgs; i++)
		if (strcmp(msgs[i], buf) == 0)
			return;
	if (nmsgs == LD_WARN_MAX) {
		ndropped++;
		return;
	}
	char *copy = strdup(buf);
	if (!copy) {
		ndropped++;
		return;
	}
	msgs[nmsgs++] = copy;
}

size_t ld_warn_count(void) { return nmsgs; }
size_t ld_warn_dropped(void) { return ndropped; }

const char *ld_warn_get(size_t i)
{
	return i < nmsgs ? msgs[i] : NULL;
}

void ld_warn_clear(void)
{
	for (size_t i = 0; i < nmsgs; i++)
		free(msgs[i]);
	nmsgs = 0;
	ndropped = 0;
}
