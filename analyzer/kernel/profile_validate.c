/*
 * profile_validate.c — does a profile's layout fit this kernel's memory?
 *
 * It reads a few things every layout decides: the first process on
 * PsActiveProcessHead must be System (pid 4, pid 8 on Windows 2000) named
 * "System"; the process links must be back-linked with plausible pids; and
 * System's threads (ThreadListHead) must name System by their Cid and by their
 * owning-process pointers (KTHREAD.Process / ApcState.Process, and
 * ETHREAD.ThreadsProcess on NT 5). That is what tells 2003 SP0 from SP1/SP2
 * (EPROCESS and ETHREAD moved) and late 7601 x64 kernels (ETHREAD +8 after
 * Tcb) apart. Unreadable memory is "not validated", never evidence against a
 * layout. Every read is bounded; nothing here allocates.
 */
#include "profile-choose-priv.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define PROC_CHECK_MAX 6u        /* process entries looked at */
#define THREAD_CHECK_MAX 4u      /* System threads looked at */

static bool field_off(const struct ld_profile *p, const char *type, const char *path, uint32_t *off)
{
	const struct ld_type *t = ld_profile_type(p, type);
	struct ld_field f;
	if (!t || ld_type_resolve(p, t, path, &f) != LD_OK)
		return false;
	*off = f.offset;
	return true;
}

struct layout {
	uint32_t links, pid, name, threads;        /* _EPROCESS */
	uint32_t thread_entry, cid;                /* _ETHREAD */
	bool has_kproc, has_apc_proc, has_threads_proc;
	uint32_t kproc, apc_proc, threads_proc;    /* _ETHREAD paths */
};

static bool layout_of(const struct ld_profile *p, struct layout *l)
{
	memset(l, 0, sizeof *l);
	if (!field_off(p, "_EPROCESS", "ActiveProcessLinks", &l->links) ||
	    !field_off(p, "_EPROCESS", "UniqueProcessId", &l->pid) ||
	    !field_off(p, "_EPROCESS", "ImageFileName", &l->name))
		return false;
	if (field_off(p, "_EPROCESS", "ThreadListHead", &l->threads) &&
	    field_off(p, "_ETHREAD", "ThreadListEntry", &l->thread_entry) &&
	    field_off(p, "_ETHREAD", "Cid.UniqueProcess", &l->cid)) {
		l->has_kproc = field_off(p, "_ETHREAD", "Tcb.Process", &l->kproc);
		l->has_apc_proc = field_off(p, "_ETHREAD", "Tcb.ApcState.Process", &l->apc_proc);
		l->has_threads_proc = field_off(p, "_ETHREAD", "ThreadsProcess", &l->threads_proc);
	} else {
		l->threads = 0;
	}
	return true;
}

/* Back-links and plausible pids over the first process entries. */
static void check_processes(struct ld_kernel *k, const struct layout *l, uint64_t head,
			    unsigned *linked, unsigned *seen, int *score)
{
	uint64_t e = head, next, back, pid;
	for (unsigned i = 0; i < PROC_CHECK_MAX; i++) {
		if (ld_kernel_read_ptr(k, e, &next) != LD_OK || next == head || next == 0)
			return;
		(*seen)++;
		if (ld_kernel_read_ptr(k, next + ld_kernel_ptr_size(k), &back) == LD_OK && back == e) {
			(*linked)++;
			(*score)++;
		}
		if (ld_kernel_read_ptr(k, next - l->links + l->pid, &pid) == LD_OK && pid &&
		    pid % 4 == 0 && pid < 0x1000000)
			(*score)++;
		e = next;
	}
}

/* 1 when the pointer at thread+off is proc; counts the check when the
 * layout has the field. */
static unsigned owner_check(struct ld_kernel *k, uint64_t thread, bool has, uint32_t off,
			    uint64_t proc, unsigned *checks)
{
	uint64_t v;
	if (!has)
		return 0;
	(*checks)++;
	return ld_kernel_read_ptr(k, thread + off, &v) == LD_OK && v == proc;
}

