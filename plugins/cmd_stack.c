/*
 * cmd_stack.c — `k [THREAD]`: a best-effort kernel stack for a thread.
 *
 * Without unwind data or frame pointers we cannot walk frames for certain,
 * so this is a scan, and says so: from the thread's saved stack pointer
 * (KTHREAD.KernelStack, valid while the thread is not running) up to its
 * StackBase, every pointer-sized value that lies in a loaded module and is
 * preceded by a call instruction ending exactly there (checked with
 * capstone) is reported as a probable return address. Stale values left by
 * earlier calls can appear; that is why the output is labelled.
 */
#include "addr-priv.h"
#include "disasm-priv.h"
#include "../analyzer/model/model.h"

#include <inttypes.h>
#include "../analyzer/report/report.h"
#include <stdlib.h>
#include <string.h>

/* Kernel stacks are 12–24 KiB (large GUI stacks up to 64 KiB); a span
 * beyond this means the fields are not what they claim. */
#define STACK_MAX_SPAN 0x20000u
#define STACK_MAX_FRAMES 256u

struct stack_thread {
	uint64_t thread, sp, base;
	uint64_t tid;
	bool running;
};

static ld_status read_stack_fields(struct ld_kernel *k, struct stack_thread *t)
{
	const struct ld_profile *p = ld_kernel_profile(k);
	struct ld_fref ks, sb;
	if (!p)
		return ld_fail(LD_ERR_NOT_FOUND, "no profile for this kernel: thread layout unknown");
	if (ld_fref_init(p, "_ETHREAD", "Tcb.KernelStack", &ks) != LD_OK ||
	    ld_fref_init(p, "_ETHREAD", "Tcb.StackBase", &sb) != LD_OK)
		return ld_fail(LD_ERR_NOT_FOUND, "profile %s has no KTHREAD.KernelStack/StackBase",
			       ld_profile_name(p));
	ld_status st = ld_read_field(k, t->thread, &ks, &t->sp);
	if (st == LD_OK)
		st = ld_read_field(k, t->thread, &sb, &t->base);
	if (st != LD_OK)
		return ld_fail_ctx(st, "thread 0x%" PRIx64, t->thread);
	if (!t->sp || t->sp >= t->base || t->base - t->sp > STACK_MAX_SPAN)
		return ld_fail(LD_ERR_CORRUPT, "thread 0x%" PRIx64 ": KernelStack 0x%" PRIx64
			       " and StackBase 0x%" PRIx64 " do not bound a stack", t->thread, t->sp, t->base);
	return LD_OK;
}

static bool parse_decimal(const char *s, uint64_t *out)
{
	if (!*s || strspn(s, "0123456789") != strlen(s) || strlen(s) > 19)
		return false;
	*out = strtoull(s, NULL, 10);
	return true;
}

/* THREAD: an ETHREAD address (or #N), or a TID when no thread has that address. */
static int pick_thread(struct ld_cmd_ctx *ctx, int argc, char **argv, struct stack_thread *t)
{
	uint64_t v = 0;
	if (argc > 2)
		return ld_cmd_error("k", LD_ERR_ARG, "usage: k [THREAD]");
	if (argc == 2 && !ld_cmd_parse_addr(ctx, argv[1], &v))
		return ld_cmd_error("k", LD_ERR_ARG, "not a thread address or TID: %s", argv[1]);
	if (argc == 1)
		v = ld_source_meta(ld_kernel_source(ctx->k))->triage_thread;
	if (!v)
		return ld_cmd_error("k", LD_ERR_ARG, "which thread? usage: k THREAD (address, TID or #N)");
	t->thread = v;
	const struct ld_system *sys;
	if (ld_system_get(ctx->k, &sys) == LD_OK) {
		const struct ld_thread *th = ld_system_thread_by_addr(sys, v);
		/* A TID is written in decimal, as `threads` shows it; WinDbg's hex
		 * reading of the same word is the fallback. */
		uint64_t tid;
		if (!th && argc == 2 && parse_decimal(argv[1], &tid))
			th = ld_system_thread_by_tid(sys, tid);
		if (!th)
			th = ld_system_thread_by_tid(sys, v);
		if (th) {
			t->thread = th->addr;
			t->tid = th->tid;
			t->running = th->state == 2;   /* KTHREAD_STATE Running */
		}
	}
	return LD_EXIT_OK;
}

struct frame {
	uint64_t slot, ret, target;
};

static size_t scan(struct ld_kernel *k, csh cs, struct ld_symbols *syms, const struct stack_thread *t,
		   struct frame *frames, ld_status *stop)
{
	unsigned psz = ld_kernel_ptr_size(k);
	size_t n = 0;
	*stop = LD_OK;
	for (uint64_t at = t->sp; at + psz <= t->base && n < STACK_MAX_FRAMES; at += psz) {
		if (ld_check_interrupt()) {
			*stop = LD_ERR_INTERRUPTED;
			break;
		}
		uint64_t v;
		ld_status st = ld_kernel_read_ptr(k, at, &v);
		if (st != LD_OK) {
			*stop = st;   /* the rest of the stack is not available */
			break;
		}
		uint64_t target;
		if (!ld_symbols_in_module(syms, v) || !ld_disasm_call_before(k, cs, v, &target))
			continue;
		frames[n++] = (struct frame){ at, v, target };
	}
	return n;
}

