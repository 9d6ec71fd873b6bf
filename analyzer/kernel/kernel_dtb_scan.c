/*
 * kernel_dtb_scan.c — finding the kernel's directory table base in memory
 * that has no header to say it (raw images, cores without CPU notes).
 * DUMP-FORMATS.md §4.4.
 *
 * Candidates come from patterns every Windows kernel leaves:
 *  - x64: the PROCESSOR_START_BLOCK low stub below 1 MiB, which records the
 *    kernel CR3; else a PML4 with exactly one entry in the kernel half that
 *    points back at the PML4 itself (the self-map, index 0x1ED before
 *    Windows 10 1607, randomized in 0x100-0x1FF since);
 *  - PAE: a PDPT whose fourth page directory maps itself at index 3
 *    (PDE_BASE 0xC0600000) and the other three directories at 0-2;
 *  - x86: a page directory whose entry 0x300 (0xC0000000) maps itself.
 * A candidate is accepted when the address space it defines maps a
 * plausible KUSER_SHARED_DATA, so random data that looks like a table does
 * not win. When no candidate validates (that page paged out or missing from
 * the image), the first structurally sound one is used, with a warning.
 */
#include "kernel-priv.h"

#include <inttypes.h>
#include <string.h>

/* Stop after this many pages (64 GiB): a larger raw image still opens,
 * with a warning, instead of scanning for minutes. */
#define DTB_SCAN_MAX_PAGES (16ull << 20)
/* Validating opens an address space; cap the attempts per scan. */
#define DTB_MAX_VALIDATIONS 256

struct dtb_scan {
	struct ld_kernel *k;
	enum ld_arch hint;
	unsigned validations;
	enum ld_arch found_arch;
	uint64_t found_dtb;
	int self_map_index;
	/* The first candidate that did not validate, kept as a fallback. */
	bool has_weak;
	enum ld_arch weak_arch;
	uint64_t weak_dtb;
	int weak_index;
};

bool ld_kernel_dtb_validates(struct ld_source *src, enum ld_arch arch, uint64_t dtb)
{
	struct ld_vas *vas;
	uint8_t ver[8];

	if (ld_vas_open(src, arch, dtb, NULL, &vas) != LD_OK)
		return false;
	ld_status st = ld_vas_read(vas, ld_kernel_shared_data_va(arch) + 0x26c, ver, sizeof ver);
	ld_vas_close(vas);
	if (st != LD_OK)
		return false;
	uint32_t major = ld_le32(ver), minor = ld_le32(ver + 4);
	return major >= 5 && major <= 10 && minor <= 4;
}

static bool try_candidate(struct dtb_scan *s, enum ld_arch arch, uint64_t dtb, int self_index)
{
	if (s->validations >= DTB_MAX_VALIDATIONS)
		return false;
	s->validations++;
	if (!ld_kernel_dtb_validates(ld_kernel_source(s->k), arch, dtb)) {
		if (!s->has_weak) {
			s->has_weak = true;
			s->weak_arch = arch;
			s->weak_dtb = dtb;
			s->weak_index = self_index;
		}
		return false;
	}
	s->found_arch = arch;
	s->found_dtb = dtb;
	s->self_map_index = self_index;
	return true;
}

static bool hint_allows(const struct dtb_scan *s, enum ld_arch arch)
{
	if (s->hint == LD_ARCH_UNKNOWN)
		return true;
	/* A 32-bit container cannot tell PAE from non-PAE without CR4. */
	if (s->hint == LD_ARCH_X86 || s->hint == LD_ARCH_X86_PAE)
		return arch == LD_ARCH_X86 || arch == LD_ARCH_X86_PAE;
	return arch == s->hint;
}

static bool check_low_stub(struct dtb_scan *s, const uint8_t *p)
{
	if ((ld_le64(p) & 0xffffffffffff00ffull) != 0x00000001000600e9ull)
		return false;
	if ((ld_le64(p + 0x70) & 0xfffff80000000003ull) != 0xfffff80000000000ull)
		return false;
	uint64_t pml4 = ld_le64(p + 0xa0);
	if (pml4 == 0 || (pml4 & 0xffffff0000000fffull) != 0)
		return false;
	return try_candidate(s, LD_ARCH_X64, pml4, -1);
}

static bool check_x64_self_map(struct dtb_scan *s, const uint8_t *p, uint64_t pa)
{
	int self = -1;
	for (int i = 0x100; i < 0x200; i++) {
		uint64_t e = ld_le64(p + 8 * i);
		if ((e & 1) && (e & 0x000ffffffffff000ull) == pa) {
			if (self >= 0)
				return false;   /* two self-maps: not a PML4 */
			self = i;
		}
	}
	return self >= 0 && try_candidate(s, LD_ARCH_X64, pa, self);
}

static bool check_x86_self_map(struct dtb_scan *s, const uint8_t *p, uint64_t pa)
{
	if (pa > 0xfffff000ull || (ld_le32(p + 0xc00) & 0xfffff003u) != (pa | 3))
		return false;
	return try_candidate(s, LD_ARCH_X86, pa, 0x300);
}

/* A PDPT entry: present, reserved bits (1, 2, 5-8, 36-63) clear. */
static bool pdpte_plausible(uint64_t e)
{
	return (e & 1) && !(e & 0x1e6ull) && !(e >> 36) && (e & ~0xfffull);
}

