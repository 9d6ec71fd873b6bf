/*
 * loader_test.c — the profile loaders on files written here: a minimal valid
 * profile, malformed ones (each rejected with a message naming the problem),
 * a forged Volatility 3 ISF (flattening, bit fields, pointers, arrays, enums,
 * symbols, PDB identity; also .xz when liblzma is there), and a directory
 * with one good and one bad file.
 */
#include "config.h"
#include "analyzer/types/types.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifdef HAVE_LZMA
#include <lzma.h>
#endif

static int fails;
static char dir[64];

#define CHECK(cond, ...) do { if (!(cond)) { fails++; printf("FAIL %s:%d: ", __FILE__, __LINE__); \
	printf(__VA_ARGS__); printf("\n"); } } while (0)

static const char *write_file(const char *name, const char *text, size_t len)
{
	static char path[128];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(text, 1, len, f) != len) {
		printf("cannot write %s\n", path);
		exit(99);
	}
	fclose(f);
	return path;
}

#define NATIVE_HEAD "{\"format\": \"lpcdump-profile/1\", \"name\": \"t\", \"arch\": \"x86\", " \
	"\"pointer_size\": 4, \"nt_build\": 2600, "

static const char good[] = NATIVE_HEAD
	"\"match\": {\"family\": \"nt5.1\", \"service_pack\": 2},"
	"\"constants\": {\"G\": {\"A\": 1, \"B\": -2}}, \"symbols\": {\"PsActiveProcessHead\": 4096},"
	"\"types\": {\"_T\": {\"size\": 16, \"fields\": {"
	"  \"b\": {\"offset\": 8, \"size\": 4, \"type\": \"unsigned long\", \"bitpos\": 3, \"bitlen\": 2},"
	"  \"a\": {\"offset\": 0, \"size\": 8, \"type\": \"_LIST_ENTRY\", \"kind\": \"struct\"},"
	"  \"p\": {\"offset\": 12, \"size\": 4, \"type\": \"pointer\", \"target\": \"_T\"}}},"
	" \"_LIST_ENTRY\": {\"size\": 8, \"fields\": {"
	"  \"Flink\": {\"offset\": 0, \"size\": 4, \"type\": \"pointer\", \"kind\": \"ptr\", \"target\": \"_LIST_ENTRY\"},"
	"  \"Blink\": {\"offset\": 4, \"size\": 4, \"type\": \"pointer\", \"kind\": \"ptr\", \"target\": \"_LIST_ENTRY\"}}}}}";

static void test_good(void)
{
	struct ld_profile *p;
	const char *path = write_file("good.json", good, strlen(good));
	ld_status st = ld_profile_load(path, &p);
	CHECK(st == LD_OK, "good profile: %s", ld_errmsg());
	if (st != LD_OK)
		return;
	CHECK(strcmp(ld_profile_name(p), "t") == 0, "name");
	CHECK(strcmp(ld_profile_description(p), "t") == 0, "description defaults to the name");
	CHECK(ld_profile_arch(p) == LD_ARCH_X86 && ld_profile_build(p) == 2600, "arch/build");
	CHECK(ld_profile_service_pack(p) == 2, "service pack");
	CHECK(strcmp(ld_profile_setting(p, "family"), "nt5.1") == 0, "family");
	const struct ld_type *t = ld_profile_type(p, "_T");
	CHECK(t && t->nfields == 3 && strcmp(t->fields[0].name, "a") == 0 &&
	      strcmp(t->fields[2].name, "p") == 0, "fields sorted by offset");
	const struct ld_field *b = ld_type_field(t, "b");
	CHECK(b && b->kind == LD_T_UINT && b->bitpos == 3 && b->bitlen == 2, "bit field, kind inferred");
	uint32_t off;
	CHECK(ld_profile_offset(p, "_T", "a.Blink", &off) == LD_OK && off == 4, "nested a.Blink");
	CHECK(ld_profile_offset(p, "_T", "a.Nope", &off) == LD_ERR_NOT_FOUND &&
	      strstr(ld_errmsg(), "_T has no field a.Nope"), "missing nested: %s", ld_errmsg());
	CHECK(ld_profile_offset(p, "_U", "a", &off) == LD_ERR_NOT_FOUND, "missing type");
	int64_t v;
	CHECK(ld_profile_const(p, "G", "B", &v) && v == -2, "constant");
	CHECK(strcmp(ld_profile_const_name(p, "G", 1), "A") == 0, "reverse constant");
	uint64_t rva;
	CHECK(ld_profile_symbol(p, "PsActiveProcessHead", &rva) && rva == 4096, "symbol");
	CHECK(!ld_profile_symbol(p, "Nope", &rva), "missing symbol");
	ld_profile_free(p);
}

