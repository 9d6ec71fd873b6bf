/* kernel_slots.c — per-kernel cache slots for the layers above the kernel.
 *
 * Kept outside struct ld_kernel (a short list keyed by the kernel pointer) so
 * that the upper layers can cache without the kernel knowing their types. */
#include "kernel.h"

#include <stdlib.h>

struct slot_node {
	const struct ld_kernel *k;
	void *v[LD_SLOT_COUNT];
	void (*free_fn[LD_SLOT_COUNT])(void *);
	struct slot_node *next;
};

static struct slot_node *slot_list;

static struct slot_node *slot_find(const struct ld_kernel *k)
{
	for (struct slot_node *n = slot_list; n; n = n->next)
		if (n->k == k)
			return n;
	return NULL;
}

void *ld_kernel_slot_get(const struct ld_kernel *k, enum ld_slot s)
{
	struct slot_node *n = slot_find(k);
	if (!n || (unsigned)s >= LD_SLOT_COUNT)
		return NULL;
	return n->v[s];
}

bool ld_kernel_slot_set(struct ld_kernel *k, enum ld_slot s, void *v, void (*free_fn)(void *))
{
	if ((unsigned)s >= LD_SLOT_COUNT)
		return false;
	struct slot_node *n = slot_find(k);
	if (!n) {
		n = calloc(1, sizeof(*n));
		if (!n)
			return false;
		n->k = k;
		n->next = slot_list;
		slot_list = n;
	}
	if (n->v[s] && n->free_fn[s] && n->v[s] != v)
		n->free_fn[s](n->v[s]);
	n->v[s] = v;
	n->free_fn[s] = free_fn;
	return true;
}

void ld_kernel_slots_release(struct ld_kernel *k)
{
	for (struct slot_node **pp = &slot_list; *pp; pp = &(*pp)->next) {
		struct slot_node *n = *pp;
		if (n->k != k)
			continue;
		*pp = n->next;
		/* Upper layers first: the LPC cache may point into the model's. */
		for (int s = LD_SLOT_COUNT - 1; s >= 0; s--)
			if (n->v[s] && n->free_fn[s])
				n->free_fn[s](n->v[s]);
		free(n);
		return;
	}
}
