/*
 * dump_rdmp.c — DumpTypes 8, 9 and 0xA: WinDbgX `.dump /k /ka /f` range lists.
 *
 * A 0x20-byte RDMP header follows the top header: marker 0x40, "RDMP",
 * "DUMP", MetadataSize, FirstPageOffset. Range records {PFN, pages} (u64
 * each) start at +0x30; their pages follow one another from FirstPageOffset.
 * Types 8/9 end the list with a PFN of 0 (or the metadata's end); type 0xA
 * says how many ranges and pages there are at +0x20/+0x28.
 */
#include "dump-priv.h"

#include <stdlib.h>

#define SIG_RDMP 0x504D4452u
#define RDMP_MARKER 0x40u
#define RECORDS 0x30u
#define REC_SIZE 16u
/* Ranges read at once: records are read through the file cache anyway. */
#define MAX_RANGES ((uint64_t)1 << 20)

struct rdmp {
	uint64_t metadata_size, first_page;
	bool full;                      /* type 0xA */
	uint32_t nranges;               /* type 0xA */
	uint64_t total_pages;           /* type 0xA */
};

static ld_status read_rdmp_header(struct ld_source *src, const struct ld_dump_hdr *h, struct rdmp *r)
{
	uint8_t b[RECORDS];
	if (h->file_size < (uint64_t)h->size + RECORDS)
		return ld_fail(LD_ERR_FORMAT, "range dump: truncated before its RDMP header at 0x%x", h->size);
	ld_status st = ld_file_read(src->file, h->size, b, sizeof(b));
	if (st)
		return st;
	if (ld_le32(b) != RDMP_MARKER || ld_le32(b + 4) != SIG_RDMP || ld_le32(b + 8) != LD_DUMP_SIG_DUMP)
		return ld_fail(LD_ERR_FORMAT, "range dump: header 0x%x 0x%08x 0x%08x is not 0x40 RDMP DUMP",
			       ld_le32(b), ld_le32(b + 4), ld_le32(b + 8));
	r->metadata_size = ld_le64(b + 0x10);
	r->first_page = ld_le64(b + 0x18);
	r->full = src->meta.dump_type == LD_DUMP_FULL_RANGE;
	r->nranges = ld_le32(b + 0x20);
	r->total_pages = ld_le64(b + 0x28);
	uint64_t meta_end = (uint64_t)h->size + 0x40;
	if (r->metadata_size < 0x20 || r->first_page < meta_end ||
	    r->metadata_size - 0x20 != r->first_page - meta_end)
		return ld_fail(LD_ERR_FORMAT, "range dump: MetadataSize 0x%llx does not match FirstPageOffset 0x%llx",
			       (unsigned long long)r->metadata_size, (unsigned long long)r->first_page);
	if (r->first_page > h->file_size)
		return ld_fail(LD_ERR_FORMAT, "range dump: FirstPageOffset 0x%llx is past the end of the file (0x%llx)",
			       (unsigned long long)r->first_page, (unsigned long long)h->file_size);
	return LD_OK;
}

/* Number of records the metadata can hold. */
static uint64_t record_slots(const struct ld_dump_hdr *h, const struct rdmp *r)
{
	uint64_t at = (uint64_t)h->size + RECORDS;
	uint64_t room = r->first_page > at ? (r->first_page - at) / REC_SIZE : 0;
	uint64_t n = r->metadata_size / REC_SIZE;
	if (n > room)
		n = room;
	if (r->full && r->nranges < n)
		n = r->nranges;
	return n;
}

static ld_status add_ranges(struct ld_source *src, const struct ld_dump_hdr *h, const struct rdmp *r)
{
	uint64_t n = record_slots(h, r), off = r->first_page, pages = 0;
	if (n > MAX_RANGES)
		return ld_fail(LD_ERR_LIMIT, "range dump: %llu ranges is more than lpcdump reads",
			       (unsigned long long)n);
	for (uint64_t i = 0; i < n; i++) {
		uint8_t rec[REC_SIZE];
		ld_status st = ld_file_read(src->file, h->size + RECORDS + i * REC_SIZE, rec, sizeof(rec));
		if (st)
			return st;
		uint64_t pfn = ld_le64(rec), count = ld_le64(rec + 8);
		if (!r->full && pfn == 0)
			break;
		if (r->full && count > r->total_pages - pages)
			return ld_fail(LD_ERR_FORMAT, "range dump: range %llu goes past TotalNumberOfPages 0x%llx",
				       (unsigned long long)i, (unsigned long long)r->total_pages);
		if (count > (UINT64_MAX >> LD_PAGE_SHIFT) - pages)
			return ld_fail(LD_ERR_FORMAT, "range dump: range %llu has an absurd page count",
				       (unsigned long long)i);
		st = ld_pagemap_add_run(&src->map, pfn, count, off);
		if (st)
			return ld_fail_ctx(st, "range dump: range %llu", (unsigned long long)i);
		off += count * LD_PAGE_SIZE;
		pages += count;
		if (r->full && pages == r->total_pages)
			break;
	}
	if (r->full && pages != r->total_pages)
		ld_warn("range dump: ranges hold 0x%llx pages but TotalNumberOfPages says 0x%llx",
			(unsigned long long)pages, (unsigned long long)r->total_pages);
	return LD_OK;
}

ld_status ld_dump_rdmp_open(struct ld_source *src, const struct ld_dump_hdr *h)
{
	struct rdmp r = { 0 };
	src->meta.layout = "rdmp";
	ld_status st = read_rdmp_header(src, h, &r);
	if (st == LD_OK)
		st = add_ranges(src, h, &r);
	if (st == LD_OK)
		st = ld_pagemap_finish_runs(&src->map, h->file_size, "range dump");
	return st;
}
