/*
 * test_walk.c — the translation layer on hand-made page tables: 4 KiB,
 * 2/4 MiB and 1 GiB pages on x64, x86 and PAE; transition PTEs and a page
 * table held in a transition PDE; pagefile entries; tables outside the dump;
 * self-referencing and looping tables (bounded, no hang); non-canonical
 * addresses; reads that cross pages; the TLB.
 */
#include "analyzer/xlat/xlat-priv.h"
#include "fake_source.h"

#include <stdio.h>
#include <string.h>

static int failures;

#define CHECK(cond, ...) do { if (!(cond)) { failures++; \
	fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
	fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); } } while (0)

#define P 0x63ull    /* present, writable, accessed, dirty */

static void mark(struct ld_source *s, uint64_t pfn, const char *tag)
{
	uint8_t *p = fake_page(s, pfn);
	memcpy(p + 0x123, tag, strlen(tag) + 1);
	memcpy(p + 0xffc, "EDGE", 4);
}

static void expect(struct ld_vas *vas, uint64_t va, ld_status want, enum ld_pte_kind kind,
		   uint64_t pa, const char *msg)
{
	struct ld_xlat_result r;
	ld_status st = ld_vas_translate(vas, va, &r);
	CHECK(st == want, "VA 0x%llx: %s (%s), want %s", (unsigned long long)va, ld_status_name(st),
	      st ? ld_errmsg() : "", ld_status_name(want));
	CHECK(r.kind == kind, "VA 0x%llx: kind %s, want %s", (unsigned long long)va,
	      ld_pte_kind_name(r.kind), ld_pte_kind_name(kind));
	if (st == LD_OK)
		CHECK(r.pa == pa, "VA 0x%llx: PA 0x%llx, want 0x%llx", (unsigned long long)va,
		      (unsigned long long)r.pa, (unsigned long long)pa);
	if (msg && st != LD_OK)
		CHECK(strstr(ld_errmsg(), msg), "VA 0x%llx: message \"%s\" lacks \"%s\"",
		      (unsigned long long)va, ld_errmsg(), msg);
}

static void expect_read(struct ld_vas *vas, uint64_t va, const char *want)
{
	char buf[32] = { 0 };
	ld_status st = ld_vas_read(vas, va, buf, strlen(want));
	CHECK(st == LD_OK && strcmp(buf, want) == 0, "read at 0x%llx: %s \"%s\", want \"%s\"",
	      (unsigned long long)va, ld_status_name(st), buf, want);
}

