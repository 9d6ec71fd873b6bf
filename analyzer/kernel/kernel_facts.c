/*
 * kernel_facts.c — the facts a container states (crash-dump header, ELF
 * notes), and the ones derived once discovery is done: build number
 * fallbacks, uptime, processor count.
 */
#include "kernel-priv.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static enum ld_arch arch_from_machine(uint32_t machine, enum ld_arch container_arch)
{
	if (container_arch != LD_ARCH_UNKNOWN)
		return container_arch;
	switch (machine) {
	case 0: return LD_ARCH_UNKNOWN;
	case 0x14c: return LD_ARCH_X86;
	case 0x8664: return LD_ARCH_X64;
	default: return LD_ARCH_OTHER;
	}
}

void ld_kernel_facts_from_meta(struct ld_kernel *k)
{
	const struct ld_source_meta *m = ld_source_meta(k->src);
	struct ld_kernel_info *i = &k->info;

	i->machine = m->machine;
	i->arch = arch_from_machine(m->machine, m->arch);
	/* A known machine the tool cannot walk stays "other" even if a source
	 * guessed an architecture. */
	if (m->machine && m->machine != 0x14c && m->machine != 0x8664)
		i->arch = LD_ARCH_OTHER;
	i->major_version = m->major_version;
	if (m->build) {
		i->build = m->build;
		i->build_from = LD_FACT_HEADER;
	}
	i->processors = m->processors;
	i->has_bugcheck = m->has_bugcheck;
	i->bugcheck_code = m->bugcheck_code;
	memcpy(i->bugcheck_params, m->bugcheck_params, sizeof i->bugcheck_params);
	if (m->system_time) {
		i->system_time = m->system_time;
		i->system_time_from = LD_FACT_HEADER;
	}
	i->uptime_100ns = m->system_uptime;
	i->ps_active_process_head = m->ps_active_process_head;
	i->ps_loaded_module_list = m->ps_loaded_module_list;
	i->mm_pfn_database = m->pfn_database;
	i->triage = m->triage;
}

/* Builds that an NT version alone identifies (later versions span many). */
static uint32_t build_from_version(uint32_t major, uint32_t minor)
{
	static const struct { uint32_t major, minor, build; } known[] = {
		{ 5, 0, 2195 }, { 5, 1, 2600 }, { 5, 2, 3790 }, { 6, 2, 9200 }, { 6, 3, 9600 },
	};
	for (size_t j = 0; j < LD_ARRAY_SIZE(known); j++)
		if (known[j].major == major && known[j].minor == minor)
			return known[j].build;
	return 0;
}

/* NtBuildLab begins with the build number: "7601.17514.x86fre.win7sp1_rtm.101119-1850". */
static uint32_t build_from_lab(const char *lab)
{
	char *end;
	unsigned long b = strtoul(lab, &end, 10);
	if (end == lab || (*end != '.' && *end != 0) || b < 1000 || b > 99999)
		return 0;
	return (uint32_t)b;
}

void ld_kernel_facts_early_build(struct ld_kernel *k)
{
	uint32_t b = build_from_lab(k->build_lab);
	if (k->info.build || !b)
		return;
	k->info.build = b;
	k->info.build_from = LD_FACT_KDBG;
}

static void finish_build(struct ld_kernel *k)
{
	struct ld_kernel_info *i = &k->info;
	if (i->build)
		return;
	uint32_t b = build_from_lab(k->build_lab);
	if (b) {
		i->build = b;
		i->build_from = LD_FACT_KDBG;
		return;
	}
	if (k->kuser_build) {
		i->build = k->kuser_build;
		i->build_from = LD_FACT_DERIVED;
		return;
	}
	b = build_from_version(i->nt_major, i->nt_minor);
	if (b) {
		i->build = b;
		i->build_from = LD_FACT_DERIVED;
		return;
	}
	if (i->nt_major)
		ld_warn("build number unknown (Windows NT %u.%u)", i->nt_major, i->nt_minor);
	else if (k->vas)
		ld_warn("build number unknown");
}

void ld_kernel_facts_finish(struct ld_kernel *k)
{
	struct ld_kernel_info *i = &k->info;

	finish_build(k);
	/* The uptime the header states wins; else the interrupt clock, which
	 * counts 100 ns units since boot. */
	if (!i->uptime_100ns && i->has_shared_data)
		i->uptime_100ns = i->interrupt_time;
}
