/*
 * xlat_vas.c — one virtual address space: open, translate, read (see xlat.h).
 */
#include "xlat-priv.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static bool arch_supported(enum ld_arch arch)
{
	return arch == LD_ARCH_X86 || arch == LD_ARCH_X86_PAE || arch == LD_ARCH_X64;
}

/* The top-level table's alignment: PAE's PDPT is 32-byte aligned, the
 * others are pages. x64 CR3 may carry a PCID in its low 12 bits. */
static uint64_t clean_dtb(enum ld_arch arch, uint64_t dtb)
{
	if (arch == LD_ARCH_X86_PAE)
		return dtb & 0xffffffffe0ull;
	if (arch == LD_ARCH_X86)
		return dtb & 0xfffff000ull;
	return dtb & 0x000ffffffffff000ull;
}

ld_status ld_vas_open(struct ld_source *src, enum ld_arch arch, uint64_t dtb,
		      const struct ld_vas_opts *opts, struct ld_vas **out)
{
	*out = NULL;
	if (!src)
		return ld_fail(LD_ERR_ARG, "address space: no physical source");
	if (!arch_supported(arch))
		return ld_fail(LD_ERR_UNSUPPORTED, "address space: architecture %s is not supported",
			       ld_arch_name(arch));
	struct ld_vas *vas = ld_xcalloc(1, sizeof *vas);
	if (!vas)
		return LD_ERR_NOMEM;
	vas->src = src;
	vas->arch = arch;
	vas->dtb = clean_dtb(arch, dtb);
	if (opts)
		vas->opts = *opts;
	vas->tlb = ld_xcalloc(LD_TLB_SIZE, sizeof *vas->tlb);
	vas->ptc = ld_xcalloc(LD_PTC_SIZE, sizeof *vas->ptc);
	ld_status st = vas->tlb && vas->ptc ? ld_xlat_hw_init(vas) : LD_ERR_NOMEM;
	if (st != LD_OK) {
		ld_vas_close(vas);
		return st;
	}
	*out = vas;
	return LD_OK;
}

void ld_vas_close(struct ld_vas *vas)
{
	if (!vas)
		return;
	ld_xlat_hw_fini(vas);
	free(vas->tlb);
	free(vas->ptc);
	free(vas);
}

enum ld_arch ld_vas_arch(const struct ld_vas *vas)
{
	return vas->arch;
}

uint64_t ld_vas_dtb(const struct ld_vas *vas)
{
	return vas->dtb;
}

struct ld_source *ld_vas_source(const struct ld_vas *vas)
{
	return vas->src;
}

ld_status ld_vas_clone_dtb(const struct ld_vas *vas, uint64_t dtb, struct ld_vas **out)
{
	return ld_vas_open(vas->src, vas->arch, dtb, &vas->opts, out);
}

/* libaddrxlat caches page-table buffers inside its context, so forgetting
 * them means a new context; the old one returns its pages on release. */
void ld_vas_flush(struct ld_vas *vas)
{
	if (!vas)
		return;
	ld_tlb_flush(vas);
	ld_xlat_hw_fini(vas);
	for (size_t i = 0; i < LD_PTC_SIZE; i++) {
		vas->ptc[i].pa_page = 0;
		vas->ptc[i].pins = 0;   /* nothing holds them once the context is gone */
	}
	if (ld_xlat_hw_init(vas) != LD_OK)
		ld_warn("address space: cannot recreate the translation context: %s", ld_errmsg());
}

void ld_vas_set_opts(struct ld_vas *vas, const struct ld_vas_opts *opts)
{
	if (vas && opts)
		vas->opts = *opts;
}

static bool va_in_range(enum ld_arch arch, uint64_t va)
{
	if (arch != LD_ARCH_X64)
		return va <= 0xffffffffull;
	return ld_arch_canonical(arch, va) == va;
}

/* 32-bit kernels' pointers often arrive sign-extended (KDBG, 64-bit
 * structures): 0xFFFFFFFF'8xxxxxxx is the 32-bit address 0x8xxxxxxx. */
static uint64_t normalize(enum ld_arch arch, uint64_t va)
{
	if (arch != LD_ARCH_X64 && (va >> 32) == 0xffffffffull && (va & 0x80000000ull))
		return va & 0xffffffffull;
	return va;
}

ld_status ld_vas_translate(struct ld_vas *vas, uint64_t va, struct ld_xlat_result *res)
{
	struct ld_xlat_result local;
	if (!res)
		res = &local;
	va = normalize(vas->arch, va);
	if (ld_tlb_lookup(vas, va, res))
		return LD_OK;
	if (!va_in_range(vas->arch, va)) {
		memset(res, 0, sizeof *res);
		res->kind = LD_PTE_NONE;
		return ld_fail(LD_ERR_UNMAPPED, "VA 0x%" PRIx64 ": not a canonical %s address", va,
			       ld_arch_name(vas->arch));
	}
	ld_status st = ld_xlat_hw_walk(vas, va, res);
	if (st == LD_OK)
		ld_tlb_insert(vas, va, res);
	return st;
}

ld_status ld_vas_read(struct ld_vas *vas, uint64_t va, void *buf, size_t len)
{
	uint8_t *out = buf;
	va = normalize(vas->arch, va);

	while (len > 0) {
		struct ld_xlat_result r;
		size_t in_page = LD_PAGE_SIZE - (size_t)(va & (LD_PAGE_SIZE - 1));
		size_t n = len < in_page ? len : in_page;
		ld_status st = ld_vas_translate(vas, va, &r);
		if (st != LD_OK)
			return st;
		st = ld_source_read(vas->src, r.pa, out, n);
		if (st != LD_OK)
			return ld_fail_ctx(st, "VA 0x%" PRIx64 " (PA 0x%" PRIx64 ")", va, r.pa);
		out += n;
		len -= n;
		va += n;
		if (vas->arch != LD_ARCH_X64 && va > 0xffffffffull && len > 0)
			return ld_fail(LD_ERR_UNMAPPED, "read runs past the end of the 32-bit address space");
	}
	return LD_OK;
}

const char *ld_pte_kind_name(enum ld_pte_kind k)
{
	switch (k) {
	case LD_PTE_VALID: return "valid";
	case LD_PTE_LARGE: return "large";
	case LD_PTE_TRANSITION: return "transition";
	case LD_PTE_PAGEFILE: return "pagefile";
	case LD_PTE_PROTOTYPE: return "prototype";
	case LD_PTE_DEMAND_ZERO: return "demand-zero";
	case LD_PTE_NONE: return "none";
	case LD_PTE_BAD: return "bad";
	}
	return "unknown";
}
