/*
 * forge_paging.c — the kernel address space of the forged machine: page
 * tables for x86 (2 levels), PAE (PDPT + 3 levels) and x64 (4 levels) with
 * the Windows self-map, 4 KiB / 2 MiB / 4 MiB / 1 GiB pages, transition and
 * pagefile PTEs (DUMP-FORMATS.md §5), virtual reads and writes through the
 * tables themselves (so a wrong table shows up in the forge's own tests),
 * and pool-like kernel VA allocation.
 *
 * Directives:
 *   largepage VA SIZE          map [VA, VA+SIZE) with one large page (2M/4M/1G)
 *   map VA SIZE [pid=N|space=N|dtb=ADDR]
 *                              back [VA, VA+SIZE) with fresh 4 KiB pages, in
 *                              the kernel's or a process's address space
 *   write VA u8=|u16=|u32=|u64=|ptr=N | ascii=TEXT | hex=BYTES [pid=N|space=N|dtb=ADDR]
 *   addrspace                  a new process-like address space (fg_address_space_new);
 *                              space=N in map/write names the N-th (from 0)
 *   pageout paged=PCT [transition=PCT]
 *                              at the end, that share of paged-pool pages
 *                              (seeded) gets pagefile / transition PTEs
 *   transition VA              after everything is written, make VA's PTE a
 *                              transition PTE (page still in RAM)
 *   pagefile VA [file=N] [offset=PAGES]
 *                              likewise, a pagefile PTE (data unavailable)
 */
#include "forge-priv.h"
#include "forge_objects.h"

#include <stdlib.h>
#include <string.h>

/* Entry bits (Intel SDM; Windows uses the same for kernel mappings). */
#pragma weak fg_process_by_pid

#define PTE_P     0x001ull
#define PTE_RW    0x002ull
#define PTE_A     0x020ull
#define PTE_D     0x040ull
#define PTE_PS    0x080ull
#define PTE_G     0x100ull
#define PTE_PROTO 0x400ull      /* Windows software bit: prototype */
#define PTE_TRANS 0x800ull      /* Windows software bit: transition */
#define PTE_NX    (1ull << 63)  /* PAE and x64: no execute */
#define PTE_US    0x004ull
#define TABLE_FLAGS (PTE_P | PTE_RW | PTE_A | PTE_D)
#define LEAF_FLAGS  (PTE_P | PTE_RW | PTE_A | PTE_D | PTE_G)
#define MM_READWRITE 4ull       /* MMPTE protection value, bits 5-9 */

struct level {
	unsigned shift, bits;
	bool large_ok;          /* a PS entry may end the walk here */
};

static const struct level x86_levels[] = { { 22, 10, true }, { 12, 10, false } };
static const struct level pae_levels[] = { { 30, 2, false }, { 21, 9, true }, { 12, 9, false } };
static const struct level x64_levels[] = { { 39, 9, false }, { 30, 9, true }, { 21, 9, true }, { 12, 9, false } };

static const struct level *levels_of(const struct fg_machine *m, size_t *n)
{
	switch (m->arch) {
	case LD_ARCH_X86: *n = LD_ARRAY_SIZE(x86_levels); return x86_levels;
	case LD_ARCH_X86_PAE: *n = LD_ARRAY_SIZE(pae_levels); return pae_levels;
	case LD_ARCH_X64: *n = LD_ARRAY_SIZE(x64_levels); return x64_levels;
	default: fg_die(fg_where(), "no architecture: give `profile NAME` or `arch x86|x86-pae|x64`");
	}
}

static unsigned entry_size(const struct fg_machine *m)
{
	return m->arch == LD_ARCH_X86 ? 4 : 8;
}

static uint64_t pfn_mask(const struct fg_machine *m)
{
	return m->arch == LD_ARCH_X86 ? 0xFFFFF000ull : 0x000FFFFFFFFFF000ull;
}

static uint64_t va_mask(const struct fg_machine *m)
{
	return m->arch == LD_ARCH_X64 ? 0x0000FFFFFFFFFFFFull : 0xFFFFFFFFull;
}

/* ---- physical entry access ---- */

static uint64_t phys_entry(struct fg_machine *m, uint64_t pa)
{
	const uint8_t *page = fg_phys_page(m, pa >> LD_PAGE_SHIFT, false);
	if (!page)
		return 0;
	size_t off = pa & (LD_PAGE_SIZE - 1);
	return entry_size(m) == 4 ? ld_le32(page + off) : ld_le64(page + off);
}

