/*
 * model-priv.h — shared state of the object model files: the field
 * references resolved once per kernel, and the per-kernel cache.
 */
#ifndef LPCDUMP_MODEL_PRIV_H
#define LPCDUMP_MODEL_PRIV_H

#include "model.h"

/* Every field the model reads, resolved once. X(member, type, path). */
#define LD_MODEL_FIELDS(X) \
	X(ep_pid, "_EPROCESS", "UniqueProcessId") \
	X(ep_links, "_EPROCESS", "ActiveProcessLinks") \
	X(ep_ppid, "_EPROCESS", "InheritedFromUniqueProcessId") \
	X(ep_name, "_EPROCESS", "ImageFileName") \
	X(ep_dtb, "_EPROCESS", "Pcb.DirectoryTableBase") \
	X(ep_objtable, "_EPROCESS", "ObjectTable") \
	X(ep_create, "_EPROCESS", "CreateTime") \
	X(ep_exit, "_EPROCESS", "ExitTime") \
	X(ep_threads, "_EPROCESS", "ThreadListHead") \
	X(ep_exiting, "_EPROCESS", "ProcessExiting") \
	X(kp_threads, "_EPROCESS", "Pcb.ThreadListHead") \
	X(et_pid, "_ETHREAD", "Cid.UniqueProcess") \
	X(et_tid, "_ETHREAD", "Cid.UniqueThread") \
	X(et_link, "_ETHREAD", "ThreadListEntry") \
	X(et_start, "_ETHREAD", "StartAddress") \
	X(et_w32start, "_ETHREAD", "Win32StartAddress") \
	X(et_rcvd_valid, "_ETHREAD", "LpcReceivedMsgIdValid") \
	X(et_threads_process, "_ETHREAD", "ThreadsProcess") \
	X(et_terminated, "_ETHREAD", "Terminated") \
	X(kt_state, "_ETHREAD", "Tcb.State") \
	X(kt_reason, "_ETHREAD", "Tcb.WaitReason") \
	X(kt_wait_time, "_ETHREAD", "Tcb.WaitTime") \
	X(kt_wbl, "_ETHREAD", "Tcb.WaitBlockList") \
	X(kt_teb, "_ETHREAD", "Tcb.Teb") \
	X(kt_apc_process, "_ETHREAD", "Tcb.ApcState.Process") \
	X(kt_process, "_ETHREAD", "Tcb.Process") \
	X(wb_object, "_KWAIT_BLOCK", "Object") \
	X(oh_pointers, "_OBJECT_HEADER", "PointerCount") \
	X(oh_handles, "_OBJECT_HEADER", "HandleCount") \
	X(oh_type, "_OBJECT_HEADER", "Type") \
	X(oh_type_index, "_OBJECT_HEADER", "TypeIndex") \
	X(oh_info_mask, "_OBJECT_HEADER", "InfoMask") \
	X(oh_name_off, "_OBJECT_HEADER", "NameInfoOffset") \
	X(oh_body, "_OBJECT_HEADER", "Body") \
	X(ni_dir, "_OBJECT_HEADER_NAME_INFO", "Directory") \
	X(ni_name, "_OBJECT_HEADER_NAME_INFO", "Name") \
	X(ot_name, "_OBJECT_TYPE", "Name") \
	X(ot_index, "_OBJECT_TYPE", "Index") \
	X(od_buckets, "_OBJECT_DIRECTORY", "HashBuckets") \
	X(de_chain, "_OBJECT_DIRECTORY_ENTRY", "ChainLink") \
	X(de_object, "_OBJECT_DIRECTORY_ENTRY", "Object") \
	X(ht_code, "_HANDLE_TABLE", "TableCode") \
	X(ht_table, "_HANDLE_TABLE", "Table") \
	X(he_object, "_HANDLE_TABLE_ENTRY", "Object") \
	X(he_ptrbits, "_HANDLE_TABLE_ENTRY", "ObjectPointerBits") \
	X(he_access, "_HANDLE_TABLE_ENTRY", "GrantedAccess") \
	X(he_access_bits, "_HANDLE_TABLE_ENTRY", "GrantedAccessBits") \
	X(ph_block, "_POOL_HEADER", "BlockSize") \
	X(ph_tag, "_POOL_HEADER", "PoolTag") \
	X(ldr_links, "_LDR_DATA_TABLE_ENTRY", "InLoadOrderLinks") \
	X(ldr_base, "_LDR_DATA_TABLE_ENTRY", "DllBase") \
	X(ldr_entry, "_LDR_DATA_TABLE_ENTRY", "EntryPoint") \
	X(ldr_size, "_LDR_DATA_TABLE_ENTRY", "SizeOfImage") \
	X(ldr_full, "_LDR_DATA_TABLE_ENTRY", "FullDllName") \
	X(ldr_base_name, "_LDR_DATA_TABLE_ENTRY", "BaseDllName")

