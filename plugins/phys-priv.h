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

#endif
