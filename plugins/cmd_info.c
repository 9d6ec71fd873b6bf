/*
 * cmd_info.c — `info [--json] DUMP`: what the dump is and what was found in
 * it: container format, architecture, build, DTB, KDBG, kernel base, list
 * heads, processors, bug check, time, clocks, profile. Each fact says where
 * it came from (header, kdbg, scan, user, derived, notes) in text mode and in
 * the JSON "sources" object.
 */
#include "plugins.h"
#include "../analyzer/report/report.h"

#include <inttypes.h>
#include <string.h>

/* ---- JSON ---- */

static json_t *bugcheck_json(const struct ld_kernel_info *i)
{
	if (!i->has_bugcheck)
		return json_null();
	json_t *o = json_object(), *params = json_array();
	ld_json_set(o, "code", ld_json_addr(i->bugcheck_code));
	for (size_t j = 0; j < LD_ARRAY_SIZE(i->bugcheck_params); j++)
		json_array_append_new(params, ld_json_addr(i->bugcheck_params[j]));
	ld_json_set(o, "params", params);
	return o;
}

static json_t *profile_json(const struct ld_kernel_info *i)
{
	if (!i->profile)
		return json_null();
	json_t *o = json_object();
	ld_json_set(o, "name", json_string(ld_profile_name(i->profile)));
	ld_json_set(o, "evidence", ld_json_str_or_null(i->profile_evidence));
	return o;
}

static json_t *source_name(enum ld_fact_source s)
{
	return s == LD_FACT_NONE ? json_null() : json_string(ld_fact_source_name(s));
}

static json_t *sources_json(const struct ld_kernel_info *i)
{
	json_t *o = json_object();
	ld_json_set(o, "build", source_name(i->build_from));
	ld_json_set(o, "dtb", source_name(i->dtb_from));
	ld_json_set(o, "kdbg", source_name(i->kdbg_from));
	ld_json_set(o, "system_time", source_name(i->system_time_from));
	return o;
}

static json_t *info_json(const struct ld_source_meta *m, const struct ld_kernel_info *i)
{
	json_t *o = json_object();
	ld_json_set(o, "format", json_string(m->format));
	ld_json_set(o, "layout", ld_json_str_or_null(m->layout));
	ld_json_set(o, "dump_type", m->dump_type >= 0 ? json_integer(m->dump_type) : json_null());
	ld_json_set(o, "arch", json_string(i->arch_name));
	ld_json_set(o, "machine", i->machine ? ld_json_addr(i->machine) : json_null());
	ld_json_set(o, "build", i->build ? json_integer(i->build) : json_null());
	ld_json_set(o, "dtb", i->dtb_from != LD_FACT_NONE ? ld_json_addr(i->dtb) : json_null());
	ld_json_set(o, "kdbg", ld_json_addr_or_null(i->kdbg));
	ld_json_set(o, "kdbg_encoded", json_boolean(i->kdbg_encoded));
	ld_json_set(o, "kernel_base", ld_json_addr_or_null(i->kernel_base));
	ld_json_set(o, "ps_active_process_head", ld_json_addr_or_null(i->ps_active_process_head));
	ld_json_set(o, "ps_loaded_module_list", ld_json_addr_or_null(i->ps_loaded_module_list));
	ld_json_set(o, "processors", i->processors ? json_integer(i->processors) : json_null());
	ld_json_set(o, "bugcheck", bugcheck_json(i));
	ld_json_set(o, "system_time", ld_json_filetime(i->system_time));
	ld_json_set(o, "uptime_seconds",
		    i->uptime_100ns ? ld_json_u64(i->uptime_100ns / 10000000u) : json_null());
	ld_json_set(o, "interrupt_time", i->has_shared_data ? ld_json_u64(i->interrupt_time) : json_null());
	ld_json_set(o, "tick_count", i->has_shared_data ? ld_json_u64(i->tick_count) : json_null());
	ld_json_set(o, "profile", profile_json(i));
	ld_json_set(o, "present_pages", ld_json_u64(m->present_pages));
	ld_json_set(o, "triage", json_boolean(i->triage));
	ld_json_set(o, "sources", sources_json(i));
	return o;
}

/* ---- text ---- */

static void line(FILE *f, const char *key, const char *value, enum ld_fact_source from)
{
	if (from != LD_FACT_NONE)
		fprintf(f, "%-24s%s (%s)\n", key, value, ld_fact_source_name(from));
	else
		fprintf(f, "%-24s%s\n", key, value);
}

static void addr_line(FILE *f, const char *key, uint64_t va, enum ld_fact_source from)
{
	char buf[32];
	line(f, key, ld_text_addr(buf, sizeof buf, va), va ? from : LD_FACT_NONE);
}

