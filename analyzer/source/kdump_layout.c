/*
 * kdump_layout.c — a kdump-compressed file's header checked by us before
 * libkdumpfile sees it.
 *
 * libkdumpfile 0.5.1 crashes (a use-after-free in kdump_free after a failed
 * open) on a file cut inside its sub-header or bitmaps, so those must be
 * whole before we hand the file over. The layout (makedumpfile's
 * disk_dump_header, little-endian on x86): "KDUMP   " (or the older
 * "DISKDUMP") at 0, block_size at
 * 428, sub_hdr_size (blocks) at 432, bitmap_blocks at 436; then block 0 is
 * the header, the sub-header follows, then the two page bitmaps, then the
 * page descriptors and data.
 */
#include "source-priv.h"

#include <inttypes.h>
#include <string.h>

#define DDH_SIZE 464u
#define DDH_BLOCK_SIZE 428u
#define DDH_SUB_HDR_SIZE 432u
#define DDH_BITMAP_BLOCKS 436u

ld_status ld_kdump_check_layout(struct ld_file *f, const char *path)
{
	uint8_t h[DDH_SIZE];
	uint64_t size = ld_file_size(f);
	if (size < sizeof h)
		return ld_fail(LD_ERR_FORMAT, "%s: kdump file of %" PRIu64 " bytes is shorter than its header",
			       path, size);
	ld_status st = ld_file_read(f, 0, h, sizeof h);
	if (st != LD_OK)
		return st;
	if (memcmp(h, "KDUMP   ", 8) != 0 && memcmp(h, "DISKDUMP", 8) != 0)
		return ld_fail(LD_ERR_FORMAT, "%s: no KDUMP or DISKDUMP signature", path);
	uint32_t bs = ld_le32(h + DDH_BLOCK_SIZE), sub = ld_le32(h + DDH_SUB_HDR_SIZE);
	uint32_t bitmap = ld_le32(h + DDH_BITMAP_BLOCKS);
	if (bs < 512 || bs > (1u << 20) || (bs & (bs - 1)) != 0)
		return ld_fail(LD_ERR_FORMAT, "%s: kdump block size %" PRIu32 " is not a power of two "
			       "between 512 and 1 MiB", path, bs);
	uint64_t need = (1 + (uint64_t)sub + bitmap) * bs;
	if (need > size)
		return ld_fail(LD_ERR_FORMAT, "%s: kdump truncated: its header, sub-header and bitmaps take "
			       "%" PRIu64 " bytes, the file has %" PRIu64, path, need, size);
	return LD_OK;
}
