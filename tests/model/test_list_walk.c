/* test_list_walk.c — every ending of ld_list_walk on hand-made memory, and
 * UNICODE_STRING decoding, for 4- and 8-byte pointers. */
#include "fake_kernel.h"

#include <stdio.h>
#include <string.h>

static int fails;

#define CHECK(cond, ...) do { if (!(cond)) { fails++; printf("FAIL %s:%d: ", __FILE__, __LINE__); \
	printf(__VA_ARGS__); printf("\n"); } } while (0)

struct seen {
	uint64_t va[16];
	size_t n, stop_after;
};

static bool record(struct ld_kernel *k, uint64_t entry, void *arg)
{
	(void)k;
	struct seen *s = arg;
	if (s->n < 16)
		s->va[s->n] = entry;
	s->n++;
	return s->stop_after == 0 || s->n < s->stop_after;
}

static uint64_t E(unsigned i)
{
	return fake.base + 0x100 * (i + 1);
}

/* head=E(0) <-> E(1) <-> ... <-> E(n) <-> head */
static void ring(unsigned n)
{
	for (unsigned i = 0; i <= n; i++)
		fake_list_entry(E(i), E(i == n ? 0 : i + 1), E(i == 0 ? n : i - 1));
}

static struct ld_walk_result walk(unsigned flags, size_t limit, struct seen *s)
{
	struct ld_walk_result r;
	ld_list_walk_ex(&fake, E(0), limit, flags, record, s, &r);
	return r;
}

static void test_endings(unsigned ps)
{
	struct seen s;
	struct ld_walk_result r;
	fake_reset(ps);

	ring(0);
	memset(&s, 0, sizeof(s));
	r = walk(0, 0, &s);
	CHECK(r.end == LD_WALK_DONE && r.count == 0 && s.n == 0, "ps=%u empty: %s %zu", ps, ld_walk_end_name(r.end), r.count);

	ring(3);
	memset(&s, 0, sizeof(s));
	r = walk(0, 0, &s);
	CHECK(r.end == LD_WALK_DONE && r.count == 3, "ps=%u ring: %s %zu", ps, ld_walk_end_name(r.end), r.count);
	CHECK(s.va[0] == E(1) && s.va[1] == E(2) && s.va[2] == E(3), "ps=%u order", ps);

	memset(&s, 0, sizeof(s));
	r = walk(0, 2, &s);
	CHECK(r.end == LD_WALK_LIMIT && r.count == 2 && r.bad_va == E(3), "ps=%u limit: %s %zu", ps, ld_walk_end_name(r.end), r.count);

	memset(&s, 0, sizeof(s));
	s.stop_after = 2;
	r = walk(0, 0, &s);
	CHECK(r.end == LD_WALK_STOPPED && r.count == 2 && r.bad_va == E(2), "ps=%u stopped: %s %zu", ps, ld_walk_end_name(r.end), r.count);

	/* Broken back-link: E(2).Blink points elsewhere. */
	ring(3);
	fake_put_ptr(E(2) + ps, E(3));
	memset(&s, 0, sizeof(s));
	r = walk(0, 0, &s);
	CHECK(r.end == LD_WALK_BAD_LINK && r.count == 1 && r.bad_va == E(2), "ps=%u backlink: %s %zu", ps, ld_walk_end_name(r.end), r.count);

	/* NULL and user-mode Flinks. */
	ring(3);
	fake_put_ptr(E(2), 0);
	r = walk(0, 0, &s);
	CHECK(r.end == LD_WALK_BAD_LINK && r.count == 2 && r.bad_va == E(2), "ps=%u null: %s", ps, ld_walk_end_name(r.end));
	fake_put_ptr(E(2), 0x10000);
	r = walk(0, 0, &s);
	CHECK(r.end == LD_WALK_BAD_LINK && r.count == 2, "ps=%u user: %s", ps, ld_walk_end_name(r.end));

	/* A kernel pointer outside the memory we have. */
	uint64_t far = fake.base + 0x100000;
	fake_put_ptr(E(2), far);
	r = walk(0, 0, &s);
	CHECK(r.end == LD_WALK_UNREADABLE && r.count == 2 && r.bad_va == far, "ps=%u unreadable: %s", ps, ld_walk_end_name(r.end));

	/* A loop that never returns to the head: E1 -> E2 -> E3 -> E2 (Blinks
	 * not checked, so only Brent can stop it). */
	ring(3);
	fake_put_ptr(E(3), E(2));
	memset(&s, 0, sizeof(s));
	r = walk(LD_WALK_NO_BACKLINK, 0, &s);
	CHECK(r.end == LD_WALK_CYCLE && r.count >= 3 && r.count <= 8, "ps=%u cycle: %s %zu", ps, ld_walk_end_name(r.end), r.count);
	/* With back-links checked the same loop is a bad link. */
	r = walk(0, 0, &s);
	CHECK(r.end == LD_WALK_BAD_LINK, "ps=%u cycle+backlink: %s", ps, ld_walk_end_name(r.end));

	ring(3);
	ld_interrupted = 1;
	r = walk(0, 0, &s);
	ld_interrupted = 0;
	CHECK(r.end == LD_WALK_INTERRUPTED && r.count == 0, "ps=%u interrupted: %s", ps, ld_walk_end_name(r.end));

	/* A head that is not a kernel address. */
	ld_list_walk(&fake, 0, 0, record, &s, &r);
	CHECK(r.end == LD_WALK_BAD_LINK, "ps=%u null head: %s", ps, ld_walk_end_name(r.end));
}

