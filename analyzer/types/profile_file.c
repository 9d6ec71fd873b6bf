/* profile_file.c — read a profile file whole (they are small, or an ISF the
 * user chose), decompressing .xz when liblzma is there. Capped either way. */
#include "config.h"
#include "types-priv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifdef HAVE_LZMA
#include <lzma.h>
#endif

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static ld_status read_plain(const char *path, char **data, size_t *len)
{
	struct stat sb;
	/* Refuse FIFOs and devices before opening: opening a FIFO blocks. */
	if (stat(path, &sb) != 0)
		return ld_fail(LD_ERR_IO, "profile %s: %s", path, strerror(errno));
	if (!S_ISREG(sb.st_mode))
		return ld_fail(LD_ERR_IO, "profile %s: not a regular file", path);
	FILE *f = fopen(path, "rb");
	if (!f)
		return ld_fail(LD_ERR_IO, "profile %s: %s", path, strerror(errno));
	if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode)) {
		fclose(f);
		return ld_fail(LD_ERR_IO, "profile %s: not a regular file", path);
	}
	if ((uint64_t)sb.st_size > LD_PROFILE_MAX_FILE) {
		fclose(f);
		return ld_fail(LD_ERR_LIMIT, "profile %s: %lld bytes is too big", path,
			       (long long)sb.st_size);
	}
	size_t n = (size_t)sb.st_size;
	char *buf = malloc(n + 1);
	if (!buf) {
		fclose(f);
		return ld_fail(LD_ERR_NOMEM, "profile %s: out of memory for %zu bytes", path, n);
	}
	size_t got = fread(buf, 1, n, f);
	fclose(f);
	if (got != n) {
		free(buf);
		return ld_fail(LD_ERR_IO, "profile %s: short read (%zu of %zu bytes)", path, got, n);
	}
	buf[n] = 0;
	*data = buf;
	*len = n;
	return LD_OK;
}

#ifdef HAVE_LZMA
static ld_status grow(char **out, size_t *cap, const char *path)
{
	size_t ncap = *cap ? *cap * 2 : (size_t)1 << 20;
	if (ncap > LD_PROFILE_MAX_FILE + 1)
		return ld_fail(LD_ERR_LIMIT, "profile %s: decompresses to over %zu bytes", path,
			       (size_t)LD_PROFILE_MAX_FILE);
	char *n = realloc(*out, ncap);
	if (!n)
		return ld_fail(LD_ERR_NOMEM, "profile %s: out of memory decompressing", path);
	*out = n;
	*cap = ncap;
	return LD_OK;
}

static ld_status read_xz(const char *path, char **data, size_t *len)
{
	char *in;
	size_t inlen;
	ld_status st = read_plain(path, &in, &inlen);
	if (st != LD_OK)
		return st;
	lzma_stream z = LZMA_STREAM_INIT;
	if (lzma_stream_decoder(&z, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK) {
		free(in);
		return ld_fail(LD_ERR_NOMEM, "profile %s: cannot start the xz decoder", path);
	}
	char *out = NULL;
	size_t cap = 0;
	z.next_in = (const uint8_t *)in;
	z.avail_in = inlen;
	lzma_ret r = LZMA_OK;
	while (r == LZMA_OK) {
		if (z.total_out + 1 >= cap && (st = grow(&out, &cap, path)) != LD_OK)
			break;
		z.next_out = (uint8_t *)out + z.total_out;
		z.avail_out = cap - 1 - z.total_out;
		r = lzma_code(&z, LZMA_FINISH);
	}
	if (st == LD_OK && r != LZMA_STREAM_END)
		st = ld_fail(LD_ERR_FORMAT, "profile %s: xz data is corrupt (lzma error %d)", path, (int)r);
	size_t n = (size_t)z.total_out;
	lzma_end(&z);
	free(in);
	if (st != LD_OK) {
		free(out);
		return st;
	}
	out[n] = 0;
	*data = out;
	*len = n;
	return LD_OK;
}
#endif

ld_status ld_profile_read_file(const char *path, char **data, size_t *len)
{
	if (ends_with(path, ".xz")) {
#ifdef HAVE_LZMA
		return read_xz(path, data, len);
#else
		return ld_fail(LD_ERR_UNSUPPORTED, "profile %s: built without liblzma, cannot read .xz",
			       path);
#endif
	}
	return read_plain(path, data, len);
}
