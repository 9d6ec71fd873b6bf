/* module_list.c — loaded kernel modules from PsLoadedModuleList
 * (LDR_DATA_TABLE_ENTRY.InLoadOrderLinks). */
#include "model-priv.h"

#include <string.h>

#define LD_MAX_MODULES 4096u

struct mwalk {
	struct ld_model *m;
	bool (*fn)(const struct ld_module *mod, void *arg);
	void *arg;
};

static bool module_cb(struct ld_kernel *k, uint64_t entry, void *arg)
{
	struct mwalk *w = arg;
	const struct ld_model_fields *f = &w->m->f;
	uint64_t e = entry - f->ldr_links.off;
	struct ld_module mod;
	memset(&mod, 0, sizeof(mod));
	mod.base = ld_model_read_or(k, e, &f->ldr_base, 0);
	mod.size = ld_model_read_or(k, e, &f->ldr_size, 0);
	mod.entry = ld_model_read_or(k, e, &f->ldr_entry, 0);
	/* Names that cannot be read stay "" (unavailable). */
	if (f->ldr_base_name.valid)
		(void)ld_read_unicode_string(k, e + f->ldr_base_name.off, mod.name, sizeof(mod.name));
	if (f->ldr_full.valid)
		(void)ld_read_unicode_string(k, e + f->ldr_full.off, mod.path, sizeof(mod.path));
	return w->fn(&mod, w->arg);
}

ld_status ld_modules_walk(struct ld_kernel *k, bool (*fn)(const struct ld_module *m, void *arg),
			  void *arg, struct ld_walk_result *res)
{
	struct ld_model *m;
	ld_status st = ld_model_get(k, &m);
	if (st != LD_OK)
		return st;
	uint64_t head = ld_kernel_info(k)->ps_loaded_module_list;
	if (!head)
		return ld_fail(LD_ERR_NOT_FOUND, "PsLoadedModuleList is unknown (no KDBG)");
	if (!m->f.ldr_links.valid)
		return ld_fail(LD_ERR_NOT_FOUND, "profile %s has no _LDR_DATA_TABLE_ENTRY",
			       ld_profile_name(ld_kernel_profile(k)));
	struct mwalk w = { m, fn, arg };
	ld_list_walk(k, head, LD_MAX_MODULES, module_cb, &w, res);
	if (res->end != LD_WALK_DONE && res->end != LD_WALK_STOPPED)
		ld_warn("module list ended early (%s at %#llx after %zu entries)", ld_walk_end_name(res->end),
			(unsigned long long)res->bad_va, res->count);
	return LD_OK;
}
