/*
 * cmd_dt.c — `dt TYPE [ADDR] [FIELD...] [-r [DEPTH]] [-a] [--json] [DUMP]`: a structure's
 * layout, or its values at ADDR, WinDbg style:
 *
 *     +0x1ec Cid              : _CLIENT_ID
 *     +0x220 ThreadsProcess   : 0x81235000 _EPROCESS
 *     +0x250 LpcExitThreadCalled : Pos 1, 1 Bit          (layout)
 *     +0x250 LpcExitThreadCalled : 0y1                   (value)
 *
 * The profile is the open dump's, or --profile NAME / --symbols FILE without
 * a dump (layouts only). -r descends into embedded structs (offsets then are
 * relative to the embedded struct, as WinDbg shows them). Field names after
 * the type (and address) show only those fields: a name, a dotted path
 * through embedded structs (Tcb.WaitReason), or a prefix ending in '*'. -a
 * lists the elements of integer and pointer arrays.
 * Values that cannot be read are shown as unavailable with the reason, never
 * guessed.
 */
#include "plugins.h"
#include "../analyzer/report/report.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define DT_MAX_DEPTH 8
#define DT_NAME_WIDTH 16
#define DT_MAX_FILTERS 16
#define DT_MAX_SELECTED 1024
/* Lines (or JSON fields) at most: -r over a profile whose structs embed each
 * other would otherwise grow as fields^depth. */
#define DT_MAX_LINES 100000

struct dt {
	struct ld_cmd_ctx *ctx;
	const struct ld_profile *p;
	struct ld_kernel *k;         /* NULL: layout only */
	bool has_addr;
	uint64_t addr;
	unsigned depth;
	bool json;
	bool arrays;                             /* -a: show array elements */
	const char *filters[DT_MAX_FILTERS];    /* FIELD, Tcb.WaitReason, Lpc* */
	size_t nfilters;
	const struct ld_type *type;              /* the type asked for */
	struct ld_field *sel;                    /* the fields to show */
	size_t nsel;
	size_t *budget;                          /* lines left to print */
};

/* Take one line from the budget; false once it is spent. */
static bool spend(const struct dt *d)
{
	if (*d->budget == 0)
		return false;
	(*d->budget)--;
	return true;
}

/* ---- describing types ---- */

/* WinDbg's names for C base types ("unsigned long" → "Uint4B"). */
static const char *windbg_name(const char *ctype)
{
	static const char *const map[][2] = {
		{ "unsigned char", "UChar" }, { "char", "Char" }, { "unsigned short", "Uint2B" },
		{ "short", "Int2B" }, { "unsigned long", "Uint4B" }, { "long", "Int4B" },
		{ "unsigned int", "Uint4B" }, { "int", "Int4B" }, { "unsigned long long", "Uint8B" },
		{ "long long", "Int8B" }, { "wchar_t", "Wchar" }, { "double", "Double" },
		{ "float", "Float" },
	};
	for (size_t i = 0; i < LD_ARRAY_SIZE(map); i++)
		if (strcmp(ctype, map[i][0]) == 0)
			return map[i][1];
	return ctype;
}

static void base_name(const struct ld_field *f, char *buf, size_t len)
{
	static const char *const u[] = { "UChar", "Uint2B", "Uint4B", "Uint8B" };
	static const char *const s[] = { "Char", "Int2B", "Int4B", "Int8B" };
	int i = f->size == 1 ? 0 : f->size == 2 ? 1 : f->size == 4 ? 2 : f->size == 8 ? 3 : -1;
	if (f->kind == LD_T_FLOAT)
		snprintf(buf, len, "%s", f->size == 4 ? "Float" : "Double");
	else if (i >= 0 && f->kind == LD_T_INT)
		snprintf(buf, len, "%s", s[i]);
	else if (i >= 0 && (f->kind == LD_T_UINT || f->kind == LD_T_ENUM))
		snprintf(buf, len, "%s", u[i]);
	else
		snprintf(buf, len, "%s", f->type_name ? f->type_name : "?");
}

/* WinDbg spells the untyped pointee "Void". */
static const char *target_name(const struct ld_field *f)
{
	return !f->target || strcmp(f->target, "void") == 0 ? "Void" : f->target;
}