struct ld_model_fields {
#define LD_MODEL_FIELD_MEMBER(m, t, p) struct ld_fref m;
	LD_MODEL_FIELDS(LD_MODEL_FIELD_MEMBER)
#undef LD_MODEL_FIELD_MEMBER
};

/* How an OBJECT_HEADER names its type. */
enum ld_header_family {
	LD_HDR_TYPE_POINTER,    /* NT 5.x, Vista: Type pointer, *InfoOffset bytes */
	LD_HDR_TYPE_INDEX,      /* 7, 8, 8.1: TypeIndex into ObTypeIndexTable, InfoMask */
	LD_HDR_TYPE_COOKIE,     /* 10: TypeIndex ^ ObHeaderCookie ^ header byte 1 */
};

#define LD_MODEL_MAX_TYPES 256
#define LD_MODEL_INFO_HEADERS 8

struct ld_model {
	struct ld_model_fields f;
	/* sizes of the optional headers, by InfoMask bit (0 = absent) */
	uint32_t info_size[LD_MODEL_INFO_HEADERS];
	uint32_t pool_header_size;
	enum ld_header_family family;
	bool family_guessed;            /* no DECODING constant and no build: check memory */

	bool system_built;
	uint32_t keep_lo, keep_hi;      /* ETHREAD bytes to keep (ld_system_keep_thread_bytes) */
	ld_status system_status;
	char system_error[256];
	struct ld_system system;

	/* object types: by index (TypeIndex builds) or discovered by pointer */
	bool types_built;
	uint64_t type_table;            /* ObTypeIndexTable VA, 0 unknown */
	bool cookie_known;
	uint8_t cookie;
	uint64_t type_addr[LD_MODEL_MAX_TYPES];
	char type_name[LD_MODEL_MAX_TYPES][32];
	size_t ntypes;                  /* TYPE_POINTER builds: entries used */
};

/* The model state of this kernel (created on first use), or NULL with
 * ld_fail() when the kernel has no profile. */
ld_status ld_model_get(struct ld_kernel *k, struct ld_model **out);

/* Read helpers that keep code short: a field that is invalid or unreadable
 * yields dflt. */
uint64_t ld_model_read_or(struct ld_kernel *k, uint64_t base, const struct ld_fref *f, uint64_t dflt);
/* The value of field f whose bytes (f->size of them) start at p. */
uint64_t ld_model_field_decode(const struct ld_kernel *k, const uint8_t *p, const struct ld_fref *f);
/* A field of a record already read into rec (reclen bytes); 0 when out of range. */
uint64_t ld_model_field_from_buf(const struct ld_kernel *k, const uint8_t *rec, size_t reclen,
				 const struct ld_fref *f);

/* Object types (object_types.c): build the table; name of a type object. */
void ld_model_types_build(struct ld_kernel *k, struct ld_model *m);
const char *ld_model_type_name(struct ld_kernel *k, struct ld_model *m, uint64_t type_object);
/* Root directory object body, 0 unknown. */
uint64_t ld_model_root_directory(struct ld_kernel *k);
/* Resolve a KDBG global that holds a pointer (the variable's address from
 * ld_kernel_info): the pointer stored in it, 0 unknown. */
uint64_t ld_model_global_ptr(struct ld_kernel *k, uint64_t var_va);

/* Object name info (object_header.c): name and directory of an object, by header. */
ld_status ld_model_object_name(struct ld_kernel *k, struct ld_model *m, uint64_t header,
			       char *name, size_t max, uint64_t *directory);

/* Directory entries (object_directory.c): fn gets each object body in the
 * directory's hash chains; false stops. Bounded and cycle-safe; a torn chain
 * is a warning. */
typedef bool (*ld_model_dir_fn)(struct ld_kernel *k, struct ld_model *m, uint64_t object, void *arg);
ld_status ld_model_dir_each(struct ld_kernel *k, struct ld_model *m, uint64_t dir, ld_model_dir_fn fn,
			    void *arg);
/* Object in dir by name (case-insensitive), 0 when absent. */
uint64_t ld_model_dir_find(struct ld_kernel *k, struct ld_model *m, uint64_t dir, const char *name);

/* Live targets (list_walk_live.c): before a walk on a running machine, read
 * the list quietly until it holds still (a few tries), else warn. The flag
 * marks those quiet walks. */
#define LD_WALK_NO_SETTLE (1u << 30)
bool ld_walk_target_is_live(const struct ld_kernel *k);
void ld_list_settle_live(struct ld_kernel *k, uint64_t head, size_t limit, unsigned flags);

#endif
