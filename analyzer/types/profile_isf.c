/*
 * profile_isf.c — Volatility 3 ISF symbol tables (metadata, base_types,
 * user_types, enums, symbols) into the same in-memory model as our format.
 *
 * Mapping: a field's type descriptor becomes kind/size/type_name/target/
 * elem/count/bit field; members whose type is an unnamed struct or union are
 * flattened with dots ("u1.s1.Type") and anonymous members directly into the
 * parent, as layouts.json does; enums become both field value tables and
 * constant groups named without the leading underscore ("KWAIT_REASON").
 * ISF files are big and come from elsewhere: counts, depths and sizes are
 * capped, and a field that does not fit its struct is dropped with a warning
 * rather than trusted.
 */
#include "types-priv.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define ISF_MAX_TYPES 500000
#define ISF_MAX_FIELDS 65536
/* All flattened fields of the file: a Windows 10 kernel has a few hundred
 * thousand; unnamed types nested in each other could otherwise multiply. */
#define ISF_MAX_TOTAL_FIELDS (8u << 20)

struct isf {
	struct ld_profile *p;
	json_t *base, *user, *enums;
	unsigned ptr_size;
	size_t dropped;
	size_t total;                 /* fields flattened so far, all types */
};

bool ld_profile_doc_is_isf(json_t *doc)
{
	return json_is_object(json_object_get(doc, "user_types")) &&
	       json_is_object(json_object_get(doc, "base_types")) &&
	       json_is_object(json_object_get(doc, "metadata"));
}

static ld_status bad(const struct isf *c, const char *where, const char *what)
{
	return ld_fail(LD_ERR_FORMAT, "ISF %s: %s: %s", c->p->path, where, what);
}

static const char *str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static json_int_t num(json_t *o, const char *key, json_int_t dflt)
{
	json_t *v = json_object_get(o, key);
	return json_is_integer(v) ? json_integer_value(v) : dflt;
}

static bool is_unnamed(const char *name)
{
	/* Volatility 3 names them __unnamed_<index> / __anonymous_<index>; other
	 * producers keep the PDB's <unnamed-tag> or write unnamed_<n>. */
	return name && (strncmp(name, "unnamed", 7) == 0 || strncmp(name, "__unnamed", 9) == 0 ||
			strncmp(name, "__anonymous", 11) == 0 || strncmp(name, "<unnamed", 8) == 0 ||
			strstr(name, "<anonymous") != NULL);
}

/* Size in bytes of a type descriptor; 0 when unknown. Arrays nest, so depth
 * is bounded. */
static uint64_t desc_size(const struct isf *c, json_t *d, unsigned depth)
{
	const char *kind = str(d, "kind"), *name = str(d, "name");
	if (!kind || depth > LD_PROFILE_MAX_FLATTEN)
		return 0;
	if (strcmp(kind, "pointer") == 0) {
		/* "base" names a pointer type of another width (pointer32 in a
		 * 64-bit table); otherwise the table's own pointer size. */
		const char *base = str(d, "base");
		json_int_t n = base ? num(json_object_get(c->base, base), "size", 0) : 0;
		return n == 4 || n == 8 ? (uint64_t)n : c->ptr_size;
	}
	if (strcmp(kind, "base") == 0)
		return (uint64_t)num(json_object_get(c->base, name ? name : ""), "size", 0);
	if (strcmp(kind, "struct") == 0 || strcmp(kind, "union") == 0 || strcmp(kind, "class") == 0)
		return (uint64_t)num(json_object_get(c->user, name ? name : ""), "size", 0);
	if (strcmp(kind, "enum") == 0)
		return (uint64_t)num(json_object_get(c->enums, name ? name : ""), "size", 4);
	if (strcmp(kind, "bitfield") == 0)
		return desc_size(c, json_object_get(d, "type"), depth + 1);
	if (strcmp(kind, "array") == 0) {
		json_int_t n = num(d, "count", 0);
		uint64_t e = desc_size(c, json_object_get(d, "subtype"), depth + 1);
		if (n < 0 || (e && (uint64_t)n > LD_PROFILE_MAX_TYPE_SIZE / e))
			return (uint64_t)LD_PROFILE_MAX_TYPE_SIZE + 1;
		return (uint64_t)n * e;
	}
	return 0;
}