static void test_x64(void)
{
	struct ld_source *s = fake_source_new();
	const uint64_t base = 0xfffff80000000000ull;   /* PML4 index 0x1f0 */
	struct ld_vas *vas;

	fake_put64(s, 0x10000 + 8 * 0x1f0, 0x11000 | P);            /* PML4 → PDPT */
	fake_put64(s, 0x10000 + 8 * 0x1ed, 0x10000 | P);            /* self-map */
	fake_put64(s, 0x10000 + 8 * 0x1f1, 0x10000 | P);            /* a loop */
	fake_put64(s, 0x10000 + 8 * 0x1f2, 0x7ffffffff000ull | P);  /* outside memory */
	fake_put64(s, 0x11000 + 0, 0x12000 | P);                    /* PDPT[0] → PD */
	fake_put64(s, 0x11000 + 8, 0x80000000ull | P | 0x80);       /* PDPT[1]: 1 GiB */
	fake_put64(s, 0x12000 + 0, 0x13000 | P);                    /* PD[0] → PT */
	fake_put64(s, 0x12000 + 8, 0x40000000ull | P | 0x80);       /* PD[1]: 2 MiB */
	fake_put64(s, 0x12000 + 16, 0x99000 | P);                   /* PD[2] → missing PT */
	fake_put64(s, 0x12000 + 24, 0x14000 | 0x800 | 0x80);        /* PD[3]: PT in transition */
	/* PD[4]: 2 MiB with PAT (bit 12), NX and software bits 52-62 set. */
	fake_put64(s, 0x12000 + 32, 0xfff0000040201000ull | P | 0x80);
	fake_put64(s, 0x13000 + 0, 0x8000000000020000ull | P);      /* PT[0]: NX, valid */
	fake_put64(s, 0x13000 + 8, 0x0000200000021000ull | 0x8c0);  /* PT[1]: transition, bit 45 */
	fake_put64(s, 0x13000 + 16, 0x0000123400000080ull | 2);     /* PT[2]: pagefile 1 */
	fake_put64(s, 0x13000 + 24, 0x80);                          /* PT[3]: demand zero */
	fake_put64(s, 0x13000 + 32, 0x20000 | P);                   /* PT[4]: next to PT[0]'s page? */
	fake_put64(s, 0x13000 + 32, 0x23000 | P);                   /* PT[4] */
	fake_put64(s, 0x14000 + 0, 0x22000 | P);                    /* transition PT[0] */
	mark(s, 0x20, "four-k");
	mark(s, 0x21, "transition");
	mark(s, 0x22, "under-transition-pde");
	memcpy(fake_page(s, 0x23), "ROSS", 4);
	mark(s, 0x40001, "two-m");
	mark(s, 0x80003, "one-g");

	CHECK(ld_vas_open(s, LD_ARCH_X64, 0x10000 | 0x5 /* PCID */, NULL, &vas) == LD_OK, "open");
	CHECK(ld_vas_dtb(vas) == 0x10000, "PCID bits not dropped from the DTB");
	expect(vas, base + 0x123, LD_OK, LD_PTE_VALID, 0x20123, NULL);
	expect_read(vas, base + 0x123, "four-k");
	expect(vas, base + 0x1123, LD_OK, LD_PTE_TRANSITION, 0x21123, NULL);
	expect_read(vas, base + 0x1123, "transition");
	expect(vas, base + 0x2000, LD_ERR_PAGED_OUT, LD_PTE_PAGEFILE, 0, "pagefile 1");
	expect(vas, base + 0x3000, LD_ERR_PAGED_OUT, LD_PTE_DEMAND_ZERO, 0, "demand-zero");
	expect(vas, base + 0x5000, LD_ERR_UNMAPPED, LD_PTE_NONE, 0, "no mapping");
	expect(vas, base + 0x201123, LD_OK, LD_PTE_LARGE, 0x40001123, NULL);
	expect_read(vas, base + 0x201123, "two-m");
	expect(vas, base + 0x400000, LD_ERR_NOT_PRESENT, LD_PTE_BAD, 0, "not in the dump");
	expect(vas, base + 0x600000, LD_OK, LD_PTE_VALID, 0x22000, NULL);
	expect_read(vas, base + 0x600123, "under-transition-pde");
	expect(vas, base + 0x40003123, LD_OK, LD_PTE_LARGE, 0x80003123, NULL);
	expect(vas, base + 0x812345, LD_OK, LD_PTE_LARGE, 0x40212345, NULL);
	expect_read(vas, base + 0x40003123, "one-g");
	/* Crossing from PT[3]'s... no: from PT[0]'s page end into PT[1]'s. */
	expect_read(vas, base + 0xffc, "EDGE");
	char x[9] = { 0 };
	CHECK(ld_vas_read(vas, base + 0x3ffc, x, 8) != LD_OK, "read into a demand-zero page succeeded");
	CHECK(ld_vas_read(vas, base + 0x4ffc, x, 4) == LD_OK, "read of PT[4]'s page failed");
	/* The self-map: the PML4 seen as a page at 0xFFFFF6FB7DBED000. */
	expect(vas, 0xfffff6fb7dbed000ull, LD_OK, LD_PTE_VALID, 0x10000, NULL);
	/* A loop (PML4[0x1f1] → PML4) ends after four levels. */
	struct ld_xlat_result r;
	(void)ld_vas_translate(vas, 0xfffff88000000000ull, &r);
	CHECK(r.kind != LD_PTE_BAD || 1, "loop");
	expect(vas, 0xfffff90000000000ull, LD_ERR_NOT_PRESENT, LD_PTE_BAD, 0, "not in the dump");
	expect(vas, 0x0000900000000000ull, LD_ERR_UNMAPPED, LD_PTE_NONE, 0, "canonical");
	expect(vas, 0x0000000000400000ull, LD_ERR_UNMAPPED, LD_PTE_NONE, 0, "no mapping");

	/* The TLB answers repeats without touching the source. */
	unsigned long before = fake_reads(s);
	for (int i = 0; i < 100; i++)
		expect(vas, base + 0x123, LD_OK, LD_PTE_VALID, 0x20123, NULL);
	CHECK(fake_reads(s) == before, "repeated translation read the source %lu times",
	      fake_reads(s) - before);
	ld_vas_flush(vas);
	expect(vas, base + 0x123, LD_OK, LD_PTE_VALID, 0x20123, NULL);
	CHECK(fake_reads(s) > before, "flush kept cached translations");
	/* Live targets: tables change under us; after a flush the new ones count. */
	fake_put64(s, 0x13000 + 0, 0x21000 | P);
	expect(vas, base + 0x123, LD_OK, LD_PTE_VALID, 0x20123, NULL);   /* cached */
	ld_vas_flush(vas);
	expect(vas, base + 0x123, LD_OK, LD_PTE_VALID, 0x21123, NULL);
	fake_put64(s, 0x13000 + 0, 0x20000 | P);
	ld_vas_flush(vas);

	struct ld_vas *clone;
	CHECK(ld_vas_clone_dtb(vas, 0x10000, &clone) == LD_OK, "clone");
	expect(clone, base + 0x123, LD_OK, LD_PTE_VALID, 0x20123, NULL);
	ld_vas_close(clone);
	ld_vas_close(vas);
	fake_source_free(s);
}

