/* forge_ipc.c — the labelled ports and messages and the connection port
 * arguments the LPC and ALPC writers share (forge_ipc.h). */
#include "forge-priv.h"
#include "forge_ipc.h"
#include "forge_objects.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct fg_ipc *fg_ipc_state(void **slot)
{
	if (!*slot) {
		*slot = fg_xrealloc(NULL, 1, sizeof(struct fg_ipc));
		memset(*slot, 0, sizeof(struct fg_ipc));
	}
	return *slot;
}

struct fg_ipc_port *fg_ipc_port_find(struct fg_ipc *s, const char *label)
{
	for (size_t i = 0; label && i < s->nports; i++)
		if (!strcmp(s->ports[i].label, label))
			return &s->ports[i];
	return NULL;
}

struct fg_ipc_port *fg_ipc_port_arg(struct fg_ipc *s, int argc, char **argv, const char *key, const char *what,
				    const char *where)
{
	const char *l = fg_arg(argc, argv, key);
	struct fg_ipc_port *p = fg_ipc_port_find(s, l);
	if (!p)
		fg_die(where, "%s=%s: no such %s label", key, l ? l : "(missing)", what);
	return p;
}

struct fg_ipc_port *fg_ipc_port_add(struct fg_ipc *s, const char *label, uint64_t va, unsigned kind, uint64_t pid,
				    const char *directive, const char *where)
{
	if (fg_ipc_port_find(s, label))
		fg_die(where, "%s id=%s already exists", directive, label);
	FG_GROW(s->ports, s->nports, s->capports);
	struct fg_ipc_port *p = &s->ports[s->nports++];
	memset(p, 0, sizeof(*p));
	p->label = fg_xstrdup(label);
	p->va = va;
	p->kind = kind;
	p->pid = pid;
	return p;
}

struct fg_ipc_msg *fg_ipc_msg_find(struct fg_ipc *s, const char *label)
{
	struct fg_ipc_msg *found = NULL;
	for (size_t i = 0; label && i < s->nmsgs; i++)
		if (!strcmp(s->msgs[i].label, label))
			found = &s->msgs[i];
	return found;
}

struct fg_ipc_msg *fg_ipc_msg_add(struct fg_ipc *s, const char *label, uint64_t va, uint32_t id, bool absent)
{
	FG_GROW(s->msgs, s->nmsgs, s->capmsgs);
	struct fg_ipc_msg *msg = &s->msgs[s->nmsgs++];
	msg->label = fg_xstrdup(label);
	msg->va = va;
	msg->id = id;
	msg->absent = absent;
	return msg;
}

void fg_ipc_finish(struct fg_machine *m, void **slot, uint64_t pagefile_base)
{
	struct fg_ipc *s = *slot;
	if (!s)
		return;
	for (size_t i = 0; i < s->nmsgs; i++)
		if (s->msgs[i].absent)
			fg_make_pagefile(m, s->msgs[i].va, 0, pagefile_base + i);
	for (size_t i = 0; i < s->nports; i++)
		free(s->ports[i].label);
	for (size_t i = 0; i < s->nmsgs; i++)
		free(s->msgs[i].label);
	free(s->ports);
	free(s->msgs);
	free(s);
	*slot = NULL;
}

void fg_conn_args(struct fg_machine *m, int argc, char **argv, const char *directive, const char *where,
		  struct fg_conn_args *a)
{
	a->pid = fg_arg_u64(argc, argv, "pid", 0);
	a->ep = fg_process_by_pid(m, a->pid);
	if (!a->ep)
		fg_die(where, "%s: no process pid=%llu", directive, (unsigned long long)a->pid);
	const char *name = fg_arg(argc, argv, "name");
	a->unnamed = fg_arg_flag(argc, argv, "unnamed") || !name;
	a->dir[0] = 0;
	a->leaf = NULL;
	if (a->unnamed)
		return;
	if (name[0] != '\\')
		fg_die(where, "%s name= must be a full path", directive);
	fg_split_path(name, a->dir, sizeof(a->dir), &a->leaf);
}

const char *fg_server_label(int argc, char **argv, const char *label, char *buf, size_t size)
{
	const char *sl = fg_arg(argc, argv, "server");
	if (sl)
		return sl;
	snprintf(buf, size, "%s.server", label);
	return buf;
}
