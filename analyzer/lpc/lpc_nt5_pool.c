/* lpc_nt5_pool.c — the pool scan for LPC (opt-in: it reads all of memory).
 * 'Port' blocks are either a port object or a port's non-paged queue, whose
 * BackPointer names the port; 'LpcM' blocks are messages. A pool hit has a
 * physical address only, so each candidate's virtual address is taken from a
 * pointer inside it and confirmed by reading the same bytes through it. */
#include "lpc-nt5-priv.h"

#include <string.h>

#define POOL_PEEK 256u   /* bytes of a block read to recognise it */

/* A non-paged port queue: BackPointer → the port, whose MsgQueue.NonPagedPortQueue
 * must show these very bytes. */
static bool try_queue_block(struct lpc_nt5 *d, const uint8_t *body, size_t len, ld_status *st)
{
	if (!d->f.npq_back.valid || !d->f.po_nonpaged.valid)
		return false;
	uint64_t port = lpc_pool_ptr(d->k, body, len, d->f.npq_back.off), npq;
	if (!port || !ld_kernel_is_kva(d->k, port) ||
	    ld_read_field(d->k, port, &d->f.po_nonpaged, &npq) != LD_OK)
		return false;
	size_t cmp = d->f.npq_back.off + ld_kernel_ptr_size(d->k);
	if (cmp > len || !lpc_pool_same_bytes(d->k, npq, body, cmp))
		return false;
	*st = lpc_nt5_port_note(d, port, LD_FOUND_POOL, NULL);
	return true;
}

/* A message starts the block: its Entry places it. */
static bool try_message_block(struct lpc_nt5 *d, const uint8_t *body, size_t len, ld_status *st)
{
	size_t cmp = d->f.message_size && d->f.message_size < len ? d->f.message_size : len;
	uint64_t va = lpc_pool_place_at(d->k, body, len, 0, d->f.msg_entry.off, cmp);
	if (!va)
		return false;
	*st = lpc_nt5_message_note(d, va, LD_FOUND_POOL, LD_MSG_NOWHERE, 0, NULL);
	return true;
}

static bool place_block(void *decoder, const char *tag, const uint8_t *body, size_t len, ld_status *st)
{
	return memcmp(tag, "LpcM", 4) == 0 ? try_message_block(decoder, body, len, st)
					   : try_queue_block(decoder, body, len, st);
}

ld_status lpc_nt5_discover_pool(struct lpc_nt5 *d)
{
	static const char *const tags[] = { "Port", "LpcM" };
	struct lpc_pool_scan s = { .k = d->k, .m = d->m, .tags = tags, .ntags = LD_ARRAY_SIZE(tags),
				   .peek = POOL_PEEK, .place = place_block, .decoder = d };
	return lpc_pool_scan(&s);
}
