/* report_lpc_json.c — JSON of the LPC/ALPC model's pieces (a port, a message,
 * a thread, a wait, a chain), shared by the triage document and the `lpc`
 * views so both say the same thing the same way ("lpcdump/1" schema). */
#include "report.h"

#include <stdio.h>

static json_t *pid_tid(const struct ld_lpc_model *m, size_t t)
{
	if (t == LD_LPC_NONE || !m->sys || t >= m->sys->nthreads)
		return json_null();
	const struct ld_thread *th = &m->sys->threads[t];
	json_t *o = json_object();
	ld_json_set(o, "pid", ld_json_u64(th->pid));
	ld_json_set(o, "tid", ld_json_u64(th->tid));
	ld_json_set(o, "address", ld_json_addr(th->addr));
	return o;
}

static json_t *seconds(double s)
{
	return s < 0 ? json_null() : json_real(s);
}

static json_t *found_by(unsigned bits)
{
	const char *n[8];
	size_t c = ld_found_by_names(bits, n, LD_ARRAY_SIZE(n));
	json_t *a = json_array();
	for (size_t i = 0; i < c; i++)
		json_array_append_new(a, json_string(n[i]));
	return a;
}

json_t *ld_json_lpc_port(const struct ld_lpc_model *m, size_t i)
{
	const struct ld_lpc_port *p = &m->ports[i];
	json_t *o = json_object();
	ld_json_set(o, "address", ld_json_addr(p->addr));
	ld_json_set(o, "flavor", json_string(ld_lpc_flavor_name(p->flavor)));
	ld_json_set(o, "found_by", found_by(p->found_by));
	if (!p->readable) {
		ld_json_set(o, "kind", json_null());
		ld_json_set(o, "name", json_null());
		ld_json_set(o, "owner_pid", json_null());
		ld_json_set(o, "unavailable", ld_json_unavailable(p->read_status, "the port object could not be read"));
		return o;
	}
	ld_json_set(o, "kind", json_string(ld_port_kind_name(p->kind)));
	ld_json_set(o, "name", p->name_known ? json_string(p->name) : json_null());
	ld_json_set(o, "owner_pid", p->owner_known ? ld_json_u64(p->owner_pid) : json_null());
	ld_json_set(o, "flags", ld_json_addr(p->flags));
	ld_json_set(o, "creator", json_pack("{s:o,s:o}", "pid", ld_json_u64(p->creator_pid), "tid",
					    ld_json_u64(p->creator_tid)));
	ld_json_set(o, "connection_port", ld_json_addr_or_null(p->connection_port));
	ld_json_set(o, "connected_port", ld_json_addr_or_null(p->connected_port));
	ld_json_set(o, "owner_process", ld_json_addr_or_null(p->owner_process));
	ld_json_set(o, "client_thread", ld_json_addr_or_null(p->client_thread));
	ld_json_set(o, "port_context", ld_json_addr_or_null(p->port_context));
	ld_json_set(o, "max_message_length", json_integer(p->max_message_length));
	ld_json_set(o, "max_connection_info_length", json_integer(p->max_connection_info_length));
	ld_json_set(o, "waitable", json_boolean(p->waitable));
	ld_json_set(o, "name_deleted", json_boolean(p->name_deleted));
	ld_json_set(o, "deleted", json_boolean(p->deleted));
	ld_json_set(o, "semaphore_count", p->semaphore_known ? json_integer(p->semaphore_count) : json_null());
	ld_json_set(o, "queued", json_integer((json_int_t)p->nqueued));
	ld_json_set(o, "queue_walk", json_string(ld_walk_end_name(p->queue_walk.end)));
	ld_json_set(o, "reply_chain_threads", json_integer((json_int_t)p->nreply_chain));
	ld_json_set(o, "reply_chain_walk", json_string(ld_walk_end_name(p->reply_chain_walk.end)));
	ld_json_set(o, "data_info_messages", json_integer((json_int_t)p->ndata_info));
	ld_json_set(o, "handles", json_integer((json_int_t)p->nhandles));
	if (p->flavor == LD_LPC_FLAVOR_ALPC)
		ld_json_set(o, "alpc", ld_json_alpc_port(p));
	return o;
}

static json_t *preview(const struct ld_lpc_message *msg)
{
	char hex[LD_LPC_PREVIEW_MAX * 2 + 1];
	for (size_t i = 0; i < msg->npreview; i++)
		snprintf(hex + 2 * i, 3, "%02x", msg->preview[i]);
	hex[2 * msg->npreview] = '\0';
	return json_string(hex);
}

