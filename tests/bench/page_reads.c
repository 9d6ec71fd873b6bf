/* page_reads.c — what one random 4 KiB read of a warm file costs on this
 * machine: the floor under any tool that must read N scattered pages (the
 * triage reads every thread's page). Not part of `make check`.
 *
 *   page_reads FILE [COUNT]     prints the mean cost of COUNT (default
 *                               40000) preads at seeded random page offsets */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* xorshift64: a fixed sequence, so every run reads the same pages. */
static uint64_t next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE [COUNT]\n", argv[0]);
		return 2;
	}
	long count = argc > 2 ? atol(argv[2]) : 40000;
	int fd = open(argv[1], O_RDONLY);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0 || st.st_size < 4096 || count <= 0) {
		perror(argv[1]);
		return 1;
	}
	uint64_t pages = (uint64_t)st.st_size / 4096, seed = 0x2545f4914f6cdd1dull, sum = 0;
	static unsigned char buf[4096];
	double t0 = now();
	for (long i = 0; i < count; i++) {
		off_t off = (off_t)(next(&seed) % pages) * 4096;
		if (pread(fd, buf, sizeof buf, off) != (ssize_t)sizeof buf) {
			perror("pread");
			return 1;
		}
		sum += buf[(size_t)i % sizeof buf];
	}
	double t = now() - t0;
	printf("%.3f us per random 4 KiB pread (%ld reads, %.3f s; checksum %llu)\n", t / (double)count * 1e6,
	       count, t, (unsigned long long)sum);
	close(fd);
	return 0;
}
