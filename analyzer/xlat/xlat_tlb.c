/*
 * xlat_tlb.c — a direct-mapped cache of finished translations.
 *
 * Only translations that resolved are cached: an unavailable page is rare on
 * the hot paths, and caching failures would need their messages kept too.
 * A large page is cached per 4 KiB page touched, which keeps lookup a single
 * compare.
 */
#include "xlat-priv.h"

static struct ld_tlb_entry *slot(const struct ld_vas *vas, uint64_t vpage)
{
	/* Mix the high bits in: kernel structures sit at large strides (pool,
	 * stacks) and would otherwise collide on the low bits alone. */
	uint64_t h = vpage ^ (vpage >> LD_TLB_BITS) ^ (vpage >> (2 * LD_TLB_BITS));
	return &vas->tlb[h & (LD_TLB_SIZE - 1)];
}

bool ld_tlb_lookup(const struct ld_vas *vas, uint64_t va, struct ld_xlat_result *res)
{
	uint64_t vpage = va >> LD_PAGE_SHIFT;
	const struct ld_tlb_entry *e = slot(vas, vpage);

	if (e->vpage != vpage + 1)
		return false;
	res->pa = e->pa_page | (va & (LD_PAGE_SIZE - 1));
	res->kind = e->kind;
	res->level = e->level;
	res->entry = e->entry;
	res->page_size = 1ull << e->page_shift;
	return true;
}

void ld_tlb_insert(struct ld_vas *vas, uint64_t va, const struct ld_xlat_result *res)
{
	uint64_t vpage = va >> LD_PAGE_SHIFT;
	struct ld_tlb_entry *e = slot(vas, vpage);
	unsigned shift = 12;

	while (shift < 63 && (1ull << shift) < res->page_size)
		shift++;
	e->vpage = vpage + 1;
	e->pa_page = res->pa & ~(uint64_t)(LD_PAGE_SIZE - 1);
	e->entry = res->entry;
	e->kind = (uint8_t)res->kind;
	e->level = (uint8_t)res->level;
	e->page_shift = (uint8_t)shift;
}

void ld_tlb_flush(struct ld_vas *vas)
{
	for (size_t i = 0; i < LD_TLB_SIZE; i++)
		vas->tlb[i].vpage = 0;
}
