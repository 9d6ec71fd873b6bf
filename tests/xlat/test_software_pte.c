/*
 * test_software_pte.c — the Windows software-PTE decoder, entry by entry
 * (DUMP-FORMATS.md §5): what each not-present entry means on x86, PAE and
 * x64, and which status and message the user gets for it.
 */
#include "analyzer/xlat/xlat-priv.h"

#include <stdio.h>
#include <string.h>

static int failures;

#define CHECK(cond, ...) do { if (!(cond)) { failures++; \
	fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
	fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); } } while (0)

struct pte_case {
	const char *what;
	enum ld_arch arch;
	uint32_t build;
	uint64_t mask;              /* invalid_pte_mask */
	uint64_t entry;
	ld_status want_status;
	enum ld_pte_kind want_kind;
	uint64_t want_pa;           /* for transition, with the VA's offset 0x123 */
	const char *want_msg;       /* substring of the message, or NULL */
};

static const struct pte_case cases[] = {
	/* x64 */
	{ "x64 zero", LD_ARCH_X64, 7601, 0, 0, LD_ERR_UNMAPPED, LD_PTE_NONE, 0, "no mapping" },
	{ "x64 transition", LD_ARCH_X64, 7601, 0, 0x00000001234568c0ull, LD_OK, LD_PTE_TRANSITION,
	  0x123456123ull, NULL },
	{ "x64 transition bit 45 cleared", LD_ARCH_X64, 19041, 0, 0x00002000abcde8c0ull, LD_OK,
	  LD_PTE_TRANSITION, 0xabcde123ull, NULL },
	{ "x64 transition NX kept out", LD_ARCH_X64, 19041, 0, 0x80000000abcde880ull, LD_OK,
	  LD_PTE_TRANSITION, 0xabcde123ull, NULL },
	{ "x64 prototype", LD_ARCH_X64, 7601, 0, 0xfffff8a000123400ull | 0x400, LD_ERR_PAGED_OUT,
	  LD_PTE_PROTOTYPE, 0, "prototype" },
	{ "x64 prototype VAD lookup", LD_ARCH_X64, 7601, 0, 0xffffffff00000420ull, LD_ERR_PAGED_OUT,
	  LD_PTE_PROTOTYPE, 0, "prototype" },
	{ "x64 pagefile 7601", LD_ARCH_X64, 7601, 0, 0x0001234500000080ull | (1 << 1),
	  LD_ERR_PAGED_OUT, LD_PTE_PAGEFILE, 0, "in pagefile 1 at page 0x12345" },
	{ "x64 pagefile 17763 number in bits 12-15", LD_ARCH_X64, 17763, 0,
	  0x0000777700000080ull | (3ull << 12) | 0x10, LD_ERR_PAGED_OUT, LD_PTE_PAGEFILE, 0,
	  "in pagefile 3 at page 0x7777" },
	{ "x64 compressed store", LD_ARCH_X64, 17763, 0, 0x0000000500000080ull | (2ull << 12) | 0x10,
	  LD_ERR_PAGED_OUT, LD_PTE_PAGEFILE, 0, "compressed store" },
	{ "x64 swizzled pagefile", LD_ARCH_X64, 17763, 0xffffffff00000000ull,
	  0xffffedcb00000080ull | (1ull << 12), LD_ERR_PAGED_OUT, LD_PTE_PAGEFILE, 0,
	  "at page 0x1234" },
	{ "x64 unswizzled (bit 4 set)", LD_ARCH_X64, 17763, 0xffffffff00000000ull,
	  0x0000123400000090ull | (1ull << 12), LD_ERR_PAGED_OUT, LD_PTE_PAGEFILE, 0,
	  "at page 0x1234" },
	{ "x64 demand zero", LD_ARCH_X64, 7601, 0, 4 << 5, LD_ERR_PAGED_OUT, LD_PTE_DEMAND_ZERO, 0,
	  "demand-zero" },
	{ "x64 win11 file-backed", LD_ARCH_X64, 22621, 0, 0xffff800000000000ull | 0x80,
	  LD_ERR_PAGED_OUT, LD_PTE_PROTOTYPE, 0, "file-backed" },
	{ "x64 pagefile high bits before 22621", LD_ARCH_X64, 19041, 0, 0xffff800000000080ull,
	  LD_ERR_PAGED_OUT, LD_PTE_PAGEFILE, 0, "pagefile" },
	/* x86 */
	{ "x86 zero", LD_ARCH_X86, 2600, 0, 0, LD_ERR_UNMAPPED, LD_PTE_NONE, 0, NULL },
	{ "x86 transition", LD_ARCH_X86, 2600, 0, 0x0badc8c0u, LD_OK, LD_PTE_TRANSITION, 0x0badc123u,
	  NULL },
	{ "x86 pagefile", LD_ARCH_X86, 2600, 0, 0x00042000u | 0x80 | (1 << 1), LD_ERR_PAGED_OUT,
	  LD_PTE_PAGEFILE, 0, "in pagefile 1 at page 0x42" },
	{ "x86 prototype", LD_ARCH_X86, 2600, 0, 0x12345400u, LD_ERR_PAGED_OUT, LD_PTE_PROTOTYPE, 0,
	  "prototype" },
	{ "x86 demand zero", LD_ARCH_X86, 2600, 0, 0x80, LD_ERR_PAGED_OUT, LD_PTE_DEMAND_ZERO, 0,
	  "demand-zero" },
	/* PAE */
	{ "pae transition above 4 GiB", LD_ARCH_X86_PAE, 7601, 0, 0x00000012345678c0ull, LD_OK,
	  LD_PTE_TRANSITION, 0x1234567123ull, NULL },
	{ "pae pagefile", LD_ARCH_X86_PAE, 7601, 0, 0x0000abcd00000080ull | (2 << 1),
	  LD_ERR_PAGED_OUT, LD_PTE_PAGEFILE, 0, "in pagefile 2 at page 0xabcd" },
	{ "pae prototype", LD_ARCH_X86_PAE, 7601, 0, 0x8123450000000400ull, LD_ERR_PAGED_OUT,
	  LD_PTE_PROTOTYPE, 0, "prototype" },
};

