/* alpc_classify.c — for every thread waiting for an ALPC reply, which port
 * and server own its message and what became of it (SEMANTICS §4.5–4.7):
 *   lost        the request was canceled, or its server thread is gone or
 *               belongs to another process;
 *   queued      on the queue port's main/large queue, no server thread has it;
 *   no_server   the ports are disconnected/closed or the server process is
 *               gone or exiting;
 *   processing  ServerThread has it and is busy (running, or blocked on
 *               something other than waiting for more work);
 *   pending     ServerThread received it but is idle again (WrQueue /
 *               WrLpcReceive): a thread-pool server that moved on;
 *   unknown     too much is unreadable to tell. */
#include "lpc-alpc-priv.h"

#include <stdio.h>
#include <string.h>

static const struct ld_lpc_port *port_at(const struct ld_lpc_model *m, uint64_t addr, size_t *index)
{
	size_t i = addr ? ld_lpc_port_index(m, addr) : LD_LPC_NONE;
	if (index)
		*index = i;
	return i != LD_LPC_NONE && m->ports[i].readable ? &m->ports[i] : NULL;
}

/* Threads that received a message and have not replied hold it on a
 * PendingQueue with ServerThread = them. */
static void mark_processing(struct ld_lpc_model *m)
{
	for (size_t i = 0; i < m->nmessages; i++) {
		const struct ld_lpc_message *msg = &m->messages[i];
		if (!msg->available || !msg->server_thread || msg->where != LD_MSG_PENDING)
			continue;
		size_t t = ld_lpc_thread_index(m, msg->server_thread);
		if (t == LD_LPC_NONE)
			continue;
		m->threads[t].roles |= LD_LPC_ROLE_PROCESSING;
		m->threads[t].received_valid = true;
		m->threads[t].received_message_id = msg->id;
	}
}

static void server_of(const struct ld_lpc_model *m, const struct ld_lpc_port *q, struct ld_lpc_wait *w)
{
	if (!q || !q->owner_known)
		return;
	w->server_known = true;
	w->server_process = q->owner_process;
	w->server_pid = q->owner_pid;
	(void)m;
}

/* Why the server side is gone, or NULL when it is not. */
static const char *server_gone(const struct ld_lpc_model *m, const struct ld_lpc_port *p,
			       const struct ld_lpc_port *q, const struct ld_lpc_wait *w)
{
	if (p && p->disconnected)
		return "the port sent on is disconnected";
	if (p && p->closed)
		return "the port sent on is closed";
	if (q && q->closed)
		return "the server's port is closed";
	if (q && q->disconnected)
		return "the server's port is disconnected";
	if (q && !q->owner_process)
		return "the server's port has no owner process";
	return lpc_server_process_gone(m, w);
}

static size_t receivers(const struct ld_lpc_model *m, uint64_t port)
{
	size_t n = 0;
	for (size_t i = 0; port && i < m->sys->nthreads; i++)
		n += (m->threads[i].roles & LD_LPC_ROLE_RECEIVER) && m->threads[i].receive_port == port;
	return n;
}

static void queued(const struct ld_lpc_model *m, struct ld_lpc_wait *w, const struct ld_lpc_port *q)
{
	size_t rx = q ? receivers(m, q->addr) : 0;
	w->status = LD_WAIT_QUEUED;
	if (q && q->alpc.completion_port && !rx)
		snprintf(w->why, sizeof(w->why),
			 "on the main queue of port %#llx; its server takes work through I/O completion port %#llx",
			 (unsigned long long)q->addr, (unsigned long long)q->alpc.completion_port);
	else if (rx)
		snprintf(w->why, sizeof(w->why), "on the main queue of port %#llx; %zu thread%s waiting to receive there",
			 (unsigned long long)(q ? q->addr : 0), rx, rx == 1 ? " is" : "s are");
	else if (q && q->reply_chain_walk.end != LD_WALK_DONE && q->reply_chain_walk.end != LD_WALK_STOPPED)
		/* A torn wait queue may hide receivers: do not claim there are none. */
		snprintf(w->why, sizeof(w->why), "on the main queue of port %#llx; its wait queue could not be walked (%s)",
			 (unsigned long long)q->addr, ld_walk_end_name(q->reply_chain_walk.end));
	else
		snprintf(w->why, sizeof(w->why), "on the main queue of port %#llx; no thread is waiting to receive there",
			 (unsigned long long)(q ? q->addr : 0));
}

