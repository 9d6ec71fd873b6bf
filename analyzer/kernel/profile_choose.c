/*
 * profile_choose.c — which structure profile fits this kernel.
 *
 *  1. --symbols FILE|DIR: an ISF (or one of our files) given by the user; a
 *     directory is searched for the file named after the kernel's PDB GUID and
 *     age (RSDS record, kernel_pdb.c). It borrows constants and non-PDB types
 *     from the nearest shipped build and is used whatever validation says.
 *  2. --profile NAME: forced, validated only to explain itself.
 *  3. An ISF on the search path whose PDB GUID/age is the kernel's.
 *  4. Otherwise candidates of the dump's layout architecture: the exact build
 *     number, then the nearest build of the same NT version, then any build;
 *     each candidate is scored against memory and the best wins.
 *
 * Validation against memory is profile_validate.c; finding the ISF for
 * --symbols DIR is profile_symbols.c. Equal validation scores fall back to
 * hints from NtBuildLab (kernel revision, service pack).
 */
#include "profile-choose-priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- small helpers ---- */

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

static bool better(const struct ld_verdict *a, const struct ld_verdict *b, uint32_t build)
{
	if (!b->p)
		return true;
	if (a->valid != b->valid)
		return a->valid;
	if (a->score != b->score)
		return a->score > b->score;
	if (a->hint != b->hint)
		return a->hint > b->hint;
	return build && ld_build_distance(a->p, build) < ld_build_distance(b->p, build);
}

static struct ld_verdict best_in_tier(struct ld_kernel *k, enum tier t)
{
	struct ld_verdict best = { 0 };
	enum ld_arch arch = ld_layout_arch(k->info.arch);
	for (size_t i = 0; i < ld_profile_set_count(k->profiles); i++) {
		struct ld_verdict v = { .p = ld_profile_set_at(k->profiles, i) };
		if (!in_tier(v.p, arch, k->info.build, t))
			continue;
		v.hint = hint_score(v.p, k->build_lab);
		ld_profile_validate(k, &v);
		if (better(&v, &best, k->info.build))
			best = v;
	}
	return best;
}

static void publish(struct ld_kernel *k, const struct ld_verdict *v, const char *prefix)
{
	k->info.profile = v->p;
	snprintf(k->info.profile_evidence, sizeof k->info.profile_evidence, "%s%s", prefix,
		 v->evidence);
}

static ld_status choose_by_build(struct ld_kernel *k)
{
	static const char *const tier_names[] = { "", "nearest same-family ", "" };
	struct ld_verdict first = { 0 };
	for (enum tier t = TIER_EXACT; t <= TIER_ANY; t++) {
		struct ld_verdict v = best_in_tier(k, t);
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
			       ld_arch_name(ld_layout_arch(k->info.arch)));
	ld_warn("no profile validates against memory; using %s, the best guess by build (%s); "
		"a symbol table for this kernel would fit (--symbols, see `lpcdump profiles DUMP`)",
		ld_profile_name(first.p), first.evidence);
	publish(k, &first, "not validated: ");
	return LD_OK;
}

/* ---- --symbols ---- */

/* The shipped profile an ISF borrows from: same arch, nearest build. */
static const struct ld_profile *donor_for(struct ld_kernel *k, const struct ld_profile *isf)
{
	uint32_t build = ld_profile_build(isf) ? ld_profile_build(isf) : k->info.build;
	const struct ld_profile *best = NULL;
	for (size_t i = 0; i < ld_profile_set_count(k->profiles); i++) {
		const struct ld_profile *p = ld_profile_set_at(k->profiles, i);
		if (p == isf || ld_profile_is_isf(p) || ld_profile_arch(p) != ld_profile_arch(isf))
			continue;
		if (!best || ld_build_distance(p, build) < ld_build_distance(best, build))
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
	ld_status st = ld_symbols_isf_path(k, symbols, path, sizeof path);
	struct ld_profile *p;
	if (st != LD_OK || (st = ld_profile_load(path, &p)) != LD_OK)
		return st;
	if (ld_layout_arch(k->info.arch) != ld_profile_arch(p)) {
		st = ld_fail(LD_ERR_ARG, "--symbols %s is for %s, the dump is %s", path,
			     ld_arch_name(ld_profile_arch(p)), ld_arch_name(k->info.arch));
		ld_profile_free(p);
		return st;
	}
	/* The same table may already be on the search path: use that one. */
	struct ld_verdict v = { .p = ld_profile_set_find(k->profiles, ld_profile_name(p)) };
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
	ld_profile_validate(k, &v);
	if (v.score >= 0 && !v.valid)
		ld_warn("--symbols profile %s does not validate against memory (%s)",
			ld_profile_name(v.p), v.evidence);
	publish(k, &v, "from --symbols; ");
	return LD_OK;
}

/* ---- entry points ---- */

static ld_status choose_forced(struct ld_kernel *k, const char *name)
{
	struct ld_verdict v = { .p = ld_profile_set_find(k->profiles, name) };
	if (!v.p)
		return ld_fail(LD_ERR_NOT_FOUND, "--profile %s: no such profile (see `lpcdump profiles`)",
			       name);
	if (ld_layout_arch(k->info.arch) != LD_ARCH_UNKNOWN &&
	    ld_profile_arch(v.p) != ld_layout_arch(k->info.arch))
		ld_warn("--profile %s is %s but the dump is %s", name, ld_arch_name(ld_profile_arch(v.p)),
			ld_arch_name(k->info.arch));
	else if (lend(k, v.p) != LD_OK)
		return LD_ERR_NOMEM;
	ld_profile_validate(k, &v);
	if (v.score >= 0 && !v.valid)
		ld_warn("--profile %s does not validate against memory (%s)", name, v.evidence);
	publish(k, &v, "forced by --profile; ");
	return LD_OK;
}

/* An ISF on the search path made from this very kernel's PDB wins over any
 * layout chosen by build: same GUID and age means the same binary. The RSDS
 * record is only read when the search path holds an ISF at all. */
static const struct ld_profile *isf_for_kernel(struct ld_kernel *k)
{
	const struct ld_profile *hit = NULL;
	struct ld_kernel_pdb pdb;
	bool have_pdb = false;
	for (size_t i = 0; i < ld_profile_set_count(k->profiles) && !hit; i++) {
		const struct ld_profile *p = ld_profile_set_at(k->profiles, i);
		const char *guid = ld_profile_pdb_guid(p);
		if (!ld_profile_is_isf(p) || !guid)
			continue;
		if (!have_pdb && ld_kernel_pdb_identity(k, &pdb) != LD_OK)
			return NULL;
		have_pdb = true;
		if (strcmp(guid, pdb.guid) == 0 && ld_profile_pdb_age(p) == pdb.age)
			hit = p;
	}
	return hit;
}

static ld_status choose_by_pdb(struct ld_kernel *k, const struct ld_profile *p)
{
	struct ld_verdict v = { .p = p };
	ld_status st = lend(k, p);
	if (st != LD_OK)
		return st;
	ld_profile_validate(k, &v);
	if (v.score >= 0 && !v.valid)
		ld_warn("profile %s matches the kernel's PDB but does not validate against memory (%s)",
			ld_profile_name(p), v.evidence);
	publish(k, &v, "kernel PDB GUID/age match; ");
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
	const struct ld_profile *isf = isf_for_kernel(k);
	if (isf)
		return choose_by_pdb(k, isf);
	return choose_by_build(k);
}

void ld_kernel_release_profiles(struct ld_kernel *k)
{
	k->info.profile = NULL;
	ld_profile_set_free(k->profiles);
	k->profiles = NULL;
}
