/*
 * cmd_physscan.c — `physscan [--ranges] [--no-hash] DUMP` (hidden): read every
 * present physical page through the source interface, the way a full scan
 * would, and print what was read: ranges, pages, and a digest of the pages
 * that are not all zero. The digest does not depend on the container (it
 * sums per-page hashes of PFN and contents), so the same machine gives the
 * same digest in every format however many zero pages each one stores.
 * Used by the tests (formats agree) and the benchmark (throughput).
 */
#include "phys-priv.h"

#include <stdlib.h>
#include <string.h>

/* Like cat: a buffer that stays in the CPU cache reads fastest. */
#define CHUNK ((size_t)128 << 10)

static uint64_t mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return h;
}

static uint64_t page_hash(uint64_t pfn, const uint8_t *p, bool *nonzero)
{
	uint64_t h = mix(pfn + 1), any = 0;
	for (size_t i = 0; i < LD_PAGE_SIZE; i += 8) {
		uint64_t w;
		memcpy(&w, p + i, 8);
		any |= w;
		h = (h ^ w) * 0x100000001b3ull;
	}
	*nonzero = any != 0;
	return mix(h);
}

struct scan {
	const char *cmd;
	bool hash, show_ranges;
	uint64_t ranges, pages, nonzero, digest;
};

static ld_status scan_range(struct ld_source *src, struct scan *s, uint64_t start, uint64_t end,
			    uint8_t *buf)
{
	for (uint64_t at = start; at < end;) {
		size_t n = end - at < CHUNK ? (size_t)(end - at) : CHUNK;
		ld_status st = ld_source_read(src, at, buf, n);
		if (st)
			return st;
		for (size_t i = 0; s->hash && i < n; i += LD_PAGE_SIZE) {
			bool nz;
			uint64_t h = page_hash((at + i) >> LD_PAGE_SHIFT, buf + i, &nz);
			if (nz) {
				s->digest += h;
				s->nonzero++;
			}
		}
		s->pages += n / LD_PAGE_SIZE;
		at += n;
		if (ld_check_interrupt())
			return ld_fail(LD_ERR_INTERRUPTED, "interrupted");
	}
	return LD_OK;
}

static ld_status scan_all(struct ld_cmd_ctx *ctx, struct ld_source *src, struct scan *s)
{
	/* page aligned: the kernel copies into it fastest */
	uint8_t *buf = aligned_alloc(LD_PAGE_SIZE, CHUNK);
	if (!buf)
		return ld_fail(LD_ERR_NOMEM, "scan buffer");
	uint64_t from = 0, start, end;
	ld_status st = LD_OK;
	while (st == LD_OK && ld_source_next_range(src, from, &start, &end) == LD_OK) {
		if (start < from)
			start = from;
		s->ranges++;
		if (s->show_ranges)
			fprintf(ctx->out, "range=0x%llx-0x%llx\n", (unsigned long long)start,
				(unsigned long long)end);
		st = scan_range(src, s, start, end, buf);
		from = end;
	}
	free(buf);
	return st;
}

static int show(struct ld_cmd_ctx *ctx, struct ld_source *src, void *arg)
{
	struct scan *s = arg;
	ld_status st = scan_all(ctx, src, s);
	if (st)
		return ld_cmd_error(s->cmd, st, "%s", ld_errmsg());
	fprintf(ctx->out, "ranges=%llu pages=%llu nonzero=%llu digest=0x%016llx\n",
		(unsigned long long)s->ranges, (unsigned long long)s->pages,
		(unsigned long long)s->nonzero, (unsigned long long)s->digest);
	return LD_EXIT_OK;
}

int ld_cmd_physscan(struct ld_cmd_ctx *ctx, int argc, char **argv)
{
	struct scan s = { .cmd = argv[0], .hash = true };
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--ranges"))
			s.show_ranges = true;
		else if (!strcmp(argv[i], "--no-hash"))
			s.hash = false;
		else {
			fprintf(stderr, "usage: lpcdump physscan [--ranges] [--no-hash] DUMP\n");
			return LD_EXIT_USAGE;
		}
	}
	return ld_phys_with_source(ctx, argv[0], show, &s);
}
