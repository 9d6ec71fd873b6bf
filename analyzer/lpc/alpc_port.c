/* alpc_port.c — _ALPC_PORT (SEMANTICS §4.1): kind, name, owner, the shared
 * CommunicationInfo, state bits, attributes; then its queues (Main, Large,
 * Pending, Direct, Canceled) and the threads waiting to receive on it
 * (WaitQueue). Every walk is bounded and its end kept on the port. */
#include "lpc-alpc-priv.h"

#include <stdio.h>
#include <string.h>

/* The kind, by which slot of the shared CommunicationInfo names this port;
 * the Type bits decide only when the links do not (SEMANTICS §4.1). */
static void kind_of(struct ld_lpc_port *p)
{
	uint64_t a = p->addr, c = p->connection_port;
	if (c && (c == p->alpc.server_comm_port || c == p->alpc.client_comm_port)) {
		/* One port cannot be both ends of a connection and the port it was
		 * made through: the CommunicationInfo is torn. The communication
		 * slots say more than a connection port that would be one of them. */
		ld_warn("ALPC port %#llx: its CommunicationInfo names communication port %#llx as the connection port",
			(unsigned long long)a, (unsigned long long)c);
		p->connection_port = 0;
	}
	p->alpc.kind_from_links = true;
	if (p->alpc.communication_info && a == p->connection_port)
		p->kind = LD_PORT_CONNECTION;
	else if (p->alpc.communication_info && a == p->alpc.server_comm_port)
		p->kind = LD_PORT_SERVER_COMM;
	else if (p->alpc.communication_info && a == p->alpc.client_comm_port)
		p->kind = LD_PORT_CLIENT_COMM;
	else {
		p->alpc.kind_from_links = false;
		switch (p->alpc.type_bits) {
		case ALPC_TYPE_CONNECTION: p->kind = LD_PORT_CONNECTION; break;
		case ALPC_TYPE_CLIENT: p->kind = LD_PORT_CLIENT_COMM; break;
		case ALPC_TYPE_SERVER: p->kind = LD_PORT_SERVER_COMM; break;
		default: p->kind = LD_PORT_UNCONNECTED; break;
		}
	}
	if (p->kind == LD_PORT_CLIENT_COMM)
		p->connected_port = p->alpc.server_comm_port;
	else if (p->kind == LD_PORT_SERVER_COMM)
		p->connected_port = p->alpc.client_comm_port;
}

static void read_links(struct alpc *d, struct ld_lpc_port *p)
{
	uint64_t ci = p->alpc.communication_info, v;
	if (!ci)
		return;
	if (!ld_kernel_is_kva(d->k, ci) || !alpc_get(d, ci, &d->f.ci_conn, &v)) {
		/* Its kind then rests on the Type bits alone. */
		ld_warn("ALPC port %#llx: its CommunicationInfo %#llx cannot be read", (unsigned long long)p->addr,
			(unsigned long long)ci);
		return;
	}
	p->connection_port = v;
	if (alpc_get(d, ci, &d->f.ci_server, &v))
		p->alpc.server_comm_port = v;
	if (alpc_get(d, ci, &d->f.ci_client, &v))
		p->alpc.client_comm_port = v;
}

static void read_counters(struct alpc *d, struct ld_lpc_port *p)
{
	uint64_t v;
#define CNT(field, member) p->alpc.member = alpc_get(d, p->addr, &d->f.field, &v) ? (uint32_t)v : 0
	CNT(po_main_len, main_length);
	CNT(po_large_len, large_length);
	CNT(po_pending_len, pending_length);
	CNT(po_direct_len, direct_length);
	CNT(po_canceled_len, canceled_length);
	CNT(po_wait_len, wait_length);
#undef CNT
}

