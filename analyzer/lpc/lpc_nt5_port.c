/* lpc_nt5_port.c — LPCP_PORT_OBJECT: kind, links, owner, flags (SEMANTICS
 * §1.1), then the three lists every port carries: the receive queue, the
 * reply chain (threads waiting for replies through it) and the DataInfo
 * chain. Each walk is bounded and its end kept on the port. */
#include "lpc-nt5-priv.h"

#include <stdio.h>
#include <string.h>

enum { LPC_LIST_RECEIVE = 1, LPC_LIST_DATA_INFO = 2, LPC_LIST_REPLY_CHAIN = 4 };

/* Is the LIST_ENTRY at head (inside the port copy) an empty list? Most
 * queues and chains are: answering from the copy saves two reads per list. */
static bool list_empty_in_copy(struct lpc_nt5 *d, const struct ld_record *r, const struct ld_fref *head_f)
{
	if (!head_f->valid || !r->ok)
		return false;
	uint64_t head = r->base + head_f->off;
	struct ld_fref fl = { .valid = true, .off = head_f->off, .size = ld_kernel_ptr_size(d->k), .is_ptr = true };
	struct ld_fref bl = fl;
	uint64_t flink, blink;
	bl.off += fl.size;
	return ld_record_holds(r, head, 2 * fl.size) && lpc_rec_get(d, r, &fl, &flink) &&
	       lpc_rec_get(d, r, &bl, &blink) && flink == head && blink == head;
}

static unsigned empty_lists(struct lpc_nt5 *d, const struct ld_record *r)
{
	return (list_empty_in_copy(d, r, &d->f.po_receive_head) ? LPC_LIST_RECEIVE : 0) |
	       (list_empty_in_copy(d, r, &d->f.po_data_info) ? LPC_LIST_DATA_INFO : 0) |
	       (list_empty_in_copy(d, r, &d->f.po_reply_chain) ? LPC_LIST_REPLY_CHAIN : 0);
}

static enum ld_port_kind kind_of(uint32_t flags)
{
	switch (flags & LPC_PORT_TYPE_MASK) {
	case 1: return LD_PORT_CONNECTION;
	case 2: return LD_PORT_UNCONNECTED;
	case 3: return LD_PORT_SERVER_COMM;
	case 4: return LD_PORT_CLIENT_COMM;
	default: return LD_PORT_UNKNOWN;
	}
}

/* A connection port's server is its ServerProcess (read with the port). */
static void read_owner(struct lpc_nt5 *d, struct ld_lpc_port *p)
{
	const struct ld_process *pr = p->owner_process ? lpc_process_by_addr(d->m, p->owner_process) : NULL;
	if (pr) {
		p->owner_pid = pr->pid;
		p->owner_known = true;
	}
}

static void read_port(struct lpc_nt5 *d, struct ld_lpc_port *p, unsigned *empty)
{
	struct ld_record *r = &d->port_rec;
	uint64_t flags, v;
	(void)ld_record_load(d->k, r, p->addr, 0, d->f.port_size);
	*empty = empty_lists(d, r);
	if (!lpc_rec_get(d, r, &d->f.po_flags, &flags)) {
		ld_status st = ld_read_field(d->k, p->addr, &d->f.po_flags, &flags);
		p->read_status = st != LD_OK ? st : LD_ERR_NOT_PRESENT;
		return;
	}
#define PORT_FIELD(name) (lpc_rec_get(d, r, &d->f.name, &v) ? v : 0)
	p->readable = true;
	p->flags = (uint32_t)flags;
	p->kind = kind_of(p->flags);
	p->waitable = (p->flags & LPC_PORT_WAITABLE) != 0;
	p->name_deleted = (p->flags & LPC_PORT_NAME_DELETED) != 0;
	p->deleted = (p->flags & LPC_PORT_DELETED) != 0;
	p->connection_port = PORT_FIELD(po_connection);
	p->connected_port = PORT_FIELD(po_connected);
	p->semaphore = PORT_FIELD(po_semaphore);
	p->creator_pid = PORT_FIELD(po_creator_pid);
	p->creator_tid = PORT_FIELD(po_creator_tid);
	p->port_context = PORT_FIELD(po_context);
	p->client_thread = PORT_FIELD(po_client_thread);
	p->max_message_length = (uint32_t)PORT_FIELD(po_max_msg);
	p->max_connection_info_length = (uint32_t)PORT_FIELD(po_max_conn);
	if (p->kind == LD_PORT_CONNECTION)   /* ServerProcess shares its slot with MappingProcess */
		p->owner_process = PORT_FIELD(po_server_process);
#undef PORT_FIELD
	uint64_t sig;
	if (p->semaphore && d->f.sem_signal.valid &&
	    ld_read_field(d->k, p->semaphore, &d->f.sem_signal, &sig) == LD_OK) {
		p->semaphore_known = true;
		p->semaphore_count = (int32_t)sig;
	}
	read_owner(d, p);
}

