/*
 * addr_symbols.c — names for kernel addresses from the export directories of
 * the loaded modules (see addr-priv.h). Export symbols only: a name is the
 * nearest export at or below the address, and far from any export we say
 * "module+offset" rather than pretend a distant export owns the code.
 */
#include "addr-priv.h"
#include "session-priv.h"
#include "../analyzer/model/model.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Systems load a few hundred drivers; more than this is a corrupt list. */
#define SYM_MAX_MODULES 4096u
/* Beyond this distance from an export the name would mislead (non-exported
 * functions lie between exports); show module+offset instead. */
#define SYM_MAX_EXPORT_DISTANCE 0x10000u

struct sym_module {
	uint64_t base, size;
	char name[32];              /* "nt", "hal", "tcpip" */
	bool tried;                 /* exports read (or failed) already */
	struct ld_pe_image img;
};

struct ld_symbols {
	struct ld_kernel *k;
	struct ld_vec mods;         /* struct sym_module */
};

static void short_name(const char *base_name, uint64_t base, uint64_t kernel_base, char *out,
		       size_t len)
{
	if (base == kernel_base) {
		snprintf(out, len, "nt");
		return;
	}
	size_t i = 0;
	for (; base_name[i] && base_name[i] != '.' && i + 1 < len; i++)
		out[i] = (char)tolower((unsigned char)base_name[i]);
	out[i] = 0;
	if (!i)
		snprintf(out, len, "mod_%" PRIx64, base);
}

struct collect_arg {
	struct ld_symbols *s;
	uint64_t kernel_base;
};

static bool collect_module(const struct ld_module *m, void *arg)
{
	struct collect_arg *c = arg;
	if (c->s->mods.len >= SYM_MAX_MODULES || !m->base)
		return c->s->mods.len < SYM_MAX_MODULES;
	struct sym_module sm = { .base = m->base, .size = m->size };
	short_name(m->name, m->base, c->kernel_base, sm.name, sizeof sm.name);
	return ld_vec_push(&c->s->mods, &sm) == LD_OK;
}

static void load_exports(struct ld_symbols *s, struct sym_module *m)
{
	if (m->tried)
		return;
	m->tried = true;
	if (ld_pe_read_exports(s->k, m->base, &m->img) != LD_OK) {
		ld_warn("symbols: %s at 0x%" PRIx64 ": %s", m->name, m->base, ld_errmsg());
		return;
	}
	if (!m->size)
		m->size = m->img.size_of_image;
	if (m->img.partial)
		ld_warn("symbols: %s: parts of the export directory are unavailable", m->name);
}

/* Without a module list the kernel image alone still names most addresses
 * a hang analysis meets. */
static void add_kernel_only(struct ld_symbols *s, uint64_t kernel_base)
{
	struct sym_module sm = { .base = kernel_base };
	snprintf(sm.name, sizeof sm.name, "nt");
	if (ld_vec_push(&s->mods, &sm) != LD_OK)
		return;
	load_exports(s, ld_vec_at(&s->mods, 0));
}

ld_status ld_symbols_load(struct ld_kernel *k, struct ld_symbols **out)
{
	struct ld_symbols *s = ld_xcalloc(1, sizeof *s);
	if (!s)
		return LD_ERR_NOMEM;
	s->k = k;
	ld_vec_init(&s->mods, sizeof(struct sym_module));
	uint64_t kernel_base = ld_kernel_info(k)->kernel_base;
	struct collect_arg c = { s, kernel_base };
	struct ld_walk_result res;
	if (ld_modules_walk(k, collect_module, &c, &res) != LD_OK || s->mods.len == 0) {
		s->mods.len = 0;
		if (kernel_base)
			add_kernel_only(s, kernel_base);
	}
	*out = s;
	return LD_OK;
}

void ld_symbols_free(struct ld_symbols *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->mods.len; i++)
		ld_pe_image_free(&((struct sym_module *)ld_vec_at(&s->mods, i))->img);
	ld_vec_free(&s->mods);
	free(s);
}