static void phys_set_entry(struct fg_machine *m, uint64_t pa, uint64_t v)
{
	uint8_t *page = fg_phys_page(m, pa >> LD_PAGE_SHIFT, true);
	size_t off = pa & (LD_PAGE_SIZE - 1);
	if (entry_size(m) == 4)
		ld_put_le32(page + off, (uint32_t)v);
	else
		ld_put_le64(page + off, v);
}

static uint64_t entry_pa(const struct fg_machine *m, uint64_t table, const struct level *l, uint64_t va)
{
	uint64_t idx = ((va & va_mask(m)) >> l->shift) & ((1ull << l->bits) - 1);
	return table + idx * entry_size(m);
}

static bool is_transition(uint64_t e)
{
	return (e & (PTE_P | PTE_PROTO | PTE_TRANS)) == PTE_TRANS;
}

/* ---- the walk ---- */

enum walk_result { WALK_OK, WALK_TRANSITION, WALK_NONE };

/* Translate va; *leaf_pa gets the physical address of the final entry. */
static enum walk_result walk(struct fg_machine *m, uint64_t root, uint64_t va, uint64_t *pa,
			     uint64_t *leaf_pa, unsigned *leaf_level)
{
	size_t n;
	const struct level *lv = levels_of(m, &n);
	uint64_t table = root;
	for (size_t i = 0; i < n; i++) {
		uint64_t epa = entry_pa(m, table, &lv[i], va);
		uint64_t e = phys_entry(m, epa);
		if (leaf_pa)
			*leaf_pa = epa;
		if (leaf_level)
			*leaf_level = (unsigned)i;
		bool last = i + 1 == n;
		if (!(e & PTE_P)) {
			if (last && is_transition(e)) {
				*pa = (e & pfn_mask(m)) | (va & (LD_PAGE_SIZE - 1));
				return WALK_TRANSITION;
			}
			return WALK_NONE;
		}
		if (last || (lv[i].large_ok && (e & PTE_PS))) {
			uint64_t span = 1ull << lv[i].shift;
			*pa = (e & pfn_mask(m) & ~(span - 1)) | (va & (span - 1));
			return WALK_OK;
		}
		table = e & pfn_mask(m);
	}
	return WALK_NONE;
}

bool fg_try_virt_to_phys_in(struct fg_machine *m, uint64_t dtb, uint64_t va, uint64_t *pa)
{
	return walk(m, dtb, va, pa, NULL, NULL) != WALK_NONE;
}

bool fg_try_virt_to_phys(struct fg_machine *m, uint64_t va, uint64_t *pa)
{
	return fg_try_virt_to_phys_in(m, m->dtb, va, pa);
}

uint64_t fg_virt_to_phys(struct fg_machine *m, uint64_t va)
{
	uint64_t pa;
	if (!fg_try_virt_to_phys(m, va, &pa))
		fg_die(fg_where(), "virtual address 0x%llx is not mapped", (unsigned long long)va);
	return pa;
}

/* The table entry for va at level `depth`, creating intermediate tables.
 * Returns the entry's physical address. */
/* Data pages are no-execute where the paging mode has the bit (PAE, x64),
 * as Windows maps them; the kernel's code sections stay executable. Readers
 * must mask the PFN, not just the low 12 bits. */
static uint64_t leaf_nx(const struct fg_machine *m, uint64_t va, uint64_t size)
{
	if (m->arch == LD_ARCH_X86 || fg_kernel_is_code(m, va, size))
		return 0;
	return PTE_NX;
}

static bool is_user_va(const struct fg_machine *m, uint64_t va)
{
	return m->arch == LD_ARCH_X64 ? va < 0x0000800000000000ull : (va & 0xFFFFFFFFull) < 0x80000000ull;
}

