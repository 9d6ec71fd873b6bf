/*
 * profile_choose.c — which structure profile fits this kernel.
 *
 *  1. --symbols FILE|DIR: an ISF (or one of our files) given by the user; a
 *     directory is searched for the file named after the kernel's PDB GUID and
 *     age (RSDS record, kernel_pdb.c). It borrows constants and non-PDB types
 *     from the nearest shipped build and is used whatever validation says.
 *  2. --profile NAME: forced, validated only to explain itself.
 *  3. Otherwise candidates of the dump's layout architecture: the exact build
 *     number, then the nearest build of the same NT version, then any build;
 *     each candidate is scored against memory and the best wins.
 *
 * Validation reads a few things every layout decides: the first process on
 * PsActiveProcessHead must be System (pid 4, pid 8 on Windows 2000) named
 * "System"; the process links must be back-linked with plausible pids; and
 * System's threads (ThreadListHead) must name System by their Cid and by their
 * owning-process pointers (KTHREAD.Process / ApcState.Process, and
 * ETHREAD.ThreadsProcess on NT 5). That is what tells 2003 SP0 from SP1/SP2
 * (EPROCESS and ETHREAD moved) and late 7601 x64 kernels (ETHREAD +8) apart.
 * Equal scores fall back to hints from NtBuildLab (kernel revision, service
 * pack). Every read is bounded; nothing here allocates by a dump value.
 */
#include "kernel-priv.h"

#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define PROC_CHECK_MAX 6u        /* process entries looked at */
#define THREAD_CHECK_MAX 4u      /* System threads looked at */
#define SYMBOLS_DIR_DEPTH 4      /* volatility3/symbols/windows/ntkrnlmp.pdb/GUID-AGE.json.xz */
#define SYMBOLS_DIR_ENTRIES 20000u
/* A candidate "validates" when System was found where the layout says. */
#define SCORE_SYSTEM 8

struct verdict {
	const struct ld_profile *p;
	int score;                   /* validation; -1 = could not validate */
	int hint;                    /* tie-break from NtBuildLab */
	bool valid;                  /* System found and every thread looked at agrees */
	unsigned threads_seen;
	char evidence[200];
};

/* ---- small helpers ---- */

static enum ld_arch layout_arch(enum ld_arch a)
{
	return a == LD_ARCH_X86_PAE ? LD_ARCH_X86 : a;
}

/* NT version family of a build number, as the profiles' "family" hint. */
static const char *family_of(uint32_t build)
{
	if (build == 0)
		return "";
	if (build <= 2195)
		return "nt5.0";
	if (build < 3000)
		return "nt5.1";
	if (build < 4000)
		return "nt5.2";
	if (build < 7600)
		return "nt6.0";
	if (build < 9200)
		return "nt6.1";
	if (build < 9600)
		return "nt6.2";
	if (build < 9800)
		return "nt6.3";
	return "nt10.0";
}

static bool same_family(const struct ld_profile *p, uint32_t build)
{
	const char *fam = ld_profile_setting(p, "family");
	if (!fam)
		fam = family_of(ld_profile_build(p));
	return *family_of(build) && strcmp(fam, family_of(build)) == 0;
}

static uint32_t build_distance(const struct ld_profile *p, uint32_t build)
{
	uint32_t b = ld_profile_build(p);
	return b > build ? b - build : build - b;
}

static bool field_off(const struct ld_profile *p, const char *type, const char *path, uint32_t *off)
{
	const struct ld_type *t = ld_profile_type(p, type);
	struct ld_field f;
	if (!t || ld_type_resolve(p, t, path, &f) != LD_OK)
		return false;
	*off = f.offset;
	return true;
}

/* ---- hints from NtBuildLab ("7601.24000.amd64fre.win7sp1_ldr...",
 *      "3790.srv03_sp2_rtm.070216-1710") ---- */

static uint32_t lab_revision(const char *lab)
{
	const char *dot = strchr(lab, '.');
	if (!dot || dot[1] < '0' || dot[1] > '9')
		return 0;
	return (uint32_t)strtoul(dot + 1, NULL, 10);
}

static int lab_service_pack(const char *lab)
{
	for (const char *s = lab; (s = strstr(s, "sp")) != NULL; s += 2)
		if (s[2] >= '1' && s[2] <= '9')
			return s[2] - '0';
	if (strstr(lab, "_rtm") && *lab)
		return 0;
	return -1;
}

