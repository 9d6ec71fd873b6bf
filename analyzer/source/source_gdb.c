/*
 * source_gdb.c — gdb://HOST:PORT: physical memory of a machine served by a
 * GDB stub (QEMU/KVM's -gdb/-s). See live-priv.h for the URL options.
 *
 * Opening: connect, switch QEMU to physical addresses, learn the RAM layout
 * (QEMU monitor "info mtree -f", or size=), read the paging registers. A CR3
 * of a guest with paging on becomes meta.dtb; a guest with paging off (for
 * example one halted before it ran) has none, and the kernel layer finds the
 * DTB by scanning, as in a raw image.
 *
 * Reads go through a small direct-mapped page cache: one page costs two 'm'
 * round trips with QEMU, and the analysis reads the same page-table pages
 * over and over. ld_gdb_refresh() drops it.
 */
#include "gdb_rsp-priv.h"
#include "live-priv.h"
#include "source-priv.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* 64 pages = 256 KiB: holds the page-table pages of a walk and the objects
 * around it; memory stays flat whatever the guest's size. */
#define GDB_CACHE_PAGES 64
/* A miss right after the previous page's miss reads this many pages in one
 * pipelined batch: scans (the DTB search of a halted guest) go ~10x faster,
 * random page-table walks pay nothing. */
#define GDB_READAHEAD 16

/* How long the shell's refresh lets a paused guest run (0.2 s). */
#define GDB_REFRESH_RUN_NS 200000000L

#define CR0_PG (1ull << 31)
#define CR4_PAE (1ull << 5)
#define EFER_LMA (1ull << 10)

struct gdb_cache_slot {
	bool valid;
	uint64_t pfn;
	uint8_t data[LD_PAGE_SIZE];
};

struct ld_gdb_source {
	struct ld_rsp *rsp;
	struct ld_live_range ranges[LD_LIVE_MAX_RANGES];
	size_t nranges;
	bool was_running;            /* our connection paused a running guest */
	bool resume_on_close;        /* let it run again when we leave */
	struct ld_source_meta meta;
	struct gdb_cache_slot cache[GDB_CACHE_PAGES];
	uint64_t last_miss;          /* pfn of the last page fetched from the stub */
	uint8_t ahead[GDB_READAHEAD * LD_PAGE_SIZE];
};

/* ---- the URL ---- */

struct gdb_url {
	char host[256], port[16];
	const char *query;
};

static ld_status parse_url(const char *url, struct gdb_url *u)
{
	const char *p = strncmp(url, "gdb://", 6) == 0 ? url + 6 : url;
	const char *q = strchr(p, '?');
	size_t n = q ? (size_t)(q - p) : strlen(p);
	u->query = q ? q + 1 : NULL;
	const char *colon;
	if (*p == '[') {                        /* [v6-address]:port */
		const char *rb = memchr(p, ']', n);
		if (!rb || rb[1] != ':')
			return ld_fail(LD_ERR_ARG, "gdb: bad target \"%.80s\" (want gdb://HOST:PORT)", url);
		snprintf(u->host, sizeof u->host, "%.*s", (int)(rb - p - 1), p + 1);
		colon = rb + 1;
	} else {
		colon = memchr(p, ':', n);
		if (!colon || colon == p || (size_t)(colon - p) >= sizeof u->host)
			return ld_fail(LD_ERR_ARG, "gdb: bad target \"%.80s\" (want gdb://HOST:PORT)", url);
		snprintf(u->host, sizeof u->host, "%.*s", (int)(colon - p), p);
	}
	size_t pl = n - (size_t)(colon + 1 - p);
	if (pl == 0 || pl >= sizeof u->port || strspn(colon + 1, "0123456789") != pl)
		return ld_fail(LD_ERR_ARG, "gdb: bad port in \"%.80s\"", url);
	snprintf(u->port, sizeof u->port, "%.*s", (int)pl, colon + 1);
	return LD_OK;
}

/* ---- what the stub tells about the machine ---- */

static ld_status ram_from_size(struct ld_gdb_source *g, const char *query)
{
	char v[64];
	uint64_t size;
	if (!ld_live_url_opt(query, "size", v, sizeof v))
		return ld_fail(LD_ERR_UNSUPPORTED, "gdb: the stub does not tell the guest's RAM layout "
			       "(no QEMU monitor); give gdb://HOST:PORT?size=BYTES");
	if (!ld_live_parse_size(v, &size) || size < LD_PAGE_SIZE)
		return ld_fail(LD_ERR_ARG, "gdb: bad size=%s", v);
	g->ranges[0] = (struct ld_live_range){ 0, size & ~(uint64_t)(LD_PAGE_SIZE - 1) };
	g->nranges = 1;
	return LD_OK;
}

