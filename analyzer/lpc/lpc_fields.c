/* lpc_fields.c — resolving the table of fields a decoder reads, once per
 * decode: both decoders list theirs as X-macros (lpc-nt5-priv.h,
 * lpc-alpc-priv.h) and resolve them the same way. */
#include "lpc-priv.h"

#include <string.h>

void lpc_fields_resolve(const struct ld_profile *p, const struct lpc_field_spec *spec, size_t n, void *fields,
			size_t size, bool *fits)
{
	memset(fields, 0, size);
	*fits = p != NULL;
	if (!p)
		return;
	for (size_t i = 0; i < n; i++) {
		struct ld_fref *f = (struct ld_fref *)((char *)fields + spec[i].at);
		if (ld_fref_init(p, spec[i].type, spec[i].path, f) != LD_OK && spec[i].required)
			*fits = false;
	}
}
