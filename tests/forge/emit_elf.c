/*
 * emit_elf.c — an ELF core as QEMU's dump-guest-memory writes it: ELF64 /
 * EM_X86_64 for a long-mode guest, EM_386 otherwise (ELF32 unless RAM goes
 * past 4 GiB); one PT_NOTE
 * holding an NT_PRSTATUS ("CORE") note per CPU and then a "QEMU" CPU-state
 * note per CPU (QEMUCPUState, version 1, carrying CR0/CR3/CR4); one PT_LOAD
 * per RAM range (p_paddr = its physical address, p_vaddr 0), the memory
 * following the notes without alignment.
 */
#include "emit-priv.h"

#include <stdlib.h>
#include <string.h>

#define EM_386 3
#define EM_X86_64 62
#define PRSTATUS64 336u
#define PRSTATUS32 144u
#define QEMU_STATE 0x1b8u

struct layout {
	bool is64, x64;
	uint32_t ehsize, phsize, nph, ncpu, prsize;
	uint64_t notes_at, notes_len, data_at;
};

static uint32_t note_size(uint32_t desc)
{
	return 12 + 8 + ((desc + 3) & ~3u);        /* header, "CORE\0"/"QEMU\0" padded, desc */
}

static struct layout plan(const struct fg_machine *m)
{
	struct layout l;
	/* QEMU: ELF64 for long mode, or when RAM reaches past 4 GiB */
	l.is64 = fg_emit_is64(m) || fg_max_pfn(m) > ((uint64_t)1 << 20);
	l.x64 = fg_emit_is64(m);
	l.ehsize = l.is64 ? 64 : 52;
	l.phsize = l.is64 ? 56 : 32;
	l.nph = (uint32_t)m->nram + 1;
	l.ncpu = m->processors ? m->processors : 1;
	l.prsize = l.x64 ? PRSTATUS64 : PRSTATUS32;
	l.notes_at = l.ehsize + (uint64_t)l.nph * l.phsize;
	l.notes_len = (uint64_t)l.ncpu * (note_size(l.prsize) + note_size(QEMU_STATE));
	l.data_at = l.notes_at + l.notes_len;
	return l;
}

static void put_ehdr(const struct layout *l, uint8_t *e)
{
	memset(e, 0, 64);
	memcpy(e, "\177ELF", 4);
	e[4] = l->is64 ? 2 : 1;
	e[5] = 1;
	e[6] = 1;
	ld_put_le16(e + 16, 4);                          /* ET_CORE */
	ld_put_le16(e + 18, l->x64 ? EM_X86_64 : EM_386);
	ld_put_le32(e + 20, 1);
	if (l->is64) {
		ld_put_le64(e + 32, l->ehsize);
		ld_put_le16(e + 52, (uint16_t)l->ehsize);
		ld_put_le16(e + 54, (uint16_t)l->phsize);
		ld_put_le16(e + 56, (uint16_t)l->nph);
	} else {
		ld_put_le32(e + 28, l->ehsize);
		ld_put_le16(e + 40, (uint16_t)l->ehsize);
		ld_put_le16(e + 42, (uint16_t)l->phsize);
		ld_put_le16(e + 44, (uint16_t)l->nph);
	}
}

static void put_phdr(const struct layout *l, uint8_t *p, uint32_t type, uint64_t off, uint64_t paddr,
		     uint64_t len)
{
	memset(p, 0, l->phsize);
	ld_put_le32(p, type);
	if (l->is64) {
		ld_put_le32(p + 4, type == 1 ? 7 : 0);
		ld_put_le64(p + 8, off);
		ld_put_le64(p + 0x18, paddr);
		ld_put_le64(p + 0x20, len);
		ld_put_le64(p + 0x28, len);
	} else {
		ld_put_le32(p + 4, (uint32_t)off);
		ld_put_le32(p + 0xc, (uint32_t)paddr);
		ld_put_le32(p + 0x10, (uint32_t)len);
		ld_put_le32(p + 0x14, (uint32_t)len);
		ld_put_le32(p + 0x18, type == 1 ? 7 : 0);
	}
}

/* One note at *at: header, name, desc (desc bytes from d). */
static void put_note(struct fg_out *o, uint64_t *at, const char *name, uint32_t type,
		     const uint8_t *d, uint32_t len)
{
	uint8_t hdr[20] = { 0 };
	ld_put_le32(hdr, 5);
	ld_put_le32(hdr + 4, len);
	ld_put_le32(hdr + 8, type);
	memcpy(hdr + 12, name, 4);
	fg_out_write(o, *at, hdr, sizeof(hdr));
	fg_out_write(o, *at + sizeof(hdr), d, len);
	*at += note_size(len);
}

static void put_notes(struct fg_out *o, const struct fg_machine *m, const struct layout *l)
{
	uint8_t d[PRSTATUS64 > QEMU_STATE ? PRSTATUS64 : QEMU_STATE];
	uint64_t at = l->notes_at;
	for (uint32_t c = 0; c < l->ncpu; c++) {
		memset(d, 0, sizeof(d));
		ld_put_le32(d + (l->x64 ? 32 : 24), c + 1);     /* pr_pid */
		put_note(o, &at, "CORE", 1, d, l->prsize);
	}
	for (uint32_t c = 0; c < l->ncpu; c++) {
		memset(d, 0, sizeof(d));
		ld_put_le32(d, 1);                               /* version */
		ld_put_le32(d + 4, QEMU_STATE);                   /* size */
		ld_put_le64(d + 0x188, 0x80050033);              /* CR0: PG WP NE ET MP PE */
		ld_put_le64(d + 0x1a0, m->dtb);                  /* CR3 */
		ld_put_le64(d + 0x1a8, m->arch == LD_ARCH_X64 ? 0x6f8 : m->arch == LD_ARCH_X86_PAE ? 0x30 : 0x10);
		put_note(o, &at, "QEMU", 0, d, QEMU_STATE);
	}
}

int fg_emit_elf(struct fg_machine *m, const char *path)
{
	struct fg_out o;
	uint8_t buf[64];
	struct layout l = plan(m);
	if (fg_out_open(&o, path))
		return 1;
	put_ehdr(&l, buf);
	fg_out_write(&o, 0, buf, l.ehsize);
	put_phdr(&l, buf, 4, l.notes_at, 0, l.notes_len);
	fg_out_write(&o, l.ehsize, buf, l.phsize);
	uint64_t off = l.data_at;
	for (size_t i = 0; i < m->nram; i++) {
		uint64_t len = m->ram[i].npages * LD_PAGE_SIZE;
		put_phdr(&l, buf, 1, off, m->ram[i].base_pfn * LD_PAGE_SIZE, len);
		fg_out_write(&o, l.ehsize + (i + 1) * l.phsize, buf, l.phsize);
		fg_emit_run(&o, m, off, m->ram[i].base_pfn, m->ram[i].npages);
		off += len;
	}
	put_notes(&o, m, &l);
	return fg_out_close(&o, off);
}