/* Is the receiver idle again: back waiting for work rather than on this request? */
static bool idle(const struct ld_thread *s)
{
	return s->state == KTHREAD_WAITING && (s->wait_reason == WR_QUEUE || s->wait_reason == WR_LPC_RECEIVE);
}

/* Received (PendingQueue): by whom, and is that thread still on it? */
static void received(struct alpc *d, struct ld_lpc_wait *w, const struct ld_lpc_message *msg,
		     const struct ld_lpc_port *p, const struct ld_lpc_port *q)
{
	const struct ld_lpc_model *m = d->m;
	const char *gone;
	size_t s = msg->server_thread ? ld_lpc_thread_index(m, msg->server_thread) : LD_LPC_NONE;
	if (!msg->server_thread) {
		/* Handed to a receiver that has not run yet (SEMANTICS §4.6 ii′). */
		for (size_t t = 0; t < m->sys->nthreads; t++)
			if (t != w->thread && m->threads[t].reply_message == 0 &&
			    m->sys->threads[t].state != KTHREAD_WAITING && !m->sys->threads[t].terminated) {
				uint64_t slot;
				if (alpc_get(d, m->sys->threads[t].addr, &d->f.et_msg, &slot) && slot == msg->addr) {
					w->status = LD_WAIT_PROCESSING;
					w->server_thread = t;
					snprintf(w->why, sizeof(w->why), "handed to thread %#llx, which has not run yet",
						 (unsigned long long)m->sys->threads[t].addr);
					return;
				}
			}
		gone = server_gone(m, p, q, w);
		w->status = gone ? LD_WAIT_NO_SERVER : LD_WAIT_LOST;
		snprintf(w->why, sizeof(w->why), "%s", gone ? gone : "received, but no server thread holds it");
		return;
	}
	uint8_t probe;
	if (s == LD_LPC_NONE && (!ld_kernel_is_kva(d->k, msg->server_thread) ||
				 ld_kernel_read(d->k, msg->server_thread, &probe, 1) != LD_OK)) {
		/* Not even memory in the dump: a torn field, not proof of a thread gone. */
		w->status = LD_WAIT_UNKNOWN;
		snprintf(w->why, sizeof(w->why), "its ServerThread %#llx cannot be read: no thread of this system",
			 (unsigned long long)msg->server_thread);
		return;
	}
	if (s == LD_LPC_NONE) {
		w->status = LD_WAIT_LOST;
		snprintf(w->why, sizeof(w->why), "its ServerThread %#llx is not a thread of this system",
			 (unsigned long long)msg->server_thread);
		return;
	}
	const struct ld_thread *st = &m->sys->threads[s];
	w->server_thread = s;
	if (st->terminated) {
		w->status = LD_WAIT_LOST;
		snprintf(w->why, sizeof(w->why), "its server thread %#llx has terminated", (unsigned long long)st->addr);
	} else if (w->server_known && st->process != w->server_process) {
		w->status = LD_WAIT_LOST;
		snprintf(w->why, sizeof(w->why), "its ServerThread %#llx belongs to another process (pid %llu)",
			 (unsigned long long)st->addr, (unsigned long long)st->pid);
	} else if (idle(st)) {
		w->status = LD_WAIT_PENDING;
		snprintf(w->why, sizeof(w->why), "received by thread %#llx, which no longer works on it (%s)",
			 (unsigned long long)st->addr, ld_wait_reason_name(d->k, st->wait_reason));
	} else {
		w->status = LD_WAIT_PROCESSING;
		snprintf(w->why, sizeof(w->why), "thread %#llx has received it", (unsigned long long)st->addr);
	}
}

