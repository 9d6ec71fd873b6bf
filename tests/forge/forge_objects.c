/*
 * forge_objects.c — processes, threads, object types and headers, the object
 * namespace, handle tables, loaded modules; laid out by the profile under
 * test (see forge_objects.h for the directives and the layout conventions).
 *
 * Object memory: pool block [POOL_HEADER][NAME_INFO][OBJECT_HEADER][body].
 * Type indexes follow Windows 7+: 0 and 1 are reserved, "Type" is 2, the
 * rest in creation order. Windows 10 headers store the index encoded with a
 * per-dump cookie (seeded) and the header address.
 */
#include "forge_objects.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define FG_MAX_TYPES 64
#define FG_DIR_BUCKETS 37
#define FG_KTHREAD_WAITING 5

struct fg_otype {
	char name[32];
	char tag[5];
	uint64_t body;
	unsigned index;
};

struct fg_named {
	char *path;
	uint64_t body;
};

struct fg_handle {
	uint64_t value, object;
	uint32_t access;
};

struct fg_proc {
	uint64_t pid, ep, table;
	struct fg_handle *handles;
	size_t nhandles, caphandles;
	uint64_t next_value;
};

struct fg_thr {
	uint64_t tid, et, ep;
	bool has_wait;
	double wait_seconds;
};

struct fg_span {
	uint64_t va, size;
};

/* A corruption applied once everything is laid out (damage directive). */
struct fg_damage {
	char kind[32];
	uint64_t pid, seed, count;
	char path[256], into[256];
	char where[128];
};

struct fg_objects {
	bool basics;
	struct fg_otype types[FG_MAX_TYPES];
	size_t ntypes;
	uint8_t cookie;
	uint64_t root, type_table;
	struct fg_named *named;
	size_t nnamed, capnamed;
	struct fg_proc *procs;
	size_t nprocs, capprocs;
	struct fg_thr *threads;
	size_t nthreads, capthreads;
	bool modules_started;
	size_t nmodules;
	struct fg_span *spans;          /* every object block, for `damage flip` */
	size_t nspans, capspans;
	struct fg_damage *damage;
	size_t ndamage, capdamage;
};

static void *xrealloc(void *p, size_t n, size_t size)
{
	void *q = realloc(p, (n ? n : 1) * size);
	if (!q) {
		fprintf(stderr, "forge: out of memory\n");
		exit(99);
	}
	return q;
}

#define GROW(arr, len, cap) do { \
	if ((len) == (cap)) { \
		(cap) = (cap) ? (cap) * 2 : 16; \
		(arr) = xrealloc((arr), (cap), sizeof(*(arr))); \
	} \
} while (0)

static struct fg_objects *state(struct fg_machine *m)
{
	if (!m->objects)
		m->objects = calloc(1, sizeof(struct fg_objects));
	if (!m->objects) {
		fprintf(stderr, "forge: out of memory\n");
		exit(99);
	}
	return m->objects;
}

static unsigned ptr_size(const struct fg_machine *m)
{
	return ld_arch_ptr_size(m->arch);
}

static bool has_field(struct fg_machine *m, const char *type, const char *path)
{
	const struct ld_type *t = m->profile ? ld_profile_type(m->profile, type) : NULL;
	struct ld_field f;
	return t && ld_type_resolve(m->profile, t, path, &f) == LD_OK;
}

static bool has_type(struct fg_machine *m, const char *type)
{
	return m->profile && ld_profile_type(m->profile, type);
}

/* ---- object headers ---- */

enum hdr_family { HDR_POINTER, HDR_INDEX, HDR_COOKIE };

static enum hdr_family family(struct fg_machine *m)
{
	if (has_field(m, "_OBJECT_HEADER", "Type"))
		return HDR_POINTER;
	return m->build >= 10000 || ld_profile_build(m->profile) >= 10000 ? HDR_COOKIE : HDR_INDEX;
}

static const char *default_tag(const char *type_name)
{
	static const struct { const char *type, *tag; } tags[] = {
		{ "Type", "ObjT" }, { "Directory", "Dire" }, { "Process", "Proc" }, { "Thread", "Thre" },
		{ "Event", "Even" }, { "Semaphore", "Sema" }, { "Mutant", "Muta" }, { "Port", "Port" },
		{ "ALPC Port", "AlPo" }, { "WaitablePort", "Wait" }, { "Key", "Key " }, { "File", "File" },
		{ "Section", "Sect" }, { "Token", "Toke" }, { "SymbolicLink", "Symb" },
	};
	for (size_t i = 0; i < LD_ARRAY_SIZE(tags); i++)
		if (strcmp(tags[i].type, type_name) == 0)
			return tags[i].tag;
	return "ObjX";
}

static void header_set_type(struct fg_machine *m, uint64_t header, const struct fg_otype *t)
{
	struct fg_objects *o = state(m);
	switch (family(m)) {
	case HDR_POINTER:
		fg_set(m, header, "_OBJECT_HEADER", "Type", t->body);
		break;
	case HDR_INDEX:
		fg_set(m, header, "_OBJECT_HEADER", "TypeIndex", t->index);
		break;
	case HDR_COOKIE:
		fg_set(m, header, "_OBJECT_HEADER", "TypeIndex",
		       (t->index ^ o->cookie ^ ((header >> 8) & 0xff)) & 0xff);
		break;
	}
}

/* A pool block holding [NAME_INFO][OBJECT_HEADER][body]; the type is set
 * by the caller (types exist before their own type object). */
static uint64_t obj_alloc(struct fg_machine *m, size_t body_size, const char *tag, const char *name,
			  uint64_t *header_out)
{
	uint32_t ni = name ? fg_sizeof(m, "_OBJECT_HEADER_NAME_INFO") : 0;
	uint32_t body_off = fg_offset(m, "_OBJECT_HEADER", "Body");
	uint64_t block = fg_kalloc(m, ni + body_off + body_size, tag, false);
	uint64_t header = block + ni;
	struct fg_objects *o = state(m);
	GROW(o->spans, o->nspans, o->capspans);
	o->spans[o->nspans++] = (struct fg_span){ block, ni + body_off + body_size };
	fg_set(m, header, "_OBJECT_HEADER", "PointerCount", 1);
	if (name) {
		fg_unicode_string(m, block + fg_offset(m, "_OBJECT_HEADER_NAME_INFO", "Name"), name, true);
		if (family(m) == HDR_POINTER)
			fg_set(m, header, "_OBJECT_HEADER", "NameInfoOffset", ni);
		else
			fg_set(m, header, "_OBJECT_HEADER", "InfoMask", 0x02);
	}
	*header_out = header;
	return header + body_off;
}

