/* forge_lpc.c — NT 5.x LPC ports, messages and thread LPC state for the
 * forge (directives in forge_lpc.h). Links are made the way the kernel makes
 * them (SEMANTICS §1.4, §2): requests queue on the connection port, the
 * waiting client is chained on the server communication port. */
#include "forge-priv.h"
#include "forge_lpc.h"
#include "forge_ipc.h"
#include "forge_objects.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PORT_T "_LPCP_PORT_OBJECT"
#define MSG_T "_LPCP_MESSAGE"
#define PM_T "_PORT_MESSAGE"

enum { K_CONNECTION = 1, K_UNCONNECTED = 2, K_SERVER_COMM = 3, K_CLIENT_COMM = 4 };
#define F_WAITABLE 0x20000000u
#define F_NAME_DELETED 0x40000000u

/* Labelled ports (kind: K_*; pid: the server's) and messages: forge_ipc.h. */
static struct fg_ipc *state(struct fg_machine *m)
{
	return fg_ipc_state(&m->lpc);
}

static struct fg_ipc_port *port_arg(struct fg_machine *m, int argc, char **argv, const char *key,
				    const char *where)
{
	return fg_ipc_port_arg(state(m), argc, argv, key, "port", where);
}

uint64_t fg_lpc_port(struct fg_machine *m, const char *label)
{
	struct fg_ipc_port *p = m->lpc ? fg_ipc_port_find(state(m), label) : NULL;
	return p ? p->va : 0;
}

static uint64_t read_ptr(struct fg_machine *m, uint64_t va)
{
	uint64_t v = 0;
	fg_read(m, va, &v, m->arch == LD_ARCH_X64 ? 8 : 4);   /* little-endian into a zeroed u64 */
	return v;
}

/* ---- ports ---- */

/* The receive queue: a non-paged 'Port' block holding the semaphore, whose
 * BackPointer names the port. */
static void port_queue(struct fg_machine *m, uint64_t port)
{
	uint64_t npq = fg_kalloc(m, fg_sizeof(m, "_LPCP_NONPAGED_PORT_QUEUE"), "Port", false);
	fg_set(m, npq, "_LPCP_NONPAGED_PORT_QUEUE", "Semaphore.Header.Type", 5);   /* SemaphoreObject */
	fg_set_opt(m, npq, "_LPCP_NONPAGED_PORT_QUEUE", "Semaphore.Header.Size",
		   fg_sizeof(m, "_KSEMAPHORE") / 4);
	fg_list_init(m, npq + fg_offset(m, "_LPCP_NONPAGED_PORT_QUEUE", "Semaphore.Header.WaitListHead"));
	fg_set(m, npq, "_LPCP_NONPAGED_PORT_QUEUE", "Semaphore.Limit", 0x7fffffff);
	fg_set(m, npq, "_LPCP_NONPAGED_PORT_QUEUE", "BackPointer", port);
	fg_set_opt(m, port, PORT_T, "MsgQueue.NonPagedPortQueue", npq);
	fg_set(m, port, PORT_T, "MsgQueue.Semaphore", npq);
	fg_list_init(m, port + fg_offset(m, PORT_T, "MsgQueue.ReceiveHead"));
}

static uint64_t port_new(struct fg_machine *m, unsigned kind, uint32_t extra_flags, const char *name,
			 uint64_t dir, uint64_t creator_pid, uint64_t creator_tid)
{
	const char *type = (extra_flags & F_WAITABLE) ? "WaitablePort" : "Port";
	uint64_t p = fg_object_create(m, type, fg_sizeof(m, PORT_T), "Port", name, dir);
	fg_set(m, p, PORT_T, "Flags", kind | extra_flags);
	fg_set(m, p, PORT_T, "Creator.UniqueProcess", creator_pid);
	fg_set(m, p, PORT_T, "Creator.UniqueThread", creator_tid);
	fg_set(m, p, PORT_T, "MaxMessageLength", 0x148);
	fg_set(m, p, PORT_T, "MaxConnectionInfoLength", 0x104);
	if (extra_flags & F_WAITABLE) {   /* a real KEVENT: waitable ports' servers may wait on it */
		fg_set(m, p, PORT_T, "WaitEvent.Header.Type", 0);   /* NotificationEvent */
		fg_list_init(m, p + fg_offset(m, PORT_T, "WaitEvent.Header.WaitListHead"));
	}
	fg_list_init(m, p + fg_offset(m, PORT_T, "LpcReplyChainHead"));
	fg_list_init(m, p + fg_offset(m, PORT_T, "LpcDataInfoChainHead"));
	port_queue(m, p);
	return p;
}

