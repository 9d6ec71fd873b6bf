/* cmd_lpc.c — WinDbg-like LPC views over the same model as the triage report:
 *   lpc message [ID]   without ID every message (add --pool-scan for the 'LpcM'
 *                      pool scan); with ID the message and the threads that
 *                      wait for or process it (LpcReplyMessageId / LpcReceivedMessageId)
 *   lpc port [ADDR]    without ADDR every port; with ADDR one port: links,
 *                      queue, semaphore, threads in its rundown queue
 *   lpc thread [ADDR]  without ADDR the threads LPC involves; with ADDR one
 *                      thread's LPC state and the ports whose rundown queue holds it
 * Options: --json, --pool-scan. */
#include "lpc_views-priv.h"

#include <inttypes.h>
#include <string.h>

/* ---- text ---- */

static void message_line(struct ld_cmd_ctx *ctx, const struct ld_lpc_model *m, size_t i)
{
	const struct ld_lpc_message *msg = &m->messages[i];
	unsigned n = ld_session_remember(ctx, "message", msg->addr);
	if (n)
		fprintf(ctx->out, "#%-4u", n);
	if (!msg->available) {
		fprintf(ctx->out, "Message 0x%" PRIx64 ": unavailable (%s), %s of 0x%" PRIx64 "\n", msg->addr,
			ld_status_name(msg->read_status), ld_msg_where_name(msg->where), msg->queued_on);
		return;
	}
	fprintf(ctx->out, "Message 0x%" PRIx64 ": MessageId %08x CallbackId %08x %s Length %u/%u Client %" PRIu64 ".%" PRIu64
		" %s", msg->addr, msg->id, msg->callback_id, ld_lpc_type_name(msg->type), msg->data_length,
		msg->total_length, msg->sender_pid, msg->sender_tid, ld_msg_where_name(msg->where));
	if (msg->queued_on)
		fprintf(ctx->out, " of port 0x%" PRIx64, msg->queued_on);
	fputc('\n', ctx->out);
	if (msg->npreview) {
		fprintf(ctx->out, "      data:");
		for (size_t j = 0; j < msg->npreview; j++)
			fprintf(ctx->out, " %02x", msg->preview[j]);
		fprintf(ctx->out, "%s\n", msg->preview_truncated ? " …" : "");
	}
}

static void port_line(struct ld_cmd_ctx *ctx, const struct ld_lpc_model *m, size_t i)
{
	const struct ld_lpc_port *p = &m->ports[i];
	char pb[LD_LPC_NAME_MAX + 64];
	unsigned n = ld_session_remember(ctx, "port", p->addr);
	if (n)
		fprintf(ctx->out, "#%-4u", n);
	fprintf(ctx->out, "%s %s", ld_text_port(pb, sizeof pb, m, p->addr), ld_port_kind_name(p->kind));
	if (p->owner_known)
		fprintf(ctx->out, " owner pid %" PRIu64, p->owner_pid);
	fprintf(ctx->out, " queued %zu rundown %zu\n", p->nqueued, p->nreply_chain);
}