json_t *ld_json_lpc_message(const struct ld_lpc_model *m, size_t i)
{
	const struct ld_lpc_message *msg = &m->messages[i];
	json_t *o = json_object();
	ld_json_set(o, "address", ld_json_addr(msg->addr));
	ld_json_set(o, "found_by", found_by(msg->found_by));
	ld_json_set(o, "where", json_string(ld_msg_where_name(msg->where)));
	ld_json_set(o, "queued_on", ld_json_addr_or_null(msg->queued_on));
	if (!msg->available) {
		ld_json_set(o, "id", json_null());
		ld_json_set(o, "type", json_null());
		ld_json_set(o, "sender_pid", json_null());
		ld_json_set(o, "sender_tid", json_null());
		ld_json_set(o, "unavailable", ld_json_unavailable(msg->read_status, "the message is not in the dump"));
		return o;
	}
	ld_json_set(o, "id", json_integer(msg->id));
	ld_json_set(o, "callback_id", json_integer(msg->callback_id));
	ld_json_set(o, "type", json_string(ld_lpc_type_name(msg->type)));
	ld_json_set(o, "type_flags", json_integer(msg->type & 0xff00));
	ld_json_set(o, "data_length", json_integer(msg->data_length));
	ld_json_set(o, "total_length", json_integer(msg->total_length));
	ld_json_set(o, "data_info_offset", json_integer(msg->data_info_offset));
	ld_json_set(o, "sender_pid", ld_json_u64(msg->sender_pid));
	ld_json_set(o, "sender_tid", ld_json_u64(msg->sender_tid));
	ld_json_set(o, "sender_port", ld_json_addr_or_null(msg->sender_port));
	ld_json_set(o, "replied_to_thread", ld_json_addr_or_null(msg->replied_to_thread));
	ld_json_set(o, "port_context", ld_json_addr_or_null(msg->port_context));
	ld_json_set(o, "preview", preview(msg));
	ld_json_set(o, "preview_truncated", json_boolean(msg->preview_truncated));
	if (msg->flavor == LD_LPC_FLAVOR_ALPC)
		ld_json_set(o, "alpc", ld_json_alpc_message(msg));
	return o;
}

static json_t *roles(unsigned r)
{
	static const char *const n[] = { "reply_waiter", "connect_waiter", "receiver", "processing", "exiting" };
	json_t *a = json_array();
	for (size_t i = 0; i < LD_ARRAY_SIZE(n); i++)
		if (r & (1u << i))
			json_array_append_new(a, json_string(n[i]));
	return a;
}

json_t *ld_json_lpc_thread(struct ld_kernel *k, const struct ld_lpc_model *m, size_t i)
{
	const struct ld_thread *t = &m->sys->threads[i];
	const struct ld_lpc_thread *s = &m->threads[i];
	json_t *o = json_object();
	ld_json_set(o, "address", ld_json_addr(t->addr));
	ld_json_set(o, "pid", ld_json_u64(t->pid));
	ld_json_set(o, "tid", ld_json_u64(t->tid));
	ld_json_set(o, "state", json_string(ld_thread_state_name(k, t->state)));
	ld_json_set(o, "wait_reason", t->state == 5 ? json_string(ld_wait_reason_name(k, t->wait_reason)) : json_null());
	ld_json_set(o, "wait_seconds", t->state == 5 ? seconds(t->wait_seconds) : json_null());
	ld_json_set(o, "lpc_roles", roles(s->roles));
	if (!s->fields_known) {
		ld_json_set(o, "lpc", ld_json_unavailable(LD_ERR_NOT_PRESENT, "the thread's LPC fields could not be read"));
		return o;
	}
	json_t *l = json_object();
	ld_json_set(l, "reply_message_id", s->reply_message_id ? json_integer(s->reply_message_id) : json_null());
	ld_json_set(l, "waiting_on_port", ld_json_addr_or_null(s->waiting_on_port));
	ld_json_set(l, "reply_message", ld_json_addr_or_null(s->reply_message));
	ld_json_set(l, "received_message_id", s->received_valid ? json_integer(s->received_message_id) : json_null());
	ld_json_set(l, "receive_port", ld_json_addr_or_null(s->receive_port));
	ld_json_set(l, "rundown_port", s->rundown_port != LD_LPC_NONE ? ld_json_addr(m->ports[s->rundown_port].addr) : json_null());
	ld_json_set(o, "lpc", l);
	return o;
}

