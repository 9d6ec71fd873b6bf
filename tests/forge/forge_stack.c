/* forge_stack.c — the `kstack` directive (see forge_stack.h). */
#include "forge_stack.h"
#include "forge-priv.h"
#include "forge_objects.h"

#include <stdlib.h>
#include <string.h>

/* A kernel stack is at most a few pages; more is a mistyped scenario. */
#define KSTACK_MAX_SIZE 0x20000u

static void write_slots(struct fg_machine *m, uint64_t sp, uint64_t base, const char *list,
			const char *where)
{
	unsigned psz = ld_arch_ptr_size(m->arch);
	char buf[1024];
	snprintf(buf, sizeof buf, "%s", list);
	char *save = NULL;
	uint64_t at = sp;
	for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save), at += psz) {
		if (at + psz > base)
			fg_die(where, "kstack: more ret= values than the stack holds above sp");
		fg_write_ptr(m, at, fg_parse_u64_or_die(where, "ret", tok));
	}
}

int fg_dir_kstack(struct fg_machine *m, int argc, char **argv, const char *where)
{
	uint64_t tid = fg_arg_u64(argc, argv, "tid", 0);
	uint64_t base = fg_arg_u64(argc, argv, "base", 0);
	uint64_t size = fg_arg_u64(argc, argv, "size", 0x6000);
	uint64_t sp = fg_arg_u64(argc, argv, "sp", 0);
	uint64_t thread = fg_thread_by_tid(m, tid);
	if (!thread)
		fg_die(where, "kstack: no thread with tid=%llu", (unsigned long long)tid);
	if (!base || !size || size > KSTACK_MAX_SIZE || (base | size) & (LD_PAGE_SIZE - 1))
		fg_die(where, "kstack: base= and size= must be page-aligned, size at most 0x%x", KSTACK_MAX_SIZE);
	if (sp < base - size || sp >= base)
		fg_die(where, "kstack: sp= must lie in [base-size, base)");
	fg_map_range(m, base - size, size);
	fg_set(m, thread, "_ETHREAD", "Tcb.KernelStack", sp);
	fg_set(m, thread, "_ETHREAD", "Tcb.StackBase", base);
	fg_set_opt(m, thread, "_ETHREAD", "Tcb.InitialStack", base);
	fg_set_opt(m, thread, "_ETHREAD", "Tcb.StackLimit", base - size);
	const char *rets = fg_arg(argc, argv, "ret");
	if (rets)
		write_slots(m, sp, base, rets, where);
	return 0;
}