/* A short name for a descriptor: "_EPROCESS", "unsigned long", "pointer:_KTHREAD". */
static void desc_name(const struct isf *c, json_t *d, char *buf, size_t len, unsigned depth)
{
	const char *kind = str(d, "kind"), *name = str(d, "name");
	if (!kind || depth > LD_PROFILE_MAX_FLATTEN) {
		snprintf(buf, len, "?");
	} else if (strcmp(kind, "pointer") == 0) {
		char inner[200];
		desc_name(c, json_object_get(d, "subtype"), inner, sizeof inner, depth + 1);
		snprintf(buf, len, "pointer:%s", inner);
	} else if (strcmp(kind, "array") == 0) {
		snprintf(buf, len, "array");
	} else if (strcmp(kind, "bitfield") == 0) {
		desc_name(c, json_object_get(d, "type"), buf, len, depth + 1);
	} else if (strcmp(kind, "function") == 0 || strcmp(kind, "void") == 0) {
		snprintf(buf, len, "%s", kind);
	} else {
		snprintf(buf, len, "%s", name ? name : kind);
	}
}

static const char *adup(struct isf *c, const char *s)
{
	return ld_arena_strdup(&c->p->arena, s);
}

static ld_status enum_values(struct isf *c, const char *name, struct ld_field *f)
{
	json_t *consts = json_object_get(json_object_get(c->enums, name), "constants");
	if (!json_is_object(consts))
		return LD_OK;
	size_t n = json_object_size(consts), i = 0;
	struct ld_enum_value *v = ld_arena_alloc(&c->p->arena, n, sizeof *v);
	if (!v)
		return LD_ERR_NOMEM;
	const char *k;
	json_t *x;
	json_object_foreach(consts, k, x) {
		if (!json_is_integer(x))
			continue;
		v[i].value = json_integer_value(x);
		if (!(v[i++].name = adup(c, k)))
			return LD_ERR_NOMEM;
	}
	f->enums = v;
	f->nenums = i;
	return LD_OK;
}

static enum ld_tkind base_kind(const struct isf *c, const char *name)
{
	json_t *b = json_object_get(c->base, name ? name : "");
	const char *kind = str(b, "kind");
	if (!kind)
		return LD_T_OTHER;
	if (strcmp(kind, "float") == 0)
		return LD_T_FLOAT;
	if (strcmp(kind, "void") == 0)
		return LD_T_OTHER;
	return json_is_true(json_object_get(b, "signed")) ? LD_T_INT : LD_T_UINT;
}

/* Fill f (all but name and offset) from a descriptor. */
static ld_status describe(struct isf *c, json_t *d, struct ld_field *f)
{
	const char *kind = str(d, "kind"), *name = str(d, "name");
	char buf[256];
	if (!kind)
		return bad(c, f->name, "type descriptor without \"kind\"");
	uint64_t size = desc_size(c, d, 0);
	if (size > LD_PROFILE_MAX_TYPE_SIZE)
		return bad(c, f->name, "type size out of range");
	f->size = (uint32_t)size;
	if (strcmp(kind, "bitfield") == 0) {
		json_int_t pos = num(d, "bit_position", -1), blen = num(d, "bit_length", -1);
		if (pos < 0 || blen <= 0 || pos + blen > 64 || (uint64_t)(pos + blen) > size * 8)
			return bad(c, f->name, "bit field position/length out of range");
		ld_status st = describe(c, json_object_get(d, "type"), f);
		f->bitpos = (uint8_t)pos;
		f->bitlen = (uint8_t)blen;
		return st;
	}
	desc_name(c, d, buf, sizeof buf, 0);
	if (strcmp(kind, "pointer") == 0) {
		f->kind = LD_T_PTR;
		f->type_name = "pointer";
		f->target = adup(c, strncmp(buf, "pointer:", 8) == 0 ? buf + 8 : buf);
		return f->target ? LD_OK : LD_ERR_NOMEM;
	}
	if (strcmp(kind, "array") == 0) {
		json_int_t n = num(d, "count", -1);
		if (n < 0 || n > LD_PROFILE_MAX_TYPE_SIZE)
			return bad(c, f->name, "array count out of range");
		f->kind = LD_T_ARRAY;
		f->type_name = "array";
		f->count = (uint32_t)n;
		desc_name(c, json_object_get(d, "subtype"), buf, sizeof buf, 0);
		f->elem = adup(c, buf);
		return f->elem ? LD_OK : LD_ERR_NOMEM;
	}
	f->type_name = adup(c, buf);
	if (!f->type_name)
		return LD_ERR_NOMEM;
	if (strcmp(kind, "base") == 0)
		f->kind = base_kind(c, name);
	else if (strcmp(kind, "enum") == 0) {
		f->kind = LD_T_ENUM;
		return enum_values(c, name ? name : "", f);
	} else if (strcmp(kind, "struct") == 0 || strcmp(kind, "union") == 0 ||
		   strcmp(kind, "class") == 0)
		f->kind = LD_T_STRUCT;
	else
		f->kind = LD_T_OTHER;
	return LD_OK;
}

