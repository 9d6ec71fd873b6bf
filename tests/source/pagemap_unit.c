/*
 * pagemap_unit.c — the page maps against brute force: random bitmaps (dense,
 * sparse, runs across 512-bit rank blocks, a partial last word) and random
 * run tables; every PFN's lookup and every next-range answer is compared
 * with a naive count, and a file cut short drops exactly the pages past its
 * end. Exit 0 when all agree.
 */
#include "analyzer/source/source-priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int failures;
static uint64_t rng = 88172645463325252ull;

static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

#define CHECK(cond, ...) do { if (!(cond)) { failures++; fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); } } while (0)

static bool bit(const uint8_t *b, uint64_t i)
{
	return b[i / 8] >> (i % 8) & 1;
}

/* A file holding the bitmap at 0 and (sparse) pages from first; size cut to
 * keep only `keep` pages. */
static struct ld_file *bitmap_file(const char *path, const uint8_t *b, uint64_t nbits, uint64_t first,
				   uint64_t keep)
{
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(b, 1, (size_t)((nbits + 7) / 8), f) != (nbits + 7) / 8 || fclose(f) != 0) {
		perror(path);
		exit(99);
	}
	if (truncate(path, (off_t)(first + keep * LD_PAGE_SIZE)) != 0) {
		perror(path);
		exit(99);
	}
	struct ld_file *lf;
	if (ld_file_open(path, &lf) != LD_OK) {
		fprintf(stderr, "%s\n", ld_errmsg());
		exit(99);
	}
	return lf;
}

static void check_bitmap(const char *path, uint64_t nbits, unsigned density, bool cut)
{
	uint8_t *b = calloc((size_t)(nbits / 8 + 1), 1);
	uint64_t set = 0;
	for (uint64_t i = 0; i < nbits; i++) {
		/* runs of equal bits, so whole blocks are sometimes empty or full */
		static bool cur;
		if (next_rand() % 64 == 0)
			cur = next_rand() % 100 < density;
		if (cur) {
			b[i / 8] |= (uint8_t)(1u << (i % 8));
			set++;
		}
	}
	uint64_t first = ((nbits + 7) / 8 + LD_PAGE_SIZE) & ~(uint64_t)(LD_PAGE_SIZE - 1);
	uint64_t keep = cut ? set / 2 : set;
	struct ld_file *f = bitmap_file(path, b, nbits, first, keep);
	struct ld_pagemap pm = { 0 };
	ld_status st = ld_pagemap_load_bitmap(&pm, f, 0, nbits, first, set, "unit");
	CHECK(st == LD_OK, "bitmap %llu bits: load: %s", (unsigned long long)nbits, ld_errmsg());
	CHECK(pm.present == keep, "present %llu, want %llu", (unsigned long long)pm.present,
	      (unsigned long long)keep);
	uint64_t rank = 0, off;
	for (uint64_t i = 0; i < nbits + 70; i++) {
		bool want = i < nbits && bit(b, i) && rank < keep;
		bool got = ld_pagemap_lookup(&pm, i, &off);
		CHECK(got == want, "pfn %llu: present %d, want %d", (unsigned long long)i, got, want);
		if (got && want)
			CHECK(off == first + rank * LD_PAGE_SIZE, "pfn %llu: offset 0x%llx, want 0x%llx",
			      (unsigned long long)i, (unsigned long long)off,
			      (unsigned long long)(first + rank * LD_PAGE_SIZE));
		if (i < nbits && bit(b, i))
			rank++;
	}
	/* next(): every range equals the naive scan of the (cut) bitmap */
	uint64_t from = 0, s, e;
	while (ld_pagemap_next(&pm, from, &s, &e)) {
		CHECK(s >= from && e > s, "next(%llu) = [%llu, %llu)", (unsigned long long)from,
		      (unsigned long long)s, (unsigned long long)e);
		for (uint64_t i = from; i < e + 1 && i < nbits + 1; i++) {
			bool in = ld_pagemap_lookup(&pm, i, &off);
			CHECK(in == (i >= s && i < e), "next(%llu) = [%llu, %llu) but pfn %llu is %s",
			      (unsigned long long)from, (unsigned long long)s, (unsigned long long)e,
			      (unsigned long long)i, in ? "present" : "absent");
		}
		from = e;
	}
	ld_pagemap_free(&pm);
	ld_file_close(f);
	free(b);
}

static void check_runs(void)
{
	struct ld_pagemap pm = { 0 };
	uint64_t pfn = 3, off = 0x2000;
	struct ld_run want[50];
	for (int i = 0; i < 50; i++) {
		uint64_t n = 1 + next_rand() % 300;
		want[i] = (struct ld_run){ pfn, n, off };
		off += n * LD_PAGE_SIZE;
		pfn += n + (next_rand() % 3 == 0 ? 0 : 1 + next_rand() % 50);
	}
	for (int i = 49; i >= 0; i--)       /* out of order: finish sorts */
		CHECK(ld_pagemap_add_run(&pm, want[i].base_pfn, want[i].npages, want[i].file_off) == LD_OK,
		      "add_run %d", i);
	CHECK(ld_pagemap_finish_runs(&pm, off, "unit") == LD_OK, "finish: %s", ld_errmsg());
	for (int i = 0; i < 50; i++) {
		uint64_t o;
		CHECK(ld_pagemap_lookup(&pm, want[i].base_pfn + want[i].npages - 1, &o) &&
		      o == want[i].file_off + (want[i].npages - 1) * LD_PAGE_SIZE, "run %d last page", i);
		CHECK(!ld_pagemap_lookup(&pm, want[0].base_pfn - 1, &o), "before the first run");
	}
	/* overlaps are refused */
	struct ld_pagemap bad = { 0 };
	ld_pagemap_add_run(&bad, 10, 5, 0);
	ld_pagemap_add_run(&bad, 14, 5, 0x5000);
	CHECK(ld_pagemap_finish_runs(&bad, 1 << 20, "unit") == LD_ERR_FORMAT, "overlap accepted");
	ld_pagemap_free(&bad);
	ld_pagemap_free(&pm);
}

int main(void)
{
	char path[] = "/tmp/lpcdump-pagemap.XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		return 99;
	close(fd);
	const uint64_t sizes[] = { 1, 63, 64, 65, 511, 512, 513, 4096, 100003, 1 << 20 };
	for (size_t i = 0; i < LD_ARRAY_SIZE(sizes); i++)
		for (unsigned d = 0; d <= 100; d += 25) {
			check_bitmap(path, sizes[i], d, false);
			check_bitmap(path, sizes[i], d, true);
		}
	check_runs();
	unlink(path);
	ld_warn_clear();
	if (failures)
		fprintf(stderr, "%d check(s) failed\n", failures);
	return failures ? 1 : 0;
}
