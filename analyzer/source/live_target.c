/*
 * live_target.c — what gdb:// and mem:// share: URL options, sizes, RAM
 * range lists, and reading QEMU's memory map. See live-priv.h.
 */
#include "live-priv.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool ld_live_url_opt(const char *query, const char *key, char *buf, size_t cap)
{
	size_t kl = strlen(key);
	for (const char *p = query; p && *p;) {
		const char *end = strchr(p, '&');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		if (n > kl && strncmp(p, key, kl) == 0 && p[kl] == '=') {
			size_t vl = n - kl - 1;
			if (vl >= cap)
				return false;
			memcpy(buf, p + kl + 1, vl);
			buf[vl] = '\0';
			return true;
		}
		p = end ? end + 1 : NULL;
	}
	return false;
}

bool ld_live_parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 0);
	if (end == s)
		return false;
	unsigned shift = 0;
	switch (*end) {
	case 'K': case 'k': shift = 10; end++; break;
	case 'M': case 'm': shift = 20; end++; break;
	case 'G': case 'g': shift = 30; end++; break;
	case 'T': case 't': shift = 40; end++; break;
	default: break;
	}
	if (*end != '\0' || (shift && v > (UINT64_MAX >> shift)))
		return false;
	*out = (uint64_t)v << shift;
	return true;
}

bool ld_live_ranges_has(const struct ld_live_range *r, size_t n, uint64_t pa)
{
	for (size_t i = 0; i < n; i++)      /* a handful of ranges: linear is O(1) */
		if (pa >= r[i].start && pa < r[i].end)
			return true;
	return false;
}

ld_status ld_live_ranges_next(const struct ld_live_range *r, size_t n, uint64_t from,
			      uint64_t *start, uint64_t *end)
{
	for (size_t i = 0; i < n; i++) {
		if (r[i].end <= from)
			continue;
		*start = r[i].start > from ? r[i].start : from;
		*end = r[i].end;
		return LD_OK;
	}
	return ld_fail(LD_ERR_NOT_FOUND, "no physical memory at or above 0x%" PRIx64, from);
}

/* Append [s, e] (inclusive, as mtree prints) page-rounded inwards, merging
 * with the previous range when they touch. Keeps the array sorted as long as
 * the input is (mtree prints flat views in address order). */
static size_t add_range(struct ld_live_range *out, size_t n, size_t cap, uint64_t s, uint64_t e)
{
	uint64_t start = (s + LD_PAGE_SIZE - 1) & ~(uint64_t)(LD_PAGE_SIZE - 1);
	uint64_t end = (e + 1) & ~(uint64_t)(LD_PAGE_SIZE - 1);
	if (e == UINT64_MAX || end <= start)
		return n;
	if (n > 0 && out[n - 1].end == start) {
		out[n - 1].end = end;
		return n;
	}
	if (n == cap || (n > 0 && start < out[n - 1].end))
		return n;                    /* full, or out of order: ignore */
	out[n].start = start;
	out[n].end = end;
	return n + 1;
}

/* One line of a flat view: "  START-END (prio N, TYPE): NAME". */
static size_t parse_view_line(const char *line, struct ld_live_range *out, size_t n, size_t cap)
{
	unsigned long long s, e;
	int prio;
	char type[16];
	if (sscanf(line, " %llx-%llx (prio %d, %15[^)])", &s, &e, &prio, type) != 4)
		return n;
	if (strcmp(type, "ram") != 0)        /* rom, i/o, romd: not guest RAM */
		return n;
	return add_range(out, n, cap, s, e);
}

size_t ld_live_parse_mtree(const char *text, struct ld_live_range *out, size_t cap)
{
	size_t n = 0;
	bool in_memory_view = false, done = false;
	for (const char *p = text; p && *p && !done;) {
		const char *nl = strchr(p, '\n');
		char line[256];
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		snprintf(line, sizeof line, "%.*s", (int)(len < sizeof line ? len : sizeof line - 1), p);
		if (strncmp(line, "FlatView", 8) == 0) {
			done = in_memory_view && n > 0;   /* the view we wanted has ended */
			in_memory_view = false;
		} else if (strstr(line, " AS \"memory\"") == line)
			in_memory_view = true;
		else if (in_memory_view)
			n = parse_view_line(line, out, n, cap);
		p = nl ? nl + 1 : NULL;
	}
	return n;
}
