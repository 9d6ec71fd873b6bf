/*
 * elf-priv.h — reading the ELF core container ourselves (program headers and
 * notes), for the facts libkdumpfile does not hand out.
 */
#ifndef LPCDUMP_ELF_PRIV_H
#define LPCDUMP_ELF_PRIV_H

#include "source-priv.h"

#define LD_EM_386 3u
#define LD_EM_X86_64 62u
#define LD_EM_AARCH64 183u

struct ld_elf_info {
	bool is64;                  /* ELFCLASS64 */
	uint16_t machine;           /* e_machine */
	bool has_cr3;               /* a QEMU CPU-state note was found */
	uint64_t cr0, cr3, cr4;
	unsigned cpus;              /* NT_PRSTATUS ("CORE") notes */
	uint8_t *notes;             /* the first PT_NOTE, owned */
	size_t notes_len;
	size_t qemu_at, qemu_len;   /* CPU 0's QEMU note inside notes */
};

/* Parse the ELF header, PT_LOADs into pm (runs; finished), and the notes. */
ld_status ld_elf_parse(struct ld_file *f, struct ld_pagemap *pm, struct ld_elf_info *info);
void ld_elf_info_free(struct ld_elf_info *info);

#endif
