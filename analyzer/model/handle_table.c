/* handle_table.c — per-process handle tables in every encoding:
 *  - Windows 2000: HANDLE_TABLE.Table, three fixed levels of 256;
 *  - XP+: TableCode, levels in the low 2 bits, one page per table;
 *  - 8.1+/10: entries carry ObjectPointerBits instead of an Object pointer.
 * Sub-tables are read a page at a time; wild pointers are skipped with a
 * warning and the walk goes on (partial results). */
#include "model-priv.h"

#include <string.h>

/* Windows caps a table at 2^24 handles; anything beyond is corruption. */
#define LD_MAX_HANDLE_INDEX (1u << 24)
#define LD_W2K_LEVEL 256u
/* A process with more live handles than this is a forged table (e.g. every
 * sub-table pointer naming the same page): stop and say so. */
#define LD_MAX_HANDLES (1u << 20)

struct hwalk {
	struct ld_model *m;
	const struct ld_process *p;
	bool (*fn)(const struct ld_handle *h, void *arg);
	void *arg;
	unsigned esize, ps;
	bool w2k, stop;
	size_t warned, emitted;
};

static uint64_t entry_object(struct ld_kernel *k, struct hwalk *w, const uint8_t *e)
{
	const struct ld_model_fields *f = &w->m->f;
	if (f->he_ptrbits.valid) {
		/* The pointer without its alignment bits and its all-ones top:
		 * x64 objects are 16-byte aligned (<< 4) and the bits above the
		 * field are set (8: 41 bits, 0xFFFFE000...; 8.1+: 44 bits,
		 * 0xFFFF0000...); x86 keeps the top, dropping 32 - bitlen bits. */
		uint64_t v = ld_model_field_from_buf(k, e, w->esize, &f->he_ptrbits);
		unsigned len = f->he_ptrbits.bitlen;
		if (!v || len == 0 || len > 60)
			return 0;
		if (w->ps == 8)
			return v << 4 | ~0ULL << (len + 4);
		return len < 32 ? (v << (32 - len)) & 0xffffffffu : v;
	}
	uint64_t v = ld_model_field_from_buf(k, e, w->esize, &f->he_object);
	if (!v)
		return 0;
	if (w->w2k)
		v |= 0x80000000u;   /* 2000 uses the top bit as the entry lock */
	return v & ~(uint64_t)7;   /* attribute/lock bits */
}

static void handle_emit(struct ld_kernel *k, struct hwalk *w, const uint8_t *e, uint64_t index)
{
	const struct ld_model_fields *f = &w->m->f;
	uint64_t obj = entry_object(k, w, e);
	if (!obj || !ld_kernel_is_kva(k, obj))
		return;
	if (++w->emitted > LD_MAX_HANDLES) {
		ld_warn("handle table of pid %llu: more than %u handles; the rest skipped",
			(unsigned long long)w->p->pid, LD_MAX_HANDLES);
		w->stop = true;
		return;
	}
	struct ld_handle h;
	memset(&h, 0, sizeof(h));
	h.pid = w->p->pid;
	h.handle = index * 4;
	h.object = obj;
	h.access = (uint32_t)ld_model_field_from_buf(k, e, w->esize,
						      f->he_access_bits.valid ? &f->he_access_bits : &f->he_access);
	(void)ld_object_get(k, obj, &h.obj);
	if (!w->fn(&h, w->arg))
		w->stop = true;
}

static bool sub_table_ok(struct ld_kernel *k, struct hwalk *w, uint64_t va, const char *what)
{
	if (ld_kernel_is_kva(k, va))
		return true;
	if (w->warned++ < 8)
		ld_warn("handle table of pid %llu: %s pointer %#llx is not a kernel address",
			(unsigned long long)w->p->pid, what, (unsigned long long)va);
	return false;
}

/* n entries of esize bytes starting at va: one read. */
static void leaf_walk(struct ld_kernel *k, struct hwalk *w, uint64_t va, size_t n, uint64_t first)
{
	uint8_t buf[LD_PAGE_SIZE];
	size_t len = n * w->esize;
	if (len > sizeof(buf) || !sub_table_ok(k, w, va, "entry table"))
		return;
	if (ld_kernel_read(k, va, buf, len) != LD_OK) {
		ld_warn("handle table of pid %llu: entries at %#llx unavailable", (unsigned long long)w->p->pid,
			(unsigned long long)va);
		return;
	}
	for (size_t i = 0; i < n && !w->stop; i++)
		handle_emit(k, w, buf + i * w->esize, first + i);
}

