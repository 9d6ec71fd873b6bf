/*
 * kernel_read.c — reading kernel virtual memory, and the accessors of an open
 * kernel (see kernel.h).
 */
#include "kernel-priv.h"

#include <inttypes.h>

const struct ld_kernel_info *ld_kernel_info(const struct ld_kernel *k)
{
	return &k->info;
}

struct ld_source *ld_kernel_source(const struct ld_kernel *k)
{
	return k->src;
}

struct ld_vas *ld_kernel_vas(const struct ld_kernel *k)
{
	return k->vas;
}

const struct ld_profile *ld_kernel_profile(const struct ld_kernel *k)
{
	return k->info.profile;
}

const struct ld_profile_set *ld_kernel_profiles(const struct ld_kernel *k)
{
	return k->profiles;
}

const uint8_t *ld_kernel_kdbg(const struct ld_kernel *k, size_t *size)
{
	if (size)
		*size = k->kdbg ? k->kdbg_size : 0;
	return k->kdbg;
}

ld_status ld_kernel_read(struct ld_kernel *k, uint64_t va, void *buf, size_t len)
{
	if (!k->vas)
		return ld_fail(LD_ERR_UNSUPPORTED, "reading VA 0x%" PRIx64 ": no kernel address space "
			       "(the directory table base is unknown)", va);
	return ld_vas_read(k->vas, va, buf, len);
}

ld_status ld_kernel_read_u8(struct ld_kernel *k, uint64_t va, uint8_t *v)
{
	return ld_kernel_read(k, va, v, 1);
}

ld_status ld_kernel_read_u16(struct ld_kernel *k, uint64_t va, uint16_t *v)
{
	uint8_t b[2];
	ld_status st = ld_kernel_read(k, va, b, sizeof b);
	if (st == LD_OK)
		*v = ld_le16(b);
	return st;
}

ld_status ld_kernel_read_u32(struct ld_kernel *k, uint64_t va, uint32_t *v)
{
	uint8_t b[4];
	ld_status st = ld_kernel_read(k, va, b, sizeof b);
	if (st == LD_OK)
		*v = ld_le32(b);
	return st;
}

ld_status ld_kernel_read_u64(struct ld_kernel *k, uint64_t va, uint64_t *v)
{
	uint8_t b[8];
	ld_status st = ld_kernel_read(k, va, b, sizeof b);
	if (st == LD_OK)
		*v = ld_le64(b);
	return st;
}

unsigned ld_kernel_ptr_size(const struct ld_kernel *k)
{
	return ld_arch_ptr_size(k->info.arch);
}

ld_status ld_kernel_read_ptr(struct ld_kernel *k, uint64_t va, uint64_t *v)
{
	if (ld_kernel_ptr_size(k) == 8) {
		ld_status st = ld_kernel_read_u64(k, va, v);
		if (st == LD_OK)
			*v = ld_arch_canonical(k->info.arch, *v);
		return st;
	}
	uint32_t p;
	ld_status st = ld_kernel_read_u32(k, va, &p);
	if (st == LD_OK)
		*v = p;
	return st;
}

bool ld_kernel_is_kva(const struct ld_kernel *k, uint64_t va)
{
	if (k->info.arch == LD_ARCH_X64)
		return va >= 0xffff800000000000ull;
	/* 32-bit: the kernel half starts at 2 GiB (3 GiB user mode moves
	 * MmSystemRangeStart up, but nothing of the kernel lives below 2 GiB). */
	return va >= 0x80000000ull && va <= 0xffffffffull;
}

/*
 * Wait length from ticks. KTHREAD.WaitTime holds the low 32 bits of
 * KeTickCount when the wait began; the dump's tick count comes from
 * KUSER_SHARED_DATA.TickCount. TickCountMultiplier is the tick length in
 * milliseconds as a 8.24 fixed-point number (the kernel computes
 * GetTickCount() as TickCount * Multiplier >> 24), so it converts ticks to
 * time without needing KeTimeIncrement. Tick counts compare modulo 2^32
 * because WaitTime is 32-bit and KeTickCount wraps there on 32-bit reads.
 */
bool ld_kernel_ticks_to_seconds(const struct ld_kernel *k, uint64_t ticks, double *seconds)
{
	const struct ld_kernel_info *i = &k->info;
	if (!i->has_shared_data || i->tick_count_multiplier == 0 || i->tick_count == 0)
		return false;
	uint64_t delta;
	if (ticks <= 0xffffffffull)
		delta = (uint32_t)((uint32_t)i->tick_count - (uint32_t)ticks);
	else if (ticks <= i->tick_count)
		delta = i->tick_count - ticks;
	else
		return false;
	*seconds = (double)delta * (double)i->tick_count_multiplier / 16777216.0 / 1000.0;
	return true;
}
