/*
 * cmd_disasm.c — `u ADDR [COUNT]`: disassembly of kernel memory with capstone
 * (x86 or x64 as the dump says), laid out as WinDbg does, with labels and
 * branch targets named from the loaded modules' exports.
 *
 * The bytes are read page by page up to the first unavailable page; the
 * listing stops there and says why instead of decoding what is not there.
 */
#include "addr-priv.h"
#include "disasm-priv.h"
#include "session-priv.h"

#include <inttypes.h>
#include "../analyzer/report/report.h"
#include <stdlib.h>
#include <string.h>

#define U_DEFAULT_COUNT 8u
#define U_MAX_COUNT 10000u
#define X86_MAX_INSN 15u

struct code {
	uint64_t addr;
	uint8_t *bytes;
	size_t len;                 /* readable bytes from addr */
	ld_status stop_st;          /* why the readable part ends (LD_OK: we had enough) */
	char stop_why[200];
};

static ld_status read_code(struct ld_kernel *k, struct code *c, size_t want)
{
	c->bytes = ld_xcalloc(want, 1);
	if (!c->bytes)
		return LD_ERR_NOMEM;
	while (c->len < want) {
		uint64_t at = c->addr + c->len;
		size_t n = LD_PAGE_SIZE - (size_t)(at & (LD_PAGE_SIZE - 1));
		if (n > want - c->len)
			n = want - c->len;
		ld_status st = ld_kernel_read(k, at, c->bytes + c->len, n);
		if (st != LD_OK) {
			c->stop_st = st;
			snprintf(c->stop_why, sizeof c->stop_why, "%s", ld_errmsg());
			break;
		}
		c->len += n;
	}
	return LD_OK;
}

/* The address a branch goes to, or that a memory operand names
 * (rip-relative on x64, absolute on x86); 0 when neither. */
static uint64_t operand_target(const cs_insn *in, bool *is_branch)
{
	const cs_x86 *x = &in->detail->x86;
	*is_branch = false;
	for (unsigned i = 0; i < in->detail->groups_count; i++)
		if (in->detail->groups[i] == CS_GRP_JUMP || in->detail->groups[i] == CS_GRP_CALL)
			*is_branch = true;
	for (unsigned i = 0; i < x->op_count; i++) {
		const cs_x86_op *op = &x->operands[i];
		if (*is_branch && op->type == X86_OP_IMM)
			return (uint64_t)op->imm;
		if (op->type == X86_OP_MEM && op->mem.base == X86_REG_RIP && op->mem.index == X86_REG_INVALID)
			return in->address + in->size + (uint64_t)op->mem.disp;
		if (op->type == X86_OP_MEM && op->mem.base == X86_REG_INVALID &&
		    op->mem.index == X86_REG_INVALID && op->mem.disp)
			return (uint64_t)op->mem.disp & 0xffffffffu;
	}
	*is_branch = false;
	return 0;
}

struct u_out {
	struct ld_cmd_ctx *ctx;
	struct ld_symbols *syms;
	json_t *list;               /* JSON mode */
};

static void hex_bytes(const uint8_t *b, size_t n, char *out, size_t len)
{
	size_t j = 0;
	for (size_t i = 0; i < n && j + 3 <= len; i++)
		j += (size_t)snprintf(out + j, len - j, "%02x", b[i]);
	out[j] = 0;
}

static void emit_insn(struct u_out *o, const cs_insn *in, bool first)
{
	char label[160] = "", sym[160] = "", a[24], t[24], hex[48];
	bool branch = false;
	uint64_t target = operand_target(in, &branch);
	bool have_label = first ? ld_symbols_name(o->syms, in->address, label, sizeof label)
				: ld_symbols_exact(o->syms, in->address, label, sizeof label);
	bool have_sym = target && ld_symbols_name(o->syms, target, sym, sizeof sym);
	hex_bytes(in->bytes, in->size, hex, sizeof hex);
	if (o->list) {
		json_t *j = json_pack("{s:o, s:s, s:s, s:s}", "address", ld_json_addr(in->address), "bytes", hex,
				      "mnemonic", in->mnemonic, "operands", in->op_str);
		json_object_set_new(j, "label", have_label ? json_string(label) : json_null());
		json_object_set_new(j, "target", target ? ld_json_addr(target) : json_null());
		json_object_set_new(j, "target_symbol", have_sym ? json_string(sym) : json_null());
		json_array_append_new(o->list, j);
		return;
	}
	FILE *f = o->ctx->out;
	if (have_label)
		fprintf(f, "%s:\n", label);
	fprintf(f, "%s %-16s ", ld_fmt_addr(o->ctx->k, in->address, a, sizeof a), hex);
	if (!in->op_str[0]) {
		fprintf(f, "%s\n", in->mnemonic);   /* no operands, no trailing blanks */
		return;
	}
	fprintf(f, "%-7s ", in->mnemonic);
	if (have_sym && branch && in->detail->x86.op_count == 1 &&
	    in->detail->x86.operands[0].type == X86_OP_IMM)
		fprintf(f, "%s (%s)\n", sym, ld_fmt_addr(o->ctx->k, target, t, sizeof t));
	else if (have_sym)
		fprintf(f, "%s  ; %s\n", in->op_str, sym);
	else
		fprintf(f, "%s\n", in->op_str);
}

