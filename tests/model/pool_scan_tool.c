/* pool_scan_tool.c — runs ld_pool_scan over a dump for the tests: counts the
 * hits per tag ("Proc 5"), or with --bench the scan's throughput in MiB/s. */
#include "analyzer/model/model.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define MAX_TAGS 16

struct counts {
	const char *tags[MAX_TAGS];
	size_t n[MAX_TAGS], ntags;
	uint64_t bytes;
};

static bool count_hit(const struct ld_pool_hit *h, void *arg)
{
	struct counts *c = arg;
	for (size_t i = 0; i < c->ntags; i++)
		if (strncmp(h->tag, c->tags[i], 4) == 0)
			c->n[i]++;
	return true;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	int a = 1;
	bool bench = argc > 1 && strcmp(argv[1], "--bench") == 0;
	a += bench;
	if (argc - a < 3) {
		fprintf(stderr, "usage: pool_scan_tool [--bench] DUMP PROFILE TAG...\n");
		return 2;
	}
	struct ld_kernel_opts opts = { .profile = argv[a + 1] };
	struct ld_kernel *k;
	if (ld_kernel_open(argv[a], &opts, &k) != LD_OK) {
		fprintf(stderr, "pool_scan_tool: %s\n", ld_errmsg());
		return 3;
	}
	struct counts c = { .ntags = 0 };
	for (int i = a + 2; i < argc && c.ntags < MAX_TAGS; i++)
		c.tags[c.ntags++] = argv[i];
	double t0 = now();
	ld_status st = ld_pool_scan(k, c.tags, c.ntags, count_hit, &c);
	double dt = now() - t0;
	if (st != LD_OK) {
		fprintf(stderr, "pool_scan_tool: %s\n", ld_errmsg());
		ld_kernel_close(k);
		return 4;
	}
	if (bench) {
		uint64_t pages = ld_source_meta(ld_kernel_source(k))->present_pages;
		printf("%.0f\n", (double)pages * LD_PAGE_SIZE / (1 << 20) / (dt > 1e-9 ? dt : 1e-9));
	} else {
		for (size_t i = 0; i < c.ntags; i++)
			printf("%s %zu\n", c.tags[i], c.n[i]);
	}
	ld_kernel_close(k);
	return 0;
}
