/*
 * lpc.h — LPC (NT 5.x) and ALPC (NT 6+) decoding into one model, the wait
 * graph built on it, and the chains and deadlock cycles found in the graph.
 *
 * Shape:
 *   lpc_model.c       the model: build (runs the decoder that fits the build,
 *                     then the graph), free, lookups; cached per kernel
 *   lpc_decoders.c    the decoders tried, in order
 *   lpc_decode.c      NT 5.x decoder (ld_lpc_nt5_ops), its steps in
 *                     lpc_nt5_{fields,thread,discover,pool,port,message,classify}.c:
 *                     LPCP_PORT_OBJECT, LPCP_MESSAGE, ETHREAD LPC fields,
 *                     classification of each reply wait (SEMANTICS §3)
 *   alpc_*.c          NT 6+ decoder (ld_alpc_ops, issue 5): _ALPC_PORT,
 *                     _KALPC_MESSAGE, ETHREAD ALPC fields, same model
 *   lpc_wait_object.c what a non-LPC wait waits on (KWAIT_BLOCK.Object,
 *                     DISPATCHER_HEADER.Type; mutant owner)
 *   lpc_locks.c       owned mutants/threads a chain continues through
 *   lpc_graph.c       thread → thread edges (server thread, lock owner), cycles
 *   lpc_chain.c       chains, cycles, clients behind a cycle, ranking, filter
 *   lpc_names.c       the stable names of the enums (the JSON contract)
 *   lpc_addr_map.c    address and id indexes
 *
 * The model is neutral between LPC and ALPC: a decoder fills ports, messages,
 * per-thread LPC state and one struct ld_lpc_wait per thread waiting for a
 * reply, each already classified (processing / queued / no_server / lost /
 * pending / unknown) with the server thread when one is known. Everything after that
 * (graph, chains, reports) never looks at which flavour produced it.
 *
 * Contract:
 *  - Indexes: thread indexes are indexes into ld_system.threads (model.h);
 *    LD_LPC_NONE means "none". Ports and messages are indexes into the
 *    model's arrays.
 *  - A value that could not be read is flagged (…_known = false, or an
 *    unavailable status kept) and never invented; the reason is a warning.
 *  - Every walk (receive queues, reply chains, DataInfo chains, pool) is
 *    bounded and its end recorded (struct ld_walk_result).
 *  - The graph and chain builders take only the model, so they are unit
 *    tested on in-memory models (tests/lpc/), without a dump.
 */
#ifndef LPCDUMP_LPC_H
#define LPCDUMP_LPC_H

#include "../base/base.h"
#include "../kernel/kernel.h"
#include "../model/model.h"

#define LD_LPC_NONE ((size_t)-1)

enum ld_lpc_flavor {
	LD_LPC_FLAVOR_NONE = 0,
	LD_LPC_FLAVOR_LPC,          /* NT 5.x: LPCP_PORT_OBJECT */
	LD_LPC_FLAVOR_ALPC,         /* NT 6+: _ALPC_PORT */
};
const char *ld_lpc_flavor_name(enum ld_lpc_flavor f);   /* "lpc", "alpc", "none" */

/* ---- ports ---- */

enum ld_port_kind {
	LD_PORT_UNKNOWN = 0,
	LD_PORT_CONNECTION,         /* server connection port (named) */
	LD_PORT_SERVER_COMM,        /* server communication port (one per client) */
	LD_PORT_CLIENT_COMM,        /* client communication port */
	LD_PORT_UNCONNECTED,        /* unconnected communication port */
};
/* "connection", "server_communication", "client_communication", "unconnected", "unknown" */
const char *ld_port_kind_name(enum ld_port_kind k);

