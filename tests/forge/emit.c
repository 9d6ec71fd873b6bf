/*
 * emit.c — fg_emit(): the table of output formats, and the sparse output
 * file and page walking every writer uses.
 */
#include "emit-priv.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int emit_bitmap5(struct fg_machine *m, const char *p) { return fg_emit_bitmap(m, p, LD_DUMP_BITMAP_FULL); }
static int emit_bitmap6(struct fg_machine *m, const char *p) { return fg_emit_bitmap(m, p, LD_DUMP_BITMAP_KERNEL); }
static int emit_rdmp8(struct fg_machine *m, const char *p) { return fg_emit_rdmp(m, p, LD_DUMP_KERNEL_RANGE); }
static int emit_rdmp9(struct fg_machine *m, const char *p) { return fg_emit_rdmp(m, p, LD_DUMP_KERNEL_USER_RANGE); }
static int emit_rdmpA(struct fg_machine *m, const char *p) { return fg_emit_rdmp(m, p, LD_DUMP_FULL_RANGE); }

static const struct {
	const char *name;
	int (*write)(struct fg_machine *m, const char *path);
} formats[] = {
	{ "full", fg_emit_full },
	{ "bitmap5", emit_bitmap5 },
	{ "bitmap6", emit_bitmap6 },
	{ "summary", fg_emit_summary },
	{ "rdmp8", emit_rdmp8 },
	{ "rdmp9", emit_rdmp9 },
	{ "rdmpA", emit_rdmpA },
	{ "triage", fg_emit_triage },
	{ "elf", fg_emit_elf },
	{ "raw", fg_emit_raw },
};

const char *const *fg_emit_formats(void)
{
	static const char *names[LD_ARRAY_SIZE(formats) + 1];
	for (size_t i = 0; i < LD_ARRAY_SIZE(formats); i++)
		names[i] = formats[i].name;
	return names;
}

int fg_emit(struct fg_machine *m, const char *format, const char *path)
{
	for (size_t i = 0; i < LD_ARRAY_SIZE(formats); i++)
		if (strcmp(formats[i].name, format) == 0)
			return formats[i].write(m, path);
	fprintf(stderr, "forge: unknown output format '%s' (see --list-formats)\n", format);
	return 1;
}

int fg_out_open(struct fg_out *o, const char *path)
{
	o->path = path;
	o->failed = false;
	o->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (o->fd < 0) {
		fprintf(stderr, "forge: cannot create %s: %s\n", path, strerror(errno));
		return 1;
	}
	return 0;
}

void fg_out_write(struct fg_out *o, uint64_t off, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	while (len > 0 && !o->failed) {
		ssize_t n = pwrite(o->fd, p, len, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fprintf(stderr, "forge: writing %s: %s\n", o->path, strerror(errno));
			o->failed = true;
			return;
		}
		p += n, off += (uint64_t)n, len -= (size_t)n;
	}
}

int fg_out_close(struct fg_out *o, uint64_t size)
{
	if (!o->failed && ftruncate(o->fd, (off_t)size) != 0) {
		fprintf(stderr, "forge: sizing %s: %s\n", o->path, strerror(errno));
		o->failed = true;
	}
	if (close(o->fd) != 0)
		o->failed = true;
	return o->failed ? 1 : 0;
}

size_t fg_emit_first_page(const struct fg_machine *m, uint64_t pfn)
{
	size_t lo = 0, hi = m->npages;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (m->pages[mid].pfn < pfn)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void fg_emit_run(struct fg_out *o, const struct fg_machine *m, uint64_t off, uint64_t base_pfn,
		 uint64_t n)
{
	for (size_t i = fg_emit_first_page(m, base_pfn); i < m->npages; i++) {
		const struct fg_page *p = &m->pages[i];
		if (p->pfn >= base_pfn + n)
			break;
		fg_out_write(o, off + (p->pfn - base_pfn) * LD_PAGE_SIZE, p->data, LD_PAGE_SIZE);
	}
}

struct fg_ram_range *fg_emit_data_runs(const struct fg_machine *m, size_t *n)
{
	struct fg_ram_range *r = calloc(m->npages + 1, sizeof(*r));
	if (!r) {
		fprintf(stderr, "forge: out of memory\n");
		exit(1);
	}
	*n = 0;
	for (size_t i = 0; i < m->npages; i++) {
		uint64_t pfn = m->pages[i].pfn;
		if (*n && r[*n - 1].base_pfn + r[*n - 1].npages == pfn)
			r[*n - 1].npages++;
		else
			r[(*n)++] = (struct fg_ram_range){ pfn, 1 };
	}
	return r;
}
