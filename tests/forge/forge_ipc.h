/*
 * forge_ipc.h — what the LPC (forge_lpc.c) and ALPC (forge_alpc.c) writers
 * share: the ports and messages a scenario labels with id=L for later
 * directives to name, and the arguments of a server connection port.
 * The flavour's own structures stay in its file.
 */
#ifndef LPCDUMP_FORGE_IPC_H
#define LPCDUMP_FORGE_IPC_H

#include "forge.h"

/* A labelled port: kind in the flavour's own numbering, pid the process
 * serving it, ci its CommunicationInfo (ALPC), nohandle: the server holds no
 * handle to it (ALPC). */
struct fg_ipc_port {
	char *label;
	uint64_t va, ci, pid;
	unsigned kind;
	bool nohandle;
};

/* A labelled message; absent: its page is left out of the dump. */
struct fg_ipc_msg {
	char *label;
	uint64_t va;
	uint32_t id;
	bool absent;
};

struct fg_ipc {
	struct fg_ipc_port *ports;
	size_t nports, capports;
	struct fg_ipc_msg *msgs;
	size_t nmsgs, capmsgs;
};

/* The labels of one flavour, hung on *slot (m->lpc or m->alpc), made on first use. */
struct fg_ipc *fg_ipc_state(void **slot);
struct fg_ipc_port *fg_ipc_port_find(struct fg_ipc *s, const char *label);   /* NULL: none */
/* The port named by key=L; dies "key=L: no such <what> label". */
struct fg_ipc_port *fg_ipc_port_arg(struct fg_ipc *s, int argc, char **argv, const char *key, const char *what,
				    const char *where);
/* Dies "<directive> id=L already exists" for a label taken. */
struct fg_ipc_port *fg_ipc_port_add(struct fg_ipc *s, const char *label, uint64_t va, unsigned kind, uint64_t pid,
				    const char *directive, const char *where);
/* The last message of that label (NULL: none), and a new one. */
struct fg_ipc_msg *fg_ipc_msg_find(struct fg_ipc *s, const char *label);
struct fg_ipc_msg *fg_ipc_msg_add(struct fg_ipc *s, const char *label, uint64_t va, uint32_t id, bool absent);
/* Leave absent messages out (pagefile offsets from pagefile_base on) and free *slot. */
void fg_ipc_finish(struct fg_machine *m, void **slot, uint64_t pagefile_base);

/* pid= (which must be a process: dies "<directive>: no process pid=N") and
 * the namespace place of name=\PATH (dies unless a full path); unnamed (the
 * flag, or no name=) leaves leaf NULL. The directory is not created here:
 * the caller does, when its layout makes it. */
struct fg_conn_args {
	uint64_t pid, ep;
	bool unnamed;
	char dir[512];
	const char *leaf;
};
void fg_conn_args(struct fg_machine *m, int argc, char **argv, const char *directive, const char *where,
		  struct fg_conn_args *a);
/* The label of a connection's server port: server=L2, else "<label>.server" in buf. */
const char *fg_server_label(int argc, char **argv, const char *label, char *buf, size_t size);

#endif
