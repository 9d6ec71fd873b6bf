/* forge_alpc.c — ALPC ports, messages and thread ALPC state for the forge
 * (directives in forge_alpc.h). A synchronous request goes to the connection
 * port's MainQueue, moves to its PendingQueue with ServerThread set when a
 * server thread receives it, and its sender waits with AlpcMessage pointing
 * at it (SEMANTICS §4.4). */
#include "forge-priv.h"
#include "forge_alpc.h"
#include "forge_ipc.h"
#include "forge_objects.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PORT_T "_ALPC_PORT"
#define CI_T "_ALPC_COMMUNICATION_INFO"
#define MSG_T "_KALPC_MESSAGE"
#define PM_T "_PORT_MESSAGE"

enum { T_CONNECTION = 1, T_CLIENT = 2, T_SERVER = 3 };
enum { Q_NONE, Q_MAIN, Q_LARGE, Q_PENDING, Q_DIRECT, Q_CANCELED };

/* Labelled ports (kind: T_*; nohandle: the server holds no handles, its
 * process is going) and messages: forge_ipc.h. */
static struct fg_ipc *state(struct fg_machine *m)
{
	return fg_ipc_state(&m->alpc);
}

static bool has(struct fg_machine *m, const char *type, const char *field)
{
	struct ld_field f;
	const struct ld_type *t = ld_profile_type(m->profile, type);
	return t && ld_type_resolve(m->profile, t, field, &f) == LD_OK;
}

static uint64_t read_uint(struct fg_machine *m, uint64_t va, size_t size)
{
	uint64_t v = 0;
	fg_read(m, va, &v, size);
	return v;
}

static struct fg_ipc_port *port_arg(struct fg_machine *m, int argc, char **argv, const char *key, const char *where)
{
	return fg_ipc_port_arg(state(m), argc, argv, key, "ALPC port", where);
}

static void need_alpc(struct fg_machine *m, const char *where)
{
	if (!m->profile || !ld_profile_type(m->profile, PORT_T))
		fg_die(where, "the profile has no ALPC structures (NT 6.0 SP1 and later)");
}

/* ---- ports ---- */

static void list_init_opt(struct fg_machine *m, uint64_t port, const char *field)
{
	if (has(m, PORT_T, field))
		fg_list_init(m, port + fg_offset(m, PORT_T, field));
}

static uint64_t port_new(struct fg_machine *m, unsigned type, uint64_t owner_ep, uint64_t ci, const char *name,
			 uint64_t dir)
{
	uint64_t p = fg_object_create(m, "ALPC Port", fg_sizeof(m, PORT_T), "ALPC", name, dir);
	static const char *const lists[] = { "PortListEntry", "MainQueue", "LargeMessageQueue", "PendingQueue",
					     "DirectQueue", "WaitQueue", "CanceledQueue", "ResourceListHead" };
	for (size_t i = 0; i < LD_ARRAY_SIZE(lists); i++)
		list_init_opt(m, p, lists[i]);
	fg_set(m, p, PORT_T, "OwnerProcess", owner_ep);
	fg_set(m, p, PORT_T, "CommunicationInfo", ci);
	fg_set(m, p, PORT_T, "u1.s1.Initialized", 1);
	fg_set(m, p, PORT_T, "u1.s1.Type", type);
	fg_set_opt(m, p, PORT_T, "PortAttributes.MaxMessageLength", 0x200);
	return p;
}

static uint64_t comm_info_new(struct fg_machine *m)
{
	uint64_t ci = fg_kalloc(m, fg_sizeof(m, CI_T), "AlCI", false);
	fg_list_init(m, ci + fg_offset(m, CI_T, "CommunicationList"));
	return ci;
}

static struct fg_ipc_port *port_add(struct fg_machine *m, const char *label, uint64_t va, uint64_t ci,
				    unsigned type, uint64_t owner_pid, const char *where)
{
	struct fg_ipc_port *p = fg_ipc_port_add(state(m), label, va, type, owner_pid, "alpcport", where);
	p->ci = ci;
	return p;
}

static void port_flags(struct fg_machine *m, uint64_t p, int argc, char **argv)
{
	if (fg_arg_flag(argc, argv, "closed"))
		fg_set(m, p, PORT_T, "u1.s1.Closed", 1);
	if (fg_arg_flag(argc, argv, "disconnected"))
		fg_set(m, p, PORT_T, "u1.s1.Disconnected", 1);
}