static ld_status flatten(struct isf *c, struct ld_vec *out, const char *tname, uint32_t tsize,
			 const char *prefix, uint32_t base, json_t *fields, unsigned depth);

static ld_status one_field(struct isf *c, struct ld_vec *out, const char *tname, uint32_t tsize,
			   const char *prefix, uint32_t base, const char *fname, json_t *fj,
			   unsigned depth)
{
	json_int_t off = num(fj, "offset", -1);
	json_t *d = json_object_get(fj, "type");
	char full[512];
	snprintf(full, sizeof full, "%s%s", prefix, fname);
	if (off < 0 || !json_is_object(d))
		return bad(c, tname, "a field without offset or type");
	if ((uint64_t)base + (uint64_t)off > tsize) {
		c->dropped++;   /* a quirk of one member should not cost the whole table */
		return LD_OK;
	}
	struct ld_field f = { .name = full, .offset = base + (uint32_t)off };
	ld_status st = describe(c, d, &f);
	if (st != LD_OK)
		return st;
	const char *kind = str(d, "kind"), *sub = str(d, "name");
	bool aggregate = f.kind == LD_T_STRUCT && kind && strcmp(kind, "base") != 0;
	json_t *inner = aggregate ? json_object_get(json_object_get(c->user, sub ? sub : ""), "fields")
				  : NULL;
	/* Producers mark anonymous members with a flag, or only by naming the
	 * member itself "unnamed...": either way it belongs to the parent. */
	bool anonymous = json_is_true(json_object_get(fj, "anonymous")) ||
			 (is_unnamed(fname) && is_unnamed(sub));
	if (anonymous && inner)
		return flatten(c, out, tname, tsize, prefix, f.offset, inner, depth + 1);
	if ((uint64_t)f.offset + f.size > tsize) {
		c->dropped++;
		return LD_OK;
	}
	if (!(f.name = adup(c, full)))
		return LD_ERR_NOMEM;
	if ((st = ld_vec_push(out, &f)) != LD_OK)
		return st;
	if (inner && is_unnamed(sub)) {
		char pre[sizeof full + 1];
		snprintf(pre, sizeof pre, "%s.", full);
		return flatten(c, out, tname, tsize, pre, f.offset, inner, depth + 1);
	}
	return LD_OK;
}

static ld_status flatten(struct isf *c, struct ld_vec *out, const char *tname, uint32_t tsize,
			 const char *prefix, uint32_t base, json_t *fields, unsigned depth)
{
	if (!json_is_object(fields))
		return bad(c, tname, "\"fields\" is not an object");
	if (depth > LD_PROFILE_MAX_FLATTEN)
		return bad(c, tname, "unnamed members nested too deep");
	const char *fname;
	json_t *fj;
	json_object_foreach(fields, fname, fj) {
		if (out->len >= ISF_MAX_FIELDS)
			return bad(c, tname, "too many fields");
		if (++c->total > ISF_MAX_TOTAL_FIELDS)
			return ld_fail(LD_ERR_LIMIT, "ISF %s: more than %u fields in all", c->p->path,
				       ISF_MAX_TOTAL_FIELDS);
		ld_status st = one_field(c, out, tname, tsize, prefix, base, fname, fj, depth);
		if (st != LD_OK)
			return st;
	}
	return LD_OK;
}

