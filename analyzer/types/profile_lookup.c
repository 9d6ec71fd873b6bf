/* profile_lookup.c — finding types, fields, constants and symbols by name,
 * and resolving dotted paths through embedded structs. */
#include "types-priv.h"

#include <stdlib.h>
#include <string.h>

/* Deepest embedding we follow; kernel structs nest a handful of levels. */
#define RESOLVE_MAX_DEPTH 16

static int type_key_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct ld_type *)elem)->name);
}

const struct ld_type *ld_profile_type(const struct ld_profile *p, const char *name)
{
	if (!p || !name)
		return NULL;
	p = ld_profile_body(p);
	if (!p->ntypes)
		return NULL;
	return bsearch(name, p->types, p->ntypes, sizeof *p->types, type_key_cmp);
}

size_t ld_profile_ntypes(const struct ld_profile *p)
{
	return ld_profile_body(p)->ntypes;
}

const struct ld_type *ld_profile_type_at(const struct ld_profile *p, size_t i)
{
	p = ld_profile_body(p);
	return i < p->ntypes ? &p->types[i] : NULL;
}

const struct ld_field *ld_type_field(const struct ld_type *t, const char *name)
{
	if (!t || !name)
		return NULL;
	for (size_t i = 0; i < t->nfields; i++)
		if (strcmp(t->fields[i].name, name) == 0)
			return &t->fields[i];
	return NULL;
}

static bool resolve(const struct ld_profile *p, const struct ld_type *t, const char *path,
		    unsigned depth, struct ld_field *out)
{
	const struct ld_field *f = ld_type_field(t, path);
	if (f) {
		*out = *f;
		return true;
	}
	if (depth >= RESOLVE_MAX_DEPTH)
		return false;
	/* Try every split "A.B.C" → ("A", "B.C"), ("A.B", "C"): a flattened
	 * name may itself contain dots. */
	char buf[256];
	size_t len = strlen(path);
	if (len >= sizeof buf)
		return false;
	memcpy(buf, path, len + 1);
	for (char *dot = strchr(buf, '.'); dot; dot = strchr(dot + 1, '.')) {
		*dot = 0;
		const struct ld_field *head = ld_type_field(t, buf);
		*dot = '.';
		if (!head || head->kind != LD_T_STRUCT || !head->type_name)
			continue;
		const struct ld_type *inner = ld_profile_type(p, head->type_name);
		if (!inner || inner == t)
			continue;
		if (resolve(p, inner, dot + 1, depth + 1, out)) {
			out->offset += head->offset;
			return true;
		}
	}
	return false;
}

/* More components than any real path has; bounds the splits tried, which
 * grow with 2^dots. */
#define RESOLVE_MAX_DOTS 10

ld_status ld_type_resolve(const struct ld_profile *p, const struct ld_type *type, const char *path,
			  struct ld_field *out)
{
	if (!type || !path || !*path)
		return ld_fail(LD_ERR_ARG, "resolve: no type or empty field path");
	unsigned dots = 0;
	for (const char *c = path; *c; c++)
		dots += *c == '.';
	if (dots > RESOLVE_MAX_DOTS)
		return ld_fail(LD_ERR_LIMIT, "resolve: field path %.64s has more than %d components",
			       path, RESOLVE_MAX_DOTS + 1);
	if (!resolve(p, type, path, 0, out))
		return ld_fail(LD_ERR_NOT_FOUND, "%s has no field %s in profile %s", type->name, path,
			       p ? p->name : "?");
	return LD_OK;
}

ld_status ld_profile_offset(const struct ld_profile *p, const char *type, const char *path,
			    uint32_t *offset)
{
	const struct ld_type *t = ld_profile_type(p, type);
	if (!t)
		return ld_fail(LD_ERR_NOT_FOUND, "profile %s has no type %s", p ? p->name : "(none)",
			       type);
	struct ld_field f;
	ld_status st = ld_type_resolve(p, t, path, &f);
	if (st != LD_OK)
		return st;
	*offset = f.offset;
	return LD_OK;
}

static int group_key_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct ld_const_group *)elem)->name);
}

static const struct ld_const_group *find_group(const struct ld_profile *p, const char *group)
{
	if (!p || !group)
		return NULL;
	p = ld_profile_body(p);
	if (!p->ngroups)
		return NULL;
	return bsearch(group, p->groups, p->ngroups, sizeof *p->groups, group_key_cmp);
}

bool ld_profile_const(const struct ld_profile *p, const char *group, const char *name,
		      int64_t *value)
{
	const struct ld_const_group *g = find_group(p, group);
	if (!g || !name)
		return false;
	for (size_t i = 0; i < g->n; i++)
		if (strcmp(g->v[i].name, name) == 0) {
			*value = g->v[i].value;
			return true;
		}
	return false;
}

const char *ld_profile_const_name(const struct ld_profile *p, const char *group, int64_t value)
{
	const struct ld_const_group *g = find_group(p, group);
	if (!g)
		return NULL;
	for (size_t i = 0; i < g->n; i++)
		if (g->v[i].value == value)
			return g->v[i].name;
	return NULL;
}

static int symbol_key_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct ld_symbol *)elem)->name);
}

bool ld_profile_symbol(const struct ld_profile *p, const char *name, uint64_t *rva)
{
	if (!p || !name)
		return false;
	p = ld_profile_body(p);
	if (!p->nsymbols)
		return false;
	const struct ld_symbol *s = bsearch(name, p->symbols, p->nsymbols, sizeof *p->symbols,
					    symbol_key_cmp);
	if (!s)
		return false;
	*rva = s->rva;
	return true;
}
