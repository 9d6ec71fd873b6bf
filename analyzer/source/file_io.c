/*
 * file_io.c — reading a dump file with pread through a small block cache.
 *
 * Dumps are large (GBs) and read sparsely (headers, page tables, objects), so
 * the file is never mapped or loaded whole: whole aligned blocks go straight
 * from pread into the caller's buffer (bulk scans stay at disk speed) and
 * small reads are served from a set-associative cache of 4 KiB blocks (page
 * tables, headers and the objects of one process are read again and again,
 * and a direct-mapped cache lost them to collisions). Memory use is fixed:
 * CACHE_SLOTS blocks at most, and only the slots used become resident.
 */
#include "source-priv.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BLOCK LD_PAGE_SIZE
#define CACHE_WAYS 8u
#define CACHE_SETS 64u
#define CACHE_SLOTS (CACHE_WAYS * CACHE_SETS)   /* 2 MiB */
#define NO_BLOCK UINT64_MAX

struct ld_file {
	int fd;
	uint64_t size;
	uint64_t tag[CACHE_SLOTS];      /* block number held by each slot */
	uint32_t used[CACHE_SLOTS];     /* clock of the last use: least recent is evicted */
	uint32_t clock;
	uint8_t *blocks;                /* CACHE_SLOTS * BLOCK */
};

ld_status ld_file_open(const char *path, struct ld_file **out)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return ld_fail(LD_ERR_IO, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return ld_fail(LD_ERR_IO, "%s: not a regular file", path);
	}
	struct ld_file *f = ld_xcalloc(1, sizeof(*f));
	uint8_t *blocks = f ? ld_xcalloc(CACHE_SLOTS, BLOCK) : NULL;
	if (!blocks) {
		free(f);
		close(fd);
		return LD_ERR_NOMEM;
	}
	f->fd = fd;
	f->size = (uint64_t)st.st_size;
	f->blocks = blocks;
	ld_file_drop_cache(f);
	*out = f;
	return LD_OK;
}

void ld_file_close(struct ld_file *f)
{
	if (!f)
		return;
	close(f->fd);
	free(f->blocks);
	free(f);
}

uint64_t ld_file_size(const struct ld_file *f)
{
	return f->size;
}

int ld_file_fd(const struct ld_file *f)
{
	return f->fd;
}

void ld_file_drop_cache(struct ld_file *f)
{
	for (size_t i = 0; i < CACHE_SLOTS; i++) {
		f->tag[i] = NO_BLOCK;
		f->used[i] = 0;
	}
	f->clock = 0;
}

/* pread all of len, retrying short reads and EINTR. */
static ld_status read_exact(struct ld_file *f, uint64_t off, void *buf, size_t len)
{
	uint8_t *p = buf;
	while (len > 0) {
		ssize_t n = pread(f->fd, p, len, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return ld_fail(LD_ERR_IO, "reading %zu bytes at file offset 0x%llx: %s", len,
				       (unsigned long long)off, strerror(errno));
		if (n == 0)
			return ld_fail(LD_ERR_FORMAT, "file truncated at 0x%llx",
				       (unsigned long long)off);
		p += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return LD_OK;
}

/* The slot of block b in its set: the one holding it, else the least
 * recently used one (which the caller refills). */
static size_t cache_slot(struct ld_file *f, uint64_t b)
{
	/* Mix the block number so that strided layouts (one object per page
	 * at a fixed stride) still spread over the sets. */
	uint64_t h = b * 0x9e3779b97f4a7c15ull;
	size_t first = (size_t)((h >> 32) % CACHE_SETS) * CACHE_WAYS;
	size_t victim = first;
	for (size_t s = first; s < first + CACHE_WAYS; s++) {
		if (f->tag[s] == b)
			return s;
		if (f->used[s] < f->used[victim])
			victim = s;
	}
	return victim;
}

/* The cached copy of block b (which must lie inside the file, maybe partly). */
static ld_status cached_block(struct ld_file *f, uint64_t b, const uint8_t **out)
{
	if (f->clock == UINT32_MAX)
		ld_file_drop_cache(f);   /* 2^32 reads: start the ages again */
	size_t slot = cache_slot(f, b);
	uint8_t *data = f->blocks + slot * BLOCK;
	f->used[slot] = ++f->clock;
	if (f->tag[slot] != b) {
		uint64_t off = b * BLOCK;
		size_t n = f->size - off < BLOCK ? (size_t)(f->size - off) : BLOCK;
		f->tag[slot] = NO_BLOCK;
		ld_status st = read_exact(f, off, data, n);
		if (st)
			return st;
		memset(data + n, 0, BLOCK - n);
		f->tag[slot] = b;
	}
	*out = data;
	return LD_OK;
}

ld_status ld_file_read(struct ld_file *f, uint64_t off, void *buf, size_t len)
{
	if (off > f->size || len > f->size - off)
		return ld_fail(LD_ERR_FORMAT, "file truncated: %zu bytes at 0x%llx past its end 0x%llx",
			       len, (unsigned long long)off, (unsigned long long)f->size);
	uint8_t *p = buf;
	while (len > 0) {
		uint64_t b = off / BLOCK;
		size_t in = (size_t)(off % BLOCK);
		if (in == 0 && len >= BLOCK) {
			/* whole blocks: no copy through the cache */
			size_t n = len - len % BLOCK;
			ld_status st = read_exact(f, off, p, n);
			if (st)
				return st;
			p += n, off += n, len -= n;
			continue;
		}
		const uint8_t *data;
		ld_status st = cached_block(f, b, &data);
		if (st)
			return st;
		size_t n = BLOCK - in < len ? BLOCK - in : len;
		memcpy(p, data + in, n);
		p += n, off += n, len -= n;
	}
	return LD_OK;
}
