/* lpc_nt5_message.c — LPCP_MESSAGE and its PORT_MESSAGE (SEMANTICS §1.2):
 * id, callback id, type, lengths, sender, replied-to thread and a bounded
 * preview of the data that follows the header. A message whose memory is
 * not in the dump is kept, marked unavailable. */
#include "lpc-nt5-priv.h"

#include <string.h>

static void read_preview(struct lpc_nt5 *d, struct ld_lpc_message *msg, uint64_t req)
{
	size_t n = lpc_preview_length(msg);
	if (!n || !d->f.port_message_size)
		return;
	lpc_preview_read(d->k, msg, req + d->f.port_message_size, n);
}

/* PORT_MESSAGE fields are relative to Request: shift them to the message. */
static bool req_field(struct lpc_nt5 *d, const struct ld_record *r, const struct ld_fref *f, uint64_t *v)
{
	struct ld_fref g = *f;
	g.off += d->f.msg_request.off;
	return lpc_rec_get(d, r, &g, v);
}

static void read_message(struct lpc_nt5 *d, struct ld_lpc_message *msg)
{
	struct ld_record *r = &d->msg_rec;
	uint64_t req = msg->addr + d->f.msg_request.off, id, v;
	(void)ld_record_load(d->k, r, msg->addr, 0, d->f.message_size);
	if (!req_field(d, r, &d->f.pm_id, &id)) {
		ld_status st = ld_read_field(d->k, req, &d->f.pm_id, &id);
		msg->read_status = st != LD_OK ? st : LD_ERR_NOT_PRESENT;
		return;
	}
#define REQ(name) (req_field(d, r, &d->f.name, &v) ? v : 0)
#define MSG(name) (lpc_rec_get(d, r, &d->f.name, &v) ? v : 0)
	msg->available = true;
	msg->id = (uint32_t)id;
	msg->callback_id = (uint32_t)REQ(pm_callback);
	msg->type = (uint16_t)REQ(pm_type);
	msg->data_length = (uint16_t)REQ(pm_data_len);
	msg->total_length = (uint16_t)REQ(pm_total_len);
	msg->data_info_offset = (uint16_t)REQ(pm_data_info);
	msg->sender_pid = REQ(pm_pid);
	msg->sender_tid = REQ(pm_tid);
	msg->sender_port = MSG(msg_sender_port);
	msg->replied_to_thread = MSG(msg_replied_to);
	msg->port_context = MSG(msg_context);
#undef REQ
#undef MSG
	/* CallbackId shares its slot with ClientViewSize: meaningless in a
	 * connection request. */
	if ((msg->type & 0xff) == LPC_TYPE_CONNECTION_REQUEST)
		msg->callback_id = 0;
	read_preview(d, msg, req);
}

ld_status lpc_nt5_message_note(struct lpc_nt5 *d, uint64_t addr, unsigned found_by,
			       enum ld_msg_where where, uint64_t queued_on, size_t *index)
{
	bool placed;
	if (lpc_message_known(d->m, addr, found_by, where, queued_on, index, &placed))
		return LD_OK;
	if (!addr || !ld_kernel_is_kva(d->k, addr))
		return ld_fail(LD_ERR_ARG, "message address %#llx is not a kernel address",
			       (unsigned long long)addr);
	struct ld_lpc_message msg = { .addr = addr, .flavor = LD_LPC_FLAVOR_LPC, .found_by = found_by,
				      .where = where, .queued_on = queued_on };
	read_message(d, &msg);
	return lpc_message_add(d->m, &msg, index);
}
