/* session.c — numbered rows (#N) for walking objects in the shell (see
 * plugins.h and session-priv.h). Outside the shell there is no session and
 * rows are not numbered. */
#include "session-priv.h"
#include "addr-priv.h"

#include <stdlib.h>
#include <string.h>

struct ld_session *ld_session_new(void)
{
	struct ld_session *s = ld_xcalloc(1, sizeof *s);
	if (!s)
		return NULL;
	ld_vec_init(&s->rows, sizeof(struct ld_session_row));
	s->fresh = true;
	return s;
}

void ld_session_free(struct ld_session *s)
{
	if (!s)
		return;
	ld_vec_free(&s->rows);
	ld_session_drop_caches(s);
	free(s);
}

void ld_session_drop_caches(struct ld_session *s)
{
	ld_symbols_free(s->symbols);
	s->symbols = NULL;
}

void ld_session_begin_command(struct ld_session *s)
{
	s->fresh = true;
}

static void remember_seen(struct ld_session *s, uint64_t addr)
{
	/* A short linear look-back keeps the ring free of the common repeats
	 * (the same port in every row of a chain) without an index. */
	for (size_t i = 0; i < s->nseen && i < 64; i++) {
		size_t at = (s->seen_next + LD_SESSION_MAX_SEEN - 1 - i) % LD_SESSION_MAX_SEEN;
		if (s->seen[at] == addr)
			return;
	}
	s->seen[s->seen_next] = addr;
	s->seen_next = (s->seen_next + 1) % LD_SESSION_MAX_SEEN;
	if (s->nseen < LD_SESSION_MAX_SEEN)
		s->nseen++;
}

unsigned ld_session_remember(struct ld_cmd_ctx *ctx, const char *kind, uint64_t addr)
{
	struct ld_session *s = ctx->session;
	if (!s)
		return 0;
	if (s->fresh) {
		s->rows.len = 0;
		s->fresh = false;
	}
	remember_seen(s, addr);
	/* The same object twice in one listing (a port on every hop of a chain)
	 * keeps its first number. */
	for (size_t i = 0; i < s->rows.len; i++) {
		const struct ld_session_row *r = ld_vec_at(&s->rows, i);
		if (r->addr == addr && strcmp(r->kind, kind ? kind : "") == 0)
			return (unsigned)(i + 1);
	}
	if (s->rows.len >= LD_SESSION_MAX_ROWS)
		return 0;
	struct ld_session_row row = { .addr = addr };
	snprintf(row.kind, sizeof row.kind, "%s", kind ? kind : "");
	if (ld_vec_push(&s->rows, &row) != LD_OK)
		return 0;
	return (unsigned)s->rows.len;
}

const struct ld_session_row *ld_session_row(const struct ld_session *s, unsigned n)
{
	if (!s || n == 0 || n > s->rows.len)
		return NULL;
	return ld_vec_at(&s->rows, n - 1);
}

size_t ld_session_nrows(const struct ld_session *s)
{
	return s ? s->rows.len : 0;
}

size_t ld_session_seen_count(const struct ld_session *s)
{
	return s ? s->nseen : 0;
}

uint64_t ld_session_seen_at(const struct ld_session *s, size_t i)
{
	size_t oldest = (s->seen_next + LD_SESSION_MAX_SEEN - s->nseen) % LD_SESSION_MAX_SEEN;
	return s->seen[(oldest + i) % LD_SESSION_MAX_SEEN];
}
