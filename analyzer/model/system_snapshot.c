/* system_snapshot.c — processes (PsActiveProcessHead) and their threads
 * (EPROCESS.ThreadListHead), read once per kernel and cached. */
#include "model-priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bounds on what a dump can make us collect. */
#define LD_MAX_PROCESSES 65536u
#define LD_MAX_THREADS_PER_PROCESS 65536u
#define LD_MAX_THREADS 1000000u
#define LD_KTHREAD_WAITING 5

/* Bytes of each ETHREAD kept for later passes (ld_system_keep_thread_bytes). */
#define LD_MAX_KEPT_THREAD_BYTES 512u

struct snap {
	struct ld_model *m;
	struct ld_vec procs, threads, kept;
	ld_status st;          /* a hard error (out of memory) stops the walks */
	uint64_t cur_process;
	uint32_t ep_lo, ep_hi, et_lo, et_hi;   /* record spans */
	struct ld_record prec, trec;
};

/* The span read for a structure: all of it when the profile knows its size
 * (one read covers embedded members such as the wait blocks), else the span
 * of the fields the model reads. */
static void record_span(struct ld_kernel *k, const char *type, const struct ld_fref *const *f, size_t n,
			uint32_t *lo, uint32_t *hi)
{
	ld_fields_span(f, n, lo, hi);
	uint32_t size = ld_type_size(ld_kernel_profile(k), type);
	if (size && size <= LD_RECORD_MAX && *hi <= size) {
		*lo = 0;
		*hi = size;
	}
}

static void snap_spans(struct ld_kernel *k, struct snap *s)
{
	const struct ld_model_fields *f = &s->m->f;
	const struct ld_fref *const ep[] = {
		&f->ep_pid, &f->ep_ppid, &f->ep_name, &f->ep_dtb, &f->ep_objtable, &f->ep_create,
		&f->ep_exit, &f->ep_exiting, &f->ep_threads, &f->kp_threads,
	};
	const struct ld_fref *const et[] = {
		&f->et_pid, &f->et_tid, &f->kt_state, &f->kt_reason, &f->kt_teb, &f->et_start,
		&f->et_rcvd_valid, &f->et_w32start, &f->et_terminated, &f->et_threads_process,
		&f->kt_process, &f->kt_apc_process, &f->kt_wait_time, &f->kt_wbl, &f->et_link,
	};
	record_span(k, "_EPROCESS", ep, LD_ARRAY_SIZE(ep), &s->ep_lo, &s->ep_hi);
	record_span(k, "_ETHREAD", et, LD_ARRAY_SIZE(et), &s->et_lo, &s->et_hi);
	if (s->m->keep_hi > s->m->keep_lo) {
		if (s->m->keep_lo < s->et_lo)
			s->et_lo = s->m->keep_lo;
		if (s->m->keep_hi > s->et_hi)
			s->et_hi = s->m->keep_hi;
	}
}

static void process_read(struct ld_kernel *k, struct snap *s, uint64_t ep, struct ld_process *p)
{
	const struct ld_model_fields *f = &s->m->f;
	struct ld_record *r = &s->prec;
	memset(p, 0, sizeof(*p));
	p->addr = ep;
	(void)ld_record_load(k, r, ep, s->ep_lo, s->ep_hi);
	p->incomplete = ld_record_field(k, r, &f->ep_pid, &p->pid) != LD_OK;
	p->ppid = ld_record_field_or(k, r, &f->ep_ppid, 0);
	p->dtb = ld_record_field_or(k, r, &f->ep_dtb, 0);
	p->object_table = ld_record_field_or(k, r, &f->ep_objtable, 0);
	p->create_time = ld_record_field_or(k, r, &f->ep_create, 0);
	p->exit_time = ld_record_field_or(k, r, &f->ep_exit, 0);
	p->exiting = p->exit_time != 0 || ld_record_field_or(k, r, &f->ep_exiting, 0) != 0;
	if (f->ep_name.valid) {
		size_t n = f->ep_name.count ? f->ep_name.count : f->ep_name.size;
		if (n > sizeof(p->name) - 1)
			n = sizeof(p->name) - 1;
		if (ld_record_holds(r, ep + f->ep_name.off, n))
			memcpy(p->name, r->buf + (f->ep_name.off - r->lo), n);
		else if (ld_kernel_read(k, ep + f->ep_name.off, p->name, n) != LD_OK) {
			memset(p->name, 0, sizeof(p->name));
			p->incomplete = true;
		}
		p->name[sizeof(p->name) - 1] = '\0';
		for (size_t i = 0; p->name[i]; i++)
			if ((unsigned char)p->name[i] < 0x20 || (unsigned char)p->name[i] > 0x7e)
				p->name[i] = '?';   /* a name is shown, never trusted */
	}
}