/* How a port (or message) was found; a bit set, reconciled by address. */
enum {
	LD_FOUND_HANDLE = 1 << 0,     /* a handle table entry of type Port/WaitablePort/ALPC Port */
	LD_FOUND_DIRECTORY = 1 << 1,  /* the object namespace */
	LD_FOUND_POOL = 1 << 2,       /* the pool scan */
	LD_FOUND_LINK = 1 << 3,       /* a pointer from another decoded object (thread, port, message) */
	LD_FOUND_QUEUE = 1 << 4,      /* messages: walking a port queue */
	LD_FOUND_THREAD = 1 << 5,     /* messages: a thread's LpcReplyMessage / AlpcMessage */
};
/* Writes the names of the set bits ("handle", "directory", "pool", "link",
 * "queue", "thread") into names[], returns how many (≤ max). */
size_t ld_found_by_names(unsigned bits, const char **names, size_t max);

#define LD_LPC_NAME_MAX 256

struct ld_lpc_port {
	uint64_t addr;              /* the port object body */
	enum ld_lpc_flavor flavor;
	enum ld_port_kind kind;
	uint32_t flags;             /* raw Flags (LPC) / u1.State (ALPC) */
	unsigned found_by;          /* LD_FOUND_* */
	bool readable;              /* false: the object body could not be read */
	ld_status read_status;      /* why not, when !readable */

	/* The name: a connection port's own; a communication port shows its
	 * connection port's name. name_known=false → "" (unnamed or unreadable). */
	char name[LD_LPC_NAME_MAX];
	bool name_known;

	uint64_t connection_port;   /* 0 none */
	uint64_t connected_port;    /* 0 none */
	uint64_t owner_process;     /* server process (connection port) / owner (ALPC); 0 unknown */
	uint64_t owner_pid;
	bool owner_known;
	uint64_t creator_pid, creator_tid;
	uint64_t client_thread;     /* LPC server comm port: connecting thread until completed */
	uint64_t port_context;
	uint32_t max_message_length, max_connection_info_length;

	bool waitable, name_deleted, deleted;      /* LPC flag bits */
	bool closed, disconnected;                 /* ALPC state bits */

	/* Receive queue. */
	bool semaphore_known;
	int64_t semaphore_count;    /* SignalState of the queue semaphore */
	uint64_t semaphore;         /* KSEMAPHORE VA (receivers wait on it), 0 unknown */
	size_t nqueued;             /* messages found on the receive queue(s) */
	struct ld_walk_result queue_walk;
	/* Threads on LpcReplyChainHead (LPC) / WaitQueue (ALPC). */
	size_t nreply_chain;
	struct ld_walk_result reply_chain_walk;
	size_t ndata_info;          /* LpcDataInfoChainHead (LPC) / PendingQueue (ALPC) */
	struct ld_walk_result data_info_walk;
	/* Handles that reach the port: the first owner pid seen, and how many. */
	uint64_t handle_pid;
	size_t nhandles;

	/* ALPC only (flavor == LD_LPC_FLAVOR_ALPC). The generic fields map as:
	 * connection_port = CommunicationInfo->ConnectionPort, connected_port =
	 * the peer communication port, flags = u1.State, nqueued = main + large
	 * queue, ndata_info = pending queue, nreply_chain = WaitQueue threads. */
	struct {
		uint64_t communication_info;
		uint64_t server_comm_port, client_comm_port;
		unsigned type_bits;         /* u1.s1.Type: 1 connection, 2 client, 3 server comm */
		bool kind_from_links;       /* kind decided by CommunicationInfo, not by the Type bits */
		bool connection_pending, connection_refused, lpc_mode, has_completion_list;
		uint64_t completion_port, completion_list, port_context;
		uint32_t attributes_flags, max_message_length;
		uint64_t sequence_no;
		/* the port's own counters, and what walking the queues found */
		uint32_t main_length, large_length, pending_length, canceled_length, direct_length, wait_length;
		size_t nmain, nlarge, npending, ncanceled, ndirect;
		struct ld_walk_result pending_walk, canceled_walk, direct_walk, large_walk;
	} alpc;
};

/* ---- messages ---- */

