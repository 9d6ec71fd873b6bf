/* profile_load.c — ld_profile_load: read a file, tell our format from an ISF
 * by content, hand it to the right loader; and the profile's accessors. */
#include "types-priv.h"

#include <stdlib.h>
#include <string.h>

static ld_status parse_doc(const char *path, json_t **out)
{
	char *data;
	size_t len;
	ld_status st = ld_profile_read_file(path, &data, &len);
	if (st != LD_OK)
		return st;
	json_error_t err;
	/* Duplicate keys would make "which offset wins" ambiguous: refuse them. */
	json_t *doc = json_loadb(data, len, JSON_REJECT_DUPLICATES, &err);
	free(data);
	if (!doc)
		return ld_fail(LD_ERR_FORMAT, "profile %s: line %d column %d: %s", path, err.line,
			       err.column, err.text);
	if (!json_is_object(doc)) {
		json_decref(doc);
		return ld_fail(LD_ERR_FORMAT, "profile %s: not a JSON object", path);
	}
	*out = doc;
	return LD_OK;
}

ld_status ld_profile_load(const char *path, struct ld_profile **out)
{
	*out = NULL;
	struct ld_profile *p = ld_xcalloc(1, sizeof *p);
	if (!p)
		return LD_ERR_NOMEM;
	p->service_pack = -1;
	json_t *doc = NULL;
	ld_status st = LD_ERR_NOMEM;
	if (!(p->path = ld_arena_strdup(&p->arena, path)))
		goto fail;
	if ((st = parse_doc(path, &doc)) != LD_OK)
		goto fail;
	if (json_object_get(doc, "format"))
		st = ld_profile_from_native(p, doc);
	else if (ld_profile_doc_is_isf(doc))
		st = ld_profile_from_isf(p, doc);
	else
		st = ld_fail(LD_ERR_FORMAT, "profile %s: neither \"lpcdump-profile/1\" nor a "
			     "Volatility 3 ISF (no \"format\", no \"user_types\")", path);
	json_decref(doc);
	if (st != LD_OK)
		goto fail;
	*out = p;
	return LD_OK;
fail:
	if (st == LD_ERR_NOMEM && !strstr(ld_errmsg(), path))
		ld_fail_ctx(st, "loading profile %s", path);
	ld_profile_free(p);
	return st;
}

void ld_profile_free(struct ld_profile *p)
{
	if (!p)
		return;
	ld_profile_free(p->full);
	ld_arena_free(&p->arena);
	free(p);
}

const char *ld_profile_name(const struct ld_profile *p) { return p->name; }
const char *ld_profile_description(const struct ld_profile *p) { return p->description; }
const char *ld_profile_path(const struct ld_profile *p) { return p->path; }
enum ld_arch ld_profile_arch(const struct ld_profile *p) { return p->arch; }
unsigned ld_profile_ptr_size(const struct ld_profile *p) { return p->ptr_size; }
uint32_t ld_profile_build(const struct ld_profile *p) { return p->build; }
const char *ld_profile_pdb_guid(const struct ld_profile *p) { return p->pdb_guid; }
uint32_t ld_profile_pdb_age(const struct ld_profile *p) { return p->pdb_age; }
bool ld_profile_is_isf(const struct ld_profile *p) { return p->is_isf; }
int ld_profile_service_pack(const struct ld_profile *p) { return p->service_pack; }
uint32_t ld_profile_kernel_revision(const struct ld_profile *p) { return p->kernel_revision; }

static const char *own_setting(const struct ld_profile *p, const char *key)
{
	for (size_t i = 0; i < p->nsettings; i++)
		if (strcmp(p->settings[i].key, key) == 0)
			return p->settings[i].value;
	return NULL;
}

const char *ld_profile_setting(const struct ld_profile *p, const char *key)
{
	/* A lazy profile knows its header settings (family, decoding from the
	 * index); anything else is in the body. */
	const char *v = own_setting(p, key);
	return v || !p->lazy ? v : own_setting(ld_profile_body(p), key);
}
