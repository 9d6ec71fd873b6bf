/* lpc_port_find.c — what both decoders do alike to find ports: walk every
 * process's handle table and the object namespace for objects of their port
 * type, handing each to the decoder's own note function (which reads the
 * flavour's structure); and give communication ports their connection
 * port's name. */
#include "lpc-priv.h"

#include <stdio.h>

struct find_arg {
	const struct lpc_port_finder *f;
	ld_status st;
};

bool lpc_keep_going(ld_status *acc, ld_status st)
{
	if (st == LD_OK || st == LD_ERR_ARG)
		return true;
	*acc = st;
	return false;
}

static bool handle_cb(const struct ld_handle *h, void *arg)
{
	struct find_arg *a = arg;
	if (!a->f->is_port_type(h->obj.type_name))
		return true;
	size_t i;
	ld_status st = a->f->note(a->f->decoder, h->object, LD_FOUND_HANDLE, &i);
	if (st == LD_OK) {
		struct ld_lpc_port *p = &a->f->m->ports[i];
		if (!p->nhandles++)
			p->handle_pid = h->pid;
	}
	return lpc_keep_going(&a->st, st);
}

ld_status lpc_find_ports_by_handle(const struct lpc_port_finder *f)
{
	struct find_arg a = { .f = f, .st = LD_OK };
	for (size_t i = 0; i < f->m->sys->nprocesses && a.st == LD_OK; i++) {
		const struct ld_process *p = &f->m->sys->processes[i];
		if (!p->object_table)
			continue;
		if (ld_handles_walk(f->k, p, handle_cb, &a) != LD_OK && a.st == LD_OK)
			ld_warn("handle table of process %llu (%s): %s", (unsigned long long)p->pid, p->name,
				ld_errmsg());
	}
	return a.st;
}

static bool dirent_cb(const struct ld_dirent *e, void *arg)
{
	struct find_arg *a = arg;
	if (!a->f->is_port_type(e->type_name))
		return true;
	return lpc_keep_going(&a->st, a->f->note(a->f->decoder, e->object, LD_FOUND_DIRECTORY, NULL));
}

ld_status lpc_find_ports_in_directory(const struct lpc_port_finder *f)
{
	struct find_arg a = { .f = f, .st = LD_OK };
	if (ld_directory_walk(f->k, "\\", true, dirent_cb, &a) != LD_OK && a.st == LD_OK)
		ld_warn("object directory: %s", ld_errmsg());
	return a.st;
}

ld_status lpc_find_ports(const struct lpc_port_finder *f)
{
	ld_status st = lpc_find_ports_by_handle(f);
	return st == LD_OK ? lpc_find_ports_in_directory(f) : st;
}

void lpc_port_inherit_name(struct ld_lpc_model *m, struct ld_lpc_port *p)
{
	if (p->name_known || !p->connection_port || p->connection_port == p->addr)
		return;
	size_t c = ld_lpc_port_index(m, p->connection_port);
	if (c == LD_LPC_NONE || !m->ports[c].name_known)
		return;
	snprintf(p->name, sizeof(p->name), "%s", m->ports[c].name);
	p->name_known = true;
}

void lpc_port_read_name(struct ld_kernel *k, struct ld_lpc_port *p)
{
	char path[LD_LPC_NAME_MAX];
	if (ld_object_path(k, p->addr, path, sizeof(path)) == LD_OK && path[0]) {
		snprintf(p->name, sizeof(p->name), "%s", path);
		p->name_known = true;
	}
}
