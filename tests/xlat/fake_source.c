/* fake_source.c — see fake_source.h. Only what the translation layer uses
 * (ld_source_read, ld_source_meta) is implemented. */
#include "fake_source.h"

#include <stdlib.h>
#include <string.h>

#define FAKE_MAX_PAGES 256

struct ld_source {
	struct ld_source_meta meta;
	uint64_t pfn[FAKE_MAX_PAGES];
	uint8_t *data[FAKE_MAX_PAGES];
	size_t n;
	unsigned long reads;
};

struct ld_source *fake_source_new(void)
{
	struct ld_source *s = calloc(1, sizeof *s);
	if (s) {
		s->meta.format = "fake";
		s->meta.dump_type = -1;
	}
	return s;
}

void fake_source_free(struct ld_source *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->data[i]);
	free(s);
}

static uint8_t *find(const struct ld_source *s, uint64_t pfn)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->pfn[i] == pfn)
			return s->data[i];
	return NULL;
}

uint8_t *fake_page(struct ld_source *s, uint64_t pfn)
{
	uint8_t *p = find(s, pfn);
	if (p || s->n == FAKE_MAX_PAGES)
		return p;
	p = calloc(1, LD_PAGE_SIZE);
	s->pfn[s->n] = pfn;
	s->data[s->n++] = p;
	return p;
}

void fake_put64(struct ld_source *s, uint64_t pa, uint64_t v)
{
	ld_put_le64(fake_page(s, pa >> 12) + (pa & 0xfff), v);
}

void fake_put32(struct ld_source *s, uint64_t pa, uint32_t v)
{
	ld_put_le32(fake_page(s, pa >> 12) + (pa & 0xfff), v);
}

unsigned long fake_reads(const struct ld_source *s)
{
	return s->reads;
}

const struct ld_source_meta *ld_source_meta(const struct ld_source *s)
{
	return &s->meta;
}

ld_status ld_source_read(struct ld_source *s, uint64_t pa, void *buf, size_t len)
{
	uint8_t *out = buf;
	s->reads++;
	while (len) {
		const uint8_t *p = find(s, pa >> 12);
		size_t off = pa & 0xfff, n = LD_PAGE_SIZE - off < len ? LD_PAGE_SIZE - off : len;
		if (!p)
			return ld_fail(LD_ERR_NOT_PRESENT, "fake: PA 0x%llx not present",
				       (unsigned long long)pa);
		memcpy(out, p + off, n);
		out += n;
		pa += n;
		len -= n;
	}
	return LD_OK;
}
