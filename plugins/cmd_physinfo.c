/*
 * cmd_physinfo.c — `physinfo DUMP` (hidden): everything the container says
 * (struct ld_source_meta), one key=value per line, for exact tests of every
 * header field without the kernel layer in the way.
 */
#include "phys-priv.h"

static void line(FILE *o, const char *k, uint64_t v)
{
	fprintf(o, "%s=0x%llx\n", k, (unsigned long long)v);
}

static void print_meta(FILE *o, const struct ld_source_meta *m)
{
	fprintf(o, "format=%s\n", m->format ? m->format : "");
	fprintf(o, "layout=%s\n", m->layout ? m->layout : "");
	fprintf(o, "dump_type=%d\n", m->dump_type);
	fprintf(o, "header64=%d\n", m->is_64bit_header);
	fprintf(o, "arch=%s\n", ld_arch_name(m->arch));
	line(o, "machine", m->machine);
	fprintf(o, "has_dtb=%d\n", m->has_dtb);
	line(o, "dtb", m->dtb);
	line(o, "kdbg", m->kdbg_va);
	line(o, "ps_active_process_head", m->ps_active_process_head);
	line(o, "ps_loaded_module_list", m->ps_loaded_module_list);
	line(o, "pfn_database", m->pfn_database);
	line(o, "major_version", m->major_version);
	fprintf(o, "build=%u\n", m->build);
	fprintf(o, "processors=%u\n", m->processors);
	fprintf(o, "has_bugcheck=%d\n", m->has_bugcheck);
	line(o, "bugcheck", m->bugcheck_code);
	for (int i = 0; i < 4; i++)
		fprintf(o, "bugcheck_p%d=0x%llx\n", i + 1, (unsigned long long)m->bugcheck_params[i]);
	line(o, "system_time", m->system_time);
	fprintf(o, "uptime=%llu\n", (unsigned long long)m->system_uptime);
	line(o, "attributes", m->attributes);
	line(o, "required_dump_space", m->required_dump_space);
	line(o, "file_size", m->file_size);
	fprintf(o, "present_pages=%llu\n", (unsigned long long)m->present_pages);
	line(o, "max_pfn", m->max_pfn);
	fprintf(o, "triage=%d\n", m->triage);
	line(o, "triage_thread", m->triage_thread);
	line(o, "triage_process", m->triage_process);
	fprintf(o, "context_size=%zu\n", m->context_size);
}

static int show(struct ld_cmd_ctx *ctx, struct ld_source *src, void *arg)
{
	(void)arg;
	print_meta(ctx->out, ld_source_meta(src));
	return LD_EXIT_OK;
}

int ld_cmd_physinfo(struct ld_cmd_ctx *ctx, int argc, char **argv)
{
	if (argc != 1) {
		fprintf(stderr, "usage: lpcdump physinfo DUMP\n");
		return LD_EXIT_USAGE;
	}
	return ld_phys_with_source(ctx, argv[0], show, NULL);
}