/* A table of n pointers to lower levels; span = handle indexes under each. */
static void node_walk(struct ld_kernel *k, struct hwalk *w, uint64_t va, size_t n, unsigned level,
		      uint64_t first, uint64_t span, size_t leaf_n, size_t node_n)
{
	uint8_t buf[LD_PAGE_SIZE];
	if (n * w->ps > sizeof(buf) || !sub_table_ok(k, w, va, "sub-table"))
		return;
	if (ld_kernel_read(k, va, buf, n * w->ps) != LD_OK) {
		ld_warn("handle table of pid %llu: sub-table at %#llx unavailable",
			(unsigned long long)w->p->pid, (unsigned long long)va);
		return;
	}
	for (size_t i = 0; i < n && !w->stop; i++) {
		uint64_t idx = first + i * span;
		if (ld_check_interrupt()) {
			w->stop = true;
			return;
		}
		if (idx >= LD_MAX_HANDLE_INDEX)
			return;
		uint64_t child = w->ps == 8 ? ld_le64(buf + i * 8) : ld_le32(buf + i * 4);
		if (!child)
			continue;
		if (level == 1)
			leaf_walk(k, w, child, leaf_n, idx);
		else
			node_walk(k, w, child, node_n, level - 1, idx, span / node_n, leaf_n, node_n);
	}
}

static ld_status tablecode_walk(struct ld_kernel *k, struct hwalk *w, uint64_t code)
{
	unsigned level = (unsigned)(code & 3);
	uint64_t base = code & ~(uint64_t)3;
	size_t leaf_n = LD_PAGE_SIZE / w->esize;
	size_t node_n = LD_PAGE_SIZE / w->ps;
	if (level > 2) {
		ld_warn("handle table of pid %llu: TableCode %#llx has level %u (max 2); handles skipped",
			(unsigned long long)w->p->pid, (unsigned long long)code, level);
		return LD_OK;
	}
	if (level == 0)
		leaf_walk(k, w, base, leaf_n, 0);
	else
		node_walk(k, w, base, node_n, level, 0, level == 1 ? leaf_n : leaf_n * node_n, leaf_n, node_n);
	return LD_OK;
}

ld_status ld_handles_walk(struct ld_kernel *k, const struct ld_process *p,
			  bool (*fn)(const struct ld_handle *h, void *arg), void *arg)
{
	struct ld_model *m;
	ld_status st = ld_model_get(k, &m);
	if (st != LD_OK)
		return st;
	if (!p->object_table)
		return LD_OK;   /* exited processes have none */
	struct hwalk w = { .m = m, .p = p, .fn = fn, .arg = arg, .ps = ld_kernel_ptr_size(k) };
	w.esize = ld_type_size(ld_kernel_profile(k), "_HANDLE_TABLE_ENTRY");
	if (w.esize != 8 && w.esize != 16)
		return ld_fail(LD_ERR_NOT_FOUND, "profile has no usable HANDLE_TABLE_ENTRY");
	if (!sub_table_ok(k, &w, p->object_table, "HANDLE_TABLE"))
		return LD_OK;
	uint64_t code;
	if (m->f.ht_code.valid) {
		if ((st = ld_read_field(k, p->object_table, &m->f.ht_code, &code)) != LD_OK)
			return ld_fail_ctx(st, "handle table of pid %llu", (unsigned long long)p->pid);
		return tablecode_walk(k, &w, code);
	}
	if (!m->f.ht_table.valid)
		return ld_fail(LD_ERR_NOT_FOUND, "profile has neither HANDLE_TABLE.TableCode nor Table");
	if ((st = ld_read_field(k, p->object_table, &m->f.ht_table, &code)) != LD_OK)
		return ld_fail_ctx(st, "handle table of pid %llu", (unsigned long long)p->pid);
	w.w2k = true;
	if (code)
		node_walk(k, &w, code, LD_W2K_LEVEL, 2, 0, LD_W2K_LEVEL * LD_W2K_LEVEL, LD_W2K_LEVEL,
			  LD_W2K_LEVEL);
	return LD_OK;
}
