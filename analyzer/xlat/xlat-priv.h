/*
 * xlat-priv.h — the insides of an address space (see xlat.h).
 *
 * A translation first looks in a small direct-mapped TLB; on a miss the
 * hardware walk runs in libaddrxlat (xlat_addrxlat.c) with page-table pages
 * read through a small cache of physical pages; a walk that ends at a
 * not-present entry hands the entry to the Windows software-PTE decoder
 * (xlat_windows_pte.c).
 */
#ifndef LPCDUMP_XLAT_PRIV_H
#define LPCDUMP_XLAT_PRIV_H

#include "xlat.h"

#include <libkdumpfile/addrxlat.h>

/* 4096 TLB entries cover 16 MiB of 4 KiB pages: enough for the kernel
 * structures one analysis touches (processes, threads, ports) to stay hot,
 * and at 32 bytes an entry small enough (128 KiB) to keep memory flat. */
#define LD_TLB_BITS 12
#define LD_TLB_SIZE (1u << LD_TLB_BITS)

/* Page-table pages: a walk touches at most four and kernel walks share the
 * upper levels; 256 cached pages (1 MiB, calloc'd so untouched slots cost no
 * RSS) hold the tables of 512 MiB of 4 KiB-mapped kernel memory, which took
 * random translations over 64 MiB from 650 to 250 ns (tests/bench). */
#define LD_PTC_SIZE 256

struct ld_tlb_entry {
	uint64_t vpage;          /* va >> 12, plus one so that zero means empty */
	uint64_t pa_page;        /* physical address of the 4 KiB page */
	uint64_t entry;          /* the final entry's raw value */
	uint8_t kind;            /* enum ld_pte_kind */
	uint8_t level;
	uint8_t page_shift;      /* log2 of the mapping's page size */
};

/* A cached page-table page. libaddrxlat keeps the buffers it is handed
 * until it calls put_page, so a slot lent to it is pinned and never refilled
 * meanwhile; when the slot a page needs is pinned by another page, the page
 * is lent as a heap copy instead (heap = true, freed by put_page). */
struct ld_ptc_entry {
	uint64_t pa_page;        /* plus one so that zero means empty */
	unsigned pins;
	bool heap;
	uint8_t data[LD_PAGE_SIZE];
};

struct ld_vas {
	struct ld_source *src;
	enum ld_arch arch;
	uint64_t dtb;
	struct ld_vas_opts opts;

	addrxlat_ctx_t *ctx;
	addrxlat_cb_t *cb;
	addrxlat_meth_t meth;
	/* The status of the last physical read our callback failed, so that a
	 * missing page-table page is reported as such and not as "invalid". */
	ld_status read_status;
	uint64_t read_fail_pa;

	struct ld_tlb_entry *tlb;        /* LD_TLB_SIZE entries */
	struct ld_ptc_entry *ptc;        /* LD_PTC_SIZE entries */
};

/* xlat_addrxlat.c: the libaddrxlat context and the hardware walk. */
ld_status ld_xlat_hw_init(struct ld_vas *vas);
void ld_xlat_hw_fini(struct ld_vas *vas);
ld_status ld_xlat_hw_walk(struct ld_vas *vas, uint64_t va, struct ld_xlat_result *res);

/* xlat_windows_pte.c: a not-present entry seen as a Windows software PTE.
 * Fills res->kind (TRANSITION with res->pa set, or why it is unavailable)
 * and returns LD_OK for a transition PTE, else LD_ERR_PAGED_OUT /
 * LD_ERR_UNMAPPED with the reason in the message. */
ld_status ld_pte_decode_software(enum ld_arch arch, const struct ld_vas_opts *opts,
				 uint64_t va, uint64_t entry, unsigned level,
				 struct ld_xlat_result *res);
/* The physical page a transition entry names. */
uint64_t ld_pte_transition_pa(enum ld_arch arch, uint64_t entry);

/* xlat_tlb.c */
bool ld_tlb_lookup(const struct ld_vas *vas, uint64_t va, struct ld_xlat_result *res);
void ld_tlb_insert(struct ld_vas *vas, uint64_t va, const struct ld_xlat_result *res);
void ld_tlb_flush(struct ld_vas *vas);

#endif