enum ld_msg_where {
	LD_MSG_NOWHERE = 0,         /* pool scan only, or held by no queue */
	LD_MSG_RECEIVE_QUEUE,       /* LPC MsgQueue.ReceiveHead / ALPC MainQueue, LargeMessageQueue */
	LD_MSG_DATA_INFO,           /* LPC LpcDataInfoChainHead / ALPC PendingQueue */
	LD_MSG_THREAD,              /* held by a thread (LpcReplyMessage / AlpcMessage) */
	LD_MSG_CANCELED,            /* ALPC CanceledQueue */
	LD_MSG_DIRECT,              /* ALPC DirectQueue */
	LD_MSG_PENDING,             /* ALPC PendingQueue: received, not yet replied to */
	LD_MSG_LARGE,               /* ALPC LargeMessageQueue */
};
/* "receive_queue", "data_info", "thread", "canceled", "direct", "pending", "large_queue", "none" */
const char *ld_msg_where_name(enum ld_msg_where w);

#define LD_LPC_PREVIEW_MAX 64

struct ld_lpc_message {
	uint64_t addr;              /* LPCP_MESSAGE / KALPC_MESSAGE */
	enum ld_lpc_flavor flavor;
	unsigned found_by;
	/* available=false: the message is known to exist (a queue link or a
	 * thread points at it) but its memory is not in the dump. Only addr,
	 * where and queued_on are then meaningful. */
	bool available;
	ld_status read_status;

	uint32_t id;                /* PORT_MESSAGE.MessageId */
	uint32_t callback_id;
	uint16_t type;              /* u2.s2.Type, whole (flags in the high byte) */
	uint16_t data_length, total_length, data_info_offset;
	uint64_t sender_pid, sender_tid;    /* PORT_MESSAGE.ClientId */
	uint64_t sender_port;       /* LPC SenderPort / ALPC OwnerPort */
	uint64_t replied_to_thread; /* LPC RepliedToThread */
	uint64_t port_context;
	uint64_t waiting_thread;    /* ALPC WaitingThread, 0 none */
	uint64_t server_thread;     /* ALPC ServerThread, 0 none */

	enum ld_msg_where where;
	uint64_t queued_on;         /* the port whose queue holds it, 0 none */

	uint8_t preview[LD_LPC_PREVIEW_MAX];  /* first bytes of the data, bounded */
	size_t npreview;
	bool preview_truncated;
	bool lengths_bad;           /* DataLength does not fit in TotalLength: no data shown */

	/* ALPC only (flavor == LD_LPC_FLAVOR_ALPC): KALPC_MESSAGE details. */
	struct {
		uint32_t sequence_no;
		unsigned queue_type;        /* u1.s1.QueueType: 1 main, 2 large, 3 pending, 4 direct, 5 reply */
		bool canceled;              /* u1.s1.Canceled */
		bool reply_wait_reply;
		uint64_t port_queue;        /* the port whose queue holds it, 0 none */
		uint64_t owner_port;        /* the sender's port */
		uint64_t connection_port;
		uint64_t quota_process;
		uint32_t attributes;        /* MessageAttributes.ValidAttributes (ALPC_MESSAGE_*_ATTRIBUTE) */
	} alpc;
};
/* LPC type name of the low byte ("LPC_REQUEST" … "LPC_CONNECTION_REQUEST"), "UNKNOWN". */
const char *ld_lpc_type_name(uint16_t type);

/* ---- per-thread LPC state (one per ld_system thread) ---- */

enum {
	LD_LPC_ROLE_REPLY_WAITER = 1 << 0,    /* waiting for a reply (WrLpcReply) */
	LD_LPC_ROLE_CONNECT_WAITER = 1 << 1,  /* waiting for a connection to be accepted */
	LD_LPC_ROLE_RECEIVER = 1 << 2,        /* waiting to receive (WrLpcReceive) */
	LD_LPC_ROLE_PROCESSING = 1 << 3,      /* has received a message and not replied */
	LD_LPC_ROLE_EXITING = 1 << 4,         /* LpcExitThreadCalled */
};

