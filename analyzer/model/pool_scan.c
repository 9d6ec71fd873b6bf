/* pool_scan.c — find pool allocations by tag in all present physical memory.
 *
 * Streams the source range by range in fixed chunks (one buffer for the whole
 * scan, nothing per hit), looks for the tags at POOL_HEADER-aligned offsets,
 * and keeps a candidate only when its header is sane: a non-zero BlockSize
 * whose block stays inside its page. */
#include "model-priv.h"

#include <stdlib.h>
#include <string.h>

#define LD_POOL_CHUNK (256u * 1024u)   /* a multiple of the page size */
#define LD_POOL_MAX_TAGS 16u
/* Older kernels set the top bit of the tag for protected allocations. */
#define LD_POOL_TAG_MASK 0x7fffffffu

struct pscan {
	struct ld_model *m;
	uint32_t tags[LD_POOL_MAX_TAGS];
	size_t ntags;
	unsigned unit, tag_off;
	bool (*fn)(const struct ld_pool_hit *h, void *arg);
	void *arg;
};

static bool tag_match(const struct pscan *s, uint32_t tag)
{
	tag &= LD_POOL_TAG_MASK;
	for (size_t i = 0; i < s->ntags; i++)
		if (s->tags[i] == tag)
			return true;
	return false;
}

/* A candidate header at off: its tag must be one of ours and its block must
 * stay inside the page. */
static bool header_ok(struct ld_kernel *k, const struct pscan *s, const uint8_t *page, unsigned off,
		      uint32_t *bytes)
{
	if (!tag_match(s, ld_le32(page + off + s->tag_off)))
		return false;
	uint64_t blocks = ld_model_field_from_buf(k, page + off, s->unit, &s->m->f.ph_block);
	uint64_t b = blocks * s->unit;
	if (blocks == 0 || off + b > LD_PAGE_SIZE)
		return false;
	*bytes = (uint32_t)b;
	return true;
}

/* Candidates are found with memchr on each tag's first byte (glibc scans a
 * page in a few dozen instructions), marked in a bitmap of header slots, and
 * reported in address order. Returns false when the callback asked to stop. */
static bool page_scan(struct ld_kernel *k, struct pscan *s, const uint8_t *page, uint64_t pa)
{
	uint64_t slots[LD_PAGE_SIZE / 8 / 64] = { 0 };
	bool any = false;
	for (size_t t = 0; t < s->ntags; t++) {
		const uint8_t *p = page + s->tag_off, *end = page + LD_PAGE_SIZE - s->unit + s->tag_off + 1;
		uint8_t first = (uint8_t)(s->tags[t] & 0xff);
		while (p < end && (p = memchr(p, first, (size_t)(end - p))) != NULL) {
			size_t pos = (size_t)(p - page) - s->tag_off;
			if (pos % s->unit == 0) {
				slots[pos / s->unit / 64] |= 1ull << (pos / s->unit % 64);
				any = true;
			}
			p++;
		}
	}
	for (unsigned w = 0; any && w < LD_ARRAY_SIZE(slots); w++) {
		for (uint64_t bits = slots[w]; bits; bits &= bits - 1) {
			unsigned off = (w * 64 + (unsigned)__builtin_ctzll(bits)) * s->unit;
			struct ld_pool_hit h = { .pa = pa + off };
			if (!header_ok(k, s, page, off, &h.block_size))
				continue;
			memcpy(h.tag, page + off + s->tag_off, 4);
			h.tag[3] &= 0x7f;
			h.tag[4] = '\0';
			if (!s->fn(&h, s->arg))
				return false;
		}
	}
	return true;
}

static ld_status range_scan(struct ld_kernel *k, struct pscan *s, uint8_t *buf, uint64_t start,
			    uint64_t end, bool *stop)
{
	struct ld_source *src = ld_kernel_source(k);
	for (uint64_t pa = start; pa < end && !*stop;) {
		size_t len = end - pa > LD_POOL_CHUNK ? LD_POOL_CHUNK : (size_t)(end - pa);
		if (ld_source_read(src, pa, buf, len) != LD_OK) {
			pa += LD_PAGE_SIZE;   /* a hole inside the range: skip a page */
			continue;
		}
		for (size_t off = 0; off + LD_PAGE_SIZE <= len; off += LD_PAGE_SIZE)
			if (!page_scan(k, s, buf + off, pa + off)) {
				*stop = true;
				break;
			}
		pa += len;
		if (ld_check_interrupt())
			return ld_fail(LD_ERR_INTERRUPTED, "pool scan at %#llx", (unsigned long long)pa);
	}
	return LD_OK;
}

static ld_status scan_setup(struct ld_kernel *k, const char *const *tags, size_t ntags, struct pscan *s)
{
	ld_status st = ld_model_get(k, &s->m);
	if (st != LD_OK)
		return st;
	if (!s->m->pool_header_size || !s->m->f.ph_tag.valid || !s->m->f.ph_block.valid)
		return ld_fail(LD_ERR_NOT_FOUND, "profile has no POOL_HEADER");
	if (ntags == 0 || ntags > LD_POOL_MAX_TAGS)
		return ld_fail(LD_ERR_ARG, "pool scan: %zu tags (1..%u)", ntags, LD_POOL_MAX_TAGS);
	s->unit = s->m->pool_header_size;
	s->tag_off = s->m->f.ph_tag.off;
	if (s->unit != 8 && s->unit != 16)
		return ld_fail(LD_ERR_UNSUPPORTED, "POOL_HEADER of %u bytes", s->unit);
	for (size_t i = 0; i < ntags; i++) {
		if (!tags[i] || strlen(tags[i]) != 4)
			return ld_fail(LD_ERR_ARG, "pool tag must be 4 characters");
		s->tags[i] = ld_le32(tags[i]) & LD_POOL_TAG_MASK;
	}
	s->ntags = ntags;
	return LD_OK;
}

ld_status ld_pool_scan(struct ld_kernel *k, const char *const *tags, size_t ntags,
		       bool (*fn)(const struct ld_pool_hit *h, void *arg), void *arg)
{
	struct pscan s = { .fn = fn, .arg = arg };
	ld_status st = scan_setup(k, tags, ntags, &s);
	if (st != LD_OK)
		return st;
	uint8_t *buf = ld_xcalloc(1, LD_POOL_CHUNK);
	if (!buf)
		return LD_ERR_NOMEM;
	uint64_t from = 0, start, end;
	bool stop = false;
	while (!stop && ld_source_next_range(ld_kernel_source(k), from, &start, &end) == LD_OK) {
		if (end <= from)
			break;   /* a source that does not advance */
		start &= ~(uint64_t)(LD_PAGE_SIZE - 1);
		if ((st = range_scan(k, &s, buf, start < from ? from : start, end, &stop)) != LD_OK)
			break;
		from = end;
	}
	free(buf);
	return st;
}