static void decide(struct alpc *d, struct ld_lpc_wait *w, const struct ld_lpc_message *msg,
		   const struct ld_lpc_port *p, const struct ld_lpc_port *q)
{
	const struct ld_lpc_model *m = d->m;
	const struct ld_thread *client = &m->sys->threads[w->thread];
	const char *gone = server_gone(m, p, q, w);
	if (msg && !msg->available && msg->queued_on && msg->where == LD_MSG_RECEIVE_QUEUE && !gone) {
		/* The queue's own link proves where it is, though its bytes are gone. */
		queued(m, w, q);
		snprintf(w->why + strlen(w->why), sizeof(w->why) - strlen(w->why), " (the message is not in the dump)");
	} else if (!msg || !msg->available) {
		w->status = gone ? LD_WAIT_NO_SERVER : LD_WAIT_UNKNOWN;
		snprintf(w->why, sizeof(w->why), "%s", gone ? gone : "the message it waits on cannot be read");
	} else if (msg->waiting_thread && msg->waiting_thread != client->addr &&
		   ld_lpc_thread_index(m, msg->waiting_thread) == LD_LPC_NONE) {
		/* Not a thread at all: a torn field, not a dispatched reply. */
		w->status = LD_WAIT_UNKNOWN;
		snprintf(w->why, sizeof(w->why), "the message's WaitingThread %#llx is not a thread of this system",
			 (unsigned long long)msg->waiting_thread);
	} else if (msg->waiting_thread && msg->waiting_thread != client->addr) {
		w->status = LD_WAIT_UNKNOWN;
		snprintf(w->why, sizeof(w->why), "the message's WaitingThread is %#llx: the reply was dispatched",
			 (unsigned long long)msg->waiting_thread);
	} else if (msg->alpc.canceled || msg->where == LD_MSG_CANCELED) {
		w->status = LD_WAIT_LOST;
		snprintf(w->why, sizeof(w->why), "the request was canceled");
	} else if (msg->where == LD_MSG_RECEIVE_QUEUE || msg->where == LD_MSG_LARGE || msg->where == LD_MSG_DIRECT ||
		   msg->alpc.queue_type == ALPC_QUEUE_MAIN || msg->alpc.queue_type == ALPC_QUEUE_LARGE) {
		if (gone) {
			w->status = LD_WAIT_NO_SERVER;
			snprintf(w->why, sizeof(w->why), "queued, but %s", gone);
		} else
			queued(m, w, q);
	} else if (msg->where == LD_MSG_PENDING || msg->alpc.queue_type == ALPC_QUEUE_PENDING) {
		received(d, w, msg, p, q);
	} else if (gone) {
		w->status = LD_WAIT_NO_SERVER;
		snprintf(w->why, sizeof(w->why), "%s", gone);
	} else if (!q) {
		w->status = LD_WAIT_UNKNOWN;
		snprintf(w->why, sizeof(w->why), "the message is on no queue and names no readable port");
	} else {
		w->status = LD_WAIT_LOST;
		snprintf(w->why, sizeof(w->why), "the message is on no queue of port %#llx and no thread holds it",
			 (unsigned long long)q->addr);
	}
}

static ld_status reply_wait(struct alpc *d, size_t t)
{
	struct ld_lpc_model *m = d->m;
	const struct ld_lpc_thread *s = &m->threads[t];
	struct ld_lpc_wait w = { .thread = t, .message_id = s->reply_message_id,
				 .message = ld_lpc_message_index(m, s->reply_message), .port_index = LD_LPC_NONE,
				 .connection_port_index = LD_LPC_NONE, .server_thread = LD_LPC_NONE,
				 .wait_seconds = m->sys->threads[t].wait_seconds };
	const struct ld_lpc_message *msg = w.message != LD_LPC_NONE ? &m->messages[w.message] : NULL;
	if (msg && msg->available) {
		w.message_id = msg->id;
		w.port = msg->alpc.owner_port;
	}
	const struct ld_lpc_port *p = port_at(m, w.port, &w.port_index);
	/* Where the request went: the queue holding it, else the connection port. */
	uint64_t queue = msg && msg->available ? msg->alpc.port_queue : msg ? msg->queued_on : 0;
	if (!queue && msg && msg->available)
		queue = msg->alpc.connection_port;
	if (!queue && p)
		queue = p->connection_port;
	const struct ld_lpc_port *q = port_at(m, queue, NULL);
	w.connection_port = q && q->kind == LD_PORT_CONNECTION ? q->addr : p ? p->connection_port : 0;
	(void)port_at(m, w.connection_port, &w.connection_port_index);
	w.server_port = p && p->kind == LD_PORT_CLIENT_COMM ? p->connected_port : 0;
	server_of(m, q ? q : port_at(m, w.connection_port, NULL), &w);
	decide(d, &w, msg, p, q);
	return ld_lpc_add_wait(m, &w, NULL);
}

ld_status alpc_classify(struct alpc *d)
{
	mark_processing(d->m);
	ld_status st = LD_OK;
	for (size_t t = 0; st == LD_OK && t < d->m->sys->nthreads; t++)
		if (d->m->threads[t].roles & LD_LPC_ROLE_REPLY_WAITER)
			st = reply_wait(d, t);
	return st;
}
