/*
 * kernel_kdbg_decode.c — the Windows 8+ x64 KDBG encoding (DUMP-FORMATS.md
 * §4.3) and finding its keys in the kernel's code with capstone.
 *
 * When nt!KdpDataBlockEncoded is set, every qword e of the block is stored
 * encoded; decoding is
 *     e ^= KiWaitNever; e = rol64(e, KiWaitNever & 0xFF);
 *     e ^= &KdpDataBlockEncoded | 0xFFFF000000000000; e = bswap64(e);
 *     e ^= KiWaitAlways
 * Without symbols, the addresses come from the routine that copies the
 * block out (KdCopyDataBlock): it tests the flag with
 * `cmp byte ptr [rip+flag], 0`, takes the block's address with
 * `lea reg, [rip+KdDebuggerDataBlock]`, loads the two keys with qword
 * `mov`/`xor reg, [rip+key]`, and byte-swaps. We look for the cmp's opcode
 * (80 3D disp32 00) in executable sections and disassemble forward from
 * each hit to the routine's end, keeping up to four qword variables it
 * loads; which two are the keys, and in which role, is settled later by
 * decoding the block's header.
 */
#include "kernel-priv.h"

#include <capstone/capstone.h>
#include <inttypes.h>
#include <string.h>

/* The routine is short: the pattern lies within this many bytes/insns. */
#define DECODER_WINDOW 0x120
#define DECODER_MAX_INSNS 64
/* Executable sections of ntoskrnl total ~8 MiB; bound hostile sizes. */
#define CODE_SCAN_MAX_BYTES (32u << 20)

static uint64_t rol64(uint64_t v, unsigned n)
{
	n &= 63;
	return n ? (v << n) | (v >> (64 - n)) : v;
}

static uint64_t bswap64(uint64_t v)
{
	return __builtin_bswap64(v);
}

uint64_t ld_kdbg_decode_qword(uint64_t e, uint64_t wait_never, uint64_t wait_always,
			      uint64_t flag_va)
{
	e ^= wait_never;
	e = rol64(e, (unsigned)(wait_never & 0xff));
	e ^= flag_va | 0xffff000000000000ull;
	e = bswap64(e);
	return e ^ wait_always;
}

struct decoder {
	struct ld_kdbg_decoder d;
	bool bswap;
};

static bool rip_operand(const cs_insn *in, int *idx, uint64_t *target)
{
	const cs_x86 *x = &in->detail->x86;
	for (int i = 0; i < x->op_count; i++) {
		if (x->operands[i].type == X86_OP_MEM && x->operands[i].mem.base == X86_REG_RIP) {
			*idx = i;
			*target = in->address + in->size + (uint64_t)x->operands[i].mem.disp;
			return true;
		}
	}
	return false;
}

static bool have_key(const struct ld_kdbg_decoder *d, uint64_t t)
{
	for (unsigned i = 0; i < d->nkeys; i++)
		if (d->keys[i] == t)
			return true;
	return false;
}

/* Look at one instruction after the cmp: the block's lea, qword loads from
 * rip-relative variables (the keys among them), the bswap. */
static void note_insn(struct decoder *dc, const cs_insn *in)
{
	struct ld_kdbg_decoder *d = &dc->d;
	uint64_t t;
	int idx;

	if (in->id == X86_INS_BSWAP)
		dc->bswap = true;
	else if (in->id == X86_INS_LEA && rip_operand(in, &idx, &t)) {
		if (!d->kdbg_va && t != d->flag_va)
			d->kdbg_va = t;
	} else if ((in->id == X86_INS_MOV || in->id == X86_INS_XOR) && rip_operand(in, &idx, &t) &&
		   idx == 1 && in->detail->x86.operands[1].size == 8 &&
		   d->nkeys < LD_KDBG_MAX_KEYS && !have_key(d, t)) {
		d->keys[d->nkeys++] = t;
	}
}

static bool analyse(csh h, const uint8_t *code, size_t len, uint64_t va, struct decoder *dc)
{
	cs_insn *in;
	size_t n = cs_disasm(h, code, len, va, DECODER_MAX_INSNS, &in);
	int idx;

	memset(dc, 0, sizeof *dc);
	if (n == 0)
		return false;
	if (in[0].id == X86_INS_CMP && rip_operand(&in[0], &idx, &dc->d.flag_va) &&
	    in[0].detail->x86.operands[idx].size == 1) {
		for (size_t i = 1; i < n; i++) {
			if (in[i].id == X86_INS_RET || in[i].id == X86_INS_INT3)
				break;
			note_insn(dc, &in[i]);
		}
	}
	cs_free(in, n);
	return dc->bswap && dc->d.kdbg_va && dc->d.nkeys >= 2;
}

static bool scan_code(struct ld_kernel *k, csh h, uint64_t va, uint64_t len, struct decoder *d)
{
	uint8_t page[LD_PAGE_SIZE], window[DECODER_WINDOW];
	uint64_t end = va + len;

	for (uint64_t p = va & ~(uint64_t)(LD_PAGE_SIZE - 1); p < end; p += LD_PAGE_SIZE) {
		if (ld_check_interrupt() || !ld_kernel_scan_page(k))
			return false;
		if (ld_kernel_read(k, p, page, sizeof page) != LD_OK)
			continue;
		for (unsigned off = 0; off + 7 <= LD_PAGE_SIZE; off++) {
			if (page[off] != 0x80 || page[off + 1] != 0x3d || page[off + 6] != 0)
				continue;
			/* The window may run into a missing page: shrink it. */
			size_t wl = sizeof window;
			while (wl >= 16 && ld_kernel_read(k, p + off, window, wl) != LD_OK)
				wl /= 2;
			if (wl >= 16 && analyse(h, window, wl, p + off, d))
				return true;
		}
	}
	return false;
}

ld_status ld_kdbg_find_decoder(struct ld_kernel *k, uint64_t image_base,
			       struct ld_kdbg_decoder *out)
{
	csh h;
	struct decoder d;
	char name[9];
	uint64_t sva;
	uint32_t ssize, flags;
	bool found = false;
	uint64_t budget = CODE_SCAN_MAX_BYTES;   /* per image, over all sections */

	if (cs_open(CS_ARCH_X86, CS_MODE_64, &h) != CS_ERR_OK)
		return ld_fail(LD_ERR_UNSUPPORTED, "capstone cannot disassemble x64");
	cs_option(h, CS_OPT_DETAIL, CS_OPT_ON);
	for (unsigned i = 0; !found && budget &&
	     ld_kernel_pe_section(k, image_base, i, name, &sva, &ssize, &flags); i++) {
		if (!(flags & LD_PE_SCN_EXECUTE))
			continue;
		uint64_t n = ssize < budget ? ssize : budget;
		budget -= n;
		found = scan_code(k, h, sva, n, &d);
	}
	cs_close(&h);
	if (!found)
		return ld_fail(LD_ERR_NOT_FOUND, "no KDBG decoding code in the image at 0x%" PRIx64,
			       image_base);
	*out = d.d;
	return LD_OK;
}