static void read_port(struct alpc *d, struct ld_lpc_port *p)
{
	uint64_t state, v;
	ld_status st = ld_read_field(d->k, p->addr, &d->f.po_state, &state);
	if (st != LD_OK) {
		p->read_status = st;
		return;
	}
#define FIELD(name) (alpc_get(d, p->addr, &d->f.name, &v) ? v : 0)
	p->readable = true;
	p->flags = (uint32_t)state;
	p->alpc.type_bits = (unsigned)FIELD(po_type);
	p->alpc.connection_pending = FIELD(po_pending_conn) != 0;
	p->alpc.connection_refused = FIELD(po_refused) != 0;
	p->alpc.lpc_mode = FIELD(po_lpc) != 0;
	p->alpc.has_completion_list = FIELD(po_has_clist) != 0;
	p->disconnected = FIELD(po_disconnected) != 0;
	p->closed = FIELD(po_closed) != 0;
	p->waitable = FIELD(po_waitable) != 0;
	p->alpc.communication_info = FIELD(po_comm);
	p->owner_process = FIELD(po_owner);
	p->alpc.completion_port = FIELD(po_completion_port);
	p->alpc.completion_list = FIELD(po_completion_list);
	p->alpc.port_context = p->port_context = FIELD(po_context);
	p->alpc.attributes_flags = (uint32_t)FIELD(po_attr_flags);
	p->alpc.max_message_length = (uint32_t)FIELD(po_attr_maxlen);
	p->max_message_length = p->alpc.max_message_length;
	p->alpc.sequence_no = FIELD(po_seq);
	if (p->waitable)
		p->semaphore = FIELD(po_semaphore);
#undef FIELD
	read_links(d, p);
	kind_of(p);
	read_counters(d, p);
	uint64_t sig;
	if (p->semaphore && alpc_get(d, p->semaphore, &d->f.sem_signal, &sig)) {
		p->semaphore_known = true;
		p->semaphore_count = (int32_t)sig;
	}
	const struct ld_process *pr = p->owner_process ? lpc_process_by_addr(d->m, p->owner_process) : NULL;
	if (pr) {
		p->owner_pid = pr->pid;
		p->owner_known = true;
	}
}

ld_status alpc_port_note(struct alpc *d, uint64_t addr, unsigned found_by, size_t *index)
{
	if (lpc_port_known(d->m, addr, found_by, index))
		return LD_OK;
	if (!addr || !ld_kernel_is_kva(d->k, addr))
		return ld_fail(LD_ERR_ARG, "ALPC port address %#llx is not a kernel address",
			       (unsigned long long)addr);
	struct ld_lpc_port p = { .addr = addr, .flavor = LD_LPC_FLAVOR_ALPC, .found_by = found_by };
	read_port(d, &p);
	return lpc_port_add(d->m, &p, index);
}

/* ---- walks ---- */

/* A thread on a port's WaitQueue waits to receive on it. */
static void receiver(void *decoder, size_t t, size_t port)
{
	struct alpc *d = decoder;
	d->m->threads[t].receive_port = d->m->ports[port].addr;
}

static void warn_count(const char *what, const struct ld_lpc_port *p, uint32_t counter, size_t found,
		       const struct ld_walk_result *r)
{
	if (r->end == LD_WALK_DONE && counter != found)
		ld_warn("%s of ALPC port %#llx: its length says %u, the list holds %zu", what,
			(unsigned long long)p->addr, counter, found);
}

static ld_status note_queued(void *decoder, uint64_t msg, enum ld_msg_where where, uint64_t queued_on)
{
	return alpc_message_note(decoder, msg, LD_FOUND_QUEUE, where, queued_on, NULL);
}

/* A message at a bad address is passed over; a message already known (held
 * by a thread) that stops the walk is noted again to learn its queue. */
static ld_status walk_queue(struct alpc *d, size_t i, const struct ld_fref *head_f, const struct ld_fref *entry_f,
			    enum ld_msg_where where, struct ld_walk_result *res, size_t *count)
{
	memset(res, 0, sizeof(*res));
	*count = 0;
	if (!head_f->valid || !entry_f->valid)
		return LD_OK;
	struct lpc_queue q = { .k = d->k, .m = d->m, .port = i, .head = d->m->ports[i].addr + head_f->off,
			       .entry_off = entry_f->off, .limit = ALPC_QUEUE_LIMIT, .where = where,
			       .note = note_queued, .decoder = d, .skip = LD_ERR_ARG, .renote_known_tail = true };
	return lpc_queue_walk(&q, res, count);
}

