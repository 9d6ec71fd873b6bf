/*
 * source_kdumpfile.c — kdump-compressed files (makedumpfile, QEMU
 * dump-guest-memory -z/-l/-s), read through libkdumpfile, which decompresses
 * the pages; the present pages come from its file page map.
 *
 * libkdumpfile 0.5.1 crashes on malformed input, so a file reaches it only
 * after ld_kdump_check_layout() has checked the header, sub-header and
 * bitmaps. (ELF cores need no decompression and are read by source_elf.c.)
 */
#include "source-priv.h"

#include <libkdumpfile/kdumpfile.h>
#include <stdlib.h>
#include <string.h>

struct kdf {
	kdump_ctx_t *ctx;
	kdump_bmp_t *pagemap;       /* kdump: pages in the file (a reference we hold) */
	uint64_t max_pfn;
};

static int kdump_probe(const uint8_t *head, size_t n, uint64_t file_size)
{
	(void)file_size;
	if (n >= 8 && (memcmp(head, "KDUMP   ", 8) == 0 || memcmp(head, "DISKDUMP", 8) == 0))
		return 90;
	if (n >= 12 && memcmp(head, "makedumpfile", 12) == 0)
		return 90;
	return 0;
}

static ld_status kdf_start(struct ld_source *src, struct kdf **out)
{
	struct kdf *k = ld_xcalloc(1, sizeof(*k));
	if (!k)
		return LD_ERR_NOMEM;
	src->priv = k;
	*out = k;
	k->ctx = kdump_new();
	if (!k->ctx)
		return ld_fail(LD_ERR_NOMEM, "libkdumpfile: cannot create a context");
	/* read(2) keeps memory flat; mapping big cores would not */
	kdump_set_number_attr(k->ctx, KDUMP_ATTR_FILE_MMAP_POLICY, KDUMP_MMAP_NEVER);
	if (kdump_open_fd(k->ctx, ld_file_fd(src->file)) != KDUMP_OK)
		return ld_fail(LD_ERR_FORMAT, "%s: libkdumpfile: %s", src->ops->name, kdump_get_err(k->ctx));
	return LD_OK;
}

static ld_status kdump_take_pagemap(struct ld_source *src, struct kdf *k)
{
	kdump_attr_t a;
	a.type = KDUMP_BITMAP;
	if (kdump_get_typed_attr(k->ctx, KDUMP_ATTR_FILE_PAGEMAP, &a) != KDUMP_OK)
		return ld_fail(LD_ERR_FORMAT, "kdump: no page map: %s", kdump_get_err(k->ctx));
	k->pagemap = a.val.bitmap;
	kdump_bmp_incref(k->pagemap);
	kdump_num_t max = 0;
	k->max_pfn = (uint64_t)1 << 40;
	if (kdump_get_number_attr(k->ctx, "max_pfn", &max) == KDUMP_OK && max > 0)
		k->max_pfn = max;
	/* count what is there, bounded by max_pfn */
	uint64_t n = 0;
	kdump_addr_t idx = 0;
	while (idx < k->max_pfn && kdump_bmp_find_set(k->pagemap, &idx) == KDUMP_OK && idx < k->max_pfn) {
		kdump_addr_t end = idx;
		if (kdump_bmp_find_clear(k->pagemap, &end) != KDUMP_OK || end > k->max_pfn)
			end = k->max_pfn;
		n += end - idx;
		src->meta.max_pfn = end;
		idx = end;
	}
	src->meta.present_pages = n;
	return LD_OK;
}

static void kdump_take_arch(struct ld_source *src, struct kdf *k)
{
	const char *arch = NULL;
	if (kdump_get_string_attr(k->ctx, KDUMP_ATTR_ARCH_NAME, &arch) != KDUMP_OK || !arch)
		return;
	if (strcmp(arch, KDUMP_ARCH_X86_64) == 0) {
		src->meta.arch = LD_ARCH_X64;
		src->meta.machine = 0x8664;
	} else if (strcmp(arch, KDUMP_ARCH_IA32) == 0) {
		src->meta.arch = LD_ARCH_X86;
		src->meta.machine = 0x14c;
	} else if (strcmp(arch, KDUMP_ARCH_AARCH64) == 0) {
		src->meta.arch = LD_ARCH_OTHER;
		src->meta.machine = 0xaa64;
	} else {
		src->meta.arch = LD_ARCH_OTHER;
	}
}

