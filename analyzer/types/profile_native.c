/* profile_native.c — our profile format, "lpcdump-profile/1" (documented in
 * man/lpcdump-profile.5 and structs/README.md), into the in-memory model.
 * Files can be edited by users, so every value is checked and the first bad
 * one is reported with its JSON path. */
#include "types-priv.h"

#include <string.h>

#define FORMAT_NAME "lpcdump-profile/1"

struct ctx {
	struct ld_profile *p;
	const char *path;
};

static ld_status bad(const struct ctx *c, const char *where, const char *what)
{
	return ld_fail(LD_ERR_FORMAT, "profile %s: %s: %s", c->path, where, what);
}

static const char *dup_str(struct ld_profile *p, json_t *v)
{
	return json_is_string(v) ? ld_arena_strdup(&p->arena, json_string_value(v)) : NULL;
}

/* An integer member in [lo, hi]; absent is allowed when `optional`. */
static ld_status get_int(const struct ctx *c, json_t *obj, const char *key, const char *where,
			 json_int_t lo, json_int_t hi, bool optional, json_int_t *out)
{
	json_t *v = json_object_get(obj, key);
	char msg[160];
	if (!v) {
		if (optional)
			return LD_OK;
		snprintf(msg, sizeof msg, "\"%s\" is missing", key);
		return bad(c, where, msg);
	}
	if (!json_is_integer(v)) {
		snprintf(msg, sizeof msg, "\"%s\" is not an integer", key);
		return bad(c, where, msg);
	}
	json_int_t x = json_integer_value(v);
	if (x < lo || x > hi) {
		snprintf(msg, sizeof msg, "\"%s\" = %lld is out of range [%lld, %lld]", key,
			 (long long)x, (long long)lo, (long long)hi);
		return bad(c, where, msg);
	}
	*out = x;
	return LD_OK;
}

static ld_status parse_enum(const struct ctx *c, json_t *e, const char *where, struct ld_field *f)
{
	if (!json_is_object(e))
		return bad(c, where, "\"enum\" is not an object of name: value");
	size_t n = json_object_size(e), i = 0;
	struct ld_enum_value *v = ld_arena_alloc(&c->p->arena, n, sizeof *v);
	if (!v)
		return LD_ERR_NOMEM;
	const char *k;
	json_t *x;
	json_object_foreach(e, k, x) {
		if (!json_is_integer(x))
			return bad(c, where, "an \"enum\" value is not an integer");
		v[i].name = ld_arena_strdup(&c->p->arena, k);
		v[i].value = json_integer_value(x);
		if (!v[i++].name)
			return LD_ERR_NOMEM;
	}
	f->enums = v;
	f->nenums = n;
	return LD_OK;
}

static ld_status parse_field(const struct ctx *c, const char *tname, uint32_t tsize,
			     const char *fname, json_t *fj, struct ld_field *f)
{
	char where[256];
	snprintf(where, sizeof where, "types.%s.fields.%s", tname, fname);
	if (!json_is_object(fj))
		return bad(c, where, "not an object");
	json_int_t off = 0, size = 0, bitpos = 0, bitlen = 0, count = 0;
	ld_status st;
	if ((st = get_int(c, fj, "offset", where, 0, tsize, false, &off)) != LD_OK ||
	    (st = get_int(c, fj, "size", where, 0, tsize, false, &size)) != LD_OK ||
	    (st = get_int(c, fj, "bitpos", where, 0, 63, true, &bitpos)) != LD_OK ||
	    (st = get_int(c, fj, "bitlen", where, 0, 64, true, &bitlen)) != LD_OK ||
	    (st = get_int(c, fj, "count", where, 0, LD_PROFILE_MAX_TYPE_SIZE, true, &count)) != LD_OK)
		return st;
	if (off + size > tsize)
		return bad(c, where, "extends past the end of its type");
	if (bitlen && bitpos + bitlen > size * 8)
		return bad(c, where, "bit field does not fit in its storage unit");
	json_t *type = json_object_get(fj, "type");
	if (!json_is_string(type))
		return bad(c, where, "\"type\" is missing or not a string");
	f->name = ld_arena_strdup(&c->p->arena, fname);
	f->type_name = dup_str(c->p, type);
	if (!f->name || !f->type_name)
		return LD_ERR_NOMEM;
	f->offset = (uint32_t)off;
	f->size = (uint32_t)size;
	f->bitpos = (uint8_t)bitpos;
	f->bitlen = (uint8_t)bitlen;
	f->count = (uint32_t)count;
	json_t *kind = json_object_get(fj, "kind");
	f->kind = json_is_string(kind) ? ld_tkind_parse(json_string_value(kind))
				       : ld_tkind_of_ctype(f->type_name);
	f->target = dup_str(c->p, json_object_get(fj, "target"));
	f->elem = dup_str(c->p, json_object_get(fj, "elem"));
	json_t *e = json_object_get(fj, "enum");
	if (e && (st = parse_enum(c, e, where, f)) != LD_OK)
		return st;
	if (f->kind == LD_T_ENUM && !e)
		f->kind = ld_tkind_of_ctype(f->type_name);
	return LD_OK;
}

