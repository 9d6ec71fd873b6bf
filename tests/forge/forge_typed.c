/*
 * forge_typed.c — writes by type and field name, laid out by the profile of
 * the build under test (types.h), so the forge never hard-codes an offset:
 * fg_set("_ETHREAD", "Cid.UniqueThread", ...) lands wherever that build has it.
 * Also the two shapes every structure uses: LIST_ENTRY and UNICODE_STRING.
 *
 * Directive:
 *   set VA TYPE.PATH=VALUE...   e.g. set nt!PsActiveProcessHead _LIST_ENTRY.Blink=0
 *                               (kernel space; the profile's offsets and bit fields)
 */
#include "forge-priv.h"

#include <string.h>

static const struct ld_type *type_or_die(struct fg_machine *m, const char *type)
{
	if (!m->profile)
		fg_die(fg_where(), "%s needs a profile (say `profile NAME`)", type);
	const struct ld_type *t = ld_profile_type(m->profile, type);
	if (!t)
		fg_die(fg_where(), "profile %s has no type %s", ld_profile_name(m->profile), type);
	return t;
}

static bool resolve(struct fg_machine *m, const char *type, const char *path, struct ld_field *f)
{
	if (!m->profile)
		return false;
	const struct ld_type *t = ld_profile_type(m->profile, type);
	return t && ld_type_resolve(m->profile, t, path, f) == LD_OK;
}

static void write_field(struct fg_machine *m, uint64_t va, const struct ld_field *f, uint64_t value)
{
	uint8_t b[8] = { 0 };
	size_t size = f->size;
	if (size == 0 || size > 8)
		fg_die(fg_where(), "field %s is %u bytes: not an integer", f->name, f->size);
	if (f->bitlen) {
		fg_read(m, va + f->offset, b, size);
		uint64_t old = ld_le64(b);
		uint64_t mask = (f->bitlen >= 64 ? ~0ull : ((1ull << f->bitlen) - 1)) << f->bitpos;
		value = (old & ~mask) | ((value << f->bitpos) & mask);
	}
	ld_put_le64(b, value);
	fg_write(m, va + f->offset, b, size);
}

void fg_set(struct fg_machine *m, uint64_t va, const char *type, const char *path, uint64_t value)
{
	struct ld_field f;
	(void)type_or_die(m, type);
	if (!resolve(m, type, path, &f))
		fg_die(fg_where(), "profile %s has no field %s.%s", ld_profile_name(m->profile), type, path);
	write_field(m, va, &f, value);
}

void fg_set_opt(struct fg_machine *m, uint64_t va, const char *type, const char *path, uint64_t value)
{
	struct ld_field f;
	if (resolve(m, type, path, &f))
		write_field(m, va, &f, value);
}

uint32_t fg_offset(struct fg_machine *m, const char *type, const char *path)
{
	struct ld_field f;
	(void)type_or_die(m, type);
	if (!resolve(m, type, path, &f))
		fg_die(fg_where(), "profile %s has no field %s.%s", ld_profile_name(m->profile), type, path);
	return f.offset;
}

uint32_t fg_sizeof(struct fg_machine *m, const char *type)
{
	return type_or_die(m, type)->size;
}

/* LIST_ENTRY is two pointers, Flink then Blink, in every build. */
static uint64_t blink_offset(struct fg_machine *m)
{
	struct ld_field f;
	if (resolve(m, "_LIST_ENTRY", "Blink", &f))
		return f.offset;
	return ld_arch_ptr_size(m->arch);
}

static uint64_t read_ptr(struct fg_machine *m, uint64_t va)
{
	uint8_t b[8] = { 0 };
	fg_read(m, va, b, ld_arch_ptr_size(m->arch));
	return ld_le64(b);
}

void fg_list_init(struct fg_machine *m, uint64_t head)
{
	fg_write_ptr(m, head, head);
	fg_write_ptr(m, head + blink_offset(m), head);
}

void fg_list_append(struct fg_machine *m, uint64_t head, uint64_t entry)
{
	uint64_t bo = blink_offset(m);
	uint64_t last = read_ptr(m, head + bo);
	if (!last) {            /* a head nobody initialised: treat as empty */
		fg_list_init(m, head);
		last = head;
	}
	fg_write_ptr(m, entry, head);
	fg_write_ptr(m, entry + bo, last);
	fg_write_ptr(m, last, entry);
	fg_write_ptr(m, head + bo, entry);
}

/* UTF-8 → UTF-16LE (BMP only; other code points become U+FFFD). */
static size_t utf16_encode(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;
	const unsigned char *p = (const unsigned char *)s;
	while (*p && n + 2 <= cap) {
		uint32_t cp = *p++;
		if (cp >= 0xC0 && cp < 0xE0 && (p[0] & 0xC0) == 0x80) {
			cp = (cp & 0x1F) << 6 | (p[0] & 0x3F);
			p += 1;
		} else if (cp >= 0xE0 && cp < 0xF0 && (p[0] & 0xC0) == 0x80 && (p[1] & 0xC0) == 0x80) {
			cp = (cp & 0x0F) << 12 | (p[0] & 0x3F) << 6 | (p[1] & 0x3F);
			p += 2;
		} else if (cp >= 0x80) {
			cp = 0xFFFD;
			while ((*p & 0xC0) == 0x80)
				p++;
		}
		ld_put_le16(out + n, (uint16_t)cp);
		n += 2;
	}
	return n;
}

void fg_unicode_string(struct fg_machine *m, uint64_t va, const char *s, bool paged)
{
	uint8_t buf[2 * 1024];
	size_t len = utf16_encode(s, buf, sizeof(buf) - 2);
	buf[len] = buf[len + 1] = 0;
	uint64_t data = fg_kalloc(m, len + 2, NULL, paged);
	fg_write(m, data, buf, len + 2);
	struct ld_field f;
	uint64_t buf_off = resolve(m, "_UNICODE_STRING", "Buffer", &f) ? f.offset : ld_arch_ptr_size(m->arch);
	uint8_t hdr[4];
	ld_put_le16(hdr, (uint16_t)len);
	ld_put_le16(hdr + 2, (uint16_t)(len + 2));
	fg_write(m, va, hdr, sizeof(hdr));
	fg_write_ptr(m, va + buf_off, data);
}

int fg_dir_set(struct fg_machine *m, int argc, char **argv, const char *where)
{
	if (argc < 3)
		fg_die(where, "usage: set VA TYPE.PATH=VALUE...");
	uint64_t va = fg_parse_va(m, where, argv[1]);
	for (int i = 2; i < argc; i++) {
		char type[128];
		const char *dot = strchr(argv[i], '.'), *eq = strchr(argv[i], '=');
		if (!dot || !eq || eq < dot || (size_t)(dot - argv[i]) >= sizeof(type) || dot == argv[i])
			fg_die(where, "set: want TYPE.PATH=VALUE, got '%s'", argv[i]);
		memcpy(type, argv[i], (size_t)(dot - argv[i]));
		type[dot - argv[i]] = 0;
		char path[256];
		size_t plen = (size_t)(eq - dot - 1);
		if (!plen || plen >= sizeof(path))
			fg_die(where, "set: want TYPE.PATH=VALUE, got '%s'", argv[i]);
		memcpy(path, dot + 1, plen);
		path[plen] = 0;
		fg_set(m, va, type, path, fg_parse_u64_or_die(where, "value", eq + 1));
	}
	return 0;
}