/* The owning process: ThreadsProcess (NT5), Tcb.Process (Win8+) or
 * Tcb.ApcState.Process; the list we found it on when none is readable. */
static uint64_t thread_owner(struct ld_kernel *k, const struct ld_model_fields *f, const struct ld_record *r,
			     uint64_t listed)
{
	const struct ld_fref *order[] = { &f->et_threads_process, &f->kt_process, &f->kt_apc_process };
	for (size_t i = 0; i < LD_ARRAY_SIZE(order); i++) {
		uint64_t v = ld_record_field_or(k, r, order[i], 0);
		if (v && ld_kernel_is_kva(k, v))
			return v;
	}
	return listed;
}

static void thread_wait(struct ld_kernel *k, const struct ld_model_fields *f, const struct ld_record *r,
			struct ld_thread *t)
{
	uint64_t v;
	t->wait_seconds = -1;
	if (f->kt_wait_time.valid && ld_record_field(k, r, &f->kt_wait_time, &v) == LD_OK) {
		t->wait_time_known = true;
		t->wait_time = (uint32_t)v;
		double s;
		if (t->state == LD_KTHREAD_WAITING && ld_kernel_ticks_to_seconds(k, t->wait_time, &s))
			t->wait_seconds = s;
	}
	if (t->state != LD_KTHREAD_WAITING)
		return;
	t->wait_block_list = ld_record_field_or(k, r, &f->kt_wbl, 0);
	/* The first wait block is usually embedded in the thread: in the copy. */
	if (t->wait_block_list && ld_kernel_is_kva(k, t->wait_block_list) && f->wb_object.valid &&
	    ld_record_read_at(k, r, t->wait_block_list, &f->wb_object, &v) == LD_OK)
		t->wait_object = v;
}

static void thread_read(struct ld_kernel *k, struct snap *s, uint64_t et, uint64_t listed,
			struct ld_thread *t)
{
	const struct ld_model_fields *f = &s->m->f;
	struct ld_record *r = &s->trec;
	memset(t, 0, sizeof(*t));
	t->addr = et;
	(void)ld_record_load(k, r, et, s->et_lo, s->et_hi);
	uint64_t state = 0xff, reason = 0xff;
	/* Read all four even when one fails: each is shown if it can be. */
	bool bad = ld_record_field(k, r, &f->et_pid, &t->pid) != LD_OK;
	bad |= ld_record_field(k, r, &f->et_tid, &t->tid) != LD_OK;
	bad |= ld_record_field(k, r, &f->kt_state, &state) != LD_OK;
	bad |= ld_record_field(k, r, &f->kt_reason, &reason) != LD_OK;
	t->incomplete = bad;
	t->state = (uint8_t)state;
	t->wait_reason = (uint8_t)reason;
	t->teb = ld_record_field_or(k, r, &f->kt_teb, 0);
	t->start_address = ld_record_field_or(k, r, &f->et_start, 0);
	/* NT5: Win32StartAddress shares storage with LpcReceivedMessageId; while
	 * the id is valid the field holds a message id, not an address. */
	if (!ld_record_field_or(k, r, &f->et_rcvd_valid, 0))
		t->win32_start_address = ld_record_field_or(k, r, &f->et_w32start, 0);
	t->terminated = ld_record_field_or(k, r, &f->et_terminated, 0) != 0 || t->state == 4;
	t->process = thread_owner(k, f, r, listed);
	if (t->process != listed)
		ld_warn("thread %#llx on the list of process %#llx names process %#llx as its owner",
			(unsigned long long)et, (unsigned long long)listed, (unsigned long long)t->process);
	thread_wait(k, f, r, t);
}

