/*
 * session-priv.h — the shell's state, shared by the shell files, the session
 * numbering (session.c) and the commands that cache per-session data
 * (memory/disassembly symbols). Private to plugins/.
 *
 * Numbering: each listing numbers its rows from #1. A command that remembers
 * at least one row replaces the previous numbering; a command that shows no
 * rows (or fails) leaves it alone, so `thread #3` still means the row of the
 * last listing after a typo.
 */
#ifndef LPCDUMP_SESSION_PRIV_H
#define LPCDUMP_SESSION_PRIV_H

#include "plugins.h"

/* Rows kept per listing: a listing longer than this stops numbering (the
 * rows still print, without #N) rather than growing without bound. */
#define LD_SESSION_MAX_ROWS 100000u
/* Addresses remembered for tab completion, oldest dropped first. */
#define LD_SESSION_MAX_SEEN 4096u

struct ld_session_row {
	char kind[16];
	uint64_t addr;
};

struct ld_symbols;    /* addr-priv.h: exports of loaded modules, built lazily */

struct ld_session {
	struct ld_vec rows;          /* struct ld_session_row, current listing */
	bool fresh;                  /* the next remember starts a new listing */
	uint64_t seen[LD_SESSION_MAX_SEEN];  /* ring of addresses shown */
	size_t nseen, seen_next;
	bool no_pager;
	bool quit;
	struct ld_symbols *symbols;  /* cached across commands; dropped by refresh */
	/* Where db… and u stopped: the same command without an address goes on
	 * from there, as in WinDbg. */
	bool has_next_dump, next_dump_physical, has_next_disasm;
	uint64_t next_dump, next_disasm;
};

struct ld_session *ld_session_new(void);
void ld_session_free(struct ld_session *s);
/* Called before each command: its first remembered row starts a new listing. */
void ld_session_begin_command(struct ld_session *s);
/* The row #n (1-based) of the current listing, or NULL. */
const struct ld_session_row *ld_session_row(const struct ld_session *s, unsigned n);
size_t ld_session_nrows(const struct ld_session *s);
/* Addresses shown so far (for completion), newest last. */
size_t ld_session_seen_count(const struct ld_session *s);
uint64_t ld_session_seen_at(const struct ld_session *s, size_t i);
/* Forget cached analysis data (symbols) after `refresh`. */
void ld_session_drop_caches(struct ld_session *s);

#endif
