/*
 * profile_choose.c — PLACEHOLDER written by the kernel engineer so that
 * lpcdump links. The types engineer owns this file and replaces it with the
 * real chooser (by architecture and build, validated against memory); keep
 * the two functions' contracts from kernel-priv.h.
 */
#include "kernel-priv.h"

ld_status ld_kernel_choose_profile(struct ld_kernel *k, const struct ld_kernel_opts *opts)
{
	(void)opts;
	k->info.profile = NULL;
	k->info.profile_evidence[0] = 0;
	return LD_OK;
}

void ld_kernel_release_profiles(struct ld_kernel *k)
{
	k->profiles = NULL;
}