static void connection_port(struct fg_machine *m, const char *label, int argc, char **argv, const char *where)
{
	struct fg_conn_args a;
	fg_conn_args(m, argc, argv, "alpcport", where, &a);
	uint64_t pid = a.pid;
	uint64_t ci = comm_info_new(m);
	uint64_t p = port_new(m, T_CONNECTION, a.ep, ci, a.leaf, a.unnamed ? 0 : fg_directory(m, a.dir));
	fg_set(m, ci, CI_T, "ConnectionPort", p);
	if (fg_arg_flag(argc, argv, "waitable")) {
		uint64_t sem = fg_kalloc(m, fg_sizeof(m, "_KSEMAPHORE"), "AlSe", false);
		fg_set(m, sem, "_KSEMAPHORE", "Header.Type", 5);
		fg_set(m, sem, "_KSEMAPHORE", "Limit", 0x7fffffff);
		fg_set(m, p, PORT_T, "u1.s1.Waitable", 1);
		fg_set(m, p, PORT_T, "Semaphore", sem);
	}
	if (fg_arg_flag(argc, argv, "completion")) {
		uint64_t q = fg_kalloc(m, 0x40, "IoCo", false);
		fg_set(m, p, PORT_T, "CompletionPort", q);
	}
	port_flags(m, p, argc, argv);
	bool nohandle = fg_arg_flag(argc, argv, "nohandle");
	if (!nohandle)
		fg_handle_add(m, pid, p, 0x1f0001);
	port_add(m, label, p, ci, T_CONNECTION, pid, where)->nohandle = nohandle;
}

static void client_port(struct fg_machine *m, const char *label, int argc, char **argv, const char *where)
{
	struct fg_ipc_port *conn = port_arg(m, argc, argv, "connect", where);
	uint64_t conn_va = conn->va, conn_ci = conn->ci, server_pid = conn->pid;
	bool server_handle = !conn->nohandle;
	uint64_t pid = fg_arg_u64(argc, argv, "pid", 0), ep = fg_process_by_pid(m, pid);
	if (!ep)
		fg_die(where, "alpcport: no process pid=%llu", (unsigned long long)pid);
	uint64_t ci = comm_info_new(m);
	uint64_t ccp = port_new(m, T_CLIENT, ep, ci, NULL, 0);
	uint64_t scp = port_new(m, T_SERVER, fg_process_by_pid(m, server_pid), ci, NULL, 0);
	fg_set(m, ci, CI_T, "ConnectionPort", conn_va);
	fg_set(m, ci, CI_T, "ServerCommunicationPort", scp);
	fg_set(m, ci, CI_T, "ClientCommunicationPort", ccp);
	fg_list_append(m, conn_ci + fg_offset(m, CI_T, "CommunicationList"), ci + fg_offset(m, CI_T, "CommunicationList"));
	port_flags(m, ccp, argc, argv);
	port_flags(m, scp, argc, argv);
	fg_handle_add(m, pid, ccp, 0x1f0001);
	if (server_handle)
		fg_handle_add(m, server_pid, scp, 0x1f0001);
	char slabel[256];
	const char *sl = fg_server_label(argc, argv, label, slabel, sizeof(slabel));
	port_add(m, label, ccp, ci, T_CLIENT, pid, where);
	port_add(m, sl, scp, ci, T_SERVER, server_pid, where);
}

int fg_dir_alpcport(struct fg_machine *m, int argc, char **argv, const char *where)
{
	need_alpc(m, where);
	const char *label = fg_arg(argc, argv, "id"), *kind = fg_arg(argc, argv, "kind");
	if (!label || !kind)
		fg_die(where, "alpcport needs id= and kind=");
	if (!strcmp(kind, "connection"))
		connection_port(m, label, argc, argv, where);
	else if (!strcmp(kind, "client"))
		client_port(m, label, argc, argv, where);
	else
		fg_die(where, "alpcport kind=%s: connection or client", kind);
	return 0;
}

/* ---- messages ---- */

static unsigned queue_kind(const char *s, const char *where)
{
	static const char *const names[] = { "none", "main", "large", "pending", "direct", "canceled" };
	for (unsigned i = 0; i < LD_ARRAY_SIZE(names); i++)
		if (!strcmp(s, names[i]))
			return i;
	fg_die(where, "alpcmsg queue=%s: none, main, large, pending, direct or canceled", s);
}

/* Link the message on one of the queue port's queues, as the kernel's insert
 * routines do: Entry on the list, PortQueue, QueueType, QueuePortType, and
 * the queue's length counter. */
