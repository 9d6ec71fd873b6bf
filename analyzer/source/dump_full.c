/*
 * dump_full.c — DumpType 1: the run list of _PHYSICAL_MEMORY_DESCRIPTOR.
 *
 * The header's descriptor lists runs of physical pages; their pages follow
 * the header back to back, run after run. The descriptor buffer holds at most
 * 86 (32-bit) or 42 (64-bit) runs, so any larger count is hostile.
 */
#include "dump-priv.h"

#define DESC32 0x64u
#define DESC64 0x88u
#define MAX_RUNS32 86u
#define MAX_RUNS64 42u

struct desc {
	uint32_t nruns, max_runs;
	uint64_t npages;
	uint32_t runs_off, run_size;
};

static struct desc read_desc(const struct ld_dump_hdr *h)
{
	struct desc d;
	uint32_t base = h->is64 ? DESC64 : DESC32;
	d.nruns = ld_le32(h->raw + base);
	d.max_runs = h->is64 ? MAX_RUNS64 : MAX_RUNS32;
	d.npages = h->is64 ? ld_le64(h->raw + base + 8) : ld_le32(h->raw + base + 4);
	d.runs_off = base + (h->is64 ? 0x10 : 8);
	d.run_size = h->is64 ? 16 : 8;
	return d;
}

static void run_at(const struct ld_dump_hdr *h, const struct desc *d, uint32_t i, uint64_t *base,
		   uint64_t *count)
{
	const uint8_t *r = h->raw + d->runs_off + i * d->run_size;
	*base = h->is64 ? ld_le64(r) : ld_le32(r);
	*count = h->is64 ? ld_le64(r + 8) : ld_le32(r + 4);
}

ld_status ld_dump_full_open(struct ld_source *src, const struct ld_dump_hdr *h)
{
	struct desc d = read_desc(h);
	src->meta.layout = "full";
	if (d.nruns == LD_DUMP_SIG_PAGE)
		return ld_fail(LD_ERR_FORMAT, "full dump: NumberOfRuns is unset (PAGE fill)");
	if (d.nruns > d.max_runs)
		return ld_fail(LD_ERR_FORMAT, "full dump: NumberOfRuns %u exceeds the %u the header holds",
			       d.nruns, d.max_runs);
	uint64_t off = h->size, total = 0;
	for (uint32_t i = 0; i < d.nruns; i++) {
		uint64_t base, count;
		run_at(h, &d, i, &base, &count);
		if (count > (UINT64_MAX >> LD_PAGE_SHIFT) - total)
			return ld_fail(LD_ERR_FORMAT, "full dump: run %u has an absurd page count 0x%llx",
				       i, (unsigned long long)count);
		ld_status st = ld_pagemap_add_run(&src->map, base, count, off);
		if (st)
			return ld_fail_ctx(st, "full dump: run %u", i);
		total += count;
		off += count * LD_PAGE_SIZE;
	}
	if (d.npages != total && !(d.npages == LD_DUMP_SIG_PAGE || d.npages == LD_DUMP_FILL64))
		ld_warn("full dump: NumberOfPages 0x%llx but the runs hold 0x%llx pages",
			(unsigned long long)d.npages, (unsigned long long)total);
	return ld_pagemap_finish_runs(&src->map, h->file_size, "full dump");
}
