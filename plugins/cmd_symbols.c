/*
 * cmd_symbols.c — `ln ADDR` (the export nearest below an address) and
 * `x [MOD!]PATTERN` (exports matching a shell pattern), as in WinDbg, from the
 * export directories of the loaded modules (addr_symbols.c).
 */
#include "addr-priv.h"
#include "../analyzer/report/report.h"

#include <ctype.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <string.h>

/* A pattern like nt!* could list thousands of exports; enough to read. */
#define X_MAX_SHOWN 2000u

int ld_cmd_ln(struct ld_cmd_ctx *ctx, int argc, char **argv)
{
	uint64_t va;
	char name[160], a[24];
	if (argc != 2)
		return ld_cmd_error("ln", LD_ERR_ARG, "usage: ln ADDR");
	if (!ld_cmd_parse_addr(ctx, argv[1], &va))
		return ld_cmd_error("ln", LD_ERR_ARG, "not an address: %s", argv[1]);
	va = ld_arch_canonical(ld_kernel_info(ctx->k)->arch, va);
	bool owned;
	struct ld_symbols *syms = ld_cmd_symbols(ctx, &owned);
	bool found = ld_symbols_name(syms, va, name, sizeof name);
	int rc = LD_EXIT_OK;
	if (ctx->json) {
		json_t *doc = json_object();
		ld_json_set(doc, "address", ld_json_addr(va));
		ld_json_set(doc, "symbol", found ? json_string(name) : json_null());
		rc = ld_cmd_json_finish(ctx, "ln", doc);
	} else if (found) {
		fprintf(ctx->out, "(%s)   %s\n", ld_fmt_addr(ctx->k, va, a, sizeof a), name);
	} else {
		fprintf(ctx->out, "(%s)   not in a loaded module\n", ld_fmt_addr(ctx->k, va, a, sizeof a));
	}
	if (owned)
		ld_symbols_free(syms);
	return rc;
}

struct x_walk {
	struct ld_cmd_ctx *ctx;
	const char *pattern;
	size_t shown;
	bool truncated;
	json_t *list;
};

/* Case-insensitive, as WinDbg's x: both sides lowered (FNM_CASEFOLD is not POSIX). */
static bool matches(const char *pattern, const char *name)
{
	char p[128], n[128];
	size_t i;
	for (i = 0; pattern[i] && i + 1 < sizeof p; i++)
		p[i] = (char)tolower((unsigned char)pattern[i]);
	p[i] = 0;
	for (i = 0; name[i] && i + 1 < sizeof n; i++)
		n[i] = (char)tolower((unsigned char)name[i]);
	n[i] = 0;
	return fnmatch(p, n, 0) == 0;
}

static bool show_match(const char *mod, const char *name, uint64_t va, void *arg)
{
	struct x_walk *x = arg;
	char a[24];
	if (!matches(x->pattern, name))
		return true;
	if (x->shown == X_MAX_SHOWN) {
		x->truncated = true;
		return false;
	}
	x->shown++;
	if (x->list)
		json_array_append_new(x->list, json_pack("{s:o, s:s, s:s}", "address", ld_json_addr(va),
							 "module", mod, "name", name));
	else
		fprintf(x->ctx->out, "%s %s!%s\n", ld_fmt_addr(x->ctx->k, va, a, sizeof a), mod, name);
	return true;
}

int ld_cmd_x(struct ld_cmd_ctx *ctx, int argc, char **argv)
{
	char mod[64] = "";
	if (argc != 2)
		return ld_cmd_error("x", LD_ERR_ARG, "usage: x [MODULE!]PATTERN (e.g. nt!Ps*)");
	const char *bang = strchr(argv[1], '!');
	if (bang && (size_t)(bang - argv[1]) < sizeof mod)
		snprintf(mod, sizeof mod, "%.*s", (int)(bang - argv[1]), argv[1]);
	struct x_walk x = { .ctx = ctx, .pattern = bang ? bang + 1 : argv[1] };
	bool owned;
	struct ld_symbols *syms = ld_cmd_symbols(ctx, &owned);
	json_t *doc = NULL;
	if (ctx->json) {
		doc = json_object();
		x.list = json_array();
		ld_json_set(doc, "symbols", x.list);
	}
	ld_symbols_each(syms, bang ? mod : NULL, show_match, &x);
	int rc = LD_EXIT_OK;
	if (doc) {
		ld_json_set(doc, "truncated", json_boolean(x.truncated));
		rc = ld_cmd_json_finish(ctx, "x", doc);
	} else if (x.truncated) {
		fprintf(ctx->out, "(stopped after %u matches)\n", X_MAX_SHOWN);
	}
	if (owned)
		ld_symbols_free(syms);
	return rc;
}