struct bad_case {
	const char *text;
	const char *expect;    /* substring of the error message */
};

static const struct bad_case bad_cases[] = {
	{ "{\"format\": ", "line 1" },
	{ "[1, 2]", "not a JSON object" },
	{ "{\"hello\": 1}", "neither" },
	{ "{\"format\": \"lpcdump-profile/9\"}", "format" },
	{ NATIVE_HEAD "\"types\": 3}", "types: missing or not an object" },
	{ "{\"format\": \"lpcdump-profile/1\", \"name\": \"t\", \"arch\": \"arm\", \"types\": {}}",
	  "must be \"x86\" or \"x64\"" },
	{ "{\"format\": \"lpcdump-profile/1\", \"name\": \"t\", \"arch\": \"x64\", \"pointer_size\": 4,"
	  " \"types\": {}}", "does not match arch" },
	{ NATIVE_HEAD "\"types\": {\"_T\": {\"size\": 4, \"fields\": {\"a\": {\"offset\": 2, \"size\": 4,"
	  " \"type\": \"long\"}}}}}", "types._T.fields.a: extends past the end" },
	{ NATIVE_HEAD "\"types\": {\"_T\": {\"size\": 4, \"fields\": {\"a\": {\"offset\": 0, \"size\": 1,"
	  " \"type\": \"char\", \"bitpos\": 6, \"bitlen\": 4}}}}}", "bit field does not fit" },
	{ NATIVE_HEAD "\"types\": {\"_T\": {\"size\": 4, \"fields\": {\"a\": {\"offset\": \"0\", \"size\": 1,"
	  " \"type\": \"char\"}}}}}", "\"offset\" is not an integer" },
	{ NATIVE_HEAD "\"types\": {\"_T\": {\"size\": -1, \"fields\": {}}}}", "out of range" },
	{ NATIVE_HEAD "\"types\": {\"_T\": {\"size\": 4, \"fields\": {}}, \"_T\": {\"size\": 4, "
	  "\"fields\": {}}}}", "duplicate" },
	{ NATIVE_HEAD "\"types\": {}, \"constants\": {\"G\": {\"A\": \"x\"}}}", "constants.G" },
	{ NATIVE_HEAD "\"types\": {\"_T\": {\"size\": 4, \"fields\": {\"a\": {\"offset\": 0, \"size\": 4}}}}}",
	  "\"type\" is missing" },
};

static void test_bad(void)
{
	for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
		const char *path = write_file("bad.json", bad_cases[i].text, strlen(bad_cases[i].text));
		struct ld_profile *p = (struct ld_profile *)1;
		ld_status st = ld_profile_load(path, &p);
		CHECK(st == LD_ERR_FORMAT, "bad case %zu accepted (status %d)", i, (int)st);
		CHECK(p == NULL, "bad case %zu: out not cleared", i);
		CHECK(st == LD_OK || (strstr(ld_errmsg(), bad_cases[i].expect) && strstr(ld_errmsg(), path)),
		      "bad case %zu: message \"%s\" lacks \"%s\"", i, ld_errmsg(), bad_cases[i].expect);
	}
	struct ld_profile *p;
	CHECK(ld_profile_load("/nonexistent/x.json", &p) == LD_ERR_IO, "missing file");
}

