/*
 * xlat.h — virtual to physical translation for one address space.
 *
 * The hardware walk (x86, PAE, x64; 4 KiB, 2/4 MiB and 1 GiB pages) is done by
 * libaddrxlat, reading page tables through our physical source. Entries that
 * are not valid are examined as Windows software PTEs: a transition PTE still
 * names a physical page and resolves; pagefile, prototype, demand-zero and
 * zero entries do not, and the status says why (LD_ERR_PAGED_OUT with
 * "pagefile"/"prototype"/"demand-zero" in the message, LD_ERR_UNMAPPED).
 *
 * Every read returns a status the caller must handle; partial reads are never
 * silently zero-filled.
 */
#ifndef LPCDUMP_XLAT_H
#define LPCDUMP_XLAT_H

#include "../base/base.h"
#include "../source/source.h"

struct ld_vas;

/* How a virtual address resolved (or why it did not). */
enum ld_pte_kind {
	LD_PTE_VALID,        /* hardware-valid mapping */
	LD_PTE_LARGE,        /* valid large page (2/4 MiB or 1 GiB) */
	LD_PTE_TRANSITION,   /* not valid, page still in RAM: resolved */
	LD_PTE_PAGEFILE,     /* in a paging file: unavailable */
	LD_PTE_PROTOTYPE,    /* shared/prototype PTE: unavailable here */
	LD_PTE_DEMAND_ZERO,  /* would read as zeros once touched */
	LD_PTE_NONE,         /* zero / no mapping at some level */
	LD_PTE_BAD,          /* the walk hit a page table outside the dump or malformed */
};

struct ld_xlat_result {
	uint64_t pa;                 /* valid when kind is VALID/LARGE/TRANSITION */
	enum ld_pte_kind kind;
	unsigned level;              /* page-table level of the final entry (1 = PTE) */
	uint64_t entry;              /* the final entry's raw value */
	uint64_t page_size;          /* 4096, 2/4 MiB or 1 GiB */
};

/* software_bits: build-specific details for software PTEs (0 = defaults). */
struct ld_vas_opts {
	uint32_t build;              /* affects the pagefile-number bits (17134+) */
	uint64_t invalid_pte_mask;   /* swizzling mask if known, else 0 */
};

ld_status ld_vas_open(struct ld_source *src, enum ld_arch arch, uint64_t dtb,
		      const struct ld_vas_opts *opts, struct ld_vas **out);
void ld_vas_close(struct ld_vas *vas);
enum ld_arch ld_vas_arch(const struct ld_vas *vas);
uint64_t ld_vas_dtb(const struct ld_vas *vas);
struct ld_source *ld_vas_source(const struct ld_vas *vas);

/* Translate one address. Returns LD_OK (pa usable), LD_ERR_UNMAPPED,
 * LD_ERR_PAGED_OUT or LD_ERR_NOT_PRESENT (page table page missing from dump);
 * res (optional) always says what was found. */
ld_status ld_vas_translate(struct ld_vas *vas, uint64_t va, struct ld_xlat_result *res);
/* Read virtual bytes, crossing pages as needed; fails on the first unavailable page. */
ld_status ld_vas_read(struct ld_vas *vas, uint64_t va, void *buf, size_t len);
/* A second address space over the same source (a process's DTB). */
ld_status ld_vas_clone_dtb(const struct ld_vas *vas, uint64_t dtb, struct ld_vas **out);
const char *ld_pte_kind_name(enum ld_pte_kind k);
/* Forget cached translations and page-table pages (live targets: memory changed). */
void ld_vas_flush(struct ld_vas *vas);
/* Replace the software-PTE details (the build becomes known after the
 * address space is needed to find it). */
void ld_vas_set_opts(struct ld_vas *vas, const struct ld_vas_opts *opts);

#endif
