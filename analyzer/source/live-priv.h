/*
 * live-priv.h — the live targets behind gdb:// and mem:// (issue 7).
 *
 * Both are plain physical-memory sources (source.h) whose memory changes
 * under us: nothing here writes to the target, reads are never cached longer
 * than until ld_source_refresh(), and a vanished target is an error
 * (LD_ERR_IO / LD_ERR_TIMEOUT), never invented data.
 *
 *  gdb://HOST:PORT[?timeout=MS&size=BYTES&resume=yes|no]
 *      The GDB remote protocol (gdb_rsp-priv.h): QEMU's physical memory mode,
 *      CR3/CR0/CR4/EFER from the target description, the RAM layout from the
 *      QEMU monitor ("info mtree -f"), or size= when the stub has no monitor.
 *      resume: on close, let a guest that our connection paused run again
 *      (default: yes when QEMU says "paused", never in "prelaunch"); such a
 *      guest also runs for 0.2 s at each refresh, so a second look sees it
 *      move on.
 *  mem://PATH[?lowmem=BYTES]
 *      A guest RAM file (QEMU memory-backend-file, e.g. under /dev/shm), read
 *      with pread. lowmem: file bytes past it are guest RAM at 4 GiB (QEMU pc:
 *      3 GiB for RAM ≥ 3.5 GiB; q35: 2 GiB for RAM ≥ 2.75 GiB).
 */
#ifndef LPCDUMP_LIVE_PRIV_H
#define LPCDUMP_LIVE_PRIV_H

#include "source.h"

/* A physical RAM range [start, end), byte addresses. */
struct ld_live_range {
	uint64_t start, end;
};
/* The most RAM ranges a live target may report (QEMU gives 2-4). */
#define LD_LIVE_MAX_RANGES 64

/* Options after '?' in a target URL: "k=v&k=v". Returns the value of key in
 * buf, false when absent. */
bool ld_live_url_opt(const char *query, const char *key, char *buf, size_t cap);
/* "123", "0x1000", "64M", "2G" → bytes. */
bool ld_live_parse_size(const char *s, uint64_t *out);
/* Range helpers over a sorted array. */
bool ld_live_ranges_has(const struct ld_live_range *r, size_t n, uint64_t pa);
ld_status ld_live_ranges_next(const struct ld_live_range *r, size_t n, uint64_t from,
			      uint64_t *start, uint64_t *end);
/* Parse QEMU's "info mtree -f": the RAM of the "memory" address space. */
size_t ld_live_parse_mtree(const char *text, struct ld_live_range *out, size_t cap);

struct ld_gdb_source;
ld_status ld_gdb_open(const char *url, struct ld_gdb_source **out);
const struct ld_source_meta *ld_gdb_meta(const struct ld_gdb_source *g);
ld_status ld_gdb_read(struct ld_gdb_source *g, uint64_t pa, void *buf, size_t len);
bool ld_gdb_has_page(struct ld_gdb_source *g, uint64_t pfn);
ld_status ld_gdb_next_range(struct ld_gdb_source *g, uint64_t from, uint64_t *start, uint64_t *end);
void ld_gdb_refresh(struct ld_gdb_source *g);
ld_status ld_gdb_status(struct ld_gdb_source *g);
void ld_gdb_close(struct ld_gdb_source *g);

struct ld_livemem;
ld_status ld_livemem_open(const char *url, struct ld_livemem **out);
const struct ld_source_meta *ld_livemem_meta(const struct ld_livemem *m);
ld_status ld_livemem_read(struct ld_livemem *m, uint64_t pa, void *buf, size_t len);
bool ld_livemem_has_page(struct ld_livemem *m, uint64_t pfn);
ld_status ld_livemem_next_range(struct ld_livemem *m, uint64_t from, uint64_t *start, uint64_t *end);
ld_status ld_livemem_status(struct ld_livemem *m);
void ld_livemem_close(struct ld_livemem *m);

#endif