struct ld_lpc_thread {
	unsigned roles;             /* LD_LPC_ROLE_* */
	bool fields_known;          /* the LPC fields of the ETHREAD were read */
	uint32_t reply_message_id;  /* LpcReplyMessageId / AlpcMessageId; 0 none */
	uint64_t waiting_on_port;   /* LpcWaitingOnPort without the low bits; 0 none */
	bool no_impersonate;        /* bit 1 of LpcWaitingOnPort */
	uint64_t reply_message;     /* LpcReplyMessage / AlpcMessage (a message), 0 none */
	bool received_valid;        /* LpcReceivedMsgIdValid (or: ALPC message with ServerThread == this) */
	uint32_t received_message_id;
	uint64_t receive_port;      /* WrLpcReceive: the port listened on, 0 unknown */
	size_t rundown_port;        /* index of the port whose reply chain (rundown queue) holds it, NONE */
	size_t wait;                /* index into waits when a reply waiter, LD_LPC_NONE */
	size_t lock;                /* index into locks: the mutant or thread object this
				       thread waits on, when its owner is known; LD_LPC_NONE */
};

/* ---- waits: one per thread waiting for a reply ---- */

enum ld_wait_status {
	LD_WAIT_UNKNOWN = 0,        /* not enough readable data to tell */
	LD_WAIT_PROCESSING,         /* a server thread has the message (server_thread set) */
	LD_WAIT_QUEUED,             /* the message is on the server's receive queue */
	LD_WAIT_NO_SERVER,          /* the server side is gone (port deleted/closed, process exiting) */
	LD_WAIT_LOST,               /* received, but no server thread claims it */
	LD_WAIT_PENDING,            /* ALPC: delivered to a (thread-pool) server thread that is no
				       longer blocked on it; server_thread names that last receiver */
};
/* "processing", "queued", "no_server", "lost", "pending", "unknown" */
const char *ld_wait_status_name(enum ld_wait_status s);

struct ld_lpc_wait {
	size_t thread;              /* the waiting client */
	bool connect;               /* a connection request, not a request */
	uint32_t message_id;
	uint64_t port;              /* the port the client sent on (WinDbg "Current LPC port") */
	uint64_t connection_port;   /* the server connection port, 0 unknown */
	uint64_t server_port;       /* server communication port, 0 unknown */
	size_t port_index;          /* index of `port` in ports, LD_LPC_NONE */
	size_t connection_port_index;
	size_t message;             /* index into messages, LD_LPC_NONE when freed/unseen */
	bool server_known;
	uint64_t server_process, server_pid;
	size_t server_thread;       /* processing thread, LD_LPC_NONE */
	bool callback;              /* server_thread is the client of a callback handling it */
	enum ld_wait_status status;
	char why[160];              /* one line: what decided the status */
	double wait_seconds;        /* < 0 unknown */
};

/* ---- what a chain ends on ---- */

enum ld_end_kind {
	LD_END_NONE = 0,
	LD_END_CYCLE,               /* a deadlock: the chain loops */
	LD_END_QUEUED,              /* the last message is queued, no server thread has it */
	LD_END_NO_SERVER,
	LD_END_LOST,
	LD_END_UNKNOWN,             /* the last wait could not be classified */
	LD_END_WAIT,                /* the last server thread waits on a non-LPC object */
	LD_END_RECEIVING,           /* the last server thread waits to receive (it has moved on) */
	LD_END_NOT_WAITING,         /* the last server thread is running / ready */
	LD_END_PENDING,             /* ALPC: the request sits at the server, its last receiver moved on */
};
/* "cycle", "queued", "no_server", "lost", "unknown", "wait", "receiving", "not_waiting", "pending", "none" */
const char *ld_end_kind_name(enum ld_end_kind k);

