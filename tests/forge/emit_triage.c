/*
 * emit_triage.c — a minimal but well-formed small memory dump (DumpType 4):
 * the top header, a TRIAGE_DUMP header at 0x1000/0x2000 whose offsets point
 * at a PRCB copy (CurrentThread set), empty process/thread copies, and the
 * DGRT validity marker in the last four bytes. No physical pages.
 */
#include "emit-priv.h"

#include <string.h>

/* The faulting thread's VA the PRCB copy names (what readers must report). */
#define TRIAGE_THREAD64 0xfffffa8000a01040ull
#define TRIAGE_THREAD32 0x81a01020u

int fg_emit_triage(struct fg_machine *m, const char *path)
{
	struct fg_out o;
	uint8_t h[0x2000], t[0x48] = { 0 }, prcb[16] = { 0 };
	bool is64 = fg_emit_is64(m);
	uint32_t hs = fg_emit_hdr_size(m), size = hs * 16;
	uint32_t prcb_at = hs + 0x1000, process_at = hs + 0x2000, thread_at = hs + 0x3000;
	if (fg_out_open(&o, path))
		return 1;
	fg_dump_header(m, h, LD_DUMP_TRIAGE, size);
	ld_put_le32(t + 0x00, m->build);                    /* ServicePackBuild */
	ld_put_le32(t + 0x04, size);                        /* SizeOfDump */
	ld_put_le32(t + 0x08, size - 4);                    /* ValidOffset */
	ld_put_le32(t + 0x0c, is64 ? 0x348 : 0x320);        /* ContextOffset: the header's */
	ld_put_le32(t + 0x1c, prcb_at);
	ld_put_le32(t + 0x20, process_at);
	ld_put_le32(t + 0x24, thread_at);
	if (is64)
		ld_put_le64(prcb + 8, TRIAGE_THREAD64);
	else
		ld_put_le32(prcb + 4, TRIAGE_THREAD32);
	fg_out_write(&o, 0, h, hs);
	fg_out_write(&o, hs, t, sizeof(t));
	fg_out_write(&o, prcb_at, prcb, sizeof(prcb));
	uint8_t valid[4];
	ld_put_le32(valid, 0x44475254u);                    /* 'DGRT': "TRGD" on disk, as Windows writes it */
	fg_out_write(&o, size - 4, valid, 4);
	return fg_out_close(&o, size);
}