static struct fg_ipc_port *port_add(struct fg_machine *m, const char *label, uint64_t va, unsigned kind,
				    uint64_t server_pid, const char *where)
{
	return fg_ipc_port_add(state(m), label, va, kind, server_pid, "port", where);
}

static void connection_port(struct fg_machine *m, const char *label, int argc, char **argv, const char *where)
{
	struct fg_conn_args a;
	fg_conn_args(m, argc, argv, "port", where, &a);
	uint64_t pid = a.pid, ep = a.ep;
	uint32_t flags = 0;
	if (fg_arg_flag(argc, argv, "waitable"))
		flags |= F_WAITABLE;
	if (fg_arg_flag(argc, argv, "name_deleted"))
		flags |= F_NAME_DELETED;
	uint64_t p = port_new(m, K_CONNECTION, flags, a.leaf, a.unnamed ? 0 : fg_directory(m, a.dir), pid,
			      fg_arg_u64(argc, argv, "tid", 0));
	fg_set(m, p, PORT_T, "ConnectionPort", p);
	if (!fg_arg_flag(argc, argv, "noserver"))
		fg_set(m, p, PORT_T, "ServerProcess", ep);
	if (!fg_arg_flag(argc, argv, "nohandle"))
		fg_handle_add(m, pid, p, 0x1f0001);
	port_add(m, label, p, K_CONNECTION, pid, where);
}

static void client_port(struct fg_machine *m, const char *label, int argc, char **argv, const char *where)
{
	struct fg_ipc_port *conn = port_arg(m, argc, argv, "connect", where);
	uint64_t conn_va = conn->va, server_pid = conn->pid;
	uint64_t pid = fg_arg_u64(argc, argv, "pid", 0), tid = fg_arg_u64(argc, argv, "tid", 0);
	if (!fg_process_by_pid(m, pid))
		fg_die(where, "port: no process pid=%llu", (unsigned long long)pid);
	uint64_t ccp = port_new(m, K_CLIENT_COMM, 0, NULL, 0, pid, tid);
	fg_set(m, ccp, PORT_T, "ConnectionPort", conn_va);
	fg_handle_add(m, pid, ccp, 0x1f0001);
	port_add(m, label, ccp, K_CLIENT_COMM, server_pid, where);
	/* Disconnected: the server communication port is gone and the client
	 * port's ConnectedPort was cleared (LpcpDestroyPortQueue). */
	if (fg_arg_flag(argc, argv, "disconnected"))
		return;
	uint64_t ssp = port_new(m, K_SERVER_COMM, 0, NULL, 0, server_pid, fg_arg_u64(argc, argv, "accept_tid", 0));
	fg_set(m, ssp, PORT_T, "ConnectionPort", conn_va);
	fg_set(m, ssp, PORT_T, "ConnectedPort", ccp);
	fg_set(m, ssp, PORT_T, "PortContext", 0x1000 + state(m)->nports);
	fg_set(m, ccp, PORT_T, "ConnectedPort", ssp);
	fg_handle_add(m, server_pid, ssp, 0x1f0001);
	char sl[256];
	port_add(m, fg_server_label(argc, argv, label, sl, sizeof(sl)), ssp, K_SERVER_COMM, server_pid, where);
}

