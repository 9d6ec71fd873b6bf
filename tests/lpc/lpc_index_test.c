/* lpc_index_test.c — the address map and the id multimap the LPC model
 * indexes with: growth past many resizes, collisions, absent keys, ids that
 * repeat (kept in insertion order), id 0. */
#include "analyzer/lpc/lpc-priv.h"

#include <stdio.h>

static int failures;

#define CHECK(cond) \
	do { \
		if (!(cond)) { \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
			failures++; \
		} \
	} while (0)

static void test_addr_map(void)
{
	struct lpc_addr_map h = { 0 };
	/* Kernel objects 16-byte aligned in one region: the low bits never vary. */
	for (size_t i = 0; i < 50000; i++)
		CHECK(lpc_addr_map_put(&h, 0xfffffa8000000000ull + 16 * i, i) == LD_OK);
	CHECK(h.len == 50000);
	size_t bad = 0;
	for (size_t i = 0; i < 50000; i++)
		bad += lpc_addr_map_get(&h, 0xfffffa8000000000ull + 16 * i) != i;
	CHECK(bad == 0);
	CHECK(lpc_addr_map_get(&h, 0xfffffa8000000008ull) == LD_LPC_NONE);
	CHECK(lpc_addr_map_get(&h, 0) == LD_LPC_NONE);
	CHECK(lpc_addr_map_put(&h, 0xfffffa8000000000ull, 7) == LD_OK);   /* overwrite */
	CHECK(lpc_addr_map_get(&h, 0xfffffa8000000000ull) == 7 && h.len == 50000);
	CHECK(lpc_addr_map_put(&h, 0, 1) != LD_OK);                       /* 0 is no key */
	lpc_addr_map_free(&h);
	struct lpc_addr_map empty = { 0 };
	CHECK(lpc_addr_map_get(&empty, 0x1000) == LD_LPC_NONE);
}

static void test_id_index(void)
{
	struct lpc_id_index x;
	CHECK(lpc_id_index_init(&x, 10) == LD_OK);
	CHECK(lpc_id_index_add(&x, 5, 1) == LD_OK);
	CHECK(lpc_id_index_add(&x, 0, 2) == LD_OK);
	CHECK(lpc_id_index_add(&x, 5, 4) == LD_OK);
	CHECK(lpc_id_index_add(&x, 5, 9) == LD_OK);
	CHECK(lpc_id_index_add(&x, 5, 10) != LD_OK);   /* out of range */
	size_t i = lpc_id_index_first(&x, 5);
	CHECK(i == 1);
	i = lpc_id_index_next(&x, i);
	CHECK(i == 4);
	i = lpc_id_index_next(&x, i);
	CHECK(i == 9);
	CHECK(lpc_id_index_next(&x, i) == LD_LPC_NONE);
	CHECK(lpc_id_index_first(&x, 0) == 2 && lpc_id_index_next(&x, 2) == LD_LPC_NONE);
	CHECK(lpc_id_index_first(&x, 6) == LD_LPC_NONE);
	CHECK(lpc_id_index_first(&x, 0xffffffffu) == LD_LPC_NONE);
	lpc_id_index_free(&x);
}

int main(void)
{
	test_addr_map();
	test_id_index();
	if (failures) {
		fprintf(stderr, "%d check(s) failed\n", failures);
		return 1;
	}
	return 0;
}
