/*
 * model.h — the kernel object model: typed reads, bounded list walks,
 * processes, threads, modules, handles, objects, names and pool.
 *
 * Everything is read through the kernel layer and laid out by the kernel's
 * profile; no offsets are written in code. Field references are resolved once
 * (ld_fref_init) and then read many times.
 *
 * Contract:
 *  - Every list walk is bounded (a limit), cycle-safe (Brent's algorithm, no
 *    allocation) and reports how it ended (struct ld_walk_result). A walk that
 *    ends early is a warning with partial results, not a failure.
 *  - A field that cannot be read is reported as unavailable (the read status
 *    is kept), never invented.
 *  - Snapshots (ld_system) are built once per kernel and cached by it.
 */
#ifndef LPCDUMP_MODEL_H
#define LPCDUMP_MODEL_H

#include "../base/base.h"
#include "../kernel/kernel.h"
#include "../types/types.h"

/* ---- typed field access ---- */

struct ld_fref {
	bool valid;                 /* false: this build has no such field */
	uint32_t off;               /* absolute offset within the outer type */
	uint32_t size;
	uint8_t bitpos, bitlen;
	bool is_signed;
	bool is_ptr;
	const char *type_name;
	uint32_t count;              /* array elements (size is one element), 0 not an array */
};
/* Resolve TYPE.PATH in the kernel's profile; an absent field gives valid=false
 * and LD_ERR_NOT_FOUND (callers that can live without it ignore the status). */
ld_status ld_fref_init(const struct ld_profile *p, const char *type, const char *path,
		       struct ld_fref *out);
/* Read an integer, pointer (canonicalised) or bit field at base + f->off. */
ld_status ld_read_field(struct ld_kernel *k, uint64_t base, const struct ld_fref *f, uint64_t *val);
/* Size of a type in this profile, 0 when unknown. */
uint32_t ld_type_size(const struct ld_profile *p, const char *type);

/* ---- typed records: one read, many fields ----
 * A copy of the bytes [base+lo, base+lo+len) of one structure. Fields inside
 * the copy come from it; a field outside it, or any field when the copy could
 * not be read whole (ok false), is read on its own: the answers are exactly
 * those of ld_read_field, only the number of reads changes. */
#define LD_RECORD_MAX 0x1000u
struct ld_record {
	uint64_t base;
	uint32_t lo, len;
	bool ok;
	uint8_t buf[LD_RECORD_MAX];
};
/* The byte range [*lo, *hi) covering the valid fields given ([0, 0) if none). */
void ld_fields_span(const struct ld_fref *const *f, size_t n, uint32_t *lo, uint32_t *hi);
/* Copy [base+lo, base+hi); false (fields then read one by one) when it fails
 * or is larger than LD_RECORD_MAX. */
bool ld_record_load(struct ld_kernel *k, struct ld_record *r, uint64_t base, uint32_t lo, uint32_t hi);
/* A record from bytes already copied (len 0 or bytes NULL: no copy). */
void ld_record_set(struct ld_record *r, uint64_t base, uint32_t lo, const void *bytes, uint32_t len);
/* Whether [va, va+len) lies in the copy. */
bool ld_record_holds(const struct ld_record *r, uint64_t va, size_t len);
/* Field f of the structure at r->base; of the structure at base (which may
 * lie inside the copy, e.g. an embedded wait block). */
ld_status ld_record_field(struct ld_kernel *k, const struct ld_record *r, const struct ld_fref *f,
			  uint64_t *val);
ld_status ld_record_read_at(struct ld_kernel *k, const struct ld_record *r, uint64_t base,
			    const struct ld_fref *f, uint64_t *val);
/* Same, dflt when the field is not in the profile or cannot be read. */
uint64_t ld_record_field_or(struct ld_kernel *k, const struct ld_record *r, const struct ld_fref *f,
			    uint64_t dflt);

/* Read a UNICODE_STRING at va into UTF-8 (bounded by max bytes of output). */
ld_status ld_read_unicode_string(struct ld_kernel *k, uint64_t va, char *out, size_t max);

/* ---- bounded list walks ---- */

