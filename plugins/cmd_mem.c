/*
 * cmd_mem.c — `db`/`dw`/`dd`/`dq`/`dp`/`dps ADDR [L COUNT]`: memory display laid out
 * as WinDbg does, over kernel virtual addresses or, with /p, physical ones.
 *
 * Memory is read page by page so that one unavailable page shows as ?? with
 * its reason (paged out, not in the dump, invalid address) while the rest of
 * the range still displays; nothing unavailable is ever shown as a value.
 */
#include "addr-priv.h"
#include "session-priv.h"

#include <inttypes.h>
#include "../analyzer/report/report.h"
#include <stdlib.h>
#include <string.h>

/* WinDbg shows 0x80 bytes by default. */
#define MEM_DEFAULT_BYTES 0x80u
/* One display is for reading, not for dumping: a larger range is refused. */
#define MEM_MAX_BYTES 0x100000u
#define MEM_MAX_GAPS 64u

struct mem_gap {
	uint64_t start, end;        /* [start, end) */
	ld_status st;
	char why[200];
};

struct mem_view {
	uint64_t addr;
	size_t len, unit;
	bool physical;
	uint8_t *bytes;
	bool *ok;                   /* per byte: readable */
	struct mem_gap gaps[MEM_MAX_GAPS];
	size_t ngaps;
	bool more_gaps;             /* more unavailable ranges than listed */
	struct ld_symbols *syms;    /* dps: name each pointer, one per line */
};

static ld_status read_piece(struct ld_kernel *k, bool physical, uint64_t at, void *buf, size_t n)
{
	if (physical)
		return ld_source_read(ld_kernel_source(k), at, buf, n);
	return ld_kernel_read(k, at, buf, n);
}

static void note_gap(struct mem_view *v, uint64_t start, uint64_t end, ld_status st)
{
	struct mem_gap *last = v->ngaps ? &v->gaps[v->ngaps - 1] : NULL;
	const char *msg = ld_errmsg();
	/* Neighbouring pages missing for the same reason read as one range. */
	if (last && last->end == start && last->st == st) {
		last->end = end;
		return;
	}
	if (v->ngaps == MEM_MAX_GAPS) {
		v->more_gaps = true;
		return;
	}
	struct mem_gap *g = &v->gaps[v->ngaps++];
	g->start = start;
	g->end = end;
	g->st = st;
	snprintf(g->why, sizeof g->why, "%s", msg && *msg ? msg : ld_status_name(st));
}

static ld_status fill_view(struct ld_kernel *k, struct mem_view *v)
{
	size_t done = 0;
	while (done < v->len) {
		if (ld_check_interrupt())
			return ld_fail(LD_ERR_INTERRUPTED, "memory display interrupted");
		uint64_t at = v->addr + done;
		size_t n = LD_PAGE_SIZE - (size_t)(at & (LD_PAGE_SIZE - 1));
		if (n > v->len - done)
			n = v->len - done;
		ld_status st = read_piece(k, v->physical, at, v->bytes + done, n);
		bool good = st == LD_OK;
		memset(v->ok + done, good, n);
		if (!good)
			note_gap(v, at, at + n, st);
		done += n;
	}
	return LD_OK;
}

static bool elem_ok(const struct mem_view *v, size_t off)
{
	for (size_t i = 0; i < v->unit; i++)
		if (!v->ok[off + i])
			return false;
	return true;
}

static uint64_t elem_value(const struct mem_view *v, size_t off)
{
	uint64_t x = 0;
	for (size_t i = v->unit; i-- > 0;)
		x = x << 8 | v->bytes[off + i];
	return x;
}

static void print_elem(FILE *f, const struct mem_view *v, size_t off)
{
	bool ok = elem_ok(v, off);
	uint64_t x = ok ? elem_value(v, off) : 0;
	switch (v->unit) {
	case 1: ok ? fprintf(f, "%02" PRIx64, x) : fputs("??", f); break;
	case 2: ok ? fprintf(f, "%04" PRIx64, x) : fputs("????", f); break;
	case 4: ok ? fprintf(f, "%08" PRIx64, x) : fputs("????????", f); break;
	default:
		if (ok)
			fprintf(f, "%08" PRIx64 "`%08" PRIx64, x >> 32, x & 0xffffffffu);
		else
			fputs("????????`????????", f);
	}
}

