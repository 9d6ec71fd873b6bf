/*
 * lpc-alpc-priv.h — the ALPC (NT 6+) decoder's shared state: every field it
 * reads, resolved once per decode from the profile, and the steps of the
 * decode, one file each (alpc_decode.c gives the order).
 *
 * The ALPC structures move between builds (LAYOUTS.md: Vista → 7 rearranges
 * _ALPC_PORT, 8.1 reorders _KALPC_MESSAGE and splits the queue locks, 10 adds
 * DirectQueue and widens QueueType): everything is read by field name.
 */
#ifndef LPCDUMP_LPC_ALPC_PRIV_H
#define LPCDUMP_LPC_ALPC_PRIV_H

#include "lpc-priv.h"

/* X(member, type, path, required): a required field missing from the profile
 * means the build has no ALPC (the decoder does not fit). */
#define ALPC_FIELDS(X) \
	X(po_list, "_ALPC_PORT", "PortListEntry", false) \
	X(po_comm, "_ALPC_PORT", "CommunicationInfo", true) \
	X(po_owner, "_ALPC_PORT", "OwnerProcess", true) \
	X(po_completion_port, "_ALPC_PORT", "CompletionPort", false) \
	X(po_context, "_ALPC_PORT", "PortContext", false) \
	X(po_main, "_ALPC_PORT", "MainQueue", true) \
	X(po_large, "_ALPC_PORT", "LargeMessageQueue", false) \
	X(po_pending, "_ALPC_PORT", "PendingQueue", true) \
	X(po_direct, "_ALPC_PORT", "DirectQueue", false) \
	X(po_wait, "_ALPC_PORT", "WaitQueue", true) \
	X(po_canceled, "_ALPC_PORT", "CanceledQueue", false) \
	X(po_semaphore, "_ALPC_PORT", "Semaphore", false) \
	X(po_attr_flags, "_ALPC_PORT", "PortAttributes.Flags", false) \
	X(po_attr_maxlen, "_ALPC_PORT", "PortAttributes.MaxMessageLength", false) \
	X(po_completion_list, "_ALPC_PORT", "CompletionList", false) \
	X(po_seq, "_ALPC_PORT", "SequenceNo", false) \
	X(po_state, "_ALPC_PORT", "u1.State", true) \
	X(po_type, "_ALPC_PORT", "u1.s1.Type", false) \
	X(po_pending_conn, "_ALPC_PORT", "u1.s1.ConnectionPending", false) \
	X(po_refused, "_ALPC_PORT", "u1.s1.ConnectionRefused", false) \
	X(po_disconnected, "_ALPC_PORT", "u1.s1.Disconnected", false) \
	X(po_closed, "_ALPC_PORT", "u1.s1.Closed", false) \
	X(po_waitable, "_ALPC_PORT", "u1.s1.Waitable", false) \
	X(po_lpc, "_ALPC_PORT", "u1.s1.Lpc", false) \
	X(po_has_clist, "_ALPC_PORT", "u1.s1.HasCompletionList", false) \
	X(po_main_len, "_ALPC_PORT", "MainQueueLength", false) \
	X(po_large_len, "_ALPC_PORT", "LargeMessageQueueLength", false) \
	X(po_pending_len, "_ALPC_PORT", "PendingQueueLength", false) \
	X(po_direct_len, "_ALPC_PORT", "DirectQueueLength", false) \
	X(po_canceled_len, "_ALPC_PORT", "CanceledQueueLength", false) \
	X(po_wait_len, "_ALPC_PORT", "WaitQueueLength", false) \
	X(ci_conn, "_ALPC_COMMUNICATION_INFO", "ConnectionPort", true) \
	X(ci_server, "_ALPC_COMMUNICATION_INFO", "ServerCommunicationPort", true) \
	X(ci_client, "_ALPC_COMMUNICATION_INFO", "ClientCommunicationPort", true) \
	X(msg_entry, "_KALPC_MESSAGE", "Entry", true) \
	X(msg_cancel_entry, "_KALPC_MESSAGE", "CancelListEntry", false) \
	X(msg_port_queue, "_KALPC_MESSAGE", "PortQueue", true) \
	X(msg_owner_port, "_KALPC_MESSAGE", "OwnerPort", true) \
	X(msg_waiting, "_KALPC_MESSAGE", "WaitingThread", true) \
	X(msg_server, "_KALPC_MESSAGE", "ServerThread", true) \
	X(msg_seq, "_KALPC_MESSAGE", "SequenceNo", false) \
	X(msg_queue_type, "_KALPC_MESSAGE", "u1.s1.QueueType", false) \
	X(msg_canceled, "_KALPC_MESSAGE", "u1.s1.Canceled", false) \
	X(msg_rwr, "_KALPC_MESSAGE", "u1.s1.ReplyWaitReply", false) \
	X(msg_quota_process, "_KALPC_MESSAGE", "QuotaProcess", false) \
	X(msg_comm, "_KALPC_MESSAGE", "CommunicationInfo", false) \
	X(msg_conn, "_KALPC_MESSAGE", "ConnectionPort", false) \
	X(msg_data_sys, "_KALPC_MESSAGE", "DataSystemVa", false) \
	X(msg_attr_ctx, "_KALPC_MESSAGE", "MessageAttributes.ClientContext", false) \
	X(msg_attr_sec, "_KALPC_MESSAGE", "MessageAttributes.SecurityData", false) \
	X(msg_attr_view, "_KALPC_MESSAGE", "MessageAttributes.View", false) \
	X(msg_attr_handles, "_KALPC_MESSAGE", "MessageAttributes.HandleData", false) \
	X(msg_pm, "_KALPC_MESSAGE", "PortMessage", true) \
	X(pm_data_len, "_PORT_MESSAGE", "u1.s1.DataLength", true) \
	X(pm_total_len, "_PORT_MESSAGE", "u1.s1.TotalLength", false) \
	X(pm_type, "_PORT_MESSAGE", "u2.s2.Type", true) \
	X(pm_pid, "_PORT_MESSAGE", "ClientId.UniqueProcess", true) \
	X(pm_tid, "_PORT_MESSAGE", "ClientId.UniqueThread", true) \
	X(pm_id, "_PORT_MESSAGE", "MessageId", true) \
	X(pm_callback, "_PORT_MESSAGE", "CallbackId", false) \
	X(et_sem, "_ETHREAD", "AlpcWaitSemaphore", false) \
	X(et_msg_id, "_ETHREAD", "AlpcMessageId", false) \
	X(et_msg, "_ETHREAD", "AlpcMessage", true) \
	X(et_wait_entry, "_ETHREAD", "AlpcWaitListEntry", true) \
	X(sem_signal, "_KSEMAPHORE", "Header.SignalState", false)