static ld_status user_type(struct isf *c, const char *name, json_t *tj, struct ld_type *t)
{
	json_int_t size = num(tj, "size", -1);
	if (size < 0 || size > LD_PROFILE_MAX_TYPE_SIZE)
		return bad(c, name, "\"size\" missing or out of range");
	struct ld_vec v;
	ld_vec_init(&v, sizeof(struct ld_field));
	ld_status st = flatten(c, &v, name, (uint32_t)size, "", 0, json_object_get(tj, "fields"), 0);
	if (st == LD_OK) {
		struct ld_field *f = ld_arena_alloc(&c->p->arena, v.len, sizeof *f);
		t->name = adup(c, name);
		if (!f || !t->name)
			st = LD_ERR_NOMEM;
		else {
			if (v.len)
				memcpy(f, v.data, v.len * sizeof *f);
			t->fields = f;
			t->nfields = v.len;
			t->size = (uint32_t)size;
		}
	}
	ld_vec_free(&v);
	return st;
}

static ld_status user_types(struct isf *c)
{
	size_t n = json_object_size(c->user), i = 0;
	if (n > ISF_MAX_TYPES)
		return bad(c, "user_types", "too many types");
	c->p->types = ld_arena_alloc(&c->p->arena, n, sizeof *c->p->types);
	if (!c->p->types)
		return LD_ERR_NOMEM;
	const char *name;
	json_t *tj;
	json_object_foreach(c->user, name, tj) {
		/* Unnamed helper types live on inside their parents, flattened. */
		if (is_unnamed(name))
			continue;
		ld_status st = user_type(c, name, tj, &c->p->types[i]);
		if (st != LD_OK)
			return st;
		c->p->ntypes = ++i;
	}
	return LD_OK;
}

static ld_status enum_groups(struct isf *c)
{
	size_t n = json_object_size(c->enums), i = 0;
	c->p->groups = ld_arena_alloc(&c->p->arena, n, sizeof *c->p->groups);
	if (!c->p->groups)
		return LD_ERR_NOMEM;
	const char *name;
	json_t *ej;
	json_object_foreach(c->enums, name, ej) {
		struct ld_field tmp = { 0 };
		ld_status st = enum_values(c, name, &tmp);
		if (st != LD_OK)
			return st;
		struct ld_const_group *g = &c->p->groups[i];
		g->name = adup(c, name[0] == '_' ? name + 1 : name);
		if (!g->name)
			return LD_ERR_NOMEM;
		/* ld_const and ld_enum_value have the same shape by design. */
		struct ld_const *v = ld_arena_alloc(&c->p->arena, tmp.nenums, sizeof *v);
		if (!v)
			return LD_ERR_NOMEM;
		for (size_t j = 0; j < tmp.nenums; j++)
			v[j] = (struct ld_const){ tmp.enums[j].name, tmp.enums[j].value };
		g->v = v;
		g->n = tmp.nenums;
		c->p->ngroups = ++i;
	}
	/* Two enums may differ only by the underscore: keep the first. */
	for (size_t a = 0; a < c->p->ngroups; a++)
		for (size_t b = a + 1; b < c->p->ngroups; b++)
			if (strcmp(c->p->groups[a].name, c->p->groups[b].name) == 0)
				c->p->groups[b--] = c->p->groups[--c->p->ngroups];
	return LD_OK;
}

static ld_status symbols(struct isf *c, json_t *syms)
{
	if (!json_is_object(syms))
		return LD_OK;
	size_t n = json_object_size(syms), i = 0;
	c->p->symbols = ld_arena_alloc(&c->p->arena, n, sizeof *c->p->symbols);
	if (!c->p->symbols)
		return LD_ERR_NOMEM;
	const char *name;
	json_t *sj;
	json_object_foreach(syms, name, sj) {
		json_t *a = json_object_get(sj, "address");
		if (!json_is_number(a) || json_number_value(a) < 0)
			continue;
		c->p->symbols[i].rva = json_is_integer(a) ? (uint64_t)json_integer_value(a)
							  : (uint64_t)json_number_value(a);
		if (!(c->p->symbols[i].name = adup(c, name)))
			return LD_ERR_NOMEM;
		c->p->nsymbols = ++i;
	}
	return LD_OK;
}