static ld_status parse_type(const struct ctx *c, const char *name, json_t *tj, struct ld_type *t)
{
	char where[200];
	snprintf(where, sizeof where, "types.%s", name);
	if (!json_is_object(tj))
		return bad(c, where, "not an object");
	json_int_t size;
	ld_status st = get_int(c, tj, "size", where, 0, LD_PROFILE_MAX_TYPE_SIZE, false, &size);
	if (st != LD_OK)
		return st;
	json_t *fields = json_object_get(tj, "fields");
	if (!json_is_object(fields))
		return bad(c, where, "\"fields\" is missing or not an object");
	t->name = ld_arena_strdup(&c->p->arena, name);
	t->size = (uint32_t)size;
	t->partial = json_is_true(json_object_get(tj, "partial"));
	size_t n = json_object_size(fields), i = 0;
	struct ld_field *f = ld_arena_alloc(&c->p->arena, n, sizeof *f);
	if (!t->name || !f)
		return LD_ERR_NOMEM;
	const char *fname;
	json_t *fj;
	json_object_foreach(fields, fname, fj)
		if ((st = parse_field(c, name, t->size, fname, fj, &f[i++])) != LD_OK)
			return st;
	t->fields = f;
	t->nfields = n;
	return LD_OK;
}

static ld_status parse_types(const struct ctx *c, json_t *types)
{
	if (!json_is_object(types))
		return bad(c, "types", "missing or not an object");
	size_t n = json_object_size(types), i = 0;
	c->p->types = ld_arena_alloc(&c->p->arena, n, sizeof *c->p->types);
	if (!c->p->types)
		return LD_ERR_NOMEM;
	const char *name;
	json_t *tj;
	json_object_foreach(types, name, tj) {
		ld_status st = parse_type(c, name, tj, &c->p->types[i++]);
		if (st != LD_OK)
			return st;
		c->p->ntypes = i;
	}
	return LD_OK;
}

static ld_status parse_group(const struct ctx *c, const char *gname, json_t *gj,
			     struct ld_const_group *g)
{
	char where[200];
	snprintf(where, sizeof where, "constants.%s", gname);
	if (!json_is_object(gj))
		return bad(c, where, "not an object of name: integer");
	size_t n = json_object_size(gj), i = 0;
	struct ld_const *v = ld_arena_alloc(&c->p->arena, n, sizeof *v);
	g->name = ld_arena_strdup(&c->p->arena, gname);
	if (!v || !g->name)
		return LD_ERR_NOMEM;
	const char *k;
	json_t *x;
	json_object_foreach(gj, k, x) {
		if (!json_is_integer(x))
			return bad(c, where, "a value is not an integer");
		v[i].value = json_integer_value(x);
		if (!(v[i++].name = ld_arena_strdup(&c->p->arena, k)))
			return LD_ERR_NOMEM;
	}
	g->v = v;
	g->n = n;
	return LD_OK;
}

static ld_status parse_constants(const struct ctx *c, json_t *cj)
{
	if (!cj)
		return LD_OK;
	if (!json_is_object(cj))
		return bad(c, "constants", "not an object");
	size_t n = json_object_size(cj), i = 0;
	c->p->groups = ld_arena_alloc(&c->p->arena, n, sizeof *c->p->groups);
	if (!c->p->groups)
		return LD_ERR_NOMEM;
	const char *k;
	json_t *g;
	json_object_foreach(cj, k, g) {
		ld_status st = parse_group(c, k, g, &c->p->groups[i++]);
		if (st != LD_OK)
			return st;
		c->p->ngroups = i;
	}
	return LD_OK;
}

static ld_status parse_symbols(const struct ctx *c, json_t *sj)
{
	if (!sj)
		return LD_OK;
	if (!json_is_object(sj))
		return bad(c, "symbols", "not an object of name: rva");
	size_t n = json_object_size(sj), i = 0;
	c->p->symbols = ld_arena_alloc(&c->p->arena, n, sizeof *c->p->symbols);
	if (!c->p->symbols)
		return LD_ERR_NOMEM;
	const char *k;
	json_t *x;
	json_object_foreach(sj, k, x) {
		if (!json_is_integer(x) || json_integer_value(x) < 0)
			return bad(c, "symbols", "an rva is not a non-negative integer");
		c->p->symbols[i].rva = (uint64_t)json_integer_value(x);
		if (!(c->p->symbols[i++].name = ld_arena_strdup(&c->p->arena, k)))
			return LD_ERR_NOMEM;
		c->p->nsymbols = i;
	}
	return LD_OK;
}

