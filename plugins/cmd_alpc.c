/* cmd_alpc.c — WinDbg-like ALPC views over the same model as the triage report:
 *   alpc port ADDR          one port (like !alpc /p): kind, owner, the shared
 *                           CommunicationInfo, state, every queue and the
 *                           threads waiting to receive on it
 *   alpc message ADDR       one message (like !alpc /m): ids, the ports and
 *                           threads it links, queue, attributes, data preview
 *   alpc process PID        the ports a process owns and the connections it
 *                           has to other processes' ports (like !alpc /lpp)
 *   alpc connections ADDR   the connections of a connection port (like !alpc /lpc)
 * Options: --json, --pool-scan. */
#include "lpc_views-priv.h"

#include <inttypes.h>
#include <string.h>

/* WinDbg's names for the port kinds. */
static const char *windbg_kind(enum ld_port_kind k)
{
	switch (k) {
	case LD_PORT_CONNECTION: return "ALPC_CONNECTION_PORT";
	case LD_PORT_SERVER_COMM: return "ALPC_SERVER_COMMUNICATION_PORT";
	case LD_PORT_CLIENT_COMM: return "ALPC_CLIENT_COMMUNICATION_PORT";
	case LD_PORT_UNCONNECTED: return "ALPC_UNCONNECTED_PORT";
	default: return "?";
	}
}

static const char *process_name(const struct ld_lpc_model *m, uint64_t pid)
{
	const struct ld_process *p = ld_system_process_by_pid(m->sys, pid);
	return p && p->name[0] ? p->name : "?";
}

static void port_ref(struct ld_cmd_ctx *ctx, const struct ld_lpc_model *m, const char *label, uint64_t addr)
{
	size_t i = addr ? ld_lpc_port_index(m, addr) : LD_LPC_NONE;
	fprintf(ctx->out, "  %-22s", label);
	if (!addr) {
		fprintf(ctx->out, "none\n");
		return;
	}
	unsigned n = ld_session_remember(ctx, "port", addr);
	if (n)
		fprintf(ctx->out, "#%u ", n);
	fprintf(ctx->out, "0x%" PRIx64, addr);
	if (i != LD_LPC_NONE && m->ports[i].readable) {
		const struct ld_lpc_port *p = &m->ports[i];
		fprintf(ctx->out, " [%s]", windbg_kind(p->kind));
		if (p->name_known)
			fprintf(ctx->out, " \"%s\"", p->name);
		if (p->owner_known)
			fprintf(ctx->out, " %s pid %" PRIu64, process_name(m, p->owner_pid), p->owner_pid);
	}
	fputc('\n', ctx->out);
}

static void thread_ref(struct ld_cmd_ctx *ctx, const struct ld_lpc_model *m, const char *label, uint64_t addr)
{
	char tb[128];
	fprintf(ctx->out, "  %-22s", label);
	if (!addr) {
		fprintf(ctx->out, "none\n");
		return;
	}
	size_t t = ld_lpc_thread_index(m, addr);
	unsigned n = ld_session_remember(ctx, "thread", addr);
	if (n)
		fprintf(ctx->out, "#%u ", n);
	if (t == LD_LPC_NONE)
		fprintf(ctx->out, "0x%" PRIx64 " (not in the thread list)\n", addr);
	else
		fprintf(ctx->out, "%s\n", ld_text_thread(tb, sizeof tb, m, t));
}

/* ---- alpc port ---- */

static void queue_text(struct ld_cmd_ctx *ctx, const struct ld_lpc_model *m, const struct ld_lpc_port *p,
		       const char *name, enum ld_msg_where where, uint32_t length, size_t found,
		       const struct ld_walk_result *walk)
{
	fprintf(ctx->out, "  %-22s%zu message%s (length %u)", name, found, found == 1 ? "" : "s", length);
	if (walk->end != LD_WALK_DONE)
		fprintf(ctx->out, ", walk ended early: %s", ld_walk_end_name(walk->end));
	fputc('\n', ctx->out);
	for (size_t i = 0; i < m->nmessages; i++) {
		const struct ld_lpc_message *msg = &m->messages[i];
		if (msg->queued_on != p->addr || msg->where != where)
			continue;
		unsigned n = ld_session_remember(ctx, "message", msg->addr);
		fprintf(ctx->out, "      ");
		if (n)
			fprintf(ctx->out, "#%u ", n);
		if (!msg->available)
			fprintf(ctx->out, "0x%" PRIx64 " unavailable (%s)\n", msg->addr, ld_status_name(msg->read_status));
		else
			fprintf(ctx->out, "0x%" PRIx64 " MessageId %08x from pid %" PRIu64 " tid %" PRIu64 "\n", msg->addr,
				msg->id, msg->sender_pid, msg->sender_tid);
	}
}