static ld_status remember_empty_lists(struct lpc_nt5 *d, size_t at, unsigned empty)
{
	if (at >= d->cap_empty_lists) {
		size_t cap = d->cap_empty_lists ? 2 * d->cap_empty_lists : 256;
		while (cap <= at)
			cap *= 2;
		uint8_t *e = ld_xrealloc(d->empty_lists, cap, 1);
		if (!e)
			return ld_fail_ctx(LD_ERR_NOMEM, "LPC ports");
		memset(e + d->cap_empty_lists, 0, cap - d->cap_empty_lists);
		d->empty_lists = e;
		d->cap_empty_lists = cap;
	}
	d->empty_lists[at] = (uint8_t)empty;
	return LD_OK;
}

ld_status lpc_nt5_port_note(struct lpc_nt5 *d, uint64_t addr, unsigned found_by, size_t *index)
{
	if (lpc_port_known(d->m, addr, found_by, index))
		return LD_OK;
	if (!addr || !ld_kernel_is_kva(d->k, addr))
		return ld_fail(LD_ERR_ARG, "port address %#llx is not a kernel address",
			       (unsigned long long)addr);
	struct ld_lpc_port p = { .addr = addr, .flavor = LD_LPC_FLAVOR_LPC, .found_by = found_by };
	unsigned empty;
	read_port(d, &p, &empty);
	size_t at;
	ld_status st = lpc_port_add(d->m, &p, &at);
	if (st != LD_OK)
		return st;
	if (index)
		*index = at;
	return remember_empty_lists(d, at, empty);
}

/* ---- walks ---- */

/* A thread on a port's reply chain waits for a reply through it: the
 * port is its rundown port. */
static void rundown(void *decoder, size_t t, size_t port)
{
	struct lpc_nt5 *d = decoder;
	d->rundown_port[t] = d->m->threads[t].rundown_port = port;
}

static ld_status note_queued(void *decoder, uint64_t msg, enum ld_msg_where where, uint64_t queued_on)
{
	return lpc_nt5_message_note(decoder, msg, LD_FOUND_QUEUE, where, queued_on, NULL);
}

/* A message past the model's cap is passed over (the walk still counts). */
static ld_status walk_messages(struct lpc_nt5 *d, size_t i, bool empty, const struct ld_fref *head_f,
			       enum ld_msg_where where, struct ld_walk_result *res, size_t *count)
{
	*count = 0;
	memset(res, 0, sizeof(*res));
	if (!head_f->valid || empty)
		return LD_OK;
	struct lpc_queue q = { .k = d->k, .m = d->m, .port = i, .head = d->m->ports[i].addr + head_f->off,
			       .entry_off = d->f.msg_entry.off, .limit = LPC_QUEUE_LIMIT, .where = where,
			       .note = note_queued, .decoder = d, .skip = LD_ERR_LIMIT };
	return lpc_queue_walk(&q, res, count);
}

/* A communication or unconnected port has no ServerProcess: its owner is the
 * process holding its handle, else its creator's process. */
static void owner_fallback(const struct ld_lpc_model *m, struct ld_lpc_port *p)
{
	if (!p->readable || p->owner_known || p->kind == LD_PORT_CONNECTION)
		return;
	uint64_t pid = p->nhandles ? p->handle_pid : p->creator_pid;
	const struct ld_process *pr = pid ? lpc_process_by_pid(m, pid) : NULL;
	if (!pr)
		return;
	p->owner_process = pr->addr;
	p->owner_pid = pr->pid;
	p->owner_known = true;
}

static ld_status walk_port(void *decoder, size_t i)
{
	struct lpc_nt5 *d = decoder;
	struct ld_lpc_port *p = &d->m->ports[i];
	if (!p->readable)
		return LD_OK;
	if (p->kind == LD_PORT_CONNECTION)
		lpc_port_read_name(d->k, p);
	/* What the read that found the port saw: no second read of 20,000 ports. */
	unsigned empty = i < d->cap_empty_lists ? d->empty_lists[i] : 0;
	size_t n;
	ld_status st = walk_messages(d, i, empty & LPC_LIST_RECEIVE, &d->f.po_receive_head, LD_MSG_RECEIVE_QUEUE,
				     &p->queue_walk, &n);
	p = &d->m->ports[i];
	p->nqueued = n;
	lpc_warn_walk("receive queue", p, &p->queue_walk);
	if (st != LD_OK)
		return st;
	st = walk_messages(d, i, empty & LPC_LIST_DATA_INFO, &d->f.po_data_info, LD_MSG_DATA_INFO,
			   &p->data_info_walk, &n);
	p = &d->m->ports[i];
	p->ndata_info = n;
	lpc_warn_walk("DataInfo chain", p, &p->data_info_walk);
	if (st != LD_OK)
		return st;
	struct lpc_thread_list l = { .k = d->k, .m = d->m, .port = i, .head_off = d->f.po_reply_chain.off,
				     .entry_off = d->f.et_reply_chain.off, .limit = LPC_CHAIN_LIMIT,
				     .empty = (empty & LPC_LIST_REPLY_CHAIN) != 0, .on_thread = rundown, .decoder = d,
				     .what = "reply chain" };
	lpc_port_threads_walk(&l);
	return LD_OK;
}

static ld_status links(void *decoder)
{
	return lpc_nt5_discover_links(decoder);
}

ld_status lpc_nt5_ports_walk(struct lpc_nt5 *d)
{
	struct lpc_port_walker w = { .m = d->m, .what = "LPC ports", .walk_port = walk_port,
				     .owner_fallback = owner_fallback, .links = links, .decoder = d };
	return lpc_ports_walk_rounds(&w);
}
