/*
 * xlat_bench.c — how fast the kernel layer opens a dump and translates.
 *
 *   xlat_bench DUMP [COUNT]
 *
 * Prints the time ld_kernel_open() takes (what `info` costs beyond printing),
 * then times COUNT (default 1,000,000) translations of random kernel VAs
 * drawn from the pages mapped around the kernel image and KUSER_SHARED_DATA:
 *   - "hot":  random VAs within 2,048 pages (the working set fits the TLB);
 *   - "wide": random VAs within up to 65,536 pages (TLB misses, walks);
 *   - "cold": the TLB and page-table cache flushed before every walk.
 * Not a test: numbers go to the issue note (see tests/bench/xlat_bench.sh).
 */
#include "analyzer/kernel/kernel.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* xorshift64: deterministic, cheap, good enough to defeat locality. */
static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Mapped pages from base upward (skipping holes), at most max. */
static size_t collect(struct ld_vas *vas, uint64_t base, uint64_t *pages, size_t max)
{
	size_t n = 0;
	for (uint64_t va = base; n < max && va < base + (1ull << 30); va += 4096) {
		struct ld_xlat_result r;
		if (ld_vas_translate(vas, va, &r) == LD_OK)
			pages[n++] = va;
	}
	return n;
}

static void run(struct ld_vas *vas, const char *name, const uint64_t *pages, size_t n,
		unsigned long count, bool flush)
{
	uint64_t seed = 0x9e3779b97f4a7c15ull, sum = 0;
	unsigned long failed = 0;
	double t0 = now();
	for (unsigned long i = 0; i < count; i++) {
		uint64_t r = rnd(&seed);
		uint64_t va = pages[r % n] + ((r >> 40) & 0xfff);
		struct ld_xlat_result x;
		if (flush)
			ld_vas_flush(vas);
		if (ld_vas_translate(vas, va, &x) == LD_OK)
			sum += x.pa;
		else
			failed++;
	}
	double dt = now() - t0;
	printf("%-5s %9lu translations over %6zu pages: %.3f s, %.1f ns each, %.2f M/s"
	       " (failed %lu, checksum %" PRIx64 ")\n", name, count, n, dt, dt / (double)count * 1e9,
	       (double)count / dt / 1e6, failed, sum & 0xffff);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: xlat_bench DUMP [COUNT]\n");
		return 2;
	}
	unsigned long count = argc > 2 ? strtoul(argv[2], NULL, 0) : 1000000ul;
	struct ld_kernel_opts opts = { 0 };
	struct ld_kernel *k;
	double t0 = now();
	if (ld_kernel_open(argv[1], &opts, &k) != LD_OK) {
		fprintf(stderr, "xlat_bench: %s: %s\n", argv[1], ld_errmsg());
		return 3;
	}
	printf("open  %.4f s (%s, %s)\n", now() - t0, ld_source_meta(ld_kernel_source(k))->format,
	       ld_kernel_info(k)->arch_name);
	struct ld_vas *vas = ld_kernel_vas(k);
	const struct ld_kernel_info *info = ld_kernel_info(k);
	if (!vas || !info->kernel_base) {
		fprintf(stderr, "xlat_bench: no kernel address space in %s\n", argv[1]);
		ld_kernel_close(k);
		return 4;
	}
	enum { WIDE = 65536 };
	uint64_t *pages = calloc(WIDE, sizeof *pages);
	if (!pages)
		return 4;
	size_t n = collect(vas, info->kernel_base, pages, WIDE);
	if (n == 0) {
		fprintf(stderr, "xlat_bench: nothing mapped at the kernel base\n");
		return 4;
	}
	run(vas, "hot", pages, n < 2048 ? n : 2048, count, false);
	run(vas, "wide", pages, n, count, false);
	run(vas, "cold", pages, n, count / 10, true);
	free(pages);
	ld_kernel_close(k);
	return 0;
}
