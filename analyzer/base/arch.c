/* arch.c — architecture names and pointer canonicalisation (see base.h). */
#include "base.h"

#include <string.h>

const char *ld_arch_name(enum ld_arch a)
{
	switch (a) {
	case LD_ARCH_X86: return "x86";
	case LD_ARCH_X86_PAE: return "x86-pae";
	case LD_ARCH_X64: return "x64";
	case LD_ARCH_OTHER: return "other";
	default: return "unknown";
	}
}

enum ld_arch ld_arch_parse(const char *s)
{
	if (!strcmp(s, "x86")) return LD_ARCH_X86;
	if (!strcmp(s, "x86-pae") || !strcmp(s, "pae")) return LD_ARCH_X86_PAE;
	if (!strcmp(s, "x64") || !strcmp(s, "amd64") || !strcmp(s, "x86_64")) return LD_ARCH_X64;
	return LD_ARCH_UNKNOWN;
}

uint64_t ld_arch_canonical(enum ld_arch a, uint64_t va)
{
	if (a != LD_ARCH_X64)
		return va & 0xffffffffu;
	/* x64: 48-bit virtual addresses, sign-extended from bit 47. */
	return (va & (1ull << 47)) ? (va | 0xffff000000000000ull) : (va & 0x0000ffffffffffffull);
}