static uint64_t entry_for(struct fg_machine *m, uint64_t root, uint64_t va, size_t depth)
{
	size_t n;
	const struct level *lv = levels_of(m, &n);
	uint64_t table = root;
	for (size_t i = 0; i < depth; i++) {
		uint64_t epa = entry_pa(m, table, &lv[i], va);
		uint64_t e = phys_entry(m, epa);
		if (e & PTE_P) {
			if (lv[i].large_ok && (e & PTE_PS))
				fg_die(fg_where(), "0x%llx is inside a large page already", (unsigned long long)va);
			table = e & pfn_mask(m);
			continue;
		}
		if (e)
			fg_die(fg_where(), "0x%llx: page table entry in use (software PTE)", (unsigned long long)va);
		uint64_t pfn = fg_phys_alloc(m);
		/* PAE PDPTEs take only the present bit; the rest is reserved. */
		uint64_t flags = (m->arch == LD_ARCH_X86_PAE && i == 0) ? PTE_P :
				 TABLE_FLAGS | (is_user_va(m, va) ? PTE_US : 0);
		phys_set_entry(m, epa, (pfn << LD_PAGE_SHIFT) | flags);
		table = pfn << LD_PAGE_SHIFT;
	}
	return entry_pa(m, table, &lv[depth], va);
}

void fg_map_in(struct fg_machine *m, uint64_t dtb, uint64_t va, uint64_t pfn)
{
	size_t n;
	(void)levels_of(m, &n);
	uint64_t epa = entry_for(m, dtb, va, n - 1);
	if (phys_entry(m, epa))
		fg_die(fg_where(), "0x%llx is mapped already", (unsigned long long)va);
	if (m->arch == LD_ARCH_X86 && pfn > 0xFFFFF)
		fg_die(fg_where(), "pfn 0x%llx beyond 4 GiB on non-PAE x86", (unsigned long long)pfn);
	/* user pages: user-accessible, not global */
	uint64_t flags = is_user_va(m, va) ? (LEAF_FLAGS & ~PTE_G) | PTE_US : LEAF_FLAGS;
	phys_set_entry(m, epa, (pfn << LD_PAGE_SHIFT) | flags | leaf_nx(m, va, LD_PAGE_SIZE));
}

void fg_map(struct fg_machine *m, uint64_t va, uint64_t pfn)
{
	fg_map_in(m, m->dtb, va, pfn);
}

void fg_map_large(struct fg_machine *m, uint64_t va, uint64_t pfn, uint64_t size)
{
	size_t n;
	const struct level *lv = levels_of(m, &n);
	size_t depth = n;
	for (size_t i = 0; i < n; i++)
		if (lv[i].large_ok && (1ull << lv[i].shift) == size)
			depth = i;
	if (depth == n)
		fg_die(fg_where(), "%s has no 0x%llx-byte pages", ld_arch_name(m->arch), (unsigned long long)size);
	if ((va & (size - 1)) || ((pfn << LD_PAGE_SHIFT) & (size - 1)))
		fg_die(fg_where(), "large page 0x%llx not aligned to its size", (unsigned long long)va);
	uint64_t epa = entry_for(m, m->dtb, va, depth);
	if (phys_entry(m, epa))
		fg_die(fg_where(), "0x%llx is mapped already", (unsigned long long)va);
	phys_set_entry(m, epa, (pfn << LD_PAGE_SHIFT) | LEAF_FLAGS | PTE_PS | leaf_nx(m, va, size));
}

void fg_map_range_in(struct fg_machine *m, uint64_t dtb, uint64_t va, uint64_t size)
{
	uint64_t end = va + size;
	for (uint64_t p = va & ~(uint64_t)(LD_PAGE_SIZE - 1); p < end; p += LD_PAGE_SIZE) {
		uint64_t pa;
		if (!fg_try_virt_to_phys_in(m, dtb, p, &pa))
			fg_map_in(m, dtb, p, fg_phys_alloc(m));
	}
}

void fg_map_range(struct fg_machine *m, uint64_t va, uint64_t size)
{
	fg_map_range_in(m, m->dtb, va, size);
}

/* ---- self-map and setup ---- */

static uint64_t sign_extend48(uint64_t va)
{
	return (va & (1ull << 47)) ? (va | 0xFFFF000000000000ull) : va;
}

/* PML4 slots the forge's own regions use; the randomized self-map avoids them. */
static bool x64_slot_taken(const struct fg_machine *m, unsigned idx)
{
	const struct fg_core *c = m->core;
	uint64_t vas[] = { m->kernel_base, 0xFFFFF78000000000ull, c->nonpaged.base, c->paged.base };
	for (size_t i = 0; i < LD_ARRAY_SIZE(vas); i++)
		if (vas[i] && ((vas[i] >> 39) & 0x1FF) == idx)
			return true;
	return false;
}