static const char isf[] =
	"{\"metadata\": {\"format\": \"6.2.0\", \"windows\": {\"pdb\": {\"GUID\": "
	"\"1234abcd-0000-1111-2222-33334444aaaa\", \"age\": 2, \"database\": \"ntkrnlmp.pdb\","
	" \"machine_type\": 34404}, \"pe\": {\"major\": 10, \"minor\": 0, \"revision\": 1, \"build\": 22621}}},"
	"\"base_types\": {"
	" \"unsigned long\": {\"kind\": \"int\", \"size\": 4, \"signed\": false, \"endian\": \"little\"},"
	" \"long\": {\"kind\": \"int\", \"size\": 4, \"signed\": true, \"endian\": \"little\"},"
	" \"unsigned char\": {\"kind\": \"char\", \"size\": 1, \"signed\": false, \"endian\": \"little\"},"
	" \"pointer\": {\"kind\": \"int\", \"size\": 8, \"signed\": false, \"endian\": \"little\"},"
	" \"pointer32\": {\"kind\": \"int\", \"size\": 4, \"signed\": false, \"endian\": \"little\"}},"
	"\"user_types\": {"
	" \"_LIST_ENTRY\": {\"kind\": \"struct\", \"size\": 16, \"fields\": {"
	"   \"Flink\": {\"offset\": 0, \"type\": {\"kind\": \"pointer\", \"subtype\": {\"kind\": \"struct\", \"name\": \"_LIST_ENTRY\"}}},"
	"   \"Blink\": {\"offset\": 8, \"type\": {\"kind\": \"pointer\", \"subtype\": {\"kind\": \"struct\", \"name\": \"_LIST_ENTRY\"}}}}},"
	" \"unnamed_0x10\": {\"kind\": \"union\", \"size\": 4, \"fields\": {"
	"   \"Value\": {\"offset\": 0, \"type\": {\"kind\": \"base\", \"name\": \"unsigned long\"}},"
	"   \"Flag\": {\"offset\": 0, \"type\": {\"kind\": \"bitfield\", \"bit_position\": 4, \"bit_length\": 3,"
	"      \"type\": {\"kind\": \"base\", \"name\": \"unsigned long\"}}}}},"
	" \"unnamed_0x20\": {\"kind\": \"struct\", \"size\": 4, \"fields\": {"
	"   \"Hidden\": {\"offset\": 0, \"type\": {\"kind\": \"base\", \"name\": \"long\"}}}},"
	" \"unnamed_0x30\": {\"kind\": \"struct\", \"size\": 4, \"fields\": {"
	"   \"Other\": {\"offset\": 0, \"type\": {\"kind\": \"base\", \"name\": \"unsigned long\"}}}},"
	" \"__anonymous_1a2b\": {\"kind\": \"union\", \"size\": 4, \"fields\": {"
	"   \"Inner\": {\"offset\": 0, \"type\": {\"kind\": \"base\", \"name\": \"long\"}}}},"
	" \"_ETHREAD\": {\"kind\": \"struct\", \"size\": 64, \"fields\": {"
	"   \"Links\": {\"offset\": 0, \"type\": {\"kind\": \"struct\", \"name\": \"_LIST_ENTRY\"}},"
	"   \"u1\": {\"offset\": 16, \"type\": {\"kind\": \"union\", \"name\": \"unnamed_0x10\"}},"
	"   \"anon\": {\"offset\": 20, \"anonymous\": true, \"type\": {\"kind\": \"struct\", \"name\": \"unnamed_0x20\"}},"
	"   \"unnamed_field_0\": {\"offset\": 36, \"type\": {\"kind\": \"struct\", \"name\": \"unnamed_0x30\"}},"
	"   \"State\": {\"offset\": 24, \"type\": {\"kind\": \"enum\", \"name\": \"_KTHREAD_STATE\"}},"
	"   \"Name\": {\"offset\": 28, \"type\": {\"kind\": \"array\", \"count\": 4, \"subtype\": {\"kind\": \"base\", \"name\": \"unsigned char\"}}},"
	"   \"Process\": {\"offset\": 32, \"type\": {\"kind\": \"pointer\", \"subtype\": {\"kind\": \"struct\", \"name\": \"_EPROCESS\"}}},"
	"   \"Ptr32\": {\"offset\": 12, \"type\": {\"kind\": \"pointer\", \"base\": \"pointer32\", \"subtype\": {\"kind\": \"base\", \"name\": \"void\"}}},"
	"   \"v3\": {\"offset\": 60, \"type\": {\"kind\": \"union\", \"name\": \"__anonymous_1a2b\"}},"
	"   \"Far\": {\"offset\": 100, \"type\": {\"kind\": \"base\", \"name\": \"long\"}},"
	"   \"Huge\": {\"offset\": 40, \"type\": {\"kind\": \"array\", \"count\": 8, \"subtype\": {\"kind\": \"pointer\", \"subtype\": {\"kind\": \"base\", \"name\": \"void\"}}}}}}},"
	"\"enums\": {\"_KTHREAD_STATE\": {\"size\": 4, \"base\": \"long\", \"constants\": {\"Ready\": 1, \"Waiting\": 5}}},"
	"\"symbols\": {\"PsActiveProcessHead\": {\"address\": 12345}, \"ObHeaderCookie\": {\"address\": 99}}}";

