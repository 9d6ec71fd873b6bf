/* profile_inherit.c — lending a profile what it lacks from another one.
 *
 * An ISF made from the kernel's PDB has the real layouts but none of the
 * constants we curate (LPC message types, port flags, pool geometry), no
 * _KDDEBUGGER_DATA64 and none of the LPC types that no PDB describes. Profile
 * choice lends those from the nearest shipped build. Everything is copied into
 * the borrower's arena so the two profiles stay independent. */
#include "types-priv.h"

#include <stdlib.h>
#include <string.h>

static int group_cmp(const void *a, const void *b)
{
	return strcmp(((const struct ld_const_group *)a)->name,
		      ((const struct ld_const_group *)b)->name);
}

static bool has_group(const struct ld_profile *p, const struct ld_const_group *g)
{
	return p->ngroups && bsearch(g, p->groups, p->ngroups, sizeof *p->groups, group_cmp);
}

static int type_cmp(const void *a, const void *b)
{
	return strcmp(((const struct ld_type *)a)->name, ((const struct ld_type *)b)->name);
}

static const char *dup_or_null(struct ld_arena *a, const char *s, bool *oom)
{
	if (!s)
		return NULL;
	const char *d = ld_arena_strdup(a, s);
	if (!d)
		*oom = true;
	return d;
}

static ld_status copy_group(struct ld_arena *a, const struct ld_const_group *src,
			    struct ld_const_group *dst)
{
	struct ld_const *v = ld_arena_alloc(a, src->n, sizeof *v);
	bool oom = !v;
	dst->name = dup_or_null(a, src->name, &oom);
	for (size_t j = 0; !oom && j < src->n; j++) {
		v[j].value = src->v[j].value;
		v[j].name = dup_or_null(a, src->v[j].name, &oom);
	}
	dst->v = v;
	dst->n = src->n;
	return oom ? LD_ERR_NOMEM : LD_OK;
}

static ld_status copy_field(struct ld_arena *a, const struct ld_field *src, struct ld_field *dst)
{
	bool oom = false;
	*dst = *src;
	dst->name = dup_or_null(a, src->name, &oom);
	dst->type_name = dup_or_null(a, src->type_name, &oom);
	dst->target = dup_or_null(a, src->target, &oom);
	dst->elem = dup_or_null(a, src->elem, &oom);
	if (src->nenums) {
		struct ld_enum_value *e = ld_arena_alloc(a, src->nenums, sizeof *e);
		oom |= !e;
		for (size_t i = 0; !oom && i < src->nenums; i++) {
			e[i].value = src->enums[i].value;
			e[i].name = dup_or_null(a, src->enums[i].name, &oom);
		}
		dst->enums = e;
	}
	return oom ? LD_ERR_NOMEM : LD_OK;
}

static ld_status copy_type(struct ld_arena *a, const struct ld_type *src, struct ld_type *dst)
{
	struct ld_field *f = ld_arena_alloc(a, src->nfields, sizeof *f);
	*dst = *src;
	dst->name = ld_arena_strdup(a, src->name);
	if (!f || !dst->name)
		return LD_ERR_NOMEM;
	for (size_t i = 0; i < src->nfields; i++)
		if (copy_field(a, &src->fields[i], &f[i]) != LD_OK)
			return LD_ERR_NOMEM;
	dst->fields = f;
	return LD_OK;
}

static ld_status inherit_groups(struct ld_profile *p, const struct ld_profile *donor)
{
	size_t extra = 0;
	for (size_t i = 0; i < donor->ngroups; i++)
		if (!has_group(p, &donor->groups[i]))
			extra++;
	if (!extra)
		return LD_OK;
	struct ld_const_group *g = ld_arena_alloc(&p->arena, p->ngroups + extra, sizeof *g);
	if (!g)
		return LD_ERR_NOMEM;
	if (p->ngroups)
		memcpy(g, p->groups, p->ngroups * sizeof *g);
	size_t n = p->ngroups;
	for (size_t i = 0; i < donor->ngroups; i++) {
		if (has_group(p, &donor->groups[i]))
			continue;
		if (copy_group(&p->arena, &donor->groups[i], &g[n++]) != LD_OK)
			return LD_ERR_NOMEM;
	}
	p->groups = g;
	p->ngroups = n;
	qsort(p->groups, p->ngroups, sizeof *p->groups, group_cmp);
	return LD_OK;
}

static ld_status inherit_types(struct ld_profile *p, const struct ld_profile *donor)
{
	size_t extra = 0;
	for (size_t i = 0; i < donor->ntypes; i++)
		if (!ld_profile_type(p, donor->types[i].name))
			extra++;
	if (!extra)
		return LD_OK;
	struct ld_type *t = ld_arena_alloc(&p->arena, p->ntypes + extra, sizeof *t);
	if (!t)
		return LD_ERR_NOMEM;
	if (p->ntypes)
		memcpy(t, p->types, p->ntypes * sizeof *t);
	size_t n = p->ntypes;
	for (size_t i = 0; i < donor->ntypes; i++) {
		if (ld_profile_type(p, donor->types[i].name))
			continue;
		if (copy_type(&p->arena, &donor->types[i], &t[n++]) != LD_OK)
			return LD_ERR_NOMEM;
	}
	p->types = t;
	p->ntypes = n;
	qsort(p->types, p->ntypes, sizeof *p->types, type_cmp);
	return LD_OK;
}

ld_status ld_profile_inherit(struct ld_profile *p, const struct ld_profile *donor)
{
	if (!p || !donor || p == donor)
		return ld_fail(LD_ERR_ARG, "profile inherit: no profile or the same one");
	if (p->arch != donor->arch)
		return ld_fail(LD_ERR_ARG, "profile %s (%s) cannot borrow from %s (%s)", p->name,
			       ld_arch_name(p->arch), donor->name, ld_arch_name(donor->arch));
	donor = ld_profile_body(donor);
	ld_status st = inherit_groups(p, donor);
	if (st == LD_OK)
		st = inherit_types(p, donor);
	if (st != LD_OK)
		return ld_fail(LD_ERR_NOMEM, "profile %s: out of memory borrowing from %s", p->name,
			       donor->name);
	return LD_OK;
}
