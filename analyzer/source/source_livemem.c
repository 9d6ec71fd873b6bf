/*
 * source_livemem.c — mem://PATH: a running guest's RAM file (QEMU
 * memory-backend-file, often under /dev/shm), read with pread.
 *
 * The file is opened read-only and never mapped writable: lpcdump must not
 * be able to change the guest. Nothing is cached, because the guest keeps
 * running and every read should see its memory as it is now. File offset =
 * guest physical address, except that with lowmem= the part of the file past
 * lowmem is the RAM QEMU places above 4 GiB (the PCI hole sits between).
 */
#include "live-priv.h"
#include "source-priv.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FOUR_GIB ((uint64_t)1 << 32)
/* QEMU pc splits RAM at 3 GiB once it reaches 3.5 GiB (q35: 2 GiB at 2.75 GiB).
 * Below 2.75 GiB both machines map the whole file at 0. */
#define PC_SPLIT_FROM 0xE0000000ull
#define PC_LOWMEM 0xC0000000ull
#define Q35_SPLIT_FROM 0xB0000000ull

struct ld_livemem {
	int fd;
	uint64_t size;               /* file size at open */
	uint64_t lowmem;             /* file bytes [0, lowmem) at PA 0, the rest at 4 GiB */
	struct ld_live_range ranges[2];
	size_t nranges;
	struct ld_source_meta meta;
};

static ld_status choose_lowmem(struct ld_livemem *m, const char *query, const char *path)
{
	char v[64];
	if (ld_live_url_opt(query, "lowmem", v, sizeof v)) {
		if (!ld_live_parse_size(v, &m->lowmem) || m->lowmem % LD_PAGE_SIZE || m->lowmem > FOUR_GIB)
			return ld_fail(LD_ERR_ARG, "mem://%s: bad lowmem=%s", path, v);
		return LD_OK;
	}
	m->lowmem = m->size;
	if (m->size >= Q35_SPLIT_FROM) {
		m->lowmem = m->size >= PC_SPLIT_FROM ? PC_LOWMEM : m->size;
		ld_warn("mem://%s: %" PRIu64 " MiB of RAM: assuming QEMU pc's layout (lowmem=%" PRIu64
			"M); give ?lowmem= for other machines (q35: 2G)", path, m->size >> 20, m->lowmem >> 20);
	}
	if (m->lowmem > m->size)
		m->lowmem = m->size;
	return LD_OK;
}

static void set_ranges(struct ld_livemem *m)
{
	uint64_t low = m->lowmem & ~(uint64_t)(LD_PAGE_SIZE - 1);
	uint64_t high = (m->size - m->lowmem) & ~(uint64_t)(LD_PAGE_SIZE - 1);
	m->nranges = 0;
	if (low)
		m->ranges[m->nranges++] = (struct ld_live_range){ 0, low };
	if (high)
		m->ranges[m->nranges++] = (struct ld_live_range){ FOUR_GIB, FOUR_GIB + high };
}

static void fill_meta(struct ld_livemem *m)
{
	struct ld_source_meta *meta = &m->meta;
	meta->format = "mem";
	meta->live = true;
	meta->dump_type = -1;
	meta->arch = LD_ARCH_UNKNOWN;
	meta->file_size = m->size;
	for (size_t i = 0; i < m->nranges; i++)
		meta->present_pages += (m->ranges[i].end - m->ranges[i].start) / LD_PAGE_SIZE;
	meta->max_pfn = m->nranges ? m->ranges[m->nranges - 1].end / LD_PAGE_SIZE : 0;
}

/* Split "mem://PATH?QUERY" (or a bare PATH) into path and query. */
static ld_status split_url(const char *url, char *path, size_t cap, const char **query)
{
	if (strncmp(url, "mem://", 6) == 0)
		url += 6;
	const char *q = strchr(url, '?');
	size_t n = q ? (size_t)(q - url) : strlen(url);
	if (n == 0 || n >= cap)
		return ld_fail(LD_ERR_ARG, "mem://: bad path \"%.80s\"", url);
	memcpy(path, url, n);
	path[n] = '\0';
	*query = q ? q + 1 : NULL;
	return LD_OK;
}

