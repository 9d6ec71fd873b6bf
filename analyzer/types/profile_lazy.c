/*
 * profile_lazy.c — profiles read on demand.
 *
 * Every lpcdump run builds the catalogue, and parsing all 49 shipped profiles
 * (5 MB of JSON) would cost more than most analyses. A directory may carry
 * index.json (written by tools/gen-profiles) with each file's header and byte
 * size; a file the index describes becomes a lazy profile whose body (types,
 * constants, symbols) is parsed the first time a lookup needs it. A file the
 * index does not describe, or whose size changed since, is read whole as
 * before, so a stale or missing index only costs time.
 */
#include "types-priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

json_t *ld_profile_index_load(const char *dir)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, LD_PROFILE_INDEX);
	struct stat sb;
	if (stat(path, &sb) != 0)
		return NULL;
	json_error_t err;
	json_t *doc = json_load_file(path, JSON_REJECT_DUPLICATES, &err);
	json_t *files = json_object_get(doc, "profiles");
	const char *fmt = json_string_value(json_object_get(doc, "format"));
	if (!json_is_object(files) || !fmt || strcmp(fmt, "lpcdump-profile-index/1") != 0) {
		ld_warn("profile index %s ignored: %s", path, doc ? "not an lpcdump-profile-index/1"
								 : err.text);
		json_decref(doc);
		return NULL;
	}
	json_incref(files);
	json_decref(doc);
	return files;
}

struct ld_profile *ld_profile_from_index(const char *path, json_t *entry)
{
	struct stat sb;
	json_t *bytes = json_object_get(entry, "bytes");
	if (!json_is_integer(bytes) || stat(path, &sb) != 0 ||
	    (json_int_t)sb.st_size != json_integer_value(bytes))
		return NULL;   /* changed since the index was written: read it whole */
	struct ld_profile *p = ld_xcalloc(1, sizeof *p);
	if (!p)
		return NULL;
	p->service_pack = -1;
	p->lazy = true;
	p->path = ld_arena_strdup(&p->arena, path);
	if (!p->path || ld_profile_header_from_json(p, entry) != LD_OK) {
		ld_warn("profile index entry for %s ignored: %s", path, ld_errmsg());
		ld_profile_free(p);
		return NULL;
	}
	return p;
}

const struct ld_profile *ld_profile_body(const struct ld_profile *p)
{
	if (!p || !p->lazy)
		return p;
	if (p->full || p->lazy_failed)
		return p->full ? p->full : p;
	/* The catalogue hands out const profiles; filling in the body on
	 * first use does not change anything a caller has seen. */
	struct ld_profile *mut = (struct ld_profile *)p;
	struct ld_profile *full;
	if (ld_profile_load(p->path, &full) != LD_OK) {
		ld_warn("profile %s unusable: %s", p->name, ld_errmsg());
		mut->lazy_failed = true;
		return p;
	}
	if (strcmp(full->name, p->name) != 0)
		ld_warn("profile index out of date: %s holds %s, not %s", p->path, full->name, p->name);
	mut->full = full;
	return full;
}
