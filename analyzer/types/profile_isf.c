/* profile_isf.c — Volatility 3 ISF symbol tables into the in-memory model. */
#include "types-priv.h"

bool ld_profile_doc_is_isf(json_t *doc)
{
	return json_is_object(json_object_get(doc, "user_types")) &&
	       json_is_object(json_object_get(doc, "base_types"));
}

ld_status ld_profile_from_isf(struct ld_profile *p, json_t *doc)
{
	(void)doc;
	return ld_fail(LD_ERR_UNSUPPORTED, "profile %s: ISF not supported yet", p->path);
}