static void check_isf(const char *path)
{
	struct ld_profile *p;
	ld_status st = ld_profile_load(path, &p);
	CHECK(st == LD_OK, "ISF %s: %s", path, ld_errmsg());
	if (st != LD_OK)
		return;
	CHECK(strcmp(ld_profile_name(p), "isf-1234ABCD00001111222233334444AAAA2") == 0, "name %s",
	      ld_profile_name(p));
	CHECK(ld_profile_is_isf(p) && ld_profile_arch(p) == LD_ARCH_X64 && ld_profile_ptr_size(p) == 8,
	      "arch");
	CHECK(ld_profile_build(p) == 22621, "build from pe.build");
	CHECK(strcmp(ld_profile_pdb_guid(p), "1234ABCD00001111222233334444AAAA") == 0 &&
	      ld_profile_pdb_age(p) == 2, "pdb identity");
	CHECK(ld_profile_type(p, "unnamed_0x10") == NULL, "unnamed types are not listed");
	const struct ld_type *t = ld_profile_type(p, "_ETHREAD");
	CHECK(t && t->size == 64, "_ETHREAD");
	const struct ld_field *f;
	f = ld_type_field(t, "u1.Flag");
	CHECK(f && f->offset == 16 && f->bitpos == 4 && f->bitlen == 3 && f->kind == LD_T_UINT &&
	      f->size == 4, "flattened bit field u1.Flag");
	CHECK(ld_type_field(t, "u1") && ld_type_field(t, "u1.Value"), "u1 and u1.Value");
	f = ld_type_field(t, "Hidden");
	CHECK(f && f->offset == 20 && f->kind == LD_T_INT, "anonymous member flattened into parent");
	CHECK(ld_type_field(t, "anon") == NULL, "anonymous member itself not listed");
	f = ld_type_field(t, "Other");
	CHECK(ld_type_field(t, "unnamed_field_0") == NULL && f && f->offset == 36,
	      "a member named unnamed... of an unnamed type is anonymous too");
	f = ld_type_field(t, "Ptr32");
	CHECK(f && f->kind == LD_T_PTR && f->size == 4, "pointer with a 32-bit base in a 64-bit table");
	f = ld_type_field(t, "v3.Inner");
	CHECK(f && f->offset == 60 && ld_profile_type(p, "__anonymous_1a2b") == NULL,
	      "Volatility 3 __anonymous_ type flattened and not listed");
	f = ld_type_field(t, "State");
	CHECK(f && f->kind == LD_T_ENUM && f->nenums == 2 && f->size == 4, "enum field");
	f = ld_type_field(t, "Name");
	CHECK(f && f->kind == LD_T_ARRAY && f->count == 4 && f->size == 4 &&
	      strcmp(f->elem, "unsigned char") == 0, "array field");
	f = ld_type_field(t, "Process");
	CHECK(f && f->kind == LD_T_PTR && f->size == 8 && strcmp(f->target, "_EPROCESS") == 0, "pointer");
	CHECK(ld_type_field(t, "Huge") == NULL, "field past the end dropped");
	CHECK(ld_type_field(t, "Far") == NULL, "field starting past the end dropped");
	CHECK(ld_warn_count() == 1 && strstr(ld_warn_get(0), "2 fields extend past their struct"),
	      "one warning for the dropped fields");
	uint32_t off;
	CHECK(ld_profile_offset(p, "_ETHREAD", "Links.Blink", &off) == LD_OK && off == 8, "nested");
	int64_t v;
	CHECK(ld_profile_const(p, "KTHREAD_STATE", "Waiting", &v) && v == 5, "enum as constants");
	uint64_t rva;
	CHECK(ld_profile_symbol(p, "PsActiveProcessHead", &rva) && rva == 12345, "symbol");
	CHECK(ld_profile_setting(p, "object_header") == NULL, "no _OBJECT_HEADER, no mode");
	ld_profile_free(p);
	ld_warn_clear();
}