int fg_dir_port(struct fg_machine *m, int argc, char **argv, const char *where)
{
	const char *label = fg_arg(argc, argv, "id"), *kind = fg_arg(argc, argv, "kind");
	if (!label || !kind)
		fg_die(where, "port needs id= and kind=");
	if (!strcmp(kind, "connection")) {
		connection_port(m, label, argc, argv, where);
	} else if (!strcmp(kind, "client")) {
		client_port(m, label, argc, argv, where);
	} else if (!strcmp(kind, "unconnected")) {
		uint64_t pid = fg_arg_u64(argc, argv, "pid", 0);
		uint64_t p = port_new(m, K_UNCONNECTED, 0, NULL, 0, pid, fg_arg_u64(argc, argv, "tid", 0));
		fg_set(m, p, PORT_T, "ConnectionPort", p);
		fg_set(m, p, PORT_T, "ConnectedPort", p);
		fg_handle_add(m, pid, p, 0x1f0001);
		port_add(m, label, p, K_UNCONNECTED, pid, where);
	} else {
		fg_die(where, "port kind=%s (connection, client, unconnected)", kind);
	}
	return 0;
}

/* ---- messages ---- */

static unsigned msg_type(const char *s, const char *where)
{
	static const char *const names[] = {
		"new", "request", "reply", "datagram", "lost_reply", "port_closed", "client_died",
		"exception", "debug_event", "error_event", "connection_request",
	};
	for (unsigned i = 0; i < LD_ARRAY_SIZE(names); i++)
		if (!strcmp(s, names[i]))
			return i;
	uint64_t v;
	if (fg_parse_u64(s, &v) && v <= 0xffff)
		return (unsigned)v;
	fg_die(where, "message type=%s unknown", s);
}

static void message_header(struct fg_machine *m, uint64_t msg, int argc, char **argv, size_t dlen,
			   const char *where)
{
	uint64_t req = msg + fg_offset(m, MSG_T, "Request");
	fg_list_init(m, msg + fg_offset(m, MSG_T, "Entry"));
	fg_set(m, req, PM_T, "u1.s1.DataLength", dlen);
	fg_set(m, req, PM_T, "u1.s1.TotalLength", dlen + fg_sizeof(m, PM_T));
	fg_set(m, req, PM_T, "u2.s2.Type", msg_type(fg_arg(argc, argv, "type") ? fg_arg(argc, argv, "type") : "request", where));
	fg_set(m, req, PM_T, "ClientId.UniqueThread", fg_arg_u64(argc, argv, "from", 0));
	fg_set(m, req, PM_T, "MessageId", fg_arg_u64(argc, argv, "msgid", 0));
	fg_set(m, req, PM_T, "CallbackId", fg_arg_u64(argc, argv, "callback", 0));
	if (fg_arg(argc, argv, "datainfo"))
		fg_set(m, req, PM_T, "u2.s2.DataInfoOffset", fg_sizeof(m, PM_T));
	const char *sender = fg_arg(argc, argv, "sender");
	if (sender)
		fg_set(m, msg, MSG_T, "SenderPort", port_arg(m, argc, argv, "sender", where)->va);
}

/* The sender's pid, read back from its ETHREAD (the forge knows it). */
static void message_sender_pid(struct fg_machine *m, uint64_t msg, uint64_t et)
{
	uint64_t pid = read_ptr(m, et + fg_offset(m, "_ETHREAD", "Cid.UniqueProcess"));
	fg_set(m, msg + fg_offset(m, MSG_T, "Request"), PM_T, "ClientId.UniqueProcess", pid);
}

static void semaphore_bump(struct fg_machine *m, uint64_t port)
{
	uint64_t npq = read_ptr(m, port + fg_offset(m, PORT_T, "MsgQueue.Semaphore"));
	uint32_t count = 0;
	uint64_t sig = npq + fg_offset(m, "_KSEMAPHORE", "Header.SignalState");
	fg_read(m, sig, &count, 4);
	fg_set(m, npq, "_KSEMAPHORE", "Header.SignalState", count + 1);
}

