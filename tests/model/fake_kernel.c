/* fake_kernel.c — a stand-in for the kernel layer in the model's unit tests:
 * one window of hand-made "kernel memory"; anything outside it is unreadable. */
#include "fake_kernel.h"

#include <string.h>

struct ld_kernel fake;

void fake_reset(unsigned ptr_size)
{
	memset(&fake, 0, sizeof(fake));
	fake.ptr_size = ptr_size;
	fake.base = ptr_size == 8 ? 0xfffff80000100000ULL : 0x80100000ULL;
}

void fake_put_ptr(uint64_t va, uint64_t v)
{
	uint64_t off = va - fake.base;
	if (fake.ptr_size == 8)
		ld_put_le64(fake.mem + off, v);
	else
		ld_put_le32(fake.mem + off, (uint32_t)v);
}

void fake_list_entry(uint64_t va, uint64_t flink, uint64_t blink)
{
	fake_put_ptr(va, flink);
	fake_put_ptr(va + fake.ptr_size, blink);
}

ld_status ld_kernel_read(struct ld_kernel *k, uint64_t va, void *buf, size_t len)
{
	if (va < k->base || va - k->base > sizeof(k->mem) || len > sizeof(k->mem) - (va - k->base))
		return ld_fail(LD_ERR_NOT_PRESENT, "fake: %#llx not present", (unsigned long long)va);
	memcpy(buf, k->mem + (va - k->base), len);
	return LD_OK;
}

ld_status ld_kernel_read_u16(struct ld_kernel *k, uint64_t va, uint16_t *v)
{
	uint8_t b[2];
	ld_status st = ld_kernel_read(k, va, b, 2);
	if (st == LD_OK)
		*v = ld_le16(b);
	return st;
}

ld_status ld_kernel_read_ptr(struct ld_kernel *k, uint64_t va, uint64_t *v)
{
	uint8_t b[8];
	ld_status st = ld_kernel_read(k, va, b, k->ptr_size);
	if (st == LD_OK)
		*v = k->ptr_size == 8 ? ld_le64(b) : ld_le32(b);
	return st;
}

const struct ld_profile *ld_kernel_profile(const struct ld_kernel *k)
{
	return k->profile;
}

unsigned ld_kernel_ptr_size(const struct ld_kernel *k)
{
	return k->ptr_size;
}

bool ld_kernel_is_kva(const struct ld_kernel *k, uint64_t va)
{
	return k->ptr_size == 8 ? va >= 0xffff800000000000ULL : va >= 0x80000000ULL && va <= 0xffffffffULL;
}

/* No memory source behind the fake: never a live target (list_walk_live.c). */
struct ld_source *ld_kernel_source(const struct ld_kernel *k)
{
	(void)k;
	return NULL;
}