static void port_detail(struct ld_cmd_ctx *ctx, const struct ld_lpc_model *m, size_t i)
{
	const struct ld_lpc_port *p = &m->ports[i];
	char tb[160], pb[LD_LPC_NAME_MAX + 64];
	const char *fb[8];
	size_t nfb = ld_found_by_names(p->found_by, fb, LD_ARRAY_SIZE(fb));
	port_line(ctx, m, i);
	fprintf(ctx->out, "  found by:");
	for (size_t j = 0; j < nfb; j++)
		fprintf(ctx->out, " %s", fb[j]);
	fputc('\n', ctx->out);
	if (!p->readable) {
		fprintf(ctx->out, "  the port object is unavailable (%s)\n", ld_status_name(p->read_status));
		return;
	}
	fprintf(ctx->out, "  Flags %08x%s%s%s  Creator %" PRIu64 ".%" PRIu64 "  MaxMessageLength %u\n", p->flags,
		p->waitable ? " waitable" : "", p->name_deleted ? " name-deleted" : "", p->deleted ? " deleted" : "",
		p->creator_pid, p->creator_tid, p->max_message_length);
	fprintf(ctx->out, "  ConnectionPort: %s\n", ld_text_port(pb, sizeof pb, m, p->connection_port));
	fprintf(ctx->out, "  ConnectedPort:  %s\n", ld_text_port(pb, sizeof pb, m, p->connected_port));
	if (p->semaphore_known)
		fprintf(ctx->out, "  Semaphore 0x%" PRIx64 " count %" PRId64 "\n", p->semaphore, p->semaphore_count);
	for (size_t j = 0; j < m->nmessages; j++)
		if (m->messages[j].queued_on == p->addr)
			message_line(ctx, m, j);
	for (size_t w = 0; w < m->nwaits; w++)
		if (m->waits[w].server_port == p->addr)
			fprintf(ctx->out, "  rundown: %s waits for MessageId %08x (%s)\n",
				ld_text_thread(tb, sizeof tb, m, m->waits[w].thread), m->waits[w].message_id,
				ld_wait_status_name(m->waits[w].status));
}

static void thread_detail(struct ld_cmd_ctx *ctx, const struct ld_lpc_model *m, size_t t)
{
	const struct ld_lpc_thread *s = &m->threads[t];
	const struct ld_thread *th = &m->sys->threads[t];
	char tb[160], pb[LD_LPC_NAME_MAX + 64], db[32];
	unsigned n = ld_session_remember(ctx, "thread", th->addr);
	if (n)
		fprintf(ctx->out, "#%-4u", n);
	fprintf(ctx->out, "%s %s", ld_text_thread(tb, sizeof tb, m, t), ld_thread_state_name(ctx->k, th->state));
	if (th->state == 5)
		fprintf(ctx->out, " (%s, %s)", ld_wait_reason_name(ctx->k, th->wait_reason),
			ld_text_duration(db, sizeof db, th->wait_seconds));
	fputc('\n', ctx->out);
	const char *fl = m->flavor == LD_LPC_FLAVOR_ALPC ? "ALPC" : "LPC";
	if (!s->fields_known) {
		fprintf(ctx->out, "  %s fields unavailable\n", fl);
		return;
	}
	if (s->wait != LD_LPC_NONE) {
		const struct ld_lpc_wait *w = &m->waits[s->wait];
		fprintf(ctx->out, "  Waiting for reply to %s MessageId %08x:\n", fl, w->message_id);
		fprintf(ctx->out, "  Current %s %s\n", fl, ld_text_port(pb, sizeof pb, m, w->port));
		fprintf(ctx->out, "  status %s: %s\n", ld_wait_status_name(w->status), w->why);
	}
	/* !lpc thread: the port whose rundown queue (LpcReplyChainHead) holds the thread. */
	if (s->rundown_port != LD_LPC_NONE)
		fprintf(ctx->out, "  in the rundown queue of %s\n",
			ld_text_port(pb, sizeof pb, m, m->ports[s->rundown_port].addr));
	if (s->received_valid)
		fprintf(ctx->out, "  Processing %s MessageId %08x\n", fl, s->received_message_id);
	if (s->roles & LD_LPC_ROLE_RECEIVER)
		fprintf(ctx->out, "  Waiting to receive on %s\n", ld_text_port(pb, sizeof pb, m, s->receive_port));
	if (s->roles & LD_LPC_ROLE_EXITING)
		fprintf(ctx->out, "  LpcExitThreadCalled\n");
}

/* ---- the three views ---- */

static size_t thread_by_addr_or_tid(const struct ld_lpc_model *m, uint64_t v)
{
	size_t t = ld_lpc_thread_index(m, v);
	for (size_t i = 0; t == LD_LPC_NONE && i < m->sys->nthreads; i++)
		if (m->sys->threads[i].tid == v)
			t = i;
	return t;
}