static bool pae_directories_match(struct dtb_scan *s, const uint8_t *pdpt)
{
	uint8_t pd3[32];
	uint64_t pd3_pa = ld_le64(pdpt + 24) & 0xffffff000ull;
	if (ld_source_read(ld_kernel_source(s->k), pd3_pa, pd3, sizeof pd3) != LD_OK)
		return false;
	for (int i = 0; i < 4; i++) {
		uint64_t want = ld_le64(pdpt + 8 * i) & 0xffffff000ull;
		uint64_t e = ld_le64(pd3 + 8 * i);
		if (!(e & 1) || (e & 0xffffff000ull) != want)
			return false;
	}
	return true;
}

static bool check_pae(struct dtb_scan *s, const uint8_t *p, uint64_t pa)
{
	if (pa > 0xffffffffull)
		return false;   /* CR3 is 32 bits wide in PAE mode */
	for (unsigned off = 0; off < LD_PAGE_SIZE; off += 32) {
		const uint8_t *q = p + off;
		if (!pdpte_plausible(ld_le64(q)) || !pdpte_plausible(ld_le64(q + 8)) ||
		    !pdpte_plausible(ld_le64(q + 16)) || !pdpte_plausible(ld_le64(q + 24)))
			continue;
		if (pae_directories_match(s, q) && try_candidate(s, LD_ARCH_X86_PAE, pa + off, 3))
			return true;
	}
	return false;
}

static bool check_page(struct dtb_scan *s, const uint8_t *p, uint64_t pa)
{
	if (hint_allows(s, LD_ARCH_X64) && pa < 0xa0000 && pa >= 0x1000 && check_low_stub(s, p))
		return true;
	if (hint_allows(s, LD_ARCH_X64) && check_x64_self_map(s, p, pa))
		return true;
	if (hint_allows(s, LD_ARCH_X86_PAE) && check_pae(s, p, pa))
		return true;
	return hint_allows(s, LD_ARCH_X86) && check_x86_self_map(s, p, pa);
}

static ld_status scan(struct dtb_scan *s)
{
	struct ld_source *src = ld_kernel_source(s->k);
	uint8_t page[LD_PAGE_SIZE];
	uint64_t from = 0, start, end, scanned = 0;

	while (ld_source_next_range(src, from, &start, &end) == LD_OK) {
		start = (start + LD_PAGE_SIZE - 1) & ~(uint64_t)(LD_PAGE_SIZE - 1);
		for (uint64_t pa = start; pa + LD_PAGE_SIZE <= end; pa += LD_PAGE_SIZE) {
			if (ld_check_interrupt())
				return ld_fail(LD_ERR_INTERRUPTED, "DTB scan interrupted at PA 0x%" PRIx64, pa);
			if (++scanned > DTB_SCAN_MAX_PAGES)
				return ld_fail(LD_ERR_LIMIT, "DTB scan gave up after %llu pages; "
					       "use --dtb", (unsigned long long)DTB_SCAN_MAX_PAGES);
			if (ld_source_read(src, pa, page, sizeof page) != LD_OK)
				continue;
			if (check_page(s, page, pa))
				return LD_OK;
		}
		if (end <= from)
			break;
		from = end;
	}
	return ld_fail(LD_ERR_NOT_FOUND, "no page tables that map the Windows kernel were found "
		       "(scanned %llu pages); use --dtb", (unsigned long long)scanned);
}

ld_status ld_kernel_find_dtb(struct ld_kernel *k, enum ld_arch arch_hint)
{
	struct dtb_scan s = { .k = k, .hint = arch_hint, .self_map_index = -1 };

	if (arch_hint == LD_ARCH_OTHER)
		return ld_fail(LD_ERR_UNSUPPORTED, "no DTB discovery for this architecture");
	/* --dtb without a paging mode: try the given table under each mode. */
	if (k->opts.has_dtb) {
		static const enum ld_arch order[] = { LD_ARCH_X64, LD_ARCH_X86_PAE, LD_ARCH_X86 };
		for (size_t i = 0; i < LD_ARRAY_SIZE(order); i++)
			if (hint_allows(&s, order[i]) && try_candidate(&s, order[i], k->opts.dtb, -1))
				goto found;
		return ld_fail(LD_ERR_NOT_FOUND, "--dtb 0x%" PRIx64 " does not map the kernel under "
			       "any paging mode", k->opts.dtb);
	}
	ld_status st = scan(&s);
	if (st == LD_ERR_NOT_FOUND && s.has_weak) {
		ld_warn("using the %s page tables at 0x%" PRIx64 " although KUSER_SHARED_DATA "
			"could not be read through them", ld_arch_name(s.weak_arch), s.weak_dtb);
		s.found_arch = s.weak_arch;
		s.found_dtb = s.weak_dtb;
		s.self_map_index = s.weak_index;
		st = LD_OK;
	}
	if (st != LD_OK)
		return st;
found:
	k->info.arch = s.found_arch;
	k->info.dtb = s.found_dtb;
	k->info.dtb_from = k->opts.has_dtb ? LD_FACT_USER : LD_FACT_SCAN;
	k->self_map_index = s.self_map_index;
	return LD_OK;
}