int fg_dir_message(struct fg_machine *m, int argc, char **argv, const char *where)
{
	const char *label = fg_arg(argc, argv, "id");
	if (!label || !fg_arg(argc, argv, "msgid") || !fg_arg(argc, argv, "from"))
		fg_die(where, "message needs id=, msgid= and from=");
	uint8_t data[512];
	size_t dlen = fg_arg_hex(fg_arg(argc, argv, "data"), data, sizeof(data), where);
	bool absent = fg_arg_flag(argc, argv, "absent");
	size_t size = fg_sizeof(m, MSG_T) + dlen;
	/* An absent message gets a page of its own, so leaving the page out
	 * takes nothing else with it. */
	size_t pool_hdr = ld_profile_type(m->profile, "_POOL_HEADER") ? fg_sizeof(m, "_POOL_HEADER")
								       : m->arch == LD_ARCH_X64 ? 16 : 8;
	uint64_t msg = fg_kalloc(m, absent ? LD_PAGE_SIZE - pool_hdr : size, "LpcM", true);
	message_header(m, msg, argc, argv, dlen, where);
	message_sender_pid(m, msg, fg_arg_thread(m, argc, argv, "from", where));
	if (dlen)
		fg_write(m, msg + fg_sizeof(m, MSG_T), data, dlen);
	if (fg_arg(argc, argv, "queue")) {
		uint64_t port = port_arg(m, argc, argv, "queue", where)->va;
		fg_list_append(m, port + fg_offset(m, PORT_T, "MsgQueue.ReceiveHead"), msg + fg_offset(m, MSG_T, "Entry"));
		semaphore_bump(m, port);
	} else if (fg_arg(argc, argv, "datainfo")) {
		uint64_t port = port_arg(m, argc, argv, "datainfo", where)->va;
		fg_list_append(m, port + fg_offset(m, PORT_T, "LpcDataInfoChainHead"), msg + fg_offset(m, MSG_T, "Entry"));
	}
	fg_ipc_msg_add(state(m), label, msg, (uint32_t)fg_arg_u64(argc, argv, "msgid", 0), absent);
	return 0;
}

/* ---- thread LPC state ---- */

/* Where a request sent on p chains its sender (SEMANTICS §1.4). */
static uint64_t rundown_port(struct fg_machine *m, const struct fg_ipc_port *p)
{
	if (p->kind == K_CONNECTION)
		return p->va;
	return read_ptr(m, p->va + fg_offset(m, PORT_T, "ConnectedPort"));
}

int fg_dir_lpcwait(struct fg_machine *m, int argc, char **argv, const char *where)
{
	uint64_t et = fg_arg_thread(m, argc, argv, "tid", where);
	struct fg_ipc_port *p = port_arg(m, argc, argv, "port", where);
	uint64_t id = fg_arg_u64(argc, argv, "msgid", 0);
	if (!id)
		fg_die(where, "lpcwait needs msgid=");
	fg_set(m, et, "_ETHREAD", "LpcReplyMessageId", id);
	fg_set(m, et, "_ETHREAD", "LpcWaitingOnPort", p->va | 1 | (fg_arg_flag(argc, argv, "noimpersonate") ? 2 : 0));
	fg_set_opt(m, et, "_ETHREAD", "LpcReplySemaphore.Header.Type", 5);
	fg_set_opt(m, et, "_ETHREAD", "LpcReplySemaphore.Limit", 1);
	uint64_t rd = rundown_port(m, p);
	if (rd)
		fg_list_append(m, rd + fg_offset(m, PORT_T, "LpcReplyChainHead"), et + fg_offset(m, "_ETHREAD", "LpcReplyChain"));
	return 0;
}

/* The message named by message=LABEL (the last one of that label); DIR
 * names the directive in the error. */
static struct fg_ipc_msg *message_arg(struct fg_machine *m, int argc, char **argv, const char *dir,
				      const char *where)
{
	const char *ml = fg_arg(argc, argv, "message");
	struct fg_ipc_msg *msg = fg_ipc_msg_find(state(m), ml);
	if (!msg)
		fg_die(where, "%s: message=%s: no such message label", dir, ml ? ml : "(missing)");
	return msg;
}