/* The bytes a later pass asked for, from the thread's copy when it holds
 * them (zeros and kept=false when not: that pass then reads them itself). */
static ld_status thread_keep(struct snap *s, struct ld_thread *t)
{
	static const uint8_t none[LD_MAX_KEPT_THREAD_BYTES];
	if (!s->kept.elem)
		return LD_OK;
	const struct ld_record *r = &s->trec;
	uint32_t lo = s->m->keep_lo, len = s->m->keep_hi - s->m->keep_lo;
	t->kept = ld_record_holds(r, t->addr + lo, len);
	return ld_vec_push(&s->kept, t->kept ? r->buf + (lo - r->lo) : none);
}

static bool thread_cb(struct ld_kernel *k, uint64_t entry, void *arg)
{
	struct snap *s = arg;
	struct ld_thread t;
	if (s->threads.len >= LD_MAX_THREADS)
		return false;
	thread_read(k, s, entry - s->m->f.et_link.off, s->cur_process, &t);
	if (thread_keep(s, &t) != LD_OK || ld_vec_push(&s->threads, &t) != LD_OK) {
		s->st = LD_ERR_NOMEM;
		return false;
	}
	return true;
}

static void warn_walk(const char *what, uint64_t addr, const struct ld_walk_result *r)
{
	if (r->end == LD_WALK_DONE || r->end == LD_WALK_STOPPED)
		return;
	ld_warn("%s %#llx ended early (%s at %#llx after %zu entries)", what,
		(unsigned long long)addr, ld_walk_end_name(r->end), (unsigned long long)r->bad_va, r->count);
}

/* The kernel keeps a second thread list in KPROCESS; when both were walked
 * to the end they must agree on how many threads there are. */
static void threads_cross_check(struct ld_kernel *k, struct ld_model *m, const struct ld_process *p)
{
	struct ld_walk_result r;
	if (!m->f.kp_threads.valid || p->thread_walk.end != LD_WALK_DONE)
		return;
	ld_list_walk(k, p->addr + m->f.kp_threads.off, LD_MAX_THREADS_PER_PROCESS, NULL, NULL, &r);
	if (r.end == LD_WALK_DONE && r.count != p->nthreads)
		ld_warn("process %#llx: %zu threads on ThreadListHead but %zu on Pcb.ThreadListHead",
			(unsigned long long)p->addr, p->nthreads, r.count);
}

/* A process's threads are walked right after the process is read, while
 * its EPROCESS page is still in the cache (a second pass over 2,000
 * processes read each one again). */
static void threads_collect(struct ld_kernel *k, struct snap *s, struct ld_process *p)
{
	p->first_thread = s->threads.len;
	if (!s->m->f.ep_threads.valid || !s->m->f.et_link.valid)
		return;
	s->cur_process = p->addr;
	ld_list_walk(k, p->addr + s->m->f.ep_threads.off, LD_MAX_THREADS_PER_PROCESS, thread_cb, s,
		     &p->thread_walk);
	p->nthreads = s->threads.len - p->first_thread;
	warn_walk("thread list of process", p->addr, &p->thread_walk);
	threads_cross_check(k, s->m, p);
}

static bool process_cb(struct ld_kernel *k, uint64_t entry, void *arg)
{
	struct snap *s = arg;
	struct ld_process p;
	process_read(k, s, entry - s->m->f.ep_links.off, &p);
	if (ld_vec_push(&s->procs, &p) != LD_OK) {
		s->st = LD_ERR_NOMEM;
		return false;
	}
	threads_collect(k, s, ld_vec_at(&s->procs, s->procs.len - 1));
	return s->st == LD_OK;
}

