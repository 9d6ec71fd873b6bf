/* lpc_nt5_pool.c — the pool scan for LPC (opt-in: it reads all of memory).
 * 'Port' blocks are either a port object or a port's non-paged queue, whose
 * BackPointer names the port; 'LpcM' blocks are messages. A pool hit has a
 * physical address only, so each candidate's virtual address is taken from a
 * pointer inside it and confirmed by reading the same bytes through it. */
#include "lpc-nt5-priv.h"

#include <string.h>

#define POOL_PEEK 256u   /* bytes of a block read to recognise it */

struct pool_arg {
	struct lpc_nt5 *d;
	uint32_t hdr;               /* POOL_HEADER size */
	size_t hits, unplaced;
	ld_status st;
};

/* Do the bytes at va equal the physical bytes we scanned? */
static bool same_bytes(struct lpc_nt5 *d, uint64_t va, const uint8_t *phys, size_t len)
{
	uint8_t buf[POOL_PEEK];
	if (!va || !ld_kernel_is_kva(d->k, va) || len > sizeof(buf))
		return false;
	return ld_kernel_read(d->k, va, buf, len) == LD_OK && memcmp(buf, phys, len) == 0;
}

static uint64_t ptr_at(struct lpc_nt5 *d, const uint8_t *b, size_t len, uint32_t off)
{
	unsigned ps = ld_kernel_ptr_size(d->k);
	if (off + ps > len)
		return 0;
	uint64_t v = ps == 8 ? ld_le64(b + off) : ld_le32(b + off);
	if (ps == 8 && (v & (1ull << 47)))
		v |= 0xffff000000000000ull;
	return v;
}

/* A non-paged port queue: BackPointer → the port, whose MsgQueue.NonPagedPortQueue
 * must show these very bytes. */
static bool try_queue_block(struct pool_arg *a, const uint8_t *body, size_t len)
{
	struct lpc_nt5 *d = a->d;
	if (!d->f.npq_back.valid || !d->f.po_nonpaged.valid)
		return false;
	uint64_t port = ptr_at(d, body, len, d->f.npq_back.off), npq;
	if (!port || !ld_kernel_is_kva(d->k, port) ||
	    ld_read_field(d->k, port, &d->f.po_nonpaged, &npq) != LD_OK)
		return false;
	size_t cmp = d->f.npq_back.off + ld_kernel_ptr_size(d->k);
	if (cmp > len || !same_bytes(d, npq, body, cmp))
		return false;
	a->st = lpc_nt5_port_note(d, port, LD_FOUND_POOL, NULL);
	return true;
}

static bool message_cb_block(struct pool_arg *a, const uint8_t *body, size_t len)
{
	struct lpc_nt5 *d = a->d;
	/* Entry.Flink → next; next's Blink is this message's VA. An empty
	 * (re-initialised) entry points at itself. */
	uint64_t flink = ptr_at(d, body, len, d->f.msg_entry.off), self = 0;
	if (!flink || !ld_kernel_is_kva(d->k, flink))
		return false;
	if (ld_kernel_read_ptr(d->k, flink + ld_kernel_ptr_size(d->k), &self) != LD_OK)
		return false;
	size_t cmp = d->f.message_size && d->f.message_size < len ? d->f.message_size : len;
	uint64_t cand[2] = { self - d->f.msg_entry.off, flink - d->f.msg_entry.off };
	for (size_t i = 0; i < 2; i++)
		if (same_bytes(d, cand[i], body, cmp)) {
			a->st = lpc_nt5_message_note(d, cand[i], LD_FOUND_POOL, LD_MSG_NOWHERE, 0, NULL);
			return true;
		}
	return false;
}

static bool hit_cb(const struct ld_pool_hit *h, void *arg)
{
	struct pool_arg *a = arg;
	uint8_t body[POOL_PEEK];
	size_t len = h->block_size > a->hdr ? h->block_size - a->hdr : 0;
	if (len > sizeof(body))
		len = sizeof(body);
	a->hits++;
	if (!len || ld_source_read(ld_kernel_source(a->d->k), h->pa + a->hdr, body, len) != LD_OK)
		return true;
	bool placed = memcmp(h->tag, "LpcM", 4) == 0 ? message_cb_block(a, body, len)
						   : try_queue_block(a, body, len);
	a->unplaced += !placed;
	return a->st == LD_OK || a->st == LD_ERR_ARG;
}

ld_status lpc_nt5_discover_pool(struct lpc_nt5 *d)
{
	static const char *const tags[] = { "Port", "LpcM" };
	struct pool_arg a = { .d = d, .hdr = ld_type_size(ld_kernel_profile(d->k), "_POOL_HEADER") };
	if (!a.hdr) {
		ld_warn("pool scan skipped: the profile has no POOL_HEADER");
		return LD_OK;
	}
	ld_status st = ld_pool_scan(d->k, tags, LD_ARRAY_SIZE(tags), hit_cb, &a);
	d->m->pool_scanned = st == LD_OK;
	d->m->pool_walk.count = a.hits;
	if (st != LD_OK && st != LD_ERR_NOT_FOUND)
		return st;
	if (st == LD_ERR_NOT_FOUND)
		ld_warn("pool scan: %s", ld_errmsg());
	if (a.st != LD_OK && a.st != LD_ERR_ARG)
		return a.st;
	return LD_OK;
}
