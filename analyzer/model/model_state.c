/* model_state.c — the per-kernel model cache: field references resolved once
 * from the kernel's profile, header family, sizes; freed with the kernel. */
#include "model-priv.h"

#include <stdlib.h>
#include <string.h>

static const char *const info_header_types[LD_MODEL_INFO_HEADERS] = {
	"_OBJECT_HEADER_CREATOR_INFO",  /* InfoMask 0x01 */
	"_OBJECT_HEADER_NAME_INFO",     /* 0x02 */
	"_OBJECT_HEADER_HANDLE_INFO",   /* 0x04 */
	"_OBJECT_HEADER_QUOTA_INFO",    /* 0x08 */
	"_OBJECT_HEADER_PROCESS_INFO",  /* 0x10 */
	NULL,                           /* 0x20: not in the reference layouts */
	"_OBJECT_HEADER_AUDIT_INFO",    /* 0x40 */
	NULL,
};

static void model_free(void *v)
{
	struct ld_model *m = v;
	if (!m)
		return;
	free(m->system.processes);
	free(m->system.threads);
	free((void *)m->system.kept);
	free(m);
}

/* The profile says how headers name their type (constants DECODING, from
 * the types layer); failing that, field presence and the build: a Type
 * pointer is NT5/Vista, TypeIndex is encoded from Windows 10 on. */
static enum ld_header_family header_family(const struct ld_profile *p, const struct ld_model_fields *f)
{
	int64_t v;
	if (ld_profile_const(p, "DECODING", "OBJECT_HEADER_TYPE_POINTER", &v) && v)
		return LD_HDR_TYPE_POINTER;
	if (ld_profile_const(p, "DECODING", "OBJECT_HEADER_TYPE_INDEX_COOKIE", &v) && v)
		return LD_HDR_TYPE_COOKIE;
	if (ld_profile_const(p, "DECODING", "OBJECT_HEADER_TYPE_INDEX", &v) && v)
		return LD_HDR_TYPE_INDEX;
	if (f->oh_type.valid)
		return LD_HDR_TYPE_POINTER;
	return ld_profile_build(p) >= 10000 ? LD_HDR_TYPE_COOKIE : LD_HDR_TYPE_INDEX;
}

static void model_resolve(const struct ld_profile *p, struct ld_model *m)
{
#define LD_MODEL_FIELD_INIT(mem, t, path) (void)ld_fref_init(p, t, path, &m->f.mem);
	LD_MODEL_FIELDS(LD_MODEL_FIELD_INIT)
#undef LD_MODEL_FIELD_INIT
	for (unsigned i = 0; i < LD_MODEL_INFO_HEADERS; i++)
		m->info_size[i] = info_header_types[i] ? ld_type_size(p, info_header_types[i]) : 0;
	m->pool_header_size = ld_type_size(p, "_POOL_HEADER");
	m->family = header_family(p, &m->f);
	int64_t v;
	m->family_guessed = m->family == LD_HDR_TYPE_INDEX && !ld_profile_build(p) &&
			    !ld_profile_const(p, "DECODING", "OBJECT_HEADER_TYPE_INDEX", &v);
}

ld_status ld_model_get(struct ld_kernel *k, struct ld_model **out)
{
	struct ld_model *m = ld_kernel_slot_get(k, LD_SLOT_MODEL);
	if (m) {
		*out = m;
		return LD_OK;
	}
	const struct ld_profile *p = ld_kernel_profile(k);
	if (!p)
		return ld_fail(LD_ERR_NOT_FOUND, "no profile validated for this kernel (try --profile)");
	m = ld_xcalloc(1, sizeof(*m));
	if (!m)
		return LD_ERR_NOMEM;
	model_resolve(p, m);
	if (!ld_kernel_slot_set(k, LD_SLOT_MODEL, m, model_free)) {
		model_free(m);
		return ld_fail(LD_ERR_NOMEM, "caching the object model");
	}
	*out = m;
	return LD_OK;
}