enum ld_wait_object_kind {
	LD_WOBJ_UNKNOWN = 0,
	LD_WOBJ_EVENT,
	LD_WOBJ_MUTANT,
	LD_WOBJ_SEMAPHORE,
	LD_WOBJ_THREAD,
	LD_WOBJ_PROCESS,
	LD_WOBJ_QUEUE,
	LD_WOBJ_TIMER,
	LD_WOBJ_OTHER,
};
/* "event", "mutant", "semaphore", "thread", "process", "queue", "timer", "other", "unknown" */
const char *ld_wait_object_kind_name(enum ld_wait_object_kind k);

/* A thread's (first) wait object, decoded through KWAIT_BLOCK.Object and
 * DISPATCHER_HEADER.Type. */
struct ld_wait_object {
	uint64_t addr;              /* 0 unknown */
	enum ld_wait_object_kind kind;
	uint8_t dispatcher_type;
	bool readable;
	int64_t signal_state;
	char name[LD_LPC_NAME_MAX]; /* object name when named, "" */
	/* mutant: owner thread; thread/process: the thread or process itself */
	uint64_t owner_thread;      /* ETHREAD, 0 none */
	size_t owner_index;         /* index into ld_system.threads, LD_LPC_NONE */
	uint64_t process;           /* LD_WOBJ_PROCESS: the EPROCESS */
};
/* sys may be NULL: owner_index is then left LD_LPC_NONE for the caller to
 * resolve (a linear search of sys costs one pass over every thread). */
ld_status ld_wait_object_read(struct ld_kernel *k, const struct ld_system *sys, uint64_t obj,
			      struct ld_wait_object *out);

struct ld_chain_end {
	enum ld_end_kind kind;
	size_t thread;              /* the last thread of the chain */
	uint8_t state, wait_reason; /* of that thread */
	struct ld_wait_object object;   /* LD_END_WAIT */
	enum ld_wait_status status; /* QUEUED/NO_SERVER/LOST/UNKNOWN: the last wait's status */
};

/* ---- chains ---- */

struct ld_lpc_chain {
	size_t *threads;            /* in wait order: client, its server, that server's server … */
	size_t nthreads;
	size_t *waits;              /* waits[i] is threads[i]'s wait (nthreads entries; the last may be NONE) */
	bool cycle;                 /* a deadlock: threads[] is the cycle, in order */
	size_t feeds_cycle;         /* a client chain: index of the cycle chain it is stuck behind, else NONE */
	size_t cycle_entry;         /* position in the cycle chain's threads where this one joins */
	struct ld_chain_end end;
	double wait_seconds;        /* ranking key: the first thread's wait (cycles: the longest) */
};

/* ---- the model ---- */

struct ld_lpc_model {
	enum ld_lpc_flavor flavor;
	const struct ld_system *sys;       /* the snapshot it was built on (not owned) */
	struct ld_lpc_port *ports;
	size_t nports;
	struct ld_lpc_message *messages;
	size_t nmessages;
	struct ld_lpc_thread *threads;     /* sys->nthreads entries */
	struct ld_lpc_wait *waits;
	size_t nwaits;
	struct ld_lpc_chain *chains;       /* ranked: longest wait first; cycles are chains too */
	size_t nchains;
	/* Non-LPC waits that continue a chain: a mutant with an owner thread, or
	 * a thread object (the waiter waits for that thread). The graph follows
	 * them, so a deadlock through a lock held across an LPC call is a cycle. */
	struct ld_wait_object *locks;
	size_t nlocks;
	bool pool_scanned;
	struct ld_walk_result pool_walk;   /* count = pool hits examined */
	/* Growth state and address indexes of the builders (lpc-priv.h). */
	size_t cap_ports, cap_messages, cap_waits, cap_chains, cap_locks;
	void *priv;
};

struct ld_lpc_opts {
	bool pool_scan;             /* also scan pool for port objects and messages */
};

/* A decoder for one flavour (lpc_decode.c: ld_lpc_nt5_ops; alpc_decode.c:
 * ld_alpc_ops). fits() says whether the kernel's profile is its flavour;
 * decode() fills ports, messages, threads[] and classified waits. */
