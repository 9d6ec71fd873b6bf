/*
 * kernel_open.c — stacking the layers: source → address space → kernel facts
 * → profile (see kernel.h).
 *
 * Only failing to open the source is fatal. Everything after it degrades:
 * no DTB still lets `info` describe the container, no KDBG still lets the
 * profile chooser and the model try, and each gap is explained by a warning.
 */
#include "kernel-priv.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *ld_fact_source_name(enum ld_fact_source s)
{
	switch (s) {
	case LD_FACT_HEADER: return "header";
	case LD_FACT_KDBG: return "kdbg";
	case LD_FACT_SCAN: return "scan";
	case LD_FACT_USER: return "user";
	case LD_FACT_DERIVED: return "derived";
	case LD_FACT_NOTES: return "notes";
	default: return "none";
	}
}

static bool arch_analysable(enum ld_arch a)
{
	return a == LD_ARCH_X86 || a == LD_ARCH_X86_PAE || a == LD_ARCH_X64;
}

static ld_status open_vas(struct ld_kernel *k)
{
	struct ld_vas_opts vo = { .build = k->info.build };
	ld_status st = ld_vas_open(k->src, k->info.arch, k->info.dtb, &vo, &k->vas);
	/* Report the table in use: an x64 CR3 may carry a PCID in its low bits. */
	if (st == LD_OK)
		k->info.dtb = ld_vas_dtb(k->vas);
	return st;
}

/* A 32-bit container may not know whether PAE was on (no CR4 in the
 * notes, a --dtb on a raw image): when the stated mode does not map
 * KUSER_SHARED_DATA and the other one does, the other one is right. */
static void fix_paging_mode(struct ld_kernel *k)
{
	enum ld_arch a = k->info.arch, other;
	if (a == LD_ARCH_X86)
		other = LD_ARCH_X86_PAE;
	else if (a == LD_ARCH_X86_PAE)
		other = LD_ARCH_X86;
	else
		return;
	if (ld_kernel_dtb_validates(k->src, a, k->info.dtb) ||
	    !ld_kernel_dtb_validates(k->src, other, k->info.dtb))
		return;
	ld_warn("the dump says %s paging, but the page tables at 0x%" PRIx64 " are %s",
		ld_arch_name(a), k->info.dtb, ld_arch_name(other));
	k->info.arch = other;
}

/* Use the DTB the user or the container gave, else look for one. */
static void open_address_space(struct ld_kernel *k)
{
	const struct ld_source_meta *m = ld_source_meta(k->src);

	if (k->opts.has_dtb) {
		k->info.dtb = k->opts.dtb;
		k->info.dtb_from = LD_FACT_USER;
	} else if (m->has_dtb) {
		k->info.dtb = m->dtb;
		k->info.dtb_from = strcmp(m->format, "elf") == 0 || strcmp(m->format, "kdump") == 0
			? LD_FACT_NOTES : LD_FACT_HEADER;
	}
	if (k->info.dtb_from != LD_FACT_NONE && arch_analysable(k->info.arch)) {
		fix_paging_mode(k);
		if (open_vas(k) != LD_OK)
			ld_warn("cannot use the directory table base 0x%" PRIx64 ": %s", k->info.dtb,
				ld_errmsg());
		return;
	}
	/* No usable DTB: scan memory for the kernel's page tables (raw images,
	 * cores without CPU notes, or a --dtb without a known paging mode). */
	enum ld_arch hint = k->info.arch;
	if (ld_kernel_find_dtb(k, hint) != LD_OK) {
		ld_warn("no kernel directory table base: %s", ld_errmsg());
		/* "dtb" reports the table in use: none. */
		k->info.dtb = 0;
		k->info.dtb_from = LD_FACT_NONE;
		return;
	}
	if (open_vas(k) != LD_OK)
		ld_warn("cannot use the discovered directory table base 0x%" PRIx64 ": %s",
			k->info.dtb, ld_errmsg());
}

/*
 * The container's CR3 may not be the kernel's: a VM core taken while a CPU
 * ran user code under KVA shadowing holds a user CR3 that maps almost none
 * of the kernel. When nothing is found through it, scan for the kernel's
 * own tables and try again.
 */
static bool retry_with_scanned_dtb(struct ld_kernel *k)
{
	uint64_t old = k->info.dtb;
	enum ld_fact_source old_from = k->info.dtb_from;
	enum ld_arch old_arch = k->info.arch;
	if (old_from != LD_FACT_NOTES && old_from != LD_FACT_HEADER)
		return false;
	if (ld_kernel_find_dtb(k, k->info.arch) != LD_OK || k->info.dtb == old) {
		k->info.dtb = old;
		k->info.dtb_from = old_from;
		k->info.arch = old_arch;
		return false;
	}
	struct ld_vas *prev = k->vas;
	k->vas = NULL;
	if (open_vas(k) != LD_OK || ld_kernel_find_kdbg(k) != LD_OK) {
		ld_vas_close(k->vas);
		k->vas = prev;
		k->info.dtb = old;
		k->info.dtb_from = old_from;
		k->info.arch = old_arch;
		return false;
	}
	ld_vas_close(prev);
	ld_warn("the directory table base 0x%" PRIx64 " the dump states does not map the kernel; "
		"using 0x%" PRIx64 " found by scanning", old, k->info.dtb);
	return true;
}