static void port_text(struct ld_cmd_ctx *ctx, const struct ld_lpc_model *m, size_t i)
{
	const struct ld_lpc_port *p = &m->ports[i];
	fprintf(ctx->out, "Port 0x%" PRIx64 " [%s]", p->addr, windbg_kind(p->kind));
	if (p->name_known)
		fprintf(ctx->out, " \"%s\"", p->name);
	fputc('\n', ctx->out);
	if (p->owner_known)
		fprintf(ctx->out, "  %-22s0x%" PRIx64 " %s pid %" PRIu64 "\n", "OwnerProcess", p->owner_process,
			process_name(m, p->owner_pid), p->owner_pid);
	else
		fprintf(ctx->out, "  %-22s0x%" PRIx64 " (not in the process list)\n", "OwnerProcess", p->owner_process);
	fprintf(ctx->out, "  %-22s0x%" PRIx64 "\n", "CommunicationInfo", p->alpc.communication_info);
	port_ref(ctx, m, "ConnectionPort", p->connection_port);
	port_ref(ctx, m, "ServerCommunication", p->alpc.server_comm_port);
	port_ref(ctx, m, "ClientCommunication", p->alpc.client_comm_port);
	fprintf(ctx->out, "  %-22s0x%x%s%s%s%s%s%s\n", "State", p->flags, p->closed ? " closed" : "",
		p->disconnected ? " disconnected" : "", p->waitable ? " waitable" : "",
		p->alpc.connection_pending ? " connection-pending" : "",
		p->alpc.connection_refused ? " connection-refused" : "", p->alpc.lpc_mode ? " lpc" : "");
	fprintf(ctx->out, "  %-22s", "CompletionPort");
	if (p->alpc.completion_port)
		fprintf(ctx->out, "0x%" PRIx64 "\n", p->alpc.completion_port);
	else
		fprintf(ctx->out, "none\n");
	fprintf(ctx->out, "  %-22s%s\n", "CompletionList", p->alpc.completion_list ? "present" : "none");
	fprintf(ctx->out, "  %-22s%u\n", "MaxMessageLength", p->alpc.max_message_length);
	queue_text(ctx, m, p, "Main queue", LD_MSG_RECEIVE_QUEUE, p->alpc.main_length, p->alpc.nmain, &p->queue_walk);
	queue_text(ctx, m, p, "Large message queue", LD_MSG_LARGE, p->alpc.large_length, p->alpc.nlarge,
		   &p->alpc.large_walk);
	queue_text(ctx, m, p, "Pending queue", LD_MSG_PENDING, p->alpc.pending_length, p->alpc.npending,
		   &p->alpc.pending_walk);
	queue_text(ctx, m, p, "Canceled queue", LD_MSG_CANCELED, p->alpc.canceled_length, p->alpc.ncanceled,
		   &p->alpc.canceled_walk);
	queue_text(ctx, m, p, "Direct queue", LD_MSG_DIRECT, p->alpc.direct_length, p->alpc.ndirect,
		   &p->alpc.direct_walk);
	fprintf(ctx->out, "  %-22s%zu thread%s waiting to receive\n", "Wait queue", p->nreply_chain,
		p->nreply_chain == 1 ? "" : "s");
	for (size_t t = 0; t < m->sys->nthreads; t++)
		if (m->threads[t].receive_port == p->addr)
			thread_ref(ctx, m, "", m->sys->threads[t].addr);
}

