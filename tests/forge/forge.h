/*
 * forge.h — the dump forge: writes synthetic Windows kernel memory with known
 * contents, in every dump format lpcdump reads, so every decode decision can
 * be tested against ground truth.
 *
 * Shape (each concern one file):
 *   forge_main.c       the command line
 *   forge_scenario.c   the scenario language: a table of directives, each
 *                      handled in the file of its concern
 *   forge_memory.c     sparse physical memory, PFNs handed out out of order (seeded)
 *   forge_paging.c     page tables (x86, PAE, x64) with the Windows self-map,
 *                      large pages, transition PTEs; kernel VA allocation
 *   forge_typed.c      writes by TYPE.FIELD through the profile, LIST_ENTRY, UNICODE_STRING
 *   forge_kernel.c     KDBG, KUSER_SHARED_DATA, the minimal ntoskrnl PE image
 *   forge_objects.c    processes, threads, object headers, handles, directories, pool
 *   forge_lpc.c        LPC ports and messages (NT 5.x)
 *   forge_alpc.c       ALPC ports and messages (NT 6+)
 *   emit_*.c           one writer per output format
 *
 * Structures are laid out by the profile under test (types.h): fg_set() writes
 * TYPE.FIELD by name, so the forge never hard-codes an offset either.
 *
 * Everything is deterministic for a given scenario and seed.
 */
#ifndef LPCDUMP_FORGE_H
#define LPCDUMP_FORGE_H

#include <stdio.h>

#include "analyzer/base/base.h"
#include "analyzer/types/types.h"

struct fg_page {
	uint64_t pfn;
	uint8_t *data;              /* 4096 bytes */
};

struct fg_ram_range {               /* physical RAM as the firmware reports it */
	uint64_t base_pfn, npages;
};

struct fg_machine {
	/* identity */
	enum ld_arch arch;
	uint32_t build;
	const struct ld_profile *profile;   /* NULL until `profile` is given */
	uint32_t seed;

	/* physical memory: RAM ranges (with holes) and the pages that hold data */
	struct fg_ram_range ram[16];
	size_t nram;
	struct fg_page *pages;       /* sorted by pfn once fg_finish() ran */
	size_t npages, cappages;

	/* kernel facts the emitters put in headers */
	uint64_t dtb;
	uint64_t kernel_base;
	uint64_t kdbg_va;
	uint64_t ps_active_process_head;
	uint64_t ps_loaded_module_list;
	uint64_t pfn_database;
	uint32_t processors;
	uint32_t bugcheck_code;
	uint64_t bugcheck_params[4];
	uint64_t system_time;        /* FILETIME */
	uint64_t uptime_100ns;
	uint64_t tick_count;         /* KeTickCount at the dump */
	bool kdbg_encoded;           /* Win8+ x64: KDBG encoded in memory */

	/* emitter knobs set by the scenario or the command line */
	bool header_kdbg_absent;     /* write 0 / PAGE fill for KdDebuggerDataBlock */

	/* Free-form state of the concern files (objects, lpc, alpc) hangs here. */
	void *objects;
	void *lpc;
	void *alpc;

	/* ---- forge core (forge_memory/paging/kernel.c); read-only for others ---- */
	struct ld_profile_set *profiles;    /* owns *profile */
	uint64_t rng;                /* PRNG state (fg_random), from seed */
	bool ready;                  /* fg_machine_setup() ran: memory may be written */
	unsigned selfmap_index;      /* x64: PML4 index of the self-map; x86: PDE index 0x300 */
	uint64_t pte_base;           /* VA where the self-map shows the PTEs */
	bool lowstub;                /* x64: write a PROCESSOR_START_BLOCK below 1 MiB */
	uint64_t lowstub_pa;         /* where it went (0: none) */
	uint64_t kernel_size;        /* SizeOfImage of the forged ntoskrnl */
	uint64_t kernel_entry;       /* its entry point VA */
	uint32_t kdbg_size;          /* KDBG Header.Size */
	uint64_t kuser_va;           /* KUSER_SHARED_DATA */
	uint64_t interrupt_time;     /* KUSER InterruptTime (100 ns) = uptime */
	uint8_t pdb_guid[16];        /* RSDS record of ntoskrnl (GUID as stored) */
	uint32_t pdb_age;
	char pdb_name[32];
	void *core;                  /* private state of the core files (forge-priv.h) */
};