static void run_case(const struct pte_case *c)
{
	struct ld_vas_opts o = { .build = c->build, .invalid_pte_mask = c->mask };
	struct ld_xlat_result r;
	uint64_t va = c->arch == LD_ARCH_X64 ? 0xfffff80000001123ull : 0x80001123ull;

	memset(&r, 0xa5, sizeof r);
	ld_fail(LD_ERR_ARG, "-");
	ld_status st = ld_pte_decode_software(c->arch, &o, va, c->entry, 1, &r);
	CHECK(st == c->want_status, "%s: status %s, want %s", c->what, ld_status_name(st),
	      ld_status_name(c->want_status));
	CHECK(r.kind == c->want_kind, "%s: kind %s, want %s", c->what, ld_pte_kind_name(r.kind),
	      ld_pte_kind_name(c->want_kind));
	CHECK(r.entry == c->entry && r.level == 1, "%s: entry/level not reported", c->what);
	if (st == LD_OK)
		CHECK(r.pa == c->want_pa, "%s: pa 0x%llx, want 0x%llx", c->what,
		      (unsigned long long)r.pa, (unsigned long long)c->want_pa);
	if (c->want_msg)
		CHECK(strstr(ld_errmsg(), c->want_msg) != NULL, "%s: message \"%s\" lacks \"%s\"",
		      c->what, ld_errmsg(), c->want_msg);
}

int main(void)
{
	for (size_t i = 0; i < LD_ARRAY_SIZE(cases); i++)
		run_case(&cases[i]);
	printf("%zu software-PTE cases, %d failures\n", LD_ARRAY_SIZE(cases), failures);
	return failures ? 1 : 0;
}