static ld_status kdump_open(struct ld_source *src)
{
	struct kdf *k;
	src->meta.layout = "kdump";
	/* libkdumpfile trusts what it opens (it crashes on malformed files), so
	 * nothing reaches it that our own checks have not seen */
	ld_status st = ld_kdump_check_layout(src->file, src->path);
	if (st == LD_OK)
		st = kdf_start(src, &k);
	if (st == LD_OK)
		st = kdump_take_pagemap(src, k);
	if (st == LD_OK)
		kdump_take_arch(src, k);
	return st;
}

static ld_status kdf_read(struct ld_source *src, uint64_t pa, void *buf, size_t len)
{
	struct kdf *k = src->priv;
	/* only what the page map holds (libkdumpfile may zero-fill gaps) */
	for (uint64_t p = pa >> LD_PAGE_SHIFT; p <= (pa + len - 1) >> LD_PAGE_SHIFT; p++)
		if (!ld_source_has_page(src, p))
			return ld_fail(LD_ERR_NOT_PRESENT, "physical page 0x%llx is not in the dump",
				       (unsigned long long)(p << LD_PAGE_SHIFT));
	size_t got = len;
	kdump_status ks = kdump_read(k->ctx, KDUMP_MACHPHYSADDR, pa, buf, &got);
	if (ks == KDUMP_ERR_NODATA)
		return ld_fail(LD_ERR_NOT_PRESENT, "physical 0x%llx is not in the dump",
			       (unsigned long long)(pa + got));
	if (ks != KDUMP_OK)
		return ld_fail(LD_ERR_IO, "physical 0x%llx: libkdumpfile: %s", (unsigned long long)pa,
			       kdump_get_err(k->ctx));
	return LD_OK;
}

static bool kdump_has_page(struct ld_source *src, uint64_t pfn)
{
	struct kdf *k = src->priv;
	unsigned char bit = 0;
	if (pfn >= k->max_pfn)
		return false;
	if (kdump_bmp_get_bits(k->pagemap, pfn, pfn, &bit) != KDUMP_OK)
		return false;
	return bit & 1;
}

static ld_status kdump_next_range(struct ld_source *src, uint64_t from, uint64_t *start, uint64_t *end)
{
	struct kdf *k = src->priv;
	kdump_addr_t idx = from >> LD_PAGE_SHIFT;
	if (idx >= k->max_pfn || kdump_bmp_find_set(k->pagemap, &idx) != KDUMP_OK || idx >= k->max_pfn)
		return ld_fail(LD_ERR_NOT_FOUND, "no physical memory at or above 0x%llx",
			       (unsigned long long)from);
	kdump_addr_t e = idx;
	if (kdump_bmp_find_clear(k->pagemap, &e) != KDUMP_OK || e > k->max_pfn)
		e = k->max_pfn;
	*start = (uint64_t)idx << LD_PAGE_SHIFT;
	*end = (uint64_t)e << LD_PAGE_SHIFT;
	return LD_OK;
}

static void kdf_close(struct ld_source *src)
{
	struct kdf *k = src->priv;
	if (!k)
		return;
	if (k->pagemap)
		kdump_bmp_decref(k->pagemap);
	if (k->ctx)
		kdump_free(k->ctx);
	free(k);
	src->priv = NULL;
}

const struct ld_source_ops ld_source_kdump_ops = {
	.name = "kdump",
	.probe = kdump_probe,
	.open = kdump_open,
	.read = kdf_read,
	.has_page = kdump_has_page,
	.next_range = kdump_next_range,
	.close = kdf_close,
};