static void test_isf(void)
{
	check_isf(write_file("nt.json", isf, strlen(isf)));
#ifdef HAVE_LZMA
	size_t cap = sizeof isf + 1024, len = 0;
	uint8_t *buf = malloc(cap);
	if (!buf || lzma_easy_buffer_encode(6, LZMA_CHECK_CRC64, NULL, (const uint8_t *)isf,
					    strlen(isf), buf, &len, cap) != LZMA_OK) {
		printf("xz encode failed\n");
		exit(99);
	}
	check_isf(write_file("nt.json.xz", (const char *)buf, len));
	const char *path = write_file("broken.json.xz", (const char *)buf, len / 2);
	struct ld_profile *p;
	CHECK(ld_profile_load(path, &p) == LD_ERR_FORMAT, "truncated xz rejected: %s", ld_errmsg());
	free(buf);
#endif
}

static void test_dir(void)
{
	char sub[128];
	snprintf(sub, sizeof sub, "%s/set", dir);
	CHECK(mkdir(sub, 0700) == 0, "mkdir");
	char path[160];
	snprintf(path, sizeof path, "%s/a.json", sub);
	FILE *f = fopen(path, "w");
	fputs(good, f);
	fclose(f);
	snprintf(path, sizeof path, "%s/b.json", sub);
	f = fopen(path, "w");
	fputs("{oops", f);
	fclose(f);
	struct ld_profile_set *set;
	ld_warn_clear();
	unsetenv("LPCDUMP_STRUCTS");
	CHECK(ld_profile_set_load(&set) == LD_OK, "set load");
	size_t before = ld_profile_set_count(set);
	CHECK(ld_profile_set_add_dir(set, sub) == LD_OK, "add dir");
	CHECK(ld_profile_set_find(set, "t") != NULL, "good profile listed");
	CHECK(ld_profile_set_count(set) == before + 1, "bad profile skipped");
	CHECK(ld_warn_count() == 1 && strstr(ld_warn_get(0), "b.json"), "warning names the bad file");
	CHECK(ld_profile_set_add_dir(set, "/nonexistent") == LD_ERR_IO, "missing dir");
	ld_profile_set_free(set);
	ld_warn_clear();
	unlink(path);
	snprintf(path, sizeof path, "%s/a.json", sub);
	unlink(path);
	rmdir(sub);
}


/* index.json: a file it describes with the right size is read on demand
 * (header from the index, body on first lookup); a size mismatch or a file
 * it does not describe is read whole; a broken index is ignored with a
 * warning. */
static void write_index(const char *sub, const char *entry_name, long bytes, const char *desc)
{
	char path[200];
	snprintf(path, sizeof path, "%s/index.json", sub);
	FILE *f = fopen(path, "w");
	fprintf(f, "{\"format\": \"lpcdump-profile-index/1\", \"profiles\": {\"a.json\": "
		"{\"name\": \"%s\", \"description\": \"%s\", \"arch\": \"x86\", \"nt_build\": 2600, "
		"\"match\": {\"family\": \"nt5.1\"}, \"bytes\": %ld}}}", entry_name, desc, bytes);
	fclose(f);
}

