/* lpc_nt5_fields.c — resolve every field the NT 5.x decoder reads, once. */
#include "lpc-nt5-priv.h"

#include <stddef.h>

#define LPC_NT5_SPEC(m, t, path, req) { t, path, offsetof(struct lpc_nt5_fields, m), req },
static const struct lpc_field_spec spec[] = { LPC_NT5_FIELDS(LPC_NT5_SPEC) };
#undef LPC_NT5_SPEC

ld_status lpc_nt5_fields_init(const struct ld_profile *p, struct lpc_nt5_fields *f, bool *fits)
{
	lpc_fields_resolve(p, spec, LD_ARRAY_SIZE(spec), f, sizeof(*f), fits);
	if (!p)
		return LD_OK;
	f->port_size = ld_type_size(p, "_LPCP_PORT_OBJECT");
	f->message_size = ld_type_size(p, "_LPCP_MESSAGE");
	f->port_message_size = ld_type_size(p, "_PORT_MESSAGE");
	/* NT 6+ PDBs keep the _LPCP_* types unused (LAYOUTS.md): the ETHREAD
	 * LPC fields are what proves the build uses LPC. */
	return LD_OK;
}

bool lpc_rec_get(struct lpc_nt5 *d, const struct ld_record *r, const struct ld_fref *f, uint64_t *v)
{
	return f->valid && ld_record_field(d->k, r, f, v) == LD_OK;
}