static void print_ascii(FILE *f, const struct mem_view *v, size_t off, size_t n)
{
	fputs("  ", f);
	for (size_t i = 0; i < n; i++) {
		uint8_t c = v->bytes[off + i];
		fputc(!v->ok[off + i] ? '?' : (c >= 0x20 && c < 0x7f) ? c : '.', f);
	}
}

static void print_text(struct ld_cmd_ctx *ctx, const struct mem_view *v)
{
	FILE *f = ctx->out;
	char a[24];
	size_t per_line = v->syms ? v->unit : 16 / v->unit * v->unit;
	/* Physical addresses can exceed 32 bits on a 32-bit (PAE) target:
	 * always shown in the 64-bit form. */
	const struct ld_kernel *fmt_k = v->physical ? NULL : ctx->k;
	for (size_t off = 0; off < v->len; off += per_line) {
		size_t n = v->len - off < per_line ? v->len - off : per_line;
		fprintf(f, "%s ", ld_fmt_addr(fmt_k, v->addr + off, a, sizeof a));
		/* Only db pads a short last line: its ASCII column stays aligned. */
		size_t cells = v->unit == 1 ? per_line : n;
		for (size_t i = 0; i < cells; i += v->unit) {
			/* WinDbg's db puts a dash between the two 8-byte halves. */
			fputc(v->unit == 1 && i == 8 && i < n ? '-' : ' ', f);
			if (i < n)
				print_elem(f, v, off + i);
			else
				fputs("  ", f);
		}
		if (v->unit == 1)
			print_ascii(f, v, off, n);
		char sym[160];
		if (v->syms && elem_ok(v, off) && ld_symbols_name(v->syms, elem_value(v, off), sym, sizeof sym))
			fprintf(f, " %s", sym);
		fputc('\n', f);
	}
	for (size_t i = 0; i < v->ngaps; i++) {
		char b[24];
		fprintf(f, "?? %s-%s: %s: %s\n", ld_fmt_addr(fmt_k, v->gaps[i].start, a, sizeof a),
			ld_fmt_addr(fmt_k, v->gaps[i].end - 1, b, sizeof b),
			ld_status_name(v->gaps[i].st), v->gaps[i].why);
	}
	if (v->more_gaps)
		fprintf(f, "?? (more unavailable ranges not listed)\n");
}

static int print_json(struct ld_cmd_ctx *ctx, const char *cmd, const struct mem_view *v)
{
	json_t *root = json_object(), *values = json_array(), *gaps = json_array();
	json_object_set_new(root, "address", ld_json_addr(v->addr));
	json_object_set_new(root, "space", json_string(v->physical ? "physical" : "virtual"));
	json_object_set_new(root, "unit", json_integer((json_int_t)v->unit));
	json_object_set_new(root, "count", json_integer((json_int_t)(v->len / v->unit)));
	for (size_t off = 0; off < v->len; off += v->unit)
		json_array_append_new(values, elem_ok(v, off) ? ld_json_addr(elem_value(v, off)) : json_null());
	for (size_t i = 0; i < v->ngaps; i++)
		json_array_append_new(gaps, json_pack("{s:o, s:o, s:s, s:s}",
			"start", ld_json_addr(v->gaps[i].start), "end", ld_json_addr(v->gaps[i].end - 1),
			"unavailable", ld_status_name(v->gaps[i].st), "reason", v->gaps[i].why));
	json_object_set_new(root, "values", values);
	if (v->syms) {
		json_t *names = json_array();
		char sym[160];
		for (size_t off = 0; off < v->len; off += v->unit)
			json_array_append_new(names, elem_ok(v, off) &&
					      ld_symbols_name(v->syms, elem_value(v, off), sym, sizeof sym) ?
					      json_string(sym) : json_null());
		json_object_set_new(root, "symbols", names);
	}
	json_object_set_new(root, "unavailable", gaps);
	json_object_set_new(root, "unavailable_truncated", json_boolean(v->more_gaps));
	return ld_cmd_json_finish(ctx, cmd, root);
}

struct mem_args {
	uint64_t addr;
	uint64_t count;             /* elements; 0 = default */
	bool physical;
	bool have_addr;
};

