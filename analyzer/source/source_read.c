/*
 * source_read.c — the generic read path: physical address → page map → file.
 *
 * Reads that span pages whose file offsets are contiguous become one pread,
 * so scanning a dump runs at disk speed; a missing page anywhere in the range
 * fails the whole read with LD_ERR_NOT_PRESENT (partial data is never passed
 * off as complete).
 */
#include "source-priv.h"

bool ld_pagemap_lookup(const struct ld_pagemap *pm, uint64_t pfn, uint64_t *off)
{
	switch (pm->kind) {
	case LD_PAGEMAP_RUNS: return ld_pagemap_runs_lookup(pm, pfn, off);
	case LD_PAGEMAP_BITMAP: return ld_pagemap_bitmap_lookup(pm, pfn, off);
	default: return false;
	}
}

bool ld_pagemap_next(const struct ld_pagemap *pm, uint64_t from_pfn, uint64_t *start, uint64_t *end)
{
	switch (pm->kind) {
	case LD_PAGEMAP_RUNS: return ld_pagemap_runs_next(pm, from_pfn, start, end);
	case LD_PAGEMAP_BITMAP: return ld_pagemap_bitmap_next(pm, from_pfn, start, end);
	default: return false;
	}
}

/* Largest single pread we issue: big enough for disk speed, small enough
 * that one call does not stall an interrupt. */
#define MAX_SPAN ((size_t)8 << 20)

static ld_status map_read(struct ld_source *src, uint64_t pa, void *buf, size_t len)
{
	uint8_t *p = buf;
	while (len > 0) {
		uint64_t off;
		if (!ld_pagemap_lookup(&src->map, pa >> LD_PAGE_SHIFT, &off))
			return ld_fail(LD_ERR_NOT_PRESENT, "physical page 0x%llx is not in the dump",
				       (unsigned long long)(pa & ~(uint64_t)(LD_PAGE_SIZE - 1)));
		size_t in = (size_t)(pa & (LD_PAGE_SIZE - 1));
		size_t n = LD_PAGE_SIZE - in < len ? LD_PAGE_SIZE - in : len;
		/* extend over following pages that sit right after in the file */
		uint64_t next_off = off + LD_PAGE_SIZE, next_pa = (pa | (LD_PAGE_SIZE - 1)) + 1, o2;
		while (n < len && n < MAX_SPAN &&
		       ld_pagemap_lookup(&src->map, next_pa >> LD_PAGE_SHIFT, &o2) && o2 == next_off) {
			size_t more = len - n < LD_PAGE_SIZE ? len - n : LD_PAGE_SIZE;
			n += more;
			next_off += LD_PAGE_SIZE;
			next_pa += LD_PAGE_SIZE;
		}
		ld_status st = ld_file_read(src->file, off + in, p, n);
		if (st)
			return ld_fail_ctx(st, "physical 0x%llx", (unsigned long long)pa);
		p += n, pa += n, len -= n;
	}
	return LD_OK;
}

ld_status ld_source_read(struct ld_source *src, uint64_t pa, void *buf, size_t len)
{
	if (len == 0)
		return LD_OK;
	if (pa + len < pa)
		return ld_fail(LD_ERR_ARG, "physical read at 0x%llx wraps", (unsigned long long)pa);
	if (src->ops->read)
		return src->ops->read(src, pa, buf, len);
	return map_read(src, pa, buf, len);
}

bool ld_source_has_page(struct ld_source *src, uint64_t pfn)
{
	if (src->ops->has_page)
		return src->ops->has_page(src, pfn);
	uint64_t off;
	return ld_pagemap_lookup(&src->map, pfn, &off);
}

ld_status ld_source_next_range(struct ld_source *src, uint64_t from, uint64_t *start, uint64_t *end)
{
	if (src->ops->next_range)
		return src->ops->next_range(src, from, start, end);
	uint64_t s, e, from_pfn = from >> LD_PAGE_SHIFT;
	if (!ld_pagemap_next(&src->map, from_pfn, &s, &e))
		return ld_fail(LD_ERR_NOT_FOUND, "no physical memory at or above 0x%llx",
			       (unsigned long long)from);
	*start = s << LD_PAGE_SHIFT;
	*end = e << LD_PAGE_SHIFT;
	return LD_OK;
}

ld_status ld_source_status(struct ld_source *src)
{
	return src->ops->status ? src->ops->status(src) : LD_OK;
}

void ld_source_refresh(struct ld_source *src)
{
	if (src->ops->refresh)
		src->ops->refresh(src);
	if (src->file)
		ld_file_drop_cache(src->file);
}
