/*
 * emit_crashdump.c — the PAGEDUMP / PAGEDU64 top header every Windows crash
 * dump starts with, and the full dump (DumpType 1: run list, then the pages
 * of every RAM run back to back). Unused header bytes keep the `PAGE` fill
 * Windows leaves there. Offsets: DUMP-FORMATS.md §2.1.
 */
#include "emit-priv.h"

#include <stdlib.h>
#include <string.h>

#define FILL "PAGE"

bool fg_emit_is64(const struct fg_machine *m)
{
	return m->arch == LD_ARCH_X64;
}

uint32_t fg_emit_hdr_size(const struct fg_machine *m)
{
	return fg_emit_is64(m) ? 0x2000 : 0x1000;
}

/* A pointer-width field: 4 bytes in PAGEDUMP, 8 in PAGEDU64. */
static void put_ptr(uint8_t *h, bool is64, uint32_t off32, uint32_t off64, uint64_t v)
{
	if (is64)
		ld_put_le64(h + off64, v);
	else
		ld_put_le32(h + off32, (uint32_t)v);
}

/* _PHYSICAL_MEMORY_DESCRIPTOR: the RAM runs. */
static void put_runs(const struct fg_machine *m, uint8_t *h, bool is64)
{
	uint32_t at = is64 ? 0x88 : 0x64;
	uint64_t total = 0;
	ld_put_le32(h + at, (uint32_t)m->nram);
	for (size_t i = 0; i < m->nram; i++) {
		total += m->ram[i].npages;
		if (is64) {
			ld_put_le64(h + at + 0x10 + 16 * i, m->ram[i].base_pfn);
			ld_put_le64(h + at + 0x18 + 16 * i, m->ram[i].npages);
		} else {
			ld_put_le32(h + at + 8 + 8 * i, (uint32_t)m->ram[i].base_pfn);
			ld_put_le32(h + at + 12 + 8 * i, (uint32_t)m->ram[i].npages);
		}
	}
	if (is64) {
		ld_put_le32(h + at + 4, 0);
		ld_put_le64(h + at + 8, total);
	} else {
		ld_put_le32(h + at + 4, (uint32_t)total);
	}
}

static void put_identity(const struct fg_machine *m, uint8_t *h, bool is64)
{
	memcpy(h + 4, is64 ? "DU64" : "DUMP", 4);
	ld_put_le32(h + 0x08, 0xf);
	ld_put_le32(h + 0x0c, m->build);
	put_ptr(h, is64, 0x10, 0x10, m->dtb);
	put_ptr(h, is64, 0x14, 0x18, m->pfn_database);
	put_ptr(h, is64, 0x18, 0x20, m->ps_loaded_module_list);
	put_ptr(h, is64, 0x1c, 0x28, m->ps_active_process_head);
	ld_put_le32(h + (is64 ? 0x30 : 0x20), is64 ? 0x8664 : 0x14c);
	ld_put_le32(h + (is64 ? 0x34 : 0x24), m->processors);
	if (!is64)
		h[0x5c] = m->arch == LD_ARCH_X86_PAE;
	if (!m->header_kdbg_absent)
		put_ptr(h, is64, 0x60, 0x80, m->kdbg_va);
}

static void put_crash(const struct fg_machine *m, uint8_t *h, bool is64)
{
	ld_put_le32(h + (is64 ? 0x38 : 0x28), m->bugcheck_code);
	for (int i = 0; i < 4; i++)
		put_ptr(h, is64, 0x2c + 4 * (uint32_t)i, 0x40 + 8 * (uint32_t)i, m->bugcheck_params[i]);
	/* the context and exception record: zero, as for a live dump */
	memset(h + (is64 ? 0x348 : 0x320), 0, is64 ? 3000 : 1200);
	memset(h + (is64 ? 0xf00 : 0x7d0), 0, is64 ? 0x98 : 0x50);
}

void fg_dump_header(const struct fg_machine *m, uint8_t *h, int dump_type, uint64_t file_size)
{
	bool is64 = fg_emit_is64(m);
	uint32_t size = fg_emit_hdr_size(m);
	for (uint32_t i = 0; i < size; i += 4)
		memcpy(h + i, FILL, 4);
	put_identity(m, h, is64);
	put_crash(m, h, is64);
	put_runs(m, h, is64);
	ld_put_le32(h + (is64 ? 0x1050 : 0x8a0), 0);            /* Attributes */
	ld_put_le32(h + (is64 ? 0xf98 : 0xf88), (uint32_t)dump_type);
	ld_put_le32(h + (is64 ? 0x1040 : 0xf94), 1);            /* ProductType: WinNt */
	ld_put_le64(h + 0xfa0, file_size);                      /* RequiredDumpSpace */
	ld_put_le64(h + (is64 ? 0x1030 : 0xfb8), m->uptime_100ns);
	ld_put_le64(h + (is64 ? 0xfa8 : 0xfc0), m->system_time);
}

int fg_emit_full(struct fg_machine *m, const char *path)
{
	struct fg_out o;
	uint8_t h[0x2000];
	uint32_t hs = fg_emit_hdr_size(m);
	uint64_t size = hs + fg_ram_pages(m) * LD_PAGE_SIZE;
	if (fg_out_open(&o, path))
		return 1;
	fg_dump_header(m, h, LD_DUMP_FULL, size);
	fg_out_write(&o, 0, h, hs);
	uint64_t off = hs;
	for (size_t i = 0; i < m->nram; i++) {
		fg_emit_run(&o, m, off, m->ram[i].base_pfn, m->ram[i].npages);
		off += m->ram[i].npages * LD_PAGE_SIZE;
	}
	return fg_out_close(&o, size);
}