/* ---- the machine (forge_memory.c) ---- */
/* Zero the machine and set defaults (arch unknown until the
 * scenario says; RAM 8 MiB; 1 processor; low stub on). */
void fg_machine_init(struct fg_machine *m, uint32_t seed);
/* After the configuration directives (profile/arch/build/ram/kernel/...):
 * page tables, the ntoskrnl image, KDBG, KUSER_SHARED_DATA, the low stub.
 * Idempotent; the scenario loader calls it before the first memory directive. */
void fg_machine_setup(struct fg_machine *m);
/* Frees the core's memory and, through the weak hooks below when linked in,
 * each concern's state (m->objects, m->lpc, m->alpc). */
void fg_machine_free(struct fg_machine *m);
void fg_objects_free(struct fg_machine *m);
void fg_lpc_free(struct fg_machine *m);
void fg_alpc_free(struct fg_machine *m);
/* The seeded PRNG every random choice of the forge goes through. */
uint64_t fg_random(struct fg_machine *m);

/* ---- physical memory (forge_memory.c) ---- */
/* The page for pfn, created zero-filled when create is true. */
uint8_t *fg_phys_page(struct fg_machine *m, uint64_t pfn, bool create);
bool fg_phys_present(const struct fg_machine *m, uint64_t pfn);
/* A fresh PFN inside RAM, not yet used, chosen pseudo-randomly (seeded) so
 * that virtual order and physical order differ; above 1 MiB, and in the
 * lower half of RAM while it lasts (the upper half keeps large-page runs). */
uint64_t fg_phys_alloc(struct fg_machine *m);
/* A run of n contiguous free PFNs aligned to align pages (large pages).
 * The run is reserved; its pages exist (count as present) once written. */
uint64_t fg_phys_alloc_run(struct fg_machine *m, uint64_t n, uint64_t align);
uint64_t fg_ram_pages(const struct fg_machine *m);     /* total RAM pages */
uint64_t fg_max_pfn(const struct fg_machine *m);       /* one past the last RAM pfn */

/* ---- virtual memory (forge_paging.c) ---- */
/* Map va → pfn in the kernel address space (4 KiB). */
void fg_map(struct fg_machine *m, uint64_t va, uint64_t pfn);
/* Map a large page (2/4 MiB; 1 GiB on x64 when size says so). */
void fg_map_large(struct fg_machine *m, uint64_t va, uint64_t pfn, uint64_t size);
/* Make the PTE of va a transition PTE (page still in RAM), or a pagefile /
 * demand-zero software PTE (data unavailable). */
void fg_make_transition(struct fg_machine *m, uint64_t va);
void fg_make_pagefile(struct fg_machine *m, uint64_t va, uint32_t file, uint64_t offset);
/* Allocate kernel virtual memory backed by fresh pages. With a pool tag the
 * allocation gets a POOL_HEADER in front (profile layout) and the returned VA
 * is the body. paged=true puts it in paged pool. */
uint64_t fg_kalloc(struct fg_machine *m, size_t size, const char *pool_tag, bool paged);
/* Write/read virtual memory (must be mapped). */
void fg_write(struct fg_machine *m, uint64_t va, const void *data, size_t len);
void fg_read(struct fg_machine *m, uint64_t va, void *data, size_t len);
void fg_write_ptr(struct fg_machine *m, uint64_t va, uint64_t value);
/* Physical address of va (must be mapped), for tests that corrupt memory. */
uint64_t fg_virt_to_phys(struct fg_machine *m, uint64_t va);

/* ---- typed writes by the profile (forge_typed.c) ---- */
/* Write an integer/pointer/bit field TYPE.PATH of the struct at va.
 * Aborts the forge with a message when the profile lacks the field: a
 * scenario that needs it is wrong for that build. */
void fg_set(struct fg_machine *m, uint64_t va, const char *type, const char *path, uint64_t value);
/* Same, but silently skip when the build has no such field. */
void fg_set_opt(struct fg_machine *m, uint64_t va, const char *type, const char *path, uint64_t value);
uint32_t fg_offset(struct fg_machine *m, const char *type, const char *path);
uint32_t fg_sizeof(struct fg_machine *m, const char *type);
/* LIST_ENTRY helpers: initialise an empty list head, insert entry at the tail. */
void fg_list_init(struct fg_machine *m, uint64_t head);
void fg_list_append(struct fg_machine *m, uint64_t head, uint64_t entry);
/* Write a UNICODE_STRING at va whose buffer is a fresh allocation holding s. */
void fg_unicode_string(struct fg_machine *m, uint64_t va, const char *s, bool paged);