static void setup_x64(struct fg_machine *m)
{
	m->dtb = fg_phys_alloc(m) << LD_PAGE_SHIFT;
	/* Before Windows 10 1607 the self-map sat at 0x1ED; 14393 randomized it. */
	unsigned idx = 0x1ED;
	if (m->build >= 14393)
		do
			idx = 0x100 + (unsigned)(fg_random(m) % 0x100);
		while (x64_slot_taken(m, idx));
	m->selfmap_index = idx;
	m->pte_base = sign_extend48((uint64_t)idx << 39);
	phys_set_entry(m, m->dtb + idx * 8ull, m->dtb | TABLE_FLAGS);
}

static void setup_x86(struct fg_machine *m)
{
	m->dtb = fg_phys_alloc(m) << LD_PAGE_SHIFT;
	m->selfmap_index = 0x300;
	m->pte_base = 0xC0000000ull;
	phys_set_entry(m, m->dtb + 0x300 * 4ull, m->dtb | TABLE_FLAGS);
}

/* PAE: the PDPT page followed by its four page directories, contiguous, as
 * Windows lays them out; the directories map themselves at 0xC0000000. */
static void setup_pae(struct fg_machine *m)
{
	uint64_t base = fg_phys_alloc_run(m, 5, 1);
	for (uint64_t i = 0; i < 5; i++)
		(void)fg_phys_page(m, base + i, true);
	m->dtb = base << LD_PAGE_SHIFT;
	m->selfmap_index = 0x600;
	m->pte_base = 0xC0000000ull;
	for (uint64_t i = 0; i < 4; i++) {
		uint64_t pd = (base + 1 + i) << LD_PAGE_SHIFT;
		phys_set_entry(m, m->dtb + i * 8, pd | PTE_P);
		/* PD 3 covers 0xC0000000; its entries 0..3 are the four PDs. */
		phys_set_entry(m, ((base + 4) << LD_PAGE_SHIFT) + i * 8, pd | TABLE_FLAGS);
	}
}

void fg_paging_setup(struct fg_machine *m)
{
	switch (m->arch) {
	case LD_ARCH_X64: setup_x64(m); break;
	case LD_ARCH_X86: setup_x86(m); break;
	case LD_ARCH_X86_PAE: setup_pae(m); break;
	default: fg_die(fg_where(), "no architecture: give `profile NAME` or `arch x86|x86-pae|x64`");
	}
}

/* ---- process address spaces ---- */

/* Copy the kernel half of the top-level table into a process's, keeping
 * the process's own self-map. PAE shares the kernel's PD2/PD3 outright. */
static void sync_kernel_half(struct fg_machine *m, uint64_t dtb)
{
	if (m->arch == LD_ARCH_X86_PAE) {
		for (uint64_t i = 2; i < 4; i++)
			phys_set_entry(m, dtb + i * 8, phys_entry(m, m->dtb + i * 8));
		return;
	}
	unsigned first = m->arch == LD_ARCH_X64 ? 256 : 512, count = m->arch == LD_ARCH_X64 ? 512 : 1024;
	unsigned esz = entry_size(m);
	for (unsigned i = first; i < count; i++) {
		uint64_t e = i == m->selfmap_index ? (dtb | TABLE_FLAGS) : phys_entry(m, m->dtb + (uint64_t)i * esz);
		phys_set_entry(m, dtb + (uint64_t)i * esz, e);
	}
}

uint64_t fg_address_space_new(struct fg_machine *m)
{
	if (!m->ready)
		fg_die(fg_where(), "address space asked for before the machine was set up");
	struct fg_core *c = fg_core(m);
	uint64_t dtb = fg_phys_alloc(m) << LD_PAGE_SHIFT;
	sync_kernel_half(m, dtb);
	FG_GROW(c->spaces, c->nspaces, c->capspaces);
	c->spaces[c->nspaces++] = dtb;
	return dtb;
}

void fg_paging_sync_spaces(struct fg_machine *m)
{
	struct fg_core *c = fg_core(m);
	for (size_t i = 0; i < c->nspaces; i++)
		sync_kernel_half(m, c->spaces[i]);
}

/* ---- kernel VA allocation (pool) ---- */

