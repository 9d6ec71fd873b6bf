/* lpc_nt5_classify.c — for every thread waiting for an LPC reply (or for a
 * connection), which port and server own its message and what became of it
 * (SEMANTICS §3.2, §3.3), checked in this order:
 *   queued      the message is on the queue port's receive queue;
 *   processing  a server thread has it (LpcReceivedMessageId + valid bit);
 *   no_server   the server side is torn down (ports unlinked, name deleted,
 *               server process gone or exiting);
 *   lost        received by a live server, no thread claims it;
 *   unknown     too much is unreadable to tell. */
#include "lpc-nt5-priv.h"

#include <stdio.h>
#include <string.h>

/* Indexes built once per classification: a system has tens of thousands of
 * threads and a wait would otherwise scan them all. */
struct cls {
	struct lpc_nt5 *d;
	struct lpc_id_index received;     /* LpcReceivedMessageId (valid) → threads */
	struct lpc_id_index queued;       /* MessageId → messages on a receive queue */
	struct lpc_id_index callbacks;    /* MessageId → callback requests threads hold */
	struct lpc_id_index data_info;    /* MessageId → requests kept on a DataInfo chain */
	struct lpc_addr_map listeners;    /* port → number of WrLpcReceive waiters */
};

static const struct ld_lpc_port *port_at(const struct ld_lpc_model *m, uint64_t addr, size_t *index)
{
	size_t i = addr ? ld_lpc_port_index(m, addr) : LD_LPC_NONE;
	if (index)
		*index = i;
	return i != LD_LPC_NONE && m->ports[i].readable ? &m->ports[i] : NULL;
}

/* Where a request sent on `p` is queued and whose reply chain holds the
 * sender (SEMANTICS §1.4). */
static void queue_and_rundown(const struct ld_lpc_port *p, uint64_t *queue, uint64_t *rundown)
{
	switch (p->kind) {
	case LD_PORT_CONNECTION:
		*queue = *rundown = p->addr;
		break;
	case LD_PORT_SERVER_COMM:       /* server → client: queued on the client's port */
		*queue = *rundown = p->connected_port;
		break;
	default:                        /* client comm, unconnected */
		*queue = p->connection_port;
		*rundown = p->connected_port;
		break;
	}
}

/* The server process: the connection port's ServerProcess, else the queue
 * port's creator or handle owner. */
static void server_of(const struct ld_lpc_model *m, const struct ld_lpc_port *q, struct ld_lpc_wait *w)
{
	if (!q)
		return;
	if (q->owner_known) {
		w->server_known = true;
		w->server_process = q->owner_process;
		w->server_pid = q->owner_pid;
		return;
	}
	uint64_t pid = q->creator_pid ? q->creator_pid : q->handle_pid;
	const struct ld_process *pr = pid ? lpc_process_by_pid(m, pid) : NULL;
	if (pr) {
		w->server_known = true;
		w->server_process = pr->addr;
		w->server_pid = pr->pid;
	}
}

static bool queued(const struct cls *c, struct ld_lpc_wait *w, uint64_t queue,
		   const struct ld_thread *client, bool *unreadable)
{
	const struct ld_lpc_model *m = c->d->m;
	for (size_t i = lpc_id_index_first(&c->queued, w->message_id); i != LD_LPC_NONE;
	     i = lpc_id_index_next(&c->queued, i)) {
		const struct ld_lpc_message *msg = &m->messages[i];
		if (msg->queued_on == queue && (!msg->sender_tid || msg->sender_tid == client->tid)) {
			w->message = i;
			return true;
		}
	}
	/* An unreadable message on that queue might be this one. */
	for (size_t i = 0; i < m->nmessages && !*unreadable; i++)
		*unreadable = !m->messages[i].available && m->messages[i].where == LD_MSG_RECEIVE_QUEUE &&
			      m->messages[i].queued_on == queue;
	return false;
}

/* A server thread that received the message: prefer the server process's
 * own threads (a callback reuses the id in the other direction). */
static size_t processing_thread(const struct cls *c, const struct ld_lpc_wait *w)
{
	const struct ld_lpc_model *m = c->d->m;
	size_t any = LD_LPC_NONE;
	for (size_t i = lpc_id_index_first(&c->received, w->message_id); i != LD_LPC_NONE;
	     i = lpc_id_index_next(&c->received, i)) {
		if (i == w->thread)
			continue;
		if (!w->server_known || m->sys->threads[i].process == w->server_process)
			return i;
		if (any == LD_LPC_NONE)
			any = i;
	}
	return any;
}