int fg_dir_lpcconnect(struct fg_machine *m, int argc, char **argv, const char *where)
{
	uint64_t et = fg_arg_thread(m, argc, argv, "tid", where);
	struct fg_ipc_port *p = port_arg(m, argc, argv, "port", where);
	struct fg_ipc_msg *msg = message_arg(m, argc, argv, "lpcconnect", where);
	fg_set(m, et, "_ETHREAD", "LpcReplyMessage", msg->va);
	fg_set(m, et, "_ETHREAD", "LpcReplyMessageId", msg->id);
	fg_list_append(m, p->va + fg_offset(m, PORT_T, "LpcReplyChainHead"), et + fg_offset(m, "_ETHREAD", "LpcReplyChain"));
	/* accepted=SSPLABEL: NtAcceptConnectPort ran — the message is now the
	 * reply, the id is cleared, the server port names the client thread. */
	if (fg_arg(argc, argv, "accepted")) {
		struct fg_ipc_port *ssp = port_arg(m, argc, argv, "accepted", where);
		fg_set(m, msg->va + fg_offset(m, MSG_T, "Request"), PM_T, "u2.s2.Type", 2);   /* LPC_REPLY */
		fg_set(m, et, "_ETHREAD", "LpcReplyMessageId", 0);
		fg_set(m, ssp->va, PORT_T, "ClientThread", et);
	}
	return 0;
}

/* lpchold tid=C message=L: C holds the message in LpcReplyMessage (bit 0
 * clear) with RepliedToThread = C and LpcReplyMessageId 0 — a callback
 * request being handled, or a reply not yet picked up (SEMANTICS §3.1). */
int fg_dir_lpchold(struct fg_machine *m, int argc, char **argv, const char *where)
{
	uint64_t et = fg_arg_thread(m, argc, argv, "tid", where);
	struct fg_ipc_msg *msg = message_arg(m, argc, argv, "lpchold", where);
	fg_set(m, et, "_ETHREAD", "LpcReplyMessage", msg->va);
	fg_set(m, et, "_ETHREAD", "LpcReplyMessageId", 0);
	fg_set(m, msg->va, MSG_T, "RepliedToThread", et);
	return 0;
}

int fg_dir_lpcreceive(struct fg_machine *m, int argc, char **argv, const char *where)
{
	uint64_t et = fg_arg_thread(m, argc, argv, "tid", where);
	struct fg_ipc_port *p = port_arg(m, argc, argv, "port", where);
	uint64_t sem = read_ptr(m, p->va + fg_offset(m, PORT_T, "MsgQueue.Semaphore"));
	/* A waitable port's server waits on the port's WaitEvent instead (declare
	 * the thread with reason=UserRequest then). */
	if (p->kind == K_CONNECTION && (read_ptr(m, p->va + fg_offset(m, PORT_T, "Flags")) & F_WAITABLE))
		sem = p->va + fg_offset(m, PORT_T, "WaitEvent");
	if (!ld_profile_type(m->profile, "_KWAIT_BLOCK"))
		return 0;   /* 2000's profile has no wait block layout: the wait stays anonymous */
	uint64_t wb = read_ptr(m, et + fg_offset(m, "_ETHREAD", "Tcb.WaitBlockList"));
	if (!wb)
		fg_die(where, "lpcreceive: thread has no wait block (declare it with reason=WrLpcReceive)");
	fg_set(m, wb, "_KWAIT_BLOCK", "Object", sem);
	return 0;
}

int fg_dir_lpcserve(struct fg_machine *m, int argc, char **argv, const char *where)
{
	uint64_t et = fg_arg_thread(m, argc, argv, "tid", where);
	fg_set(m, et, "_ETHREAD", "LpcReceivedMessageId", fg_arg_u64(argc, argv, "msgid", 0));
	fg_set(m, et, "_ETHREAD", "LpcReceivedMsgIdValid", 1);
	return 0;
}

int fg_dir_lpcexit(struct fg_machine *m, int argc, char **argv, const char *where)
{
	fg_set(m, fg_arg_thread(m, argc, argv, "tid", where), "_ETHREAD", "LpcExitThreadCalled", 1);
	return 0;
}

/* ---- dispatcher objects to wait on ---- */

