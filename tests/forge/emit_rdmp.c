/*
 * emit_rdmp.c — WinDbgX range dumps: DumpTypes 8 and 9 (`.dump /k`, `/ka`:
 * the data pages, as {PFN, pages} records ended by a PFN of 0 — so PFN 0 is
 * never captured) and 0xA (`.dump /f`: every RAM range, with the range and
 * page counts in the header). Pages follow the metadata, page aligned.
 */
#include "emit-priv.h"

#include <stdlib.h>
#include <string.h>

#define RECORDS 0x30u

static struct fg_ram_range *ranges_for(const struct fg_machine *m, int dump_type, size_t *n)
{
	if (dump_type == LD_DUMP_FULL_RANGE) {
		struct fg_ram_range *r = calloc(m->nram + 1, sizeof(*r));
		if (!r)
			exit(1);
		memcpy(r, m->ram, m->nram * sizeof(*r));
		*n = m->nram;
		return r;
	}
	struct fg_ram_range *r = fg_emit_data_runs(m, n);
	/* a record with PFN 0 ends the list: leave page 0 out */
	if (*n && r[0].base_pfn == 0) {
		r[0].base_pfn = 1;
		r[0].npages--;
		if (r[0].npages == 0) {
			memmove(r, r + 1, (*n - 1) * sizeof(*r));
			(*n)--;
		}
	}
	return r;
}

int fg_emit_rdmp(struct fg_machine *m, const char *path, int dump_type)
{
	struct fg_out o;
	uint8_t h[0x2000], rh[RECORDS] = { 0 }, rec[16];
	size_t n;
	struct fg_ram_range *r = ranges_for(m, dump_type, &n);
	uint32_t hs = fg_emit_hdr_size(m);
	uint64_t pages = 0;
	for (size_t i = 0; i < n; i++)
		pages += r[i].npages;
	/* records plus a terminating zero record, then page alignment */
	uint64_t first = (hs + RECORDS + 16 * (n + 1) + LD_PAGE_SIZE - 1) & ~(uint64_t)(LD_PAGE_SIZE - 1);
	uint64_t metadata = first - hs - 0x20, size = first + pages * LD_PAGE_SIZE;
	if (fg_out_open(&o, path)) {
		free(r);
		return 1;
	}
	fg_dump_header(m, h, dump_type, size);
	ld_put_le32(rh, 0x40);
	memcpy(rh + 4, "RDMP", 4);
	memcpy(rh + 8, "DUMP", 4);
	ld_put_le64(rh + 0x10, metadata);
	ld_put_le64(rh + 0x18, first);
	if (dump_type == LD_DUMP_FULL_RANGE) {
		ld_put_le32(rh + 0x20, (uint32_t)n);
		ld_put_le64(rh + 0x28, pages);
	}
	fg_out_write(&o, 0, h, hs);
	fg_out_write(&o, hs, rh, sizeof(rh));
	uint64_t off = first;
	for (size_t i = 0; i < n; i++) {
		ld_put_le64(rec, r[i].base_pfn);
		ld_put_le64(rec + 8, r[i].npages);
		fg_out_write(&o, hs + RECORDS + 16 * i, rec, sizeof(rec));
		fg_emit_run(&o, m, off, r[i].base_pfn, r[i].npages);
		off += r[i].npages * LD_PAGE_SIZE;
	}
	free(r);
	return fg_out_close(&o, size);
}