static void discover(struct ld_kernel *k)
{
	open_address_space(k);
	if (!k->vas)
		return;
	if (ld_kernel_find_kdbg(k) != LD_OK) {
		char why[256];
		snprintf(why, sizeof why, "%s", ld_errmsg());
		if (!retry_with_scanned_dtb(k)) {
			ld_warn("KDBG: %s", why);
			/* The kernel image is still worth naming (symbols, exports). */
			k->info.kernel_base = k->exported_kernel;
		}
	}
	ld_kernel_facts_early_build(k);
	if (k->info.build) {
		/* Pagefile entries are laid out by build (17134 moved the file number). */
		struct ld_vas_opts vo = { .build = k->info.build };
		ld_vas_set_opts(k->vas, &vo);
	}
	ld_kernel_read_shared_data(k);
}

/* Dumps whose memory is not analysed (triage, unsupported architectures)
 * still say where the kernel's tables and KDBG were: report that, as stated. */
static void stated_pointers(struct ld_kernel *k)
{
	const struct ld_source_meta *m = ld_source_meta(k->src);
	if (m->has_dtb) {
		k->info.dtb = m->dtb;
		k->info.dtb_from = LD_FACT_HEADER;
	}
	if (m->kdbg_va) {
		k->info.kdbg = m->kdbg_va;
		k->info.kdbg_from = LD_FACT_HEADER;
	}
}

static void set_arch_name(struct ld_kernel *k)
{
	const char *name = ld_arch_name(k->info.arch);
	if (k->info.arch == LD_ARCH_OTHER || k->info.arch == LD_ARCH_UNKNOWN) {
		switch (k->info.machine) {
		case 0xaa64: name = "arm64"; break;
		case 0x1c4: name = "arm"; break;
		case 0x200: name = "ia64"; break;
		default: break;
		}
	}
	snprintf(k->arch_name, sizeof k->arch_name, "%s", name);
	k->info.arch_name = k->arch_name;
}

ld_status ld_kernel_open(const char *path, const struct ld_kernel_opts *opts, struct ld_kernel **out)
{
	*out = NULL;
	struct ld_kernel *k = ld_xcalloc(1, sizeof *k);
	if (!k)
		return LD_ERR_NOMEM;
	if (opts)
		k->opts = *opts;
	k->self_map_index = -1;
	ld_status st = ld_source_open(path, k->opts.format, &k->src);
	if (st != LD_OK) {
		free(k);
		return st;
	}
	ld_kernel_facts_from_meta(k);
	if (k->info.arch == LD_ARCH_OTHER) {
		ld_warn("%s kernel: the dump is described, but its memory cannot be analysed "
			"(only x86 and x64 are supported)",
			k->info.machine == 0xaa64 ? "ARM64" : "this architecture's");
		stated_pointers(k);
	} else if (k->info.triage) {
		ld_warn("triage (small memory) dump: it holds only the faulting thread and process, "
			"no port data");
		stated_pointers(k);
	} else {
		discover(k);
	}
	ld_kernel_facts_finish(k);
	set_arch_name(k);
	if (arch_analysable(k->info.arch) && !k->info.triage &&
	    ld_kernel_choose_profile(k, &k->opts) != LD_OK)
		ld_warn("no structure profile: %s", ld_errmsg());
	/* A live target that died while we looked: what we found is not the machine. */
	if ((st = ld_source_status(k->src)) != LD_OK) {
		ld_kernel_close(k);
		return st;
	}
	*out = k;
	return LD_OK;
}

void ld_kernel_close(struct ld_kernel *k)
{
	if (!k)
		return;
	/* Upper layers' caches point into the profile and memory: free them first. */
	ld_kernel_slots_release(k);
	ld_kernel_release_profiles(k);
	ld_vas_close(k->vas);
	ld_source_close(k->src);
	free(k->kdbg);
	free(k);
}

void ld_kernel_refresh(struct ld_kernel *k)
{
	ld_kernel_slots_release(k);
	ld_source_refresh(k->src);
	ld_vas_flush(k->vas);
	if (!k->vas)
		return;
	/* A live machine's clocks moved: re-read what KUSER_SHARED_DATA gave. */
	if (k->info.system_time_from == LD_FACT_DERIVED) {
		k->info.system_time = 0;
		k->info.system_time_from = LD_FACT_NONE;
	}
	ld_kernel_read_shared_data(k);
	if (!ld_source_meta(k->src)->system_uptime && k->info.has_shared_data)
		k->info.uptime_100ns = k->info.interrupt_time;
}