static uint64_t header_of(struct fg_machine *m, uint64_t body)
{
	return body - fg_offset(m, "_OBJECT_HEADER", "Body");
}

/* ---- the namespace ---- */

static unsigned name_hash(const char *name)
{
	unsigned h = 0;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		unsigned c = *p >= 'a' && *p <= 'z' ? *p - 32u : *p;
		h = h * 31u + c;
	}
	return h;
}

static void remember_name(struct fg_machine *m, const char *path, uint64_t body)
{
	struct fg_objects *o = state(m);
	GROW(o->named, o->nnamed, o->capnamed);
	o->named[o->nnamed].path = strdup(path);
	o->named[o->nnamed].body = body;
	o->nnamed++;
}

static const char *path_of(struct fg_machine *m, uint64_t body)
{
	struct fg_objects *o = state(m);
	if (body == o->root)
		return "\\";
	for (size_t i = 0; i < o->nnamed; i++)
		if (o->named[i].body == body)
			return o->named[i].path;
	return NULL;
}

/* Link a named object into dir: an OBJECT_DIRECTORY_ENTRY at the head of its
 * hash bucket, and NAME_INFO.Directory. */
static void dir_insert(struct fg_machine *m, uint64_t dir, uint64_t body, const char *name)
{
	unsigned ps = ptr_size(m);
	unsigned h = name_hash(name);
	uint64_t bucket = dir + fg_offset(m, "_OBJECT_DIRECTORY", "HashBuckets") + (h % FG_DIR_BUCKETS) * ps;
	uint8_t b[8] = { 0 };
	fg_read(m, bucket, b, ps);
	uint64_t old = ps == 8 ? ld_le64(b) : ld_le32(b);
	uint64_t e = fg_kalloc(m, fg_sizeof(m, "_OBJECT_DIRECTORY_ENTRY"), "ObDi", true);
	fg_set(m, e, "_OBJECT_DIRECTORY_ENTRY", "ChainLink", old);
	fg_set(m, e, "_OBJECT_DIRECTORY_ENTRY", "Object", body);
	fg_set_opt(m, e, "_OBJECT_DIRECTORY_ENTRY", "HashValue", h);
	fg_write_ptr(m, bucket, e);
	uint64_t header = header_of(m, body);
	uint64_t ni = header - fg_sizeof(m, "_OBJECT_HEADER_NAME_INFO");
	fg_set(m, ni, "_OBJECT_HEADER_NAME_INFO", "Directory", dir);
	const char *parent = path_of(m, dir);
	char path[512];
	snprintf(path, sizeof(path), "%s%s%s", parent ? parent : "?", parent && strcmp(parent, "\\") == 0 ? "" : "\\",
		 name);
	remember_name(m, path, body);
}

/* ---- object types ---- */

static struct fg_otype *type_find(struct fg_machine *m, const char *name)
{
	struct fg_objects *o = state(m);
	for (size_t i = 0; i < o->ntypes; i++)
		if (strcmp(o->types[i].name, name) == 0)
			return &o->types[i];
	return NULL;
}

static void basics(struct fg_machine *m);

static struct fg_otype *type_new(struct fg_machine *m, const char *name)
{
	struct fg_objects *o = state(m);
	if (o->ntypes == FG_MAX_TYPES)
		fg_die(fg_where(), "too many object types");
	struct fg_otype *t = &o->types[o->ntypes];
	memset(t, 0, sizeof(*t));
	snprintf(t->name, sizeof(t->name), "%s", name);
	snprintf(t->tag, sizeof(t->tag), "%s", default_tag(name));
	t->index = (unsigned)o->ntypes + 2;
	o->ntypes++;
	uint64_t header;
	t->body = obj_alloc(m, fg_sizeof(m, "_OBJECT_TYPE"), "ObjT", name, &header);
	fg_unicode_string(m, t->body + fg_offset(m, "_OBJECT_TYPE", "Name"), name, true);
	fg_set_opt(m, t->body, "_OBJECT_TYPE", "Index", t->index);
	fg_set_opt(m, t->body, "_OBJECT_TYPE", "Key", ld_le32(t->tag));
	fg_list_init(m, t->body + fg_offset(m, "_OBJECT_TYPE", "TypeList"));
	/* The type of a type is "Type" (itself for the first one). */
	header_set_type(m, header, o->ntypes == 1 ? t : &o->types[0]);
	if (o->type_table)
		fg_write_ptr(m, o->type_table + (uint64_t)t->index * ptr_size(m), t->body);
	return t;
}

static uint64_t global(struct fg_machine *m, const char *name, size_t size)
{
	return fg_kernel_var(m, name, size);
}

/* Type, Directory, the root, \ObjectTypes, the usual directories. */
static void basics(struct fg_machine *m)
{
	struct fg_objects *o = state(m);
	if (o->basics)
		return;
	o->basics = true;
	unsigned ps = ptr_size(m);
	o->cookie = (uint8_t)(fg_random(m) | 1);
	o->type_table = global(m, "ObTypeIndexTable", 256u * ps);
	fg_write_ptr(m, o->type_table + ps, 0xbad0b0b0u);
	uint8_t ck = o->cookie;
	fg_write(m, global(m, "ObHeaderCookie", 4), &ck, 1);
	struct fg_otype *tt = type_new(m, "Type");
	struct fg_otype *dt = type_new(m, "Directory");
	fg_write_ptr(m, global(m, "ObpTypeObjectType", ps), tt->body);
	uint64_t header;
	o->root = obj_alloc(m, fg_sizeof(m, "_OBJECT_DIRECTORY"), "Dire", NULL, &header);
	header_set_type(m, header, dt);
	fg_write_ptr(m, global(m, "ObpRootDirectoryObject", ps), o->root);
	uint64_t types_dir = fg_directory(m, "\\ObjectTypes");
	dir_insert(m, types_dir, tt->body, "Type");
	dir_insert(m, types_dir, dt->body, "Directory");
	static const char *const std_dirs[] = { "\\BaseNamedObjects", "\\RPC Control", "\\Windows" };
	for (size_t i = 0; i < LD_ARRAY_SIZE(std_dirs); i++)
		fg_directory(m, std_dirs[i]);
	static const char *const std_types[] = { "Process", "Thread", "Event", "Semaphore", "Mutant" };
	for (size_t i = 0; i < LD_ARRAY_SIZE(std_types); i++)
		fg_object_type(m, std_types[i]);
}