/* A received request carrying DataInfo stays on the connection port's
 * LpcDataInfoChainHead until the reply (SEMANTICS §3.3 ii): the one message
 * of a processed request that still exists. */
static size_t data_info_copy(const struct cls *c, const struct ld_lpc_wait *w, const struct ld_thread *client)
{
	const struct ld_lpc_model *m = c->d->m;
	for (size_t i = lpc_id_index_first(&c->data_info, w->message_id); i != LD_LPC_NONE;
	     i = lpc_id_index_next(&c->data_info, i))
		if (!m->messages[i].sender_tid || m->messages[i].sender_tid == client->tid)
			return i;
	return LD_LPC_NONE;
}

/* A callback (SEMANTICS §2 row 13): the server thread sent a request with
 * the client's own MessageId and waits; the client thread holds that request
 * (LpcReplyMessage, RepliedToThread = the client) and handles it. */
static size_t callback_thread(const struct cls *c, const struct ld_lpc_wait *w, uint32_t *callback_id)
{
	const struct ld_lpc_model *m = c->d->m;
	for (size_t i = lpc_id_index_first(&c->callbacks, w->message_id); i != LD_LPC_NONE;
	     i = lpc_id_index_next(&c->callbacks, i)) {
		size_t t = ld_lpc_thread_index(m, m->messages[i].replied_to_thread);
		if (t != LD_LPC_NONE && t != w->thread && m->threads[t].reply_message == m->messages[i].addr) {
			*callback_id = m->messages[i].callback_id;
			return t;
		}
	}
	return LD_LPC_NONE;
}

/* Why the server side is gone, or NULL when it is not. */
static const char *server_gone(const struct ld_lpc_model *m, const struct ld_lpc_port *p,
			       const struct ld_lpc_port *conn, const struct ld_lpc_wait *w)
{
	if (p && p->kind == LD_PORT_CLIENT_COMM && !p->connected_port)
		return "the port is disconnected (ConnectedPort is NULL)";
	if (p && p->kind != LD_PORT_CONNECTION && !p->connection_port)
		return "the port has no connection port";
	if (conn && (conn->name_deleted || conn->deleted))
		return "the server connection port is deleted";
	if (conn && conn->kind == LD_PORT_CONNECTION && !conn->owner_process)
		return "the server connection port has no server process";
	return lpc_server_process_gone(m, w);
}

/* Threads listening on the queue port: with a request queued and listeners
 * present, they simply have not run yet; with none, every server thread is busy. */
static size_t receivers(const struct cls *c, uint64_t queue)
{
	size_t n = lpc_addr_map_get(&c->listeners, queue);
	return n == LD_LPC_NONE ? 0 : n;
}

