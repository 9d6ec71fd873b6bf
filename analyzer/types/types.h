/*
 * types.h — per-build structure layouts ("profiles") and typed field lookup.
 *
 * A profile is data: the sizes, field offsets, field types, bit fields and
 * constants of one Windows build, loaded from structs/ (our format, documented
 * in man/lpcdump-profile.5) or from a Volatility 3 ISF symbol table. Nothing
 * here touches memory; reading typed values is the object model's job
 * (model.h), choosing a profile for a dump is the kernel layer's.
 *
 * Contract:
 *  - Lookups return NULL (types, fields) or LD_ERR_NOT_FOUND; a build that
 *    lacks a field is normal, callers check.
 *  - Field names are flattened as in layouts.json ("u1.s1.Type"); a dotted
 *    path that is not a flattened name is resolved through nested struct
 *    members ("Tcb.WaitReason" in _ETHREAD), adding offsets.
 *  - Profiles are immutable once loaded; pointers stay valid until freed.
 *    (A catalogue profile listed in its directory's index.json is parsed on
 *    first lookup; callers cannot tell. ld_profile_inherit() completes an ISF
 *    before profile choice publishes it.)
 *  - Every loader bounds what a file may make it do (file size, type sizes,
 *    field counts, nesting, path components) and rejects a bad file with a
 *    message naming the file and the JSON path of the problem.
 */
#ifndef LPCDUMP_TYPES_H
#define LPCDUMP_TYPES_H

#include "../base/base.h"

enum ld_tkind {
	LD_T_UINT,      /* unsigned integer of `size` bytes (also bit fields) */
	LD_T_INT,       /* signed integer */
	LD_T_PTR,       /* pointer; `target` names the pointee */
	LD_T_STRUCT,    /* embedded struct/union; `type_name` names it */
	LD_T_ARRAY,     /* `count` elements of `elem` */
	LD_T_ENUM,      /* integer with named values */
	LD_T_FLOAT,
	LD_T_OTHER,     /* anything we do not interpret (shown as bytes) */
};

struct ld_enum_value {
	const char *name;
	int64_t value;
};

struct ld_field {
	const char *name;           /* flattened: "Cid", "u1.s1.Type" */
	uint32_t offset;            /* bytes from the start of the struct */
	uint32_t size;              /* bytes */
	uint8_t bitpos, bitlen;     /* bitlen == 0: not a bit field */
	enum ld_tkind kind;
	const char *type_name;      /* C type or struct name as in the source */
	const char *target;         /* LD_T_PTR: pointee type name, or NULL */
	const char *elem;           /* LD_T_ARRAY: element type name */
	uint32_t count;             /* LD_T_ARRAY: element count */
	const struct ld_enum_value *enums;  /* LD_T_ENUM */
	size_t nenums;
};

struct ld_type {
	const char *name;           /* "_ETHREAD" */
	uint32_t size;
	bool partial;               /* only selected fields are known */
	size_t nfields;
	const struct ld_field *fields;  /* sorted by offset, then name */
};

struct ld_profile;

/* Load one profile file: our JSON format, or an ISF (.json / .json.xz),
 * recognised by content. */
ld_status ld_profile_load(const char *path, struct ld_profile **out);
void ld_profile_free(struct ld_profile *p);

const char *ld_profile_name(const struct ld_profile *p);        /* "xp-sp2-x86" */
const char *ld_profile_description(const struct ld_profile *p); /* "Windows XP SP2" */
const char *ld_profile_path(const struct ld_profile *p);
enum ld_arch ld_profile_arch(const struct ld_profile *p);       /* X86 or X64 (PAE is a paging mode, not a layout) */
unsigned ld_profile_ptr_size(const struct ld_profile *p);
uint32_t ld_profile_build(const struct ld_profile *p);          /* NT build number, 0 unknown */
/* Match hints (our format's "match"): service pack, -1 unknown; kernel
 * revision (the 4th version number, e.g. 24000 in 6.1.7601.24000), 0 unknown. */
int ld_profile_service_pack(const struct ld_profile *p);
uint32_t ld_profile_kernel_revision(const struct ld_profile *p);
bool ld_profile_is_isf(const struct ld_profile *p);
/* String settings, NULL when unknown:
 *   "object_header": "type_pointer" | "type_index" | "type_index_cookie"
 *   "handle_table":  "w2k_fixed" | "tablecode" | "tablecode_objectpointerbits"
 *   "lpc":           "lpc" | "alpc"
 *   "family":        "nt5.1", "nt6.1", "nt10.0" ...;  "nt_version": "5.1" ... */
const char *ld_profile_setting(const struct ld_profile *p, const char *key);
/* PDB identity when known (ISF files): GUID as 32 hex digits + age, else NULL. */
const char *ld_profile_pdb_guid(const struct ld_profile *p);
uint32_t ld_profile_pdb_age(const struct ld_profile *p);

const struct ld_type *ld_profile_type(const struct ld_profile *p, const char *name);
size_t ld_profile_ntypes(const struct ld_profile *p);
const struct ld_type *ld_profile_type_at(const struct ld_profile *p, size_t i);
const struct ld_field *ld_type_field(const struct ld_type *t, const char *name);

/* Resolve a dotted path within `type`, descending into embedded structs.
 * On success *out is the final field with its offset made absolute from the
 * start of `type`. */
ld_status ld_type_resolve(const struct ld_profile *p, const struct ld_type *type,
			  const char *path, struct ld_field *out);
/* Shorthand: offset of TYPE.PATH, or LD_ERR_NOT_FOUND. */
ld_status ld_profile_offset(const struct ld_profile *p, const char *type, const char *path,
			    uint32_t *offset);

/* Constants: a group ("KWAIT_REASON", "LPC_TYPE", ...) of name → value. */
bool ld_profile_const(const struct ld_profile *p, const char *group, const char *name, int64_t *value);
/* Reverse lookup: the name of value in group, or NULL. */
const char *ld_profile_const_name(const struct ld_profile *p, const char *group, int64_t value);
/* Global symbols (ISF files, or RVAs a profile ships), relative to the kernel base. */
bool ld_profile_symbol(const struct ld_profile *p, const char *name, uint64_t *rva);

/* Copy into p (deeply) the constant groups and types it lacks from donor:
 * an ISF carries no LPC constants, KDBG or derived LPC types, so profile
 * choice lends them from the nearest shipped build of the same arch. */
ld_status ld_profile_inherit(struct ld_profile *p, const struct ld_profile *donor);

/* The catalogue: every profile found on the search path. Search order:
 * $LPCDUMP_STRUCTS (colon-separated), the build tree's structs/, then the
 * installed $(pkgdatadir)/structs. A name seen twice keeps the first. */
struct ld_profile_set;
ld_status ld_profile_set_load(struct ld_profile_set **out);
ld_status ld_profile_set_add_dir(struct ld_profile_set *set, const char *dir);
/* Add a loaded profile; the set takes ownership (frees it, also on error).
 * LD_ERR_ARG when the set already has a profile of that name. */
ld_status ld_profile_set_add(struct ld_profile_set *set, struct ld_profile *p);
void ld_profile_set_free(struct ld_profile_set *set);
size_t ld_profile_set_count(const struct ld_profile_set *set);
const struct ld_profile *ld_profile_set_at(const struct ld_profile_set *set, size_t i);
const struct ld_profile *ld_profile_set_find(const struct ld_profile_set *set, const char *name);

#endif
