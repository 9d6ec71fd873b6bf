/*
 * dump_bitmap.c — DumpTypes 5 and 6: the SDMP/FDMP bitmap layout.
 *
 * A secondary header after the top header gives the file offset of the first
 * page, the number of present pages and the bitmap size in bits; bit i set
 * means PFN i is stored, in PFN order. Popcount and header must agree.
 */
#include "dump-priv.h"

#define SIG_SDMP 0x504D4453u
#define SIG_FDMP 0x504D4446u
#define BMP_HDR 0x38u

ld_status ld_dump_bitmap_open(struct ld_source *src, const struct ld_dump_hdr *h)
{
	uint8_t b[BMP_HDR];
	src->meta.layout = "bitmap";
	if (h->file_size < (uint64_t)h->size + BMP_HDR)
		return ld_fail(LD_ERR_FORMAT, "bitmap dump: truncated before its bitmap header at 0x%x",
			       h->size);
	ld_status st = ld_file_read(src->file, h->size, b, sizeof(b));
	if (st)
		return st;
	uint32_t sig = ld_le32(b), valid = ld_le32(b + 4);
	if ((sig != SIG_SDMP && sig != SIG_FDMP) || valid != LD_DUMP_SIG_DUMP)
		return ld_fail(LD_ERR_FORMAT,
			       "bitmap dump: secondary header signature 0x%08x 0x%08x is not SDMP/FDMP DUMP",
			       sig, valid);
	uint64_t first = ld_le64(b + 0x20), present = ld_le64(b + 0x28), nbits = ld_le64(b + 0x30);
	if (first < (uint64_t)h->size + BMP_HDR)
		return ld_fail(LD_ERR_FORMAT, "bitmap dump: first page offset 0x%llx lies inside the headers",
			       (unsigned long long)first);
	if (nbits / 8 > first - h->size - BMP_HDR)
		return ld_fail(LD_ERR_FORMAT, "bitmap dump: bitmap of %llu bits overlaps the pages at 0x%llx",
			       (unsigned long long)nbits, (unsigned long long)first);
	return ld_pagemap_load_bitmap(&src->map, src->file, h->size + BMP_HDR, nbits, first, present,
				      "bitmap dump");
}
