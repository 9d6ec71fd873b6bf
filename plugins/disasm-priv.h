/*
 * disasm-priv.h — capstone set up for the dump's architecture, shared by `u`
 * (cmd_disasm.c) and the stack walk's return-address check (cmd_stack.c).
 * Private to plugins/.
 */
#ifndef LPCDUMP_DISASM_PRIV_H
#define LPCDUMP_DISASM_PRIV_H

#include <capstone/capstone.h>

#include "plugins.h"

/* capstone for x86 or x64 (per the kernel's architecture), MASM syntax as
 * WinDbg prints it, with instruction details. LD_ERR_UNSUPPORTED for other
 * architectures. */
ld_status ld_disasm_open(struct ld_kernel *k, csh *out);
/* Does a call instruction end exactly at ret (the bytes before a return
 * address)? *target gets a direct call's destination, 0 for indirect calls. */
bool ld_disasm_call_before(struct ld_kernel *k, csh cs, uint64_t ret, uint64_t *target);

#endif
