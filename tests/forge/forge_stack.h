/*
 * forge_stack.h — kernel stacks for forged threads, so the shell's `k`
 * (plugins/cmd_stack.c) can be tested against known return addresses.
 *
 *  kstack tid=N base=VA size=BYTES sp=VA [ret=VA,VA,...]
 *
 * maps [base-size, base) as the thread's kernel stack, sets its
 * KTHREAD.KernelStack = sp, StackBase = InitialStack = base, StackLimit =
 * base-size, and writes the listed values as pointers from sp upwards, one
 * per slot (0 leaves a slot empty). Everything else on the stack is zero.
 */
#ifndef LPCDUMP_FORGE_STACK_H
#define LPCDUMP_FORGE_STACK_H

#include "forge.h"

int fg_dir_kstack(struct fg_machine *m, int argc, char **argv, const char *where);

#endif
