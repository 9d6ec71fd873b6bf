/*
 * cmd_profiles.c — `profiles [--json] [DUMP]`: the structure profiles on the
 * search path ($LPCDUMP_STRUCTS, then the installed ones for an installed
 * lpcdump, the source tree's structs/ first for one run from its build
 * tree; man/lpcdump-profile.5): name, build, arch, description, file. With an open dump (the shell,
 * or a dump on the command line) the profile chosen for it is marked and its
 * evidence shown, with the kernel's PDB identity (what --symbols must match).
 */
#include "plugins.h"
#include "../analyzer/report/report.h"

#include <stdlib.h>
#include <string.h>

static int by_build_then_name(const void *a, const void *b)
{
	const struct ld_profile *x = *(const struct ld_profile *const *)a;
	const struct ld_profile *y = *(const struct ld_profile *const *)b;
	if (ld_profile_build(x) != ld_profile_build(y))
		return ld_profile_build(x) < ld_profile_build(y) ? -1 : 1;
	return strcmp(ld_profile_name(x), ld_profile_name(y));
}

static const char *arch_of(const struct ld_profile *p)
{
	return ld_arch_name(ld_profile_arch(p));
}

static json_t *profile_json(const struct ld_profile *p, const struct ld_profile *chosen)
{
	json_t *o = json_object();
	ld_json_set(o, "name", json_string(ld_profile_name(p)));
	ld_json_set(o, "build", ld_profile_build(p) ? json_integer(ld_profile_build(p)) : json_null());
	ld_json_set(o, "arch", json_string(arch_of(p)));
	ld_json_set(o, "description", ld_json_str_or_null(ld_profile_description(p)));
	ld_json_set(o, "path", json_string(ld_profile_path(p)));
	ld_json_set(o, "isf", json_boolean(ld_profile_is_isf(p)));
	ld_json_set(o, "family", ld_json_str_or_null(ld_profile_setting(p, "family")));
	ld_json_set(o, "service_pack", ld_profile_service_pack(p) >= 0
		    ? json_integer(ld_profile_service_pack(p)) : json_null());
	ld_json_set(o, "kernel_revision", ld_profile_kernel_revision(p)
		    ? json_integer(ld_profile_kernel_revision(p)) : json_null());
	if (chosen)
		ld_json_set(o, "chosen", json_boolean(p == chosen));
	return o;
}

/* What a --symbols file for this kernel must match; NULL when unreadable. */
static const struct ld_kernel_pdb *kernel_pdb(struct ld_cmd_ctx *ctx, struct ld_kernel_pdb *buf)
{
	return ctx->k && ld_kernel_pdb_identity(ctx->k, buf) == LD_OK ? buf : NULL;
}

static json_t *pdb_json(const struct ld_kernel_pdb *pdb)
{
	if (!pdb)
		return json_null();
	json_t *o = json_object();
	ld_json_set(o, "name", ld_json_str_or_null(pdb->name));
	ld_json_set(o, "guid", json_string(pdb->guid));
	ld_json_set(o, "age", json_integer(pdb->age));
	return o;
}

static int print_json(struct ld_cmd_ctx *ctx, const struct ld_profile **v, size_t n,
		      const struct ld_profile *chosen, const char *evidence)
{
	struct ld_kernel_pdb buf;
	json_t *doc = json_object(), *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, profile_json(v[i], chosen));
	ld_json_set(doc, "profiles", arr);
	if (ctx->k) {
		ld_json_set(doc, "chosen", chosen ? json_string(ld_profile_name(chosen)) : json_null());
		ld_json_set(doc, "evidence", ld_json_str_or_null(evidence));
		ld_json_set(doc, "kernel_pdb", pdb_json(kernel_pdb(ctx, &buf)));
	}
	return ld_cmd_json_finish(ctx, "profiles", doc);
}

static void print_text(struct ld_cmd_ctx *ctx, const struct ld_profile **v, size_t n,
		       const struct ld_profile *chosen, const char *evidence)
{
	fprintf(ctx->out, "  %-20s %5s %-4s %-52s %s\n", "NAME", "BUILD", "ARCH", "DESCRIPTION", "PATH");
	for (size_t i = 0; i < n; i++)
		fprintf(ctx->out, "%c %-20s %5u %-4s %-52.52s %s\n", v[i] == chosen ? '*' : ' ',
			ld_profile_name(v[i]), ld_profile_build(v[i]), arch_of(v[i]),
			ld_profile_description(v[i]), ld_profile_path(v[i]));
	if (!ctx->k)
		return;
	fprintf(ctx->out, "\nchosen: %s%s%s%s\n", chosen ? ld_profile_name(chosen) : "none",
		evidence && *evidence ? " (" : "", evidence ? evidence : "",
		evidence && *evidence ? ")" : "");
	struct ld_kernel_pdb buf;
	const struct ld_kernel_pdb *pdb = kernel_pdb(ctx, &buf);
	if (pdb)
		fprintf(ctx->out, "kernel PDB: %s %s age %u (an ISF for --symbols is named %s-%u.json)\n",
			*pdb->name ? pdb->name : "?", pdb->guid, pdb->age, pdb->guid, pdb->age);
}

int ld_cmd_profiles(struct ld_cmd_ctx *ctx, int argc, char **argv)
{
	bool json = ctx->json;
	int rc = ld_cmd_json_only("profiles", argc, argv, &json);
	if (rc != LD_EXIT_OK)
		return rc;
	if (!ctx->k && ctx->dump_path) {
		ld_status st = ld_kernel_open(ctx->dump_path, &ctx->kopts, &ctx->k);
		if (st != LD_OK)
			return ld_cmd_error("profiles", st, "%s: %s", ctx->dump_path, ld_errmsg());
	}
	struct ld_profile_set *own = NULL;
	const struct ld_profile_set *set = ctx->k ? ld_kernel_profiles(ctx->k) : NULL;
	if (!set) {
		ld_status st = ld_profile_set_load(&own);
		if (st != LD_OK)
			return ld_cmd_error("profiles", st, "%s", ld_errmsg());
		set = own;
	}
	size_t n = ld_profile_set_count(set);
	const struct ld_profile **v = calloc(n ? n : 1, sizeof *v);
	if (!v) {
		ld_profile_set_free(own);
		return ld_cmd_error("profiles", LD_ERR_NOMEM, "out of memory");
	}
	for (size_t i = 0; i < n; i++)
		v[i] = ld_profile_set_at(set, i);
	qsort(v, n, sizeof *v, by_build_then_name);
	const struct ld_kernel_info *ki = ctx->k ? ld_kernel_info(ctx->k) : NULL;
	const struct ld_profile *chosen = ki ? ki->profile : NULL;
	const char *evidence = ki ? ki->profile_evidence : NULL;
	if (n == 0 && !json)
		fprintf(stderr, "lpcdump: profiles: none found (set LPCDUMP_STRUCTS to a directory "
			"of profiles)\n");
	if (json)
		rc = print_json(ctx, v, n, chosen, evidence);
	else
		print_text(ctx, v, n, chosen, evidence);
	free(v);
	ld_profile_set_free(own);
	return rc;
}
