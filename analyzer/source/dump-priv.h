/*
 * dump-priv.h — the Windows crash-dump family (PAGEDUMP / PAGEDU64).
 *
 * dump_header.c reads the top header into the source's meta and hands the
 * page layout to the reader of the DumpType (dump_full.c, dump_bitmap.c,
 * dump_summary.c, dump_rdmp.c, dump_triage.c), which fills the page map.
 * Offsets: ../shared/reference/DUMP-FORMATS.md §2.
 */
#ifndef LPCDUMP_DUMP_PRIV_H
#define LPCDUMP_DUMP_PRIV_H

#include "source-priv.h"

#define LD_DUMP_SIG_PAGE 0x45474150u     /* "PAGE", also the fill of unused bytes */
#define LD_DUMP_SIG_DUMP 0x504D5544u     /* "DUMP" */
#define LD_DUMP_SIG_DU64 0x34365544u     /* "DU64" */
#define LD_DUMP_HDR32 0x1000u
#define LD_DUMP_HDR64 0x2000u
#define LD_DUMP_FILL64 0x4547415045474150ull

/* The top header, read whole (it is at most 8 KiB). */
struct ld_dump_hdr {
	bool is64;
	uint32_t size;                  /* 0x1000 or 0x2000: where the layout's data starts */
	uint8_t raw[LD_DUMP_HDR64];
	uint64_t file_size;
};

/* A 32-bit or pointer-width field of the top header; `PAGE` fill reads as 0. */
uint32_t ld_dump_u32(const struct ld_dump_hdr *h, uint32_t off);
uint64_t ld_dump_ptr(const struct ld_dump_hdr *h, uint32_t off32, uint32_t off64);
uint64_t ld_dump_u64(const struct ld_dump_hdr *h, uint32_t off);

/* The layouts: each fills src->map and src->meta.layout. */
ld_status ld_dump_full_open(struct ld_source *src, const struct ld_dump_hdr *h);
ld_status ld_dump_bitmap_open(struct ld_source *src, const struct ld_dump_hdr *h);
ld_status ld_dump_summary_open(struct ld_source *src, const struct ld_dump_hdr *h);
ld_status ld_dump_rdmp_open(struct ld_source *src, const struct ld_dump_hdr *h);
ld_status ld_dump_triage_open(struct ld_source *src, const struct ld_dump_hdr *h);

#endif