static ld_status learn_ram(struct ld_gdb_source *g, const char *query)
{
	char v[8];
	if (ld_live_url_opt(query, "size", v, sizeof v))
		return ram_from_size(g, query);          /* the user knows better */
	char *text;
	if (ld_rsp_monitor(g->rsp, "info mtree -f", &text) != LD_OK)
		return ram_from_size(g, query);
	g->nranges = ld_live_parse_mtree(text, g->ranges, LD_LIVE_MAX_RANGES);
	free(text);
	if (g->nranges == 0)
		return ram_from_size(g, query);
	return LD_OK;
}

/* QEMU pauses a running guest when a debugger connects. Give it back on
 * close unless it was never started (prelaunch: resuming would boot it) or
 * the user said otherwise. */
static void decide_resume(struct ld_gdb_source *g, const char *query)
{
	char v[8], *status;
	if (ld_rsp_monitor(g->rsp, "info status", &status) == LD_OK) {
		g->was_running = strstr(status, "status: paused") && !strstr(status, "prelaunch");
		free(status);
	}
	g->resume_on_close = g->was_running;
	if (ld_live_url_opt(query, "resume", v, sizeof v))
		g->resume_on_close = strcmp(v, "yes") == 0;
}

/* "CR3=00000000001ab000" in QEMU's "info registers", when the target
 * description does not name the register. */
static ld_status reg_from_monitor(struct ld_gdb_source *g, const char *name, uint64_t *value)
{
	char *text, key[16];
	ld_status st = ld_rsp_monitor(g->rsp, "info registers", &text);
	if (st != LD_OK)
		return st;
	snprintf(key, sizeof key, "%s=", name);
	const char *p = strstr(text, key);
	st = LD_OK;
	if (p)
		*value = strtoull(p + strlen(key), NULL, 16);
	else
		st = ld_fail(LD_ERR_NOT_FOUND, "gdb: no %s in the monitor's register dump", name);
	free(text);
	return st;
}

static ld_status read_cpu_reg(struct ld_gdb_source *g, const char *name, const char *mon_name,
			      uint64_t *value)
{
	ld_status st = ld_rsp_read_reg(g->rsp, name, value);
	if (st == LD_OK || st == LD_ERR_IO || st == LD_ERR_TIMEOUT)
		return st;
	return reg_from_monitor(g, mon_name, value);
}

/* Paging mode and DTB from CR0/CR3/CR4/EFER; unknown stays unknown. */
static ld_status learn_paging(struct ld_gdb_source *g)
{
	uint64_t cr0, cr3, cr4 = 0, efer = 0;
	ld_status st = read_cpu_reg(g, "cr0", "CR0", &cr0);
	if (st == LD_OK)
		st = read_cpu_reg(g, "cr3", "CR3", &cr3);
	if (st == LD_ERR_IO || st == LD_ERR_TIMEOUT)
		return st;
	if (st != LD_OK) {
		ld_warn("gdb: CPU registers unreadable (%s); the DTB will be searched for", ld_errmsg());
		return LD_OK;
	}
	if (!(cr0 & CR0_PG))
		return LD_OK;                        /* paging off: CR3 means nothing */
	(void)read_cpu_reg(g, "cr4", "CR4", &cr4);
	(void)read_cpu_reg(g, "efer", "EFER", &efer);
	struct ld_source_meta *m = &g->meta;
	if (efer & EFER_LMA)
		m->arch = LD_ARCH_X64;
	else
		m->arch = cr4 & CR4_PAE ? LD_ARCH_X86_PAE : LD_ARCH_X86;
	/* PAE's CR3 points at a 32-byte aligned PDPT; the others at a page. */
	uint64_t mask = m->arch == LD_ARCH_X86_PAE ? 0xffffffe0ull : 0x000ffffffffff000ull;
	m->dtb = cr3 & mask;
	m->has_dtb = m->dtb != 0;
	return LD_OK;
}

static void fill_meta(struct ld_gdb_source *g)
{
	struct ld_source_meta *m = &g->meta;
	m->format = "gdb";
	m->live = true;
	m->dump_type = -1;
	for (size_t i = 0; i < g->nranges; i++)
		m->present_pages += (g->ranges[i].end - g->ranges[i].start) / LD_PAGE_SIZE;
	m->max_pfn = g->nranges ? g->ranges[g->nranges - 1].end / LD_PAGE_SIZE : 0;
}