static void put_ustr(uint64_t va, uint16_t len, uint16_t max, uint64_t buf)
{
	uint8_t *p = fake.mem + (va - fake.base);
	ld_put_le16(p, len);
	ld_put_le16(p + 2, max);
	fake_put_ptr(va + fake.ptr_size, buf);
}

static void test_unicode(unsigned ps)
{
	char out[64];
	fake_reset(ps);
	uint64_t s = fake.base + 0x1000, b = fake.base + 0x2000;
	const uint16_t w[] = { 'R', 'P', 'C', ' ', 0xe9, 0x20ac, 0xd83d, 0xde00 };
	for (size_t i = 0; i < LD_ARRAY_SIZE(w); i++)
		ld_put_le16(fake.mem + 0x2000 + 2 * i, w[i]);
	put_ustr(s, sizeof(w), sizeof(w), b);
	CHECK(ld_read_unicode_string(&fake, s, out, sizeof(out)) == LD_OK &&
	      strcmp(out, "RPC \xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80") == 0, "ps=%u utf8: %s", ps, out);
	/* Truncation on a character boundary. */
	CHECK(ld_read_unicode_string(&fake, s, out, 6) == LD_OK && strcmp(out, "RPC ") == 0, "ps=%u trunc: %s", ps, out);
	const uint16_t ctl[] = { 'a', '\n', 'b', 0x1b };
	for (size_t i = 0; i < LD_ARRAY_SIZE(ctl); i++)
		ld_put_le16(fake.mem + 0x3000 + 2 * i, ctl[i]);
	put_ustr(s, sizeof(ctl), sizeof(ctl), fake.base + 0x3000);
	CHECK(ld_read_unicode_string(&fake, s, out, sizeof(out)) == LD_OK && strcmp(out, "a?b?") == 0,
	      "ps=%u control characters: %s", ps, out);
	put_ustr(s, 0, 0, 0);
	CHECK(ld_read_unicode_string(&fake, s, out, sizeof(out)) == LD_OK && out[0] == 0, "ps=%u empty", ps);
	put_ustr(s, 10, 4, b);
	CHECK(ld_read_unicode_string(&fake, s, out, sizeof(out)) == LD_ERR_CORRUPT, "ps=%u len>max", ps);
	put_ustr(s, 3, 4, b);
	CHECK(ld_read_unicode_string(&fake, s, out, sizeof(out)) == LD_ERR_CORRUPT, "ps=%u odd", ps);
	put_ustr(s, 4, 4, 0x1000);
	CHECK(ld_read_unicode_string(&fake, s, out, sizeof(out)) == LD_ERR_CORRUPT, "ps=%u user buffer", ps);
	put_ustr(s, 4, 4, fake.base + 0x200000);
	CHECK(ld_status_is_unavailable(ld_read_unicode_string(&fake, s, out, sizeof(out))), "ps=%u absent", ps);
}

int main(void)
{
	test_endings(4);
	test_endings(8);
	test_unicode(4);
	test_unicode(8);
	if (fails)
		printf("%d check(s) failed\n", fails);
	else
		printf("ok\n");
	return fails ? 1 : 0;
}
