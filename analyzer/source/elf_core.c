/*
 * elf_core.c — what an ELF core says about the machine, read by us:
 * its PT_LOAD segments (physical ranges, for has_page/next_range) and the
 * CPU state QEMU's dump-guest-memory leaves in "QEMU" notes (CR3, CR4).
 * libkdumpfile does the reading of memory; it does not expose these.
 *
 * QEMUCPUState (QEMU target/i386/arch_dump.c): version u32, size u32, 16
 * general registers, rip, rflags (u64 each), 10 segment descriptors of 24
 * bytes, then cr[0..4] (u64) at +0x188: CR3 at +0x1A0, CR4 at +0x1A8.
 */
#include "elf-priv.h"

#include <stdlib.h>
#include <string.h>

#define PT_LOAD 1
#define PT_NOTE 4
#define MAX_PHDRS 4096u
#define MAX_NOTES ((size_t)4 << 20)
#define QEMU_CR0 0x188u
#define QEMU_CR3 0x1a0u
#define QEMU_CR4 0x1a8u

struct phdr {
	uint32_t type;
	uint64_t offset, paddr, filesz, memsz;
};

static void parse_phdr(const uint8_t *p, bool is64, struct phdr *ph)
{
	ph->type = ld_le32(p);
	if (is64) {
		ph->offset = ld_le64(p + 8);
		ph->paddr = ld_le64(p + 0x18);
		ph->filesz = ld_le64(p + 0x20);
		ph->memsz = ld_le64(p + 0x28);
	} else {
		ph->offset = ld_le32(p + 4);
		ph->paddr = ld_le32(p + 0xc);
		ph->filesz = ld_le32(p + 0x10);
		ph->memsz = ld_le32(p + 0x14);
	}
}

static ld_status add_load(struct ld_pagemap *pm, const struct phdr *ph, unsigned idx)
{
	if (ph->paddr % LD_PAGE_SIZE) {
		ld_warn("ELF core: PT_LOAD %u at physical 0x%llx is not page aligned; skipped", idx,
			(unsigned long long)ph->paddr);
		return LD_OK;
	}
	if (ph->filesz < ph->memsz)
		ld_warn("ELF core: PT_LOAD %u at 0x%llx holds 0x%llx of 0x%llx bytes", idx,
			(unsigned long long)ph->paddr, (unsigned long long)ph->filesz,
			(unsigned long long)ph->memsz);
	return ld_pagemap_add_run(pm, ph->paddr >> LD_PAGE_SHIFT, ph->filesz / LD_PAGE_SIZE, ph->offset);
}

/* Walk the notes of one PT_NOTE: the first QEMU note gives CPU 0's state. */
static void scan_notes(struct ld_elf_info *info, const uint8_t *n, size_t len)
{
	size_t at = 0;
	while (len - at >= 12) {
		uint32_t namesz = ld_le32(n + at), descsz = ld_le32(n + at + 4);
		size_t name_at = at + 12;
		size_t desc_at = name_at + (((size_t)namesz + 3) & ~(size_t)3);
		if (namesz > len || descsz > len || desc_at > len || descsz > len - desc_at)
			return;
		if (namesz >= 4 && memcmp(n + name_at, "QEMU", 4) == 0 && !info->has_cr3 &&
		    descsz >= QEMU_CR4 + 8) {
			info->cr0 = ld_le64(n + desc_at + QEMU_CR0);
			info->cr3 = ld_le64(n + desc_at + QEMU_CR3);
			info->cr4 = ld_le64(n + desc_at + QEMU_CR4);
			info->has_cr3 = true;
			info->qemu_at = desc_at;
			info->qemu_len = descsz;
		}
		if (namesz >= 4 && memcmp(n + name_at, "CORE", 4) == 0)
			info->cpus++;
		at = desc_at + (((size_t)descsz + 3) & ~(size_t)3);
	}
}

static ld_status read_notes(struct ld_file *f, const struct phdr *ph, struct ld_elf_info *info)
{
	if (ph->filesz > MAX_NOTES) {
		ld_warn("ELF core: PT_NOTE of %llu bytes is too large; notes ignored",
			(unsigned long long)ph->filesz);
		return LD_OK;
	}
	if (info->notes)
		return LD_OK;
	uint8_t *n = ld_xcalloc(1, (size_t)ph->filesz + 1);
	if (!n)
		return LD_ERR_NOMEM;
	ld_status st = ld_file_read(f, ph->offset, n, (size_t)ph->filesz);
	if (st) {
		free(n);
		ld_warn("ELF core: PT_NOTE past the end of the file; notes ignored");
		return LD_OK;
	}
	info->notes = n;
	info->notes_len = (size_t)ph->filesz;
	scan_notes(info, n, info->notes_len);
	return LD_OK;
}

static ld_status read_ident(struct ld_file *f, struct ld_elf_info *info, uint64_t *phoff,
			    unsigned *phentsize, unsigned *phnum)
{
	uint8_t e[64];
	if (ld_file_size(f) < 64)
		return ld_fail(LD_ERR_FORMAT, "ELF core: file too short for an ELF header");
	ld_status st = ld_file_read(f, 0, e, sizeof(e));
	if (st)
		return st;
	if (memcmp(e, "\177ELF", 4) != 0 || (e[4] != 1 && e[4] != 2) || e[5] != 1)
		return ld_fail(LD_ERR_FORMAT, "ELF core: not a little-endian ELF file");
	if (ld_le16(e + 16) != 4)
		return ld_fail(LD_ERR_FORMAT, "ELF core: e_type %u is not ET_CORE", ld_le16(e + 16));
	info->is64 = e[4] == 2;
	info->machine = ld_le16(e + 18);
	*phoff = info->is64 ? ld_le64(e + 0x20) : ld_le32(e + 0x1c);
	*phentsize = ld_le16(e + (info->is64 ? 0x36 : 0x2a));
	*phnum = ld_le16(e + (info->is64 ? 0x38 : 0x2c));
	if (*phentsize < (info->is64 ? 0x38u : 0x20u) || *phnum > MAX_PHDRS)
		return ld_fail(LD_ERR_FORMAT, "ELF core: %u program headers of %u bytes is not sane",
			       *phnum, *phentsize);
	return LD_OK;
}

ld_status ld_elf_parse(struct ld_file *f, struct ld_pagemap *pm, struct ld_elf_info *info)
{
	uint64_t phoff = 0;
	unsigned phentsize = 0, phnum = 0;
	memset(info, 0, sizeof(*info));
	ld_status st = read_ident(f, info, &phoff, &phentsize, &phnum);
	for (unsigned i = 0; st == LD_OK && i < phnum; i++) {
		uint8_t p[0x38];
		struct phdr ph;
		st = ld_file_read(f, phoff + (uint64_t)i * phentsize, p, info->is64 ? 0x38 : 0x20);
		if (st) {
			st = ld_fail_ctx(st, "ELF core: program header %u", i);
			break;
		}
		parse_phdr(p, info->is64, &ph);
		if (ph.type == PT_LOAD)
			st = add_load(pm, &ph, i);
		else if (ph.type == PT_NOTE)
			st = read_notes(f, &ph, info);
	}
	if (st == LD_OK)
		st = ld_pagemap_finish_runs(pm, ld_file_size(f), "ELF core");
	if (st)
		ld_elf_info_free(info);
	return st;
}

void ld_elf_info_free(struct ld_elf_info *info)
{
	free(info->notes);
	info->notes = NULL;
}
