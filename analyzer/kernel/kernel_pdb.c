/*
 * kernel_pdb.c — the PDB identity of the kernel image in memory: PE headers →
 * the debug data directory → the CodeView "RSDS" record (GUID, age, PDB
 * name). `--symbols DIR` uses it to pick the ISF made from exactly this
 * kernel's PDB.
 *
 * Everything comes from untrusted memory: offsets are bounded to the image,
 * entry counts capped, and a debug directory that is paged out (it often sits
 * in a discardable section) is "unavailable", not an error in the dump.
 */
#include "kernel-priv.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define PE_HEADER_MAX 0x1000u
#define DEBUG_DIR_ENTRY 28u
#define DEBUG_DIR_MAX 16u              /* real images have a handful */
#define DEBUG_TYPE_CODEVIEW 2u
#define RSDS_MAGIC 0x53445352u         /* "RSDS" */
#define DATA_DIR_DEBUG 6u

/* RVA and size of the debug data directory. */
static ld_status debug_directory(struct ld_kernel *k, uint64_t base, uint32_t *rva, uint32_t *size,
				 uint32_t *image_size)
{
	uint8_t dos[0x40], nt[24 + 240];
	ld_status st = ld_kernel_read(k, base, dos, sizeof dos);
	if (st != LD_OK)
		return ld_fail_ctx(st, "kernel image at 0x%" PRIx64, base);
	if (dos[0] != 'M' || dos[1] != 'Z')
		return ld_fail(LD_ERR_FORMAT, "no MZ header at the kernel base 0x%" PRIx64, base);
	uint32_t lfanew = ld_le32(dos + 0x3c);
	if (lfanew < sizeof dos || lfanew > PE_HEADER_MAX - sizeof nt)
		return ld_fail(LD_ERR_FORMAT, "kernel image: e_lfanew 0x%x out of range", lfanew);
	if ((st = ld_kernel_read(k, base + lfanew, nt, sizeof nt)) != LD_OK)
		return ld_fail_ctx(st, "kernel image PE header");
	if (memcmp(nt, "PE\0\0", 4) != 0)
		return ld_fail(LD_ERR_FORMAT, "kernel image: no PE signature");
	const uint8_t *opt = nt + 24;
	uint16_t magic = ld_le16(opt);
	/* Where NumberOfRvaAndSizes and the data directories sit differs
	 * between PE32 and PE32+. */
	unsigned ndirs_at = magic == 0x20b ? 108 : 92, dirs_at = ndirs_at + 4;
	if (magic != 0x10b && magic != 0x20b)
		return ld_fail(LD_ERR_FORMAT, "kernel image: optional header magic 0x%x", magic);
	uint32_t ndirs = ld_le32(opt + ndirs_at);
	if (ndirs <= DATA_DIR_DEBUG || dirs_at + 8 * (DATA_DIR_DEBUG + 1) > sizeof nt - 24)
		return ld_fail(LD_ERR_NOT_FOUND, "kernel image has no debug directory");
	*image_size = ld_le32(opt + 56);
	*rva = ld_le32(opt + dirs_at + 8 * DATA_DIR_DEBUG);
	*size = ld_le32(opt + dirs_at + 8 * DATA_DIR_DEBUG + 4);
	if (!*rva || !*size)
		return ld_fail(LD_ERR_NOT_FOUND, "kernel image has no debug directory");
	if ((uint64_t)*rva + *size > *image_size)
		return ld_fail(LD_ERR_CORRUPT, "kernel debug directory 0x%x+0x%x is outside the image",
			       *rva, *size);
	return LD_OK;
}

static void format_guid(const uint8_t g[16], char out[33])
{
	/* Symbol-server order: Data1..Data3 little-endian, Data4 as bytes. */
	snprintf(out, 33, "%08X%04X%04X%02X%02X%02X%02X%02X%02X%02X%02X", ld_le32(g), ld_le16(g + 4),
		 ld_le16(g + 6), g[8], g[9], g[10], g[11], g[12], g[13], g[14], g[15]);
}

static ld_status read_rsds(struct ld_kernel *k, uint64_t base, uint32_t rva, uint32_t len,
			   uint32_t image_size, struct ld_kernel_pdb *out)
{
	uint8_t rec[24 + sizeof out->name];
	if (len < 24 || (uint64_t)rva + 24 > image_size)
		return ld_fail(LD_ERR_CORRUPT, "kernel CodeView record too small or outside the image");
	size_t n = len < sizeof rec ? len : sizeof rec;
	if ((uint64_t)rva + n > image_size)
		n = image_size - rva;
	ld_status st = ld_kernel_read(k, base + rva, rec, n);
	if (st != LD_OK)
		return ld_fail_ctx(st, "kernel CodeView record at 0x%" PRIx64, base + rva);
	if (ld_le32(rec) != RSDS_MAGIC)
		return ld_fail(LD_ERR_UNSUPPORTED, "kernel CodeView record is not RSDS (0x%08x)",
			       ld_le32(rec));
	format_guid(rec + 4, out->guid);
	out->age = ld_le32(rec + 20);
	size_t i = 0;
	for (; i + 24 < n && i + 1 < sizeof out->name && rec[24 + i]; i++)
		out->name[i] = (char)rec[24 + i];
	out->name[i] = 0;
	return LD_OK;
}

ld_status ld_kernel_pdb_identity(struct ld_kernel *k, struct ld_kernel_pdb *out)
{
	memset(out, 0, sizeof *out);
	uint64_t base = k->info.kernel_base;
	if (!base)
		return ld_fail(LD_ERR_NOT_FOUND, "kernel base unknown: cannot read its PDB identity");
	uint32_t rva = 0, size = 0, image_size = 0;
	ld_status st = debug_directory(k, base, &rva, &size, &image_size);
	if (st != LD_OK)
		return st;
	unsigned n = size / DEBUG_DIR_ENTRY;
	if (n > DEBUG_DIR_MAX)
		n = DEBUG_DIR_MAX;
	for (unsigned i = 0; i < n; i++) {
		uint8_t e[DEBUG_DIR_ENTRY];
		st = ld_kernel_read(k, base + rva + i * DEBUG_DIR_ENTRY, e, sizeof e);
		if (st != LD_OK)
			return ld_fail_ctx(st, "kernel debug directory entry %u", i);
		if (ld_le32(e + 12) == DEBUG_TYPE_CODEVIEW)
			return read_rsds(k, base, ld_le32(e + 20), ld_le32(e + 16), image_size, out);
	}
	return ld_fail(LD_ERR_NOT_FOUND, "kernel image has no CodeView debug record");
}