/* Like fg_virt_to_phys, but false instead of dying when va is not mapped
 * (transition PTEs count as mapped: the page is still in RAM). */
bool fg_try_virt_to_phys(struct fg_machine *m, uint64_t va, uint64_t *pa);
/* Back [va, va+size) with fresh pages where not mapped yet (kernel space). */
void fg_map_range(struct fg_machine *m, uint64_t va, uint64_t size);

/* ---- process address spaces (forge_paging.c) ---- */
/* A new address space (a process DTB): its own top-level table with its own
 * self-map, sharing the kernel half with the kernel's (kept in sync up to
 * fg_finish). User VAs mapped in it get the U/S bit. */
uint64_t fg_address_space_new(struct fg_machine *m);
/* fg_map / fg_map_range / fg_write / fg_read / fg_try_virt_to_phys in the
 * address space dtb (m->dtb is the kernel's). */
void fg_map_in(struct fg_machine *m, uint64_t dtb, uint64_t va, uint64_t pfn);
void fg_map_range_in(struct fg_machine *m, uint64_t dtb, uint64_t va, uint64_t size);
void fg_write_in(struct fg_machine *m, uint64_t dtb, uint64_t va, const void *data, size_t len);
void fg_read_in(struct fg_machine *m, uint64_t dtb, uint64_t va, void *data, size_t len);
bool fg_try_virt_to_phys_in(struct fg_machine *m, uint64_t dtb, uint64_t va, uint64_t *pa);

/* ---- the kernel image (forge_kernel.c) ---- */
/* A named global variable of ntoskrnl (in its .data; exported by name when
 * it exists before fg_finish() writes the export table, private after),
 * size bytes, zeroed, created on first use; later calls return the same VA.
 * Use it for kernel globals the analyzer finds through KDBG or exports
 * (PsActiveProcessHead, ObpRootDirectoryObject, KiWaitNever, ...). */
uint64_t fg_kernel_var(struct fg_machine *m, const char *name, size_t size);
/* VA of an existing kernel variable, 0 when none by that name. */
uint64_t fg_kernel_symbol(const struct fg_machine *m, const char *name);

/* ---- scenario (forge_scenario.c) ---- */
/* A directive: the first word of a scenario line. Handlers get the words of
 * the line (key=value pairs are left as words; see fg_arg()). */
struct fg_directive {
	const char *name;
	int (*handle)(struct fg_machine *m, int argc, char **argv, const char *where);
	/* true: a configuration directive, run before fg_machine_setup() whatever
	 * its place in the file (profile, arch, ram, kernel, ...). */
	bool early;
};
int fg_scenario_load(struct fg_machine *m, const char *path);
/* Value of key=VALUE among argv, or NULL. */
const char *fg_arg(int argc, char **argv, const char *key);
uint64_t fg_arg_u64(int argc, char **argv, const char *key, uint64_t dflt);
/* Die with "scenario:LINE: message". */
void fg_die(const char *where, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));
/* Called once after the whole scenario is read (links lists, fills KDBG, ...).
 * Runs the per-concern finishers below in this order, each only when linked
 * in (weak): fg_lpc_finish, fg_alpc_finish, fg_objects_finish (forge_objects.h),
 * then the core's KDBG/export writer, then fg_kdbg_encode when m->kdbg_encoded,
 * then the scenario's `transition`/`pagefile` PTE edits. */
void fg_finish(struct fg_machine *m);
void fg_lpc_finish(struct fg_machine *m);
void fg_alpc_finish(struct fg_machine *m);
/* forge_kdbg_encode.c: encode the KDBG block in place (Win8+ x64). */
void fg_kdbg_encode(struct fg_machine *m);
/* "file:line" of the directive being handled ("forge" outside one). */
const char *fg_where(void);

/* ---- emitters (emit_*.c) ---- */
struct fg_emit_opts {
	int dump_type;               /* for crashdump formats */
	bool kernel_only;            /* bitmap 6 / rdmp 8: only kernel pages */
};
/* format: "full", "bitmap5", "bitmap6", "summary", "rdmp8", "rdmp9", "rdmpA",
 * "triage", "elf", "raw" (see emit_*.c). 0 on success. */
int fg_emit(struct fg_machine *m, const char *format, const char *path);
const char *const *fg_emit_formats(void);

#endif
