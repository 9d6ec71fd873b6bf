/*
 * lpc-nt5-priv.h — the NT 5.x LPC decoder's shared state: every field it
 * reads (resolved once per decode from the profile), and the steps of the
 * decode, one file each (see lpc_decode.c for the order).
 */
#ifndef LPCDUMP_LPC_NT5_PRIV_H
#define LPCDUMP_LPC_NT5_PRIV_H

#include "lpc-priv.h"

/* X(member, type, path, required) — a required field missing from the
 * profile means the build is not NT 5.x LPC (the decoder does not fit). */
#define LPC_NT5_FIELDS(X) \
	X(po_connection, "_LPCP_PORT_OBJECT", "ConnectionPort", true) \
	X(po_connected, "_LPCP_PORT_OBJECT", "ConnectedPort", true) \
	X(po_nonpaged, "_LPCP_PORT_OBJECT", "MsgQueue.NonPagedPortQueue", false) \
	X(po_semaphore, "_LPCP_PORT_OBJECT", "MsgQueue.Semaphore", true) \
	X(po_receive_head, "_LPCP_PORT_OBJECT", "MsgQueue.ReceiveHead", true) \
	X(po_creator_pid, "_LPCP_PORT_OBJECT", "Creator.UniqueProcess", false) \
	X(po_creator_tid, "_LPCP_PORT_OBJECT", "Creator.UniqueThread", false) \
	X(po_context, "_LPCP_PORT_OBJECT", "PortContext", false) \
	X(po_client_thread, "_LPCP_PORT_OBJECT", "ClientThread", false) \
	X(po_reply_chain, "_LPCP_PORT_OBJECT", "LpcReplyChainHead", true) \
	X(po_data_info, "_LPCP_PORT_OBJECT", "LpcDataInfoChainHead", false) \
	X(po_server_process, "_LPCP_PORT_OBJECT", "ServerProcess", false) \
	X(po_max_msg, "_LPCP_PORT_OBJECT", "MaxMessageLength", false) \
	X(po_max_conn, "_LPCP_PORT_OBJECT", "MaxConnectionInfoLength", false) \
	X(po_flags, "_LPCP_PORT_OBJECT", "Flags", true) \
	X(po_wait_event, "_LPCP_PORT_OBJECT", "WaitEvent", false) \
	X(npq_back, "_LPCP_NONPAGED_PORT_QUEUE", "BackPointer", false) \
	X(sem_signal, "_KSEMAPHORE", "Header.SignalState", false) \
	X(msg_entry, "_LPCP_MESSAGE", "Entry", true) \
	X(msg_sender_port, "_LPCP_MESSAGE", "SenderPort", false) \
	X(msg_replied_to, "_LPCP_MESSAGE", "RepliedToThread", false) \
	X(msg_context, "_LPCP_MESSAGE", "PortContext", false) \
	X(msg_request, "_LPCP_MESSAGE", "Request", true) \
	X(pm_data_len, "_PORT_MESSAGE", "u1.s1.DataLength", true) \
	X(pm_total_len, "_PORT_MESSAGE", "u1.s1.TotalLength", false) \
	X(pm_type, "_PORT_MESSAGE", "u2.s2.Type", true) \
	X(pm_data_info, "_PORT_MESSAGE", "u2.s2.DataInfoOffset", false) \
	X(pm_pid, "_PORT_MESSAGE", "ClientId.UniqueProcess", true) \
	X(pm_tid, "_PORT_MESSAGE", "ClientId.UniqueThread", true) \
	X(pm_id, "_PORT_MESSAGE", "MessageId", true) \
	X(pm_callback, "_PORT_MESSAGE", "CallbackId", false) \
	X(et_reply_chain, "_ETHREAD", "LpcReplyChain", true) \
	X(et_reply_sem, "_ETHREAD", "LpcReplySemaphore", false) \
	X(et_reply_msg, "_ETHREAD", "LpcReplyMessage", true) \
	X(et_rcvd_id, "_ETHREAD", "LpcReceivedMessageId", true) \
	X(et_reply_id, "_ETHREAD", "LpcReplyMessageId", true) \
	X(et_rcvd_valid, "_ETHREAD", "LpcReceivedMsgIdValid", true) \
	X(et_exit_called, "_ETHREAD", "LpcExitThreadCalled", false)

