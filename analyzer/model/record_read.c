/* record_read.c — typed records: one read of a structure's byte span, many
 * fields taken from the copy. A thread or port costs one read instead of
 * fifteen (each read is a translation, a cache lookup and, on a miss, a
 * system call). Reading fields from a copy changes no answer: a field outside
 * the copy, or a copy that could not be read whole (one of its pages is
 * missing), is read on its own exactly as ld_read_field would. */
#include "model-priv.h"

#include <string.h>

void ld_fields_span(const struct ld_fref *const *f, size_t n, uint32_t *lo, uint32_t *hi)
{
	*lo = UINT32_MAX;
	*hi = 0;
	for (size_t i = 0; i < n; i++) {
		if (!f[i]->valid)
			continue;
		uint32_t size = f[i]->count ? f[i]->size * f[i]->count : f[i]->size;
		if (f[i]->off < *lo)
			*lo = f[i]->off;
		if (f[i]->off + size > *hi)
			*hi = f[i]->off + size;
	}
	if (*lo > *hi)
		*lo = *hi = 0;
}

bool ld_record_load(struct ld_kernel *k, struct ld_record *r, uint64_t base, uint32_t lo, uint32_t hi)
{
	r->base = base;
	r->lo = lo;
	r->len = hi > lo ? hi - lo : 0;
	r->ok = r->len > 0 && r->len <= sizeof(r->buf) &&
		ld_kernel_read(k, base + lo, r->buf, r->len) == LD_OK;
	return r->ok;
}

void ld_record_set(struct ld_record *r, uint64_t base, uint32_t lo, const void *bytes, uint32_t len)
{
	r->base = base;
	r->lo = lo;
	r->len = len <= sizeof(r->buf) ? len : 0;
	r->ok = bytes && r->len > 0;
	if (r->ok)
		memcpy(r->buf, bytes, r->len);
}

bool ld_record_holds(const struct ld_record *r, uint64_t va, size_t len)
{
	uint64_t start = r->base + r->lo;
	return r->ok && va >= start && len <= r->len && va - start <= r->len - len;
}

ld_status ld_record_read_at(struct ld_kernel *k, const struct ld_record *r, uint64_t base,
			    const struct ld_fref *f, uint64_t *val)
{
	if (!f || !f->valid || f->size == 0 || f->size > 8 || !ld_record_holds(r, base + f->off, f->size))
		return ld_read_field(k, base, f, val);
	*val = ld_model_field_decode(k, r->buf + (base + f->off - (r->base + r->lo)), f);
	return LD_OK;
}

ld_status ld_record_field(struct ld_kernel *k, const struct ld_record *r, const struct ld_fref *f,
			  uint64_t *val)
{
	return ld_record_read_at(k, r, r->base, f, val);
}

uint64_t ld_record_field_or(struct ld_kernel *k, const struct ld_record *r, const struct ld_fref *f,
			    uint64_t dflt)
{
	uint64_t v;
	if (!f->valid || ld_record_field(k, r, f, &v) != LD_OK)
		return dflt;
	return v;
}