void fg_kva_setup(struct fg_machine *m)
{
	struct fg_core *c = fg_core(m);
	uint64_t np, pp;
	if (m->arch == LD_ARCH_X64) {
		/* Windows 7 era pool ranges; 8 and later moved them to 0xffffe0../0xffffc0.. */
		np = m->build >= 9200 ? 0xFFFFE00000000000ull : 0xFFFFFA8003000000ull;
		pp = m->build >= 9200 ? 0xFFFFC00000000000ull : 0xFFFFF8A000000000ull;
	} else {
		/* XP/2003: nonpaged pool near 0x89000000, paged pool at 0xe1000000;
		 * Vista+ allocate pool dynamically in the 0x8xxxxxxx/0x9xxxxxxx range. */
		np = m->build >= 6000 ? 0x84000000ull : 0x89000000ull;
		pp = m->build >= 6000 ? 0x90000000ull : 0xE1000000ull;
	}
	c->nonpaged = (struct fg_kva_region){ .base = np, .cursor = np, .end = np + (256ull << 20) };
	c->paged = (struct fg_kva_region){ .base = pp, .cursor = pp, .end = pp + (256ull << 20) };
}

static void put_pool_header(struct fg_machine *m, uint64_t hva, uint64_t units, uint64_t prev_units,
			    const char *tag, bool paged)
{
	uint8_t t[4] = { ' ', ' ', ' ', ' ' };
	for (size_t i = 0; i < 4 && tag[i]; i++)
		t[i] = (uint8_t)tag[i];
	if (!m->profile || !ld_profile_type(m->profile, "_POOL_HEADER"))
		return;
	fg_set_opt(m, hva, "_POOL_HEADER", "PoolTag", ld_le32(t));
	fg_set_opt(m, hva, "_POOL_HEADER", "BlockSize", units);
	fg_set_opt(m, hva, "_POOL_HEADER", "PreviousSize", prev_units);
	/* Allocated blocks store PoolType + 1: 1 nonpaged, 2 paged. */
	fg_set_opt(m, hva, "_POOL_HEADER", "PoolType", paged ? 2 : 1);
}

uint64_t fg_kalloc(struct fg_machine *m, size_t size, const char *pool_tag, bool paged)
{
	if (!m->ready)
		fg_die(fg_where(), "memory written before the machine was set up");
	struct fg_core *c = fg_core(m);
	struct fg_kva_region *r = paged ? &c->paged : &c->nonpaged;
	uint64_t gran = m->arch == LD_ARCH_X64 ? 16 : 8;   /* pool block unit */
	uint64_t hdr = 0;
	if (pool_tag)
		hdr = m->profile && ld_profile_type(m->profile, "_POOL_HEADER") ?
		      fg_sizeof(m, "_POOL_HEADER") : gran;
	uint64_t total = (hdr + size + gran - 1) & ~(gran - 1);
	if (!total)
		total = gran;
	uint64_t start = r->cursor;
	uint64_t page_off = start & (LD_PAGE_SIZE - 1);
	/* Small blocks never straddle a page (pool scanners rely on it); big
	 * ones start on a page. */
	if ((total <= LD_PAGE_SIZE && page_off + total > LD_PAGE_SIZE) || (total > LD_PAGE_SIZE && page_off))
		start = (start + LD_PAGE_SIZE - 1) & ~(uint64_t)(LD_PAGE_SIZE - 1);
	if (start + total > r->end)
		fg_die(fg_where(), "forged %s pool exhausted", paged ? "paged" : "nonpaged");
	/* PreviousSize links blocks that follow each other within a page. */
	uint64_t prev_units = 0;
	if (r->last_units && r->last_block + r->last_units * gran == start && (start & (LD_PAGE_SIZE - 1)))
		prev_units = r->last_units;
	fg_map_range(m, start, total);
	uint64_t units = total <= LD_PAGE_SIZE ? total / gran : 0;
	if (pool_tag)
		put_pool_header(m, start, units, prev_units, pool_tag, paged);
	r->last_block = start;
	r->last_units = pool_tag ? units : 0;
	r->cursor = start + total;
	return start + hdr;
}

/* ---- virtual reads and writes ---- */

