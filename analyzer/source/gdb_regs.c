/*
 * gdb_regs.c — registers of a gdb stub by name, through its target
 * description (qXfer:features:read:target.xml and the files it includes,
 * fetched here in chunks).
 *
 * Register numbers are implicit: each <reg> gets the next number (or the one
 * its regnum attribute says), in document order, includes expanded where
 * they stand. The 'g' packet carries the registers in that order, so the bit
 * offset of a register is the sum of the sizes before it — the fallback when
 * the stub has no 'p' packet. QEMU's x86 description names CR3 "cr3".
 */
#include "gdb_rsp-priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Includes nest one or two deep in practice; a loop of includes must end. */
#define TDESC_MAX_DEPTH 4
#define TDESC_MAX_FILES 32

/* Binary data in qXfer replies escapes '#', '$', '}' and '*' as '}' c^0x20. */
static ld_status append_binary(const char *s, size_t len, char *out, size_t *n, size_t cap)
{
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c == '}' && i + 1 < len)
			c = (char)(s[++i] ^ 0x20);
		if (*n == cap)
			return ld_fail(LD_ERR_LIMIT, "gdb stub: target description over %zu bytes", cap);
		out[(*n)++] = c;
	}
	return LD_OK;
}

ld_status ld_rsp_xfer_features(struct ld_rsp *r, const char *annex, char **data, size_t *len)
{
	if (strlen(annex) > 200 || strpbrk(annex, "#$}*:"))
		return ld_fail(LD_ERR_FORMAT, "gdb stub: bad target description name \"%.40s\"", annex);
	char *out = ld_xcalloc(LD_RSP_MAX_XML + 1, 1);
	if (!out)
		return LD_ERR_NOMEM;
	size_t ps = ld_rsp_packet_size(r), n = 0, chunk = ps > 64 ? ps - 32 : 32;
	ld_status st = LD_OK;
	for (;;) {
		char cmd[300];
		const char *rep;
		size_t rl;
		snprintf(cmd, sizeof cmd, "qXfer:features:read:%s:%zx,%zx", annex, n, chunk);
		if ((st = ld_rsp_exchange(r, cmd, &rep, &rl)) != LD_OK)
			break;
		if (rl == 0 || (rep[0] != 'm' && rep[0] != 'l')) {
			st = ld_fail(LD_ERR_NOT_FOUND, "gdb stub: no target description \"%s\"", annex);
			break;
		}
		size_t before = n;
		if ((st = append_binary(rep + 1, rl - 1, out, &n, LD_RSP_MAX_XML)) != LD_OK)
			break;
		if (rep[0] == 'l' || n == before)
			break;                  /* last chunk, or a stub making no progress */
	}
	if (st != LD_OK) {
		free(out);
		return st;
	}
	out[n] = '\0';
	*data = out;
	*len = n;
	return LD_OK;
}

struct reg_query {
	const char *name;
	unsigned next_regnum;
	uint64_t next_bit;           /* offset in the 'g' packet */
	unsigned files;
	bool found;
	unsigned regnum;
	unsigned bitsize;
	uint64_t bit;
};

/* Value of attr="…" inside the tag [tag, end), copied to buf. */
static bool tag_attr(const char *tag, const char *end, const char *attr, char *buf, size_t cap)
{
	size_t al = strlen(attr);
	for (const char *p = tag + 1; p + al + 2 < end; p++) {
		if ((p[-1] != ' ' && p[-1] != '\t' && p[-1] != '\n') || strncmp(p, attr, al) != 0 ||
		    p[al] != '=' || p[al + 1] != '"')
			continue;
		const char *v = p + al + 2, *q = memchr(v, '"', (size_t)(end - v));
		if (!q || (size_t)(q - v) >= cap)
			return false;
		memcpy(buf, v, (size_t)(q - v));
		buf[q - v] = '\0';
		return true;
	}
	return false;
}

static void take_reg(struct reg_query *q, const char *tag, const char *end)
{
	char name[64], num[32];
	unsigned bits = 0;
	if (tag_attr(tag, end, "regnum", num, sizeof num))
		q->next_regnum = (unsigned)strtoul(num, NULL, 10);
	if (tag_attr(tag, end, "bitsize", num, sizeof num))
		bits = (unsigned)strtoul(num, NULL, 10);
	if (!q->found && tag_attr(tag, end, "name", name, sizeof name) && strcmp(name, q->name) == 0) {
		q->found = true;
		q->regnum = q->next_regnum;
		q->bitsize = bits;
		q->bit = q->next_bit;
	}
	q->next_regnum++;
	q->next_bit += bits;
}