static void emit_bad(struct u_out *o, uint64_t at, uint8_t byte)
{
	char a[24], hex[4];
	snprintf(hex, sizeof hex, "%02x", byte);
	if (o->list) {
		json_array_append_new(o->list, json_pack("{s:o, s:s, s:n}", "address", ld_json_addr(at), "bytes", hex,
							 "mnemonic"));
		return;
	}
	fprintf(o->ctx->out, "%s %-16s ???\n", ld_fmt_addr(o->ctx->k, at, a, sizeof a), hex);
}

/* Decode up to count instructions; returns how many were shown and leaves
 * *at at the first byte not decoded. */
static size_t decode(struct u_out *o, csh cs, const struct code *c, size_t count, uint64_t *at)
{
	const uint8_t *p = c->bytes;
	size_t left = c->len, shown = 0;
	uint64_t addr = c->addr;
	cs_insn *in = cs_malloc(cs);
	while (in && shown < count && left > 0 && !ld_check_interrupt()) {
		if (cs_disasm_iter(cs, &p, &left, &addr, in)) {
			emit_insn(o, in, shown == 0);
		} else if (left >= X86_MAX_INSN) {
			emit_bad(o, addr, *p);   /* undecodable byte: show it and move on */
			p++;
			left--;
			addr++;
		} else {
			break;   /* possibly a real instruction cut off by unavailable memory */
		}
		shown++;
	}
	cs_free(in, 1);
	*at = addr;
	return shown;
}

static int parse_u_args(struct ld_cmd_ctx *ctx, int argc, char **argv, uint64_t *addr, uint64_t *count)
{
	bool have_addr = false;
	*count = U_DEFAULT_COUNT;
	for (int i = 1; i < argc; i++) {
		const char *s = argv[i];
		uint64_t probe;
		bool count_word = (s[0] == 'L' || s[0] == 'l') && (!s[1] || ld_cmd_parse_count(s, &probe));
		if (!have_addr && !count_word) {
			if (!ld_cmd_parse_addr(ctx, s, addr))
				return ld_cmd_error("u", LD_ERR_ARG, "not an address: %s", s);
			have_addr = true;
			continue;
		}
		if (count_word && !s[1] && i + 1 < argc)
			s = argv[++i];
		if (!ld_cmd_parse_count(s, count) || *count == 0 || *count > U_MAX_COUNT)
			return ld_cmd_error("u", LD_ERR_ARG, "bad count: %s (1 to %u)", s, U_MAX_COUNT);
	}
	if (!have_addr && ctx->session && ctx->session->has_next_disasm) {
		*addr = ctx->session->next_disasm;   /* go on after the last listing */
		have_addr = true;
	}
	if (!have_addr)
		return ld_cmd_error("u", LD_ERR_ARG, "no address; usage: u ADDR [COUNT]");
	return LD_EXIT_OK;
}

static void report_stop(struct u_out *o, const struct code *c, uint64_t at, json_t *root)
{
	char a[24];
	if (c->stop_st == LD_OK)
		return;   /* we stopped for another reason (count, Ctrl-C) */
	if (root) {
		json_t *stop = ld_json_unavailable(c->stop_st, c->stop_why);
		ld_json_set(stop, "address", ld_json_addr(at));
		ld_json_set(root, "stopped", stop);
		return;
	}
	fprintf(o->ctx->out, "%s ??               (unavailable: %s: %s)\n",
		ld_fmt_addr(o->ctx->k, at, a, sizeof a), ld_status_name(c->stop_st), c->stop_why);
}

int ld_cmd_u(struct ld_cmd_ctx *ctx, int argc, char **argv)
{
	uint64_t count;
	struct code c = { 0 };
	int rc = parse_u_args(ctx, argc, argv, &c.addr, &count);
	if (rc != LD_EXIT_OK)
		return rc;
	c.addr = ld_arch_canonical(ld_kernel_info(ctx->k)->arch, c.addr);
	csh cs;
	ld_status st = ld_disasm_open(ctx->k, &cs);
	if (st != LD_OK)
		return ld_cmd_error("u", st, "%s", ld_errmsg());
	st = read_code(ctx->k, &c, (size_t)count * X86_MAX_INSN);
	if (st != LD_OK) {
		cs_close(&cs);
		return ld_cmd_error("u", st, "%s", ld_errmsg());
	}
	bool owned;
	struct u_out o = { .ctx = ctx, .syms = ld_cmd_symbols(ctx, &owned) };
	json_t *root = NULL;
	if (ctx->json) {
		root = json_object();
		o.list = json_array();
		json_object_set_new(root, "address", ld_json_addr(c.addr));
		json_object_set_new(root, "instructions", o.list);
		json_object_set_new(root, "stopped", json_null());
	}
	uint64_t at;
	size_t shown = decode(&o, cs, &c, (size_t)count, &at);
	if (ctx->session) {
		ctx->session->has_next_disasm = true;
		ctx->session->next_disasm = at;
	}
	if (shown < count)
		report_stop(&o, &c, at, root);
	if (root)
		rc = ld_cmd_json_finish(ctx, "u", root);
	if (owned)
		ld_symbols_free(o.syms);
	free(c.bytes);
	cs_close(&cs);
	if (ld_check_interrupt())
		return ld_cmd_error("u", LD_ERR_INTERRUPTED, "interrupted");
	return rc;
}
