/*
 * emit_bitmap.c — bitmap crash dumps: DumpType 5 (FDMP, every RAM page),
 * DumpType 6 (SDMP, only the pages that hold data) and the old DumpType 2
 * summary (SDMP with 32-bit fields). One bit per PFN; the set pages follow
 * in PFN order from the first-page offset (page aligned).
 */
#include "emit-priv.h"

#include <stdlib.h>
#include <string.h>

static uint8_t *new_bitmap(const struct fg_machine *m, bool all_ram, uint64_t nbits, uint64_t *set)
{
	uint8_t *b = calloc(nbits / 8 + 8, 1);
	if (!b) {
		fprintf(stderr, "forge: out of memory\n");
		exit(1);
	}
	*set = 0;
	if (all_ram) {
		for (size_t i = 0; i < m->nram; i++)
			for (uint64_t p = m->ram[i].base_pfn; p < m->ram[i].base_pfn + m->ram[i].npages; p++)
				b[p / 8] |= (uint8_t)(1u << (p % 8));
		*set = fg_ram_pages(m);
	} else {
		for (size_t i = 0; i < m->npages; i++)
			b[m->pages[i].pfn / 8] |= (uint8_t)(1u << (m->pages[i].pfn % 8));
		*set = m->npages;
	}
	return b;
}

/* Write the set pages in PFN order from first. */
static void write_pages(struct fg_out *o, const struct fg_machine *m, bool all_ram, uint64_t first)
{
	if (!all_ram) {
		for (size_t i = 0; i < m->npages; i++)
			fg_out_write(o, first + i * LD_PAGE_SIZE, m->pages[i].data, LD_PAGE_SIZE);
		return;
	}
	uint64_t off = first;
	for (size_t i = 0; i < m->nram; i++) {
		fg_emit_run(o, m, off, m->ram[i].base_pfn, m->ram[i].npages);
		off += m->ram[i].npages * LD_PAGE_SIZE;
	}
}

static uint64_t page_align(uint64_t v)
{
	return (v + LD_PAGE_SIZE - 1) & ~(uint64_t)(LD_PAGE_SIZE - 1);
}

int fg_emit_bitmap(struct fg_machine *m, const char *path, int dump_type)
{
	struct fg_out o;
	uint8_t h[0x2000], sec[0x38] = { 0 };
	bool all = dump_type == LD_DUMP_BITMAP_FULL;
	uint32_t hs = fg_emit_hdr_size(m);
	uint64_t nbits = fg_max_pfn(m), set;
	uint8_t *bits = new_bitmap(m, all, nbits, &set);
	uint64_t first = page_align(hs + sizeof(sec) + (nbits + 7) / 8);
	uint64_t size = first + set * LD_PAGE_SIZE;
	if (fg_out_open(&o, path)) {
		free(bits);
		return 1;
	}
	fg_dump_header(m, h, dump_type, size);
	memcpy(sec, all ? "FDMP" : "SDMP", 4);
	memcpy(sec + 4, "DUMP", 4);
	ld_put_le64(sec + 0x20, first);
	ld_put_le64(sec + 0x28, set);
	ld_put_le64(sec + 0x30, nbits);
	fg_out_write(&o, 0, h, hs);
	fg_out_write(&o, hs, sec, sizeof(sec));
	fg_out_write(&o, hs + sizeof(sec), bits, (size_t)((nbits + 7) / 8));
	write_pages(&o, m, all, first);
	free(bits);
	return fg_out_close(&o, size);
}

int fg_emit_summary(struct fg_machine *m, const char *path)
{
	struct fg_out o;
	uint8_t h[0x2000], sec[0x28] = { 0 };
	bool is64 = fg_emit_is64(m);
	uint32_t hs = fg_emit_hdr_size(m), bits_at = hs + (is64 ? 0x28 : 0x20);
	uint64_t nbits = fg_max_pfn(m), set;
	uint8_t *bits = new_bitmap(m, false, nbits, &set);
	uint64_t first = page_align(bits_at + (nbits + 7) / 8);
	uint64_t size = first + set * LD_PAGE_SIZE;
	if (fg_out_open(&o, path)) {
		free(bits);
		return 1;
	}
	fg_dump_header(m, h, LD_DUMP_SUMMARY, size);
	memcpy(sec, "SDMP", 4);
	memcpy(sec + 4, "DUMP", 4);
	ld_put_le32(sec + 0x0c, (uint32_t)first);
	ld_put_le32(sec + 0x10, (uint32_t)nbits);
	ld_put_le32(sec + 0x14, (uint32_t)set);
	ld_put_le32(sec + 0x18, (uint32_t)nbits);              /* RTL_BITMAP.SizeOfBitMap */
	fg_out_write(&o, 0, h, hs);
	fg_out_write(&o, hs, sec, bits_at - hs);
	fg_out_write(&o, bits_at, bits, (size_t)((nbits + 7) / 8));
	write_pages(&o, m, false, first);
	free(bits);
	return fg_out_close(&o, size);
}