uint64_t fg_object_type(struct fg_machine *m, const char *type_name)
{
	basics(m);
	struct fg_otype *t = type_find(m, type_name);
	if (t)
		return t->body;
	t = type_new(m, type_name);
	dir_insert(m, fg_directory(m, "\\ObjectTypes"), t->body, type_name);
	return t->body;
}

uint64_t fg_object_lookup(struct fg_machine *m, const char *path)
{
	struct fg_objects *o = state(m);
	if (strcmp(path, "\\") == 0)
		return o->root;
	for (size_t i = 0; i < o->nnamed; i++)
		if (strcasecmp(o->named[i].path, path) == 0)
			return o->named[i].body;
	return 0;
}

/* Split "\A\B\name" into the directory path and the last component. */
static void split_path(const char *path, char *dir, size_t dmax, const char **leaf)
{
	const char *slash = strrchr(path, '\\');
	if (!slash || slash == path) {
		snprintf(dir, dmax, "\\");
		*leaf = slash ? slash + 1 : path;
		return;
	}
	snprintf(dir, dmax, "%.*s", (int)(slash - path), path);
	*leaf = slash + 1;
}

uint64_t fg_directory(struct fg_machine *m, const char *path)
{
	basics(m);
	uint64_t found = fg_object_lookup(m, path);
	if (found)
		return found;
	char parent[512];
	const char *leaf;
	split_path(path, parent, sizeof(parent), &leaf);
	if (!*leaf)
		fg_die(fg_where(), "bad directory path %s", path);
	uint64_t pdir = fg_directory(m, parent);
	uint64_t header;
	uint64_t body = obj_alloc(m, fg_sizeof(m, "_OBJECT_DIRECTORY"), "Dire", leaf, &header);
	header_set_type(m, header, type_find(m, "Directory"));
	dir_insert(m, pdir, body, leaf);
	return body;
}

uint64_t fg_object_create(struct fg_machine *m, const char *type_name, size_t body_size,
			  const char *pool_tag, const char *name, uint64_t dir)
{
	fg_object_type(m, type_name);
	struct fg_otype *t = type_find(m, type_name);
	uint64_t header;
	uint64_t body = obj_alloc(m, body_size, pool_tag ? pool_tag : t->tag, name, &header);
	header_set_type(m, header, t);
	if (name)
		dir_insert(m, dir ? dir : state(m)->root, body, name);
	return body;
}

/* ---- processes and threads ---- */

static struct fg_proc *proc_find(struct fg_machine *m, uint64_t pid)
{
	struct fg_objects *o = state(m);
	for (size_t i = 0; i < o->nprocs; i++)
		if (o->procs[i].pid == pid)
			return &o->procs[i];
	return NULL;
}

uint64_t fg_process_by_pid(struct fg_machine *m, uint64_t pid)
{
	struct fg_proc *p = proc_find(m, pid);
	return p ? p->ep : 0;
}

uint64_t fg_thread_by_tid(struct fg_machine *m, uint64_t tid)
{
	struct fg_objects *o = state(m);
	for (size_t i = 0; i < o->nthreads; i++)
		if (o->threads[i].tid == tid)
			return o->threads[i].et;
	return 0;
}

uint64_t fg_thread_process(struct fg_machine *m, uint64_t ethread)
{
	struct fg_objects *o = state(m);
	for (size_t i = 0; i < o->nthreads; i++)
		if (o->threads[i].et == ethread)
			return o->threads[i].ep;
	return 0;
}

static uint64_t process_list_head(struct fg_machine *m)
{
	if (!m->ps_active_process_head) {
		m->ps_active_process_head = global(m, "PsActiveProcessHead", 2u * ptr_size(m));
		fg_list_init(m, m->ps_active_process_head);
	}
	return m->ps_active_process_head;
}

static void process_fields(struct fg_machine *m, uint64_t ep, int argc, char **argv, uint64_t pid)
{
	const char *name = fg_arg(argc, argv, "name");
	uint8_t img[16] = { 0 };
	snprintf((char *)img, sizeof(img), "%s", name ? name : "");
	struct ld_field f;
	const struct ld_type *t = ld_profile_type(m->profile, "_EPROCESS");
	if (ld_type_resolve(m->profile, t, "ImageFileName", &f) == LD_OK)
		fg_write(m, ep + f.offset, img, f.size < sizeof(img) ? f.size : sizeof(img));
	fg_set(m, ep, "_EPROCESS", "UniqueProcessId", pid);
	fg_set_opt(m, ep, "_EPROCESS", "InheritedFromUniqueProcessId", fg_arg_u64(argc, argv, "parent", 0));
	uint64_t dtb = fg_arg_u64(argc, argv, "dtb", pid <= 4 ? m->dtb : fg_phys_alloc(m) << LD_PAGE_SHIFT);
	/* An array of two on some builds: the first element is the DTB. */
	if (has_field(m, "_EPROCESS", "Pcb.DirectoryTableBase"))
		fg_write_ptr(m, ep + fg_offset(m, "_EPROCESS", "Pcb.DirectoryTableBase"), dtb);
	fg_set_opt(m, ep, "_EPROCESS", "Pcb.Header.Type", 3);   /* ProcessObject */
	uint64_t created = m->system_time > 36000000000ull ? m->system_time - 36000000000ull : 0;
	fg_set_opt(m, ep, "_EPROCESS", "CreateTime", fg_arg_u64(argc, argv, "created", created));
	fg_list_init(m, ep + fg_offset(m, "_EPROCESS", "ThreadListHead"));
	if (has_field(m, "_EPROCESS", "Pcb.ThreadListHead"))
		fg_list_init(m, ep + fg_offset(m, "_EPROCESS", "Pcb.ThreadListHead"));
}

