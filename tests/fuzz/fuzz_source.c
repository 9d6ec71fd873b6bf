/*
 * fuzz_source.c — libFuzzer target for the memory sources: content detection,
 * every container header, the page maps built from them, and reads through
 * them. The input becomes a file (memfd) opened by path, auto-detected and
 * then forced as each format; present ranges are walked and their first and
 * last pages read. Nothing may crash, leak, hang or allocate wildly.
 *
 *   make fuzz && ./tests/fuzz/fuzz_source -max_total_time=300 CORPUS_DIR
 */
#define _GNU_SOURCE
#include "analyzer/source/source.h"

#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Bounded: a hostile map can describe millions of ranges. */
#define MAX_RANGES 64

static void exercise(struct ld_source *src)
{
	uint8_t page[LD_PAGE_SIZE];
	const struct ld_source_meta *m = ld_source_meta(src);
	(void)m->present_pages;
	uint64_t from = 0, start, end;
	for (int i = 0; i < MAX_RANGES && ld_source_next_range(src, from, &start, &end) == LD_OK; i++) {
		if (end <= start || end <= from)
			__builtin_trap();       /* next_range must make progress */
		ld_source_read(src, start, page, sizeof(page));
		ld_source_read(src, end - 8, page, 16);         /* across the end */
		(void)ld_source_has_page(src, start >> LD_PAGE_SHIFT);
		from = end;
	}
	ld_source_read(src, 0xfff, page, 2);
	ld_source_read(src, UINT64_MAX - 8, page, 16);
}

static void try_open(const char *path, const char *format)
{
	struct ld_source *src;
	if (ld_source_open(path, format, &src) != LD_OK)
		return;
	exercise(src);
	ld_source_close(src);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	int fd = memfd_create("fuzz", 0);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	try_open(path, NULL);
	for (const char *const *f = ld_source_formats(); *f; f++)
		try_open(path, *f);
	ld_warn_clear();
	close(fd);
	return 0;
}
