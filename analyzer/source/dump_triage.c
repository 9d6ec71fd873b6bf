/*
 * dump_triage.c — DumpType 4: small memory dumps (TRIAGE_DUMP).
 *
 * A triage dump keeps the faulting thread, its process, the PRCB, a piece of
 * stack and the driver list — copies of objects, not physical pages. It is
 * recognised and described (meta.triage, the thread VA from the PRCB copy,
 * the context) but has no physical memory: present_pages is 0 and no port
 * can be walked.
 *
 * TRIAGE_DUMP (both widths): ServicePackBuild +0, SizeOfDump +4,
 * ValidOffset +8, ContextOffset +0xC, ExceptionOffset +0x10, MmOffset +0x14,
 * UnloadedDriversOffset +0x18, PrcbOffset +0x1C, ProcessOffset +0x20,
 * ThreadOffset +0x24, CallStackOffset +0x28, SizeOfCallStack +0x2C,
 * DriverListOffset +0x30, DriverCount +0x34. Offsets are from the start of
 * the file. The validity marker sits at ValidOffset: Windows' multi-character
 * constant 'DGRT' (0x44475254), so the bytes on disk read "TRGD" (checked on
 * real Windows 10 x64 and Windows 11 ARM64 triage dumps).
 */
#include "dump-priv.h"

#define TRIAGE_HDR 0x48u
#define SIG_DGRT 0x44475254u   /* 'DGRT' */

struct triage {
	uint32_t size, valid, context, prcb, process, thread;
};

static ld_status read_triage(struct ld_source *src, const struct ld_dump_hdr *h, struct triage *t)
{
	uint8_t b[TRIAGE_HDR];
	if (h->file_size < (uint64_t)h->size + TRIAGE_HDR)
		return ld_fail(LD_ERR_FORMAT, "triage dump: truncated before its TRIAGE_DUMP header at 0x%x",
			       h->size);
	ld_status st = ld_file_read(src->file, h->size, b, sizeof(b));
	if (st)
		return st;
	t->size = ld_le32(b + 0x04);
	t->valid = ld_le32(b + 0x08);
	t->context = ld_le32(b + 0x0c);
	t->prcb = ld_le32(b + 0x1c);
	t->process = ld_le32(b + 0x20);
	t->thread = ld_le32(b + 0x24);
	return LD_OK;
}

static bool inside(const struct ld_dump_hdr *h, uint32_t off, uint32_t len)
{
	return off >= h->size && (uint64_t)off + len <= h->file_size;
}

static void check_marker(struct ld_source *src, const struct ld_dump_hdr *h, const struct triage *t)
{
	uint8_t m[4];
	/* SizeOfDump, not the header's RequiredDumpSpace, is what a triage dump
	 * must hold: real ones are shorter than RequiredDumpSpace. */
	if (t->size > h->file_size)
		ld_warn("triage dump: SizeOfDump 0x%x but the file has 0x%llx bytes: truncated", t->size,
			(unsigned long long)h->file_size);
	if (!inside(h, t->valid, 4) || ld_file_read(src->file, t->valid, m, 4) != LD_OK ||
	    ld_le32(m) != SIG_DGRT)
		ld_warn("triage dump: no DGRT validity marker at 0x%x", t->valid);
}

/* KPRCB.CurrentThread: +8 on x64, +4 on x86. */
static void take_thread(struct ld_source *src, const struct ld_dump_hdr *h, const struct triage *t)
{
	uint8_t b[8];
	uint32_t at = h->is64 ? 8 : 4, len = h->is64 ? 8 : 4;
	if (!inside(h, t->prcb, at + len) || ld_file_read(src->file, t->prcb + at, b, len) != LD_OK)
		return;
	src->meta.triage_thread = h->is64 ? ld_le64(b) : ld_le32(b);
}

ld_status ld_dump_triage_open(struct ld_source *src, const struct ld_dump_hdr *h)
{
	struct triage t = { 0 };
	src->meta.layout = "triage";
	src->meta.triage = true;
	ld_status st = read_triage(src, h, &t);
	if (st)
		return st;
	check_marker(src, h, &t);
	take_thread(src, h, &t);
	/* the map stays empty: a triage dump holds no physical pages */
	return LD_OK;
}
