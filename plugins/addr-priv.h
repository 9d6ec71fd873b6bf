/*
 * addr-priv.h — addresses as the memory commands (db…, u, k) take and show
 * them: WinDbg-style parsing and formatting, and symbols from the export
 * directories of loaded modules. Private to plugins/.
 */
#ifndef LPCDUMP_ADDR_PRIV_H
#define LPCDUMP_ADDR_PRIV_H

#include "plugins.h"

/* ---- symbols (addr_symbols.c) ---- */

struct ld_symbols;
/* Modules from PsLoadedModuleList (or just the kernel image when the list
 * cannot be walked), each with its exports read lazily on first use. */
ld_status ld_symbols_load(struct ld_kernel *k, struct ld_symbols **out);
void ld_symbols_free(struct ld_symbols *s);
/* The symbols for this command: the shell session's cached table, or a
 * fresh one the caller frees when *owned is set. NULL when none. */
struct ld_symbols *ld_cmd_symbols(struct ld_cmd_ctx *ctx, bool *owned);
/* "nt!Name+0x10", "hal+0x1234" (in a module, no export below), or false. */
bool ld_symbols_name(struct ld_symbols *s, uint64_t va, char *buf, size_t len);
/* True when an export starts exactly at va; its "mod!Name" in buf. */
bool ld_symbols_exact(struct ld_symbols *s, uint64_t va, char *buf, size_t len);
/* "mod!Name" or a bare "Name" (searched in every module, kernel first). */
bool ld_symbols_lookup(struct ld_symbols *s, const char *name, uint64_t *va);
/* Every export of every module whose name matches mod (NULL: all), in
 * module order then address order; fn returns false to stop. */
void ld_symbols_each(struct ld_symbols *s, const char *mod,
		     bool (*fn)(const char *mod, const char *name, uint64_t va, void *arg), void *arg);
/* Is va inside a known module image? */
bool ld_symbols_in_module(struct ld_symbols *s, uint64_t va);

/* ---- parsing and formatting (addr_parse.c) ---- */

/* An address as WinDbg reads one (not canonicalised: it may be physical):
 * hexadecimal by default ("804d7000",
 * "fffff800`02800000", "0x…"), "0n123" decimal, "#N" (a shell row),
 * "mod!Name" or "Name" (an export), each optionally followed by +OFF / -OFF. */
bool ld_cmd_parse_addr(struct ld_cmd_ctx *ctx, const char *s, uint64_t *out);
/* A count ("L20", or the number after a separate "L"): hexadecimal by
 * default as in WinDbg, "0n" for decimal. */
bool ld_cmd_parse_count(const char *s, uint64_t *out);
/* va the way WinDbg shows it: 8 hex digits on 32-bit targets,
 * "xxxxxxxx`xxxxxxxx" on 64-bit ones. buf ≥ 20 bytes. */
const char *ld_fmt_addr(const struct ld_kernel *k, uint64_t va, char *buf, size_t len);

#endif