static int parse_args(struct ld_cmd_ctx *ctx, int argc, char **argv, struct mem_args *a)
{
	for (int i = 1; i < argc; i++) {
		const char *s = argv[i];
		if (!strcmp(s, "/p") || !strcmp(s, "--physical")) {
			a->physical = true;
		} else if ((s[0] == 'L' || s[0] == 'l') && (a->have_addr || ld_cmd_parse_count(s, &a->count))) {
			const char *num = s[1] ? s : (i + 1 < argc ? argv[++i] : NULL);
			if (!ld_cmd_parse_count(num, &a->count) || a->count == 0)
				return ld_cmd_error(argv[0], LD_ERR_ARG, "bad count: %s", num ? num : "(none)");
		} else if (!a->have_addr) {
			if (!ld_cmd_parse_addr(ctx, s, &a->addr))
				return ld_cmd_error(argv[0], LD_ERR_ARG, "not an address: %s", s);
			a->have_addr = true;
		} else {
			return ld_cmd_error(argv[0], LD_ERR_ARG, "unexpected argument: %s", s);
		}
	}
	struct ld_session *ss = ctx->session;
	if (!a->have_addr && ss && ss->has_next_dump) {   /* go on where the last display stopped */
		a->addr = ss->next_dump;
		a->physical = a->physical || ss->next_dump_physical;
		a->have_addr = true;
	}
	if (!a->have_addr)
		return ld_cmd_error(argv[0], LD_ERR_ARG, "no address; usage: %s [/p] ADDR [L COUNT]", argv[0]);
	return LD_EXIT_OK;
}

static int display(struct ld_cmd_ctx *ctx, int argc, char **argv, size_t unit, bool symbols)
{
	struct mem_args a = { 0 };
	int rc = parse_args(ctx, argc, argv, &a);
	if (rc != LD_EXIT_OK)
		return rc;
	if (!a.physical)
		a.addr = ld_arch_canonical(ld_kernel_info(ctx->k)->arch, a.addr);
	uint64_t count = a.count ? a.count : MEM_DEFAULT_BYTES / unit;
	if (count > MEM_MAX_BYTES / unit)
		return ld_cmd_error(argv[0], LD_ERR_ARG, "range too large: at most 0x%x bytes",
				    MEM_MAX_BYTES);
	struct mem_view v = { .addr = a.addr, .unit = unit, .len = (size_t)count * unit,
			      .physical = a.physical };
	v.bytes = ld_xcalloc(v.len, 1);
	v.ok = ld_xcalloc(v.len, sizeof *v.ok);
	bool owned = false;
	if (symbols)
		v.syms = ld_cmd_symbols(ctx, &owned);
	ld_status st = v.bytes && v.ok ? fill_view(ctx->k, &v) : LD_ERR_NOMEM;
	if (st == LD_OK && ctx->session) {
		ctx->session->has_next_dump = true;
		ctx->session->next_dump = v.addr + v.len;
		ctx->session->next_dump_physical = v.physical;
	}
	if (st == LD_OK && ctx->json)
		rc = print_json(ctx, argv[0], &v);
	else if (st == LD_OK)
		print_text(ctx, &v);
	free(v.bytes);
	free(v.ok);
	if (owned)
		ld_symbols_free(v.syms);
	if (st != LD_OK)
		return ld_cmd_error(argv[0], st, "%s", ld_errmsg());
	return rc;
}

int ld_cmd_db(struct ld_cmd_ctx *ctx, int argc, char **argv) { return display(ctx, argc, argv, 1, false); }
int ld_cmd_dw(struct ld_cmd_ctx *ctx, int argc, char **argv) { return display(ctx, argc, argv, 2, false); }
int ld_cmd_dd(struct ld_cmd_ctx *ctx, int argc, char **argv) { return display(ctx, argc, argv, 4, false); }
int ld_cmd_dq(struct ld_cmd_ctx *ctx, int argc, char **argv) { return display(ctx, argc, argv, 8, false); }

int ld_cmd_dp(struct ld_cmd_ctx *ctx, int argc, char **argv)
{
	return display(ctx, argc, argv, ld_kernel_ptr_size(ctx->k), false);
}

/* dps: pointers one per line, each named from the module exports when it
 * points into a module (reading a stack or a dispatch table by eye). */
int ld_cmd_dps(struct ld_cmd_ctx *ctx, int argc, char **argv)
{
	return display(ctx, argc, argv, ld_kernel_ptr_size(ctx->k), true);
}