struct lpc_nt5_fields {
#define LPC_NT5_MEMBER(m, t, p, r) struct ld_fref m;
	LPC_NT5_FIELDS(LPC_NT5_MEMBER)
#undef LPC_NT5_MEMBER
	uint32_t port_size, message_size, port_message_size;
};

/* LPCP_PORT_OBJECT.Flags (SEMANTICS §1.1). */
#define LPC_PORT_TYPE_MASK 0xfu
#define LPC_PORT_DELETED 0x10000000u
#define LPC_PORT_WAITABLE 0x20000000u
#define LPC_PORT_NAME_DELETED 0x40000000u

#define LPC_TYPE_REQUEST 1
#define LPC_TYPE_REPLY 2
#define LPC_TYPE_CONNECTION_REQUEST 10

/* Bounds on walks a dump controls. */
#define LPC_QUEUE_LIMIT 100000u
#define LPC_CHAIN_LIMIT 100000u

struct lpc_nt5 {
	struct ld_kernel *k;
	struct ld_lpc_model *m;
	struct lpc_nt5_fields f;
	size_t *rundown_port;       /* per thread: the port whose reply chain holds it, NONE */
	/* Per port: which of its lists (LPC_LIST_* bits) the read that found it
	 * saw empty, so that walking it later reads nothing more (most ports
	 * have three empty lists; reading 20,000 ports twice was a fifth of the
	 * benchmark's reads). */
	uint8_t *empty_lists;
	size_t cap_empty_lists;
	/* Scratch copies, one per kind of record: a message is read while a
	 * port's copy is still in use by its walk. */
	struct ld_record thread_rec, port_rec, msg_rec;
};

/* lpc_nt5_fields.c */
ld_status lpc_nt5_fields_init(const struct ld_profile *p, struct lpc_nt5_fields *f, bool *fits);

/* Field f of the structure copied in r (model.h's ld_record): true when read. */
bool lpc_rec_get(struct lpc_nt5 *d, const struct ld_record *r, const struct ld_fref *f, uint64_t *v);
/* lpc_nt5_thread.c: the LPC fields and roles of every thread; before the
 * process snapshot exists, ask it to keep the bytes those fields live in. */
void lpc_nt5_threads(struct lpc_nt5 *d);
void lpc_nt5_keep_thread_fields(struct ld_kernel *k, const struct lpc_nt5_fields *f);
/* Once ports are known: threads waiting on a waitable port's WaitEvent (an
 * ordinary object wait) are receivers too (SEMANTICS §3.3 iv). */
void lpc_nt5_waitable_receivers(struct lpc_nt5 *d);
/* lpc_nt5_port.c: add (or mark) a port by address and read it the first time. */
ld_status lpc_nt5_port_note(struct lpc_nt5 *d, uint64_t addr, unsigned found_by, size_t *index);
/* After discovery: names, queues, reply chains, DataInfo chains of every
 * port, with the ports their messages link to (lpc_nt5_discover_links). */
ld_status lpc_nt5_ports_walk(struct lpc_nt5 *d);
/* lpc_nt5_discover.c: handle tables, the object directory, the pool. */
ld_status lpc_nt5_discover_ports(struct lpc_nt5 *d);   /* handle tables, then the namespace */
ld_status lpc_nt5_discover_links(struct lpc_nt5 *d);
ld_status lpc_nt5_discover_pool(struct lpc_nt5 *d);
/* lpc_nt5_message.c: add (or mark) a message by address, reading it. */
ld_status lpc_nt5_message_note(struct lpc_nt5 *d, uint64_t addr, unsigned found_by,
			       enum ld_msg_where where, uint64_t queued_on, size_t *index);
/* lpc_nt5_classify.c: one classified wait per reply/connect waiter. */
ld_status lpc_nt5_classify(struct lpc_nt5 *d);

#endif