static ld_status system_build(struct ld_kernel *k, struct ld_model *m, struct ld_system *sys)
{
	const struct ld_kernel_info *ki = ld_kernel_info(k);
	if (!ki->ps_active_process_head)
		return ld_fail(LD_ERR_NOT_FOUND, "PsActiveProcessHead is unknown (no KDBG)");
	if (!m->f.ep_links.valid)
		return ld_fail(LD_ERR_NOT_FOUND, "profile has no EPROCESS.ActiveProcessLinks");
	struct snap *s = ld_xcalloc(1, sizeof(*s));   /* two records: too big for the stack */
	if (!s)
		return ld_fail_ctx(LD_ERR_NOMEM, "process snapshot");
	s->m = m;
	snap_spans(k, s);
	ld_vec_init(&s->procs, sizeof(struct ld_process));
	ld_vec_init(&s->threads, sizeof(struct ld_thread));
	if (m->keep_hi > m->keep_lo)
		ld_vec_init(&s->kept, m->keep_hi - m->keep_lo);
	ld_list_walk(k, ki->ps_active_process_head, LD_MAX_PROCESSES, process_cb, s, &sys->process_walk);
	warn_walk("process list at", ki->ps_active_process_head, &sys->process_walk);
	ld_status st = s->st;
	if (st != LD_OK) {
		ld_vec_free(&s->procs);
		ld_vec_free(&s->threads);
		ld_vec_free(&s->kept);
		free(s);
		return ld_fail(st, "out of memory collecting processes and threads");
	}
	sys->nprocesses = s->procs.len;
	sys->processes = s->procs.data;
	sys->threads = s->threads.data;
	sys->nthreads = s->threads.len;
	sys->kept = s->kept.data;
	sys->kept_lo = m->keep_lo;
	sys->kept_len = s->kept.elem ? m->keep_hi - m->keep_lo : 0;
	free(s);
	for (size_t i = 0; i < sys->nprocesses; i++)
		for (size_t j = 0; j < sys->processes[i].nthreads; j++)
			sys->threads[sys->processes[i].first_thread + j].process_index = i;
	return LD_OK;
}

ld_status ld_system_get(struct ld_kernel *k, const struct ld_system **out)
{
	struct ld_model *m;
	ld_status st = ld_model_get(k, &m);
	if (st != LD_OK)
		return st;
	if (!m->system_built) {
		m->system_built = true;
		m->system_status = system_build(k, m, &m->system);
		if (m->system_status != LD_OK)
			snprintf(m->system_error, sizeof(m->system_error), "%s", ld_errmsg());
	}
	if (m->system_status != LD_OK)
		return ld_fail(m->system_status, "%s", m->system_error);
	*out = &m->system;
	return LD_OK;
}

bool ld_system_keep_thread_bytes(struct ld_kernel *k, uint32_t lo, uint32_t hi)
{
	struct ld_model *m;
	if (ld_model_get(k, &m) != LD_OK || m->system_built || hi <= lo || hi - lo > LD_MAX_KEPT_THREAD_BYTES)
		return false;
	m->keep_lo = lo;
	m->keep_hi = hi;
	return true;
}

void ld_system_thread_record(const struct ld_system *s, size_t i, struct ld_record *r)
{
	const struct ld_thread *t = &s->threads[i];
	bool have = s->kept && t->kept && s->kept_len;
	ld_record_set(r, t->addr, s->kept_lo, have ? s->kept + i * s->kept_len : NULL, have ? s->kept_len : 0);
}

const struct ld_process *ld_system_process_by_pid(const struct ld_system *s, uint64_t pid)
{
	for (size_t i = 0; i < s->nprocesses; i++)
		if (s->processes[i].pid == pid)
			return &s->processes[i];
	return NULL;
}

const struct ld_process *ld_system_process_by_addr(const struct ld_system *s, uint64_t addr)
{
	for (size_t i = 0; i < s->nprocesses; i++)
		if (s->processes[i].addr == addr)
			return &s->processes[i];
	return NULL;
}

const struct ld_thread *ld_system_thread_by_tid(const struct ld_system *s, uint64_t tid)
{
	for (size_t i = 0; i < s->nthreads; i++)
		if (s->threads[i].tid == tid)
			return &s->threads[i];
	return NULL;
}

const struct ld_thread *ld_system_thread_by_addr(const struct ld_system *s, uint64_t addr)
{
	for (size_t i = 0; i < s->nthreads; i++)
		if (s->threads[i].addr == addr)
			return &s->threads[i];
	return NULL;
}
