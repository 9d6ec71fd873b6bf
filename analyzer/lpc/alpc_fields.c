/* alpc_fields.c — resolve every field the ALPC decoder reads, once. */
#include "lpc-alpc-priv.h"

#include <stddef.h>

#define ALPC_SPEC(m, t, path, req) { t, path, offsetof(struct alpc_fields, m), req },
static const struct lpc_field_spec spec[] = { ALPC_FIELDS(ALPC_SPEC) };
#undef ALPC_SPEC

void alpc_fields_init(const struct ld_profile *p, struct alpc_fields *f, bool *fits)
{
	lpc_fields_resolve(p, spec, LD_ARRAY_SIZE(spec), f, sizeof(*f), fits);
	if (!p)
		return;
	f->message_size = ld_type_size(p, "_KALPC_MESSAGE");
	f->port_message_size = ld_type_size(p, "_PORT_MESSAGE");
}

bool alpc_get(struct alpc *d, uint64_t base, const struct ld_fref *f, uint64_t *v)
{
	return f->valid && ld_read_field(d->k, base, f, v) == LD_OK;
}
