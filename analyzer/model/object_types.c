/* object_types.c — object types by index and by name.
 *
 * Windows 7+ headers store a TypeIndex into nt!ObTypeIndexTable (Windows 10
 * encodes it with ObHeaderCookie). Rather than finding that table in the
 * kernel image, we rebuild it from the namespace: \ObjectTypes holds every
 * OBJECT_TYPE and each knows its own Index. The cookie falls out of the type
 * object "Type" itself: its header must decode to its own Index, so
 * cookie = raw ^ Index ^ header byte 1; every other type object (also of type
 * "Type") then cross-checks it. An ISF's ObHeaderCookie / ObTypeIndexTable
 * symbols are used when given; without the namespace, KDBG's
 * ObpTypeObjectType still yields "Type" and so the cookie. */
#include "model-priv.h"

#include <stdio.h>
#include <string.h>

static void type_remember(struct ld_model *m, unsigned idx, uint64_t addr, const char *name)
{
	if (idx >= LD_MODEL_MAX_TYPES)
		return;
	m->type_addr[idx] = addr;
	snprintf(m->type_name[idx], sizeof(m->type_name[idx]), "%s", name);
}

static bool type_read(struct ld_kernel *k, struct ld_model *m, uint64_t ot, char *name, size_t max,
		      uint64_t *index)
{
	name[0] = '\0';
	if (!m->f.ot_name.valid ||
	    ld_read_unicode_string(k, ot + m->f.ot_name.off, name, max) != LD_OK || !name[0])
		return false;
	*index = ld_model_read_or(k, ot, &m->f.ot_index, LD_MODEL_MAX_TYPES);
	return true;
}

static bool collect_cb(struct ld_kernel *k, struct ld_model *m, uint64_t obj, void *arg)
{
	(void)arg;
	char name[32];
	uint64_t idx;
	if (!type_read(k, m, obj, name, sizeof(name), &idx))
		return true;
	if (m->family == LD_HDR_TYPE_POINTER) {
		/* No index in the header: keep them in arrival order. */
		if (m->ntypes < LD_MODEL_MAX_TYPES)
			type_remember(m, (unsigned)m->ntypes++, obj, name);
		return true;
	}
	if (idx < LD_MODEL_MAX_TYPES && !m->type_addr[idx])
		type_remember(m, (unsigned)idx, obj, name);
	return true;
}

static bool cookie_from_symbol(struct ld_kernel *k, struct ld_model *m)
{
	uint64_t rva;
	uint8_t c;
	const struct ld_profile *p = ld_kernel_profile(k);
	if (!ld_profile_symbol(p, "ObHeaderCookie", &rva))
		return false;
	if (ld_kernel_read_u8(k, ld_kernel_info(k)->kernel_base + rva, &c) != LD_OK)
		return false;
	m->cookie = c;
	m->cookie_known = true;
	return true;
}

static uint8_t cookie_of(struct ld_kernel *k, struct ld_model *m, uint64_t type_obj, unsigned index,
			 bool *ok)
{
	uint64_t header = type_obj - m->f.oh_body.off;
	uint64_t raw;
	*ok = ld_read_field(k, header, &m->f.oh_type_index, &raw) == LD_OK;
	return (uint8_t)(raw ^ index ^ ((header >> 8) & 0xff));
}

/* The type of types is the one named "Type"; all type objects are of it. */
static void cookie_derive(struct ld_kernel *k, struct ld_model *m)
{
	unsigned tt = LD_MODEL_MAX_TYPES;
	for (unsigned i = 0; i < LD_MODEL_MAX_TYPES; i++)
		if (m->type_addr[i] && strcmp(m->type_name[i], "Type") == 0)
			tt = i;
	if (tt == LD_MODEL_MAX_TYPES) {
		ld_warn("object types: no \"Type\" type found; Windows 10 type indexes cannot be decoded");
		return;
	}
	bool ok;
	uint8_t c = cookie_of(k, m, m->type_addr[tt], tt, &ok);
	if (!ok)
		return;
	m->cookie = c;
	m->cookie_known = true;
	for (unsigned i = 0; i < LD_MODEL_MAX_TYPES; i++) {
		if (!m->type_addr[i])
			continue;
		uint8_t other = cookie_of(k, m, m->type_addr[i], tt, &ok);
		if (ok && other != c) {
			ld_warn("object types: header cookie %#x from \"Type\" disagrees with %#x from \"%s\"", c,
				other, m->type_name[i]);
			return;
		}
	}
}

