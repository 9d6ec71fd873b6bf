/* addr_parse.c — addresses and counts typed the WinDbg way, and addresses
 * shown the WinDbg way (see addr-priv.h). */
#include "addr-priv.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* Longest expression we accept: a symbol name plus an offset. */
#define ADDR_EXPR_MAX 160

static bool parse_number(const char *s, uint64_t *out)
{
	int base = 16;
	if (!strncmp(s, "0n", 2) || !strncmp(s, "0N", 2)) {
		base = 10;
		s += 2;
	} else if (!strncmp(s, "0x", 2) || !strncmp(s, "0X", 2)) {
		s += 2;
	}
	if (!*s || !isxdigit((unsigned char)*s))
		return false;
	errno = 0;
	char *end;
	unsigned long long v = strtoull(s, &end, base);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

static bool looks_like_symbol(const char *s)
{
	if (!*s || isdigit((unsigned char)*s))
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '!' && *s != '@' && *s != '.')
			return false;
	return true;
}

static bool parse_term(struct ld_cmd_ctx *ctx, const char *s, uint64_t *out)
{
	if (s[0] == '#')
		return ld_cmd_parse_u64(ctx, s, out);
	if (parse_number(s, out))
		return true;
	if (!looks_like_symbol(s))
		return false;
	bool owned;
	struct ld_symbols *syms = ld_cmd_symbols(ctx, &owned);
	bool ok = ld_symbols_lookup(syms, s, out);
	if (owned)
		ld_symbols_free(syms);
	return ok;
}

bool ld_cmd_parse_addr(struct ld_cmd_ctx *ctx, const char *s, uint64_t *out)
{
	char buf[ADDR_EXPR_MAX];
	size_t j = 0;
	if (!s)
		return false;
	for (size_t i = 0; s[i]; i++) {
		if (s[i] == '`')
			continue;   /* fffff800`02800000 */
		if (j + 1 >= sizeof buf)
			return false;
		buf[j++] = s[i];
	}
	buf[j] = 0;
	if (!j)
		return false;
	/* One trailing "+OFF" or "-OFF" (hexadecimal, like the address). */
	char *op = NULL;
	for (char *p = buf + 1; *p; p++)
		if (*p == '+' || *p == '-')
			op = p;
	uint64_t base, off = 0;
	char sign = 0;
	if (op) {
		sign = *op;
		*op = 0;
		if (!parse_number(op + 1, &off))
			return false;
	}
	if (!parse_term(ctx, buf, &base))
		return false;
	/* Not canonicalised here: a physical address (db /p) is not a VA. */
	*out = sign == '-' ? base - off : base + off;
	return true;
}

bool ld_cmd_parse_count(const char *s, uint64_t *out)
{
	if (s && (s[0] == 'L' || s[0] == 'l'))
		s++;
	return s && parse_number(s, out);
}

const char *ld_fmt_addr(const struct ld_kernel *k, uint64_t va, char *buf, size_t len)
{
	if (k && ld_kernel_ptr_size(k) == 4)
		snprintf(buf, len, "%08" PRIx64, va & 0xffffffffu);
	else
		snprintf(buf, len, "%08" PRIx64 "`%08" PRIx64, va >> 32, va & 0xffffffffu);
	return buf;
}
