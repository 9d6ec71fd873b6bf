/*
 * kernel_shared_data.c — KUSER_SHARED_DATA, the page the kernel maps at a
 * fixed address on every build: the clocks (interrupt time, system time,
 * tick count) and the NT version.
 *
 * Offsets (the Volatility _KUSER_SHARED_DATA vtypes; stable since NT 5.1):
 *   0x000 TickCountLowDeprecated (u32)   0x004 TickCountMultiplier (u32)
 *   0x008 InterruptTime (KSYSTEM_TIME)   0x014 SystemTime (KSYSTEM_TIME)
 *   0x260 NtBuildNumber (u32, Win10+)    0x26c NtMajorVersion, 0x270 NtMinorVersion
 *   0x320 TickCount (KSYSTEM_TIME / TickCountQuad)
 * A KSYSTEM_TIME is LowPart u32, High1Time i32, High2Time i32; the kernel
 * writes High2, Low, High1 in that order, so High1 != High2 means the
 * snapshot caught an update half-way and the value is reported as torn.
 */
#include "kernel-priv.h"

#include <inttypes.h>

enum {
	KUSER_TICK_COUNT_LOW = 0x000,
	KUSER_TICK_COUNT_MULTIPLIER = 0x004,
	KUSER_INTERRUPT_TIME = 0x008,
	KUSER_SYSTEM_TIME = 0x014,
	KUSER_NT_BUILD_NUMBER = 0x260,
	KUSER_NT_MAJOR_VERSION = 0x26c,
	KUSER_NT_MINOR_VERSION = 0x270,
	KUSER_TICK_COUNT = 0x320,
	KUSER_READ_SIZE = 0x330,
};

/* NtBuildNumber is only kept in KUSER_SHARED_DATA from Windows 10 on. */
#define NT_MAJOR_WITH_BUILD_NUMBER 10

uint64_t ld_kernel_shared_data_va(enum ld_arch arch)
{
	return arch == LD_ARCH_X64 ? 0xfffff78000000000ull : 0xffdf0000ull;
}

static uint64_t system_time_value(const uint8_t *p, bool *torn)
{
	uint32_t low = ld_le32(p), high1 = ld_le32(p + 4), high2 = ld_le32(p + 8);
	*torn = high1 != high2;
	return (uint64_t)high1 << 32 | low;
}

static bool version_plausible(uint32_t major, uint32_t minor)
{
	return major >= 5 && major <= 10 && minor <= 4;
}

void ld_kernel_read_shared_data(struct ld_kernel *k)
{
	struct ld_kernel_info *i = &k->info;
	uint8_t b[KUSER_READ_SIZE];
	uint64_t va = ld_kernel_shared_data_va(i->arch);
	bool torn;

	i->has_shared_data = false;
	if (ld_kernel_read(k, va, b, sizeof b) != LD_OK) {
		ld_warn("KUSER_SHARED_DATA at 0x%" PRIx64 " unavailable: %s", va, ld_errmsg());
		return;
	}
	i->nt_major = ld_le32(b + KUSER_NT_MAJOR_VERSION);
	i->nt_minor = ld_le32(b + KUSER_NT_MINOR_VERSION);
	if (!version_plausible(i->nt_major, i->nt_minor)) {
		ld_warn("KUSER_SHARED_DATA at 0x%" PRIx64 " does not look valid (NT version %u.%u)",
			va, i->nt_major, i->nt_minor);
		i->nt_major = i->nt_minor = 0;
		return;
	}
	i->has_shared_data = true;
	i->tick_count_multiplier = ld_le32(b + KUSER_TICK_COUNT_MULTIPLIER);
	i->interrupt_time = system_time_value(b + KUSER_INTERRUPT_TIME, &torn);
	if (torn)
		ld_warn("KUSER_SHARED_DATA.InterruptTime was being updated at the snapshot");
	i->tick_count = system_time_value(b + KUSER_TICK_COUNT, &torn);
	if (torn)
		ld_warn("KUSER_SHARED_DATA.TickCount was being updated at the snapshot");
	if (i->tick_count == 0)   /* Windows 2000 kept only the low part */
		i->tick_count = ld_le32(b + KUSER_TICK_COUNT_LOW);
	if (!i->system_time) {
		uint64_t t = system_time_value(b + KUSER_SYSTEM_TIME, &torn);
		if (t && !torn) {
			i->system_time = t;
			i->system_time_from = LD_FACT_DERIVED;
		}
	}
	if (i->nt_major >= NT_MAJOR_WITH_BUILD_NUMBER)
		k->kuser_build = ld_le32(b + KUSER_NT_BUILD_NUMBER) & 0xffff;
}