/* "Ptr32 _EPROCESS", "[37] Ptr32 _OBJECT_DIRECTORY_ENTRY", "Uint4B", "_KTHREAD". */
static void type_text(const struct dt *d, const struct ld_field *f, char *buf, size_t len)
{
	unsigned bits = ld_profile_ptr_size(d->p) * 8;
	if (f->bitlen) {
		snprintf(buf, len, "Pos %u, %u Bit%s", f->bitpos, f->bitlen, f->bitlen == 1 ? "" : "s");
	} else if (f->kind == LD_T_PTR) {
		snprintf(buf, len, "Ptr%u %s", bits, target_name(f));
	} else if (f->kind == LD_T_ARRAY) {
		const char *e = f->elem ? f->elem : "?";
		if (strncmp(e, "pointer:", 8) == 0)
			snprintf(buf, len, "[%u] Ptr%u %s", f->count, bits, e + 8);
		else
			snprintf(buf, len, "[%u] %s", f->count, windbg_name(e));
	} else if (f->kind == LD_T_STRUCT || f->kind == LD_T_OTHER) {
		snprintf(buf, len, "%s", f->type_name ? f->type_name : "?");
	} else {
		base_name(f, buf, len);
	}
}

/* ---- reading values ---- */

static bool is_scalar(const struct ld_field *f)
{
	return (f->kind == LD_T_UINT || f->kind == LD_T_INT || f->kind == LD_T_ENUM ||
		f->kind == LD_T_PTR) && f->size >= 1 && f->size <= 8;
}

static ld_status read_scalar(const struct dt *d, uint64_t base, const struct ld_field *f, uint64_t *v)
{
	uint8_t b[8] = { 0 };
	ld_status st = ld_kernel_read(d->k, base + f->offset, b, f->size);
	if (st != LD_OK)
		return st;
	uint64_t x = ld_le64(b);
	if (f->bitlen) {
		x >>= f->bitpos;
		if (f->bitlen < 64)
			x &= (UINT64_C(1) << f->bitlen) - 1;
	} else if (f->kind == LD_T_INT && f->size < 8 && (x >> (f->size * 8 - 1)) & 1) {
		x |= ~UINT64_C(0) << (f->size * 8);   /* sign-extend */
	} else if (f->kind == LD_T_PTR) {
		x = ld_arch_canonical(ld_kernel_info(d->k)->arch, x);
	}
	*v = x;
	return LD_OK;
}

static const char *enum_name(const struct ld_field *f, uint64_t v)
{
	for (size_t i = 0; i < f->nenums; i++)
		if ((uint64_t)f->enums[i].value == v)
			return f->enums[i].name;
	return NULL;
}

static void binary(uint64_t v, unsigned bits, char *buf, size_t len)
{
	size_t j = 0;
	buf[j++] = '0';
	buf[j++] = 'y';
	for (unsigned i = bits; i-- > 0 && j + 1 < len;)
		buf[j++] = (v >> i) & 1 ? '1' : '0';
	buf[j] = 0;
}

/* Short char arrays (ImageFileName) read as text. */
static bool char_array(const struct ld_field *f)
{
	return f->kind == LD_T_ARRAY && f->elem && f->count && f->count <= 64 &&
	       (strcmp(f->elem, "unsigned char") == 0 || strcmp(f->elem, "char") == 0);
}

static ld_status read_chars(const struct dt *d, uint64_t base, const struct ld_field *f, char *out,
			    size_t len)
{
	uint8_t b[65] = { 0 };
	size_t n = f->count < sizeof b - 1 ? f->count : sizeof b - 1;
	ld_status st = ld_kernel_read(d->k, base + f->offset, b, n);
	if (st != LD_OK)
		return st;
	size_t j = 0;
	for (size_t i = 0; i < n && b[i] && j + 1 < len; i++)
		out[j++] = isprint(b[i]) ? (char)b[i] : '.';
	out[j] = 0;
	return LD_OK;
}

/* Fields whose values are named by a profile constant group (WinDbg shows
 * the enum): the wait reason and state of a thread. */
static const char *const_group_of(const char *owner, const char *name)
{
	const char *last = strrchr(name, '.');
	last = last ? last + 1 : name;
	if (strcmp(last, "WaitReason") == 0)
		return "KWAIT_REASON";
	if (strcmp(name, "Tcb.State") == 0 || (strcmp(name, "State") == 0 && owner &&
					       strcmp(owner, "_KTHREAD") == 0))
		return "KTHREAD_STATE";
	return NULL;
}