enum ld_walk_end {
	LD_WALK_DONE,         /* came back to the head */
	LD_WALK_CYCLE,        /* looped without returning to the head */
	LD_WALK_LIMIT,        /* hit the limit */
	LD_WALK_UNREADABLE,   /* a link could not be read (paged out, not in dump) */
	LD_WALK_BAD_LINK,     /* Blink of the next entry does not point back, or a NULL/user pointer */
	LD_WALK_STOPPED,      /* the callback asked to stop */
	LD_WALK_INTERRUPTED,  /* Ctrl-C */
};
const char *ld_walk_end_name(enum ld_walk_end e);

struct ld_walk_result {
	enum ld_walk_end end;
	size_t count;               /* entries visited (not counting the head) */
	uint64_t bad_va;            /* where it went wrong, if it did */
};

/* fn gets each LIST_ENTRY's VA (not the containing record); return true to
 * continue, false to stop. */
typedef bool (*ld_walk_fn)(struct ld_kernel *k, uint64_t entry, void *arg);
#define LD_WALK_DEFAULT_LIMIT 1000000u
void ld_list_walk(struct ld_kernel *k, uint64_t head, size_t limit, ld_walk_fn fn, void *arg,
		  struct ld_walk_result *res);
/* Flags for ld_list_walk_ex. LD_WALK_NO_BACKLINK: do not require
 * Flink->Blink == previous (lists whose Blinks are not maintained); then only
 * Brent's check catches loops that miss the head (ending LD_WALK_CYCLE). */
#define LD_WALK_NO_BACKLINK 1u
void ld_list_walk_ex(struct ld_kernel *k, uint64_t head, size_t limit, unsigned flags, ld_walk_fn fn,
		     void *arg, struct ld_walk_result *res);

/* ---- processes and threads ---- */

struct ld_process {
	uint64_t addr;              /* EPROCESS */
	uint64_t pid, ppid;
	char name[16];              /* ImageFileName, "" when unreadable */
	uint64_t dtb;
	uint64_t object_table;      /* HANDLE_TABLE, 0 none */
	uint64_t create_time, exit_time;
	bool exiting;               /* exit time set / ProcessExiting flag */
	size_t first_thread;        /* index into ld_system.threads */
	size_t nthreads;
	struct ld_walk_result thread_walk;
	bool incomplete;            /* pid or name unreadable (paged out, not in the dump) */
};

struct ld_thread {
	uint64_t addr;              /* ETHREAD */
	uint64_t process;           /* EPROCESS that owns it */
	size_t process_index;       /* index into ld_system.processes */
	uint64_t pid, tid;
	uint8_t state;              /* KTHREAD_STATE */
	uint8_t wait_reason;        /* KWAIT_REASON */
	bool wait_time_known;
	uint32_t wait_time;         /* KTHREAD.WaitTime (ticks) */
	double wait_seconds;        /* < 0 when unknown */
	uint64_t wait_block_list;   /* first KWAIT_BLOCK */
	uint64_t wait_object;       /* object of the first wait block, 0 unknown */
	uint64_t teb, start_address, win32_start_address;
	bool terminated;
	bool incomplete;            /* Cid, state or wait reason unreadable */
	bool kept;                  /* the bytes asked for by ld_system_keep_thread_bytes were read */
};

struct ld_system {
	struct ld_process *processes;
	size_t nprocesses;
	struct ld_thread *threads;
	size_t nthreads;
	struct ld_walk_result process_walk;
	/* Per thread, kept_len bytes of its ETHREAD from offset kept_lo. */
	const uint8_t *kept;
	uint32_t kept_lo, kept_len;
};

/* Build (once) and return the process/thread snapshot of this kernel. */
ld_status ld_system_get(struct ld_kernel *k, const struct ld_system **out);
/* Ask the snapshot, before it is built, to keep bytes [lo, hi) of every
 * ETHREAD (at most 512), copied by the read that decodes the thread: a later
 * pass over all threads (their LPC fields) then costs no read at all. False
 * when the snapshot exists already or the span is too large (that pass then
 * reads the threads itself). */
bool ld_system_keep_thread_bytes(struct ld_kernel *k, uint32_t lo, uint32_t hi);
/* Thread i's kept bytes as a record (r->ok false when none were kept). */
void ld_system_thread_record(const struct ld_system *s, size_t i, struct ld_record *r);
const struct ld_process *ld_system_process_by_pid(const struct ld_system *s, uint64_t pid);
const struct ld_process *ld_system_process_by_addr(const struct ld_system *s, uint64_t addr);
const struct ld_thread *ld_system_thread_by_tid(const struct ld_system *s, uint64_t tid);
const struct ld_thread *ld_system_thread_by_addr(const struct ld_system *s, uint64_t addr);
const char *ld_thread_state_name(const struct ld_kernel *k, unsigned state);
const char *ld_wait_reason_name(const struct ld_kernel *k, unsigned reason);

