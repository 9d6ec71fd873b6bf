/* test_fields.c — typed reads by name on hand-made memory: unsigned, signed,
 * bit fields (signed too), pointers canonicalised per width, arrays (first
 * element), fields of embedded structs, absent fields, unreadable memory. */
#include "fake_kernel.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int fails;

#define CHECK(cond, ...) do { if (!(cond)) { fails++; printf("FAIL %s:%d: ", __FILE__, __LINE__); \
	printf(__VA_ARGS__); printf("\n"); } } while (0)

static const char *profile_json(unsigned ps)
{
	static char buf[4096];
	snprintf(buf, sizeof(buf),
		"{\"format\": \"lpcdump-profile/1\", \"name\": \"unit-%u\", \"arch\": \"%s\", \"pointer_size\": %u,"
		" \"nt_build\": 7601, \"types\": {"
		"\"_IN\": {\"size\": 8, \"fields\": {"
		"  \"X\": {\"offset\": 4, \"size\": 4, \"type\": \"unsigned long\", \"kind\": \"uint\"}}},"
		"\"_T\": {\"size\": 64, \"fields\": {"
		"  \"U8\": {\"offset\": 0, \"size\": 1, \"type\": \"unsigned char\", \"kind\": \"uint\"},"
		"  \"S16\": {\"offset\": 2, \"size\": 2, \"type\": \"short\", \"kind\": \"int\"},"
		"  \"Bits\": {\"offset\": 4, \"size\": 4, \"type\": \"unsigned long\", \"kind\": \"uint\", \"bitpos\": 3, \"bitlen\": 5},"
		"  \"SBits\": {\"offset\": 4, \"size\": 4, \"type\": \"long\", \"kind\": \"int\", \"bitpos\": 28, \"bitlen\": 4},"
		"  \"Ptr\": {\"offset\": 8, \"size\": %u, \"type\": \"pointer\", \"kind\": \"ptr\", \"target\": \"void\"},"
		"  \"Arr\": {\"offset\": 16, \"size\": 8, \"type\": \"array\", \"kind\": \"array\", \"count\": 2, \"elem\": \"unsigned long\"},"
		"  \"Inner\": {\"offset\": 24, \"size\": 8, \"type\": \"_IN\", \"kind\": \"struct\"},"
		"  \"Big\": {\"offset\": 32, \"size\": 16, \"type\": \"_IN\", \"kind\": \"struct\"}}}}}",
		ps, ps == 8 ? "x64" : "x86", ps, ps);
	return buf;
}

static struct ld_profile *load(unsigned ps)
{
	char path[] = "/tmp/lpcdump-fields.XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		return NULL;
	const char *j = profile_json(ps);
	if (write(fd, j, strlen(j)) != (ssize_t)strlen(j)) {
		close(fd);
		return NULL;
	}
	close(fd);
	struct ld_profile *p = NULL;
	if (ld_profile_load(path, &p) != LD_OK)
		printf("load: %s\n", ld_errmsg());
	unlink(path);
	return p;
}

static uint64_t rd(const char *path, ld_status *st)
{
	struct ld_fref f;
	uint64_t v = 0xdead;
	*st = ld_fref_init(fake.profile, "_T", path, &f);
	if (*st == LD_OK)
		*st = ld_read_field(&fake, fake.base, &f, &v);
	return v;
}

static void test(unsigned ps)
{
	fake_reset(ps);
	struct ld_profile *p = load(ps);
	CHECK(p != NULL, "ps=%u: profile did not load", ps);
	if (!p)
		return;
	fake.profile = p;
	uint8_t *m = fake.mem;
	m[0] = 0xab;
	ld_put_le16(m + 2, 0xfffe);                       /* -2 */
	ld_put_le32(m + 4, (0x15u << 3) | (0x9u << 28));  /* Bits 21, SBits 0b1001 = -7 */
	ld_put_le64(m + 8, 0x0000800012345678ull);        /* canonical only on x64 */
	ld_put_le32(m + 16, 0x11111111);
	ld_put_le32(m + 20, 0x22222222);
	ld_put_le32(m + 28, 0x33333333);
	ld_status st;
	CHECK(rd("U8", &st) == 0xab && st == LD_OK, "ps=%u U8", ps);
	CHECK(rd("S16", &st) == (uint64_t)-2 && st == LD_OK, "ps=%u S16", ps);
	CHECK(rd("Bits", &st) == 21 && st == LD_OK, "ps=%u Bits", ps);
	CHECK(rd("SBits", &st) == (uint64_t)-7 && st == LD_OK, "ps=%u SBits %llx", ps, (unsigned long long)rd("SBits", &st));
	uint64_t want = ps == 8 ? 0xffff800012345678ull : 0x12345678u;
	CHECK(rd("Ptr", &st) == want && st == LD_OK, "ps=%u Ptr %llx", ps, (unsigned long long)rd("Ptr", &st));
	CHECK(rd("Arr", &st) == 0x11111111 && st == LD_OK, "ps=%u Arr (first element)", ps);
	CHECK(rd("Inner.X", &st) == 0x33333333 && st == LD_OK, "ps=%u Inner.X", ps);
	struct ld_fref f;
	CHECK(ld_fref_init(p, "_T", "Nope", &f) == LD_ERR_NOT_FOUND && !f.valid, "ps=%u absent field", ps);
	CHECK(ld_fref_init(p, "_NOPE", "X", &f) == LD_ERR_NOT_FOUND && !f.valid, "ps=%u absent type", ps);
	uint64_t v;
	CHECK(ld_read_field(&fake, fake.base, &f, &v) == LD_ERR_NOT_FOUND, "ps=%u read of an absent field", ps);
	CHECK(ld_fref_init(p, "_T", "Big", &f) == LD_OK && ld_read_field(&fake, fake.base, &f, &v) == LD_ERR_ARG,
	      "ps=%u a 16-byte struct is not an integer", ps);
	CHECK(ld_fref_init(p, "_T", "U8", &f) == LD_OK &&
	      ld_status_is_unavailable(ld_read_field(&fake, fake.base + 0x200000, &f, &v)), "ps=%u unreadable", ps);
	CHECK(ld_type_size(p, "_T") == 64 && ld_type_size(p, "_NOPE") == 0, "ps=%u sizes", ps);
	fake.profile = NULL;
	ld_profile_free(p);
}

int main(void)
{
	test(4);
	test(8);
	printf(fails ? "%d check(s) failed\n" : "ok\n", fails);
	return fails ? 1 : 0;
}
