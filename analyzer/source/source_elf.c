/*
 * source_elf.c — ELF cores: QEMU dump-guest-memory (and VirtualBox
 * dumpvmcore), read by us.
 *
 * The PT_LOAD segments are stored uncompressed, so they become runs of the
 * generic page map and are read with pread like any crash dump. The kernel
 * CR3 comes from QEMU's CPU-state note, the architecture from e_machine (and
 * CR4.PAE for 32-bit guests). libkdumpfile is not used here: it crashes on
 * malformed ELF files that our own parser refuses or reads safely (found by
 * tests/fuzz), and it adds nothing for uncompressed segments.
 */
#include "elf-priv.h"

#include <string.h>

static int elf_probe(const uint8_t *head, size_t n, uint64_t file_size)
{
	(void)file_size;
	if (n < 20 || memcmp(head, "\177ELF", 4) != 0)
		return 0;
	return ld_le16(head + 16) == 4 ? 90 : 0;
}

static void elf_take_arch(struct ld_source_meta *m, const struct ld_elf_info *e)
{
	/* A CPU with paging off (a guest dumped before or while it boots, as
	 * QEMU's dump of a halted machine is) says nothing about the OS: its
	 * CR3 is no DTB and QEMU picks the ELF class from the CPU mode. */
	bool paging = !e->has_cr3 || (e->cr0 & (1ull << 31));
	switch (e->machine) {
	case LD_EM_X86_64:
		m->arch = LD_ARCH_X64;
		m->machine = 0x8664;
		break;
	case LD_EM_386:
		m->arch = e->has_cr3 && (e->cr4 & (1u << 5)) ? LD_ARCH_X86_PAE : LD_ARCH_X86;
		m->machine = 0x14c;
		break;
	case LD_EM_AARCH64:
		m->arch = LD_ARCH_OTHER;
		m->machine = 0xaa64;
		break;
	default:
		m->arch = LD_ARCH_OTHER;
		break;
	}
	if (!paging && m->arch != LD_ARCH_OTHER) {
		m->arch = LD_ARCH_UNKNOWN;
		m->machine = 0;
	}
	if (!e->has_cr3 || !paging)
		return;
	m->has_dtb = true;
	m->dtb = m->arch == LD_ARCH_X86_PAE ? e->cr3 & 0xffffffe0u : e->cr3 & ~(uint64_t)0xfff;
	if (m->arch == LD_ARCH_X86)
		m->dtb &= 0xfffff000u;
}

static ld_status elf_open(struct ld_source *src)
{
	struct ld_elf_info e;
	ld_status st = ld_elf_parse(src->file, &src->map, &e);
	if (st)
		return st;
	src->meta.layout = "elf";
	elf_take_arch(&src->meta, &e);
	src->meta.processors = e.cpus;
	if (e.has_cr3)
		st = ld_source_set_context(src, e.notes + e.qemu_at, e.qemu_len);
	ld_elf_info_free(&e);
	return st;
}

const struct ld_source_ops ld_source_elf_ops = {
	.name = "elf",
	.probe = elf_probe,
	.open = elf_open,
};