static ld_status walk_queues(struct alpc *d, size_t i)
{
	struct {
		const struct ld_fref *head, *entry;
		enum ld_msg_where where;
		const char *what;
	} q[] = {
		{ &d->f.po_main, &d->f.msg_entry, LD_MSG_RECEIVE_QUEUE, "main queue" },
		{ &d->f.po_large, &d->f.msg_entry, LD_MSG_LARGE, "large message queue" },
		{ &d->f.po_pending, &d->f.msg_entry, LD_MSG_PENDING, "pending queue" },
		{ &d->f.po_direct, &d->f.msg_entry, LD_MSG_DIRECT, "direct queue" },
		{ &d->f.po_canceled, &d->f.msg_cancel_entry, LD_MSG_CANCELED, "canceled queue" },
	};
	struct ld_walk_result res[LD_ARRAY_SIZE(q)];
	size_t n[LD_ARRAY_SIZE(q)];
	for (size_t j = 0; j < LD_ARRAY_SIZE(q); j++) {
		ld_status st = walk_queue(d, i, q[j].head, q[j].entry, q[j].where, &res[j], &n[j]);
		if (st != LD_OK)
			return st;
		lpc_warn_walk(q[j].what, &d->m->ports[i], &res[j]);
	}
	struct ld_lpc_port *p = &d->m->ports[i];   /* the array may have grown */
	p->queue_walk = res[0];
	p->alpc.large_walk = res[1];
	p->alpc.pending_walk = p->data_info_walk = res[2];
	p->alpc.direct_walk = res[3];
	p->alpc.canceled_walk = res[4];
	p->alpc.nmain = n[0];
	p->alpc.nlarge = n[1];
	p->alpc.npending = p->ndata_info = n[2];
	p->alpc.ndirect = n[3];
	p->alpc.ncanceled = n[4];
	p->nqueued = n[0] + n[1];
	warn_count("main queue", p, p->alpc.main_length, n[0], &res[0]);
	warn_count("pending queue", p, p->alpc.pending_length, n[2], &res[2]);
	return LD_OK;
}

static ld_status walk_port(void *decoder, size_t i)
{
	struct alpc *d = decoder;
	if (!d->m->ports[i].readable)
		return LD_OK;
	if (d->m->ports[i].kind == LD_PORT_CONNECTION)
		lpc_port_read_name(d->k, &d->m->ports[i]);
	ld_status st = walk_queues(d, i);
	if (st != LD_OK)
		return st;
	struct lpc_thread_list l = { .k = d->k, .m = d->m, .port = i, .head_off = d->f.po_wait.off,
				     .entry_off = d->f.et_wait_entry.off, .limit = ALPC_WAITERS_LIMIT,
				     .on_thread = receiver, .decoder = d, .what = "wait queue" };
	lpc_port_threads_walk(&l);
	return LD_OK;
}

/* A port whose OwnerProcess could not be placed: the process holding its handle. */
static void owner_fallback(const struct ld_lpc_model *m, struct ld_lpc_port *p)
{
	if (!p->readable || p->owner_known || !p->nhandles)
		return;
	const struct ld_process *pr = lpc_process_by_pid(m, p->handle_pid);
	if (!pr)
		return;
	p->owner_process = pr->addr;
	p->owner_pid = pr->pid;
	p->owner_known = true;
}

static ld_status links(void *decoder)
{
	return alpc_discover_links(decoder);
}

ld_status alpc_ports_walk(struct alpc *d)
{
	struct lpc_port_walker w = { .m = d->m, .what = "ALPC ports", .walk_port = walk_port,
				     .owner_fallback = owner_fallback, .links = links, .decoder = d };
	return lpc_ports_walk_rounds(&w);
}