static void test_index(void)
{
	char sub[128], path[200];
	snprintf(sub, sizeof sub, "%s/idx", dir);
	CHECK(mkdir(sub, 0700) == 0, "mkdir");
	snprintf(path, sizeof path, "%s/a.json", sub);
	FILE *f = fopen(path, "w");
	fputs(good, f);
	fclose(f);
	struct ld_profile_set *set;
	uint32_t off;

	/* Right size: lazy, header from the index (description proves it). */
	write_index(sub, "t", (long)strlen(good), "from index");
	ld_warn_clear();
	set = NULL;
	unsetenv("LPCDUMP_STRUCTS");
	ld_profile_set_load(&set);
	size_t before = ld_profile_set_count(set);
	CHECK(ld_profile_set_add_dir(set, sub) == LD_OK && ld_profile_set_count(set) == before + 1,
	      "index dir");
	const struct ld_profile *p = ld_profile_set_find(set, "t");
	CHECK(p && strcmp(ld_profile_description(p), "from index") == 0, "lazy header from index");
	CHECK(p && ld_profile_offset(p, "_T", "a.Blink", &off) == LD_OK && off == 4, "lazy body");
	CHECK(p && strcmp(ld_profile_setting(p, "family"), "nt5.1") == 0, "lazy setting");
	CHECK(p && ld_profile_setting(p, "handle_table") == NULL, "setting only in body: none");
	uint64_t rva;
	CHECK(p && ld_profile_symbol(p, "PsActiveProcessHead", &rva) && rva == 4096, "lazy symbol");
	CHECK(ld_warn_count() == 0, "no warnings");
	ld_profile_set_free(set);

	/* Stale: the file's size differs, so it is read whole. */
	write_index(sub, "t", 3, "from index");
	ld_profile_set_load(&set);
	ld_profile_set_add_dir(set, sub);
	p = ld_profile_set_find(set, "t");
	CHECK(p && strcmp(ld_profile_description(p), "t") == 0, "stale index: read whole");
	ld_profile_set_free(set);

	/* Wrong name in the index: the body wins, with a warning. */
	write_index(sub, "other", (long)strlen(good), "x");
	ld_warn_clear();
	ld_profile_set_load(&set);
	ld_profile_set_add_dir(set, sub);
	p = ld_profile_set_find(set, "other");
	CHECK(p && ld_profile_type(p, "_T") != NULL, "body behind a wrong index name");
	CHECK(ld_warn_count() == 1 && strstr(ld_warn_get(0), "index out of date"), "stale-name warning");
	ld_profile_set_free(set);

	/* A broken index is ignored. */
	snprintf(path, sizeof path, "%s/index.json", sub);
	f = fopen(path, "w");
	fputs("{\"format\": 1}", f);
	fclose(f);
	ld_warn_clear();
	ld_profile_set_load(&set);
	ld_profile_set_add_dir(set, sub);
	CHECK(ld_profile_set_find(set, "t") != NULL, "broken index: files still read");
	CHECK(ld_warn_count() == 1 && strstr(ld_warn_get(0), "index.json ignored"), "index warning");
	ld_profile_set_free(set);
	ld_warn_clear();
	unlink(path);
	snprintf(path, sizeof path, "%s/a.json", sub);
	unlink(path);
	rmdir(sub);
}

/* Hostile files: thousands of small mutations of the valid profile and the
 * ISF (characters that matter to JSON and to numbers, truncation). Every
 * load must end in LD_OK or a format/limit error, never a crash, leak or
 * sanitizer report (the suite runs under ASan/UBSan and valgrind). */
static uint32_t rng = 12345;
static uint32_t next_rand(void)
{
	rng = rng * 1103515245u + 12345u;
	return rng >> 8;
}

static void mutate_and_load(const char *orig, const char *name, unsigned rounds)
{
	static const char alphabet[] = "{}[]\":,-0123456789e.xatrfn\\ ";
	size_t len = strlen(orig);
	char *buf = malloc(len + 1);
	for (unsigned r = 0; r < rounds; r++) {
		memcpy(buf, orig, len + 1);
		size_t n = len;
		unsigned edits = 1 + next_rand() % 4;
		for (unsigned e = 0; e < edits; e++)
			buf[next_rand() % len] = alphabet[next_rand() % (sizeof alphabet - 1)];
		if (next_rand() % 8 == 0)
			n = next_rand() % len;
		const char *path = write_file(name, buf, n);
		struct ld_profile *p;
		ld_status st = ld_profile_load(path, &p);
		CHECK(st == LD_OK || st == LD_ERR_FORMAT || st == LD_ERR_LIMIT || st == LD_ERR_UNSUPPORTED,
		      "mutation %u of %s: status %d (%s)", r, name, (int)st, ld_errmsg());
		if (st == LD_OK) {
			/* A surviving profile must still answer lookups safely. */
			uint32_t off;
			(void)ld_profile_offset(p, "_ETHREAD", "u1.Flag", &off);
			(void)ld_profile_offset(p, "_T", "a.Blink", &off);
			ld_profile_free(p);
		}
		ld_warn_clear();
	}
	free(buf);
}