int fg_dir_dispatcher(struct fg_machine *m, int argc, char **argv, const char *where)
{
	static const struct { const char *name, *otype; unsigned dtype; size_t size; } kinds[] = {
		{ "event", "Event", 0, 0 }, { "mutant", "Mutant", 2, 0 }, { "semaphore", "Semaphore", 5, 0 },
	};
	const char *type = fg_arg(argc, argv, "type"), *name = fg_arg(argc, argv, "name");
	if (!type || !name || name[0] != '\\')
		fg_die(where, "dispatcher needs type= and name=\\PATH");
	size_t k = LD_ARRAY_SIZE(kinds);
	for (size_t i = 0; i < LD_ARRAY_SIZE(kinds); i++)
		if (!strcmp(type, kinds[i].name))
			k = i;
	if (k == LD_ARRAY_SIZE(kinds))
		fg_die(where, "dispatcher type=%s (event, mutant, semaphore)", type);
	char dir[512];
	const char *leaf;
	fg_split_path(name, dir, sizeof(dir), &leaf);
	size_t hdr = fg_sizeof(m, "_DISPATCHER_HEADER"), le = fg_sizeof(m, "_LIST_ENTRY");
	uint64_t o = fg_object_create(m, kinds[k].otype, hdr + le + 2 * (le / 2) + 8, NULL, leaf, fg_directory(m, dir));
	fg_set(m, o, "_DISPATCHER_HEADER", "Type", kinds[k].dtype);
	fg_set(m, o, "_DISPATCHER_HEADER", "SignalState", fg_arg_u64(argc, argv, "signal", 0));
	fg_list_init(m, o + fg_offset(m, "_DISPATCHER_HEADER", "WaitListHead"));
	if (fg_arg(argc, argv, "owner")) {
		if (kinds[k].dtype != 2)
			fg_die(where, "dispatcher: only a mutant has an owner");
		/* KMUTANT: Header, MutantListEntry, OwnerThread. */
		fg_write_ptr(m, o + hdr + le, fg_arg_thread(m, argc, argv, "owner", where));
	}
	return 0;
}

/* ---- damage: what a torn or hostile dump may hold ---- */

/* lpcdamage port=L what=queue_loop|queue_wild|chain_loop|links_wild|flags
 *   queue_loop   the receive queue's last message points back at the first
 *   queue_wild   the receive queue's head points into unmapped kernel space
 *   chain_loop   the reply chain head's Flink points at itself through a thread
 *                whose LpcReplyChain points back at that thread (a loop)
 *   links_wild   ConnectionPort/ConnectedPort point at unmapped memory
 *   flags        Flags hold an unknown port type */
int fg_dir_lpcdamage(struct fg_machine *m, int argc, char **argv, const char *where)
{
	struct fg_ipc_port *p = port_arg(m, argc, argv, "port", where);
	const char *what = fg_arg(argc, argv, "what");
	uint64_t wild = m->arch == LD_ARCH_X64 ? 0xfffffa80dead0000ull : 0xbad00000ull;
	uint64_t head = p->va + fg_offset(m, PORT_T, "MsgQueue.ReceiveHead");
	unsigned ps = m->arch == LD_ARCH_X64 ? 8 : 4;
	if (!what)
		fg_die(where, "lpcdamage needs what=");
	if (!strcmp(what, "queue_loop")) {
		uint64_t first = read_ptr(m, head), last = read_ptr(m, head + ps);
		if (first == head)
			fg_die(where, "lpcdamage queue_loop: the queue is empty");
		fg_write_ptr(m, last, first);          /* last.Flink = first */
		fg_write_ptr(m, first + ps, last);     /* first.Blink = last: a loop past the head */
	} else if (!strcmp(what, "queue_wild")) {
		fg_write_ptr(m, head, wild);
	} else if (!strcmp(what, "chain_loop")) {
		uint64_t ch = p->va + fg_offset(m, PORT_T, "LpcReplyChainHead");
		uint64_t first = read_ptr(m, ch);
		if (first == ch)
			fg_die(where, "lpcdamage chain_loop: the reply chain is empty");
		fg_write_ptr(m, first, first);
		fg_write_ptr(m, first + ps, first);
	} else if (!strcmp(what, "links_wild")) {
		fg_set(m, p->va, PORT_T, "ConnectionPort", wild);
		fg_set(m, p->va, PORT_T, "ConnectedPort", wild + 0x1000);
	} else if (!strcmp(what, "flags")) {
		fg_set(m, p->va, PORT_T, "Flags", 0xe);
	} else {
		fg_die(where, "lpcdamage what=%s unknown", what);
	}
	return 0;
}

/* ---- finishing ---- */

void fg_lpc_finish(struct fg_machine *m)
{
	fg_ipc_finish(m, &m->lpc, 0x1000);
}
