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

struct snap {
	struct ld_model *m;
	struct ld_vec procs, threads;
	ld_status st;          /* a hard error (out of memory) stops the walks */
	uint64_t cur_process;
};

static void process_read(struct ld_kernel *k, struct ld_model *m, uint64_t ep, struct ld_process *p)
{
	const struct ld_model_fields *f = &m->f;
	memset(p, 0, sizeof(*p));
	p->addr = ep;
	p->incomplete = ld_read_field(k, ep, &f->ep_pid, &p->pid) != LD_OK;
	p->ppid = ld_model_read_or(k, ep, &f->ep_ppid, 0);
	p->dtb = ld_model_read_or(k, ep, &f->ep_dtb, 0);
	p->object_table = ld_model_read_or(k, ep, &f->ep_objtable, 0);
	p->create_time = ld_model_read_or(k, ep, &f->ep_create, 0);
	p->exit_time = ld_model_read_or(k, ep, &f->ep_exit, 0);
	p->exiting = p->exit_time != 0 || ld_model_read_or(k, ep, &f->ep_exiting, 0) != 0;
	if (f->ep_name.valid) {
		size_t n = f->ep_name.count ? f->ep_name.count : f->ep_name.size;
		if (n > sizeof(p->name) - 1)
			n = sizeof(p->name) - 1;
		if (ld_kernel_read(k, ep + f->ep_name.off, p->name, n) != LD_OK) {
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
static uint64_t thread_owner(struct ld_kernel *k, const struct ld_model_fields *f, uint64_t et,
			     uint64_t listed)
{
	const struct ld_fref *order[] = { &f->et_threads_process, &f->kt_process, &f->kt_apc_process };
	for (size_t i = 0; i < LD_ARRAY_SIZE(order); i++) {
		uint64_t v = ld_model_read_or(k, et, order[i], 0);
		if (v && ld_kernel_is_kva(k, v))
			return v;
	}
	return listed;
}

static void thread_wait(struct ld_kernel *k, const struct ld_model_fields *f, struct ld_thread *t)
{
	uint64_t v;
	t->wait_seconds = -1;
	if (f->kt_wait_time.valid && ld_read_field(k, t->addr, &f->kt_wait_time, &v) == LD_OK) {
		t->wait_time_known = true;
		t->wait_time = (uint32_t)v;
		double s;
		if (t->state == LD_KTHREAD_WAITING && ld_kernel_ticks_to_seconds(k, t->wait_time, &s))
			t->wait_seconds = s;
	}
	if (t->state != LD_KTHREAD_WAITING)
		return;
	t->wait_block_list = ld_model_read_or(k, t->addr, &f->kt_wbl, 0);
	if (t->wait_block_list && ld_kernel_is_kva(k, t->wait_block_list))
		t->wait_object = ld_model_read_or(k, t->wait_block_list, &f->wb_object, 0);
}

static void thread_read(struct ld_kernel *k, struct ld_model *m, uint64_t et, uint64_t listed,
			struct ld_thread *t)
{
	const struct ld_model_fields *f = &m->f;
	memset(t, 0, sizeof(*t));
	t->addr = et;
	uint64_t state = 0xff, reason = 0xff;
	/* Read all four even when one fails: each is shown if it can be. */
	bool bad = ld_read_field(k, et, &f->et_pid, &t->pid) != LD_OK;
	bad |= ld_read_field(k, et, &f->et_tid, &t->tid) != LD_OK;
	bad |= ld_read_field(k, et, &f->kt_state, &state) != LD_OK;
	bad |= ld_read_field(k, et, &f->kt_reason, &reason) != LD_OK;
	t->incomplete = bad;
	t->state = (uint8_t)state;
	t->wait_reason = (uint8_t)reason;
	t->teb = ld_model_read_or(k, et, &f->kt_teb, 0);
	t->start_address = ld_model_read_or(k, et, &f->et_start, 0);
	/* NT5: Win32StartAddress shares storage with LpcReceivedMessageId; while
	 * the id is valid the field holds a message id, not an address. */
	if (!ld_model_read_or(k, et, &f->et_rcvd_valid, 0))
		t->win32_start_address = ld_model_read_or(k, et, &f->et_w32start, 0);
	t->terminated = ld_model_read_or(k, et, &f->et_terminated, 0) != 0 || t->state == 4;
	t->process = thread_owner(k, f, et, listed);
	if (t->process != listed)
		ld_warn("thread %#llx on the list of process %#llx names process %#llx as its owner",
			(unsigned long long)et, (unsigned long long)listed, (unsigned long long)t->process);
	thread_wait(k, f, t);
}

static bool thread_cb(struct ld_kernel *k, uint64_t entry, void *arg)
{
	struct snap *s = arg;
	struct ld_thread t;
	if (s->threads.len >= LD_MAX_THREADS)
		return false;
	thread_read(k, s->m, entry - s->m->f.et_link.off, s->cur_process, &t);
	if (ld_vec_push(&s->threads, &t) != LD_OK) {
		s->st = LD_ERR_NOMEM;
		return false;
	}
	return true;
}

static bool process_cb(struct ld_kernel *k, uint64_t entry, void *arg)
{
	struct snap *s = arg;
	struct ld_process p;
	process_read(k, s->m, entry - s->m->f.ep_links.off, &p);
	if (ld_vec_push(&s->procs, &p) != LD_OK) {
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

static void threads_collect(struct ld_kernel *k, struct snap *s, struct ld_system *sys)
{
	for (size_t i = 0; i < sys->nprocesses && s->st == LD_OK; i++) {
		struct ld_process *p = ld_vec_at(&s->procs, i);
		p->first_thread = s->threads.len;
		if (!s->m->f.ep_threads.valid || !s->m->f.et_link.valid)
			continue;
		s->cur_process = p->addr;
		ld_list_walk(k, p->addr + s->m->f.ep_threads.off, LD_MAX_THREADS_PER_PROCESS, thread_cb, s,
			     &p->thread_walk);
		p->nthreads = s->threads.len - p->first_thread;
		warn_walk("thread list of process", p->addr, &p->thread_walk);
		threads_cross_check(k, s->m, p);
	}
}

static ld_status system_build(struct ld_kernel *k, struct ld_model *m, struct ld_system *sys)
{
	const struct ld_kernel_info *ki = ld_kernel_info(k);
	if (!ki->ps_active_process_head)
		return ld_fail(LD_ERR_NOT_FOUND, "PsActiveProcessHead is unknown (no KDBG)");
	if (!m->f.ep_links.valid)
		return ld_fail(LD_ERR_NOT_FOUND, "profile has no EPROCESS.ActiveProcessLinks");
	struct snap s = { .m = m };
	ld_vec_init(&s.procs, sizeof(struct ld_process));
	ld_vec_init(&s.threads, sizeof(struct ld_thread));
	ld_list_walk(k, ki->ps_active_process_head, LD_MAX_PROCESSES, process_cb, &s, &sys->process_walk);
	warn_walk("process list at", ki->ps_active_process_head, &sys->process_walk);
	sys->nprocesses = s.procs.len;
	threads_collect(k, &s, sys);
	if (s.st != LD_OK) {
		ld_vec_free(&s.procs);
		ld_vec_free(&s.threads);
		return ld_fail(s.st, "out of memory collecting processes and threads");
	}
	sys->processes = s.procs.data;
	sys->threads = s.threads.data;
	sys->nthreads = s.threads.len;
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