static size_t port_arg(const struct ld_lpc_model *m, uint64_t addr)
{
	size_t i = ld_lpc_port_index(m, addr);
	if (i == LD_LPC_NONE || m->ports[i].flavor != LD_LPC_FLAVOR_ALPC) {
		ld_cmd_error("alpc", LD_ERR_NOT_FOUND, "no ALPC port at 0x%" PRIx64, addr);
		return LD_LPC_NONE;
	}
	if (!m->ports[i].readable) {
		ld_cmd_error("alpc", m->ports[i].read_status, "the ALPC port at 0x%" PRIx64 " is unavailable (%s)", addr,
			     ld_status_name(m->ports[i].read_status));
		return LD_LPC_NONE;
	}
	return i;
}

static int view_port(struct ld_cmd_ctx *ctx, const struct ld_lpc_model *m, const struct ld_lpc_view_args *a, json_t *doc)
{
	size_t i = port_arg(m, a->arg);
	if (i == LD_LPC_NONE)
		return LD_EXIT_ANALYSIS;
	if (doc)
		ld_json_set(doc, "port", ld_json_lpc_port(m, i));
	else
		port_text(ctx, m, i);
	return LD_EXIT_OK;
}

/* ---- alpc message ---- */

static void message_text(struct ld_cmd_ctx *ctx, const struct ld_lpc_model *m, const struct ld_lpc_message *msg)
{
	static const char *const qnames[] = { "none", "ALPC_MSGQUEUE_MAIN", "ALPC_MSGQUEUE_LARGE_MESSAGE",
					      "ALPC_MSGQUEUE_PENDING", "ALPC_MSGQUEUE_DIRECT", "reply" };
	fprintf(ctx->out, "Message 0x%" PRIx64 "\n", msg->addr);
	if (!msg->available) {
		fprintf(ctx->out, "  unavailable (%s)\n", ld_status_name(msg->read_status));
		return;
	}
	fprintf(ctx->out, "  %-22s%08x\n  %-22s%08x\n  %-22s%u\n  %-22s%s (0x%x)\n", "MessageId", msg->id,
		"CallbackId", msg->callback_id, "SequenceNo", msg->alpc.sequence_no, "Type",
		ld_lpc_type_name(msg->type), msg->type);
	fprintf(ctx->out, "  %-22s%u data, %u total\n", "Length", msg->data_length, msg->total_length);
	fprintf(ctx->out, "  %-22spid %" PRIu64 " tid %" PRIu64 "\n", "ClientId", msg->sender_pid, msg->sender_tid);
	port_ref(ctx, m, "OwnerPort", msg->alpc.owner_port);
	thread_ref(ctx, m, "WaitingThread", msg->waiting_thread);
	unsigned qt = msg->alpc.queue_type;
	fprintf(ctx->out, "  %-22s%s%s\n", "QueueType", qt < LD_ARRAY_SIZE(qnames) ? qnames[qt] : "?",
		msg->alpc.canceled ? " (canceled)" : "");
	port_ref(ctx, m, "QueuePort", msg->alpc.port_queue);
	port_ref(ctx, m, "ConnectionPort", msg->alpc.connection_port);
	thread_ref(ctx, m, "ServerThread", msg->server_thread);
	fprintf(ctx->out, "  %-22s0x%" PRIx64 "\n", "QuotaProcess", msg->alpc.quota_process);
	fprintf(ctx->out, "  %-22s%s%s%s%s%s\n", "Attributes", msg->alpc.attributes ? "" : "none",
		msg->alpc.attributes & 0x20000000u ? " context" : "", msg->alpc.attributes & 0x80000000u ? " security" : "",
		msg->alpc.attributes & 0x40000000u ? " view" : "", msg->alpc.attributes & 0x10000000u ? " handles" : "");
	fprintf(ctx->out, "  %-22s", "Data");
	for (size_t i = 0; i < msg->npreview; i++)
		fprintf(ctx->out, "%02x%s", msg->preview[i], i + 1 < msg->npreview ? " " : "");
	const char *why = msg->lengths_bad ? "(DataLength does not fit in TotalLength)" : "(not in system memory)";
	fprintf(ctx->out, "%s\n", msg->preview_truncated ? (msg->npreview ? " …" : why) : "");
}

