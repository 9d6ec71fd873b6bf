/*
 * page_runs.c — a sorted run table: PFN → file offset in O(log runs).
 *
 * Full dumps, RDMP range lists, ELF PT_LOADs and raw images all describe
 * memory as runs of contiguous pages stored contiguously in the file. The
 * runs come from the dump, so they are checked: sorted, disjoint, and cut
 * where the file ends (a truncated dump keeps what it has, with a warning).
 */
#include "source-priv.h"

#include <stdlib.h>

/* Runs beyond this are refused: real dumps have tens; a hostile count must not
 * make us allocate or loop for long. */
#define MAX_RUNS ((size_t)1 << 20)

void ld_pagemap_free(struct ld_pagemap *pm)
{
	free(pm->runs);
	free(pm->bits);
	free(pm->rank);
	*pm = (struct ld_pagemap){ 0 };
}

ld_status ld_pagemap_add_run(struct ld_pagemap *pm, uint64_t base_pfn, uint64_t npages,
			     uint64_t file_off)
{
	if (npages == 0)
		return LD_OK;
	if (pm->nruns >= MAX_RUNS)
		return ld_fail(LD_ERR_LIMIT, "more than %zu memory runs", MAX_RUNS);
	if (base_pfn > LD_MAX_PFN || npages > LD_MAX_PFN - base_pfn ||
	    file_off + npages * LD_PAGE_SIZE < file_off)
		return ld_fail(LD_ERR_FORMAT, "memory run at PFN 0x%llx of 0x%llx pages is past 52-bit physical addresses",
			       (unsigned long long)base_pfn, (unsigned long long)npages);
	if (pm->nruns == pm->caprun) {
		size_t cap = pm->caprun ? pm->caprun * 2 : 16;
		struct ld_run *r = ld_xrealloc(pm->runs, cap, sizeof(*r));
		if (!r)
			return LD_ERR_NOMEM;
		pm->runs = r;
		pm->caprun = cap;
	}
	pm->kind = LD_PAGEMAP_RUNS;
	pm->runs[pm->nruns++] = (struct ld_run){ base_pfn, npages, file_off };
	return LD_OK;
}

static int cmp_run(const void *a, const void *b)
{
	const struct ld_run *x = a, *y = b;
	return x->base_pfn < y->base_pfn ? -1 : x->base_pfn > y->base_pfn;
}

/* Cut runs at the end of the file; drop what is wholly past it. */
static void cut_at_eof(struct ld_pagemap *pm, uint64_t file_size, const char *what)
{
	uint64_t lost = 0;
	size_t w = 0;
	for (size_t i = 0; i < pm->nruns; i++) {
		struct ld_run r = pm->runs[i];
		uint64_t fit = r.file_off >= file_size ? 0 : (file_size - r.file_off) / LD_PAGE_SIZE;
		if (fit < r.npages) {
			lost += r.npages - fit;
			r.npages = fit;
		}
		if (r.npages)
			pm->runs[w++] = r;
	}
	pm->nruns = w;
	if (lost)
		ld_warn("%s: file truncated: %llu pages past its end are not present", what,
			(unsigned long long)lost);
}

ld_status ld_pagemap_finish_runs(struct ld_pagemap *pm, uint64_t file_size, const char *what)
{
	pm->kind = LD_PAGEMAP_RUNS;
	if (pm->nruns > 1)
		qsort(pm->runs, pm->nruns, sizeof(*pm->runs), cmp_run);
	for (size_t i = 1; i < pm->nruns; i++) {
		const struct ld_run *a = &pm->runs[i - 1], *b = &pm->runs[i];
		if (a->base_pfn + a->npages > b->base_pfn)
			return ld_fail(LD_ERR_FORMAT, "%s: memory runs overlap at PFN 0x%llx", what,
				       (unsigned long long)b->base_pfn);
	}
	cut_at_eof(pm, file_size, what);
	pm->present = 0;
	pm->max_pfn = 0;
	for (size_t i = 0; i < pm->nruns; i++)
		pm->present += pm->runs[i].npages;
	if (pm->nruns)
		pm->max_pfn = pm->runs[pm->nruns - 1].base_pfn + pm->runs[pm->nruns - 1].npages;
	return LD_OK;
}

/* Index of the last run with base_pfn <= pfn, or -1. */
static ptrdiff_t run_at_or_before(const struct ld_pagemap *pm, uint64_t pfn)
{
	size_t lo = 0, hi = pm->nruns;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (pm->runs[mid].base_pfn <= pfn)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (ptrdiff_t)lo - 1;
}

bool ld_pagemap_runs_lookup(const struct ld_pagemap *pm, uint64_t pfn, uint64_t *off)
{
	ptrdiff_t i = run_at_or_before(pm, pfn);
	if (i < 0)
		return false;
	const struct ld_run *r = &pm->runs[i];
	if (pfn - r->base_pfn >= r->npages)
		return false;
	*off = r->file_off + (pfn - r->base_pfn) * LD_PAGE_SIZE;
	return true;
}

bool ld_pagemap_runs_next(const struct ld_pagemap *pm, uint64_t from, uint64_t *start,
			  uint64_t *end)
{
	ptrdiff_t i = run_at_or_before(pm, from);
	if (i < 0)
		i = 0;
	for (size_t j = (size_t)i; j < pm->nruns; j++) {
		const struct ld_run *r = &pm->runs[j];
		if (r->base_pfn + r->npages <= from)
			continue;
		*start = r->base_pfn;
		*end = r->base_pfn + r->npages;
		/* physically adjacent runs are one range to the caller */
		while (j + 1 < pm->nruns && pm->runs[j + 1].base_pfn == *end)
			*end += pm->runs[++j].npages;
		return true;
	}
	return false;
}
