/*
 * forge_main.c — the forge's command line.
 *
 *   forge --scenario FILE [--seed N] [--profile NAME]
 *         [--format F -o PATH]... [--raw-debug PATH] [--facts]
 *   forge --list-formats
 *
 * One run builds the machine once and writes it in every format asked for.
 * --profile and --seed override the scenario's `profile` and `seed`.
 * --facts prints what the forge placed where (key=value lines), so tests can
 * check a reader against ground truth. --raw-debug writes physical memory
 * flat (offset = physical address), independent of the emitters.
 */
#include "forge-priv.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#pragma weak fg_emit
#pragma weak fg_emit_formats

struct output {
	const char *format, *path;
};

static void usage(FILE *f)
{
	fputs("usage: forge --scenario FILE [--seed N] [--profile NAME]\n"
	      "             [--format F -o PATH]... [--raw-debug PATH] [--facts]\n"
	      "       forge --list-formats\n", f);
}

static int list_formats(void)
{
	if (!fg_emit_formats) {
		fputs("forge: no emitters linked in\n", stderr);
		return 1;
	}
	for (const char *const *f = fg_emit_formats(); *f; f++)
		puts(*f);
	return 0;
}

static void write_raw_debug(struct fg_machine *m, const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		fg_die("forge", "cannot create %s: %s", path, strerror(errno));
	for (size_t i = 0; i < m->npages; i++) {
		off_t off = (off_t)(m->pages[i].pfn << LD_PAGE_SHIFT);
		if (pwrite(fd, m->pages[i].data, LD_PAGE_SIZE, off) != (ssize_t)LD_PAGE_SIZE)
			fg_die("forge", "writing %s: %s", path, strerror(errno));
	}
	if (ftruncate(fd, (off_t)(fg_max_pfn(m) << LD_PAGE_SHIFT)) != 0 || close(fd) != 0)
		fg_die("forge", "writing %s: %s", path, strerror(errno));
}

static void print_facts(struct fg_machine *m)
{
	uint64_t pa = 0;
	printf("arch=%s\n", ld_arch_name(m->arch));
	printf("build=%u\n", m->build);
	printf("profile=%s\n", m->profile ? ld_profile_name(m->profile) : "");
	printf("dtb=0x%llx\n", (unsigned long long)m->dtb);
	printf("selfmap_index=0x%x\n", m->selfmap_index);
	printf("pte_base=0x%llx\n", (unsigned long long)m->pte_base);
	printf("kernel_base=0x%llx\n", (unsigned long long)m->kernel_base);
	printf("kernel_base_pa=0x%llx\n", (unsigned long long)fg_virt_to_phys(m, m->kernel_base));
	printf("kdbg=0x%llx\n", (unsigned long long)m->kdbg_va);
	printf("kdbg_pa=0x%llx\n", (unsigned long long)fg_virt_to_phys(m, m->kdbg_va));
	printf("kdbg_size=0x%x\n", m->kdbg_size);
	printf("ps_active_process_head=0x%llx\n", (unsigned long long)m->ps_active_process_head);
	printf("ps_loaded_module_list=0x%llx\n", (unsigned long long)m->ps_loaded_module_list);
	printf("kuser=0x%llx\n", (unsigned long long)m->kuser_va);
	if (fg_try_virt_to_phys(m, m->kuser_va, &pa))
		printf("kuser_pa=0x%llx\n", (unsigned long long)pa);
	printf("lowstub_pa=0x%llx\n", (unsigned long long)m->lowstub_pa);
	printf("pfn_database=0x%llx\n", (unsigned long long)m->pfn_database);
	printf("processors=%u\n", m->processors);
	printf("system_time=0x%llx\n", (unsigned long long)m->system_time);
	printf("uptime_100ns=%llu\n", (unsigned long long)m->uptime_100ns);
	printf("tick_count=%llu\n", (unsigned long long)m->tick_count);
	printf("ram_pages=%llu\n", (unsigned long long)fg_ram_pages(m));
	printf("max_pfn=0x%llx\n", (unsigned long long)fg_max_pfn(m));
	printf("present_pages=%zu\n", m->npages);
	const struct fg_core *c = m->core;
	if (c)
		printf("nonpaged_pool=0x%llx-0x%llx\npaged_pool=0x%llx-0x%llx\n",
		       (unsigned long long)c->nonpaged.base, (unsigned long long)c->nonpaged.cursor,
		       (unsigned long long)c->paged.base, (unsigned long long)c->paged.cursor);
	for (size_t i = 0; c && i < c->nspaces; i++)
		printf("space%zu=0x%llx\n", i, (unsigned long long)c->spaces[i]);
	for (size_t i = 0; i < m->nram; i++)
		printf("ram_range=0x%llx-0x%llx\n", (unsigned long long)(m->ram[i].base_pfn << LD_PAGE_SHIFT),
		       (unsigned long long)((m->ram[i].base_pfn + m->ram[i].npages) << LD_PAGE_SHIFT));
}

static const char *need_value(int argc, char **argv, int i)
{
	if (i + 1 >= argc) {
		fprintf(stderr, "forge: %s needs a value\n", argv[i]);
		usage(stderr);
		exit(2);
	}
	return argv[i + 1];
}

int main(int argc, char **argv)
{
	const char *scenario = NULL, *raw = NULL, *format = NULL;
	bool facts = false;
	uint32_t seed = 1;
	struct output outs[32];
	size_t nouts = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--list-formats"))
			return list_formats();
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			return 0;
		}
		if (!strcmp(a, "--facts")) {
			facts = true;
			continue;
		}
		const char *v = need_value(argc, argv, i++);
		if (!strcmp(a, "--scenario")) {
			scenario = v;
		} else if (!strcmp(a, "--seed")) {
			seed = (uint32_t)fg_parse_u64_or_die("--seed", "seed", v);
			fg_cli_seed_set = true;
		} else if (!strcmp(a, "--profile")) {
			fg_cli_profile = v;
		} else if (!strcmp(a, "--format")) {
			format = v;
		} else if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
			if (!format || nouts == LD_ARRAY_SIZE(outs)) {
				fputs("forge: -o needs a --format before it (at most 32 outputs)\n", stderr);
				return 2;
			}
			outs[nouts++] = (struct output){ format, v };
			format = NULL;
		} else if (!strcmp(a, "--raw-debug")) {
			raw = v;
		} else {
			fprintf(stderr, "forge: unknown option %s\n", a);
			usage(stderr);
			return 2;
		}
	}
	if (!scenario || format) {
		usage(stderr);
		return 2;
	}
	/* static: concern state without a free hook stays reachable (LeakSanitizer) */
	static struct fg_machine m;
	fg_machine_init(&m, seed);
	fg_scenario_load(&m, scenario);
	int rc = 0;
	for (size_t i = 0; i < nouts && rc == 0; i++) {
		if (!fg_emit)
			fg_die("forge", "no emitters linked in: cannot write %s", outs[i].format);
		if (fg_emit(&m, outs[i].format, outs[i].path) != 0) {
			fprintf(stderr, "forge: writing %s as %s failed\n", outs[i].path, outs[i].format);
			rc = 1;
		}
	}
	if (raw && rc == 0)
		write_raw_debug(&m, raw);
	if (facts && rc == 0)
		print_facts(&m);
	fg_machine_free(&m);
	return rc;
}