/* Bounds: a FIFO is refused without blocking; a field path with too many
 * components is refused; an ISF whose unnamed types nest into each other
 * 64 wide and 8 deep (64^8 flattened fields) is refused quickly. */
static void test_bounds(void)
{
	char path[128];
	snprintf(path, sizeof path, "%s/fifo.json", dir);
	struct ld_profile *p;
	if (mkfifo(path, 0600) == 0) {
		CHECK(ld_profile_load(path, &p) == LD_ERR_IO && strstr(ld_errmsg(), "not a regular file"),
		      "FIFO: %s", ld_errmsg());
		unlink(path);
	}
	const char *gp = write_file("good.json", good, strlen(good));
	if (ld_profile_load(gp, &p) == LD_OK) {
		uint32_t off;
		CHECK(ld_profile_offset(p, "_T", "a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a", &off) == LD_ERR_LIMIT,
		      "long path refused");
		ld_profile_free(p);
	}
	size_t cap = 1 << 20, n = 0;
	char *doc = malloc(cap);
	n += (size_t)snprintf(doc + n, cap - n, "{\"metadata\": {\"format\": \"6.2.0\"}, "
			      "\"base_types\": {\"pointer\": {\"kind\": \"int\", \"size\": 8, "
			      "\"signed\": false, \"endian\": \"little\"}, \"long\": {\"kind\": \"int\", "
			      "\"size\": 4, \"signed\": true, \"endian\": \"little\"}}, \"user_types\": {");
	for (int level = 0; level < 8; level++) {
		char inner[80];
		if (level == 7)
			snprintf(inner, sizeof inner, "{\"kind\": \"base\", \"name\": \"long\"}");
		else
			snprintf(inner, sizeof inner, "{\"kind\": \"union\", \"name\": \"unnamed_%d\"}",
				 level + 1);
		n += (size_t)snprintf(doc + n, cap - n, "\"unnamed_%d\": {\"kind\": \"union\", \"size\": 4, "
				      "\"fields\": {", level);
		for (int f = 0; f < 64; f++)
			n += (size_t)snprintf(doc + n, cap - n, "%s\"f%d\": {\"offset\": 0, \"type\": %s}",
					      f ? ", " : "", f, inner);
		n += (size_t)snprintf(doc + n, cap - n, "}}, ");
	}
	n += (size_t)snprintf(doc + n, cap - n, "\"_BOMB\": {\"kind\": \"struct\", \"size\": 4, \"fields\": "
			      "{\"u\": {\"offset\": 0, \"type\": {\"kind\": \"union\", \"name\": "
			      "\"unnamed_0\"}}}}}, \"enums\": {}, \"symbols\": {}}");
	const char *bp = write_file("bomb.json", doc, n);
	ld_status st = ld_profile_load(bp, &p);
	CHECK(st == LD_ERR_FORMAT || st == LD_ERR_LIMIT, "nested unnamed types: status %d (%s)", (int)st,
	      ld_errmsg());
	if (st == LD_OK)
		ld_profile_free(p);
	free(doc);
}

int main(void)
{
	snprintf(dir, sizeof dir, "%s/ldtypes.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(dir))
		return 99;
	test_good();
	test_bad();
	test_isf();
	test_dir();
	test_index();
	test_bounds();
	mutate_and_load(good, "mut.json", 1000);
	mutate_and_load(isf, "mut-isf.json", 1000);
	const char *names[] = { "good.json", "bad.json", "nt.json", "nt.json.xz", "broken.json.xz",
				"mut.json", "mut-isf.json", "bomb.json" };
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		char path[128];
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
	if (fails)
		printf("%d check(s) failed\n", fails);
	return fails ? 1 : 0;
}