struct ld_symbols *ld_cmd_symbols(struct ld_cmd_ctx *ctx, bool *owned)
{
	struct ld_symbols *s = NULL;
	*owned = false;
	if (!ctx->k)
		return NULL;
	if (ctx->session && ctx->session->symbols)
		return ctx->session->symbols;
	if (ld_symbols_load(ctx->k, &s) != LD_OK)
		return NULL;
	if (ctx->session)
		ctx->session->symbols = s;
	else
		*owned = true;
	return s;
}

static struct sym_module *module_of(struct ld_symbols *s, uint64_t va)
{
	for (size_t i = 0; i < s->mods.len; i++) {
		struct sym_module *m = ld_vec_at(&s->mods, i);
		if (!m->size)
			load_exports(s, m);   /* the size may come from the PE header */
		if (va >= m->base && va - m->base < m->size)
			return m;
	}
	return NULL;
}

bool ld_symbols_in_module(struct ld_symbols *s, uint64_t va)
{
	return s && module_of(s, va) != NULL;
}

bool ld_symbols_name(struct ld_symbols *s, uint64_t va, char *buf, size_t len)
{
	struct sym_module *m = s ? module_of(s, va) : NULL;
	if (!m)
		return false;
	load_exports(s, m);
	const struct ld_pe_export *e = ld_pe_export_at_or_below(&m->img, va);
	if (e && va - e->va < SYM_MAX_EXPORT_DISTANCE) {
		if (va == e->va)
			snprintf(buf, len, "%s!%s", m->name, e->name);
		else
			snprintf(buf, len, "%s!%s+0x%" PRIx64, m->name, e->name, va - e->va);
	} else {
		snprintf(buf, len, "%s+0x%" PRIx64, m->name, va - m->base);
	}
	return true;
}

bool ld_symbols_exact(struct ld_symbols *s, uint64_t va, char *buf, size_t len)
{
	struct sym_module *m = s ? module_of(s, va) : NULL;
	if (!m)
		return false;
	load_exports(s, m);
	const struct ld_pe_export *e = ld_pe_export_at_or_below(&m->img, va);
	if (!e || e->va != va)
		return false;
	snprintf(buf, len, "%s!%s", m->name, e->name);
	return true;
}

bool ld_symbols_lookup(struct ld_symbols *s, const char *name, uint64_t *va)
{
	if (!s)
		return false;
	const char *bang = strchr(name, '!');
	for (size_t i = 0; !bang && i < s->mods.len; i++) {
		struct sym_module *m = ld_vec_at(&s->mods, i);
		if (!strcasecmp(m->name, name)) {   /* a module name alone: its base */
			*va = m->base;
			return true;
		}
	}
	for (size_t i = 0; i < s->mods.len; i++) {
		struct sym_module *m = ld_vec_at(&s->mods, i);
		if (bang && (strlen(m->name) != (size_t)(bang - name) ||
			     strncasecmp(m->name, name, (size_t)(bang - name)) != 0))
			continue;
		load_exports(s, m);
		const struct ld_pe_export *e = ld_pe_export_by_name(&m->img, bang ? bang + 1 : name);
		if (e) {
			*va = e->va;
			return true;
		}
	}
	return false;
}

void ld_symbols_each(struct ld_symbols *s, const char *mod,
		     bool (*fn)(const char *mod, const char *name, uint64_t va, void *arg), void *arg)
{
	for (size_t i = 0; s && i < s->mods.len; i++) {
		struct sym_module *m = ld_vec_at(&s->mods, i);
		if (mod && strcasecmp(m->name, mod) != 0)
			continue;
		load_exports(s, m);
		for (size_t j = 0; j < m->img.nexports; j++)
			if (!fn(m->name, m->img.exports[j].name, m->img.exports[j].va, arg))
				return;
	}
}
