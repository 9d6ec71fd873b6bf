/*
 * kernel.h — finding the Windows kernel in a memory source.
 *
 * ld_kernel_open() stacks the layers: source (bytes) → address space (DTB,
 * from the container or discovered in a raw image) → kernel facts (KDBG found,
 * validated and decoded; kernel base; list heads; build; time) → the profile
 * for this build (chosen by architecture and build, then validated against
 * memory). Everything above this layer asks the kernel object for memory and
 * for the profile and never learns how either was found.
 *
 * Contract:
 *  - A dump whose kernel cannot be found still opens when the container gives
 *    enough for `info` (triage dumps, unknown architectures): the missing
 *    facts are flagged in ld_kernel_info and explained by warnings.
 *  - No profile validating is a warning, not an error; analyses that need
 *    types then fail with LD_ERR_NOT_FOUND and say so.
 */
#ifndef LPCDUMP_KERNEL_H
#define LPCDUMP_KERNEL_H

#include "../base/base.h"
#include "../source/source.h"
#include "../xlat/xlat.h"
#include "../types/types.h"

struct ld_kernel;

struct ld_kernel_opts {
	const char *format;        /* --format: force a source format */
	const char *profile;       /* --profile: force a profile by name */
	const char *symbols;       /* --symbols: ISF file or directory */
	bool has_dtb;              /* --dtb: override the directory table base */
	uint64_t dtb;
	uint64_t kdbg_va;          /* --kdbg: override (0 = discover) */
};

/* Where a fact came from, for `info` to explain itself. */
enum ld_fact_source {
	LD_FACT_NONE = 0,          /* unknown */
	LD_FACT_HEADER,            /* the dump header said so */
	LD_FACT_KDBG,              /* read from KDBG */
	LD_FACT_SCAN,              /* found by scanning memory */
	LD_FACT_USER,              /* given on the command line */
	LD_FACT_DERIVED,           /* computed from other facts */
	LD_FACT_NOTES,             /* ELF notes (QEMU CPU state) */
};
const char *ld_fact_source_name(enum ld_fact_source s);

struct ld_kernel_info {
	enum ld_arch arch;
	uint32_t machine;           /* PE machine when known (for "arm64" etc.) */
	const char *arch_name;      /* "x86", "x86-pae", "x64", or e.g. "arm64" when unsupported */
	uint32_t build;             /* NT build number, 0 unknown */
	enum ld_fact_source build_from;
	uint32_t major_version;     /* 15 free / 12 checked when known */
	uint64_t dtb;
	enum ld_fact_source dtb_from;
	uint64_t kdbg;              /* VA of KDBG, 0 when not found */
	enum ld_fact_source kdbg_from;
	bool kdbg_encoded;          /* Windows 8+ x64 encoded block, decoded */
	uint32_t kdbg_size;
	uint64_t kernel_base;
	/* List heads and variables are the VAs of the kernel variables, as KDBG
	 * holds them (read the variable for its value: ObpRootDirectoryObject
	 * is a pointer to the root directory). */
	uint64_t ps_active_process_head;
	uint64_t ps_loaded_module_list;
	uint64_t psp_cid_table;
	uint64_t obp_root_directory_object;
	uint64_t obp_type_object_type;
	uint64_t mm_pfn_database;   /* the PFN array itself (as the dump header states it) */
	uint64_t ke_time_increment_va;
	uint32_t processors;
	bool has_bugcheck;
	uint32_t bugcheck_code;
	uint64_t bugcheck_params[4];
	uint64_t system_time;       /* FILETIME; 0 unknown */
	enum ld_fact_source system_time_from;
	uint64_t uptime_100ns;      /* 0 unknown */
	/* KUSER_SHARED_DATA (0xFFDF0000 / 0xFFFFF78000000000). */
	bool has_shared_data;
	uint64_t interrupt_time;    /* 100 ns since boot */
	uint64_t tick_count;        /* KeTickCount value (ticks) */
	uint32_t tick_count_multiplier;
	uint32_t nt_major, nt_minor;
	/* Profile choice. */
	const struct ld_profile *profile;      /* NULL: none validated */
	char profile_evidence[256];            /* why this one ("System pid 4, 2 threads back-linked") */
	bool triage;                /* no port data possible */
};

ld_status ld_kernel_open(const char *path, const struct ld_kernel_opts *opts, struct ld_kernel **out);
void ld_kernel_close(struct ld_kernel *k);

const struct ld_kernel_info *ld_kernel_info(const struct ld_kernel *k);
struct ld_source *ld_kernel_source(const struct ld_kernel *k);
struct ld_vas *ld_kernel_vas(const struct ld_kernel *k);              /* NULL if no DTB */
const struct ld_profile *ld_kernel_profile(const struct ld_kernel *k); /* NULL if none */
const struct ld_profile_set *ld_kernel_profiles(const struct ld_kernel *k);
/* The KDBG block as read (decoded when needed); NULL when not found. */
const uint8_t *ld_kernel_kdbg(const struct ld_kernel *k, size_t *size);

/* Kernel virtual memory. */
ld_status ld_kernel_read(struct ld_kernel *k, uint64_t va, void *buf, size_t len);
ld_status ld_kernel_read_u8(struct ld_kernel *k, uint64_t va, uint8_t *v);
ld_status ld_kernel_read_u16(struct ld_kernel *k, uint64_t va, uint16_t *v);
ld_status ld_kernel_read_u32(struct ld_kernel *k, uint64_t va, uint32_t *v);
ld_status ld_kernel_read_u64(struct ld_kernel *k, uint64_t va, uint64_t *v);
/* A pointer of the kernel's width, canonicalised. */
ld_status ld_kernel_read_ptr(struct ld_kernel *k, uint64_t va, uint64_t *v);
unsigned ld_kernel_ptr_size(const struct ld_kernel *k);
/* Is va in the kernel half of the address space? */
bool ld_kernel_is_kva(const struct ld_kernel *k, uint64_t va);

/* Seconds a thread has waited: from its KTHREAD.WaitTime (ticks) against the
 * dump's tick count. false when either is unknown. */
bool ld_kernel_ticks_to_seconds(const struct ld_kernel *k, uint64_t ticks, double *seconds);

/* The kernel image's PDB identity, from the CodeView RSDS record of its
 * debug directory (kernel_pdb.c): what a symbol file (ISF) must match.
 * guid: 32 upper-case hex digits in symbol-server order. */
struct ld_kernel_pdb {
	char guid[33];
	uint32_t age;
	char name[64];                      /* "ntkrnlmp.pdb" */
};
ld_status ld_kernel_pdb_identity(struct ld_kernel *k, struct ld_kernel_pdb *out);

/* Drop cached state (live targets). */
void ld_kernel_refresh(struct ld_kernel *k);

/* Per-kernel cache slots for the layers above (kernel_slots.c): a layer keeps
 * its snapshot here so it is built once per kernel. The free function runs
 * at ld_kernel_close() and ld_kernel_refresh() (both call
 * ld_kernel_slots_release()). */
enum ld_slot {
	LD_SLOT_MODEL,             /* analyzer/model: field refs, processes, threads, types */
	LD_SLOT_LPC,               /* analyzer/lpc */
	LD_SLOT_REPORT,
	LD_SLOT_COUNT
};
void *ld_kernel_slot_get(const struct ld_kernel *k, enum ld_slot s);
/* false (and v not stored) when out of memory: the caller keeps ownership. */
bool ld_kernel_slot_set(struct ld_kernel *k, enum ld_slot s, void *v, void (*free_fn)(void *));
void ld_kernel_slots_release(struct ld_kernel *k);

#endif
