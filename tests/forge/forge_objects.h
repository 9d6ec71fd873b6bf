/*
 * forge_objects.h — the forge's kernel object model: processes, threads,
 * object types and headers, the object namespace, handle tables, loaded
 * modules and pool tags, laid out by the profile under test.
 *
 * The scenario directives below are registered in forge_scenario.c. The C
 * helpers are for the other concern files (forge_lpc.c, forge_alpc.c), which
 * create port objects and need processes/threads by id.
 *
 * Conventions:
 *  - Every object is a pool allocation: POOL_HEADER (tag), optional object
 *    header infos (name, ...), OBJECT_HEADER, then the body. Functions return
 *    the BODY VA.
 *  - Object headers follow the build family: NT5/Vista a Type pointer and
 *    *InfoOffset bytes; Win7+ TypeIndex + InfoMask; Win10 TypeIndex encoded
 *    with ObHeaderCookie and the header address.
 *  - Kernel globals (ObpRootDirectoryObject, ObpTypeObjectType,
 *    ObTypeIndexTable, ObHeaderCookie, PsActiveProcessHead,
 *    PsLoadedModuleList) are ntoskrnl variables (fg_kernel_var), so the core's
 *    KDBG writer and export table name them; fg_objects_global() gives a VA.
 *    The cookie is seeded; ObTypeIndexTable holds 0, 0xbad0b0b0, then the
 *    types by index ("Type" = 2, "Directory" = 3, the rest in creation
 *    order). Every type is also named in \ObjectTypes, which is how the
 *    analyzer rebuilds the table and derives the cookie.
 *  - The namespace starts with \, \ObjectTypes, \BaseNamedObjects,
 *    \RPC Control, \Windows; names hash into the 37 buckets.
 *  - Handle values start at 4, skip index 0 of each leaf table, and the
 *    table grows to as many levels as the largest value needs (2000: fixed
 *    three levels of 256). Entries: XP+ Object | 1 (unlocked), 2000 the
 *    pointer as is, 8+ ObjectPointerBits (x64 << 4 with the top implied).
 *  - Thread wait ages are turned into KTHREAD.WaitTime in fg_objects_finish()
 *    from the final tick count and FG_TICKS_PER_SECOND.
 */
#ifndef LPCDUMP_FORGE_OBJECTS_H
#define LPCDUMP_FORGE_OBJECTS_H

#include "forge.h"

/* The forged clock: 15.625 ms per tick (KUSER_SHARED_DATA.TickCountMultiplier
 * = 0x0FA00000, i.e. 15.625 << 24). */
#define FG_TICKS_PER_SECOND 64u
#define FG_TICK_COUNT_MULTIPLIER 0x0FA00000u

/* ---- directives (forge_scenario.c table) ----
 *  process pid=N name=X [parent=PID] [exiting] [dtb=ADDR]
 *  thread pid=N tid=N [state=waiting|running|ready|NUMBER] [reason=WrLpcReply|NAME|NUMBER]
 *         [wait=SECONDS] [teb=ADDR] [start=ADDR] [win32start=ADDR] [object=NAME|ADDR]
 *  handle pid=N object=PATH|ADDR [access=MASK] [value=HANDLE]
 *  directory path=\RPC Control
 *  object type=Event name=\BaseNamedObjects\Foo [size=BYTES] [tag=TAG]
 *  module name=ntoskrnl.exe [path=\SystemRoot\...] base=ADDR size=BYTES
 *  damage process-loop | thread-backlink pid=N | handles-wild pid=N |
 *         handles-level pid=N | directory-cycle path=\DIR | unlink path=\X
 *         | flip seed=N count=N | pageout pid=N | tcb-list pid=N
 *         | link path=\X into=\DIR (one more entry for X in DIR)
 *         (unlink: a root directory entry, e.g. \ObjectTypes, taken out;
 *          flip: count random bytes of object blocks changed, from seed;
 *          pageout: the page of that EPROCESS's pid moved to the pagefile;
 *          tcb-list: KPROCESS.ThreadListHead loses the process's last thread)
 *         (hostile shapes, applied after everything is laid out)
 */
int fg_dir_process(struct fg_machine *m, int argc, char **argv, const char *where);
int fg_dir_thread(struct fg_machine *m, int argc, char **argv, const char *where);
int fg_dir_handle(struct fg_machine *m, int argc, char **argv, const char *where);
int fg_dir_directory(struct fg_machine *m, int argc, char **argv, const char *where);
int fg_dir_object(struct fg_machine *m, int argc, char **argv, const char *where);
int fg_dir_module(struct fg_machine *m, int argc, char **argv, const char *where);
int fg_dir_damage(struct fg_machine *m, int argc, char **argv, const char *where);

/* Called by fg_finish() BEFORE KDBG is written: writes wait times, the type
 * index table, handle tables. Safe to call when no object directive ran. */
void fg_objects_finish(struct fg_machine *m);
/* VA of a kernel global variable by name (see above), creating the object
 * model's basics (types, root directory) on first use; 0 for unknown names. */
uint64_t fg_objects_global(struct fg_machine *m, const char *name);

/* ---- helpers for the other concern files ---- */
/* OBJECT_TYPE body of a type by name ("Port", "ALPC Port", "Event", ...),
 * created on first use. */
uint64_t fg_object_type(struct fg_machine *m, const char *type_name);
/* A new object of the given type with body_size zeroed bytes. pool_tag may be
 * NULL (the type's usual tag is used). name may be NULL (unnamed); dir is the
 * OBJECT_DIRECTORY body to insert it into (0 = the root when named). Returns
 * the body VA. */
uint64_t fg_object_create(struct fg_machine *m, const char *type_name, size_t body_size,
			  const char *pool_tag, const char *name, uint64_t dir);
/* Directory by path ("\\", "\\RPC Control"), created (with parents) if missing. */
uint64_t fg_directory(struct fg_machine *m, const char *path);
/* Named object by full path, or 0. */
uint64_t fg_object_lookup(struct fg_machine *m, const char *path);
/* EPROCESS / ETHREAD by id, 0 when none. */
uint64_t fg_process_by_pid(struct fg_machine *m, uint64_t pid);
uint64_t fg_thread_by_tid(struct fg_machine *m, uint64_t tid);
/* The EPROCESS owning a thread, 0 when unknown. */
uint64_t fg_thread_process(struct fg_machine *m, uint64_t ethread);
/* Open a handle to object (body VA) in process pid; returns the handle value. */
uint64_t fg_handle_add(struct fg_machine *m, uint64_t pid, uint64_t object, uint32_t access);

#endif
