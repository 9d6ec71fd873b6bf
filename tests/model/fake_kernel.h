/* fake_kernel.h — hand-made kernel memory for the model's unit tests. */
#ifndef LPCDUMP_TESTS_FAKE_KERNEL_H
#define LPCDUMP_TESTS_FAKE_KERNEL_H

#include "analyzer/model/model.h"

struct ld_kernel {
	const struct ld_profile *profile;
	unsigned ptr_size;
	uint64_t base;
	uint8_t mem[65536];
};

extern struct ld_kernel fake;
void fake_reset(unsigned ptr_size);
void fake_put_ptr(uint64_t va, uint64_t v);
void fake_list_entry(uint64_t va, uint64_t flink, uint64_t blink);

#endif