static uint8_t *page_for_write(struct fg_machine *m, uint64_t dtb, uint64_t va)
{
	uint64_t pa;
	if (!fg_try_virt_to_phys_in(m, dtb, va, &pa))
		fg_die(fg_where(), "write to unmapped virtual address 0x%llx", (unsigned long long)va);
	return fg_phys_page(m, pa >> LD_PAGE_SHIFT, true) + (pa & (LD_PAGE_SIZE - 1));
}

void fg_write_in(struct fg_machine *m, uint64_t dtb, uint64_t va, const void *data, size_t len)
{
	const uint8_t *src = data;
	while (len) {
		size_t room = LD_PAGE_SIZE - (va & (LD_PAGE_SIZE - 1));
		size_t n = len < room ? len : room;
		memcpy(page_for_write(m, dtb, va), src, n);
		va += n; src += n; len -= n;
	}
}

void fg_write(struct fg_machine *m, uint64_t va, const void *data, size_t len)
{
	fg_write_in(m, m->dtb, va, data, len);
}

void fg_read_in(struct fg_machine *m, uint64_t dtb, uint64_t va, void *data, size_t len)
{
	uint8_t *dst = data;
	while (len) {
		size_t room = LD_PAGE_SIZE - (va & (LD_PAGE_SIZE - 1));
		size_t n = len < room ? len : room;
		uint64_t pa;
		if (!fg_try_virt_to_phys_in(m, dtb, va, &pa))
			fg_die(fg_where(), "read of unmapped virtual address 0x%llx", (unsigned long long)va);
		const uint8_t *page = fg_phys_page(m, pa >> LD_PAGE_SHIFT, false);
		if (page)
			memcpy(dst, page + (pa & (LD_PAGE_SIZE - 1)), n);
		else
			memset(dst, 0, n);   /* a reserved large-page frame never written */
		va += n; dst += n; len -= n;
	}
}

void fg_read(struct fg_machine *m, uint64_t va, void *data, size_t len)
{
	fg_read_in(m, m->dtb, va, data, len);
}

void fg_write_ptr(struct fg_machine *m, uint64_t va, uint64_t value)
{
	uint8_t b[8];
	ld_put_le64(b, value);
	fg_write(m, va, b, ld_arch_ptr_size(m->arch));
}

/* ---- software PTEs ---- */

/* The 4 KiB leaf entry of a valid mapping. */
uint64_t fg_pte_of(struct fg_machine *m, uint64_t va, uint64_t *pte_pa)
{
	uint64_t pa, epa;
	unsigned lvl;
	size_t n;
	(void)levels_of(m, &n);
	enum walk_result w = walk(m, m->dtb, va, &pa, &epa, &lvl);
	if (w != WALK_OK)
		fg_die(fg_where(), "0x%llx is not a valid mapping", (unsigned long long)va);
	if (lvl + 1 != n)
		fg_die(fg_where(), "0x%llx is in a large page: no PTE of its own", (unsigned long long)va);
	*pte_pa = epa;
	return phys_entry(m, epa);
}

void fg_make_transition(struct fg_machine *m, uint64_t va)
{
	uint64_t epa, pte = fg_pte_of(m, va, &epa);
	phys_set_entry(m, epa, (pte & pfn_mask(m)) | PTE_TRANS | (MM_READWRITE << 5));
}

void fg_make_pagefile(struct fg_machine *m, uint64_t va, uint32_t file, uint64_t offset)
{
	uint64_t epa;
	(void)fg_pte_of(m, va, &epa);
	if (!offset || file > 15)
		fg_die(fg_where(), "pagefile PTE needs offset > 0 and file 0..15");
	uint64_t v = MM_READWRITE << 5;
	if (m->arch == LD_ARCH_X86) {
		if (offset > 0xFFFFF)
			fg_die(fg_where(), "pagefile offset 0x%llx too big for x86", (unsigned long long)offset);
		v |= (offset << 12) | ((uint64_t)file << 1);
	} else if (m->arch == LD_ARCH_X64 && m->build >= 17134) {
		/* 1803+: PageFileLow in bits 12-15; SwizzleBit (4) set = not swizzled. */
		v |= (offset << 32) | ((uint64_t)file << 12) | (1ull << 4);
	} else {
		v |= (offset << 32) | ((uint64_t)file << 1);
	}
	phys_set_entry(m, epa, v);
}

/* `pageout`: a seeded share of the paged pool's pages goes to the pagefile
 * or to the transition lists, as memory pressure would leave it. */