/* Settings: "decoding" strings plus the family/nt_version match hints. */
static ld_status parse_settings(const struct ctx *c, json_t *doc, struct ld_vec *v)
{
	json_t *dec = json_object_get(doc, "decoding"), *match = json_object_get(doc, "match");
	const char *k;
	json_t *x;
	ld_status st;
	if (dec && !json_is_object(dec))
		return bad(c, "decoding", "not an object");
	json_object_foreach(dec, k, x)
		if (json_is_string(x) &&
		    (st = ld_profile_add_setting(c->p, v, k, json_string_value(x))) != LD_OK)
			return st;
	if (match && !json_is_object(match))
		return bad(c, "match", "not an object");
	json_t *fam = json_object_get(match, "family");
	if (json_is_string(fam) &&
	    (st = ld_profile_add_setting(c->p, v, "family", json_string_value(fam))) != LD_OK)
		return st;
	json_t *ver = json_object_get(doc, "nt_version");
	if (json_is_string(ver) &&
	    (st = ld_profile_add_setting(c->p, v, "nt_version", json_string_value(ver))) != LD_OK)
		return st;
	json_int_t sp = -1, rev = 0;
	if ((st = get_int(c, match, "service_pack", "match", 0, 9, true, &sp)) != LD_OK ||
	    (st = get_int(c, match, "kernel_revision", "match", 0, 0xffff, true, &rev)) != LD_OK)
		return st;
	c->p->service_pack = (int)sp;
	c->p->kernel_revision = (uint32_t)rev;
	return LD_OK;
}

static ld_status parse_header(const struct ctx *c, json_t *doc)
{
	struct ld_profile *p = c->p;
	json_t *name = json_object_get(doc, "name"), *arch = json_object_get(doc, "arch");
	if (!json_is_string(name) || !*json_string_value(name))
		return bad(c, "name", "missing or not a string");
	if (!json_is_string(arch))
		return bad(c, "arch", "missing or not a string");
	p->name = dup_str(p, name);
	p->description = dup_str(p, json_object_get(doc, "description"));
	if (!p->description)
		p->description = p->name;
	if (!p->name)
		return LD_ERR_NOMEM;
	const char *a = json_string_value(arch);
	if (strcmp(a, "x86") == 0)
		p->arch = LD_ARCH_X86;
	else if (strcmp(a, "x64") == 0)
		p->arch = LD_ARCH_X64;
	else
		return bad(c, "arch", "must be \"x86\" or \"x64\"");
	json_int_t ps = ld_arch_ptr_size(p->arch), build = 0;
	ld_status st;
	if ((st = get_int(c, doc, "pointer_size", "header", 4, 8, true, &ps)) != LD_OK ||
	    (st = get_int(c, doc, "nt_build", "header", 0, 0xffff, true, &build)) != LD_OK)
		return st;
	if ((unsigned)ps != ld_arch_ptr_size(p->arch))
		return bad(c, "pointer_size", "does not match arch");
	p->ptr_size = (unsigned)ps;
	p->build = (uint32_t)build;
	return LD_OK;
}

static ld_status keep_settings(struct ld_profile *p, struct ld_vec *settings)
{
	p->settings = ld_arena_alloc(&p->arena, settings->len, sizeof *p->settings);
	if (p->settings && settings->len)
		memcpy(p->settings, settings->data, settings->len * sizeof *p->settings);
	p->nsettings = p->settings ? settings->len : 0;
	ld_vec_free(settings);
	return p->settings ? LD_OK : LD_ERR_NOMEM;
}

ld_status ld_profile_header_from_json(struct ld_profile *p, json_t *doc)
{
	struct ctx c = { p, p->path };
	struct ld_vec settings;
	ld_vec_init(&settings, sizeof(struct ld_setting));
	ld_status st;
	if ((st = parse_header(&c, doc)) != LD_OK || (st = parse_settings(&c, doc, &settings)) != LD_OK) {
		ld_vec_free(&settings);
		return st;
	}
	return keep_settings(p, &settings);
}

ld_status ld_profile_from_native(struct ld_profile *p, json_t *doc)
{
	struct ctx c = { p, p->path };
	json_t *fmt = json_object_get(doc, "format");
	if (!json_is_string(fmt) || strcmp(json_string_value(fmt), FORMAT_NAME) != 0)
		return bad(&c, "format", "not \"" FORMAT_NAME "\"");
	struct ld_vec settings;
	ld_vec_init(&settings, sizeof(struct ld_setting));
	ld_status st;
	if ((st = parse_header(&c, doc)) != LD_OK ||
	    (st = parse_types(&c, json_object_get(doc, "types"))) != LD_OK ||
	    (st = parse_constants(&c, json_object_get(doc, "constants"))) != LD_OK ||
	    (st = parse_symbols(&c, json_object_get(doc, "symbols"))) != LD_OK ||
	    (st = parse_settings(&c, doc, &settings)) != LD_OK ||
	    (ld_profile_sort(p), (st = ld_profile_derive_settings(p, &settings)) != LD_OK)) {
		ld_vec_free(&settings);
		return st;
	}
	return keep_settings(p, &settings);
}
