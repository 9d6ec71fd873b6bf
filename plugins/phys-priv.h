/*
 * phys-priv.h — the hidden physical-memory commands (physread, physscan,
 * physinfo) that test and benchmark the source layer below the kernel:
 * they open the dump as a bare source, so they work on dumps the kernel
 * layer cannot analyse (triage, ARM64, no KDBG).
 */
#ifndef LPCDUMP_PHYS_PRIV_H
#define LPCDUMP_PHYS_PRIV_H

#include "plugins.h"
#include "../analyzer/source/source.h"

/* The source of the open kernel (shell), or the dump opened as a bare source
 * (*owned set: the caller closes it). Prints the error itself. */
int ld_phys_open(struct ld_cmd_ctx *ctx, const char *cmd, struct ld_source **src, bool *owned);
/* Run body on that source and close it when it was opened for this: returns
 * ld_phys_open's exit status when it fails, else body's. */
typedef int ld_phys_body_fn(struct ld_cmd_ctx *ctx, struct ld_source *src, void *arg);
int ld_phys_with_source(struct ld_cmd_ctx *ctx, const char *cmd, ld_phys_body_fn *body, void *arg);

#endif
