/*
 * kdump_flat.c — makedumpfile's "flattened" format, as QEMU before 8.2
 * writes `dump-guest-memory -z/-l/-s` (and makedumpfile -F to a pipe).
 *
 * A flattened file is a kdump-compressed file cut into pieces for writing
 * to a stream: a 4 KiB header ("makedumpfile" signature, type 1, version 1,
 * big-endian 64-bit fields), then records {int64 offset, int64 size} (big
 * endian) each followed by size bytes that belong at offset of the real
 * file, and a final record {-1, -1}. libkdumpfile 0.5.1 reads only the real
 * file, so we put the pieces back together in an unlinked temporary file
 * (sparse; it takes about as much disk as the input, never memory) and hand
 * that to the kdump reader.
 */
#include "source-priv.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FLAT_HEADER_SIZE 4096u
#define FLAT_SIGNATURE "makedumpfile"
/* No real piece is larger than a page bitmap block or a compressed page run;
 * 64 MiB is generous and stops a hostile size from stalling us. */
#define FLAT_MAX_PIECE ((uint64_t)64 << 20)
/* Largest reassembled file we agree to describe (sparse, so cheap): 16 TiB. */
#define FLAT_MAX_OFFSET ((uint64_t)1 << 44)
#define COPY_CHUNK 65536u

static uint64_t be64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static int flat_probe(const uint8_t *head, size_t n, uint64_t file_size)
{
	if (n < 32 || file_size < FLAT_HEADER_SIZE ||
	    memcmp(head, FLAT_SIGNATURE, sizeof FLAT_SIGNATURE) != 0)
		return 0;
	/* type 1 (flattened), version 1 */
	return be64(head + 16) == 1 && be64(head + 24) == 1 ? 95 : 0;
}

static ld_status copy_piece(struct ld_file *in, uint64_t from, int out, uint64_t to, uint64_t len)
{
	uint8_t buf[COPY_CHUNK];
	while (len > 0) {
		size_t n = len < sizeof buf ? (size_t)len : sizeof buf;
		ld_status st = ld_file_read(in, from, buf, n);
		if (st != LD_OK)
			return st;
		if (pwrite(out, buf, n, (off_t)to) != (ssize_t)n)
			return ld_fail(LD_ERR_IO, "flattened kdump: writing the reassembled file: %s",
				       errno ? strerror(errno) : "short write");
		from += n;
		to += n;
		len -= n;
	}
	return LD_OK;
}

/* Walk the records from FLAT_HEADER_SIZE and write each piece in place. */
static ld_status reassemble(struct ld_file *in, int out, const char *path)
{
	uint64_t pos = FLAT_HEADER_SIZE, size = ld_file_size(in), pieces = 0;
	while (pos + 16 <= size) {
		uint8_t rec[16];
		ld_status st = ld_file_read(in, pos, rec, sizeof rec);
		if (st != LD_OK)
			return st;
		uint64_t off = be64(rec), len = be64(rec + 8);
		if (off == UINT64_MAX && len == UINT64_MAX)
			return pieces ? LD_OK : ld_fail(LD_ERR_FORMAT, "%s: flattened kdump holds nothing", path);
		pos += 16;
		if (len > FLAT_MAX_PIECE || off > FLAT_MAX_OFFSET)
			return ld_fail(LD_ERR_FORMAT, "%s: flattened kdump record at 0x%" PRIx64
				       " is bad (offset 0x%" PRIx64 ", size 0x%" PRIx64 ")", path, pos - 16, off, len);
		if (len > size - pos) {
			/* Cut short: keep what arrived; the pages it lacks read as absent. */
			ld_warn("%s: flattened kdump truncated in the record at 0x%" PRIx64 ": reading what is there",
				path, pos - 16);
			return copy_piece(in, pos, out, off, size - pos);
		}
		if ((st = copy_piece(in, pos, out, off, len)) != LD_OK)
			return st;
		pos += len;
		pieces++;
	}
	if (pieces == 0)
		return ld_fail(LD_ERR_FORMAT, "%s: flattened kdump holds nothing", path);
	ld_warn("%s: flattened kdump has no end record: truncated? (reading what is there)", path);
	return LD_OK;
}

/* A temporary file that disappears with its last descriptor. */
static ld_status make_temp(char *name, size_t cap, int *fd)
{
	const char *dir = getenv("TMPDIR");
	snprintf(name, cap, "%s/lpcdump-kdump.XXXXXX", dir && *dir ? dir : "/tmp");
	*fd = mkstemp(name);
	if (*fd < 0)
		return ld_fail(LD_ERR_IO, "flattened kdump: temporary file in %s: %s",
			       dir && *dir ? dir : "/tmp", strerror(errno));
	return LD_OK;
}

static ld_status flat_open(struct ld_source *src)
{
	char name[4096];
	int fd;
	ld_status st = make_temp(name, sizeof name, &fd);
	if (st != LD_OK)
		return st;
	struct ld_file *whole = NULL;
	st = reassemble(src->file, fd, src->path);
	if (st == LD_OK)
		st = ld_file_open(name, &whole);
	unlink(name);
	close(fd);
	if (st != LD_OK)
		return st;
	/* From here on it is a kdump file like any other. */
	ld_file_close(src->file);
	src->file = whole;
	if ((st = ld_kdump_check_layout(whole, src->path)) != LD_OK)
		return st;
	src->ops = &ld_source_kdump_ops;
	src->meta.format = ld_source_kdump_ops.name;
	src->meta.file_size = ld_file_size(whole);
	return ld_source_kdump_ops.open(src);
}

const struct ld_source_ops ld_source_kdump_flat_ops = {
	.name = "kdump-flat",
	.probe = flat_probe,
	.open = flat_open,
};
