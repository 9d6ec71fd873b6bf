/* profile_build.c — finishing touches both loaders share: ordering for the
 * lookups, type kinds, and decoding modes derived from the layout. */
#include "types-priv.h"

#include <stdlib.h>
#include <string.h>

int ld_field_cmp(const void *a, const void *b)
{
	const struct ld_field *x = a, *y = b;
	if (x->offset != y->offset)
		return x->offset < y->offset ? -1 : 1;
	if (x->bitlen && y->bitlen && x->bitpos != y->bitpos)
		return x->bitpos < y->bitpos ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int type_cmp(const void *a, const void *b)
{
	return strcmp(((const struct ld_type *)a)->name, ((const struct ld_type *)b)->name);
}

static int group_cmp(const void *a, const void *b)
{
	return strcmp(((const struct ld_const_group *)a)->name,
		      ((const struct ld_const_group *)b)->name);
}

static int symbol_cmp(const void *a, const void *b)
{
	return strcmp(((const struct ld_symbol *)a)->name, ((const struct ld_symbol *)b)->name);
}

/* qsort and bsearch want a real array even for zero elements. */
static void sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	if (base && n > 1)
		qsort(base, n, size, cmp);
}

void ld_profile_sort(struct ld_profile *p)
{
	for (size_t i = 0; i < p->ntypes; i++)
		sort((void *)p->types[i].fields, p->types[i].nfields, sizeof(struct ld_field),
		     ld_field_cmp);
	sort(p->types, p->ntypes, sizeof *p->types, type_cmp);
	sort(p->groups, p->ngroups, sizeof *p->groups, group_cmp);
	sort(p->symbols, p->nsymbols, sizeof *p->symbols, symbol_cmp);
}

ld_status ld_profile_add_setting(struct ld_profile *p, struct ld_vec *v, const char *key,
				 const char *value)
{
	for (size_t i = 0; i < v->len; i++) {
		struct ld_setting *s = ld_vec_at(v, i);
		if (strcmp(s->key, key) == 0)
			return LD_OK;   /* the file's own value wins over a derived one */
	}
	struct ld_setting s = { ld_arena_strdup(&p->arena, key), ld_arena_strdup(&p->arena, value) };
	if (!s.key || !s.value)
		return LD_ERR_NOMEM;
	return ld_vec_push(v, &s);
}

static const struct ld_type *find_type(const struct ld_profile *p, const char *name)
{
	/* Not yet sorted while loading: linear. */
	for (size_t i = 0; i < p->ntypes; i++)
		if (strcmp(p->types[i].name, name) == 0)
			return &p->types[i];
	return NULL;
}

static bool has_field(const struct ld_profile *p, const char *type, const char *field)
{
	const struct ld_type *t = find_type(p, type);
	return t && ld_type_field(t, field) != NULL;
}

/* The object header names its type by pointer up to Vista, by index from
 * Windows 7, and by a cookie-encoded index from Windows 10 (whose kernels
 * export ObHeaderCookie; without symbols the build number tells). */
static const char *object_header_mode(const struct ld_profile *p)
{
	if (!find_type(p, "_OBJECT_HEADER"))
		return NULL;
	if (!has_field(p, "_OBJECT_HEADER", "TypeIndex"))
		return "type_pointer";
	uint64_t rva;
	if (p->build >= 10000 || ld_profile_symbol(p, "ObHeaderCookie", &rva))
		return "type_index_cookie";
	return "type_index";
}

static const char *handle_table_mode(const struct ld_profile *p)
{
	if (!find_type(p, "_HANDLE_TABLE"))
		return NULL;
	if (!has_field(p, "_HANDLE_TABLE", "TableCode"))
		return "w2k_fixed";
	if (has_field(p, "_HANDLE_TABLE_ENTRY", "ObjectPointerBits"))
		return "tablecode_objectpointerbits";
	return "tablecode";
}

ld_status ld_profile_derive_settings(struct ld_profile *p, struct ld_vec *settings)
{
	const char *oh = object_header_mode(p), *ht = handle_table_mode(p);
	ld_status st;
	if (oh && (st = ld_profile_add_setting(p, settings, "object_header", oh)) != LD_OK)
		return st;
	if (ht && (st = ld_profile_add_setting(p, settings, "handle_table", ht)) != LD_OK)
		return st;
	const char *lpc = find_type(p, "_ALPC_PORT") ? "alpc" : "lpc";
	return ld_profile_add_setting(p, settings, "lpc", lpc);
}

static const char *const kind_names[] = {
	[LD_T_UINT] = "uint", [LD_T_INT] = "int", [LD_T_PTR] = "ptr", [LD_T_STRUCT] = "struct",
	[LD_T_ARRAY] = "array", [LD_T_ENUM] = "enum", [LD_T_FLOAT] = "float", [LD_T_OTHER] = "other",
};

enum ld_tkind ld_tkind_parse(const char *s)
{
	for (size_t i = 0; i < LD_ARRAY_SIZE(kind_names); i++)
		if (kind_names[i] && strcmp(kind_names[i], s) == 0)
			return (enum ld_tkind)i;
	return LD_T_OTHER;
}

const char *ld_tkind_name(enum ld_tkind k)
{
	return (size_t)k < LD_ARRAY_SIZE(kind_names) && kind_names[k] ? kind_names[k] : "other";
}

enum ld_tkind ld_tkind_of_ctype(const char *t)
{
	static const char *const uints[] = {
		"unsigned char", "unsigned short", "unsigned long", "unsigned int",
		"unsigned long long", "unsigned __int64", "wchar_t", "bool", "_Bool",
	};
	static const char *const ints[] = {
		"char", "signed char", "short", "long", "int", "long long", "__int64",
	};
	for (size_t i = 0; i < LD_ARRAY_SIZE(uints); i++)
		if (strcmp(t, uints[i]) == 0)
			return LD_T_UINT;
	for (size_t i = 0; i < LD_ARRAY_SIZE(ints); i++)
		if (strcmp(t, ints[i]) == 0)
			return LD_T_INT;
	if (strcmp(t, "float") == 0 || strcmp(t, "double") == 0)
		return LD_T_FLOAT;
	if (strcmp(t, "pointer") == 0)
		return LD_T_PTR;
	if (strcmp(t, "array") == 0)
		return LD_T_ARRAY;
	if (t[0] == '_' || strcmp(t, "union") == 0)
		return LD_T_STRUCT;
	return LD_T_OTHER;
}
