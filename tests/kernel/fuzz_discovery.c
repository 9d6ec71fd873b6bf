/*
 * fuzz_discovery.c — libFuzzer target for translation and kernel discovery
 * on hostile memory.
 *
 * The input describes sparse physical memory as records
 *     u32 pfn, u16 offset, u16 length, length bytes
 * (pages not named are absent), so that a handful of bytes can be a whole
 * machine: page tables, a kernel image, KDBG, KUSER_SHARED_DATA. It is
 * served by the in-memory source below (linked instead of analyzer/source)
 * and opened with ld_kernel_open(), which scans for page tables (low stub,
 * self-maps of all three paging modes), walks the kernel image region,
 * scans for KDBG, disassembles for the Windows 8+ decoder and reads
 * KUSER_SHARED_DATA; then again with the first record's bytes as --dtb and
 * --kdbg, translating and reading VAs taken from the input. Nothing may
 * crash, leak, hang or allocate wildly. The profile chooser is stubbed out
 * (profile_*.c are left out: loading the catalogue per input would dwarf the
 * code under test).
 *
 *   make fuzz-kernel
 *   # seeds from forged machines (raw images written by the forge):
 *   LPCDUMP_FUZZ_SEED=x.raw:seeds/x ./tests/kernel/fuzz_discovery -runs=0
 *   ./tests/kernel/fuzz_discovery -max_len=65536 -max_total_time=300 seeds
 */
#define _GNU_SOURCE
#include "analyzer/kernel/kernel-priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* ---- the in-memory source ---- */

#define MAX_PAGES 512

struct ld_source {
	struct ld_source_meta meta;
	uint64_t pfn[MAX_PAGES];        /* sorted */
	uint8_t *page[MAX_PAGES];
	size_t n;
};

static struct ld_source *current;

static uint8_t *page_of(const struct ld_source *s, uint64_t pfn)
{
	size_t lo = 0, hi = s->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (s->pfn[mid] == pfn)
			return s->page[mid];
		if (s->pfn[mid] < pfn)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static uint8_t *add_page(struct ld_source *s, uint64_t pfn)
{
	uint8_t *p = page_of(s, pfn);
	if (p || s->n == MAX_PAGES)
		return p;
	size_t i = s->n;
	while (i > 0 && s->pfn[i - 1] > pfn) {
		s->pfn[i] = s->pfn[i - 1];
		s->page[i] = s->page[i - 1];
		i--;
	}
	s->pfn[i] = pfn;
	s->page[i] = calloc(1, LD_PAGE_SIZE);
	s->n++;
	return s->page[i];
}

ld_status ld_source_open(const char *path, const char *format, struct ld_source **out)
{
	(void)path;
	(void)format;
	if (!current)
		return ld_fail(LD_ERR_IO, "no input");
	*out = current;
	return LD_OK;
}

void ld_source_close(struct ld_source *s)
{
	(void)s;   /* owned by the fuzzer loop */
}

const struct ld_source_meta *ld_source_meta(const struct ld_source *s)
{
	return &s->meta;
}

ld_status ld_source_read(struct ld_source *s, uint64_t pa, void *buf, size_t len)
{
	uint8_t *out = buf;
	while (len) {
		const uint8_t *p = page_of(s, pa >> LD_PAGE_SHIFT);
		size_t off = pa & (LD_PAGE_SIZE - 1), n = LD_PAGE_SIZE - off;
		if (n > len)
			n = len;
		if (!p)
			return ld_fail(LD_ERR_NOT_PRESENT, "PA 0x%llx absent", (unsigned long long)pa);
		memcpy(out, p + off, n);
		out += n;
		pa += n;
		len -= n;
	}
	return LD_OK;
}

bool ld_source_has_page(struct ld_source *s, uint64_t pfn)
{
	return page_of(s, pfn) != NULL;
}

ld_status ld_source_next_range(struct ld_source *s, uint64_t from, uint64_t *start, uint64_t *end)
{
	for (size_t i = 0; i < s->n; i++) {
		uint64_t a = s->pfn[i] << LD_PAGE_SHIFT;
		if (a + LD_PAGE_SIZE <= from)
			continue;
		size_t j = i;
		while (j + 1 < s->n && s->pfn[j + 1] == s->pfn[j] + 1)
			j++;
		*start = a;
		*end = (s->pfn[j] + 1) << LD_PAGE_SHIFT;
		return LD_OK;
	}
	return LD_ERR_NOT_FOUND;
}

void ld_source_refresh(struct ld_source *s)
{
	(void)s;
}

ld_status ld_source_status(struct ld_source *s)
{
	(void)s;
	return LD_OK;
}

const char *const *ld_source_formats(void)
{
	static const char *const f[] = { "fuzz", NULL };
	return f;
}

static void free_source(struct ld_source *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->page[i]);
	free(s);
}