struct ld_lpc_ops {
	const char *name;
	enum ld_lpc_flavor flavor;
	bool (*fits)(struct ld_kernel *k);
	/* Optional, before the process snapshot is built: ask it to keep what
	 * decode() reads of every thread (ld_system_keep_thread_bytes). */
	void (*prepare)(struct ld_kernel *k);
	ld_status (*decode)(struct ld_kernel *k, struct ld_lpc_model *m, const struct ld_lpc_opts *o);
};
extern const struct ld_lpc_ops ld_lpc_nt5_ops;
extern const struct ld_lpc_ops ld_alpc_ops;

/* Build the model of this kernel: choose the decoder, decode, build the graph
 * and all chains. The result is cached in the kernel (LD_SLOT_LPC); a request
 * with pool_scan after one without rebuilds it. Do not free it. */
ld_status ld_lpc_model_get(struct ld_kernel *k, const struct ld_lpc_opts *o,
			   const struct ld_lpc_model **out);

/* Build an uncached model (the caller frees it with ld_lpc_model_free). */
ld_status ld_lpc_model_build(struct ld_kernel *k, const struct ld_lpc_opts *o,
			     struct ld_lpc_model **out);
void ld_lpc_model_free(struct ld_lpc_model *m);

/* Builders shared by the decoders (lpc_model.c): append, returning the index. */
ld_status ld_lpc_model_init(struct ld_lpc_model *m, const struct ld_system *sys,
			    enum ld_lpc_flavor flavor);
ld_status ld_lpc_add_port(struct ld_lpc_model *m, const struct ld_lpc_port *p, size_t *index);
ld_status ld_lpc_add_message(struct ld_lpc_model *m, const struct ld_lpc_message *msg, size_t *index);
ld_status ld_lpc_add_wait(struct ld_lpc_model *m, const struct ld_lpc_wait *w, size_t *index);
/* Lookups (linear index kept sorted lazily; NULL/NONE when absent). */
size_t ld_lpc_port_index(const struct ld_lpc_model *m, uint64_t addr);
size_t ld_lpc_message_index(const struct ld_lpc_model *m, uint64_t addr);
/* First message with this id (several may share it: a request and its
 * DataInfo copy), LD_LPC_NONE. */
size_t ld_lpc_message_by_id(const struct ld_lpc_model *m, uint32_t id);
size_t ld_lpc_thread_index(const struct ld_lpc_model *m, uint64_t ethread);

/* Graph and chains (lpc_locks.c, lpc_graph.c, lpc_chain.c). k may be NULL
 * (unit tests): then no wait object is read (locks must be filled by the
 * caller with ld_lpc_add_lock) and chain ends stop at the thread's state. */
ld_status ld_lpc_build_chains(struct ld_kernel *k, struct ld_lpc_model *m);
/* Record that thread t waits on the lock o (o->owner_index is the thread it
 * waits behind). */
ld_status ld_lpc_add_lock(struct ld_lpc_model *m, size_t t, const struct ld_wait_object *o);
/* The thread the given thread is blocked behind: its wait's server thread, or
 * the owner of the lock it waits on; LD_LPC_NONE when neither is known. */
size_t ld_lpc_next_thread(const struct ld_lpc_model *m, size_t thread);
/* --min-wait: is the chain shown? (min_wait < 0: always; a chain whose wait
 * time is unknown is always shown — it cannot be proven short.) */
bool ld_lpc_chain_shown(const struct ld_lpc_chain *c, double min_wait);
/* Is chain i of the model shown under --min-wait? As ld_lpc_chain_shown, and a
 * deadlock is also shown when a client chain stuck behind it is. */
bool ld_lpc_chain_visible(const struct ld_lpc_model *m, size_t i, double min_wait);
/* Number of shown chains (for the summary and --stuck-exit). */
size_t ld_lpc_stuck_count(const struct ld_lpc_model *m, double min_wait);

#endif
