/* report_alpc_json.c — the ALPC-only details of ports and messages, under an
 * "alpc" key, so the common keys keep one shape across LPC and ALPC. */
#include "report.h"

static json_t *queue(uint32_t counter, size_t found, const struct ld_walk_result *walk)
{
	return json_pack("{s:I,s:I,s:s}", "length", (json_int_t)counter, "found", (json_int_t)found, "walk",
			 ld_walk_end_name(walk->end));
}

json_t *ld_json_alpc_port(const struct ld_lpc_port *p)
{
	json_t *o = json_object();
	const struct ld_walk_result none = { .end = LD_WALK_DONE };
	ld_json_set(o, "communication_info", ld_json_addr_or_null(p->alpc.communication_info));
	ld_json_set(o, "server_communication_port", ld_json_addr_or_null(p->alpc.server_comm_port));
	ld_json_set(o, "client_communication_port", ld_json_addr_or_null(p->alpc.client_comm_port));
	ld_json_set(o, "type_bits", json_integer(p->alpc.type_bits));
	ld_json_set(o, "kind_from", json_string(p->alpc.kind_from_links ? "communication_info" : "type_bits"));
	json_t *st = json_object();
	ld_json_set(st, "connection_pending", json_boolean(p->alpc.connection_pending));
	ld_json_set(st, "connection_refused", json_boolean(p->alpc.connection_refused));
	ld_json_set(st, "disconnected", json_boolean(p->disconnected));
	ld_json_set(st, "closed", json_boolean(p->closed));
	ld_json_set(st, "waitable", json_boolean(p->waitable));
	ld_json_set(st, "lpc", json_boolean(p->alpc.lpc_mode));
	ld_json_set(o, "state", st);
	ld_json_set(o, "completion_port", ld_json_addr_or_null(p->alpc.completion_port));
	ld_json_set(o, "completion_list", ld_json_addr_or_null(p->alpc.completion_list));
	ld_json_set(o, "attributes_flags", ld_json_addr(p->alpc.attributes_flags));
	ld_json_set(o, "max_message_length", json_integer(p->alpc.max_message_length));
	json_t *q = json_object();
	ld_json_set(q, "main", queue(p->alpc.main_length, p->alpc.nmain, &p->queue_walk));
	ld_json_set(q, "large", queue(p->alpc.large_length, p->alpc.nlarge, &p->alpc.large_walk));
	ld_json_set(q, "pending", queue(p->alpc.pending_length, p->alpc.npending, &p->alpc.pending_walk));
	ld_json_set(q, "canceled", queue(p->alpc.canceled_length, p->alpc.ncanceled, &p->alpc.canceled_walk));
	ld_json_set(q, "direct", queue(p->alpc.direct_length, p->alpc.ndirect, &p->alpc.direct_walk));
	ld_json_set(q, "wait", queue(p->alpc.wait_length, p->nreply_chain, p->readable ? &p->reply_chain_walk : &none));
	ld_json_set(o, "queues", q);
	return o;
}

json_t *ld_json_alpc_message(const struct ld_lpc_message *msg)
{
	static const char *const qnames[] = { "none", "main", "large", "pending", "direct", "reply" };
	json_t *o = json_object();
	unsigned qt = msg->alpc.queue_type;
	ld_json_set(o, "sequence_no", json_integer(msg->alpc.sequence_no));
	ld_json_set(o, "queue_type", qt < LD_ARRAY_SIZE(qnames) ? json_string(qnames[qt]) : json_integer(qt));
	ld_json_set(o, "port_queue", ld_json_addr_or_null(msg->alpc.port_queue));
	ld_json_set(o, "owner_port", ld_json_addr_or_null(msg->alpc.owner_port));
	ld_json_set(o, "connection_port", ld_json_addr_or_null(msg->alpc.connection_port));
	ld_json_set(o, "waiting_thread", ld_json_addr_or_null(msg->waiting_thread));
	ld_json_set(o, "server_thread", ld_json_addr_or_null(msg->server_thread));
	ld_json_set(o, "quota_process", ld_json_addr_or_null(msg->alpc.quota_process));
	ld_json_set(o, "canceled", json_boolean(msg->alpc.canceled));
	json_t *a = json_array();
	if (msg->alpc.attributes & 0x20000000u)
		json_array_append_new(a, json_string("context"));
	if (msg->alpc.attributes & 0x80000000u)
		json_array_append_new(a, json_string("security"));
	if (msg->alpc.attributes & 0x40000000u)
		json_array_append_new(a, json_string("view"));
	if (msg->alpc.attributes & 0x10000000u)
		json_array_append_new(a, json_string("handles"));
	ld_json_set(o, "attributes", a);
	return o;
}