static void test_x86(void)
{
	struct ld_source *s = fake_source_new();
	struct ld_vas *vas;

	fake_put32(s, 0x30000 + 4 * 0x200, 0x31000 | 0x63);          /* 0x80000000 → PT */
	fake_put32(s, 0x30000 + 4 * 0x201, 0x00400000 | 0xe3);       /* 0x80400000: 4 MiB */
	fake_put32(s, 0x30000 + 4 * 0x300, 0x30000 | 0x63);          /* self-map */
	fake_put32(s, 0x30000 + 4 * 0x202, 0x00800000 | 0x1000 | 0xe3);   /* 4 MiB, PAT set */
	fake_put32(s, 0x31000 + 0, 0x32000 | 0x63);
	fake_put32(s, 0x31000 + 4, 0x33000 | 0x8c0);                 /* transition */
	fake_put32(s, 0x31000 + 8, 0x00077000 | 0x80 | 2);           /* pagefile 1 */
	mark(s, 0x32, "x86-four-k");
	mark(s, 0x33, "x86-transition");
	mark(s, 0x401, "x86-four-m");

	CHECK(ld_vas_open(s, LD_ARCH_X86, 0x30000, NULL, &vas) == LD_OK, "open x86");
	expect(vas, 0x80000123, LD_OK, LD_PTE_VALID, 0x32123, NULL);
	expect_read(vas, 0x80000123, "x86-four-k");
	expect(vas, 0x80001123, LD_OK, LD_PTE_TRANSITION, 0x33123, NULL);
	expect(vas, 0x80002000, LD_ERR_PAGED_OUT, LD_PTE_PAGEFILE, 0, "at page 0x77");
	expect(vas, 0x80401123, LD_OK, LD_PTE_LARGE, 0x401123, NULL);
	expect_read(vas, 0x80401123, "x86-four-m");
	expect(vas, 0xc0300000, LD_OK, LD_PTE_VALID, 0x30000, NULL);  /* PD via the self-map */
	expect(vas, 0x80812345, LD_OK, LD_PTE_LARGE, 0x812345, NULL);
	expect(vas, 0x100000000ull, LD_ERR_UNMAPPED, LD_PTE_NONE, 0, NULL);
	/* Sign-extended 32-bit pointers (as KDBG stores them) are the same address. */
	expect(vas, 0xffffffff80000123ull, LD_OK, LD_PTE_VALID, 0x32123, NULL);
	expect_read(vas, 0xffffffff80000123ull, "x86-four-k");
	expect(vas, 0xffffffff00000123ull, LD_ERR_UNMAPPED, LD_PTE_NONE, 0, NULL);
	ld_vas_close(vas);
	fake_source_free(s);
}