static void enqueue(struct fg_machine *m, uint64_t msg, const struct fg_ipc_port *q, unsigned kind, const char *where)
{
	static const char *const heads[] = { NULL, "MainQueue", "LargeMessageQueue", "PendingQueue", "DirectQueue",
					     "CanceledQueue" };
	static const char *const lengths[] = { NULL, "MainQueueLength", "LargeMessageQueueLength",
					       "PendingQueueLength", "DirectQueueLength", "CanceledQueueLength" };
	if (kind == Q_NONE)
		return;
	if (!has(m, PORT_T, heads[kind]))
		fg_die(where, "this build's ALPC ports have no %s", heads[kind]);
	const char *entry = kind == Q_CANCELED ? "CancelListEntry" : "Entry";
	fg_list_append(m, q->va + fg_offset(m, PORT_T, heads[kind]), msg + fg_offset(m, MSG_T, entry));
	uint64_t len = q->va + fg_offset(m, PORT_T, lengths[kind]);
	fg_set(m, q->va, PORT_T, lengths[kind], read_uint(m, len, 4) + 1);
	if (kind == Q_CANCELED) {
		fg_set(m, msg, MSG_T, "u1.s1.Canceled", 1);
		return;
	}
	fg_set(m, msg, MSG_T, "PortQueue", q->va);
	fg_set(m, msg, MSG_T, "u1.s1.QueueType", kind);
	fg_set_opt(m, msg, MSG_T, "u1.s1.QueuePortType", q->kind);
}

static void message_header(struct fg_machine *m, uint64_t msg, uint64_t sender_et, size_t dlen, int argc,
			   char **argv)
{
	uint64_t pm = msg + fg_offset(m, MSG_T, "PortMessage");
	uint64_t pid = read_uint(m, sender_et + fg_offset(m, "_ETHREAD", "Cid.UniqueProcess"), m->arch == LD_ARCH_X64 ? 8 : 4);
	fg_set(m, pm, PM_T, "u1.s1.DataLength", dlen);
	fg_set(m, pm, PM_T, "u1.s1.TotalLength", dlen + fg_sizeof(m, PM_T));
	fg_set(m, pm, PM_T, "u2.s2.Type", fg_arg_u64(argc, argv, "type", 1));   /* LPC_REQUEST */
	fg_set(m, pm, PM_T, "ClientId.UniqueProcess", pid);
	fg_set(m, pm, PM_T, "ClientId.UniqueThread", fg_arg_u64(argc, argv, "from", 0));
	fg_set(m, pm, PM_T, "MessageId", fg_arg_u64(argc, argv, "msgid", 0));
	fg_set(m, pm, PM_T, "CallbackId", fg_arg_u64(argc, argv, "callback", 0));
}

int fg_dir_alpcmsg(struct fg_machine *m, int argc, char **argv, const char *where)
{
	need_alpc(m, where);
	const char *label = fg_arg(argc, argv, "id");
	if (!label || !fg_arg(argc, argv, "msgid") || !fg_arg(argc, argv, "from") || !fg_arg(argc, argv, "port"))
		fg_die(where, "alpcmsg needs id=, msgid=, from= and port=");
	if (fg_ipc_msg_find(state(m), label))
		fg_die(where, "alpcmsg id=%s already exists", label);
	uint8_t data[512];
	size_t dlen = fg_arg_hex(fg_arg(argc, argv, "data"), data, sizeof(data), where);
	bool absent = fg_arg_flag(argc, argv, "absent");
	uint64_t sender = fg_arg_thread(m, argc, argv, "from", where);
	const struct fg_ipc_port *port = port_arg(m, argc, argv, "port", where);
	uint64_t port_va = port->va, ci = port->ci;
	uint32_t blob = fg_sizeof(m, "_BLOB"), size = blob + fg_sizeof(m, MSG_T) + (uint32_t)dlen;
	size_t pool_hdr = ld_profile_type(m->profile, "_POOL_HEADER") ? fg_sizeof(m, "_POOL_HEADER") : 16;
	/* An absent message gets a page of its own, so leaving it out takes nothing else. */
	uint64_t body = fg_kalloc(m, absent ? LD_PAGE_SIZE - pool_hdr : size, "AlMs", false);
	uint64_t msg = body + blob;
	fg_list_init(m, msg + fg_offset(m, MSG_T, "Entry"));
	fg_set_opt(m, body, "_BLOB", "ReferenceCount", 1);
	message_header(m, msg, sender, dlen, argc, argv);
	fg_set(m, msg, MSG_T, "OwnerPort", port_va);
	fg_set_opt(m, msg, MSG_T, "CommunicationInfo", ci);
	uint64_t conn = read_uint(m, ci + fg_offset(m, CI_T, "ConnectionPort"), m->arch == LD_ARCH_X64 ? 8 : 4);
	fg_set_opt(m, msg, MSG_T, "ConnectionPort", conn);
	fg_set_opt(m, msg, MSG_T, "QuotaProcess", fg_thread_process(m, sender));
	const char *waiting = fg_arg(argc, argv, "waiting");
	if (!waiting || strcmp(waiting, "none"))
		fg_set(m, msg, MSG_T, "WaitingThread", waiting ? fg_arg_thread(m, argc, argv, "waiting", where) : sender);
	if (fg_arg(argc, argv, "server"))
		fg_set(m, msg, MSG_T, "ServerThread", fg_arg_thread(m, argc, argv, "server", where));
	if (dlen) {
		uint64_t at = msg + fg_sizeof(m, MSG_T);
		fg_set_opt(m, msg, MSG_T, "DataSystemVa", at);
		fg_write(m, at, data, dlen);
	}
	const char *qs = fg_arg(argc, argv, "queue");
	unsigned kind = queue_kind(qs ? qs : "main", where);
	const struct fg_ipc_port *q = fg_arg(argc, argv, "queueport") ? port_arg(m, argc, argv, "queueport", where) : NULL;
	struct fg_ipc_port connp = { .va = conn, .kind = T_CONNECTION };
	enqueue(m, msg, q ? q : &connp, kind, where);
	fg_ipc_msg_add(state(m), label, msg, (uint32_t)fg_arg_u64(argc, argv, "msgid", 0), absent);
	return 0;
}

