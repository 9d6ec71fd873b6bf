/* profile_arena.c — the bump allocator that owns everything in a profile. */
#include "types-priv.h"

#include <stdlib.h>
#include <string.h>

#define ARENA_BLOCK ((size_t)64 << 10)

struct ld_arena_block {
	struct ld_arena_block *next;
	size_t used, cap;
	max_align_t data[];
};

static struct ld_arena_block *new_block(struct ld_arena *a, size_t need)
{
	size_t cap = need > ARENA_BLOCK ? need : ARENA_BLOCK;
	struct ld_arena_block *b = ld_xcalloc(1, sizeof *b + cap);
	if (!b)
		return NULL;
	b->cap = cap;
	b->next = a->head;
	a->head = b;
	return b;
}

void *ld_arena_alloc(struct ld_arena *a, size_t n, size_t size)
{
	if (size && n > LD_ALLOC_CAP / size) {
		ld_fail(LD_ERR_NOMEM, "profile: refusing to allocate %zu x %zu bytes", n, size);
		return NULL;
	}
	size_t bytes = n * size;
	size_t align = sizeof(max_align_t);
	bytes = (bytes + align - 1) / align * align;
	if (bytes == 0)
		bytes = align;
	if (a->total + bytes > LD_ALLOC_CAP) {
		ld_fail(LD_ERR_NOMEM, "profile: over %zu bytes", (size_t)LD_ALLOC_CAP);
		return NULL;
	}
	struct ld_arena_block *b = a->head;
	/* Big requests get their own block behind the current one, so the
	 * remainder of the current block is not wasted. */
	if (!b || b->cap - b->used < bytes) {
		b = new_block(a, bytes);
		if (!b)
			return NULL;
	}
	void *p = (char *)b->data + b->used;
	b->used += bytes;
	a->total += bytes;
	return p;   /* blocks come from calloc: already zero */
}

char *ld_arena_strdup(struct ld_arena *a, const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = ld_arena_alloc(a, n, 1);
	if (p)
		memcpy(p, s, n);
	return p;
}

void ld_arena_free(struct ld_arena *a)
{
	struct ld_arena_block *b = a->head;
	while (b) {
		struct ld_arena_block *next = b->next;
		free(b);
		b = next;
	}
	a->head = NULL;
	a->total = 0;
}