json_t *ld_json_lpc_wait(const struct ld_lpc_model *m, size_t i)
{
	const struct ld_lpc_wait *w = &m->waits[i];
	json_t *o = json_object();
	ld_json_set(o, "thread", pid_tid(m, w->thread));
	ld_json_set(o, "kind", json_string(w->connect ? "connect" : "request"));
	ld_json_set(o, "message_id", json_integer(w->message_id));
	ld_json_set(o, "port", ld_json_addr_or_null(w->port));
	ld_json_set(o, "port_name", w->port_index != LD_LPC_NONE && m->ports[w->port_index].name_known ?
				    json_string(m->ports[w->port_index].name) : json_null());
	ld_json_set(o, "connection_port", ld_json_addr_or_null(w->connection_port));
	ld_json_set(o, "server_port", ld_json_addr_or_null(w->server_port));
	ld_json_set(o, "message", w->message != LD_LPC_NONE ? ld_json_addr(m->messages[w->message].addr) : json_null());
	ld_json_set(o, "server_pid", w->server_known ? ld_json_u64(w->server_pid) : json_null());
	ld_json_set(o, "server_thread", pid_tid(m, w->server_thread));
	ld_json_set(o, "callback", json_boolean(w->callback));
	ld_json_set(o, "status", json_string(ld_wait_status_name(w->status)));
	ld_json_set(o, "why", json_string(w->why));
	ld_json_set(o, "wait_seconds", seconds(w->wait_seconds));
	return o;
}

static json_t *end_json(const struct ld_lpc_model *m, const struct ld_lpc_chain *c)
{
	const struct ld_chain_end *e = &c->end;
	json_t *o = json_object();
	ld_json_set(o, "kind", json_string(ld_end_kind_name(e->kind)));
	ld_json_set(o, "thread", pid_tid(m, e->thread));
	if (e->kind == LD_END_CYCLE && c->feeds_cycle != LD_LPC_NONE)
		ld_json_set(o, "cycle_chain", json_integer((json_int_t)c->feeds_cycle + 1));
	if (e->kind != LD_END_WAIT)
		return o;
	json_t *ob = json_object();
	ld_json_set(ob, "address", ld_json_addr_or_null(e->object.addr));
	ld_json_set(ob, "type", json_string(ld_wait_object_kind_name(e->object.kind)));
	ld_json_set(ob, "name", ld_json_str_or_null(e->object.name));
	if (e->object.kind == LD_WOBJ_MUTANT || e->object.kind == LD_WOBJ_THREAD)
		ld_json_set(ob, "owner_thread", e->object.owner_index != LD_LPC_NONE ?
						pid_tid(m, e->object.owner_index) : ld_json_addr_or_null(e->object.owner_thread));
	if (e->object.kind == LD_WOBJ_PROCESS)
		ld_json_set(ob, "process", ld_json_addr_or_null(e->object.process));
	ld_json_set(o, "object", ob);
	return o;
}

json_t *ld_json_lpc_chain(const struct ld_lpc_model *m, size_t i)
{
	const struct ld_lpc_chain *c = &m->chains[i];
	json_t *o = json_object(), *th = json_array();
	ld_json_set(o, "id", json_integer((json_int_t)i + 1));   /* the text report's #N */
	for (size_t j = 0; j < c->nthreads; j++) {
		json_t *t = pid_tid(m, c->threads[j]);
		size_t w = c->waits[j];
		size_t l = m->threads[c->threads[j]].lock;
		ld_json_set(t, "message_id", w != LD_LPC_NONE ? json_integer(m->waits[w].message_id) : json_null());
		/* How this thread waits for the next one: an LPC reply, a lock, or not at all (the last). */
		ld_json_set(t, "via", w != LD_LPC_NONE ? json_string("lpc") :
				      l != LD_LPC_NONE ? json_string(ld_wait_object_kind_name(m->locks[l].kind)) : json_null());
		if (w == LD_LPC_NONE && l != LD_LPC_NONE)
			ld_json_set(t, "object", ld_json_addr(m->locks[l].addr));
		json_array_append_new(th, t);
	}
	ld_json_set(o, "threads", th);
	ld_json_set(o, "cycle", json_boolean(c->cycle));
	ld_json_set(o, "behind_cycle", c->feeds_cycle != LD_LPC_NONE ? json_integer((json_int_t)c->feeds_cycle + 1) : json_null());
	ld_json_set(o, "wait_seconds", seconds(c->wait_seconds));
	ld_json_set(o, "end", end_json(m, c));
	return o;
}