static void apply_pageout(struct fg_machine *m)
{
	struct fg_core *c = fg_core(m);
	if (!c->pageout_pct && !c->transition_pct)
		return;
	for (uint64_t va = c->paged.base; va < c->paged.cursor; va += LD_PAGE_SIZE) {
		uint64_t pa, r = fg_random(m) % 100;
		if (!fg_try_virt_to_phys(m, va, &pa))
			continue;
		if (r < c->pageout_pct)
			fg_make_pagefile(m, va, 0, 1 + fg_random(m) % 0xFFFFF);
		else if (r < c->pageout_pct + c->transition_pct)
			fg_make_transition(m, va);
	}
}

void fg_paging_apply_edits(struct fg_machine *m)
{
	struct fg_core *c = fg_core(m);
	apply_pageout(m);
	for (size_t i = 0; i < c->nedits; i++) {
		const struct fg_pte_edit *e = &c->edits[i];
		uint64_t pa;
		if (!fg_try_virt_to_phys(m, e->va, &pa))
			fg_die(e->where, "0x%llx is not mapped", (unsigned long long)e->va);
		if (e->kind == FG_EDIT_TRANSITION)
			fg_make_transition(m, e->va);
		else
			fg_make_pagefile(m, e->va, e->file, e->offset);
	}
}

/* ---- directives ---- */

static void need_ready(struct fg_machine *m, const char *where)
{
	if (!m->ready)
		fg_die(where, "memory directive before the machine was set up");
}

/* Words that are not key=value. */
static int positional(int argc, char **argv)
{
	int n = 0;
	for (int i = 0; i < argc; i++)
		n += strchr(argv[i], '=') == NULL;
	return n;
}

/* The address space a directive names: dtb=ADDR, pid=N (the process's
 * Pcb.DirectoryTableBase), or the kernel's. */
static uint64_t space_of(struct fg_machine *m, int argc, char **argv, const char *where)
{
	const char *dtb = fg_arg(argc, argv, "dtb");
	if (dtb)
		return fg_parse_u64_or_die(where, "dtb", dtb);
	const char *space = fg_arg(argc, argv, "space");
	if (space) {
		uint64_t i = fg_parse_u64_or_die(where, "space", space);
		if (i >= fg_core(m)->nspaces)
			fg_die(where, "no address space %s (see `addrspace`)", space);
		return fg_core(m)->spaces[i];
	}
	const char *pid = fg_arg(argc, argv, "pid");
	if (!pid)
		return m->dtb;
	uint64_t ep = fg_process_by_pid ? fg_process_by_pid(m, fg_parse_u64_or_die(where, "pid", pid)) : 0;
	if (!ep)
		fg_die(where, "no process with pid %s", pid);
	uint8_t b[8] = { 0 };
	fg_read(m, ep + fg_offset(m, "_EPROCESS", "Pcb.DirectoryTableBase"), b, ld_arch_ptr_size(m->arch));
	return ld_le64(b) & ~(uint64_t)(m->arch == LD_ARCH_X86_PAE ? 0x1F : 0xFFF);
}

int fg_dir_largepage(struct fg_machine *m, int argc, char **argv, const char *where)
{
	need_ready(m, where);
	if (argc != 3)
		fg_die(where, "usage: largepage VA SIZE");
	uint64_t va = fg_parse_va(m, where, argv[1]);
	uint64_t size = fg_parse_u64_or_die(where, "SIZE", argv[2]);
	if (!size || (size & (size - 1)))
		fg_die(where, "large page size must be a power of two");
	uint64_t n = size >> LD_PAGE_SHIFT;
	fg_map_large(m, va, fg_phys_alloc_run(m, n, n), size);
	return 0;
}

int fg_dir_addrspace(struct fg_machine *m, int argc, char **argv, const char *where)
{
	need_ready(m, where);
	if (argc != 1)
		fg_die(where, "usage: addrspace");
	(void)fg_address_space_new(m);
	return 0;
}

int fg_dir_map(struct fg_machine *m, int argc, char **argv, const char *where)
{
	need_ready(m, where);
	if (positional(argc, argv) != 3)
		fg_die(where, "usage: map VA SIZE [pid=N|space=N|dtb=ADDR]");
	fg_map_range_in(m, space_of(m, argc, argv, where), fg_parse_va(m, where, argv[1]),
			fg_parse_u64_or_die(where, "SIZE", argv[2]));
	return 0;
}