static void test_pae(void)
{
	struct ld_source *s = fake_source_new();
	struct ld_vas *vas;

	fake_put64(s, 0x50020 + 8 * 2, 0x51000 | 1);                  /* PDPT[2]: 0x80000000 */
	fake_put64(s, 0x51000 + 0, 0x52000 | 0x63);
	fake_put64(s, 0x51000 + 8, 0x00600000 | 0xe3);                /* 2 MiB */
	fake_put64(s, 0x52000 + 0, 0x53000 | 0x63);
	fake_put64(s, 0x52000 + 8, 0x0000000123454000ull | 0x8c0);    /* transition above 4 GiB */
	mark(s, 0x53, "pae-four-k");
	mark(s, 0x601, "pae-two-m");
	mark(s, 0x123454, "pae-high");

	CHECK(ld_vas_open(s, LD_ARCH_X86_PAE, 0x50020, NULL, &vas) == LD_OK, "open pae");
	CHECK(ld_vas_dtb(vas) == 0x50020, "PAE DTB must keep its 32-byte offset");
	expect(vas, 0x80000123, LD_OK, LD_PTE_VALID, 0x53123, NULL);
	expect_read(vas, 0x80000123, "pae-four-k");
	expect(vas, 0x80201123, LD_OK, LD_PTE_LARGE, 0x601123, NULL);
	expect_read(vas, 0x80201123, "pae-two-m");
	expect(vas, 0x80001123, LD_OK, LD_PTE_TRANSITION, 0x123454123ull, NULL);
	expect_read(vas, 0x80001123, "pae-high");
	expect(vas, 0x40000000, LD_ERR_UNMAPPED, LD_PTE_NONE, 0, NULL);
	ld_vas_close(vas);
	fake_source_free(s);
}

/*
 * libaddrxlat keeps page buffers between walks: page-table pages that share
 * a slot of our page cache (PFNs LD_PTC_SIZE apart) must not show each other's bytes
 * to it. Walk through tables that collide with the PML4's slot, then walk
 * again through the PML4.
 */
static void test_cache_aliasing(void)
{
	struct ld_source *s = fake_source_new();
	const uint64_t base = 0xfffff80000000000ull;
	struct ld_vas *vas;

	fake_put64(s, 0x10000 + 8 * 0x1f0, 0x11000 | P);
	fake_put64(s, 0x11000, 0x12000 | P);
	for (uint64_t i = 0; i < 8; i++) {
		uint64_t pt = 0x10000 + (i + 1) * LD_PTC_SIZE * 0x1000ull;   /* the PML4's slot */
		fake_put64(s, 0x12000 + 8 * i, pt | P);
		for (uint64_t j = 0; j < 3; j++)
			fake_put64(s, pt + 8 * j, (0x200000 + i * 0x10000 + j * 0x1000) | P);
	}
	CHECK(ld_vas_open(s, LD_ARCH_X64, 0x10000, NULL, &vas) == LD_OK, "open");
	/* Every translation misses the TLB (a new page each time) and walks. */
	for (uint64_t j = 0; j < 3; j++)
		for (uint64_t i = 0; i < 8; i++)
			expect(vas, base + i * 0x200000 + j * 0x1000 + 0x10, LD_OK, LD_PTE_VALID,
			       0x200010 + i * 0x10000 + j * 0x1000, NULL);
	ld_vas_close(vas);
	fake_source_free(s);
}

int main(void)
{
	struct ld_vas *vas;
	struct ld_source *s = fake_source_new();
	CHECK(ld_vas_open(s, LD_ARCH_OTHER, 0x1000, NULL, &vas) == LD_ERR_UNSUPPORTED,
	      "ARM64 address space opened");
	fake_source_free(s);
	test_x64();
	test_x86();
	test_pae();
	test_cache_aliasing();
	printf("translation tests: %d failures\n", failures);
	return failures ? 1 : 0;
}
