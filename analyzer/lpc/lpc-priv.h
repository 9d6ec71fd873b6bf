/*
 * lpc-priv.h — what the files of analyzer/lpc share and nobody else sees:
 * the address indexes of the model, the decoder table, and the steps the
 * NT 5.x LPC and the ALPC decoders take alike (finding, noting and walking
 * ports and messages, the pool, field tables), each given the flavour's own
 * part as callbacks and the decoder pointer.
 */
#ifndef LPCDUMP_LPC_PRIV_H
#define LPCDUMP_LPC_PRIV_H

#include "lpc.h"

/* An open-addressing map from a kernel address to an array index. The
 * benchmark dump has 20,000 ports and 40,000 threads: a linear lookup per
 * handle or per wait would be quadratic. */
struct lpc_addr_map {
	uint64_t *keys;             /* 0 = empty slot (no object lives at VA 0) */
	size_t *vals;
	size_t cap, len;            /* cap is a power of two */
};
ld_status lpc_addr_map_put(struct lpc_addr_map *h, uint64_t key, size_t val);
size_t lpc_addr_map_get(const struct lpc_addr_map *h, uint64_t key);   /* LD_LPC_NONE */
void lpc_addr_map_free(struct lpc_addr_map *h);

/* KTHREAD.State and WaitReason values both decoders test (SEMANTICS). */
#define KTHREAD_TERMINATED 4
#define KTHREAD_WAITING 5
#define WR_EXECUTIVE_0 0
#define WR_QUEUE 15
#define WR_LPC_RECEIVE 16
#define WR_LPC_REPLY 17

struct lpc_model_priv {
	struct lpc_addr_map ports, messages, threads, pids, processes;
	bool threads_indexed, processes_indexed;
};

/* Processes by pid and by EPROCESS address (ld_system_process_by_* are
 * linear; the decoders ask once per port and per wait). NULL when absent. */
const struct ld_process *lpc_process_by_pid(const struct ld_lpc_model *m, uint64_t pid);
const struct ld_process *lpc_process_by_addr(const struct ld_lpc_model *m, uint64_t addr);

/* A multimap from a 32-bit id to indexes: heads in a map, a next-array
 * chains the rest (lpc_addr_map.c). */
struct lpc_id_index {
	struct lpc_addr_map heads;
	size_t *next;
	size_t n;
};
ld_status lpc_id_index_init(struct lpc_id_index *x, size_t n);
ld_status lpc_id_index_add(struct lpc_id_index *x, uint32_t id, size_t index);
size_t lpc_id_index_first(const struct lpc_id_index *x, uint32_t id);        /* LD_LPC_NONE */
size_t lpc_id_index_next(const struct lpc_id_index *x, size_t index);        /* LD_LPC_NONE */
void lpc_id_index_free(struct lpc_id_index *x);

/* lpc_locks.c: before the graph, follow owned mutants/threads from the
 * server threads of processed requests (needs the kernel; k NULL: nothing). */
ld_status lpc_locks_resolve(struct ld_kernel *k, struct ld_lpc_model *m);

/* lpc_port_find.c: port discovery both decoders share. The decoder's note
 * function adds (or marks) a port of its flavour by address. */
struct lpc_port_finder {
	struct ld_kernel *k;
	struct ld_lpc_model *m;
	bool (*is_port_type)(const char *type_name);
	ld_status (*note)(void *decoder, uint64_t addr, unsigned found_by, size_t *index);
	void *decoder;
};
ld_status lpc_find_ports_by_handle(const struct lpc_port_finder *f);
ld_status lpc_find_ports_in_directory(const struct lpc_port_finder *f);
/* Both: handle tables, then the namespace. */
ld_status lpc_find_ports(const struct lpc_port_finder *f);
/* A hard error (out of memory) stops discovery, kept in *acc; a bad address
 * (LD_ERR_ARG) does not. True: go on. */
bool lpc_keep_going(ld_status *acc, ld_status st);
/* A communication port shows its connection port's name. */
void lpc_port_inherit_name(struct ld_lpc_model *m, struct ld_lpc_port *p);
/* A port's own name: its path in the object namespace, when it has one. */
void lpc_port_read_name(struct ld_kernel *k, struct ld_lpc_port *p);

/* lpc_port_walk.c: one message queue of a port, both decoders. note adds
 * (or marks) the message at msg; a status equal to skip passes over that
 * message, any other failure stops the walk and is returned. A message the
 * walk could not step onto is noted too (unavailable) and counted once;
 * renote_known_tail notes it again when it is already known, so that a
 * message a thread pointed at learns which queue holds it. */
struct lpc_queue {
	struct ld_kernel *k;
	const struct ld_lpc_model *m;
	size_t port;                 /* index of the port the queue is on */
	uint64_t head;               /* VA of the list head */
	uint32_t entry_off;          /* of the LIST_ENTRY inside a message */
	size_t limit;
	enum ld_msg_where where;
	ld_status (*note)(void *decoder, uint64_t msg, enum ld_msg_where where, uint64_t queued_on);
	void *decoder;
	ld_status skip;
	bool renote_known_tail;
};
/* res and *count are set even on failure (count: messages in the queue). */
ld_status lpc_queue_walk(const struct lpc_queue *q, struct ld_walk_result *res, size_t *count);
/* Warn when a walk of a port's list (what: "main queue") ended early. */
void lpc_warn_walk(const char *what, const struct ld_lpc_port *p, const struct ld_walk_result *r);
/* lpc_ports_walk: every port from index `from` on through the decoder's
 * walk_port (which may add ports: they are walked too), then every port's
 * inherited name and the decoder's owner fallback. what names the ports in
 * the interrupt message. lpc_ports_walk_rounds: walk all ports, follow the
 * decoder's links (which may find ports the queues named), twice, and walk
 * the ports the last round found. */