static void decide(const struct cls *c, struct ld_lpc_wait *w, uint64_t queue,
		   const struct ld_lpc_port *p, const struct ld_lpc_port *conn)
{
	const struct ld_lpc_model *m = c->d->m;
	const struct ld_thread *client = &m->sys->threads[w->thread];
	bool unreadable = false;
	const char *gone;
	const struct ld_lpc_port *qp;
	uint32_t cb = 0;
	if (queue && queued(c, w, queue, client, &unreadable)) {
		size_t rx = receivers(c, queue);
		w->status = LD_WAIT_QUEUED;
		if (rx)
			snprintf(w->why, sizeof(w->why), "on the receive queue of port %#llx; %zu thread%s waiting to receive there",
				 (unsigned long long)queue, rx, rx == 1 ? " is" : "s are");
		else
			snprintf(w->why, sizeof(w->why), "on the receive queue of port %#llx; no thread is waiting to receive there",
				 (unsigned long long)queue);
	} else if ((w->server_thread = processing_thread(c, w)) != LD_LPC_NONE) {
		w->status = LD_WAIT_PROCESSING;
		w->message = data_info_copy(c, w, client);
		snprintf(w->why, sizeof(w->why), "thread %#llx has received it",
			 (unsigned long long)m->sys->threads[w->server_thread].addr);
	} else if ((w->server_thread = callback_thread(c, w, &cb)) != LD_LPC_NONE) {
		w->status = LD_WAIT_PROCESSING;
		w->callback = true;
		snprintf(w->why, sizeof(w->why), "a callback (CallbackId %08x): thread %#llx handles it",
			 cb, (unsigned long long)m->sys->threads[w->server_thread].addr);
	} else if ((gone = server_gone(m, p, conn, w)) != NULL) {
		w->status = LD_WAIT_NO_SERVER;
		snprintf(w->why, sizeof(w->why), "%s", gone);
	} else if (unreadable) {
		w->status = LD_WAIT_UNKNOWN;
		snprintf(w->why, sizeof(w->why), "the receive queue of port %#llx holds an unreadable message",
			 (unsigned long long)queue);
	} else if ((qp = port_at(m, queue, NULL)) != NULL && qp->queue_walk.end != LD_WALK_DONE) {
		/* A torn queue may still hold the message: do not call it lost. */
		w->status = LD_WAIT_UNKNOWN;
		snprintf(w->why, sizeof(w->why), "the receive queue of port %#llx could not be walked (%s)",
			 (unsigned long long)queue, ld_walk_end_name(qp->queue_walk.end));
	} else if (!p || !conn) {
		w->status = LD_WAIT_UNKNOWN;
		snprintf(w->why, sizeof(w->why), "the port %s could not be read", !p ? "sent on" : "queued on");
	} else {
		w->status = LD_WAIT_LOST;
		snprintf(w->why, sizeof(w->why), "received by the server but no thread claims it");
	}
}

static ld_status reply_wait(const struct cls *c, size_t t)
{
	struct lpc_nt5 *d = c->d;
	struct ld_lpc_model *m = d->m;
	const struct ld_lpc_thread *s = &m->threads[t];
	struct ld_lpc_wait w = { .thread = t, .message_id = s->reply_message_id, .port = s->waiting_on_port,
				 .message = LD_LPC_NONE, .server_thread = LD_LPC_NONE,
				 .wait_seconds = m->sys->threads[t].wait_seconds };
	const struct ld_lpc_port *p = port_at(m, w.port, &w.port_index);
	uint64_t queue = 0, rundown = 0;
	if (p)
		queue_and_rundown(p, &queue, &rundown);
	else if (d->rundown_port[t] != LD_LPC_NONE)   /* no port bit: the reply chain still says where */
		rundown = m->ports[d->rundown_port[t]].addr;
	const struct ld_lpc_port *q = port_at(m, queue, NULL);
	w.server_port = rundown;
	w.connection_port = p && p->kind == LD_PORT_CONNECTION ? p->addr : p ? p->connection_port : 0;
	const struct ld_lpc_port *conn = port_at(m, w.connection_port, &w.connection_port_index);
	server_of(m, q ? q : conn, &w);
	decide(c, &w, queue, p, conn);
	return ld_lpc_add_wait(m, &w, NULL);
}

/* An accepted connection: the server communication port whose ClientThread
 * is the client names, as its Creator, the thread that accepted — the one
 * that must call NtCompleteConnectPort (SEMANTICS §2 rows 5-6). */
static void accepted(const struct cls *c, struct ld_lpc_wait *w, const struct ld_lpc_message *msg)
{
	const struct ld_lpc_model *m = c->d->m;
	uint64_t client = m->sys->threads[w->thread].addr;
	w->message_id = msg->id;
	for (size_t i = 0; i < m->nports; i++) {
		const struct ld_lpc_port *p = &m->ports[i];
		if (!p->readable || p->kind != LD_PORT_SERVER_COMM || p->client_thread != client)
			continue;
		w->server_port = p->addr;
		for (size_t t = 0; t < m->sys->nthreads; t++)
			if (m->sys->threads[t].tid == p->creator_tid && m->sys->threads[t].pid == p->creator_pid)
				w->server_thread = t;
		if (w->server_thread != LD_LPC_NONE) {
			w->status = LD_WAIT_PROCESSING;
			snprintf(w->why, sizeof(w->why), "accepted by thread %#llx, which has not called NtCompleteConnectPort",
				 (unsigned long long)m->sys->threads[w->server_thread].addr);
			return;
		}
	}
	w->status = LD_WAIT_UNKNOWN;
	snprintf(w->why, sizeof(w->why), "accepted, but no server communication port names this client");
}