struct alpc_fields {
#define ALPC_MEMBER(m, t, p, r) struct ld_fref m;
	ALPC_FIELDS(ALPC_MEMBER)
#undef ALPC_MEMBER
	uint32_t message_size, port_message_size;
};

/* _ALPC_PORT.u1.s1.Type (SEMANTICS §4.1). */
#define ALPC_TYPE_CONNECTION 1
#define ALPC_TYPE_CLIENT 2
#define ALPC_TYPE_SERVER 3

/* _KALPC_MESSAGE.u1.s1.QueueType (SEMANTICS §4.2; 4 and 5 need the 3-bit field). */
#define ALPC_QUEUE_NONE 0
#define ALPC_QUEUE_MAIN 1
#define ALPC_QUEUE_LARGE 2
#define ALPC_QUEUE_PENDING 3
#define ALPC_QUEUE_DIRECT 4
#define ALPC_QUEUE_REPLY 5

/* ALPC_MESSAGE_*_ATTRIBUTE (layouts.json constants). */
#define ALPC_ATTR_SECURITY 0x80000000u
#define ALPC_ATTR_VIEW 0x40000000u
#define ALPC_ATTR_CONTEXT 0x20000000u
#define ALPC_ATTR_HANDLE 0x10000000u

/* Bounds on walks a dump controls. */
#define ALPC_QUEUE_LIMIT 100000u
#define ALPC_WAITERS_LIMIT 100000u

struct alpc {
	struct ld_kernel *k;
	struct ld_lpc_model *m;
	struct alpc_fields f;
	struct ld_record thread_rec;   /* scratch: one thread's kept ALPC fields */
};

/* alpc_fields.c */
void alpc_fields_init(const struct ld_profile *p, struct alpc_fields *f, bool *fits);
/* A field of the structure at base; false when the build lacks it or it cannot be read. */
bool alpc_get(struct alpc *d, uint64_t base, const struct ld_fref *f, uint64_t *v);
/* alpc_thread.c: the ALPC fields and roles of every thread; before the
 * process snapshot exists, ask it to keep the bytes those fields live in. */
void alpc_threads(struct alpc *d);
void alpc_keep_thread_fields(struct ld_kernel *k, const struct alpc_fields *f);
/* alpc_port.c: add (or mark) a port by address, reading it the first time. */
ld_status alpc_port_note(struct alpc *d, uint64_t addr, unsigned found_by, size_t *index);
/* After discovery: names, queues and wait queues of every port, with the
 * ports their messages link to (alpc_discover_links). */
ld_status alpc_ports_walk(struct alpc *d);
/* alpc_message.c: add (or mark) a message by address, reading it. */
ld_status alpc_message_note(struct alpc *d, uint64_t addr, unsigned found_by, enum ld_msg_where where,
			    uint64_t queued_on, size_t *index);
/* alpc_discover.c: handle tables, the namespace, pointers, the pool. */
ld_status alpc_discover_ports(struct alpc *d);   /* handle tables, then the namespace */
ld_status alpc_discover_links(struct alpc *d);
ld_status alpc_discover_pool(struct alpc *d);
/* alpc_classify.c: one classified wait per reply waiter (SEMANTICS §4.6, §4.7). */
ld_status alpc_classify(struct alpc *d);

#endif