struct lpc_port_walker {
	struct ld_lpc_model *m;
	const char *what;
	ld_status (*walk_port)(void *decoder, size_t port);
	void (*owner_fallback)(const struct ld_lpc_model *m, struct ld_lpc_port *p);
	ld_status (*links)(void *decoder);
	void *decoder;
};
ld_status lpc_ports_walk(const struct lpc_port_walker *w, size_t from);
ld_status lpc_ports_walk_rounds(const struct lpc_port_walker *w);
/* A port's list of threads (ALPC: its WaitQueue; LPC: its reply chain),
 * kept as the port's reply_chain_walk and nreply_chain and warned about
 * (what) when it ends early; on_thread gets each thread of the system on it.
 * empty: the read that found the port saw the list empty (nothing read). */
struct lpc_thread_list {
	struct ld_kernel *k;
	struct ld_lpc_model *m;
	size_t port;
	uint32_t head_off;           /* of the list head in the port */
	uint32_t entry_off;          /* of the LIST_ENTRY in the ETHREAD */
	size_t limit;
	bool empty;
	void (*on_thread)(void *decoder, size_t thread, size_t port);
	void *decoder;
	const char *what;
};
void lpc_port_threads_walk(const struct lpc_thread_list *l);

/* lpc_note.c: meeting a port or message by address, both decoders. *_known
 * marks one already in the model (found_by; for a message, the first queue
 * that holds it, *placed then true) and says where it is; *_add adds a new
 * one, warning when it could not be read. */
bool lpc_port_known(struct ld_lpc_model *m, uint64_t addr, unsigned found_by, size_t *index);
ld_status lpc_port_add(struct ld_lpc_model *m, const struct ld_lpc_port *p, size_t *index);
struct ld_lpc_message *lpc_message_known(struct ld_lpc_model *m, uint64_t addr, unsigned found_by,
					 enum ld_msg_where where, uint64_t queued_on, size_t *index,
					 bool *placed);
ld_status lpc_message_add(struct ld_lpc_model *m, const struct ld_lpc_message *msg, size_t *index);
/* lpc_message_preview.c: how many data bytes to show (capped, marking the
 * preview truncated), and reading them from data (0: not known). */
size_t lpc_preview_length(struct ld_lpc_message *msg);
void lpc_preview_read(struct ld_kernel *k, struct ld_lpc_message *msg, uint64_t data, size_t n);

/* lpc_pool_place.c: the pool scan both decoders run. place gets the bytes
 * of a block after its POOL_HEADER (at most peek, itself at most
 * LPC_POOL_PEEK_MAX): false when it can place nothing in them; when it can,
 * it notes what it placed and sets *st (a bad address goes on, any other
 * failure stops the scan). */
#define LPC_POOL_PEEK_MAX 0x400u
struct lpc_pool_scan {
	struct ld_kernel *k;
	struct ld_lpc_model *m;
	const char *const *tags;
	size_t ntags;
	size_t peek;
	bool (*place)(void *decoder, const char *tag, const uint8_t *body, size_t len, ld_status *st);
	void *decoder;
};
ld_status lpc_pool_scan(const struct lpc_pool_scan *s);
/* The pointer at off in body (0 when it does not fit), canonical. */
uint64_t lpc_pool_ptr(struct ld_kernel *k, const uint8_t *body, size_t len, size_t off);
/* Do the len bytes at va read the same as phys (the scanned block)? */
bool lpc_pool_same_bytes(struct ld_kernel *k, uint64_t va, const uint8_t *phys, size_t len);
/* The VA of a record at body + at whose LIST_ENTRY (at list_off) names
 * it, confirmed by its first cmp bytes; 0 when none is. */
uint64_t lpc_pool_place_at(struct ld_kernel *k, const uint8_t *body, size_t len, size_t at, uint32_t list_off,
			   size_t cmp);

/* lpc_server_gone.c: why the server process of w is gone (not in the
 * process list, exiting), or NULL when it is not or is not known. */
const char *lpc_server_process_gone(const struct ld_lpc_model *m, const struct ld_lpc_wait *w);

/* lpc_fields.c: one field a decoder reads, resolved into the struct ld_fref
 * at byte `at` of its fields struct (offsetof); a required field missing
 * from the profile means the flavour does not fit. lpc_fields_resolve zeroes
 * the struct (size bytes) and resolves every spec; *fits is false when p is
 * NULL or a required field is missing. */
struct lpc_field_spec {
	const char *type, *path;
	size_t at;
	bool required;
};
void lpc_fields_resolve(const struct ld_profile *p, const struct lpc_field_spec *spec, size_t n, void *fields,
			size_t size, bool *fits);

/* The decoders, tried in order (lpc_decoders.c). */
extern const struct ld_lpc_ops *const lpc_decoders[];
extern const size_t lpc_ndecoders;

#endif
