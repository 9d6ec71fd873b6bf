/* alpc_discover.c — finding ALPC ports and messages: handle tables (type
 * "ALPC Port"), the namespace (\RPC Control and the rest), the pointers
 * between decoded objects, and the pool (opt-in), reconciled by address:
 * each port keeps the set of ways it was found (found_by). */
#include "lpc-alpc-priv.h"

#include <string.h>

static bool is_alpc_type(const char *type_name)
{
	return strcmp(type_name, "ALPC Port") == 0;
}

struct disc {
	struct alpc *d;
	ld_status st;
};

/* A hard error (out of memory) stops discovery; a bad address does not. */
static bool keep_going(struct disc *a, ld_status st)
{
	if (st == LD_OK || st == LD_ERR_ARG)
		return true;
	a->st = st;
	return false;
}

static ld_status note(void *decoder, uint64_t addr, unsigned found_by, size_t *index)
{
	return alpc_port_note(decoder, addr, found_by, index);
}

static struct lpc_port_finder finder(struct alpc *d)
{
	return (struct lpc_port_finder){ .k = d->k, .m = d->m, .is_port_type = is_alpc_type, .note = note,
					 .decoder = d };
}

ld_status alpc_discover_handles(struct alpc *d)
{
	struct lpc_port_finder f = finder(d);
	return lpc_find_ports_by_handle(&f);
}

ld_status alpc_discover_directory(struct alpc *d)
{
	struct lpc_port_finder f = finder(d);
	return lpc_find_ports_in_directory(&f);
}

static void note_port(struct disc *a, uint64_t addr)
{
	if (addr && a->st == LD_OK)
		keep_going(a, alpc_port_note(a->d, addr, LD_FOUND_LINK, NULL));
}

/* Ports and messages reached by pointers: the messages reply waiters hold,
 * the ports those messages name, and the closure over CommunicationInfo. */
ld_status alpc_discover_links(struct alpc *d)
{
	struct disc a = { .d = d, .st = LD_OK };
	struct ld_lpc_model *m = d->m;
	for (size_t i = 0; i < m->sys->nthreads && a.st == LD_OK; i++) {
		const struct ld_lpc_thread *t = &m->threads[i];
		if ((t->roles & LD_LPC_ROLE_REPLY_WAITER) && t->reply_message)
			keep_going(&a, alpc_message_note(d, t->reply_message, LD_FOUND_THREAD, LD_MSG_THREAD, 0, NULL));
	}
	for (size_t i = 0; i < m->nmessages && a.st == LD_OK; i++) {
		const struct ld_lpc_message *msg = &m->messages[i];
		if (!msg->available)
			continue;
		note_port(&a, msg->alpc.owner_port);
		note_port(&a, msg->alpc.port_queue);
		note_port(&a, msg->alpc.connection_port);
	}
	/* nports grows while we go: the loop reaches the new ones too. */
	for (size_t i = 0; i < m->nports && a.st == LD_OK; i++) {
		const struct ld_lpc_port *p = &m->ports[i];
		uint64_t links[3] = { p->connection_port, p->alpc.server_comm_port, p->alpc.client_comm_port };
		for (size_t j = 0; j < 3; j++)
			if (links[j] != m->ports[i].addr)
				note_port(&a, links[j]);
	}
	return a.st;
}

/* ---- the pool ---- */

#define POOL_PEEK 0x400u   /* bytes of a block read to place it */

struct pool_arg {
	struct alpc *d;
	uint32_t hdr;
	size_t hits, unplaced;
	ld_status st;
};

static uint64_t ptr_at(struct alpc *d, const uint8_t *b, size_t len, size_t off)
{
	unsigned ps = ld_kernel_ptr_size(d->k);
	if (off + ps > len)
		return 0;
	return ld_arch_canonical(ld_kernel_info(d->k)->arch, ps == 8 ? ld_le64(b + off) : ld_le32(b + off));
}

/* Do the bytes at va equal the physical bytes we scanned? */
static bool same_bytes(struct alpc *d, uint64_t va, const uint8_t *phys, size_t len)
{
	uint8_t buf[POOL_PEEK];
	if (!va || !ld_kernel_is_kva(d->k, va) || len > sizeof(buf))
		return false;
	return ld_kernel_read(d->k, va, buf, len) == LD_OK && memcmp(buf, phys, len) == 0;
}

/* A pool block holds a structure at an offset we do not know (object
 * headers, a BLOB header precede it). Its LIST_ENTRY at list_off names its
 * own address: the next entry's Blink, or the entry itself when the list is
 * empty. Try each pointer-aligned offset; the candidate whose bytes read the
 * same through that virtual address is the structure. */
static uint64_t place(struct alpc *d, const uint8_t *body, size_t len, uint32_t list_off, size_t cmp)
{
	unsigned ps = ld_kernel_ptr_size(d->k);
	for (size_t o = 0; o + list_off + 2 * ps <= len && o + cmp <= len; o += ps) {
		uint64_t flink = ptr_at(d, body, len, o + list_off), self = 0;
		if (!flink || !ld_kernel_is_kva(d->k, flink))
			continue;
		if (ld_kernel_read_ptr(d->k, flink + ps, &self) != LD_OK)
			continue;
		uint64_t cand[2] = { self - list_off, flink - list_off };
		for (size_t i = 0; i < 2; i++)
			if (same_bytes(d, cand[i], body + o, cmp))
				return cand[i];
	}
	return 0;
}

static bool hit_cb(const struct ld_pool_hit *h, void *arg)
{
	struct pool_arg *a = arg;
	struct alpc *d = a->d;
	uint8_t body[POOL_PEEK];
	size_t len = h->block_size > a->hdr ? h->block_size - a->hdr : 0;
	if (len > sizeof(body))
		len = sizeof(body);
	a->hits++;
	if (!len || ld_source_read(ld_kernel_source(d->k), h->pa + a->hdr, body, len) != LD_OK)
		return true;
	bool is_msg = memcmp(h->tag, "AlMs", 4) == 0;
	const struct ld_fref *list = is_msg ? &d->f.msg_entry : &d->f.po_list;
	/* Compare up to the PORT_MESSAGE (messages) or the owner (ports). */
	size_t cmp = is_msg ? d->f.msg_pm.off : d->f.po_owner.off + ld_kernel_ptr_size(d->k);
	uint64_t va = list->valid ? place(d, body, len, list->off, cmp) : 0;
	if (!va) {
		a->unplaced++;
		return true;
	}
	a->st = is_msg ? alpc_message_note(d, va, LD_FOUND_POOL, LD_MSG_NOWHERE, 0, NULL)
		       : alpc_port_note(d, va, LD_FOUND_POOL, NULL);
	return a->st == LD_OK || a->st == LD_ERR_ARG;
}

ld_status alpc_discover_pool(struct alpc *d)
{
	static const char *const tags[] = { "ALPC", "AlMs" };
	struct pool_arg a = { .d = d, .hdr = ld_type_size(ld_kernel_profile(d->k), "_POOL_HEADER") };
	if (!a.hdr) {
		ld_warn("pool scan skipped: the profile has no POOL_HEADER");
		return LD_OK;
	}
	ld_status st = ld_pool_scan(d->k, tags, LD_ARRAY_SIZE(tags), hit_cb, &a);
	d->m->pool_scanned = st == LD_OK;
	d->m->pool_walk.count = a.hits;
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