int fg_dir_process(struct fg_machine *m, int argc, char **argv, const char *where)
{
	const char *spid = fg_arg(argc, argv, "pid");
	if (!spid)
		fg_die(where, "process needs pid=");
	uint64_t pid = fg_arg_u64(argc, argv, "pid", 0);
	if (proc_find(m, pid))
		fg_die(where, "process pid=%llu already exists", (unsigned long long)pid);
	fg_object_type(m, "Process");
	uint64_t ep = fg_object_create(m, "Process", fg_sizeof(m, "_EPROCESS"), NULL, NULL, 0);
	process_fields(m, ep, argc, argv, pid);
	bool exiting = false;
	for (int i = 1; i < argc; i++)
		exiting |= strcmp(argv[i], "exiting") == 0;
	if (exiting) {
		fg_set_opt(m, ep, "_EPROCESS", "ExitTime", m->system_time ? m->system_time : 1);
		fg_set_opt(m, ep, "_EPROCESS", "ProcessExiting", 1);
	}
	fg_list_append(m, process_list_head(m), ep + fg_offset(m, "_EPROCESS", "ActiveProcessLinks"));
	struct fg_objects *o = state(m);
	GROW(o->procs, o->nprocs, o->capprocs);
	struct fg_proc *p = &o->procs[o->nprocs++];
	memset(p, 0, sizeof(*p));
	p->pid = pid;
	p->ep = ep;
	p->next_value = 4;
	if (!exiting) {
		p->table = fg_kalloc(m, fg_sizeof(m, "_HANDLE_TABLE"), "Obtb", true);
		fg_set(m, ep, "_EPROCESS", "ObjectTable", p->table);
		fg_set_opt(m, p->table, "_HANDLE_TABLE", "UniqueProcessId", pid);
		fg_set_opt(m, p->table, "_HANDLE_TABLE", "QuotaProcess", ep);
	}
	return 0;
}

static unsigned parse_state(struct fg_machine *m, const char *s, const char *where)
{
	static const char *const names[] = { "initialized", "ready", "running", "standby", "terminated",
					     "waiting", "transition", "deferredready", "gatewait" };
	for (size_t i = 0; i < LD_ARRAY_SIZE(names); i++)
		if (strcasecmp(s, names[i]) == 0)
			return (unsigned)i;
	int64_t v;
	if (ld_profile_const(m->profile, "KTHREAD_STATE", s, &v))
		return (unsigned)v;
	char *end;
	unsigned long n = strtoul(s, &end, 0);
	if (*end || n > 255)
		fg_die(where, "unknown thread state %s", s);
	return (unsigned)n;
}

static unsigned parse_reason(struct fg_machine *m, const char *s, const char *where)
{
	int64_t v;
	if (ld_profile_const(m->profile, "KWAIT_REASON", s, &v))
		return (unsigned)v;
	static const char *const names[] = { "Executive", "WrQueue", "WrLpcReceive", "WrLpcReply", "UserRequest",
					     "WrUserRequest", "DelayExecution" };
	static const unsigned values[] = { 0, 15, 16, 17, 6, 13, 4 };
	for (size_t i = 0; i < LD_ARRAY_SIZE(names); i++)
		if (strcasecmp(s, names[i]) == 0)
			return values[i];
	char *end;
	unsigned long n = strtoul(s, &end, 0);
	if (*end || n > 255)
		fg_die(where, "unknown wait reason %s", s);
	return (unsigned)n;
}

/* object=\Path, object=process:PID, object=thread:TID or an address. */
static uint64_t parse_object(struct fg_machine *m, const char *s, const char *where)
{
	uint64_t v;
	if (s[0] == '\\') {
		v = fg_object_lookup(m, s);
		if (!v)
			fg_die(where, "no object named %s", s);
		return v;
	}
	if (strncmp(s, "process:", 8) == 0 && (v = fg_process_by_pid(m, strtoull(s + 8, NULL, 0))))
		return v;
	if (strncmp(s, "thread:", 7) == 0 && (v = fg_thread_by_tid(m, strtoull(s + 7, NULL, 0))))
		return v;
	char *end;
	v = strtoull(s, &end, 0);
	if (*end || !v)
		fg_die(where, "bad object %s (\\path, process:PID, thread:TID or an address)", s);
	return v;
}

/* The object a waiting thread's first wait block names: given, or the
 * thread's own reply semaphore for LPC/ALPC replies. */
static uint64_t wait_object(struct fg_machine *m, uint64_t et, unsigned reason, int argc, char **argv,
			    const char *where)
{
	const char *s = fg_arg(argc, argv, "object");
	if (s)
		return parse_object(m, s, where);
	if (reason == 17 && has_field(m, "_ETHREAD", "LpcReplySemaphore"))
		return et + fg_offset(m, "_ETHREAD", "LpcReplySemaphore");
	if (reason == 17 && has_field(m, "_ETHREAD", "AlpcWaitSemaphore"))
		return et + fg_offset(m, "_ETHREAD", "AlpcWaitSemaphore");
	return 0;
}

static void thread_wait_block(struct fg_machine *m, uint64_t et, uint64_t object)
{
	if (!has_type(m, "_KWAIT_BLOCK"))
		return;   /* 2000's profile does not describe it */
	uint64_t wb = has_field(m, "_ETHREAD", "Tcb.WaitBlock") ? et + fg_offset(m, "_ETHREAD", "Tcb.WaitBlock")
								  : fg_kalloc(m, fg_sizeof(m, "_KWAIT_BLOCK"), NULL, false);
	fg_set(m, et, "_ETHREAD", "Tcb.WaitBlockList", wb);
	fg_set(m, wb, "_KWAIT_BLOCK", "Object", object);
	fg_set_opt(m, wb, "_KWAIT_BLOCK", "Thread", et);
}

static void thread_fields(struct fg_machine *m, uint64_t et, struct fg_proc *p, uint64_t tid, int argc,
			  char **argv, const char *where)
{
	fg_set(m, et, "_ETHREAD", "Cid.UniqueProcess", p->pid);
	fg_set(m, et, "_ETHREAD", "Cid.UniqueThread", tid);
	fg_set_opt(m, et, "_ETHREAD", "Tcb.Header.Type", 6);   /* ThreadObject */
	fg_set_opt(m, et, "_ETHREAD", "ThreadsProcess", p->ep);
	fg_set_opt(m, et, "_ETHREAD", "Tcb.Process", p->ep);
	/* Not attached anywhere: the APC state names the owner too. */
	fg_set_opt(m, et, "_ETHREAD", "Tcb.ApcState.Process", p->ep);
	const char *st = fg_arg(argc, argv, "state");
	unsigned state = st ? parse_state(m, st, where) : (fg_arg(argc, argv, "reason") ? FG_KTHREAD_WAITING : 2);
	fg_set(m, et, "_ETHREAD", "Tcb.State", state);
	const char *rs = fg_arg(argc, argv, "reason");
	unsigned reason = rs ? parse_reason(m, rs, where) : 0;
	fg_set(m, et, "_ETHREAD", "Tcb.WaitReason", reason);
	fg_set_opt(m, et, "_ETHREAD", "Tcb.Teb", fg_arg_u64(argc, argv, "teb", 0));
	fg_set_opt(m, et, "_ETHREAD", "StartAddress", fg_arg_u64(argc, argv, "start", 0));
	fg_set_opt(m, et, "_ETHREAD", "Win32StartAddress", fg_arg_u64(argc, argv, "win32start", 0));
	if (state == 4)
		fg_set_opt(m, et, "_ETHREAD", "Terminated", 1);
	if (state == FG_KTHREAD_WAITING)
		thread_wait_block(m, et, wait_object(m, et, reason, argc, argv, where));
	fg_list_append(m, p->ep + fg_offset(m, "_EPROCESS", "ThreadListHead"),
		       et + fg_offset(m, "_ETHREAD", "ThreadListEntry"));
	if (has_field(m, "_EPROCESS", "Pcb.ThreadListHead") && has_field(m, "_ETHREAD", "Tcb.ThreadListEntry"))
		fg_list_append(m, p->ep + fg_offset(m, "_EPROCESS", "Pcb.ThreadListHead"),
			       et + fg_offset(m, "_ETHREAD", "Tcb.ThreadListEntry"));
}