/* System's threads must point back at System. */
static void check_threads(struct ld_kernel *k, const struct layout *l, uint64_t proc, uint64_t pid,
			  unsigned *good, unsigned *seen, int *score)
{
	uint64_t head = proc + l->threads, e = head, next;
	for (unsigned i = 0; l->threads && i < THREAD_CHECK_MAX; i++) {
		if (ld_kernel_read_ptr(k, e, &next) != LD_OK || next == head || next == 0)
			return;
		(*seen)++;
		uint64_t thread = next - l->thread_entry, cid;
		unsigned checks = 0, ok = 0;
		if (ld_kernel_read_ptr(k, thread + l->cid, &cid) == LD_OK && cid == pid)
			ok++;
		checks++;
		ok += owner_check(k, thread, l->has_kproc, l->kproc, proc, &checks);
		ok += owner_check(k, thread, l->has_apc_proc, l->apc_proc, proc, &checks);
		ok += owner_check(k, thread, l->has_threads_proc, l->threads_proc, proc, &checks);
		*score += 2 * (int)ok;
		if (ok == checks)
			(*good)++;
		e = next;
	}
}

void ld_profile_validate(struct ld_kernel *k, struct ld_verdict *v)
{
	const struct ld_kernel_info *i = &k->info;
	struct layout l;
	uint64_t head = i->ps_active_process_head, first, pid = 0;
	char name[16] = "";
	v->score = -1;
	if (!k->vas || !head) {
		snprintf(v->evidence, sizeof v->evidence, "not validated: PsActiveProcessHead unknown");
		return;
	}
	if (!layout_of(v->p, &l)) {
		v->score = 0;
		snprintf(v->evidence, sizeof v->evidence, "profile lacks EPROCESS process-list fields");
		return;
	}
	if (ld_kernel_read_ptr(k, head, &first) != LD_OK) {
		snprintf(v->evidence, sizeof v->evidence, "not validated: PsActiveProcessHead unreadable");
		return;
	}
	if (first == head || first == 0) {
		snprintf(v->evidence, sizeof v->evidence, "not validated: the process list is empty");
		return;
	}
	uint64_t proc = first - l.links;
	uint64_t want_pid = ld_profile_build(v->p) && ld_profile_build(v->p) <= 2195 ? 8 : 4;
	ld_status rp = ld_kernel_read_ptr(k, proc + l.pid, &pid);
	ld_status rn = ld_kernel_read(k, proc + l.name, name, 15);
	if (rp != LD_OK || rn != LD_OK) {
		/* Unreadable is not evidence against the layout: say so. */
		snprintf(v->evidence, sizeof v->evidence, "not validated: the first process at 0x%"
			 PRIx64 " is unreadable (%s)", proc, ld_status_name(rp != LD_OK ? rp : rn));
		return;
	}
	v->score = 0;
	if (pid == want_pid)
		v->score += LD_SCORE_SYSTEM / 2;
	if (strcmp(name, "System") == 0)
		v->score += LD_SCORE_SYSTEM / 2;
	unsigned linked = 0, seen = 0, tgood = 0, tseen = 0;
	check_processes(k, &l, head, &linked, &seen, &v->score);
	if (v->score >= LD_SCORE_SYSTEM)
		check_threads(k, &l, proc, pid, &tgood, &tseen, &v->score);
	v->valid = v->score >= LD_SCORE_SYSTEM && tgood == tseen;
	v->threads_seen = tseen;
	if (v->score >= LD_SCORE_SYSTEM)
		snprintf(v->evidence, sizeof v->evidence,
			 "System pid %" PRIu64 " at 0x%" PRIx64 ", %u/%u process links consistent, "
			 "%u/%u threads consistent", pid, proc, linked, seen, tgood, tseen);
	else
		snprintf(v->evidence, sizeof v->evidence,
			 "no System process where this layout puts it (pid %" PRIu64 " at 0x%" PRIx64
			 ", name \"%.15s\")", pid, proc, name);
}

