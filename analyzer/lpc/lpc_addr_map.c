/* lpc_addr_map.c — address → index map for the model's lookups (see lpc-priv.h). */
#include "lpc-priv.h"

#include <stdlib.h>
#include <string.h>

/* Fibonacci hashing: kernel objects are 8/16-byte aligned, so the low bits
 * alone would cluster. */
static size_t slot_of(uint64_t key, size_t cap)
{
	return (size_t)((key * 0x9E3779B97F4A7C15ull) >> 20) & (cap - 1);
}

static ld_status grow(struct lpc_addr_map *h)
{
	size_t ncap = h->cap ? h->cap * 2 : 64;
	uint64_t *keys = ld_xcalloc(ncap, sizeof *keys);
	size_t *vals = ld_xcalloc(ncap, sizeof *vals);
	if (!keys || !vals) {
		free(keys);
		free(vals);
		return ld_fail(LD_ERR_NOMEM, "address index of %zu entries", ncap);
	}
	for (size_t i = 0; i < h->cap; i++) {
		if (!h->keys[i])
			continue;
		size_t s = slot_of(h->keys[i], ncap);
		while (keys[s])
			s = (s + 1) & (ncap - 1);
		keys[s] = h->keys[i];
		vals[s] = h->vals[i];
	}
	free(h->keys);
	free(h->vals);
	h->keys = keys;
	h->vals = vals;
	h->cap = ncap;
	return LD_OK;
}

ld_status lpc_addr_map_put(struct lpc_addr_map *h, uint64_t key, size_t val)
{
	if (!key)
		return ld_fail(LD_ERR_ARG, "address index: NULL key");
	if ((h->len + 1) * 2 > h->cap) {
		ld_status st = grow(h);
		if (st != LD_OK)
			return st;
	}
	size_t s = slot_of(key, h->cap);
	while (h->keys[s] && h->keys[s] != key)
		s = (s + 1) & (h->cap - 1);
	if (!h->keys[s])
		h->len++;
	h->keys[s] = key;
	h->vals[s] = val;
	return LD_OK;
}

size_t lpc_addr_map_get(const struct lpc_addr_map *h, uint64_t key)
{
	if (!h->cap || !key)
		return LD_LPC_NONE;
	size_t s = slot_of(key, h->cap);
	while (h->keys[s]) {
		if (h->keys[s] == key)
			return h->vals[s];
		s = (s + 1) & (h->cap - 1);
	}
	return LD_LPC_NONE;
}

void lpc_addr_map_free(struct lpc_addr_map *h)
{
	free(h->keys);
	free(h->vals);
	h->keys = NULL;
	h->vals = NULL;
	h->cap = h->len = 0;
}

/* ---- id multimap ---- */

/* Ids may be 0; map keys may not: keep the id in the low half, a marker above. */
#define ID_KEY(id) ((uint64_t)(id) | (1ull << 40))

ld_status lpc_id_index_init(struct lpc_id_index *x, size_t n)
{
	memset(x, 0, sizeof(*x));
	x->next = ld_xcalloc(n ? n : 1, sizeof(size_t));
	if (!x->next)
		return ld_fail_ctx(LD_ERR_NOMEM, "id index of %zu entries", n);
	x->n = n;
	return LD_OK;
}

/* Indexes are added in increasing order; each id's chain keeps that order. */
ld_status lpc_id_index_add(struct lpc_id_index *x, uint32_t id, size_t index)
{
	if (index >= x->n)
		return ld_fail(LD_ERR_ARG, "id index: %zu out of range", index);
	x->next[index] = LD_LPC_NONE;
	size_t head = lpc_addr_map_get(&x->heads, ID_KEY(id));
	if (head == LD_LPC_NONE)
		return lpc_addr_map_put(&x->heads, ID_KEY(id), index);
	while (x->next[head] != LD_LPC_NONE)
		head = x->next[head];
	x->next[head] = index;
	return LD_OK;
}

size_t lpc_id_index_first(const struct lpc_id_index *x, uint32_t id)
{
	return lpc_addr_map_get(&x->heads, ID_KEY(id));
}

size_t lpc_id_index_next(const struct lpc_id_index *x, size_t index)
{
	return index < x->n ? x->next[index] : LD_LPC_NONE;
}

void lpc_id_index_free(struct lpc_id_index *x)
{
	lpc_addr_map_free(&x->heads);
	free(x->next);
	x->next = NULL;
}