static void text_identity(FILE *f, const struct ld_source_meta *m, const struct ld_kernel_info *i)
{
	char buf[160];
	bool layout = m->layout && strcmp(m->layout, m->format) != 0;
	snprintf(buf, sizeof buf, "%s%s%s%s", m->format, layout ? " (" : "",
		 layout ? m->layout : "", layout ? ")" : "");
	line(f, "format:", buf, LD_FACT_NONE);
	if (m->dump_type >= 0) {
		snprintf(buf, sizeof buf, "%d", m->dump_type);
		line(f, "dump_type:", buf, LD_FACT_NONE);
	}
	line(f, "arch:", i->arch_name, LD_FACT_NONE);
	if (i->build)
		snprintf(buf, sizeof buf, "%" PRIu32, i->build);
	else
		snprintf(buf, sizeof buf, "unknown");
	line(f, "build:", buf, i->build ? i->build_from : LD_FACT_NONE);
	if (i->triage)
		line(f, "note:", "triage dump: no port data (only the faulting thread and process)",
		     LD_FACT_NONE);
}

static void text_kernel(FILE *f, const struct ld_kernel_info *i)
{
	char buf[64];
	if (i->dtb_from != LD_FACT_NONE) {
		snprintf(buf, sizeof buf, "0x%" PRIx64, i->dtb);
		line(f, "dtb:", buf, i->dtb_from);
	} else {
		line(f, "dtb:", "-", LD_FACT_NONE);
	}
	addr_line(f, "kdbg:", i->kdbg, i->kdbg_from);
	if (i->kdbg_encoded)
		line(f, "kdbg_encoding:", "Windows 8+ encoded, decoded", LD_FACT_NONE);
	addr_line(f, "kernel_base:", i->kernel_base, LD_FACT_NONE);
	addr_line(f, "ps_active_process_head:", i->ps_active_process_head, LD_FACT_NONE);
	addr_line(f, "ps_loaded_module_list:", i->ps_loaded_module_list, LD_FACT_NONE);
	if (i->processors)
		snprintf(buf, sizeof buf, "%" PRIu32, i->processors);
	else
		snprintf(buf, sizeof buf, "unknown");
	line(f, "processors:", buf, LD_FACT_NONE);
}

static void text_state(FILE *f, const struct ld_source_meta *m, const struct ld_kernel_info *i)
{
	char buf[400];
	if (i->has_bugcheck) {
		snprintf(buf, sizeof buf, "0x%08" PRIx32 " (0x%" PRIx64 ", 0x%" PRIx64 ", 0x%" PRIx64
			 ", 0x%" PRIx64 ")", i->bugcheck_code, i->bugcheck_params[0],
			 i->bugcheck_params[1], i->bugcheck_params[2], i->bugcheck_params[3]);
		line(f, "bugcheck:", buf, LD_FACT_NONE);
	}
	if (!i->system_time || !ld_filetime_iso(i->system_time, buf, sizeof buf))
		snprintf(buf, sizeof buf, "unknown");
	line(f, "system_time:", buf, i->system_time ? i->system_time_from : LD_FACT_NONE);
	if (i->uptime_100ns) {
		snprintf(buf, sizeof buf, "%" PRIu64 " s", i->uptime_100ns / 10000000u);
		line(f, "uptime:", buf, LD_FACT_NONE);
	}
	if (i->has_shared_data) {
		snprintf(buf, sizeof buf, "%" PRIu64, i->interrupt_time);
		line(f, "interrupt_time:", buf, LD_FACT_NONE);
		snprintf(buf, sizeof buf, "%" PRIu64, i->tick_count);
		line(f, "tick_count:", buf, LD_FACT_NONE);
	}
	if (i->profile) {
		snprintf(buf, sizeof buf, "%s%s%s%s", ld_profile_name(i->profile),
			 i->profile_evidence[0] ? " (" : "", i->profile_evidence,
			 i->profile_evidence[0] ? ")" : "");
		line(f, "profile:", buf, LD_FACT_NONE);
	} else {
		line(f, "profile:", "none", LD_FACT_NONE);
	}
	snprintf(buf, sizeof buf, "%" PRIu64, m->present_pages);
	line(f, "present_pages:", buf, LD_FACT_NONE);
}

int ld_cmd_info(struct ld_cmd_ctx *ctx, int argc, char **argv)
{
	if (argc > 1)
		return ld_cmd_error("info", LD_ERR_ARG, "unexpected argument: %s", argv[1]);
	const struct ld_source_meta *m = ld_source_meta(ld_kernel_source(ctx->k));
	const struct ld_kernel_info *i = ld_kernel_info(ctx->k);

	if (ctx->json)
		return ld_cmd_json_finish(ctx, "info", info_json(m, i));
	text_identity(ctx->out, m, i);
	text_kernel(ctx->out, i);
	text_state(ctx->out, m, i);
	return LD_EXIT_OK;
}