static int hint_score(const struct ld_profile *p, const char *lab)
{
	int h = 0;
	uint32_t rev = lab_revision(lab), prev = ld_profile_kernel_revision(p);
	int sp = lab_service_pack(lab), psp = ld_profile_service_pack(p);
	if (prev && rev && prev == rev)
		h += 40;
	else if (prev && rev && prev < rev)
		h += 30 - (int)((rev - prev) / 100 > 29 ? 29 : (rev - prev) / 100);  /* nearest older */
	else if (prev && rev)
		h -= 40;   /* a layout from a later kernel than this one */
	else if (prev)
		h -= 20;   /* without a revision, the base kernel is the likelier one */
	if (sp >= 0 && psp >= 0)
		h += sp == psp ? 10 : -10;
	else if (psp > 0)
		h += psp;  /* later service packs are the commoner ones */
	return h;
}

/* ---- validation against memory ---- */

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

static void validate(struct ld_kernel *k, struct verdict *v)
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
		v->score += SCORE_SYSTEM / 2;
	if (strcmp(name, "System") == 0)
		v->score += SCORE_SYSTEM / 2;
	unsigned linked = 0, seen = 0, tgood = 0, tseen = 0;
	check_processes(k, &l, head, &linked, &seen, &v->score);
	if (v->score >= SCORE_SYSTEM)
		check_threads(k, &l, proc, pid, &tgood, &tseen, &v->score);
	v->valid = v->score >= SCORE_SYSTEM && tgood == tseen;
	v->threads_seen = tseen;
	if (v->score >= SCORE_SYSTEM)
		snprintf(v->evidence, sizeof v->evidence,
			 "System pid %" PRIu64 " at 0x%" PRIx64 ", %u/%u process links consistent, "
			 "%u/%u threads consistent", pid, proc, linked, seen, tgood, tseen);
	else
		snprintf(v->evidence, sizeof v->evidence,
			 "no System process where this layout puts it (pid %" PRIu64 " at 0x%" PRIx64
			 ", name \"%.15s\")", pid, proc, name);
}

/* ---- candidates ---- */

enum tier { TIER_EXACT, TIER_FAMILY, TIER_ANY };

static bool in_tier(const struct ld_profile *p, enum ld_arch arch, uint32_t build, enum tier t)
{
	if (ld_profile_arch(p) != arch || ld_profile_is_isf(p))
		return false;
	switch (t) {
	case TIER_EXACT: return build && ld_profile_build(p) == build;
	case TIER_FAMILY: return build && ld_profile_build(p) != build && same_family(p, build);
	default: return !build || !same_family(p, build);
	}
}

static bool better(const struct verdict *a, const struct verdict *b, uint32_t build)
{
	if (!b->p)
		return true;
	if (a->valid != b->valid)
		return a->valid;
	if (a->score != b->score)
		return a->score > b->score;
	if (a->hint != b->hint)
		return a->hint > b->hint;
	return build && build_distance(a->p, build) < build_distance(b->p, build);
}

static struct verdict best_in_tier(struct ld_kernel *k, enum tier t)
{
	struct verdict best = { 0 };
	enum ld_arch arch = layout_arch(k->info.arch);
	for (size_t i = 0; i < ld_profile_set_count(k->profiles); i++) {
		struct verdict v = { .p = ld_profile_set_at(k->profiles, i) };
		if (!in_tier(v.p, arch, k->info.build, t))
			continue;
		v.hint = hint_score(v.p, k->build_lab);
		validate(k, &v);
		if (better(&v, &best, k->info.build))
			best = v;
	}
	return best;
}

static void publish(struct ld_kernel *k, const struct verdict *v, const char *prefix)
{
	k->info.profile = v->p;
	snprintf(k->info.profile_evidence, sizeof k->info.profile_evidence, "%s%s", prefix,
		 v->evidence);
}

