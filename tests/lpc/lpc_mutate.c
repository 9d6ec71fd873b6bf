/* lpc_mutate.c — a test helper: flip bytes of a raw memory image where it
 * holds data, deterministically from a seed. Zero pages are left alone so
 * the damage lands on kernel structures (processes, threads, ports,
 * messages, page tables), not on empty RAM.
 *
 *   lpc_mutate IN OUT SEED COUNT
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE 4096u

static uint64_t next(uint64_t *s)
{
	/* xorshift64*: small, deterministic, good enough to scatter writes */
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1Dull;
}

static int fail(const char *what, const char *path)
{
	fprintf(stderr, "lpc_mutate: %s %s\n", what, path);
	return 2;
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: lpc_mutate IN OUT SEED COUNT\n");
		return 2;
	}
	FILE *in = fopen(argv[1], "rb");
	if (!in)
		return fail("cannot open", argv[1]);
	fseek(in, 0, SEEK_END);
	long size = ftell(in);
	rewind(in);
	if (size <= 0 || size > (1L << 30)) {
		fclose(in);
		return fail("bad size:", argv[1]);
	}
	uint8_t *img = malloc((size_t)size);
	size_t npages = (size_t)size / PAGE, ndata = 0;
	size_t *data = calloc(npages + 1, sizeof(size_t));
	if (!img || !data || fread(img, 1, (size_t)size, in) != (size_t)size) {
		fclose(in);
		return fail("cannot read", argv[1]);
	}
	fclose(in);
	for (size_t p = 0; p < npages; p++)
		for (size_t i = 0; i < PAGE; i++)
			if (img[p * PAGE + i]) {
				data[ndata++] = p;
				break;
			}
	uint64_t s = strtoull(argv[3], NULL, 0) * 0x9E3779B97F4A7C15ull + 1;
	unsigned long count = strtoul(argv[4], NULL, 0);
	for (unsigned long n = 0; ndata && n < count; n++) {
		size_t page = data[next(&s) % ndata];
		size_t off = (size_t)(next(&s) % (PAGE / 4)) * 4;   /* a whole aligned u32: pointers, ids, counts */
		uint32_t v = (uint32_t)next(&s);
		memcpy(img + page * PAGE + off, &v, 4);
	}
	FILE *out = fopen(argv[2], "wb");
	if (!out || fwrite(img, 1, (size_t)size, out) != (size_t)size || fclose(out) != 0)
		return fail("cannot write", argv[2]);
	free(img);
	free(data);
	return 0;
}
