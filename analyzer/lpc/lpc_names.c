/* lpc_names.c — the stable names the reports and the JSON schema use for the
 * model's enums. They are part of the "lpcdump/1" contract: never rename. */
#include "lpc.h"

#define NAME_OF(table, v, dflt) \
	((size_t)(v) < LD_ARRAY_SIZE(table) && (table)[v] ? (table)[v] : (dflt))

const char *ld_lpc_flavor_name(enum ld_lpc_flavor f)
{
	static const char *const n[] = {
		[LD_LPC_FLAVOR_NONE] = "none", [LD_LPC_FLAVOR_LPC] = "lpc", [LD_LPC_FLAVOR_ALPC] = "alpc",
	};
	return NAME_OF(n, f, "none");
}

const char *ld_port_kind_name(enum ld_port_kind k)
{
	static const char *const n[] = {
		[LD_PORT_UNKNOWN] = "unknown",
		[LD_PORT_CONNECTION] = "connection",
		[LD_PORT_SERVER_COMM] = "server_communication",
		[LD_PORT_CLIENT_COMM] = "client_communication",
		[LD_PORT_UNCONNECTED] = "unconnected",
	};
	return NAME_OF(n, k, "unknown");
}

size_t ld_found_by_names(unsigned bits, const char **names, size_t max)
{
	static const char *const n[] = { "handle", "directory", "pool", "link", "queue", "thread" };
	size_t j = 0;
	for (size_t i = 0; i < LD_ARRAY_SIZE(n) && j < max; i++)
		if (bits & (1u << i))
			names[j++] = n[i];
	return j;
}

const char *ld_msg_where_name(enum ld_msg_where w)
{
	static const char *const n[] = {
		[LD_MSG_NOWHERE] = "none",
		[LD_MSG_RECEIVE_QUEUE] = "receive_queue",
		[LD_MSG_DATA_INFO] = "data_info",
		[LD_MSG_THREAD] = "thread",
		[LD_MSG_CANCELED] = "canceled",
		[LD_MSG_DIRECT] = "direct",
		[LD_MSG_PENDING] = "pending",
		[LD_MSG_LARGE] = "large_queue",
	};
	return NAME_OF(n, w, "none");
}

/* PORT_MESSAGE.u2.s2.Type values (SEMANTICS §1.2); the high byte holds flags. */
const char *ld_lpc_type_name(uint16_t type)
{
	static const char *const n[] = {
		"LPC_NEW_MESSAGE", "LPC_REQUEST", "LPC_REPLY", "LPC_DATAGRAM", "LPC_LOST_REPLY",
		"LPC_PORT_CLOSED", "LPC_CLIENT_DIED", "LPC_EXCEPTION", "LPC_DEBUG_EVENT",
		"LPC_ERROR_EVENT", "LPC_CONNECTION_REQUEST", "LPC_CONNECTION_REFUSED",
	};
	return NAME_OF(n, type & 0xff, "UNKNOWN");
}

const char *ld_wait_status_name(enum ld_wait_status s)
{
	static const char *const n[] = {
		[LD_WAIT_UNKNOWN] = "unknown",
		[LD_WAIT_PROCESSING] = "processing",
		[LD_WAIT_QUEUED] = "queued",
		[LD_WAIT_NO_SERVER] = "no_server",
		[LD_WAIT_LOST] = "lost",
		[LD_WAIT_PENDING] = "pending",
	};
	return NAME_OF(n, s, "unknown");
}

const char *ld_end_kind_name(enum ld_end_kind k)
{
	static const char *const n[] = {
		[LD_END_NONE] = "none",
		[LD_END_CYCLE] = "cycle",
		[LD_END_QUEUED] = "queued",
		[LD_END_NO_SERVER] = "no_server",
		[LD_END_LOST] = "lost",
		[LD_END_UNKNOWN] = "unknown",
		[LD_END_WAIT] = "wait",
		[LD_END_RECEIVING] = "receiving",
		[LD_END_NOT_WAITING] = "not_waiting",
		[LD_END_PENDING] = "pending",
	};
	return NAME_OF(n, k, "none");
}

const char *ld_wait_object_kind_name(enum ld_wait_object_kind k)
{
	static const char *const n[] = {
		[LD_WOBJ_UNKNOWN] = "unknown",
		[LD_WOBJ_EVENT] = "event",
		[LD_WOBJ_MUTANT] = "mutant",
		[LD_WOBJ_SEMAPHORE] = "semaphore",
		[LD_WOBJ_THREAD] = "thread",
		[LD_WOBJ_PROCESS] = "process",
		[LD_WOBJ_QUEUE] = "queue",
		[LD_WOBJ_TIMER] = "timer",
		[LD_WOBJ_OTHER] = "other",
	};
	return NAME_OF(n, k, "unknown");
}