static ld_status choose_by_build(struct ld_kernel *k)
{
	static const char *const tier_names[] = { "", "nearest same-family ", "" };
	struct verdict first = { 0 };
	for (enum tier t = TIER_EXACT; t <= TIER_ANY; t++) {
		struct verdict v = best_in_tier(k, t);
		if (!v.p)
			continue;
		if (!first.p)
			first = v;
		/* Outside the exact build, System's threads must have been seen to
		 * agree: a wrong layout often reads an "empty" thread list. */
		bool ok = v.valid && (t == TIER_EXACT || v.threads_seen > 0);
		if (!ok && v.score != -1)
			continue;   /* try a wider tier before settling for a failure */
		if (v.score == -1 && !k->info.build)
			return ld_fail(LD_ERR_NOT_FOUND, "build unknown and nothing in memory to validate "
				       "a profile against (%s); use --profile NAME", v.evidence);
		if (t != TIER_EXACT && k->info.build)
			ld_warn("no profile for build %u; using the %sprofile %s (build %u)",
				k->info.build, tier_names[t], ld_profile_name(v.p), ld_profile_build(v.p));
		if (v.score == -1)
			ld_warn("profile %s chosen by build only (%s)", ld_profile_name(v.p), v.evidence);
		publish(k, &v, "");
		return LD_OK;
	}
	if (!first.p)
		return ld_fail(LD_ERR_NOT_FOUND, "no %s profile on the search path (see `lpcdump profiles`)",
			       ld_arch_name(layout_arch(k->info.arch)));
	ld_warn("no profile validates against memory; using %s, the best guess by build (%s)",
		ld_profile_name(first.p), first.evidence);
	publish(k, &first, "not validated: ");
	return LD_OK;
}

/* ---- --symbols ---- */

static bool name_matches_pdb(const char *file, const struct ld_kernel_pdb *pdb)
{
	char want[3][64];
	snprintf(want[0], sizeof want[0], "%s-%u.json", pdb->guid, pdb->age);
	snprintf(want[1], sizeof want[1], "%s%X.json", pdb->guid, pdb->age);
	snprintf(want[2], sizeof want[2], "%s-%X.json", pdb->guid, pdb->age);
	for (int i = 0; i < 3; i++) {
		size_t n = strlen(want[i]);
		if (strncasecmp(file, want[i], n) == 0 && (file[n] == 0 || strcmp(file + n, ".xz") == 0))
			return true;
	}
	return false;
}

/* Depth-first search for the ISF named after the PDB; *budget bounds entries. */
static bool find_isf(const char *dir, const struct ld_kernel_pdb *pdb, int depth, unsigned *budget,
		     char *out, size_t outlen)
{
	DIR *d = opendir(dir);
	if (!d)
		return false;
	struct dirent *e;
	bool found = false;
	while (!found && (e = readdir(d)) != NULL && (*budget)-- > 0) {
		if (e->d_name[0] == '.')
			continue;
		char path[4096];
		struct stat sb;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (stat(path, &sb) != 0)
			continue;
		if (S_ISDIR(sb.st_mode) && depth > 0)
			found = find_isf(path, pdb, depth - 1, budget, out, outlen);
		else if (S_ISREG(sb.st_mode) && name_matches_pdb(e->d_name, pdb)) {
			snprintf(out, outlen, "%s", path);
			found = true;
		}
	}
	closedir(d);
	return found;
}

static ld_status symbols_path(struct ld_kernel *k, const char *symbols, char *path, size_t len)
{
	struct stat sb;
	if (stat(symbols, &sb) != 0)
		return ld_fail(LD_ERR_IO, "--symbols %s: no such file or directory", symbols);
	if (!S_ISDIR(sb.st_mode)) {
		snprintf(path, len, "%s", symbols);
		return LD_OK;
	}
	struct ld_kernel_pdb pdb;
	ld_status st = ld_kernel_pdb_identity(k, &pdb);
	if (st != LD_OK)
		return ld_fail_ctx(st, "--symbols %s: cannot tell which ISF fits this kernel", symbols);
	unsigned budget = SYMBOLS_DIR_ENTRIES;
	if (!find_isf(symbols, &pdb, SYMBOLS_DIR_DEPTH, &budget, path, len))
		return ld_fail(LD_ERR_NOT_FOUND, "--symbols %s: no ISF for %s GUID %s age %u", symbols,
			       *pdb.name ? pdb.name : "the kernel", pdb.guid, pdb.age);
	return LD_OK;
}

