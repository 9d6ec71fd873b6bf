/* unicode_string.c — UNICODE_STRING from kernel memory to UTF-8, bounded. */
#include "model-priv.h"

#include <stdlib.h>
#include <string.h>

/* Longest string we read: UNICODE_STRING.Length is a USHORT anyway. */
#define LD_USTR_MAX_BYTES 0xfffe

static size_t utf8_put(char *out, size_t pos, size_t max, uint32_t cp)
{
	char b[4];
	size_t n;
	if (cp < 0x80) {
		b[0] = (char)cp; n = 1;
	} else if (cp < 0x800) {
		b[0] = (char)(0xc0 | cp >> 6); b[1] = (char)(0x80 | (cp & 0x3f)); n = 2;
	} else if (cp < 0x10000) {
		b[0] = (char)(0xe0 | cp >> 12); b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (char)(0x80 | (cp & 0x3f)); n = 3;
	} else {
		b[0] = (char)(0xf0 | cp >> 18); b[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		b[2] = (char)(0x80 | ((cp >> 6) & 0x3f)); b[3] = (char)(0x80 | (cp & 0x3f)); n = 4;
	}
	if (pos + n >= max)
		return 0;   /* no room: truncate on a character boundary */
	memcpy(out + pos, b, n);
	return n;
}

/* Decode UTF-16LE; unpaired surrogates become U+FFFD, control characters '?'. */
static void utf16_to_utf8(const uint8_t *in, size_t nbytes, char *out, size_t max)
{
	size_t pos = 0;
	for (size_t i = 0; i + 1 < nbytes; i += 2) {
		uint32_t cp = ld_le16(in + i);
		if (cp >= 0xd800 && cp < 0xdc00 && i + 3 < nbytes) {
			uint32_t lo = ld_le16(in + i + 2);
			if (lo >= 0xdc00 && lo < 0xe000) {
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				i += 2;
			} else {
				cp = 0xfffd;
			}
		} else if (cp >= 0xd800 && cp < 0xe000) {
			cp = 0xfffd;
		} else if (cp < 0x20 || cp == 0x7f) {
			cp = '?';   /* a control character would break a line of a report */
		}
		size_t n = utf8_put(out, pos, max, cp);
		if (n == 0)
			break;
		pos += n;
	}
	out[pos] = '\0';
}

ld_status ld_read_unicode_string(struct ld_kernel *k, uint64_t va, char *out, size_t max)
{
	if (!out || max == 0)
		return ld_fail(LD_ERR_ARG, "unicode string: no output buffer");
	out[0] = '\0';
	unsigned ps = ld_kernel_ptr_size(k);
	uint16_t len, maxlen;
	uint64_t buf;
	ld_status st;
	/* Length, MaximumLength, then Buffer at the pointer alignment. */
	if ((st = ld_kernel_read_u16(k, va, &len)) != LD_OK ||
	    (st = ld_kernel_read_u16(k, va + 2, &maxlen)) != LD_OK ||
	    (st = ld_kernel_read_ptr(k, va + ps, &buf)) != LD_OK)
		return ld_fail_ctx(st, "UNICODE_STRING at %#llx", (unsigned long long)va);
	if (len == 0)
		return LD_OK;
	if ((len & 1) || len > maxlen || len > LD_USTR_MAX_BYTES)
		return ld_fail(LD_ERR_CORRUPT, "UNICODE_STRING at %#llx: Length %u, MaximumLength %u",
			       (unsigned long long)va, len, maxlen);
	if (!ld_kernel_is_kva(k, buf))
		return ld_fail(LD_ERR_CORRUPT, "UNICODE_STRING at %#llx: buffer %#llx is not a kernel address",
			       (unsigned long long)va, (unsigned long long)buf);
	/* Only read what can be shown: 4 UTF-8 bytes need at least 2 UTF-16 bytes. */
	size_t want = len;
	if (want > (max - 1) * 2 + 4)
		want = (max - 1) * 2 + 4;
	uint8_t tmp[1024];
	uint8_t *p = tmp;
	uint8_t *heap = NULL;
	if (want > sizeof(tmp)) {
		heap = ld_xcalloc(1, want);
		if (!heap)
			return LD_ERR_NOMEM;
		p = heap;
	}
	st = ld_kernel_read(k, buf, p, want);
	if (st == LD_OK)
		utf16_to_utf8(p, want, out, max);
	else
		st = ld_fail_ctx(st, "UNICODE_STRING buffer at %#llx", (unsigned long long)buf);
	free(heap);
	return st;
}
