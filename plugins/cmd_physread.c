/*
 * cmd_physread.c — `physread ADDR LEN DUMP` (hidden): LEN physical bytes at
 * ADDR as `od -An -tx1 -v` prints them, so tests compare a reader's bytes
 * with the forge's flat image using nothing but od.
 */
#include "phys-priv.h"

#include <stdlib.h>

/* A test reads pages, not dumps. */
#define PHYSREAD_MAX ((uint64_t)1 << 20)

static void print_od(FILE *out, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(out, " %02x%s", b[i], (i % 16 == 15 || i + 1 == n) ? "\n" : "");
}

struct physread {
	const char *cmd;
	uint64_t pa, len;
};

static int show(struct ld_cmd_ctx *ctx, struct ld_source *src, void *arg)
{
	const struct physread *r = arg;
	int rc = LD_EXIT_OK;
	uint8_t *buf = malloc((size_t)r->len);
	ld_status st = buf ? ld_source_read(src, r->pa, buf, (size_t)r->len) : LD_ERR_NOMEM;
	if (st == LD_OK)
		print_od(ctx->out, buf, (size_t)r->len);
	else
		rc = ld_cmd_error(r->cmd, st, "%s", buf ? ld_errmsg() : "out of memory");
	free(buf);
	return rc;
}

int ld_cmd_physread(struct ld_cmd_ctx *ctx, int argc, char **argv)
{
	struct physread r = { .cmd = argv[0] };
	if (argc != 3 || !ld_cmd_parse_u64(ctx, argv[1], &r.pa) || !ld_cmd_parse_u64(ctx, argv[2], &r.len) ||
	    r.len == 0 || r.len > PHYSREAD_MAX) {
		fprintf(stderr, "usage: lpcdump physread ADDR LEN DUMP (LEN 1..%llu)\n",
			(unsigned long long)PHYSREAD_MAX);
		return LD_EXIT_USAGE;
	}
	return ld_phys_with_source(ctx, argv[0], show, &r);
}