static ld_status walk_doc(struct ld_rsp *r, const char *annex, int depth, struct reg_query *q);

static ld_status walk_text(struct ld_rsp *r, const char *doc, int depth, struct reg_query *q)
{
	for (const char *p = strchr(doc, '<'); p && !q->found; p = strchr(p + 1, '<')) {
		if (strncmp(p, "<!--", 4) == 0) {
			/* Commented-out registers (QEMU has some) do not count. */
			const char *e = strstr(p, "-->");
			if (!e)
				break;
			p = e;
			continue;
		}
		const char *end = strchr(p, '>');
		if (!end)
			break;
		if (strncmp(p, "<reg", 4) == 0 && (p[4] == ' ' || p[4] == '\t' || p[4] == '\n'))
			take_reg(q, p, end);
		else if (strncmp(p, "<xi:include", 11) == 0) {
			char href[128];
			if (tag_attr(p, end, "href", href, sizeof href)) {
				ld_status st = walk_doc(r, href, depth + 1, q);
				if (st != LD_OK)
					return st;
			}
		}
		p = end;
	}
	return LD_OK;
}

static ld_status walk_doc(struct ld_rsp *r, const char *annex, int depth, struct reg_query *q)
{
	if (depth > TDESC_MAX_DEPTH || ++q->files > TDESC_MAX_FILES)
		return ld_fail(LD_ERR_LIMIT, "gdb stub: target description includes too deep/many");
	char *doc;
	size_t len;
	ld_status st = ld_rsp_xfer_features(r, annex, &doc, &len);
	if (st != LD_OK)
		return st;
	st = walk_text(r, doc, depth, q);
	free(doc);
	return st;
}

static uint64_t le_value(const uint8_t *b, size_t n)
{
	uint64_t v = 0;
	for (size_t i = n; i-- > 0;)
		v = v << 8 | b[i];
	return v;
}

static ld_status hex_to_value(const char *hex, size_t nbytes, uint64_t *value)
{
	uint8_t b[8];
	if (nbytes > sizeof b)
		nbytes = sizeof b;         /* low bytes first: the low 64 bits */
	for (size_t i = 0; i < nbytes; i++) {
		if (hex[2 * i] == 'x')
			return ld_fail(LD_ERR_NOT_PRESENT, "gdb stub: register value unavailable");
		int hi = ld_rsp_hexval(hex[2 * i]), lo = ld_rsp_hexval(hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return ld_fail(LD_ERR_FORMAT, "gdb stub: bad hex in register reply");
		b[i] = (uint8_t)(hi << 4 | lo);
	}
	*value = le_value(b, nbytes);
	return LD_OK;
}

/* 'g': all registers; take the slice of ours. */
static ld_status read_from_g(struct ld_rsp *r, const struct reg_query *q, uint64_t *value)
{
	const char *rep;
	size_t len;
	ld_status st = ld_rsp_exchange(r, "g", &rep, &len);
	if (st != LD_OK)
		return st;
	uint64_t off = q->bit / 4, nhex = q->bitsize / 4;   /* hex digits */
	if (q->bit % 8 != 0 || q->bitsize % 8 != 0 || off + nhex > len)
		return ld_fail(LD_ERR_NOT_FOUND, "gdb stub: register %s not in the 'g' packet", q->name);
	return hex_to_value(rep + off, q->bitsize / 8, value);
}

ld_status ld_rsp_read_reg(struct ld_rsp *r, const char *name, uint64_t *value)
{
	if (!ld_rsp_supports(r, "qXfer:features:read"))
		return ld_fail(LD_ERR_NOT_FOUND, "gdb stub has no target description: %s unknown", name);
	struct reg_query q = { .name = name };
	ld_status st = walk_doc(r, "target.xml", 0, &q);
	if (st != LD_OK)
		return st;
	if (!q.found || q.bitsize == 0 || q.bitsize % 8 != 0)
		return ld_fail(LD_ERR_NOT_FOUND, "gdb stub does not describe register %s", name);
	char cmd[32];
	const char *rep;
	size_t len;
	snprintf(cmd, sizeof cmd, "p%x", q.regnum);
	if ((st = ld_rsp_exchange(r, cmd, &rep, &len)) != LD_OK)
		return st;
	if (len == 0)
		return read_from_g(r, &q, value);      /* stub without 'p' */
	if (len < q.bitsize / 4)
		return ld_fail(LD_ERR_IO, "gdb stub: reading %s: \"%.16s\"", name, rep);
	return hex_to_value(rep, q.bitsize / 8, value);
}
