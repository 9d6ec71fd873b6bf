/*
 * test_kernel_units.c — decisions of the kernel layer that need no dump:
 * the Windows 8+ KDBG qword decoding (vectors computed independently), KDBG
 * header validation, and wait times from tick counts.
 */
#include "analyzer/kernel/kernel-priv.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static int failures;

#define CHECK(cond, ...) do { if (!(cond)) { failures++; \
	fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
	fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); } } while (0)

static void test_decode(void)
{
	static const struct { uint64_t e, never, always, flag, want; } v[] = {
		{ 0x1122334455667788ull, 0x0123456789abcdefull, 0xfedcba9876543210ull,
		  0xfffff8034a8ab000ull, 0x988221697524fe32ull },
		/* rotation by 0x40 & 63 = 0; the flag VA's top bits forced to 1 */
		{ 0, 0x8000000000000040ull, 0, 0xfffff80002a00000ull, 0x4000a00200f8ff7full },
		{ 0xffffffffffffffffull, 0x3f, 0x55, 0x1234, 0xd4edffffffff00d5ull },
	};
	for (size_t i = 0; i < LD_ARRAY_SIZE(v); i++) {
		uint64_t got = ld_kdbg_decode_qword(v[i].e, v[i].never, v[i].always, v[i].flag);
		CHECK(got == v[i].want, "decode vector %zu: 0x%llx, want 0x%llx", i,
		      (unsigned long long)got, (unsigned long long)v[i].want);
	}
}

static void header(uint8_t *h, uint32_t tag, uint32_t size, uint64_t kernbase)
{
	memset(h, 0, 0x20);
	ld_put_le32(h + KDBG_OWNER_TAG, tag);
	ld_put_le32(h + KDBG_SIZE, size);
	ld_put_le64(h + KDBG_KERN_BASE, kernbase);
}

static void test_header(void)
{
	uint8_t h[0x20];
	header(h, KDBG_TAG, 0x340, 0xfffff80002800000ull);
	CHECK(ld_kdbg_header_ok(LD_ARCH_X64, h, 0), "good x64 header refused");
	CHECK(ld_kdbg_header_ok(LD_ARCH_X64, h, 0xfffff80002800000ull), "matching base refused");
	CHECK(!ld_kdbg_header_ok(LD_ARCH_X64, h, 0xfffff80002a00000ull), "other base accepted");
	header(h, KDBG_TAG, 0x290, 0xffffffff804d7000ull);   /* x86: sign-extended */
	CHECK(ld_kdbg_header_ok(LD_ARCH_X86, h, 0x804d7000ull), "sign-extended x86 base refused");
	header(h, 0x4742444c, 0x340, 0xfffff80002800000ull);
	CHECK(!ld_kdbg_header_ok(LD_ARCH_X64, h, 0), "wrong tag accepted");
	header(h, KDBG_TAG, 0x344, 0xfffff80002800000ull);
	CHECK(!ld_kdbg_header_ok(LD_ARCH_X64, h, 0), "size not a multiple of 8 accepted");
	header(h, KDBG_TAG, 0x8000, 0xfffff80002800000ull);
	CHECK(!ld_kdbg_header_ok(LD_ARCH_X64, h, 0), "huge size accepted");
	header(h, KDBG_TAG, 0x100, 0xfffff80002800000ull);
	CHECK(!ld_kdbg_header_ok(LD_ARCH_X64, h, 0), "size short of KiProcessorBlock accepted");
	header(h, KDBG_TAG, 0x340, 0xfffff80002800123ull);
	CHECK(!ld_kdbg_header_ok(LD_ARCH_X64, h, 0), "unaligned KernBase accepted");
	header(h, KDBG_TAG, 0x340, 0);
	CHECK(!ld_kdbg_header_ok(LD_ARCH_X64, h, 0), "zero KernBase accepted");
}

static void test_ticks(void)
{
	struct ld_kernel k;
	double s = -1;

	memset(&k, 0, sizeof k);
	k.info.arch = LD_ARCH_X64;
	CHECK(!ld_kernel_ticks_to_seconds(&k, 100, &s), "seconds without KUSER_SHARED_DATA");
	k.info.has_shared_data = true;
	k.info.tick_count_multiplier = 0x0fa00000;     /* 15.625 ms per tick */
	k.info.tick_count = 460800;
	CHECK(ld_kernel_ticks_to_seconds(&k, 460800 - 64, &s) && fabs(s - 1.0) < 1e-9,
	      "64 ticks of 15.625 ms: %f s", s);
	CHECK(ld_kernel_ticks_to_seconds(&k, 0, &s) && fabs(s - 7200.0) < 1e-9,
	      "a wait since boot: %f s", s);
	/* 32-bit WaitTime against a 64-bit tick count past 2^32: modulo 2^32. */
	k.info.tick_count = 0x100000010ull;
	CHECK(ld_kernel_ticks_to_seconds(&k, 0xfffffff0u, &s) && fabs(s - 0.5) < 1e-9,
	      "wrapped 32-bit wait: %f s", s);
	/* A 64-bit start after the snapshot is not a wait. */
	CHECK(!ld_kernel_ticks_to_seconds(&k, 0x200000000ull, &s), "wait from the future");
	k.info.tick_count_multiplier = 0;
	CHECK(!ld_kernel_ticks_to_seconds(&k, 1, &s), "seconds without a tick length");
}

int main(void)
{
	test_decode();
	test_header();
	test_ticks();
	printf("kernel unit tests: %d failures\n", failures);
	return failures ? 1 : 0;
}
