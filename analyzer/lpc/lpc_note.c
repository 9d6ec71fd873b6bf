/* lpc_note.c — what both decoders do alike when they meet a port or a
 * message by its address: one already in the model only learns another way
 * it was found (and, for a message, the first queue that holds it); a new
 * one is added, with a warning when its memory could not be read. Reading
 * the structure is the decoder's own. */
#include "lpc-priv.h"

static const char *flavor_word(enum ld_lpc_flavor f)
{
	return f == LD_LPC_FLAVOR_ALPC ? "ALPC" : "LPC";
}

bool lpc_port_known(struct ld_lpc_model *m, uint64_t addr, unsigned found_by, size_t *index)
{
	size_t i = ld_lpc_port_index(m, addr);
	if (i == LD_LPC_NONE)
		return false;
	m->ports[i].found_by |= found_by;
	if (index)
		*index = i;
	return true;
}

ld_status lpc_port_add(struct ld_lpc_model *m, const struct ld_lpc_port *p, size_t *index)
{
	if (!p->readable)
		ld_warn("%s port %#llx: %s", flavor_word(p->flavor), (unsigned long long)p->addr,
			ld_status_name(p->read_status));
	return ld_lpc_add_port(m, p, index);
}

struct ld_lpc_message *lpc_message_known(struct ld_lpc_model *m, uint64_t addr, unsigned found_by,
					 enum ld_msg_where where, uint64_t queued_on, size_t *index,
					 bool *placed)
{
	size_t i = ld_lpc_message_index(m, addr);
	*placed = false;
	if (i == LD_LPC_NONE)
		return NULL;
	struct ld_lpc_message *msg = &m->messages[i];
	msg->found_by |= found_by;
	/* A queue says more than a thread's pointer or the pool: the first one wins. */
	if (where != LD_MSG_NOWHERE && (msg->where == LD_MSG_NOWHERE || msg->where == LD_MSG_THREAD)) {
		msg->where = where;
		msg->queued_on = queued_on;
		*placed = true;
	}
	if (index)
		*index = i;
	return msg;
}

ld_status lpc_message_add(struct ld_lpc_model *m, const struct ld_lpc_message *msg, size_t *index)
{
	if (!msg->available)
		ld_warn("%s message %#llx is unavailable (%s)", flavor_word(msg->flavor),
			(unsigned long long)msg->addr, ld_status_name(msg->read_status));
	return ld_lpc_add_message(m, msg, index);
}
