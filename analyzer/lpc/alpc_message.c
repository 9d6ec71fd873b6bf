/* alpc_message.c — _KALPC_MESSAGE and its PORT_MESSAGE (SEMANTICS §4.2): id,
 * callback id, type, lengths, sender, the ports and threads it links (queue
 * port, owner port, WaitingThread, ServerThread), queue type, cancel state,
 * attributes present, and a bounded preview of the data. A message whose
 * memory is not in the dump is kept, marked unavailable. */
#include "lpc-alpc-priv.h"

#include <string.h>

/* The data follows the PORT_MESSAGE header: in system memory at
 * DataSystemVa (Vista/7) or right after the KALPC_MESSAGE (8+). */
static void read_preview(struct alpc *d, struct ld_lpc_message *msg)
{
	uint64_t data = 0;
	size_t n = lpc_preview_length(msg);
	if (!n)
		return;
	if (!alpc_get(d, msg->addr, &d->f.msg_data_sys, &data) || !data)
		data = d->f.message_size ? msg->addr + d->f.message_size : 0;
	lpc_preview_read(d->k, msg, ld_kernel_is_kva(d->k, data) ? data : 0, n);
}

static uint32_t attributes(struct alpc *d, uint64_t addr)
{
	uint64_t v;
	uint32_t a = 0;
	if (alpc_get(d, addr, &d->f.msg_attr_ctx, &v) && v)
		a |= ALPC_ATTR_CONTEXT;
	if (alpc_get(d, addr, &d->f.msg_attr_sec, &v) && v)
		a |= ALPC_ATTR_SECURITY;
	if (alpc_get(d, addr, &d->f.msg_attr_view, &v) && v)
		a |= ALPC_ATTR_VIEW;
	if (alpc_get(d, addr, &d->f.msg_attr_handles, &v) && v)
		a |= ALPC_ATTR_HANDLE;
	return a;
}

/* TotalLength counts the PORT_MESSAGE header and the data after it. */
static bool lengths_fit(const struct alpc *d, const struct ld_lpc_message *msg)
{
	if (!d->f.pm_total_len.valid || !d->f.port_message_size)
		return true;
	return (uint32_t)msg->data_length + d->f.port_message_size <= msg->total_length;
}

static void read_message(struct alpc *d, struct ld_lpc_message *msg)
{
	uint64_t pm = msg->addr + d->f.msg_pm.off, id, v;
	ld_status st = ld_read_field(d->k, pm, &d->f.pm_id, &id);
	if (st != LD_OK) {
		msg->read_status = st;
		return;
	}
#define PM(name) (alpc_get(d, pm, &d->f.name, &v) ? v : 0)
#define MSG(name) (alpc_get(d, msg->addr, &d->f.name, &v) ? v : 0)
	msg->available = true;
	msg->id = (uint32_t)id;
	msg->callback_id = (uint32_t)PM(pm_callback);
	msg->type = (uint16_t)PM(pm_type);
	msg->data_length = (uint16_t)PM(pm_data_len);
	msg->total_length = (uint16_t)PM(pm_total_len);
	msg->sender_pid = PM(pm_pid);
	msg->sender_tid = PM(pm_tid);
	msg->alpc.owner_port = MSG(msg_owner_port);
	msg->sender_port = msg->alpc.owner_port;
	msg->waiting_thread = MSG(msg_waiting);
	msg->server_thread = MSG(msg_server);
	msg->alpc.port_queue = MSG(msg_port_queue);
	msg->alpc.connection_port = MSG(msg_conn);
	msg->alpc.quota_process = MSG(msg_quota_process);
	msg->alpc.sequence_no = (uint32_t)MSG(msg_seq);
	msg->alpc.queue_type = (unsigned)MSG(msg_queue_type);
	msg->alpc.canceled = MSG(msg_canceled) != 0;
	msg->alpc.reply_wait_reply = MSG(msg_rwr) != 0;
#undef PM
#undef MSG
	msg->alpc.attributes = attributes(d, msg->addr);
	if (msg->alpc.queue_type > ALPC_QUEUE_REPLY)
		ld_warn("ALPC message %#llx: unknown QueueType %u", (unsigned long long)msg->addr,
			msg->alpc.queue_type);
	if (!lengths_fit(d, msg)) {
		/* The data would run past the message: show none of it. */
		ld_warn("ALPC message %#llx: DataLength %u does not fit in TotalLength %u",
			(unsigned long long)msg->addr, msg->data_length, msg->total_length);
		msg->preview_truncated = msg->data_length != 0;
		msg->lengths_bad = true;
		return;
	}
	read_preview(d, msg);
}

/* A message a queue walk reached whose QueueType names another queue: the
 * link is what the walk proved, so it stays; the disagreement is told. */
static void check_queue_type(const struct ld_lpc_message *msg, enum ld_msg_where where, uint64_t queued_on)
{
	unsigned want;
	const char *queue;
	switch (where) {
	case LD_MSG_RECEIVE_QUEUE: want = ALPC_QUEUE_MAIN, queue = "main"; break;
	case LD_MSG_LARGE: want = ALPC_QUEUE_LARGE, queue = "large message"; break;
	case LD_MSG_PENDING: want = ALPC_QUEUE_PENDING, queue = "pending"; break;
	case LD_MSG_DIRECT: want = ALPC_QUEUE_DIRECT, queue = "direct"; break;
	default: return;
	}
	if (msg->available && msg->alpc.queue_type != want)
		ld_warn("ALPC message %#llx is on the %s queue of port %#llx, but its QueueType is %u, not %u",
			(unsigned long long)msg->addr, queue, (unsigned long long)queued_on, msg->alpc.queue_type, want);
}

ld_status alpc_message_note(struct alpc *d, uint64_t addr, unsigned found_by, enum ld_msg_where where,
			    uint64_t queued_on, size_t *index)
{
	bool placed;
	const struct ld_lpc_message *known = lpc_message_known(d->m, addr, found_by, where, queued_on, index, &placed);
	if (known) {
		if (placed)
			check_queue_type(known, where, queued_on);
		return LD_OK;
	}
	if (!addr || !ld_kernel_is_kva(d->k, addr))
		return ld_fail(LD_ERR_ARG, "ALPC message address %#llx is not a kernel address",
			       (unsigned long long)addr);
	struct ld_lpc_message msg = { .addr = addr, .flavor = LD_LPC_FLAVOR_ALPC, .found_by = found_by,
				      .where = where, .queued_on = queued_on };
	read_message(d, &msg);
	check_queue_type(&msg, where, queued_on);
	return lpc_message_add(d->m, &msg, index);
}
