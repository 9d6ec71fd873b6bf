/*
 * xlat_windows_pte.c — what Windows keeps in a page-table entry whose Valid
 * bit is clear (DUMP-FORMATS.md §5).
 *
 * Only a transition entry still names a page in RAM (on the standby or
 * modified list) and resolves; every other kind says where the data went,
 * which is what the user needs to know ("unavailable (pagefile)"), and is
 * never turned into invented bytes. Bit positions:
 *
 *   all:   Valid 0, Protection 5-9, Prototype 10, Transition 11
 *   x86:   PageFileLow 1-4, PageFileHigh 12-31
 *   PAE:   PageFileLow 1-4, PageFileHigh 32-63
 *   x64:   PageFileLow 1-4 (12-15 from build 17134), SwizzleBit 4 (Win10),
 *          PageFileHigh 32-63
 */
#include "xlat-priv.h"

#include <inttypes.h>

#define PTE_PROTOTYPE (1ull << 10)
#define PTE_TRANSITION (1ull << 11)
#define PTE_PROTECTION(e) (((e) >> 5) & 0x1f)

/* Builds from 17134 (1803) moved the x64 page-file number to bits 12-15. */
#define BUILD_PAGEFILE_HIGH_BITS 17134
/* Windows 11 22H2 marks file-backed entries with a pattern in the top bits. */
#define BUILD_FILE_BACKED_PATTERN 22621
/* The page-file number Windows gives the memory-compression store. */
#define VIRTUAL_STORE_PAGEFILE 2

uint64_t ld_pte_transition_pa(enum ld_arch arch, uint64_t entry)
{
	switch (arch) {
	case LD_ARCH_X86:
		return entry & 0xfffff000ull;
	case LD_ARCH_X86_PAE:
		return entry & 0x3ffffff000ull;
	default:
		/* Newer x64 builds set bit 45 in transition entries; no machine has
		 * 32 TiB of RAM, so clearing it is right on every build. */
		return entry & 0x0000dffffffff000ull;
	}
}

static uint64_t pagefile_offset(enum ld_arch arch, const struct ld_vas_opts *opts, uint64_t e)
{
	if (arch == LD_ARCH_X86)
		return e >> 12;
	uint64_t high = e >> 32;
	/* Win10 swizzling: entries with SwizzleBit clear had the invalid-PTE
	 * mask XORed into their high half. */
	if (arch == LD_ARCH_X64 && opts && opts->invalid_pte_mask && !(e & (1ull << 4)))
		high ^= opts->invalid_pte_mask >> 32;
	return high;
}

static unsigned pagefile_number(enum ld_arch arch, const struct ld_vas_opts *opts, uint64_t e)
{
	if (arch == LD_ARCH_X64 && opts && opts->build >= BUILD_PAGEFILE_HIGH_BITS)
		return (unsigned)((e >> 12) & 0xf);
	return (unsigned)((e >> 1) & 0xf);
}

static ld_status unavailable(struct ld_xlat_result *res, enum ld_pte_kind kind, ld_status st)
{
	res->kind = kind;
	return st;
}

static ld_status decode_pagefile(enum ld_arch arch, const struct ld_vas_opts *opts, uint64_t va,
				 uint64_t e, struct ld_xlat_result *res)
{
	uint64_t off = pagefile_offset(arch, opts, e);
	if (off == 0) {
		if (PTE_PROTECTION(e) != 0) {
			unavailable(res, LD_PTE_DEMAND_ZERO, LD_ERR_PAGED_OUT);
			return ld_fail(LD_ERR_PAGED_OUT, "VA 0x%" PRIx64 ": demand-zero page "
				       "(never touched; entry 0x%" PRIx64 ")", va, e);
		}
		unavailable(res, LD_PTE_NONE, LD_ERR_UNMAPPED);
		return ld_fail(LD_ERR_UNMAPPED, "VA 0x%" PRIx64 ": no mapping (entry 0x%" PRIx64 ")",
			       va, e);
	}
	unsigned file = pagefile_number(arch, opts, e);
	unavailable(res, LD_PTE_PAGEFILE, LD_ERR_PAGED_OUT);
	if (arch == LD_ARCH_X64 && file == VIRTUAL_STORE_PAGEFILE && opts && opts->build >= 10240)
		return ld_fail(LD_ERR_PAGED_OUT, "VA 0x%" PRIx64 ": in the compressed store "
			       "(pagefile %u, page 0x%" PRIx64 ")", va, file, off);
	return ld_fail(LD_ERR_PAGED_OUT, "VA 0x%" PRIx64 ": in pagefile %u at page 0x%" PRIx64,
		       va, file, off);
}

static bool is_file_backed_pattern(enum ld_arch arch, const struct ld_vas_opts *opts, uint64_t e)
{
	return arch == LD_ARCH_X64 && opts && opts->build >= BUILD_FILE_BACKED_PATTERN &&
	       (e & 0xffff80000000000full) == 0xffff800000000000ull;
}

ld_status ld_pte_decode_software(enum ld_arch arch, const struct ld_vas_opts *opts,
				 uint64_t va, uint64_t e, unsigned level,
				 struct ld_xlat_result *res)
{
	res->entry = e;
	res->level = level;
	res->page_size = LD_PAGE_SIZE;
	res->pa = 0;
	if (e == 0) {
		unavailable(res, LD_PTE_NONE, LD_ERR_UNMAPPED);
		return ld_fail(LD_ERR_UNMAPPED, "VA 0x%" PRIx64 ": no mapping (level %u entry is zero)",
			       va, level);
	}
	if (is_file_backed_pattern(arch, opts, e) || (e & PTE_PROTOTYPE)) {
		unavailable(res, LD_PTE_PROTOTYPE, LD_ERR_PAGED_OUT);
		return ld_fail(LD_ERR_PAGED_OUT, "VA 0x%" PRIx64 ": prototype PTE "
			       "(shared or file-backed page; entry 0x%" PRIx64 ")", va, e);
	}
	if (e & PTE_TRANSITION) {
		res->kind = LD_PTE_TRANSITION;
		res->pa = ld_pte_transition_pa(arch, e) | (va & (LD_PAGE_SIZE - 1));
		return LD_OK;
	}
	return decode_pagefile(arch, opts, va, e, res);
}