static size_t hex_bytes(const char *where, const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;
	for (; s[0]; s += 2) {
		char pair[3] = { s[0], s[1], 0 };
		char *end;
		if (!s[1] || n == cap)
			fg_die(where, "hex= wants an even number of hex digits (at most %zu bytes)", cap);
		unsigned long v = strtoul(pair, &end, 16);
		if (*end)
			fg_die(where, "bad hex digits '%s'", pair);
		out[n++] = (uint8_t)v;
	}
	return n;
}

int fg_dir_write(struct fg_machine *m, int argc, char **argv, const char *where)
{
	need_ready(m, where);
	if (positional(argc, argv) != 2)
		fg_die(where, "usage: write VA u8=|u16=|u32=|u64=|ptr=N | ascii=TEXT | hex=BYTES [pid=N|space=N|dtb=ADDR]");
	uint64_t va = fg_parse_va(m, where, argv[1]);
	uint64_t dtb = space_of(m, argc, argv, where);
	static const struct { const char *key; size_t size; } ints[] = {
		{ "u8", 1 }, { "u16", 2 }, { "u32", 4 }, { "u64", 8 }, { "ptr", 0 },
	};
	for (size_t i = 0; i < LD_ARRAY_SIZE(ints); i++) {
		const char *v = fg_arg(argc, argv, ints[i].key);
		if (!v)
			continue;
		uint8_t b[8];
		ld_put_le64(b, fg_parse_u64_or_die(where, ints[i].key, v));
		fg_write_in(m, dtb, va, b, ints[i].size ? ints[i].size : ld_arch_ptr_size(m->arch));
		return 0;
	}
	const char *text = fg_arg(argc, argv, "ascii");
	if (text) {
		fg_write_in(m, dtb, va, text, strlen(text));
		return 0;
	}
	const char *hex = fg_arg(argc, argv, "hex");
	if (!hex)
		fg_die(where, "write: say what (u8= u16= u32= u64= ptr= ascii= hex=)");
	uint8_t buf[512];
	fg_write_in(m, dtb, va, buf, hex_bytes(where, hex, buf, sizeof(buf)));
	return 0;
}

static void add_edit(struct fg_machine *m, enum fg_pte_edit_kind kind, uint64_t va, uint32_t file,
		     uint64_t offset, const char *where)
{
	struct fg_core *c = fg_core(m);
	FG_GROW(c->edits, c->nedits, c->capedits);
	struct fg_pte_edit *e = &c->edits[c->nedits++];
	*e = (struct fg_pte_edit){ kind, va, file, offset, "" };
	snprintf(e->where, sizeof(e->where), "%s", where);
}

int fg_dir_pageout(struct fg_machine *m, int argc, char **argv, const char *where)
{
	need_ready(m, where);
	struct fg_core *c = fg_core(m);
	c->pageout_pct = fg_arg_u64(argc, argv, "paged", 0);
	c->transition_pct = fg_arg_u64(argc, argv, "transition", 0);
	if (argc < 2 || positional(argc, argv) != 1 || c->pageout_pct + c->transition_pct > 100)
		fg_die(where, "usage: pageout paged=PERCENT [transition=PERCENT] (together at most 100)");
	return 0;
}

int fg_dir_transition(struct fg_machine *m, int argc, char **argv, const char *where)
{
	need_ready(m, where);
	if (argc != 2)
		fg_die(where, "usage: transition VA");
	add_edit(m, FG_EDIT_TRANSITION, fg_parse_va(m, where, argv[1]), 0, 0, where);
	return 0;
}

int fg_dir_pagefile(struct fg_machine *m, int argc, char **argv, const char *where)
{
	need_ready(m, where);
	if (argc < 2)
		fg_die(where, "usage: pagefile VA [file=N] [offset=PAGES]");
	uint64_t va = fg_parse_va(m, where, argv[1]);
	uint64_t file = fg_arg_u64(argc, argv, "file", 0);
	uint64_t offset = fg_arg_u64(argc, argv, "offset", 0);
	if (!offset)
		offset = 1 + fg_random(m) % 0xFFFF;
	if (file > 15)
		fg_die(where, "pagefile number must be 0..15");
	add_edit(m, FG_EDIT_PAGEFILE, va, (uint32_t)file, offset, where);
	return 0;
}