static struct ld_source *parse(const uint8_t *d, size_t size)
{
	struct ld_source *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->meta.format = "raw";
	s->meta.dump_type = -1;
	for (size_t at = 0; at + 8 <= size;) {
		uint64_t pfn = ld_le32(d + at) & 0xfffff;   /* below 4 GiB */
		unsigned off = ld_le16(d + at + 4) & (LD_PAGE_SIZE - 1), len = ld_le16(d + at + 6);
		at += 8;
		if (len > size - at)
			len = (unsigned)(size - at);
		if (len > LD_PAGE_SIZE - off)
			len = LD_PAGE_SIZE - off;
		uint8_t *p = add_page(s, pfn);
		if (p)
			memcpy(p + off, d + at, len);
		at += len;
	}
	s->meta.present_pages = s->n;
	return s;
}

/* ---- the profile chooser, stubbed ---- */

ld_status ld_kernel_choose_profile(struct ld_kernel *k, const struct ld_kernel_opts *opts)
{
	(void)k;
	(void)opts;
	return LD_OK;
}

void ld_kernel_release_profiles(struct ld_kernel *k)
{
	(void)k;
}

/* ---- the target ---- */

static void exercise(struct ld_kernel *k, const uint8_t *data, size_t size)
{
	uint8_t buf[64];
	for (size_t off = 8; off + 8 <= size && off < 8 * 33; off += 8) {
		uint64_t va = ld_le64(data + off);
		struct ld_xlat_result r;
		if (ld_kernel_vas(k))
			(void)ld_vas_translate(ld_kernel_vas(k), va, &r);
		(void)ld_kernel_read(k, va, buf, sizeof buf);
		(void)ld_kernel_read(k, va | 0xffc, buf, 8);   /* across a page end */
	}
	double s;
	(void)ld_kernel_ticks_to_seconds(k, size, &s);
	ld_kernel_refresh(k);
}

static void try_open(const struct ld_kernel_opts *opts, const uint8_t *data, size_t size)
{
	struct ld_kernel *k;
	if (ld_kernel_open("fuzz", opts, &k) != LD_OK)
		return;
	exercise(k, data, size);
	ld_kernel_close(k);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	current = parse(data, size);
	if (!current)
		return 0;
	struct ld_kernel_opts opts = { .format = "raw" };
	try_open(&opts, data, size);
	if (size >= 24) {
		opts.has_dtb = true;
		opts.dtb = ld_le64(data + 8) & 0xfffff000ull;
		opts.kdbg_va = ld_le64(data + 16);
		try_open(&opts, data, size);
	}
	free_source(current);
	current = NULL;
	ld_warn_clear();
	return 0;
}

/* LPCDUMP_FUZZ_SEED=RAW:OUT converts a flat image into records (non-zero
 * 8-byte-aligned runs of each page) and exits. */
static void write_seed(const char *spec)
{
	char raw[512];
	const char *colon = strchr(spec, ':');
	if (!colon || (size_t)(colon - spec) >= sizeof raw)
		exit(2);
	memcpy(raw, spec, (size_t)(colon - spec));
	raw[colon - spec] = 0;
	FILE *in = fopen(raw, "rb"), *out = fopen(colon + 1, "wb");
	if (!in || !out)
		exit(2);
	uint8_t page[LD_PAGE_SIZE], hdr[8];
	for (uint32_t pfn = 0; fread(page, 1, sizeof page, in) == sizeof page; pfn++) {
		for (unsigned a = 0; a < LD_PAGE_SIZE;) {
			if (!ld_le64(page + a)) {
				a += 8;
				continue;
			}
			unsigned b = a;
			while (b < LD_PAGE_SIZE && ld_le64(page + b))
				b += 8;
			ld_put_le32(hdr, pfn);
			ld_put_le16(hdr + 4, (uint16_t)a);
			ld_put_le16(hdr + 6, (uint16_t)(b - a));
			fwrite(hdr, 1, 8, out);
			fwrite(page + a, 1, b - a, out);
			a = b;
		}
	}
	fclose(in);
	exit(fclose(out) == 0 ? 0 : 2);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	const char *seed = getenv("LPCDUMP_FUZZ_SEED");
	if (seed)
		write_seed(seed);
	return 0;
}
