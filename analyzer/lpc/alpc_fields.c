/* alpc_fields.c — resolve every field the ALPC decoder reads, once. */
#include "lpc-alpc-priv.h"

#include <string.h>

void alpc_fields_init(const struct ld_profile *p, struct alpc_fields *f, bool *fits)
{
	memset(f, 0, sizeof(*f));
	*fits = p != NULL;
	if (!p)
		return;
#define ALPC_INIT(m, t, path, req) \
	if (ld_fref_init(p, t, path, &f->m) != LD_OK && (req)) \
		*fits = false;
	ALPC_FIELDS(ALPC_INIT)
#undef ALPC_INIT
	f->message_size = ld_type_size(p, "_KALPC_MESSAGE");
	f->port_message_size = ld_type_size(p, "_PORT_MESSAGE");
}

bool alpc_get(struct alpc *d, uint64_t base, const struct ld_fref *f, uint64_t *v)
{
	return f->valid && ld_read_field(d->k, base, f, v) == LD_OK;
}