static ld_status metadata(struct isf *c, json_t *doc)
{
	struct ld_profile *p = c->p;
	json_t *win = json_object_get(json_object_get(doc, "metadata"), "windows");
	json_t *pdb = json_object_get(win, "pdb"), *pe = json_object_get(win, "pe");
	json_int_t machine = num(pdb, "machine_type", 0);
	json_int_t ptr = num(json_object_get(c->base, "pointer"), "size", 0);
	if (machine == 0x8664 || (machine == 0 && ptr == 8))
		p->arch = LD_ARCH_X64;
	else if (machine == 0x14c || (machine == 0 && ptr == 4))
		p->arch = LD_ARCH_X86;
	else
		return bad(c, "metadata", "not an x86 or x64 symbol table");
	p->ptr_size = ld_arch_ptr_size(p->arch);
	c->ptr_size = p->ptr_size;
	json_int_t build = num(pe, "build", 0);
	p->build = build > 0 && build < 0x10000 ? (uint32_t)build : 0;
	const char *guid = str(pdb, "GUID"), *db = str(pdb, "database");
	char buf[160];
	if (guid) {
		char g[33];
		size_t k = 0;
		for (const char *s = guid; *s && k < 32; s++)
			if (isxdigit((unsigned char)*s))
				g[k++] = (char)toupper((unsigned char)*s);
		g[k] = 0;
		if (k != 32)
			return bad(c, "metadata.windows.pdb.GUID", "not 32 hex digits");
		p->pdb_guid = adup(c, g);
		p->pdb_age = (uint32_t)num(pdb, "age", 0);
		snprintf(buf, sizeof buf, "isf-%s%X", g, p->pdb_age);
	} else {
		const char *slash = strrchr(p->path, '/');
		snprintf(buf, sizeof buf, "isf-%s", slash ? slash + 1 : p->path);
		char *dot = strstr(buf, ".json");
		if (dot)
			*dot = 0;
	}
	p->name = adup(c, buf);
	snprintf(buf, sizeof buf, "ISF symbol table %s%s%s", db ? db : "", guid ? " " : "",
		 guid ? guid : "");
	p->description = adup(c, buf);
	return p->name && p->description ? LD_OK : LD_ERR_NOMEM;
}

ld_status ld_profile_from_isf(struct ld_profile *p, json_t *doc)
{
	struct isf c = { .p = p, .base = json_object_get(doc, "base_types"),
			 .user = json_object_get(doc, "user_types"),
			 .enums = json_object_get(doc, "enums") };
	p->is_isf = true;
	if (!json_is_object(c.enums))
		c.enums = NULL;
	struct ld_vec settings;
	ld_vec_init(&settings, sizeof(struct ld_setting));
	ld_status st;
	if ((st = metadata(&c, doc)) != LD_OK || (st = user_types(&c)) != LD_OK ||
	    (st = enum_groups(&c)) != LD_OK ||
	    (st = symbols(&c, json_object_get(doc, "symbols"))) != LD_OK ||
	    (ld_profile_sort(p), (st = ld_profile_derive_settings(p, &settings)) != LD_OK)) {
		ld_vec_free(&settings);
		return st;
	}
	if (c.dropped)
		ld_warn("ISF %s: %zu fields extend past their struct and were ignored", p->path,
			c.dropped);
	p->settings = ld_arena_alloc(&p->arena, settings.len, sizeof *p->settings);
	if (p->settings && settings.len)
		memcpy(p->settings, settings.data, settings.len * sizeof *p->settings);
	p->nsettings = p->settings ? settings.len : 0;
	ld_vec_free(&settings);
	return p->settings ? LD_OK : LD_ERR_NOMEM;
}