int fg_dir_thread(struct fg_machine *m, int argc, char **argv, const char *where)
{
	if (!fg_arg(argc, argv, "pid") || !fg_arg(argc, argv, "tid"))
		fg_die(where, "thread needs pid= and tid=");
	struct fg_proc *p = proc_find(m, fg_arg_u64(argc, argv, "pid", 0));
	if (!p)
		fg_die(where, "thread: no process pid=%s", fg_arg(argc, argv, "pid"));
	uint64_t tid = fg_arg_u64(argc, argv, "tid", 0);
	if (fg_thread_by_tid(m, tid))
		fg_die(where, "thread tid=%llu already exists", (unsigned long long)tid);
	uint64_t et = fg_object_create(m, "Thread", fg_sizeof(m, "_ETHREAD"), NULL, NULL, 0);
	struct fg_objects *o = state(m);
	GROW(o->threads, o->nthreads, o->capthreads);
	struct fg_thr *t = &o->threads[o->nthreads++];
	memset(t, 0, sizeof(*t));
	t->tid = tid;
	t->et = et;
	t->ep = p->ep;
	thread_fields(m, et, p, tid, argc, argv, where);
	const char *w = fg_arg(argc, argv, "wait");
	if (w) {
		t->has_wait = true;
		t->wait_seconds = strtod(w, NULL);
	}
	return 0;
}

/* ---- handles ---- */

uint64_t fg_handle_add(struct fg_machine *m, uint64_t pid, uint64_t object, uint32_t access)
{
	struct fg_proc *p = proc_find(m, pid);
	if (!p || !p->table)
		fg_die(fg_where(), "handle: no live process pid=%llu", (unsigned long long)pid);
	/* Skip index 0 of each leaf page: Windows never hands it out. */
	unsigned esize = fg_sizeof(m, "_HANDLE_TABLE_ENTRY");
	uint64_t per_leaf = has_field(m, "_HANDLE_TABLE", "Table") ? 256 : LD_PAGE_SIZE / esize;
	if ((p->next_value / 4) % per_leaf == 0)
		p->next_value += 4;
	uint64_t value = p->next_value;
	p->next_value += 4;
	GROW(p->handles, p->nhandles, p->caphandles);
	p->handles[p->nhandles++] = (struct fg_handle){ value, object, access };
	uint64_t header = header_of(m, object);
	uint8_t b[8] = { 0 };
	unsigned hsz = has_field(m, "_OBJECT_HEADER", "HandleCount") ? (ptr_size(m) == 8 ? 8 : 4) : 0;
	if (hsz) {
		fg_read(m, header + fg_offset(m, "_OBJECT_HEADER", "HandleCount"), b, hsz);
		fg_set(m, header, "_OBJECT_HEADER", "HandleCount", ld_le64(b) + 1);
	}
	return value;
}

int fg_dir_handle(struct fg_machine *m, int argc, char **argv, const char *where)
{
	const char *obj = fg_arg(argc, argv, "object");
	if (!fg_arg(argc, argv, "pid") || !obj)
		fg_die(where, "handle needs pid= and object=");
	uint64_t pid = fg_arg_u64(argc, argv, "pid", 0);
	uint64_t o = parse_object(m, obj, where);
	uint32_t access = (uint32_t)fg_arg_u64(argc, argv, "access", 0x1f0001);
	const char *val = fg_arg(argc, argv, "value");
	struct fg_proc *p = proc_find(m, pid);
	if (val && p)
		p->next_value = fg_arg_u64(argc, argv, "value", 4) & ~3ull;
	fg_handle_add(m, pid, o, access);
	return 0;
}

static void entry_write(struct fg_machine *m, uint64_t e, const struct fg_handle *h)
{
	unsigned ps = ptr_size(m);
	if (has_field(m, "_HANDLE_TABLE_ENTRY", "ObjectPointerBits")) {
		const struct ld_type *t = ld_profile_type(m->profile, "_HANDLE_TABLE_ENTRY");
		struct ld_field f;
		ld_type_resolve(m->profile, t, "ObjectPointerBits", &f);
		/* x64: 16-byte aligned, top bits implied set; x86: the top 29 bits. */
		uint64_t bits = ps == 8 ? (h->object >> 4) & ((1ull << f.bitlen) - 1)
					: (h->object & 0xffffffffull) >> (32 - f.bitlen);
		fg_set(m, e, "_HANDLE_TABLE_ENTRY", "ObjectPointerBits", bits);
		fg_set_opt(m, e, "_HANDLE_TABLE_ENTRY", "Unlocked", 1);
		fg_set_opt(m, e, "_HANDLE_TABLE_ENTRY", "GrantedAccessBits", h->access);
		return;
	}
	/* XP+: bit 0 marks an unlocked entry; 2000 keeps the pointer as is. */
	uint64_t v = has_field(m, "_HANDLE_TABLE", "Table") ? h->object : h->object | 1;
	fg_set(m, e, "_HANDLE_TABLE_ENTRY", "Object", v);
	fg_set(m, e, "_HANDLE_TABLE_ENTRY", "GrantedAccess", h->access);
}

