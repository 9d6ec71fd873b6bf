/* lpc_pool_place.c — the pool scan both decoders run (opt-in: it reads all
 * of memory), and placing a block by its own list links. A pool hit has a
 * physical address only: each candidate virtual address is taken from a
 * pointer inside the block and confirmed by reading the same bytes through
 * it. Which tags, and what a block of each holds, are the decoder's. */
#include "lpc-priv.h"

#include <string.h>

uint64_t lpc_pool_ptr(struct ld_kernel *k, const uint8_t *body, size_t len, size_t off)
{
	unsigned ps = ld_kernel_ptr_size(k);
	if (off + ps > len)
		return 0;
	return ld_arch_canonical(ld_kernel_info(k)->arch, ps == 8 ? ld_le64(body + off) : ld_le32(body + off));
}

bool lpc_pool_same_bytes(struct ld_kernel *k, uint64_t va, const uint8_t *phys, size_t len)
{
	uint8_t buf[LPC_POOL_PEEK_MAX];
	if (!va || !ld_kernel_is_kva(k, va) || len > sizeof(buf))
		return false;
	return ld_kernel_read(k, va, buf, len) == LD_OK && memcmp(buf, phys, len) == 0;
}

/* The LIST_ENTRY names its own record: the next entry's Blink, or the entry
 * itself when the list is empty (re-initialised). */
uint64_t lpc_pool_place_at(struct ld_kernel *k, const uint8_t *body, size_t len, size_t at, uint32_t list_off,
			   size_t cmp)
{
	uint64_t flink = lpc_pool_ptr(k, body, len, at + list_off), self = 0;
	if (!flink || !ld_kernel_is_kva(k, flink))
		return 0;
	if (ld_kernel_read_ptr(k, flink + ld_kernel_ptr_size(k), &self) != LD_OK)
		return 0;
	uint64_t cand[2] = { self - list_off, flink - list_off };
	for (size_t i = 0; i < 2; i++)
		if (lpc_pool_same_bytes(k, cand[i], body + at, cmp))
			return cand[i];
	return 0;
}

struct scan_arg {
	const struct lpc_pool_scan *s;
	uint32_t hdr;               /* POOL_HEADER size */
	size_t hits, unplaced;
	ld_status st;
};

static bool hit_cb(const struct ld_pool_hit *h, void *arg)
{
	struct scan_arg *a = arg;
	uint8_t body[LPC_POOL_PEEK_MAX];
	size_t len = h->block_size > a->hdr ? h->block_size - a->hdr : 0;
	if (len > a->s->peek)
		len = a->s->peek;
	a->hits++;
	if (!len || ld_source_read(ld_kernel_source(a->s->k), h->pa + a->hdr, body, len) != LD_OK)
		return true;
	a->unplaced += !a->s->place(a->s->decoder, h->tag, body, len, &a->st);
	/* A hard error (out of memory) stops the scan; a bad address does not. */
	return a->st == LD_OK || a->st == LD_ERR_ARG;
}

ld_status lpc_pool_scan(const struct lpc_pool_scan *s)
{
	struct scan_arg a = { .s = s, .hdr = ld_type_size(ld_kernel_profile(s->k), "_POOL_HEADER") };
	if (!a.hdr) {
		ld_warn("pool scan skipped: the profile has no POOL_HEADER");
		return LD_OK;
	}
	ld_status st = ld_pool_scan(s->k, s->tags, s->ntags, hit_cb, &a);
	s->m->pool_scanned = st == LD_OK;
	s->m->pool_walk.count = a.hits;
	if (st == LD_ERR_NOT_FOUND) {
		ld_warn("pool scan: %s", ld_errmsg());
		return LD_OK;
	}
	if (st != LD_OK)
		return st;
	if (a.st != LD_OK && a.st != LD_ERR_ARG)
		return a.st;
	return LD_OK;
}