static ld_status connect_stub(const struct gdb_url *u, struct ld_rsp **rsp)
{
	struct ld_rsp_opts opts = { 0 };
	char v[32];
	uint64_t ms;
	if (ld_live_url_opt(u->query, "timeout", v, sizeof v)) {
		if (!ld_live_parse_size(v, &ms) || ms == 0 || ms > 3600000)
			return ld_fail(LD_ERR_ARG, "gdb: bad timeout=%s (milliseconds)", v);
		opts.timeout_ms = (int)ms;
	}
	return ld_rsp_connect(u->host, u->port, &opts, rsp);
}

static ld_status setup(struct ld_gdb_source *g, const struct gdb_url *u)
{
	ld_status st = connect_stub(u, &g->rsp);
	if (st != LD_OK)
		return st;
	decide_resume(g, u->query);
	if ((st = ld_rsp_phys_mode(g->rsp, true)) != LD_OK)
		return st;        /* virtual reads would depend on whichever process runs */
	if ((st = learn_ram(g, u->query)) != LD_OK || (st = learn_paging(g)) != LD_OK)
		return st;
	fill_meta(g);
	return LD_OK;
}

ld_status ld_gdb_open(const char *url, struct ld_gdb_source **out)
{
	struct gdb_url u;
	ld_status st = parse_url(url, &u);
	if (st != LD_OK)
		return st;
	struct ld_gdb_source *g = ld_xcalloc(1, sizeof *g);
	if (!g)
		return LD_ERR_NOMEM;
	if ((st = setup(g, &u)) != LD_OK) {
		ld_gdb_close(g);
		return st;
	}
	*out = g;
	return LD_OK;
}

const struct ld_source_meta *ld_gdb_meta(const struct ld_gdb_source *g)
{
	return &g->meta;
}

/* ---- reading ---- */

/* Pages [pfn, pfn + n) that stay inside one RAM range, n <= GDB_READAHEAD. */
static size_t ahead_span(const struct ld_gdb_source *g, uint64_t pfn)
{
	uint64_t pa = pfn << LD_PAGE_SHIFT;
	for (size_t i = 0; i < g->nranges; i++)
		if (pa >= g->ranges[i].start && pa < g->ranges[i].end) {
			uint64_t left = (g->ranges[i].end - pa) >> LD_PAGE_SHIFT;
			return left < GDB_READAHEAD ? (size_t)left : GDB_READAHEAD;
		}
	return 0;
}

/* Sequential misses: fetch the next pages too. A failure here is only a
 * reason to read the one page alone, unless the stub is gone. */
static ld_status read_ahead(struct ld_gdb_source *g, uint64_t pfn)
{
	size_t n = ahead_span(g, pfn);
	if (n < 2)
		return LD_ERR_NOT_PRESENT;
	ld_status st = ld_rsp_read_mem(g->rsp, pfn << LD_PAGE_SHIFT, g->ahead, n * LD_PAGE_SIZE);
	if (st != LD_OK)
		return st;
	for (size_t i = 0; i < n; i++) {
		struct gdb_cache_slot *s = &g->cache[(pfn + i) % GDB_CACHE_PAGES];
		memcpy(s->data, g->ahead + i * LD_PAGE_SIZE, LD_PAGE_SIZE);
		s->pfn = pfn + i;
		s->valid = true;
	}
	g->last_miss = pfn + n - 1;
	return LD_OK;
}

static ld_status get_page(struct ld_gdb_source *g, uint64_t pfn, const uint8_t **data)
{
	struct gdb_cache_slot *s = &g->cache[pfn % GDB_CACHE_PAGES];
	if (s->valid && s->pfn == pfn) {
		*data = s->data;
		return LD_OK;
	}
	if (pfn == g->last_miss + 1) {
		ld_status st = read_ahead(g, pfn);
		if (st == LD_OK) {
			*data = s->data;
			return LD_OK;
		}
		ld_status health = ld_rsp_health(g->rsp);
		if (health != LD_OK)
			return health;                     /* the stub is gone: say why */
	}
	g->last_miss = pfn;
	s->valid = false;
	ld_status st = ld_rsp_read_mem(g->rsp, pfn << LD_PAGE_SHIFT, s->data, LD_PAGE_SIZE);
	if (st != LD_OK)
		return st;
	s->valid = true;
	s->pfn = pfn;
	*data = s->data;
	return LD_OK;
}

