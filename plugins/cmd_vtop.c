/*
 * cmd_vtop.c — `vtop ADDR` (also `!pte` in the shell): how a kernel virtual
 * address translates — the physical address, or why there is none (paged
 * out to which pagefile, prototype, demand-zero, no mapping, page table not
 * in the dump). It explains the ?? of a memory display.
 */
#include "addr-priv.h"
#include "../analyzer/report/report.h"

#include <inttypes.h>

static void print_text(struct ld_cmd_ctx *ctx, uint64_t va, ld_status st,
		       const struct ld_xlat_result *r, const char *why)
{
	char a[24];
	fprintf(ctx->out, "%s: %s", ld_fmt_addr(ctx->k, va, a, sizeof a), ld_pte_kind_name(r->kind));
	if (st == LD_OK)
		fprintf(ctx->out, " -> physical 0x%" PRIx64 " (%" PRIu64 " KiB page)", r->pa, r->page_size / 1024);
	fprintf(ctx->out, "; level %u entry 0x%016" PRIx64 "\n", r->level, r->entry);
	if (st != LD_OK)
		fprintf(ctx->out, "  %s: %s\n", ld_status_name(st), why);
}

static int print_json(struct ld_cmd_ctx *ctx, const char *cmd, uint64_t va, ld_status st,
		       const struct ld_xlat_result *r, const char *why)
{
	json_t *doc = json_object();
	ld_json_set(doc, "address", ld_json_addr(va));
	ld_json_set(doc, "kind", json_string(ld_pte_kind_name(r->kind)));
	ld_json_set(doc, "physical", st == LD_OK ? ld_json_addr(r->pa) : ld_json_unavailable(st, why));
	ld_json_set(doc, "page_size", st == LD_OK ? ld_json_u64(r->page_size) : json_null());
	ld_json_set(doc, "level", json_integer(r->level));
	ld_json_set(doc, "entry", ld_json_addr(r->entry));
	return ld_cmd_json_finish(ctx, cmd, doc);
}

int ld_cmd_vtop(struct ld_cmd_ctx *ctx, int argc, char **argv)
{
	uint64_t va;
	if (argc != 2)
		return ld_cmd_error(argv[0], LD_ERR_ARG, "usage: vtop ADDR");
	if (!ld_cmd_parse_addr(ctx, argv[1], &va))
		return ld_cmd_error(argv[0], LD_ERR_ARG, "not an address: %s", argv[1]);
	va = ld_arch_canonical(ld_kernel_info(ctx->k)->arch, va);
	struct ld_vas *vas = ld_kernel_vas(ctx->k);
	if (!vas)
		return ld_cmd_error(argv[0], LD_ERR_UNSUPPORTED,
				    "no kernel address space (the directory table base is unknown)");
	struct ld_xlat_result r = { 0 };
	ld_status st = ld_vas_translate(vas, va, &r);
	char why[256];
	snprintf(why, sizeof why, "%s", st == LD_OK ? "" : ld_errmsg());
	if (ctx->json)
		return print_json(ctx, argv[0], va, st, &r, why);
	print_text(ctx, va, st, &r, why);
	return LD_EXIT_OK;
}
