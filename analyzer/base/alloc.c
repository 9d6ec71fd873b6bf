/* alloc.c — capped allocation and the growable vector (see base.h). */
#include "base.h"

#include <stdlib.h>
#include <string.h>

static bool over_cap(size_t n, size_t size)
{
	return size != 0 && (n > LD_ALLOC_CAP / size);
}

void *ld_xcalloc(size_t n, size_t size)
{
	if (over_cap(n, size)) {
		ld_fail(LD_ERR_NOMEM, "refusing to allocate %zu x %zu bytes", n, size);
		return NULL;
	}
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		ld_fail(LD_ERR_NOMEM, "out of memory allocating %zu x %zu bytes", n, size);
	return p;
}

void *ld_xrealloc(void *p, size_t n, size_t size)
{
	if (over_cap(n, size)) {
		ld_fail(LD_ERR_NOMEM, "refusing to allocate %zu x %zu bytes", n, size);
		return NULL;
	}
	void *q = realloc(p, (n ? n : 1) * (size ? size : 1));
	if (!q)
		ld_fail(LD_ERR_NOMEM, "out of memory allocating %zu x %zu bytes", n, size);
	return q;
}

char *ld_xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = ld_xcalloc(n, 1);
	if (p)
		memcpy(p, s, n);
	return p;
}

void ld_vec_init(struct ld_vec *v, size_t elem)
{
	v->data = NULL;
	v->len = v->cap = 0;
	v->elem = elem;
}

ld_status ld_vec_push(struct ld_vec *v, const void *item)
{
	if (v->len == v->cap) {
		size_t ncap = v->cap ? v->cap * 2 : 16;
		void *nd = ld_xrealloc(v->data, ncap, v->elem);
		if (!nd)
			return LD_ERR_NOMEM;
		v->data = nd;
		v->cap = ncap;
	}
	memcpy((char *)v->data + v->len * v->elem, item, v->elem);
	v->len++;
	return LD_OK;
}

void *ld_vec_at(const struct ld_vec *v, size_t i)
{
	return i < v->len ? (char *)v->data + i * v->elem : NULL;
}

void ld_vec_free(struct ld_vec *v)
{
	free(v->data);
	ld_vec_init(v, v->elem);
}