static void print_text(struct ld_cmd_ctx *ctx, struct ld_symbols *syms, const struct stack_thread *t,
		       const struct frame *f, size_t n, ld_status stop, const char *why)
{
	FILE *o = ctx->out;
	char a[24], b[24], sym[160], tgt[160];
	fprintf(o, "Thread %s", ld_fmt_addr(ctx->k, t->thread, a, sizeof a));
	if (t->tid)
		fprintf(o, " (tid %" PRIu64 ")", t->tid);
	fprintf(o, ": stack scan %s..%s (best effort: values after a call instruction, not an unwind)\n",
		ld_fmt_addr(ctx->k, t->sp, a, sizeof a), ld_fmt_addr(ctx->k, t->base, b, sizeof b));
	if (t->running)
		fprintf(o, "note: the thread was running; its saved KernelStack may be stale\n");
	int w = ld_kernel_ptr_size(ctx->k) == 4 ? 8 : 17;   /* as ld_fmt_addr prints */
	fprintf(o, " # %-*s %-*s Call Site\n", w, "Slot", w, "RetAddr");
	for (size_t i = 0; i < n; i++) {
		if (!ld_symbols_name(syms, f[i].ret, sym, sizeof sym))
			snprintf(sym, sizeof sym, "?");
		fprintf(o, "%02zx %s %s %s", i, ld_fmt_addr(ctx->k, f[i].slot, a, sizeof a),
			ld_fmt_addr(ctx->k, f[i].ret, b, sizeof b), sym);
		if (f[i].target && ld_symbols_name(syms, f[i].target, tgt, sizeof tgt))
			fprintf(o, " (calls %s)", tgt);
		fputc('\n', o);
	}
	if (!n)
		fprintf(o, "(no return addresses found)\n");
	if (stop != LD_OK)
		fprintf(o, "scan stopped: %s: %s\n", ld_status_name(stop), why);
}

static int print_json(struct ld_cmd_ctx *ctx, struct ld_symbols *syms, const struct stack_thread *t,
		       const struct frame *f, size_t n, ld_status stop, const char *why)
{
	json_t *root = json_object(), *frames = json_array();
	char sym[160];
	json_object_set_new(root, "thread", ld_json_addr(t->thread));
	json_object_set_new(root, "tid", t->tid ? json_integer((json_int_t)t->tid) : json_null());
	json_object_set_new(root, "method", json_string("scan"));
	json_object_set_new(root, "stack_pointer", ld_json_addr(t->sp));
	json_object_set_new(root, "stack_base", ld_json_addr(t->base));
	json_object_set_new(root, "running", json_boolean(t->running));
	for (size_t i = 0; i < n; i++) {
		json_t *j = json_pack("{s:o, s:o}", "slot", ld_json_addr(f[i].slot), "return_address", ld_json_addr(f[i].ret));
		json_object_set_new(j, "symbol", ld_symbols_name(syms, f[i].ret, sym, sizeof sym) ?
					 json_string(sym) : json_null());
		json_object_set_new(j, "call_target", f[i].target ? ld_json_addr(f[i].target) : json_null());
		json_array_append_new(frames, j);
	}
	json_object_set_new(root, "frames", frames);
	json_object_set_new(root, "stopped", stop == LD_OK ? json_null() :
			    ld_json_unavailable(stop, why));
	return ld_cmd_json_finish(ctx, "k", root);
}

int ld_cmd_k(struct ld_cmd_ctx *ctx, int argc, char **argv)
{
	struct stack_thread t = { 0 };
	int rc = pick_thread(ctx, argc, argv, &t);
	if (rc != LD_EXIT_OK)
		return rc;
	ld_status st = read_stack_fields(ctx->k, &t);
	if (st != LD_OK)
		return ld_cmd_error("k", st, "%s", ld_errmsg());
	csh cs;
	if ((st = ld_disasm_open(ctx->k, &cs)) != LD_OK)
		return ld_cmd_error("k", st, "%s", ld_errmsg());
	bool owned;
	struct ld_symbols *syms = ld_cmd_symbols(ctx, &owned);
	struct frame frames[STACK_MAX_FRAMES];
	ld_status stop;
	size_t n = scan(ctx->k, cs, syms, &t, frames, &stop);
	char why[200];
	snprintf(why, sizeof why, "%s", stop == LD_OK ? "" : ld_errmsg());
	if (ctx->json)
		rc = print_json(ctx, syms, &t, frames, n, stop, why);
	else
		print_text(ctx, syms, &t, frames, n, stop, why);
	if (owned)
		ld_symbols_free(syms);
	cs_close(&cs);
	return stop == LD_ERR_INTERRUPTED ? ld_cmd_error("k", stop, "interrupted") : rc;
}
