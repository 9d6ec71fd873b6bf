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

bool lpc_rec_get(struct lpc_nt5 *d, const struct ld_record *r, const struct ld_fref *f, uint64_t *v)
{
	return f->valid && ld_record_field(d->k, r, f, v) == LD_OK;
}