static const char *value_name(const struct dt *d, const char *owner, const struct ld_field *f,
			      uint64_t v)
{
	if (f->kind == LD_T_ENUM)
		return enum_name(f, v);
	const char *group = f->bitlen ? NULL : const_group_of(owner, f->name);
	return group ? ld_profile_const_name(d->p, group, (int64_t)v) : NULL;
}

/* The value part of a text line; false when the field has no scalar value. */
static bool value_text(const struct dt *d, const char *owner, uint64_t base,
		       const struct ld_field *f, char *buf, size_t len)
{
	uint64_t v;
	ld_status st;
	if (char_array(f)) {
		char s[65];
		if ((st = read_chars(d, base, f, s, sizeof s)) != LD_OK)
			snprintf(buf, len, "<%s>", ld_status_name(st));
		else
			snprintf(buf, len, "\"%s\"", s);
		return true;
	}
	if (!is_scalar(f))
		return false;
	if ((st = read_scalar(d, base, f, &v)) != LD_OK) {
		snprintf(buf, len, "<%s>", ld_status_name(st));
		return true;
	}
	const char *en = value_name(d, owner, f, v);
	if (f->bitlen)
		binary(v, f->bitlen, buf, len);
	else if (f->kind == LD_T_PTR)
		snprintf(buf, len, "0x%0*" PRIx64 " %s", (int)ld_profile_ptr_size(d->p) * 2, v,
			 target_name(f));
	else if (f->kind == LD_T_INT && (int64_t)v < 0)
		snprintf(buf, len, "%" PRId64, (int64_t)v);
	else if (en)
		snprintf(buf, len, "0x%" PRIx64 " ( %s )", v, en);
	else
		snprintf(buf, len, "0x%" PRIx64, v);
	return true;
}

/* ---- text ---- */

static void print_fields(const struct dt *d, const struct ld_type *t, uint64_t base, unsigned level);

/* Kind of a C base type name, as array elements are named. */
static enum ld_tkind ctype_kind(const char *t)
{
	if (strncmp(t, "unsigned ", 9) == 0 || strcmp(t, "wchar_t") == 0)
		return LD_T_UINT;
	if (strcmp(t, "char") == 0 || strcmp(t, "short") == 0 || strcmp(t, "long") == 0 ||
	    strcmp(t, "int") == 0 || strcmp(t, "long long") == 0)
		return LD_T_INT;
	return LD_T_OTHER;
}

/* Array elements we can show one per line: integers and pointers. The
 * element is described as a field of its own at its offset. */
#define DT_MAX_ELEMENTS 1024u
static bool array_element(const struct dt *d, const struct ld_field *f, uint32_t i,
			  struct ld_field *e)
{
	const char *elem = f->elem ? f->elem : "";
	memset(e, 0, sizeof *e);
	e->name = "";
	if (strncmp(elem, "pointer:", 8) == 0) {
		e->kind = LD_T_PTR;
		e->target = elem + 8;
		e->size = ld_profile_ptr_size(d->p);
	} else {
		e->kind = ctype_kind(elem);
		e->size = f->count ? f->size / f->count : 0;
	}
	e->type_name = elem;
	e->offset = f->offset + i * e->size;
	return (e->kind == LD_T_PTR || e->kind == LD_T_UINT || e->kind == LD_T_INT) &&
	       e->size >= 1 && e->size <= 8 && (uint64_t)(i + 1) * e->size <= f->size;
}

static void print_elements(const struct dt *d, const char *owner, const struct ld_field *f,
			   uint64_t base, unsigned level)
{
	struct ld_field e;
	for (uint32_t i = 0; i < f->count && i < DT_MAX_ELEMENTS && array_element(d, f, i, &e); i++) {
		char what[160];
		if (!spend(d) || !value_text(d, owner, base, &e, what, sizeof what))
			return;
		fprintf(d->ctx->out, "%*s[%u] %s\n", 3 * (int)(level + 2), "", i, what);
	}
}