/* An ISF that names nt!ObTypeIndexTable gives the table itself. */
static void types_from_symbol(struct ld_kernel *k, struct ld_model *m)
{
	uint64_t rva;
	if (m->family == LD_HDR_TYPE_POINTER || !ld_profile_symbol(ld_kernel_profile(k), "ObTypeIndexTable", &rva))
		return;
	uint64_t table = ld_kernel_info(k)->kernel_base + rva;
	unsigned ps = ld_kernel_ptr_size(k);
	for (unsigned i = 2; i < LD_MODEL_MAX_TYPES; i++) {
		uint64_t t;
		if (ld_kernel_read_ptr(k, table + (uint64_t)i * ps, &t) != LD_OK || !t)
			break;
		if (ld_kernel_is_kva(k, t) && !m->type_addr[i])
			collect_cb(k, m, t, NULL);
	}
}

/* Without the namespace, KDBG still names the type of types ("Type"): enough
 * to derive the cookie and to name type objects. */
static void types_from_kdbg(struct ld_kernel *k, struct ld_model *m)
{
	uint64_t tt = ld_model_global_ptr(k, ld_kernel_info(k)->obp_type_object_type);
	if (tt)
		collect_cb(k, m, tt, NULL);
}

/* A profile that does not say whether TypeIndex is encoded (an ISF without
 * a build): the type of types must name its own index plainly; if it does
 * not, the index is encoded (Windows 10). */
static void family_check(struct ld_kernel *k, struct ld_model *m)
{
	if (!m->family_guessed)
		return;
	for (unsigned i = 0; i < LD_MODEL_MAX_TYPES; i++) {
		if (!m->type_addr[i] || strcmp(m->type_name[i], "Type") != 0)
			continue;
		uint64_t raw;
		if (ld_read_field(k, m->type_addr[i] - m->f.oh_body.off, &m->f.oh_type_index, &raw) == LD_OK &&
		    (raw & 0xff) != i)
			m->family = LD_HDR_TYPE_COOKIE;
		return;
	}
}

void ld_model_types_build(struct ld_kernel *k, struct ld_model *m)
{
	if (m->types_built)
		return;
	m->types_built = true;
	uint64_t root = ld_model_root_directory(k);
	uint64_t types_dir = root ? ld_model_dir_find(k, m, root, "ObjectTypes") : 0;
	if (types_dir)
		(void)ld_model_dir_each(k, m, types_dir, collect_cb, NULL);
	types_from_symbol(k, m);
	if (!types_dir) {
		types_from_kdbg(k, m);
		ld_warn("object types: \\ObjectTypes not found; type names may be unavailable");
	}
	family_check(k, m);
	if (m->family == LD_HDR_TYPE_COOKIE && !cookie_from_symbol(k, m))
		cookie_derive(k, m);
}

const char *ld_model_type_name(struct ld_kernel *k, struct ld_model *m, uint64_t type_object)
{
	for (unsigned i = 0; i < LD_MODEL_MAX_TYPES; i++)
		if (m->type_addr[i] == type_object && type_object)
			return m->type_name[i];
	/* NT5 types not (yet) seen in \ObjectTypes: read and remember, but only
	 * a real type object, one whose own type is the type of types. */
	char name[32];
	uint64_t idx;
	uint64_t tt = ld_model_global_ptr(k, ld_kernel_info(k)->obp_type_object_type);
	if (m->family == LD_HDR_TYPE_POINTER && tt && m->f.oh_body.valid &&
	    ld_model_read_or(k, type_object - m->f.oh_body.off, &m->f.oh_type, 0) != tt)
		return NULL;
	if (!type_read(k, m, type_object, name, sizeof(name), &idx))
		return NULL;
	if (m->family != LD_HDR_TYPE_POINTER || m->ntypes >= LD_MODEL_MAX_TYPES)
		return NULL;
	type_remember(m, (unsigned)m->ntypes, type_object, name);
	return m->type_name[m->ntypes++];
}

uint64_t ld_object_type_by_name(struct ld_kernel *k, const char *name)
{
	struct ld_model *m;
	if (ld_model_get(k, &m) != LD_OK)
		return 0;
	ld_model_types_build(k, m);
	for (unsigned i = 0; i < LD_MODEL_MAX_TYPES; i++)
		if (m->type_addr[i] && strcmp(m->type_name[i], name) == 0)
			return m->type_addr[i];
	return 0;
}
