/* field_read.c — typed field access by name: resolve once, read many times. */
#include "model-priv.h"

#include <string.h>

static void fref_fill(const struct ld_field *f, struct ld_fref *out)
{
	out->valid = true;
	out->off = f->offset;
	out->size = f->size;
	out->bitpos = f->bitpos;
	out->bitlen = f->bitlen;
	out->is_signed = f->kind == LD_T_INT;
	out->is_ptr = f->kind == LD_T_PTR;
	out->type_name = f->type_name;
	out->count = 0;
	if (f->kind == LD_T_ARRAY && f->count > 0) {
		out->count = f->count;
		out->size = f->size / f->count;
	}
}

/* "Tcb.ApcState.Process": when the profile cannot resolve the whole path,
 * descend one embedded struct at a time, trying the longest prefix first so
 * that flattened names ("ApcState.Process", "u1.s1.Type") are still found. */
static ld_status fref_descend(const struct ld_profile *p, const struct ld_type *t, const char *path,
			      struct ld_fref *out, int depth)
{
	struct ld_field f;
	if (ld_type_resolve(p, t, path, &f) == LD_OK) {
		fref_fill(&f, out);
		return LD_OK;
	}
	if (depth > 8)
		return LD_ERR_NOT_FOUND;
	size_t len = strlen(path);
	for (size_t i = len; i-- > 0;) {
		if (path[i] != '.')
			continue;
		char prefix[128];
		if (i >= sizeof(prefix))
			continue;
		memcpy(prefix, path, i);
		prefix[i] = '\0';
		if (ld_type_resolve(p, t, prefix, &f) != LD_OK || f.kind != LD_T_STRUCT || !f.type_name)
			continue;
		const struct ld_type *inner = ld_profile_type(p, f.type_name);
		if (!inner)
			continue;
		uint32_t base = f.offset;
		if (fref_descend(p, inner, path + i + 1, out, depth + 1) == LD_OK) {
			out->off += base;
			return LD_OK;
		}
	}
	return LD_ERR_NOT_FOUND;
}

ld_status ld_fref_init(const struct ld_profile *p, const char *type, const char *path,
		       struct ld_fref *out)
{
	memset(out, 0, sizeof(*out));
	if (!p)
		return ld_fail(LD_ERR_NOT_FOUND, "no profile for %s.%s", type, path);
	const struct ld_type *t = ld_profile_type(p, type);
	if (!t)
		return ld_fail(LD_ERR_NOT_FOUND, "profile %s has no type %s", ld_profile_name(p), type);
	if (fref_descend(p, t, path, out, 0) != LD_OK) {
		memset(out, 0, sizeof(*out));
		return ld_fail(LD_ERR_NOT_FOUND, "profile %s has no field %s.%s", ld_profile_name(p), type,
			       path);
	}
	return LD_OK;
}

uint32_t ld_type_size(const struct ld_profile *p, const char *type)
{
	const struct ld_type *t = p ? ld_profile_type(p, type) : NULL;
	return t ? t->size : 0;
}

static uint64_t canonical_ptr(const struct ld_kernel *k, uint64_t v)
{
	if (ld_kernel_ptr_size(k) == 4)
		return v & 0xffffffffu;
	v &= 0xffffffffffffULL;
	if (v & (1ULL << 47))
		v |= 0xffff000000000000ULL;
	return v;
}

static uint64_t extract_bits(uint64_t v, unsigned size, const struct ld_fref *f)
{
	unsigned width = f->bitlen ? f->bitlen : size * 8;
	if (f->bitlen)
		v >>= f->bitpos;
	if (width < 64)
		v &= (1ULL << width) - 1;
	if (f->is_signed && width < 64 && (v >> (width - 1)) & 1)
		v |= ~0ULL << width;
	return v;
}

/* The value of field f whose bytes start at p (little-endian; bits picked
 * out, sign-extended, pointers canonicalised). */
uint64_t ld_model_field_decode(const struct ld_kernel *k, const uint8_t *p, const struct ld_fref *f)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < f->size; i++)
		v |= (uint64_t)p[i] << (8 * i);
	v = extract_bits(v, f->size, f);
	return f->is_ptr ? canonical_ptr(k, v) : v;
}

ld_status ld_read_field(struct ld_kernel *k, uint64_t base, const struct ld_fref *f, uint64_t *val)
{
	if (!f || !f->valid)
		return ld_fail(LD_ERR_NOT_FOUND, "field not in this profile");
	unsigned size = f->size;
	if (size == 0 || size > 8)
		return ld_fail(LD_ERR_ARG, "field %s of %u bytes is not an integer", f->type_name ? f->type_name : "?",
			       size);
	uint8_t buf[8] = {0};
	ld_status st = ld_kernel_read(k, base + f->off, buf, size);
	if (st != LD_OK)
		return st;
	*val = ld_model_field_decode(k, buf, f);
	return LD_OK;
}

uint64_t ld_model_read_or(struct ld_kernel *k, uint64_t base, const struct ld_fref *f, uint64_t dflt)
{
	uint64_t v;
	if (!f->valid || ld_read_field(k, base, f, &v) != LD_OK)
		return dflt;
	return v;
}

uint64_t ld_model_field_from_buf(const struct ld_kernel *k, const uint8_t *rec, size_t reclen,
				 const struct ld_fref *f)
{
	if (!f->valid || f->size == 0 || f->size > 8 || (size_t)f->off + f->size > reclen)
		return 0;
	return ld_model_field_decode(k, rec + f->off, f);
}
