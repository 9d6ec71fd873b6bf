/*
 * types-priv.h — the in-memory profile shared by the loaders (our JSON format
 * and ISF) and the lookups. Not part of the contract.
 *
 * Everything a profile owns (strings, field arrays, enum tables) lives in one
 * arena, so freeing a profile is freeing its arena, and a loader that fails
 * half-way leaks nothing.
 */
#ifndef LPCDUMP_TYPES_PRIV_H
#define LPCDUMP_TYPES_PRIV_H

#include "types.h"

#include <jansson.h>

/* Bump allocator: blocks chained for freeing. */
struct ld_arena_block;
struct ld_arena {
	struct ld_arena_block *head;
	size_t total;                 /* bytes handed out, against LD_ALLOC_CAP */
};
void *ld_arena_alloc(struct ld_arena *a, size_t n, size_t size);   /* zeroed; NULL + ld_fail */
char *ld_arena_strdup(struct ld_arena *a, const char *s);
void ld_arena_free(struct ld_arena *a);

struct ld_const {
	const char *name;
	int64_t value;
};
struct ld_const_group {
	const char *name;
	size_t n;
	const struct ld_const *v;
};
struct ld_symbol {
	const char *name;
	uint64_t rva;
};
struct ld_setting {
	const char *key;              /* "object_header", "handle_table", "family", ... */
	const char *value;
};

/* Bounds every loader enforces whatever the file says. */
#define LD_PROFILE_MAX_FILE  ((size_t)512 << 20)    /* decompressed ISF of a big kernel fits */
#define LD_PROFILE_MAX_TYPE_SIZE (1u << 24)         /* no kernel struct is 16 MiB */
#define LD_PROFILE_MAX_FLATTEN 8                    /* nesting depth of unnamed members */

struct ld_profile {
	struct ld_arena arena;
	const char *name, *description, *path;
	const char *pdb_guid;         /* 32 upper-case hex digits, or NULL */
	uint32_t pdb_age;
	enum ld_arch arch;
	unsigned ptr_size;
	uint32_t build;
	bool is_isf;
	int service_pack;             /* -1 unknown */
	uint32_t kernel_revision;     /* 0 unknown */
	struct ld_type *types;        /* sorted by name */
	size_t ntypes;
	struct ld_const_group *groups;   /* sorted by name */
	size_t ngroups;
	struct ld_symbol *symbols;    /* sorted by name */
	size_t nsymbols;
	struct ld_setting *settings;
	size_t nsettings;
	/* Lazy profiles (from a directory's index.json) carry only the header
	 * until a lookup needs the body, which is then loaded into `full`. */
	bool lazy, lazy_failed;
	struct ld_profile *full;
};

/* profile_native.c / profile_isf.c: fill p from a parsed document. The caller
 * has set p->path; on error p is freed by the caller. */
ld_status ld_profile_from_native(struct ld_profile *p, json_t *doc);
ld_status ld_profile_from_isf(struct ld_profile *p, json_t *doc);
bool ld_profile_doc_is_isf(json_t *doc);
/* Only the header members (name, arch, build, match, decoding...). */
ld_status ld_profile_header_from_json(struct ld_profile *p, json_t *doc);

/* profile_lazy.c: directory indexes and on-demand loading. */
#define LD_PROFILE_INDEX "index.json"
/* The index of dir as a JSON object file name → entry, or NULL (none/bad). */
json_t *ld_profile_index_load(const char *dir);
/* A lazy profile for path from its index entry; NULL (and a warning) when
 * the entry is unusable or the file's size disagrees (then load it fully). */
struct ld_profile *ld_profile_from_index(const char *path, json_t *entry);
/* What lookups read: the profile itself, or a lazy profile's loaded body. */
const struct ld_profile *ld_profile_body(const struct ld_profile *p);

/* profile_file.c: the whole file (decompressed when it ends in .xz), capped. */
ld_status ld_profile_read_file(const char *path, char **data, size_t *len);

/* profile_build.c: helpers both loaders use to finish a profile. */
int ld_field_cmp(const void *a, const void *b);        /* by offset, then name */
void ld_profile_sort(struct ld_profile *p);
ld_status ld_profile_add_setting(struct ld_profile *p, struct ld_vec *v, const char *key,
				 const char *value);
/* Decoding modes derived from the layout when a file does not say them. */
ld_status ld_profile_derive_settings(struct ld_profile *p, struct ld_vec *settings);
enum ld_tkind ld_tkind_parse(const char *s);
const char *ld_tkind_name(enum ld_tkind k);
/* Kind of a C base type name ("unsigned long" → UINT), LD_T_OTHER if unknown. */
enum ld_tkind ld_tkind_of_ctype(const char *ctype);

#endif
