/*
 * dump_summary.c — DumpType 2: the old kernel summary dump (SUMMARY_DUMP32/64).
 *
 * Like the bitmap layout but with 32-bit fields: HeaderSize (absolute offset
 * of the first page), BitmapSize (bits) and Pages (set bits); the bitmap
 * starts at +0x20 (32-bit) or +0x28 (64-bit) of the secondary header.
 */
#include "dump-priv.h"

#define SIG_SDMP 0x504D4453u
#define SUM_HDR 0x28u

ld_status ld_dump_summary_open(struct ld_source *src, const struct ld_dump_hdr *h)
{
	uint8_t b[SUM_HDR];
	src->meta.layout = "summary";
	if (h->file_size < (uint64_t)h->size + SUM_HDR)
		return ld_fail(LD_ERR_FORMAT, "summary dump: truncated before its header at 0x%x", h->size);
	ld_status st = ld_file_read(src->file, h->size, b, sizeof(b));
	if (st)
		return st;
	if (ld_le32(b) != SIG_SDMP || ld_le32(b + 4) != LD_DUMP_SIG_DUMP)
		return ld_fail(LD_ERR_FORMAT,
			       "summary dump: secondary header signature 0x%08x 0x%08x is not SDMP DUMP",
			       ld_le32(b), ld_le32(b + 4));
	uint32_t first = ld_le32(b + 0x0c), nbits = ld_le32(b + 0x10), present = ld_le32(b + 0x14);
	uint32_t bits_at = h->size + (h->is64 ? 0x28u : 0x20u);
	if (first < bits_at)
		return ld_fail(LD_ERR_FORMAT, "summary dump: HeaderSize 0x%x lies inside the headers", first);
	if ((uint64_t)bits_at + ((uint64_t)nbits + 7) / 8 > first)
		return ld_fail(LD_ERR_FORMAT, "summary dump: bitmap of %u bits overlaps the pages at 0x%x",
			       nbits, first);
	return ld_pagemap_load_bitmap(&src->map, src->file, bits_at, nbits, first, present,
				      "summary dump");
}
