/*
 * live_tool.c — drives the live sources directly, below the command layer,
 * for the tests of tests/live:
 *
 *   live_tool meta URL                 source metadata, one "key value" a line
 *   live_tool read URL PA LEN          hex dump of physical bytes (16 a line)
 *   live_tool sum URL                  pages read and an FNV-1a hash of every present page
 *   live_tool refresh URL PA LEN       read, refresh the source, read again
 *   live_tool monitor HOST:PORT CMD    run a monitor command through the stub, print its output
 *   live_tool reg HOST:PORT NAME       one register through the target description
 *
 * URL is gdb://… or mem://…. `monitor` exists so that tests can make QEMU
 * write dump-guest-memory files without any other client; lpcdump itself
 * never sends monitor commands that change the guest.
 */
#include "analyzer/source/gdb_rsp-priv.h"
#include "analyzer/source/live-priv.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct live {
	struct ld_gdb_source *gdb;
	struct ld_livemem *mem;
};

static ld_status live_open(const char *url, struct live *l)
{
	if (strncmp(url, "gdb://", 6) == 0)
		return ld_gdb_open(url, &l->gdb);
	return ld_livemem_open(url, &l->mem);
}

static const struct ld_source_meta *live_meta(struct live *l)
{
	return l->gdb ? ld_gdb_meta(l->gdb) : ld_livemem_meta(l->mem);
}

static ld_status live_read(struct live *l, uint64_t pa, void *buf, size_t len)
{
	return l->gdb ? ld_gdb_read(l->gdb, pa, buf, len) : ld_livemem_read(l->mem, pa, buf, len);
}

static void live_refresh(struct live *l)
{
	if (l->gdb)
		ld_gdb_refresh(l->gdb);
}

static ld_status live_next(struct live *l, uint64_t from, uint64_t *s, uint64_t *e)
{
	return l->gdb ? ld_gdb_next_range(l->gdb, from, s, e) : ld_livemem_next_range(l->mem, from, s, e);
}

static void live_close(struct live *l)
{
	ld_gdb_close(l->gdb);
	ld_livemem_close(l->mem);
}

static int fail(const char *what)
{
	fprintf(stderr, "live_tool: %s: %s\n", what, ld_errmsg());
	return 1;
}

static int cmd_meta(struct live *l)
{
	const struct ld_source_meta *m = live_meta(l);
	printf("format %s\narch %s\n", m->format, ld_arch_name(m->arch));
	if (m->has_dtb)
		printf("dtb 0x%" PRIx64 "\n", m->dtb);
	else
		printf("dtb none\n");
	printf("present_pages %" PRIu64 "\nmax_pfn 0x%" PRIx64 "\n", m->present_pages, m->max_pfn);
	uint64_t s, e, from = 0;
	while (live_next(l, from, &s, &e) == LD_OK) {
		printf("range 0x%" PRIx64 "-0x%" PRIx64 "\n", s, e);
		from = e;
	}
	return 0;
}

static int cmd_read(struct live *l, const char *pa_s, const char *len_s)
{
	uint64_t pa = strtoull(pa_s, NULL, 0);
	size_t len = (size_t)strtoull(len_s, NULL, 0);
	if (len > 1 << 20)
		len = 1 << 20;
	uint8_t *buf = malloc(len ? len : 1);
	if (!buf)
		return 1;
	ld_status st = live_read(l, pa, buf, len);
	if (st != LD_OK) {
		printf("error %s: %s\n", ld_status_name(st), ld_errmsg());
		free(buf);
		return 2;
	}
	for (size_t i = 0; i < len; i++)
		printf("%02x%s", buf[i], (i % 16 == 15 || i + 1 == len) ? "\n" : "");
	free(buf);
	return 0;
}

static int cmd_sum(struct live *l)
{
	uint64_t s, e, from = 0, pages = 0, h = 0xcbf29ce484222325ull;
	uint8_t page[LD_PAGE_SIZE];
	while (live_next(l, from, &s, &e) == LD_OK) {
		for (uint64_t pa = s; pa < e; pa += LD_PAGE_SIZE, pages++) {
			if (live_read(l, pa, page, sizeof page) != LD_OK)
				return fail("sum");
			for (size_t i = 0; i < sizeof page; i++)
				h = (h ^ page[i]) * 0x100000001b3ull;
		}
		from = e;
	}
	printf("pages %" PRIu64 " fnv %016" PRIx64 "\n", pages, h);
	return 0;
}

static int with_stub(const char *hostport, struct ld_rsp **r)
{
	char host[256];
	const char *colon = strrchr(hostport, ':');
	if (!colon || (size_t)(colon - hostport) >= sizeof host)
		return fprintf(stderr, "live_tool: want HOST:PORT\n"), 2;
	snprintf(host, sizeof host, "%.*s", (int)(colon - hostport), hostport);
	/* dump-guest-memory of a few hundred MiB takes seconds. */
	struct ld_rsp_opts o = { .timeout_ms = 120000 };
	if (ld_rsp_connect(host, colon + 1, &o, r) != LD_OK)
		return fail("connect");
	return 0;
}

static int cmd_monitor(const char *hostport, const char *cmd)
{
	struct ld_rsp *r;
	int rc = with_stub(hostport, &r);
	if (rc)
		return rc;
	char *out;
	if (ld_rsp_monitor(r, cmd, &out) != LD_OK) {
		ld_rsp_close(r);
		return fail("monitor");
	}
	fputs(out, stdout);
	free(out);
	ld_rsp_close(r);
	return 0;
}

static int cmd_reg(const char *hostport, const char *name)
{
	struct ld_rsp *r;
	int rc = with_stub(hostport, &r);
	if (rc)
		return rc;
	uint64_t v;
	ld_status st = ld_rsp_read_reg(r, name, &v);
	if (st == LD_OK)
		printf("%s 0x%" PRIx64 "\n", name, v);
	else
		printf("error %s: %s\n", ld_status_name(st), ld_errmsg());
	ld_rsp_close(r);
	return st == LD_OK ? 0 : 2;
}

static int usage(void)
{
	fprintf(stderr, "usage: live_tool meta|sum URL | read URL PA LEN | monitor HOST:PORT CMD | "
			"reg HOST:PORT NAME\n");
	return 2;
}

int main(int argc, char **argv)
{
	if (argc < 3)
		return usage();
	if (strcmp(argv[1], "monitor") == 0)
		return argc == 4 ? cmd_monitor(argv[2], argv[3]) : usage();
	if (strcmp(argv[1], "reg") == 0)
		return argc == 4 ? cmd_reg(argv[2], argv[3]) : usage();
	struct live l = { 0 };
	ld_status st = live_open(argv[2], &l);
	if (st != LD_OK) {
		printf("error %s: %s\n", ld_status_name(st), ld_errmsg());
		return 3;
	}
	int rc;
	if (strcmp(argv[1], "meta") == 0)
		rc = cmd_meta(&l);
	else if (strcmp(argv[1], "read") == 0 && argc == 5)
		rc = cmd_read(&l, argv[3], argv[4]);
	else if (strcmp(argv[1], "sum") == 0)
		rc = cmd_sum(&l);
	else if (strcmp(argv[1], "refresh") == 0 && argc == 5) {
		rc = cmd_read(&l, argv[3], argv[4]);
		live_refresh(&l);
		if (rc == 0)
			rc = cmd_read(&l, argv[3], argv[4]);
	}
	else
		rc = usage();
	for (size_t i = 0; i < ld_warn_count(); i++)
		fprintf(stderr, "warning: %s\n", ld_warn_get(i));
	live_close(&l);
	return rc;
}