/* A connect waiter holds its LPC_CONNECTION_REQUEST; it is queued on (or was
 * received from) the connection port. */
static ld_status connect_wait(const struct cls *c, size_t t)
{
	struct lpc_nt5 *d = c->d;
	struct ld_lpc_model *m = d->m;
	const struct ld_lpc_thread *s = &m->threads[t];
	struct ld_lpc_wait w = { .thread = t, .connect = true, .message_id = s->reply_message_id,
				 .message = ld_lpc_message_index(m, s->reply_message),
				 .server_thread = LD_LPC_NONE, .port_index = LD_LPC_NONE,
				 .wait_seconds = m->sys->threads[t].wait_seconds };
	const struct ld_lpc_message *msg = w.message != LD_LPC_NONE ? &m->messages[w.message] : NULL;
	uint64_t conn_addr = msg && msg->where == LD_MSG_RECEIVE_QUEUE ? msg->queued_on : 0;
	if (!conn_addr && d->rundown_port[t] != LD_LPC_NONE)
		conn_addr = m->ports[d->rundown_port[t]].addr;
	w.port = w.connection_port = w.server_port = conn_addr;
	const struct ld_lpc_port *conn = port_at(m, conn_addr, &w.connection_port_index);
	w.port_index = w.connection_port_index;
	server_of(m, conn, &w);
	if (msg && msg->available && (msg->type & 0xff) == LPC_TYPE_REPLY)
		accepted(c, &w, msg);
	else
		decide(c, &w, conn_addr, conn, conn);
	return ld_lpc_add_wait(m, &w, NULL);
}

static ld_status cls_build(struct cls *c)
{
	const struct ld_lpc_model *m = c->d->m;
	ld_status st = lpc_id_index_init(&c->received, m->sys->nthreads);
	if (st == LD_OK)
		st = lpc_id_index_init(&c->queued, m->nmessages);
	if (st == LD_OK)
		st = lpc_id_index_init(&c->callbacks, m->nmessages);
	if (st == LD_OK)
		st = lpc_id_index_init(&c->data_info, m->nmessages);
	for (size_t i = 0; st == LD_OK && i < m->sys->nthreads; i++) {
		const struct ld_lpc_thread *t = &m->threads[i];
		if (t->received_valid)
			st = lpc_id_index_add(&c->received, t->received_message_id, i);
		if (st == LD_OK && (t->roles & LD_LPC_ROLE_RECEIVER) && t->receive_port) {
			size_t n = lpc_addr_map_get(&c->listeners, t->receive_port);
			st = lpc_addr_map_put(&c->listeners, t->receive_port, n == LD_LPC_NONE ? 1 : n + 1);
		}
	}
	for (size_t i = 0; st == LD_OK && i < m->nmessages; i++) {
		const struct ld_lpc_message *msg = &m->messages[i];
		if (!msg->available)
			continue;
		if (msg->where == LD_MSG_RECEIVE_QUEUE)
			st = lpc_id_index_add(&c->queued, msg->id, i);
		else if (msg->where == LD_MSG_DATA_INFO)
			st = lpc_id_index_add(&c->data_info, msg->id, i);
		else if (msg->where == LD_MSG_THREAD && (msg->type & 0xff) == LPC_TYPE_REQUEST && msg->callback_id)
			st = lpc_id_index_add(&c->callbacks, msg->id, i);
	}
	return st;
}

static void cls_free(struct cls *c)
{
	lpc_id_index_free(&c->received);
	lpc_id_index_free(&c->queued);
	lpc_id_index_free(&c->callbacks);
	lpc_id_index_free(&c->data_info);
	lpc_addr_map_free(&c->listeners);
}

ld_status lpc_nt5_classify(struct lpc_nt5 *d)
{
	struct cls c = { .d = d };
	ld_status st = cls_build(&c);
	for (size_t t = 0; st == LD_OK && t < d->m->sys->nthreads; t++) {
		unsigned roles = d->m->threads[t].roles;
		if (roles & LD_LPC_ROLE_REPLY_WAITER)
			st = reply_wait(&c, t);
		else if (roles & LD_LPC_ROLE_CONNECT_WAITER)
			st = connect_wait(&c, t);
	}
	cls_free(&c);
	return st;
}