/* Pages are created on demand: (level, index path) -> table VA. */
static uint64_t table_page(struct fg_machine *m, uint64_t parent, uint64_t slot, size_t size)
{
	unsigned ps = ptr_size(m);
	uint8_t b[8] = { 0 };
	fg_read(m, parent + slot * ps, b, ps);
	uint64_t v = ps == 8 ? ld_le64(b) : ld_le32(b);
	if (v)
		return v;
	v = fg_kalloc(m, size, NULL, true);
	fg_write_ptr(m, parent + slot * ps, v);
	return v;
}

static void handles_w2k(struct fg_machine *m, struct fg_proc *p)
{
	uint64_t top = fg_kalloc(m, 256u * 4, "Obtb", true);
	fg_set(m, p->table, "_HANDLE_TABLE", "Table", top);
	for (size_t i = 0; i < p->nhandles; i++) {
		uint64_t idx = p->handles[i].value / 4;
		uint64_t mid = table_page(m, top, (idx >> 16) & 0xff, 256u * 4);
		uint64_t leaf = table_page(m, mid, (idx >> 8) & 0xff, 256u * 8);
		entry_write(m, leaf + (idx & 0xff) * 8, &p->handles[i]);
	}
	fg_set_opt(m, p->table, "_HANDLE_TABLE", "HandleCount", p->nhandles);
}

static void handles_tablecode(struct fg_machine *m, struct fg_proc *p)
{
	unsigned esize = fg_sizeof(m, "_HANDLE_TABLE_ENTRY");
	uint64_t leaf_n = LD_PAGE_SIZE / esize, node_n = LD_PAGE_SIZE / ptr_size(m);
	uint64_t max = 0;
	for (size_t i = 0; i < p->nhandles; i++)
		max = p->handles[i].value / 4 > max ? p->handles[i].value / 4 : max;
	unsigned level = max < leaf_n ? 0 : max < leaf_n * node_n ? 1 : 2;
	uint64_t top = fg_kalloc(m, LD_PAGE_SIZE, NULL, true);
	fg_set(m, p->table, "_HANDLE_TABLE", "TableCode", top | level);
	for (size_t i = 0; i < p->nhandles; i++) {
		uint64_t idx = p->handles[i].value / 4, leaf = top;
		if (level == 2)
			leaf = table_page(m, table_page(m, top, idx / (leaf_n * node_n), LD_PAGE_SIZE),
					  (idx / leaf_n) % node_n, LD_PAGE_SIZE);
		else if (level == 1)
			leaf = table_page(m, top, idx / leaf_n, LD_PAGE_SIZE);
		entry_write(m, leaf + (idx % leaf_n) * esize, &p->handles[i]);
	}
	fg_set_opt(m, p->table, "_HANDLE_TABLE", "HandleCount", p->nhandles);
	fg_set_opt(m, p->table, "_HANDLE_TABLE", "NextHandleNeedingPool", (max / leaf_n + 1) * leaf_n * 4);
}

/* ---- directories, named objects, modules ---- */

int fg_dir_directory(struct fg_machine *m, int argc, char **argv, const char *where)
{
	const char *path = fg_arg(argc, argv, "path");
	if (!path && argc > 1)
		path = argv[1];
	if (!path || path[0] != '\\')
		fg_die(where, "directory needs path=\\...");
	fg_directory(m, path);
	return 0;
}

int fg_dir_object(struct fg_machine *m, int argc, char **argv, const char *where)
{
	const char *type = fg_arg(argc, argv, "type");
	const char *name = fg_arg(argc, argv, "name");
	if (!type)
		fg_die(where, "object needs type=");
	uint64_t dir = 0;
	const char *leaf = NULL;
	char parent[512];
	if (name) {
		if (name[0] != '\\')
			fg_die(where, "object name= must be a full path");
		split_path(name, parent, sizeof(parent), &leaf);
		dir = fg_directory(m, parent);
	}
	uint64_t size = fg_arg_u64(argc, argv, "size", 0x40);
	fg_object_create(m, type, size, fg_arg(argc, argv, "tag"), leaf, dir);
	return 0;
}

static uint64_t module_list_head(struct fg_machine *m)
{
	if (!m->ps_loaded_module_list) {
		m->ps_loaded_module_list = global(m, "PsLoadedModuleList", 2u * ptr_size(m));
		fg_list_init(m, m->ps_loaded_module_list);
	}
	return m->ps_loaded_module_list;
}

static void module_add(struct fg_machine *m, const char *name, const char *path, uint64_t base, uint64_t size)
{
	const char *T = "_LDR_DATA_TABLE_ENTRY";
	uint64_t e = fg_kalloc(m, fg_sizeof(m, T), "MmLd", false);
	fg_set(m, e, T, "DllBase", base);
	fg_set(m, e, T, "SizeOfImage", size);
	fg_set_opt(m, e, T, "EntryPoint", base ? base + 0x1000 : 0);
	fg_unicode_string(m, e + fg_offset(m, T, "BaseDllName"), name, false);
	fg_unicode_string(m, e + fg_offset(m, T, "FullDllName"), path, false);
	fg_list_append(m, module_list_head(m), e + fg_offset(m, T, "InLoadOrderLinks"));
}

static void modules_start(struct fg_machine *m)
{
	struct fg_objects *o = state(m);
	if (o->modules_started)
		return;
	o->modules_started = true;
	module_add(m, "ntoskrnl.exe", "\\SystemRoot\\system32\\ntoskrnl.exe", m->kernel_base, m->kernel_size);
}

int fg_dir_module(struct fg_machine *m, int argc, char **argv, const char *where)
{
	const char *name = fg_arg(argc, argv, "name");
	if (!name)
		fg_die(where, "module needs name=");
	if (!has_type(m, "_LDR_DATA_TABLE_ENTRY"))
		fg_die(where, "profile %s has no _LDR_DATA_TABLE_ENTRY", ld_profile_name(m->profile));
	modules_start(m);
	if (strcasecmp(name, "ntoskrnl.exe") == 0)
		return 0;
	char path[300];
	snprintf(path, sizeof(path), "\\SystemRoot\\system32\\drivers\\%s", name);
	const char *p = fg_arg(argc, argv, "path");
	/* Without base=, modules follow the kernel image 1 MiB apart. */
	struct fg_objects *o = state(m);
	uint64_t base = m->kernel_base + ((m->kernel_size + 0xfffff) & ~0xfffffull) + 0x100000ull * o->nmodules++;
	module_add(m, name, p ? p : path, fg_arg_u64(argc, argv, "base", base), fg_arg_u64(argc, argv, "size", 0x10000));
	return 0;
}

