/*
 * forge_kdbg_encode.c — the Windows 8+ x64 KDBG encoding, forged: pick
 * KiWaitNever/KiWaitAlways, set KdpDataBlockEncoded, encode every qword of
 * the block in place (the inverse of DUMP-FORMATS.md §4.3), and put code in
 * the kernel's .text that references all four variables the way the real
 * KdCopyDataBlock does, so that the analyzer has to find them by
 * disassembling:
 *
 *     cmp  byte ptr [rip+KdpDataBlockEncoded], 0
 *     je   done
 *     lea  rdx, [rip+KdDebuggerDataBlock]
 *     mov  r10, qword ptr [rip+PsLoadedModuleList]   (a decoy load)
 *     mov  rax, qword ptr [rip+KiWaitNever]
 *     mov  r9,  qword ptr [rip+KiWaitAlways]
 *     lea  rcx, [rip+KdpDataBlockEncoded]
 *     bswap rax
 *   done:
 *     ret
 *
 * Runs from fg_finish() after the KDBG block is complete (scenario `kdbg
 * encoded`).
 */
#include "forge.h"

#include <string.h>

/* Where in .text the routine goes: past the entry point's page start. */
#define CODE_OFFSET 0x840u

static uint64_t ror64(uint64_t v, unsigned n)
{
	n &= 63;
	return n ? (v >> n) | (v << (64 - n)) : v;
}

/* The inverse of the analyzer's decoding, step by step backwards. */
static uint64_t encode_qword(uint64_t plain, uint64_t never, uint64_t always, uint64_t flag_va)
{
	uint64_t e = plain ^ always;
	e = __builtin_bswap64(e);
	e ^= flag_va | 0xffff000000000000ull;
	e = ror64(e, (unsigned)(never & 0xff));
	return e ^ never;
}

/* VA of the image's .text section, from the PE headers already written. */
static uint64_t text_va(struct fg_machine *m)
{
	uint8_t b[4], sec[40];
	fg_read(m, m->kernel_base + 0x3c, b, 4);
	uint64_t nt = m->kernel_base + ld_le32(b);
	uint8_t fh[24];
	fg_read(m, nt, fh, sizeof fh);
	unsigned nsec = ld_le16(fh + 6), optsize = ld_le16(fh + 20);
	for (unsigned i = 0; i < nsec; i++) {
		fg_read(m, nt + 24 + optsize + 40u * i, sec, sizeof sec);
		if (!memcmp(sec, ".text\0", 6))
			return m->kernel_base + ld_le32(sec + 12);
	}
	fg_die(fg_where(), "kdbg encoded: the kernel image has no .text section");
}

static void put_rip_rel(uint8_t *code, size_t at, size_t insn_end, uint64_t code_va, uint64_t target)
{
	int64_t disp = (int64_t)(target - (code_va + insn_end));
	ld_put_le32(code + at, (uint32_t)(int32_t)disp);
}

static void write_code(struct fg_machine *m, uint64_t flag, uint64_t never, uint64_t always)
{
	static const uint8_t tmpl[] = {
		0x80, 0x3d, 0, 0, 0, 0, 0x00,          /*  0: cmp byte ptr [rip+flag], 0 */
		0x74, 0x26,                            /*  7: je +38 (to the ret) */
		0x48, 0x8d, 0x15, 0, 0, 0, 0,          /*  9: lea rdx, [rip+kdbg] */
		0x4c, 0x8b, 0x15, 0, 0, 0, 0,          /* 16: mov r10, [rip+decoy] */
		0x48, 0x8b, 0x05, 0, 0, 0, 0,          /* 23: mov rax, [rip+never] */
		0x4c, 0x8b, 0x0d, 0, 0, 0, 0,          /* 30: mov r9, [rip+always] */
		0x48, 0x8d, 0x0d, 0, 0, 0, 0,          /* 37: lea rcx, [rip+flag] */
		0x48, 0x0f, 0xc8,                      /* 44: bswap rax */
		0xc3,                                  /* 47: ret */
	};
	uint8_t code[sizeof tmpl];
	uint64_t va = text_va(m) + CODE_OFFSET;

	memcpy(code, tmpl, sizeof code);
	put_rip_rel(code, 2, 7, va, flag);
	put_rip_rel(code, 12, 16, va, m->kdbg_va);
	/* Another qword load first, so the analyzer must tell the keys apart. */
	put_rip_rel(code, 19, 23, va, m->ps_loaded_module_list);
	put_rip_rel(code, 26, 30, va, never);
	put_rip_rel(code, 33, 37, va, always);
	put_rip_rel(code, 40, 44, va, flag);
	fg_write(m, va, code, sizeof code);
}

void fg_kdbg_encode(struct fg_machine *m)
{
	if (m->arch != LD_ARCH_X64)
		fg_die(fg_where(), "kdbg encoded: only x64 kernels (Windows 8+) encode KDBG");
	uint64_t flag = fg_kernel_var(m, "KdpDataBlockEncoded", 1);
	uint64_t never_va = fg_kernel_var(m, "KiWaitNever", 8);
	uint64_t always_va = fg_kernel_var(m, "KiWaitAlways", 8);
	uint64_t never = fg_random(m), always = fg_random(m);
	uint8_t q[8];

	ld_put_le64(q, never);
	fg_write(m, never_va, q, 8);
	ld_put_le64(q, always);
	fg_write(m, always_va, q, 8);
	fg_write(m, flag, "\1", 1);
	for (uint32_t off = 0; off + 8 <= m->kdbg_size; off += 8) {
		fg_read(m, m->kdbg_va + off, q, 8);
		ld_put_le64(q, encode_qword(ld_le64(q), never, always, flag));
		fg_write(m, m->kdbg_va + off, q, 8);
	}
	write_code(m, flag, never_va, always_va);
}