/* ---- lookups for the damage directives (forge_alpc_damage.c) ---- */

uint64_t fg_alpc_port_va(struct fg_machine *m, const char *label, uint64_t *ci)
{
	const struct fg_ipc_port *p = fg_ipc_port_find(state(m), label);
	if (ci)
		*ci = p ? p->ci : 0;
	return p ? p->va : 0;
}

uint64_t fg_alpc_message_va(struct fg_machine *m, const char *label)
{
	const struct fg_ipc_msg *msg = fg_ipc_msg_find(state(m), label);
	return msg ? msg->va : 0;
}

/* ---- thread ALPC state ---- */

static void own_semaphore(struct fg_machine *m, uint64_t et)
{
	fg_set_opt(m, et, "_ETHREAD", "AlpcWaitSemaphore.Header.Type", 5);
	fg_set_opt(m, et, "_ETHREAD", "AlpcWaitSemaphore.Limit", 1);
}

int fg_dir_alpcwait(struct fg_machine *m, int argc, char **argv, const char *where)
{
	need_alpc(m, where);
	uint64_t et = fg_arg_thread(m, argc, argv, "tid", where);
	struct fg_ipc_msg *msg = fg_ipc_msg_find(state(m), fg_arg(argc, argv, "message"));
	if (!msg)
		fg_die(where, "alpcwait message=%s: no such message label", fg_arg(argc, argv, "message"));
	fg_set(m, et, "_ETHREAD", "AlpcMessage", msg->va);
	fg_set(m, et, "_ETHREAD", "AlpcMessageId", msg->id);
	own_semaphore(m, et);
	return 0;
}

int fg_dir_alpcreceive(struct fg_machine *m, int argc, char **argv, const char *where)
{
	need_alpc(m, where);
	uint64_t et = fg_arg_thread(m, argc, argv, "tid", where);
	struct fg_ipc_port *p = port_arg(m, argc, argv, "port", where);
	fg_list_append(m, p->va + fg_offset(m, PORT_T, "WaitQueue"), et + fg_offset(m, "_ETHREAD", "AlpcWaitListEntry"));
	uint64_t len = p->va + fg_offset(m, PORT_T, "WaitQueueLength");
	fg_set_opt(m, p->va, PORT_T, "WaitQueueLength", read_uint(m, len, 4) + 1);
	own_semaphore(m, et);
	/* The receiver blocks on its own AlpcWaitSemaphore. */
	uint64_t wb = read_uint(m, et + fg_offset(m, "_ETHREAD", "Tcb.WaitBlockList"), m->arch == LD_ARCH_X64 ? 8 : 4);
	if (wb)
		fg_set(m, wb, "_KWAIT_BLOCK", "Object", et + fg_offset(m, "_ETHREAD", "AlpcWaitSemaphore"));
	return 0;
}

void fg_alpc_finish(struct fg_machine *m)
{
	fg_ipc_finish(m, &m->alpc, 0x2000);
}