static void print_field(const struct dt *d, const char *owner, const struct ld_field *f,
			uint64_t base, unsigned level)
{
	char what[160] = "";
	if (!spend(d))
		return;
	if (!d->has_addr || !value_text(d, owner, base, f, what, sizeof what))
		type_text(d, f, what, sizeof what);
	fprintf(d->ctx->out, "%*s+0x%03x %-*s : %s\n", 3 * (int)(level + 1), "", f->offset,
		DT_NAME_WIDTH, f->name, what);
	if (f->kind == LD_T_ARRAY && d->arrays && d->has_addr && !char_array(f))
		print_elements(d, owner, f, base, level);
	if (f->kind != LD_T_STRUCT || level + 1 > d->depth || !f->type_name)
		return;
	const struct ld_type *inner = ld_profile_type(d->p, f->type_name);
	if (inner)
		print_fields(d, inner, base + f->offset, level + 1);
}

static void print_fields(const struct dt *d, const struct ld_type *t, uint64_t base, unsigned level)
{
	for (size_t i = 0; i < t->nfields; i++)
		print_field(d, t->name, &t->fields[i], base, level);
}

static void print_selected(const struct dt *d)
{
	for (size_t i = 0; i < d->nsel; i++)
		print_field(d, d->type->name, &d->sel[i], d->addr, 0);
}

static void print_text(const struct dt *d, const struct ld_type *t)
{
	if (d->has_addr)
		fprintf(d->ctx->out, "%s at 0x%" PRIx64 " (%s, 0x%x bytes%s)\n", t->name, d->addr,
			ld_profile_name(d->p), t->size, t->partial ? ", selected fields" : "");
	else
		fprintf(d->ctx->out, "%s (%s, 0x%x bytes%s)\n", t->name, ld_profile_name(d->p), t->size,
			t->partial ? ", selected fields" : "");
	if (d->nfilters)
		print_selected(d);
	else
		print_fields(d, t, d->addr, 0);
}

/* ---- JSON ---- */

static json_t *fields_json(const struct dt *d, const struct ld_type *t, uint64_t base, unsigned level);

static void value_json(const struct dt *d, const char *owner, json_t *o, uint64_t base,
		       const struct ld_field *f)
{
	uint64_t v;
	ld_status st;
	if (char_array(f)) {
		char s[65];
		st = read_chars(d, base, f, s, sizeof s);
		ld_json_set(o, "value", st == LD_OK ? json_string(s) : ld_json_unavailable(st, ld_errmsg()));
		return;
	}
	if (!is_scalar(f))
		return;
	if ((st = read_scalar(d, base, f, &v)) != LD_OK) {
		ld_json_set(o, "value", ld_json_unavailable(st, ld_errmsg()));
		return;
	}
	if (f->kind == LD_T_PTR)
		ld_json_set(o, "value", ld_json_addr(v));
	else if (f->kind == LD_T_INT)
		ld_json_set(o, "value", json_integer((json_int_t)v));
	else
		ld_json_set(o, "value", ld_json_u64(v));
	const char *en = value_name(d, owner, f, v);
	if (en)
		ld_json_set(o, "enum", json_string(en));
}

static json_t *field_json(const struct dt *d, const char *owner, const struct ld_field *f,
			  uint64_t base, unsigned level)
{
	json_t *o = json_object();
	char tt[160];
	type_text(d, f, tt, sizeof tt);
	ld_json_set(o, "name", json_string(f->name));
	ld_json_set(o, "offset", json_integer(f->offset));
	ld_json_set(o, "size", json_integer(f->size));
	ld_json_set(o, "type", json_string(f->type_name ? f->type_name : "?"));
	ld_json_set(o, "display", json_string(tt));
	if (f->target)
		ld_json_set(o, "target", json_string(f->target));
	if (f->kind == LD_T_ARRAY) {
		ld_json_set(o, "count", json_integer(f->count));
		ld_json_set(o, "elem", ld_json_str_or_null(f->elem));
	}
	if (f->bitlen) {
		ld_json_set(o, "bitpos", json_integer(f->bitpos));
		ld_json_set(o, "bitlen", json_integer(f->bitlen));
	}
	if (d->has_addr)
		value_json(d, owner, o, base, f);
	if (f->kind == LD_T_ARRAY && d->arrays && d->has_addr && !char_array(f)) {
		json_t *arr = json_array();
		struct ld_field e;
		for (uint32_t i = 0; i < f->count && i < DT_MAX_ELEMENTS && array_element(d, f, i, &e) &&
		     spend(d); i++) {
			json_t *x = json_object();
			value_json(d, owner, x, base, &e);
			json_array_append_new(arr, json_incref(json_object_get(x, "value")));
			json_decref(x);
		}
		ld_json_set(o, "elements", arr);
	}
	const struct ld_type *inner = f->kind == LD_T_STRUCT && f->type_name && level + 1 <= d->depth
		? ld_profile_type(d->p, f->type_name) : NULL;
	if (inner)
		ld_json_set(o, "fields", fields_json(d, inner, base + f->offset, level + 1));
	return o;
}

