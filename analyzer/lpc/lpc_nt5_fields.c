/* lpc_nt5_fields.c — resolve every field the NT 5.x decoder reads, once. */
#include "lpc-nt5-priv.h"

#include <string.h>

ld_status lpc_nt5_fields_init(const struct ld_profile *p, struct lpc_nt5_fields *f, bool *fits)
{
	memset(f, 0, sizeof(*f));
	*fits = p != NULL;
	if (!p)
		return LD_OK;
#define LPC_NT5_INIT(m, t, path, req) \
	if (ld_fref_init(p, t, path, &f->m) != LD_OK && (req)) \
		*fits = false;
	LPC_NT5_FIELDS(LPC_NT5_INIT)
#undef LPC_NT5_INIT
	f->port_size = ld_type_size(p, "_LPCP_PORT_OBJECT");
	f->message_size = ld_type_size(p, "_LPCP_MESSAGE");
	f->port_message_size = ld_type_size(p, "_PORT_MESSAGE");
	/* NT 6+ PDBs keep the _LPCP_* types unused (LAYOUTS.md): the ETHREAD
	 * LPC fields are what proves the build uses LPC. */
	return LD_OK;
}

bool lpc_rec_load(struct lpc_nt5 *d, struct lpc_rec *r, uint64_t base, uint32_t lo, uint32_t hi)
{
	r->base = base;
	r->lo = lo;
	r->len = hi > lo ? hi - lo : 0;
	r->ok = r->len > 0 && r->len <= sizeof(r->buf) &&
		ld_kernel_read(d->k, base + lo, r->buf, r->len) == LD_OK;
	return r->ok;
}

static uint64_t extract(const struct lpc_nt5 *d, const uint8_t *p, const struct ld_fref *f)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < f->size; i++)
		v |= (uint64_t)p[i] << (8 * i);
	if (f->bitlen) {
		v >>= f->bitpos;
		if (f->bitlen < 64)
			v &= (1ull << f->bitlen) - 1;
	}
	if (f->is_ptr)
		v = ld_arch_canonical(ld_kernel_info(d->k)->arch, v);
	return v;
}

bool lpc_rec_get(struct lpc_nt5 *d, const struct lpc_rec *r, const struct ld_fref *f, uint64_t *v)
{
	if (!f->valid || f->size == 0 || f->size > 8)
		return false;
	if (r->ok && f->off >= r->lo && (uint64_t)f->off + f->size <= (uint64_t)r->lo + r->len) {
		*v = extract(d, r->buf + (f->off - r->lo), f);
		return true;
	}
	return ld_read_field(d->k, r->base, f, v) == LD_OK;
}

void lpc_fields_span(const struct ld_fref *const *f, size_t n, uint32_t *lo, uint32_t *hi)
{
	*lo = UINT32_MAX;
	*hi = 0;
	for (size_t i = 0; i < n; i++) {
		if (!f[i]->valid)
			continue;
		if (f[i]->off < *lo)
			*lo = f[i]->off;
		if (f[i]->off + f[i]->size > *hi)
			*hi = f[i]->off + f[i]->size;
	}
	if (*lo > *hi)
		*lo = *hi = 0;
}