/* ---- damage: hostile shapes for the analyzer's bad-input tests ---- */

static uint64_t read_ptr_at(struct fg_machine *m, uint64_t va)
{
	uint8_t b[8] = { 0 };
	fg_read(m, va, b, ptr_size(m));
	return ptr_size(m) == 8 ? ld_le64(b) : ld_le32(b);
}

/* The last process's Flink goes back to the first process, not the head. */
static void damage_process_loop(struct fg_machine *m, const char *where)
{
	struct fg_objects *o = state(m);
	if (o->nprocs < 2)
		fg_die(where, "damage process-loop needs two processes");
	uint32_t off = fg_offset(m, "_EPROCESS", "ActiveProcessLinks");
	fg_write_ptr(m, o->procs[o->nprocs - 1].ep + off, o->procs[0].ep + off);
}

/* The second thread's Blink no longer points at the first. */
static void damage_thread_backlink(struct fg_machine *m, uint64_t pid, const char *where)
{
	struct fg_proc *p = proc_find(m, pid);
	if (!p)
		fg_die(where, "damage thread-backlink: no process %llu", (unsigned long long)pid);
	uint64_t head = p->ep + fg_offset(m, "_EPROCESS", "ThreadListHead");
	uint64_t first = read_ptr_at(m, head);
	uint64_t second = read_ptr_at(m, first);
	if (first == head || second == head)
		fg_die(where, "damage thread-backlink needs two threads in pid %llu", (unsigned long long)pid);
	fg_write_ptr(m, second + ptr_size(m), second);
}

/* A wild sub-table pointer plus a non-canonical one, or a TableCode level 3. */
static void damage_handle_table(struct fg_machine *m, uint64_t pid, bool level, const char *where)
{
	struct fg_proc *p = proc_find(m, pid);
	if (!p || !p->table || has_field(m, "_HANDLE_TABLE", "Table"))
		fg_die(where, "damage handles: pid %llu has no TableCode handle table", (unsigned long long)pid);
	const struct ld_type *t = ld_profile_type(m->profile, "_HANDLE_TABLE");
	struct ld_field f;
	ld_type_resolve(m->profile, t, "TableCode", &f);
	uint64_t code = read_ptr_at(m, p->table + f.offset);
	if (level) {
		fg_set(m, p->table, "_HANDLE_TABLE", "TableCode", (code & ~3ull) | 3);
		return;
	}
	if ((code & 3) == 0)
		fg_die(where, "damage handles=wild: pid %llu needs a multi-level table (a handle value= past one page)",
		       (unsigned long long)pid);
	uint64_t top = code & ~3ull;
	unsigned ps = ptr_size(m);
	fg_write_ptr(m, top + 5ull * ps, ps == 8 ? 0x00007ff712340000ull : 0x00401000u);   /* user address */
	fg_write_ptr(m, top + 6ull * ps, ps == 8 ? 0xfffff8a0dead0000ull : 0xdead0000u);  /* not in the dump */
}

/* The last entry of a directory's first used bucket points back at the first. */
static void damage_directory_cycle(struct fg_machine *m, const char *path, const char *where)
{
	uint64_t dir = fg_object_lookup(m, path);
	if (!dir)
		fg_die(where, "damage directory-cycle: no directory %s", path);
	unsigned ps = ptr_size(m);
	uint64_t buckets = dir + fg_offset(m, "_OBJECT_DIRECTORY", "HashBuckets");
	uint32_t chain = fg_offset(m, "_OBJECT_DIRECTORY_ENTRY", "ChainLink");
	for (unsigned b = 0; b < FG_DIR_BUCKETS; b++) {
		uint64_t first = read_ptr_at(m, buckets + (uint64_t)b * ps);
		if (!first)
			continue;
		uint64_t last = first;
		for (uint64_t n; (n = read_ptr_at(m, last + chain)) != 0;)
			last = n;
		fg_write_ptr(m, last + chain, first);
		return;
	}
	fg_die(where, "damage directory-cycle: %s is empty", path);
}

/* Take \ObjectTypes out of the root directory (its bucket chain skips it). */
static void damage_unlink(struct fg_machine *m, const char *path, const char *where)
{
	uint64_t obj = fg_object_lookup(m, path);
	if (!obj || strcmp(path, "\\") == 0)
		fg_die(where, "damage unlink: no object %s", path);
	unsigned ps = ptr_size(m);
	uint64_t root = state(m)->root;
	uint64_t buckets = root + fg_offset(m, "_OBJECT_DIRECTORY", "HashBuckets");
	uint32_t chain = fg_offset(m, "_OBJECT_DIRECTORY_ENTRY", "ChainLink");
	uint32_t object = fg_offset(m, "_OBJECT_DIRECTORY_ENTRY", "Object");
	for (unsigned b = 0; b < FG_DIR_BUCKETS; b++) {
		uint64_t link = buckets + (uint64_t)b * ps;
		for (uint64_t e; (e = read_ptr_at(m, link)) != 0; link = e + chain) {
			if (read_ptr_at(m, e + object) == obj) {
				fg_write_ptr(m, link, read_ptr_at(m, e + chain));
				return;
			}
		}
	}
	fg_die(where, "damage unlink: %s is not in the root directory", path);
}

/* count random bytes of object blocks (headers, bodies, name infos) changed,
 * from seed: the analyzer must survive any of them. */
static void damage_flip(struct fg_machine *m, uint64_t seed, uint64_t count)
{
	struct fg_objects *o = state(m);
	uint64_t x = seed * 0x9e3779b97f4a7c15ull + 1;
	for (uint64_t i = 0; i < count && o->nspans; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		const struct fg_span *sp = &o->spans[x % o->nspans];
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		uint64_t va = sp->va + (x >> 8) % sp->size;
		uint8_t b;
		fg_read(m, va, &b, 1);
		b = (x & 1) ? (uint8_t)(x >> 32) : (uint8_t)(b ^ (1u << ((x >> 1) & 7)));
		fg_write(m, va, &b, 1);
	}
}

/* The page holding a process's EPROCESS goes to the pagefile. */
static void damage_pageout(struct fg_machine *m, uint64_t pid, const char *where)
{
	struct fg_proc *p = proc_find(m, pid);
	if (!p)
		fg_die(where, "damage pageout: no process %llu", (unsigned long long)pid);
	fg_make_pagefile(m, p->ep + fg_offset(m, "_EPROCESS", "UniqueProcessId"), 0, 0x4000);
}

