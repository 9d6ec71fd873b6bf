/*
 * profile-choose-priv.h — shared by the profile chooser's files:
 * profile_choose.c (candidates and the choice), profile_validate.c (scoring a
 * layout against memory) and profile_symbols.c (finding the ISF for
 * --symbols DIR).
 */
#ifndef LPCDUMP_PROFILE_CHOOSE_PRIV_H
#define LPCDUMP_PROFILE_CHOOSE_PRIV_H

#include "kernel-priv.h"

/* A candidate "validates" when System was found where the layout says. */
#define LD_SCORE_SYSTEM 8

struct ld_verdict {
	const struct ld_profile *p;
	int score;                   /* validation; -1 = could not validate */
	int hint;                    /* tie-break from NtBuildLab */
	bool valid;                  /* System found and every thread looked at agrees */
	unsigned threads_seen;
	char evidence[200];
};

/* Score v->p against memory; fills score, valid, threads_seen, evidence. */
void ld_profile_validate(struct ld_kernel *k, struct ld_verdict *v);

/* The ISF file for --symbols FILE|DIR (a directory is searched by the
 * kernel's PDB GUID/age). */
ld_status ld_symbols_isf_path(struct ld_kernel *k, const char *symbols, char *path, size_t len);

/* PAE is a paging mode, not a layout. */
static inline enum ld_arch ld_layout_arch(enum ld_arch a)
{
	return a == LD_ARCH_X86_PAE ? LD_ARCH_X86 : a;
}

static inline uint32_t ld_build_distance(const struct ld_profile *p, uint32_t build)
{
	uint32_t b = ld_profile_build(p);
	return b > build ? b - build : build - b;
}

#endif