static int view_message(struct ld_cmd_ctx *ctx, const struct ld_lpc_model *m, const struct ld_lpc_view_args *a, json_t *doc)
{
	size_t i = ld_lpc_message_index(m, a->arg);
	if (i == LD_LPC_NONE || m->messages[i].flavor != LD_LPC_FLAVOR_ALPC)
		return ld_cmd_error("alpc", LD_ERR_NOT_FOUND,
				    "no ALPC message at 0x%" PRIx64 " (try --pool-scan for messages no queue holds)", a->arg);
	if (doc)
		ld_json_set(doc, "message", ld_json_lpc_message(m, i));
	else
		message_text(ctx, m, &m->messages[i]);
	return LD_EXIT_OK;
}

/* ---- alpc process / alpc connections ---- */

/* Connections: client communication ports, each with its server peer. */
static json_t *connection_json(const struct ld_lpc_model *m, const struct ld_lpc_port *c)
{
	json_t *o = json_object();
	size_t s = c->connected_port ? ld_lpc_port_index(m, c->connected_port) : LD_LPC_NONE;
	size_t k = c->connection_port ? ld_lpc_port_index(m, c->connection_port) : LD_LPC_NONE;
	ld_json_set(o, "client_port", ld_json_addr(c->addr));
	ld_json_set(o, "client_pid", c->owner_known ? ld_json_u64(c->owner_pid) : json_null());
	ld_json_set(o, "server_port", ld_json_addr_or_null(c->connected_port));
	ld_json_set(o, "server_pid", s != LD_LPC_NONE && m->ports[s].owner_known ? ld_json_u64(m->ports[s].owner_pid)
									     : json_null());
	ld_json_set(o, "connection_port", ld_json_addr_or_null(c->connection_port));
	ld_json_set(o, "name", k != LD_LPC_NONE && m->ports[k].name_known ? json_string(m->ports[k].name) : json_null());
	return o;
}

static void connection_text(struct ld_cmd_ctx *ctx, const struct ld_lpc_model *m, const struct ld_lpc_port *c)
{
	size_t s = c->connected_port ? ld_lpc_port_index(m, c->connected_port) : LD_LPC_NONE;
	char server[24] = "?";   /* a peer that is not known is not 0x0 */
	if (c->connected_port)
		snprintf(server, sizeof(server), "0x%" PRIx64, c->connected_port);
	fprintf(ctx->out, "  client 0x%" PRIx64, c->addr);
	if (c->owner_known)
		fprintf(ctx->out, " (%s pid %" PRIu64 ")", process_name(m, c->owner_pid), c->owner_pid);
	else
		fprintf(ctx->out, " (owner unknown)");
	fprintf(ctx->out, " <-> server %s", server);
	if (s != LD_LPC_NONE && m->ports[s].owner_known)
		fprintf(ctx->out, " (%s pid %" PRIu64 ")", process_name(m, m->ports[s].owner_pid), m->ports[s].owner_pid);
	if (c->name_known)
		fprintf(ctx->out, " \"%s\"", c->name);
	if (c->disconnected || c->closed)
		fprintf(ctx->out, " [%s]", c->closed ? "closed" : "disconnected");
	fputc('\n', ctx->out);
}

/* Which client communication ports a listing of connections shows. */
typedef bool connection_filter(const struct ld_lpc_port *c, uint64_t key);

static bool through_port(const struct ld_lpc_port *c, uint64_t connection_port)
{
	return c->connection_port == connection_port;
}

static bool of_process(const struct ld_lpc_port *c, uint64_t pid)
{
	return c->owner_known && c->owner_pid == pid;
}

/* The readable client communication ports the filter takes, each with its
 * server peer: into arr, or as text lines when arr is NULL. How many. */
static size_t list_connections(struct ld_cmd_ctx *ctx, const struct ld_lpc_model *m, json_t *arr,
			       connection_filter *take, uint64_t key)
{
	size_t n = 0;
	for (size_t j = 0; j < m->nports; j++) {
		const struct ld_lpc_port *c = &m->ports[j];
		if (!c->readable || c->kind != LD_PORT_CLIENT_COMM || !take(c, key))
			continue;
		n++;
		if (arr)
			json_array_append_new(arr, connection_json(m, c));
		else
			connection_text(ctx, m, c);
	}
	return n;
}