/* The shipped profile an ISF borrows from: same arch, nearest build. */
static const struct ld_profile *donor_for(struct ld_kernel *k, const struct ld_profile *isf)
{
	uint32_t build = ld_profile_build(isf) ? ld_profile_build(isf) : k->info.build;
	const struct ld_profile *best = NULL;
	for (size_t i = 0; i < ld_profile_set_count(k->profiles); i++) {
		const struct ld_profile *p = ld_profile_set_at(k->profiles, i);
		if (p == isf || ld_profile_is_isf(p) || ld_profile_arch(p) != ld_profile_arch(isf))
			continue;
		if (!best || build_distance(p, build) < build_distance(best, build))
			best = p;
	}
	return best;
}

/* An ISF lacks what no PDB has; lend it from the nearest shipped build. The
 * set owns its profiles, so the chooser may complete one before publishing. */
static ld_status lend(struct ld_kernel *k, const struct ld_profile *p)
{
	const struct ld_profile *donor = ld_profile_is_isf(p) ? donor_for(k, p) : NULL;
	return donor ? ld_profile_inherit((struct ld_profile *)p, donor) : LD_OK;
}

static ld_status choose_symbols(struct ld_kernel *k, const char *symbols)
{
	char path[4096];
	ld_status st = symbols_path(k, symbols, path, sizeof path);
	struct ld_profile *p;
	if (st != LD_OK || (st = ld_profile_load(path, &p)) != LD_OK)
		return st;
	if (layout_arch(k->info.arch) != ld_profile_arch(p)) {
		st = ld_fail(LD_ERR_ARG, "--symbols %s is for %s, the dump is %s", path,
			     ld_arch_name(ld_profile_arch(p)), ld_arch_name(k->info.arch));
		ld_profile_free(p);
		return st;
	}
	/* The same table may already be on the search path: use that one. */
	struct verdict v = { .p = ld_profile_set_find(k->profiles, ld_profile_name(p)) };
	if (v.p) {
		ld_profile_free(p);
	} else {
		char name[128];
		snprintf(name, sizeof name, "%s", ld_profile_name(p));
		if ((st = ld_profile_set_add(k->profiles, p)) != LD_OK)
			return st;
		v.p = ld_profile_set_find(k->profiles, name);
	}
	if ((st = lend(k, v.p)) != LD_OK)
		return st;
	validate(k, &v);
	if (v.score >= 0 && !v.valid)
		ld_warn("--symbols profile %s does not validate against memory (%s)",
			ld_profile_name(v.p), v.evidence);
	publish(k, &v, "from --symbols; ");
	return LD_OK;
}

/* ---- entry points ---- */

static ld_status choose_forced(struct ld_kernel *k, const char *name)
{
	struct verdict v = { .p = ld_profile_set_find(k->profiles, name) };
	if (!v.p)
		return ld_fail(LD_ERR_NOT_FOUND, "--profile %s: no such profile (see `lpcdump profiles`)",
			       name);
	if (layout_arch(k->info.arch) != LD_ARCH_UNKNOWN &&
	    ld_profile_arch(v.p) != layout_arch(k->info.arch))
		ld_warn("--profile %s is %s but the dump is %s", name, ld_arch_name(ld_profile_arch(v.p)),
			ld_arch_name(k->info.arch));
	else if (lend(k, v.p) != LD_OK)
		return LD_ERR_NOMEM;
	validate(k, &v);
	if (v.score >= 0 && !v.valid)
		ld_warn("--profile %s does not validate against memory (%s)", name, v.evidence);
	publish(k, &v, "forced by --profile; ");
	return LD_OK;
}

ld_status ld_kernel_choose_profile(struct ld_kernel *k, const struct ld_kernel_opts *opts)
{
	k->info.profile = NULL;
	k->info.profile_evidence[0] = 0;
	if (!k->profiles) {
		ld_status st = ld_profile_set_load(&k->profiles);
		if (st != LD_OK)
			return st;
	}
	if (opts && opts->symbols)
		return choose_symbols(k, opts->symbols);
	if (opts && opts->profile)
		return choose_forced(k, opts->profile);
	return choose_by_build(k);
}

void ld_kernel_release_profiles(struct ld_kernel *k)
{
	k->info.profile = NULL;
	ld_profile_set_free(k->profiles);
	k->profiles = NULL;
}