static json_t *fields_json(const struct dt *d, const struct ld_type *t, uint64_t base, unsigned level)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < t->nfields && spend(d); i++)
		json_array_append_new(arr, field_json(d, t->name, &t->fields[i], base, level));
	return arr;
}

static int print_json(const struct dt *d, const struct ld_type *t)
{
	json_t *doc = json_object();
	ld_json_set(doc, "type", json_string(t->name));
	ld_json_set(doc, "profile", json_string(ld_profile_name(d->p)));
	ld_json_set(doc, "size", json_integer(t->size));
	ld_json_set(doc, "partial", json_boolean(t->partial));
	ld_json_set(doc, "address", d->has_addr ? ld_json_addr(d->addr) : json_null());
	if (d->nfilters) {
		json_t *arr = json_array();
		for (size_t i = 0; i < d->nsel && spend(d); i++)
			json_array_append_new(arr, field_json(d, t->name, &d->sel[i], d->addr, 0));
		ld_json_set(doc, "fields", arr);
	} else {
		ld_json_set(doc, "fields", fields_json(d, t, d->addr, 0));
	}
	return ld_cmd_json_finish(d->ctx, "dt", doc);
}

/* ---- field selection ---- */

static bool add_sel(struct dt *d, const struct ld_field *f)
{
	if (d->nsel >= DT_MAX_SELECTED)
		return false;
	d->sel[d->nsel++] = *f;
	return true;
}

/* The fields the filters name, in filter order; an unknown name is an error. */
static int select_fields(struct dt *d, const struct ld_type *t)
{
	d->sel = calloc(DT_MAX_SELECTED, sizeof *d->sel);
	if (!d->sel)
		return ld_cmd_error("dt", LD_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < d->nfilters; i++) {
		const char *f = d->filters[i];
		size_t n = strlen(f), before = d->nsel;
		if (n && f[n - 1] == '*') {
			for (size_t j = 0; j < t->nfields; j++)
				if (strncmp(t->fields[j].name, f, n - 1) == 0)
					add_sel(d, &t->fields[j]);
		} else {
			struct ld_field r;
			if (ld_type_resolve(d->p, t, f, &r) == LD_OK) {
				r.name = f;   /* the path as asked, offset from the outer type */
				add_sel(d, &r);
			}
		}
		if (d->nsel == before)
			return ld_cmd_error("dt", LD_ERR_NOT_FOUND, "%s has no field %s in profile %s",
					    t->name, f, ld_profile_name(d->p));
	}
	return LD_EXIT_OK;
}

/* ---- the command ---- */

/* "_ETHREAD", "ETHREAD", "nt!_ETHREAD" all name _ETHREAD. */
static const struct ld_type *find_type(const struct ld_profile *p, const char *name)
{
	const char *bang = strchr(name, '!');
	if (bang)
		name = bang + 1;
	const struct ld_type *t = ld_profile_type(p, name);
	if (!t && name[0] != '_') {
		char buf[256];
		snprintf(buf, sizeof buf, "_%s", name);
		t = ld_profile_type(p, buf);
	}
	return t;
}