static int view_message(struct ld_cmd_ctx *ctx, const struct ld_lpc_model *m, const struct ld_lpc_view_args *a, json_t *doc)
{
	json_t *arr = json_array(), *th = json_array();
	char tb[160];
	for (size_t i = 0; i < m->nmessages; i++) {
		if (a->has_arg && (!m->messages[i].available || m->messages[i].id != a->arg))
			continue;
		if (doc)
			json_array_append_new(arr, ld_json_lpc_message(m, i));
		else
			message_line(ctx, m, i);
	}
	for (size_t t = 0; a->has_arg && t < m->sys->nthreads; t++) {
		const struct ld_lpc_thread *s = &m->threads[t];
		bool server = s->received_valid && s->received_message_id == a->arg;
		bool client = s->reply_message_id == a->arg && s->reply_message_id;
		if (!server && !client)
			continue;
		if (doc)
			json_array_append_new(th, ld_json_lpc_thread(ctx->k, m, t));
		else
			fprintf(ctx->out, "%s thread %s is %s message %08" PRIx64 "\n", server ? "Server" : "Client",
				ld_text_thread(tb, sizeof tb, m, t), server ? "working on" : "waiting for a reply to", a->arg);
	}
	if (doc) {
		ld_json_set(doc, "messages", arr);
		ld_json_set(doc, "threads", th);
	} else {
		json_decref(arr);
		json_decref(th);
	}
	return LD_EXIT_OK;
}

static int view_port(struct ld_cmd_ctx *ctx, const struct ld_lpc_model *m, const struct ld_lpc_view_args *a, json_t *doc)
{
	if (a->has_arg) {
		size_t i = ld_lpc_port_index(m, a->arg);
		if (i == LD_LPC_NONE)
			return ld_cmd_error("lpc", LD_ERR_NOT_FOUND, "no LPC port at 0x%" PRIx64, a->arg);
		if (doc)
			ld_json_set(doc, "port", ld_json_lpc_port(m, i));
		else
			port_detail(ctx, m, i);
		return LD_EXIT_OK;
	}
	json_t *arr = json_array();
	for (size_t i = 0; i < m->nports; i++) {
		if (doc)
			json_array_append_new(arr, ld_json_lpc_port(m, i));
		else
			port_line(ctx, m, i);
	}
	if (doc)
		ld_json_set(doc, "ports", arr);
	else
		json_decref(arr);
	return LD_EXIT_OK;
}

static int view_thread(struct ld_cmd_ctx *ctx, const struct ld_lpc_model *m, const struct ld_lpc_view_args *a, json_t *doc)
{
	if (a->has_arg) {
		size_t t = thread_by_addr_or_tid(m, a->arg);
		if (t == LD_LPC_NONE)
			return ld_cmd_error("lpc", LD_ERR_NOT_FOUND, "no thread 0x%" PRIx64, a->arg);
		if (doc)
			ld_json_set(doc, "thread", ld_json_lpc_thread(ctx->k, m, t));
		else
			thread_detail(ctx, m, t);
		return LD_EXIT_OK;
	}
	json_t *arr = json_array();
	for (size_t t = 0; t < m->sys->nthreads; t++) {
		if (!m->threads[t].roles)
			continue;
		if (doc)
			json_array_append_new(arr, ld_json_lpc_thread(ctx->k, m, t));
		else
			thread_detail(ctx, m, t);
	}
	if (doc)
		ld_json_set(doc, "threads", arr);
	else
		json_decref(arr);
	return LD_EXIT_OK;
}

static const struct ld_lpc_view lpc_views[] = {
	{ "message", view_message },
	{ "port", view_port },
	{ "thread", view_thread },
};

int ld_cmd_lpc(struct ld_cmd_ctx *ctx, int argc, char **argv)
{
	static const struct ld_lpc_views v = {
		.cmd = "lpc",
		.views = lpc_views,
		.nviews = LD_ARRAY_SIZE(lpc_views),
		.usage = "usage: lpc message [ID] | lpc port [ADDR] | lpc thread [ADDR]",
		.bad_arg_hint = " (usage: lpc message|port|thread [ID|ADDR])",
	};
	return ld_cmd_lpc_views(ctx, &v, argc, argv);
}