/* The KPROCESS thread list loses its last thread (the ETHREAD list keeps it). */
static void damage_tcb_list(struct fg_machine *m, uint64_t pid, const char *where)
{
	struct fg_proc *p = proc_find(m, pid);
	if (!p || !has_field(m, "_EPROCESS", "Pcb.ThreadListHead"))
		fg_die(where, "damage tcb-list: no process %llu or no Pcb.ThreadListHead", (unsigned long long)pid);
	unsigned ps = ptr_size(m);
	uint64_t head = p->ep + fg_offset(m, "_EPROCESS", "Pcb.ThreadListHead");
	uint64_t last = read_ptr_at(m, head + ps);
	if (last == head)
		fg_die(where, "damage tcb-list: process %llu has no threads", (unsigned long long)pid);
	uint64_t prev = read_ptr_at(m, last + ps);
	fg_write_ptr(m, prev, head);
	fg_write_ptr(m, head + ps, prev);
}

/* One more directory entry for path in the directory into (its name info
 * untouched): \\Windows inside \\Windows, twice, makes a namespace loop. */
static void damage_link(struct fg_machine *m, const char *path, const char *into, const char *where)
{
	uint64_t obj = fg_object_lookup(m, path), dir = fg_object_lookup(m, into);
	if (!obj || !dir)
		fg_die(where, "damage link: no %s or no %s", path, into);
	unsigned ps = ptr_size(m);
	uint64_t bucket = dir + fg_offset(m, "_OBJECT_DIRECTORY", "HashBuckets");
	uint64_t e = fg_kalloc(m, fg_sizeof(m, "_OBJECT_DIRECTORY_ENTRY"), "ObDi", true);
	fg_set(m, e, "_OBJECT_DIRECTORY_ENTRY", "ChainLink", read_ptr_at(m, bucket));
	fg_set(m, e, "_OBJECT_DIRECTORY_ENTRY", "Object", obj);
	fg_write_ptr(m, bucket, e);
	(void)ps;
}

static void damage_apply(struct fg_machine *m)
{
	struct fg_objects *o = state(m);
	for (size_t i = 0; i < o->ndamage; i++) {
		const struct fg_damage *d = &o->damage[i];
		if (strcmp(d->kind, "process-loop") == 0)
			damage_process_loop(m, d->where);
		else if (strcmp(d->kind, "thread-backlink") == 0)
			damage_thread_backlink(m, d->pid, d->where);
		else if (strcmp(d->kind, "handles-wild") == 0)
			damage_handle_table(m, d->pid, false, d->where);
		else if (strcmp(d->kind, "handles-level") == 0)
			damage_handle_table(m, d->pid, true, d->where);
		else if (strcmp(d->kind, "directory-cycle") == 0)
			damage_directory_cycle(m, d->path, d->where);
		else if (strcmp(d->kind, "unlink") == 0)
			damage_unlink(m, d->path, d->where);
		else if (strcmp(d->kind, "flip") == 0)
			damage_flip(m, d->seed, d->count);
		else if (strcmp(d->kind, "pageout") == 0)
			damage_pageout(m, d->pid, d->where);
		else if (strcmp(d->kind, "tcb-list") == 0)
			damage_tcb_list(m, d->pid, d->where);
		else if (strcmp(d->kind, "link") == 0)
			damage_link(m, d->path, d->into, d->where);
	}
}

int fg_dir_damage(struct fg_machine *m, int argc, char **argv, const char *where)
{
	static const char *const kinds[] = { "process-loop", "thread-backlink", "handles-wild", "handles-level",
					     "directory-cycle", "unlink", "flip", "pageout", "tcb-list", "link" };
	if (argc < 2)
		fg_die(where, "usage: damage KIND [pid=N] [path=\\DIR]");
	bool known = false;
	for (size_t i = 0; i < LD_ARRAY_SIZE(kinds); i++)
		known |= strcmp(argv[1], kinds[i]) == 0;
	if (!known)
		fg_die(where, "unknown damage %s", argv[1]);
	struct fg_objects *o = state(m);
	GROW(o->damage, o->ndamage, o->capdamage);
	struct fg_damage *d = &o->damage[o->ndamage++];
	memset(d, 0, sizeof(*d));
	snprintf(d->kind, sizeof(d->kind), "%s", argv[1]);
	d->pid = fg_arg_u64(argc, argv, "pid", 0);
	d->seed = fg_arg_u64(argc, argv, "seed", 1);
	d->count = fg_arg_u64(argc, argv, "count", 100);
	snprintf(d->path, sizeof(d->path), "%s", fg_arg(argc, argv, "path") ? fg_arg(argc, argv, "path") : "\\");
	snprintf(d->into, sizeof(d->into), "%s", fg_arg(argc, argv, "into") ? fg_arg(argc, argv, "into") : "\\");
	snprintf(d->where, sizeof(d->where), "%s", where);
	return 0;
}

/* ---- finishing ---- */

static void threads_finish(struct fg_machine *m)
{
	struct fg_objects *o = state(m);
	/* The core fixes the tick count after us when `tick` was not given:
	 * uptime in ticks of 15.625 ms (156250 x 100 ns), as it will. */
	if (!m->tick_count)
		m->tick_count = m->uptime_100ns / 156250u;
	for (size_t i = 0; i < o->nthreads; i++) {
		struct fg_thr *t = &o->threads[i];
		uint64_t ticks = t->has_wait ? (uint64_t)(t->wait_seconds * FG_TICKS_PER_SECOND + 0.5) : 0;
		fg_set_opt(m, t->et, "_ETHREAD", "Tcb.WaitTime", (uint32_t)(m->tick_count - ticks));
	}
}

void fg_objects_finish(struct fg_machine *m)
{
	if (!m->objects || !m->profile)
		return;
	struct fg_objects *o = state(m);
	threads_finish(m);
	bool w2k = has_field(m, "_HANDLE_TABLE", "Table");
	for (size_t i = 0; i < o->nprocs; i++) {
		if (!o->procs[i].table)
			continue;
		if (w2k)
			handles_w2k(m, &o->procs[i]);
		else
			handles_tablecode(m, &o->procs[i]);
	}
	if (has_type(m, "_LDR_DATA_TABLE_ENTRY"))
		modules_start(m);
	damage_apply(m);
}

uint64_t fg_objects_global(struct fg_machine *m, const char *name)
{
	basics(m);
	if (strcmp(name, "PsActiveProcessHead") == 0)
		return process_list_head(m);
	return fg_kernel_symbol(m, name);
}