/* Client ports whose connection port could not be told (an unreadable or
 * damaged CommunicationInfo) cannot be placed under any connection port:
 * say that they exist rather than let the listing look complete. */
static void unknown_connection_note(struct ld_cmd_ctx *ctx, const struct ld_lpc_model *m)
{
	size_t n = 0;
	for (size_t j = 0; j < m->nports; j++)
		n += m->ports[j].readable && m->ports[j].kind == LD_PORT_CLIENT_COMM && !m->ports[j].connection_port;
	if (n)
		fprintf(ctx->out, "  (%zu client port%s with an unknown connection port not shown)\n", n,
			n == 1 ? "" : "s");
}

static int view_connections(struct ld_cmd_ctx *ctx, const struct ld_lpc_model *m, const struct ld_lpc_view_args *a,
			    json_t *doc)
{
	size_t i = port_arg(m, a->arg);
	if (i == LD_LPC_NONE)
		return LD_EXIT_ANALYSIS;
	if (m->ports[i].kind != LD_PORT_CONNECTION)
		return ld_cmd_error("alpc", LD_ERR_ARG, "0x%" PRIx64 " is a %s, not a connection port", a->arg,
				    windbg_kind(m->ports[i].kind));
	json_t *arr = doc ? json_array() : NULL;
	if (!doc)
		port_ref(ctx, m, "Connections of", a->arg);
	size_t n = list_connections(ctx, m, arr, through_port, a->arg);
	if (doc) {
		ld_json_set(doc, "port", ld_json_addr(a->arg));
		ld_json_set(doc, "connections", arr);
	} else {
		if (!n)
			fprintf(ctx->out, "  no connections found\n");
		unknown_connection_note(ctx, m);
	}
	return LD_EXIT_OK;
}

static int view_process(struct ld_cmd_ctx *ctx, const struct ld_lpc_model *m, const struct ld_lpc_view_args *a, json_t *doc)
{
	const struct ld_process *pr = ld_system_process_by_pid(m->sys, a->arg);
	if (!pr)
		return ld_cmd_error("alpc", LD_ERR_NOT_FOUND, "no process with pid %" PRIu64, a->arg);
	json_t *owned = doc ? json_array() : NULL, *conns = doc ? json_array() : NULL;
	if (!doc)
		fprintf(ctx->out, "Ports owned by %s (pid %" PRIu64 "):\n", pr->name, pr->pid);
	for (size_t j = 0; j < m->nports; j++) {
		const struct ld_lpc_port *p = &m->ports[j];
		if (!p->readable || !p->owner_known || p->owner_pid != pr->pid || p->kind == LD_PORT_CLIENT_COMM)
			continue;
		if (owned)
			json_array_append_new(owned, ld_json_lpc_port(m, j));
		else
			port_ref(ctx, m, "", p->addr);
	}
	if (!doc)
		fprintf(ctx->out, "Connections of %s (pid %" PRIu64 ") to server ports:\n", pr->name, pr->pid);
	(void)list_connections(ctx, m, conns, of_process, pr->pid);
	if (doc) {
		ld_json_set(doc, "pid", ld_json_u64(pr->pid));
		ld_json_set(doc, "name", json_string(pr->name));
		ld_json_set(doc, "ports", owned);
		ld_json_set(doc, "connections", conns);
	}
	return LD_EXIT_OK;
}

static const struct ld_lpc_view alpc_views[] = {
	{ "port", view_port },
	{ "message", view_message },
	{ "process", view_process },
	{ "connections", view_connections },
};

int ld_cmd_alpc(struct ld_cmd_ctx *ctx, int argc, char **argv)
{
	static const struct ld_lpc_views v = {
		.cmd = "alpc",
		.views = alpc_views,
		.nviews = LD_ARRAY_SIZE(alpc_views),
		.needs_arg = true,
		.alpc_only = true,
		.usage = "usage: alpc port ADDR | alpc message ADDR | alpc process PID | alpc connections ADDR",
		.bad_arg_hint = "",
	};
	return ld_cmd_lpc_views(ctx, &v, argc, argv);
}