static int parse_args(struct dt *d, int argc, char **argv, const char **type)
{
	*type = NULL;
	for (int a = 1; a < argc; a++) {
		const char *s = argv[a];
		if (strcmp(s, "-a") == 0) {
			d->arrays = true;
		} else if (strcmp(s, "--json") == 0) {
			d->json = true;
		} else if (strncmp(s, "-r", 2) == 0) {
			const char *n = s[2] ? s + 2 : (a + 1 < argc && isdigit((unsigned char)argv[a + 1][0])
							 ? argv[++a] : "1");
			char *end;
			unsigned long v = strtoul(n, &end, 10);
			if (*end || v > DT_MAX_DEPTH)
				return ld_cmd_error("dt", LD_ERR_ARG, "-r: depth 0..%d, not %s", DT_MAX_DEPTH, n);
			d->depth = (unsigned)v;
		} else if (!*type) {
			*type = s;
		} else if (!d->has_addr && !d->nfilters && ld_cmd_parse_u64(d->ctx, s, &d->addr)) {
			d->has_addr = true;
		} else if (d->nfilters < DT_MAX_FILTERS && s[0] != '-') {
			d->filters[d->nfilters++] = s;
		} else {
			return ld_cmd_error("dt", LD_ERR_ARG, "unexpected argument: %s", s);
		}
	}
	if (!*type)
		return ld_cmd_error("dt", LD_ERR_ARG, "usage: dt TYPE [ADDR] [FIELD...] [-r [DEPTH]] [-a] [--json] [DUMP]");
	return LD_EXIT_OK;
}

/* The profile: the dump's, else --symbols FILE / --profile NAME. *own is
 * what the caller frees. */
static int pick_profile(struct dt *d, struct ld_profile **own_p, struct ld_profile_set **own_set)
{
	struct ld_cmd_ctx *ctx = d->ctx;
	if (!ctx->k && ctx->dump_path) {
		ld_status st = ld_kernel_open(ctx->dump_path, &ctx->kopts, &ctx->k);
		if (st != LD_OK)
			return ld_cmd_error("dt", st, "%s: %s", ctx->dump_path, ld_errmsg());
	}
	if (ctx->k) {
		d->k = ctx->k;
		d->p = ld_kernel_profile(ctx->k);
		if (!d->p)
			return ld_cmd_error("dt", LD_ERR_NOT_FOUND, "no structure profile for this dump "
					    "(try --profile NAME; see `lpcdump profiles`)");
		return LD_EXIT_OK;
	}
	ld_status st;
	if (ctx->kopts.symbols) {
		if ((st = ld_profile_load(ctx->kopts.symbols, own_p)) != LD_OK)
			return ld_cmd_error("dt", st, "%s", ld_errmsg());
		d->p = *own_p;
		return LD_EXIT_OK;
	}
	if (!ctx->kopts.profile)
		return ld_cmd_error("dt", LD_ERR_ARG, "which build? give a dump, --profile NAME or "
				    "--symbols FILE");
	if ((st = ld_profile_set_load(own_set)) != LD_OK)
		return ld_cmd_error("dt", st, "%s", ld_errmsg());
	d->p = ld_profile_set_find(*own_set, ctx->kopts.profile);
	if (!d->p)
		return ld_cmd_error("dt", LD_ERR_NOT_FOUND, "--profile %s: no such profile (see "
				    "`lpcdump profiles`)", ctx->kopts.profile);
	return LD_EXIT_OK;
}

int ld_cmd_dt(struct ld_cmd_ctx *ctx, int argc, char **argv)
{
	size_t budget = DT_MAX_LINES;
	struct dt d = { .ctx = ctx, .json = ctx->json, .budget = &budget };
	const char *tname;
	int rc = parse_args(&d, argc, argv, &tname);
	if (rc != LD_EXIT_OK)
		return rc;
	struct ld_profile *own_p = NULL;
	struct ld_profile_set *own_set = NULL;
	rc = pick_profile(&d, &own_p, &own_set);
	if (rc == LD_EXIT_OK && d.has_addr && !d.k)
		rc = ld_cmd_error("dt", LD_ERR_ARG, "an address needs a dump to read from");
	const struct ld_type *t = rc == LD_EXIT_OK ? find_type(d.p, tname) : NULL;
	if (rc == LD_EXIT_OK && !t)
		rc = ld_cmd_error("dt", LD_ERR_NOT_FOUND, "profile %s has no type %s",
				  ld_profile_name(d.p), tname);
	d.type = t;
	if (rc == LD_EXIT_OK && d.nfilters)
		rc = select_fields(&d, t);
	if (rc == LD_EXIT_OK) {
		if (d.json)
			rc = print_json(&d, t);
		else
			print_text(&d, t);
	}
	if (budget == 0)
		fprintf(stderr, "lpcdump: dt: output cut at %d lines\n", DT_MAX_LINES);
	free(d.sel);
	ld_profile_free(own_p);
	ld_profile_set_free(own_set);
	return rc;
}