/* ---- modules ---- */

struct ld_module {
	uint64_t base, size, entry;
	char name[64];              /* BaseDllName */
	char path[260];             /* FullDllName */
};
/* Walk PsLoadedModuleList; fn returns false to stop. */
ld_status ld_modules_walk(struct ld_kernel *k, bool (*fn)(const struct ld_module *m, void *arg),
			  void *arg, struct ld_walk_result *res);

/* ---- objects ---- */

struct ld_object {
	uint64_t body;              /* the object itself */
	uint64_t header;            /* OBJECT_HEADER */
	uint64_t type_object;       /* OBJECT_TYPE, 0 unknown */
	char type_name[32];         /* "Port", "ALPC Port", "Process" ..., "" unknown */
	char name[256];             /* object name (no path), "" none/unavailable */
	uint64_t directory;         /* OBJECT_DIRECTORY holding the name, 0 none */
	uint64_t pointer_count, handle_count;
};
/* Decode the header of the object whose body is at va (type by pointer,
 * TypeIndex, or TypeIndex ^ cookie, per build). */
ld_status ld_object_get(struct ld_kernel *k, uint64_t body, struct ld_object *out);
/* Full path ("\RPC Control\foo") when the object is in the namespace. */
ld_status ld_object_path(struct ld_kernel *k, uint64_t body, char *out, size_t max);
/* The body VA of an object type by name ("Port", "ALPC Port"), 0 unknown. */
uint64_t ld_object_type_by_name(struct ld_kernel *k, const char *name);

/* ---- handles ---- */

struct ld_handle {
	uint64_t pid;
	uint64_t handle;            /* handle value (multiple of 4) */
	uint64_t object;            /* object body */
	uint32_t access;
	struct ld_object obj;
};
/* Walk the handle table of one process (every encoding); fn returns false to stop. */
ld_status ld_handles_walk(struct ld_kernel *k, const struct ld_process *p,
			  bool (*fn)(const struct ld_handle *h, void *arg), void *arg);

/* ---- object directory ---- */

struct ld_dirent {
	uint64_t object;
	char name[256];
	char type_name[32];
	char path[512];
};
/* List a directory by path ("\\", "\\RPC Control"); recurse = walk subdirectories. */
ld_status ld_directory_walk(struct ld_kernel *k, const char *path, bool recurse,
			    bool (*fn)(const struct ld_dirent *e, void *arg), void *arg);

/* ---- pool scan ---- */

struct ld_pool_hit {
	uint64_t pa;                /* physical address of the POOL_HEADER */
	uint64_t va;                /* kernel VA when known, else 0 */
	char tag[5];
	uint32_t block_size;        /* bytes, from the header */
};
/* Scan all present physical memory for pool headers with one of the tags.
 * Streams the source page by page; fn returns false to stop. */
ld_status ld_pool_scan(struct ld_kernel *k, const char *const *tags, size_t ntags,
		       bool (*fn)(const struct ld_pool_hit *h, void *arg), void *arg);

/* ---- PE images in memory: exports (pe_exports.c) ---- */

struct ld_pe_export {
	uint64_t va;
	uint32_t ordinal;           /* index into AddressOfFunctions */
	char name[64];
};
struct ld_pe_image {
	uint64_t base;
	uint32_t size_of_image;     /* from the optional header */
	uint16_t machine;           /* 0x14c, 0x8664 */
	struct ld_pe_export *exports;   /* named, non-forwarded exports, sorted by va */
	size_t nexports;
	bool partial;               /* parts of the export tables were unreadable */
};
/* Read the headers and named exports of the image at base. An image without
 * exports is LD_OK with nexports 0; unreadable headers are an error. */
ld_status ld_pe_read_exports(struct ld_kernel *k, uint64_t base, struct ld_pe_image *img);
void ld_pe_image_free(struct ld_pe_image *img);
/* The export at or below va (nearest preceding), NULL when none. */
const struct ld_pe_export *ld_pe_export_at_or_below(const struct ld_pe_image *img, uint64_t va);
const struct ld_pe_export *ld_pe_export_by_name(const struct ld_pe_image *img, const char *name);

#endif