static ld_status open_file(struct ld_livemem *m, const char *path)
{
	m->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (m->fd < 0)
		return ld_fail(LD_ERR_IO, "mem://%s: %s", path, strerror(errno));
	struct stat st;
	if (fstat(m->fd, &st) < 0)
		return ld_fail(LD_ERR_IO, "mem://%s: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return ld_fail(LD_ERR_UNSUPPORTED, "mem://%s: not a regular file (a guest RAM file is)", path);
	if (st.st_size < (off_t)LD_PAGE_SIZE)
		return ld_fail(LD_ERR_FORMAT, "mem://%s: %lld bytes is too small for guest RAM", path,
			       (long long)st.st_size);
	m->size = (uint64_t)st.st_size;
	return LD_OK;
}

ld_status ld_livemem_open(const char *url, struct ld_livemem **out)
{
	char path[4096];
	const char *query = NULL;
	ld_status st = split_url(url, path, sizeof path, &query);
	if (st != LD_OK)
		return st;
	struct ld_livemem *m = ld_xcalloc(1, sizeof *m);
	if (!m)
		return LD_ERR_NOMEM;
	m->fd = -1;
	if ((st = open_file(m, path)) != LD_OK || (st = choose_lowmem(m, query, path)) != LD_OK) {
		ld_livemem_close(m);
		return st;
	}
	set_ranges(m);
	fill_meta(m);
	*out = m;
	return LD_OK;
}

const struct ld_source_meta *ld_livemem_meta(const struct ld_livemem *m)
{
	return &m->meta;
}

/* Guest physical address → file offset; false outside RAM. */
static bool file_offset(const struct ld_livemem *m, uint64_t pa, uint64_t *off)
{
	if (pa < m->lowmem) {
		*off = pa;
		return true;
	}
	if (pa >= FOUR_GIB && pa - FOUR_GIB < m->size - m->lowmem) {
		*off = m->lowmem + (pa - FOUR_GIB);
		return true;
	}
	return false;
}

ld_status ld_livemem_read(struct ld_livemem *m, uint64_t pa, void *buf, size_t len)
{
	uint8_t *p = buf;
	while (len > 0) {
		uint64_t off;
		if (!ld_live_ranges_has(m->ranges, m->nranges, pa) || !file_offset(m, pa, &off))
			return ld_fail(LD_ERR_NOT_PRESENT, "mem: 0x%" PRIx64 " is not guest RAM", pa);
		/* Stay within one page so that a range boundary is checked. */
		size_t n = LD_PAGE_SIZE - (size_t)(pa % LD_PAGE_SIZE);
		if (n > len)
			n = len;
		ssize_t got = pread(m->fd, p, n, (off_t)off);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return ld_fail(LD_ERR_IO, "mem: reading 0x%" PRIx64 ": %s", pa, strerror(errno));
		if (got == 0)   /* the file shrank: the guest went away */
			return ld_fail(LD_ERR_IO, "mem: guest RAM file ends before 0x%" PRIx64, pa);
		p += got;
		pa += (uint64_t)got;
		len -= (size_t)got;
	}
	return LD_OK;
}

bool ld_livemem_has_page(struct ld_livemem *m, uint64_t pfn)
{
	return pfn < (UINT64_MAX >> LD_PAGE_SHIFT) &&
	       ld_live_ranges_has(m->ranges, m->nranges, pfn << LD_PAGE_SHIFT);
}

ld_status ld_livemem_next_range(struct ld_livemem *m, uint64_t from, uint64_t *start, uint64_t *end)
{
	return ld_live_ranges_next(m->ranges, m->nranges, from, start, end);
}

/* The guest's RAM file shrinks or is emptied when QEMU goes away. */
ld_status ld_livemem_status(struct ld_livemem *m)
{
	struct stat st;
	if (fstat(m->fd, &st) < 0)
		return ld_fail(LD_ERR_IO, "mem: guest RAM file: %s", strerror(errno));
	if ((uint64_t)st.st_size < m->size)
		return ld_fail(LD_ERR_IO, "mem: the guest RAM file shrank from %" PRIu64 " to %lld bytes: "
			       "the guest went away", m->size, (long long)st.st_size);
	return LD_OK;
}

void ld_livemem_close(struct ld_livemem *m)
{
	if (!m)
		return;
	if (m->fd >= 0)
		close(m->fd);
	free(m);
}

/* ---- the row of the format table (source-priv.h) ---- */

static ld_status ops_open(struct ld_source *src)
{
	struct ld_livemem *m;
	ld_status st = ld_livemem_open(src->path, &m);
	if (st != LD_OK)
		return st;
	src->priv = m;
	src->meta = m->meta;
	return LD_OK;
}

static ld_status ops_read(struct ld_source *src, uint64_t pa, void *buf, size_t len)
{
	return ld_livemem_read(src->priv, pa, buf, len);
}

static bool ops_has_page(struct ld_source *src, uint64_t pfn)
{
	return ld_livemem_has_page(src->priv, pfn);
}

static ld_status ops_next_range(struct ld_source *src, uint64_t from, uint64_t *start, uint64_t *end)
{
	return ld_livemem_next_range(src->priv, from, start, end);
}

static ld_status ops_status(struct ld_source *src)
{
	return ld_livemem_status(src->priv);
}

static void ops_close(struct ld_source *src)
{
	ld_livemem_close(src->priv);
	src->priv = NULL;
}

/* No refresh: nothing is cached, every read sees the guest as it is now. */
const struct ld_source_ops ld_source_mem_ops = {
	.name = "mem",
	.scheme = "mem://",
	.open = ops_open,
	.read = ops_read,
	.has_page = ops_has_page,
	.next_range = ops_next_range,
	.status = ops_status,
	.close = ops_close,
};
