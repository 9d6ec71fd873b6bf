/*
 * forge-priv.h — shared internals of the forge core (forge_main.c,
 * forge_scenario.c, forge_memory.c, forge_paging.c, forge_kernel.c).
 * The concern files (objects, lpc, alpc, emitters) use forge.h only.
 */
#ifndef LPCDUMP_FORGE_PRIV_H
#define LPCDUMP_FORGE_PRIV_H

#include "forge.h"

/* Reserved physical runs (large pages): PFNs owned but maybe not written. */
struct fg_run {
	uint64_t base, n;
};

/* A named ntoskrnl variable in .data (exported by name). */
struct fg_kvar {
	char *name;
	uint64_t va;
	size_t size;
};

/* A PTE edit the scenario asked for, applied after all writes (fg_finish). */
enum fg_pte_edit_kind { FG_EDIT_TRANSITION, FG_EDIT_PAGEFILE };
struct fg_pte_edit {
	enum fg_pte_edit_kind kind;
	uint64_t va;
	uint32_t file;
	uint64_t offset;
	char where[128];
};

/* A bump allocator over one kernel VA region (pool). */
struct fg_kva_region {
	uint64_t base, cursor, end;
	uint64_t last_block, last_units;   /* the previous pool block (PreviousSize) */
};

struct fg_core {
	struct fg_run *reserved;
	size_t nreserved, capreserved;
	bool ram_custom;                 /* a `ram BASE SIZE` replaced the defaults */

	struct fg_kva_region nonpaged, paged, sysva;

	struct fg_kvar *vars;
	size_t nvars, capvars;
	uint64_t data_cursor, data_end;  /* free space in ntoskrnl .data */

	struct fg_pte_edit *edits;
	size_t nedits, capedits;

	uint32_t *slot;                  /* pfn → index+1 in m->pages (0: absent) */
	uint64_t slot_cap;
	bool pages_sorted;               /* m->pages in PFN order */

	uint64_t pageout_pct, transition_pct;   /* `pageout` shares of paged pool */

	uint64_t *spaces;                /* process address spaces (DTBs) */
	size_t nspaces, capspaces;

	bool pdb_set;                    /* `pdb GUID AGE` given */
	bool tick_set;                   /* `tick N` given (else from uptime) */
	bool kernel_base_set;            /* `kernel base=VA` given */
	bool kernel_large;               /* `kernel large`: image in a large page */
	bool finished;
};

/* Private state, created on first use. */
struct fg_core *fg_core(struct fg_machine *m);
/* realloc that dies on failure (the forge is a test tool: no partial dumps). */
void *fg_xrealloc(void *p, size_t n, size_t size);
char *fg_xstrdup(const char *s);
#define FG_GROW(arr, len, cap) do { \
	if ((len) == (cap)) { \
		(cap) = (cap) ? (cap) * 2 : 16; \
		(arr) = fg_xrealloc((arr), (cap), sizeof(*(arr))); \
	} \
} while (0)

/* Numbers of the scenario language: 0x.., decimal, with K/M/G suffixes. */
bool fg_parse_u64(const char *s, uint64_t *out);
uint64_t fg_parse_u64_or_die(const char *where, const char *what, const char *s);
uint64_t fg_parse_va(struct fg_machine *m, const char *where, const char *s);

/* forge_args.c: argument helpers shared by the LPC and ALPC directives.
 * fg_arg_flag: a bare word on the line, or word=VALUE present.
 * fg_arg_thread: the ETHREAD named by key=TID (dies when there is none).
 * fg_arg_hex: data=HEX into out (dies past max bytes or on odd digits).
 * fg_split_path: "\Dir\Leaf" into its directory and leaf (path starts with '\'). */
bool fg_arg_flag(int argc, char **argv, const char *word);
uint64_t fg_arg_thread(struct fg_machine *m, int argc, char **argv, const char *key, const char *where);
size_t fg_arg_hex(const char *hex, uint8_t *out, size_t max, const char *where);
void fg_split_path(const char *path, char *dir, size_t max, const char **leaf);

/* forge_memory.c */
bool fg_phys_reserved(const struct fg_machine *m, uint64_t pfn);
void fg_phys_sort(struct fg_machine *m);
void fg_ram_default(struct fg_machine *m, uint64_t size);

/* forge_paging.c */
void fg_paging_setup(struct fg_machine *m);
void fg_paging_apply_edits(struct fg_machine *m);
void fg_paging_sync_spaces(struct fg_machine *m);
void fg_kva_setup(struct fg_machine *m);
uint64_t fg_pte_of(struct fg_machine *m, uint64_t va, uint64_t *pte_pa);

/* forge_kernel.c */
void fg_kernel_defaults(struct fg_machine *m);
void fg_kernel_setup(struct fg_machine *m);
bool fg_kernel_is_code(const struct fg_machine *m, uint64_t va, uint64_t size);
void fg_kernel_collect_globals(struct fg_machine *m);
void fg_kernel_finish(struct fg_machine *m);

/* Directive handlers of the core, by concern (see forge_scenario.c). */
int fg_dir_profile(struct fg_machine *m, int argc, char **argv, const char *where);
int fg_dir_arch(struct fg_machine *m, int argc, char **argv, const char *where);
int fg_dir_build(struct fg_machine *m, int argc, char **argv, const char *where);
int fg_dir_seed(struct fg_machine *m, int argc, char **argv, const char *where);
int fg_dir_ram(struct fg_machine *m, int argc, char **argv, const char *where);
int fg_dir_largepage(struct fg_machine *m, int argc, char **argv, const char *where);
int fg_dir_pageout(struct fg_machine *m, int argc, char **argv, const char *where);
int fg_dir_transition(struct fg_machine *m, int argc, char **argv, const char *where);
int fg_dir_pagefile(struct fg_machine *m, int argc, char **argv, const char *where);
int fg_dir_addrspace(struct fg_machine *m, int argc, char **argv, const char *where);
int fg_dir_map(struct fg_machine *m, int argc, char **argv, const char *where);
int fg_dir_write(struct fg_machine *m, int argc, char **argv, const char *where);
int fg_dir_set(struct fg_machine *m, int argc, char **argv, const char *where);
int fg_dir_processors(struct fg_machine *m, int argc, char **argv, const char *where);
int fg_dir_bugcheck(struct fg_machine *m, int argc, char **argv, const char *where);
int fg_dir_time(struct fg_machine *m, int argc, char **argv, const char *where);
int fg_dir_uptime(struct fg_machine *m, int argc, char **argv, const char *where);
int fg_dir_tick(struct fg_machine *m, int argc, char **argv, const char *where);
int fg_dir_kernel(struct fg_machine *m, int argc, char **argv, const char *where);
int fg_dir_pdb(struct fg_machine *m, int argc, char **argv, const char *where);
int fg_dir_kdbg(struct fg_machine *m, int argc, char **argv, const char *where);
int fg_dir_lowstub(struct fg_machine *m, int argc, char **argv, const char *where);

/* The CLI may force a profile/seed over the scenario's. */
extern const char *fg_cli_profile;
extern bool fg_cli_seed_set;

#endif