ld_status ld_gdb_read(struct ld_gdb_source *g, uint64_t pa, void *buf, size_t len)
{
	uint8_t *p = buf;
	while (len > 0) {
		if (!ld_live_ranges_has(g->ranges, g->nranges, pa))
			return ld_fail(LD_ERR_NOT_PRESENT, "gdb: 0x%" PRIx64 " is not guest RAM", pa);
		const uint8_t *page = NULL;
		ld_status st = get_page(g, pa >> LD_PAGE_SHIFT, &page);
		if (st != LD_OK)
			return st;
		size_t off = (size_t)(pa % LD_PAGE_SIZE), n = LD_PAGE_SIZE - off;
		if (n > len)
			n = len;
		memcpy(p, page + off, n);
		p += n;
		pa += n;
		len -= n;
	}
	return LD_OK;
}

bool ld_gdb_has_page(struct ld_gdb_source *g, uint64_t pfn)
{
	return pfn < (UINT64_MAX >> LD_PAGE_SHIFT) &&
	       ld_live_ranges_has(g->ranges, g->nranges, pfn << LD_PAGE_SHIFT);
}

ld_status ld_gdb_next_range(struct ld_gdb_source *g, uint64_t from, uint64_t *start, uint64_t *end)
{
	return ld_live_ranges_next(g->ranges, g->nranges, from, start, end);
}

ld_status ld_gdb_status(struct ld_gdb_source *g)
{
	return ld_rsp_health(g->rsp);
}

/* The shell's refresh on a guest that was running: let it run a moment and
 * stop it again, so that the next look sees it move on. ('c', then the
 * interrupt byte; the stub answers with a stop reply.) */
static ld_status run_briefly(struct ld_gdb_source *g)
{
	ld_status st = ld_rsp_send(g->rsp, "c", ld_rsp_deadline(g->rsp));
	if (st != LD_OK)
		return st;
	struct timespec ts = { 0, GDB_REFRESH_RUN_NS };
	nanosleep(&ts, NULL);
	if ((st = ld_rsp_interrupt(g->rsp)) != LD_OK)
		return st;
	int64_t deadline = ld_rsp_deadline(g->rsp);
	for (;;) {
		const char *rep;
		size_t len;
		if ((st = ld_rsp_receive(g->rsp, deadline, NULL, &rep, &len)) != LD_OK)
			return st;
		if (len > 0 && (rep[0] == 'T' || rep[0] == 'S'))
			return LD_OK;
		if (len > 0 && (rep[0] == 'W' || rep[0] == 'X'))
			return ld_fail(LD_ERR_IO, "gdb: the guest ended while it ran (%.16s)", rep);
	}
}

void ld_gdb_refresh(struct ld_gdb_source *g)
{
	if (g->was_running && g->resume_on_close && run_briefly(g) != LD_OK)
		ld_warn("gdb: could not let the guest run before refreshing: %s", ld_errmsg());
	for (size_t i = 0; i < GDB_CACHE_PAGES; i++)
		g->cache[i].valid = false;
}

void ld_gdb_close(struct ld_gdb_source *g)
{
	if (!g)
		return;
	if (g->rsp && g->resume_on_close) {
		/* 'D' detaches; QEMU lets the guest run again. Best effort: the
		 * analysis is done whatever the stub answers. */
		const char *rep;
		(void)ld_rsp_phys_mode(g->rsp, false);
		(void)ld_rsp_exchange(g->rsp, "D", &rep, NULL);
	}
	ld_rsp_close(g->rsp);
	free(g);
}

/* ---- the row of the format table (source-priv.h) ---- */

static ld_status ops_open(struct ld_source *src)
{
	struct ld_gdb_source *g;
	ld_status st = ld_gdb_open(src->path, &g);
	if (st != LD_OK)
		return st;
	src->priv = g;
	src->meta = g->meta;
	return LD_OK;
}

static ld_status ops_read(struct ld_source *src, uint64_t pa, void *buf, size_t len)
{
	return ld_gdb_read(src->priv, pa, buf, len);
}

static bool ops_has_page(struct ld_source *src, uint64_t pfn)
{
	return ld_gdb_has_page(src->priv, pfn);
}

static ld_status ops_next_range(struct ld_source *src, uint64_t from, uint64_t *start, uint64_t *end)
{
	return ld_gdb_next_range(src->priv, from, start, end);
}

static void ops_refresh(struct ld_source *src)
{
	ld_gdb_refresh(src->priv);
}

static ld_status ops_status(struct ld_source *src)
{
	return ld_gdb_status(src->priv);
}

static void ops_close(struct ld_source *src)
{
	ld_gdb_close(src->priv);
	src->priv = NULL;
}

const struct ld_source_ops ld_source_gdb_ops = {
	.name = "gdb",
	.scheme = "gdb://",
	.open = ops_open,
	.read = ops_read,
	.has_page = ops_has_page,
	.next_range = ops_next_range,
	.refresh = ops_refresh,
	.status = ops_status,
	.close = ops_close,
};
