/* lpc_wait_object.c — what a thread that is not in an LPC wait is waiting on:
 * the first wait block's object, told apart by DISPATCHER_HEADER.Type. A
 * mutant names its owner thread, so the report can say who holds it. */
#include "lpc.h"

#include <stdio.h>
#include <string.h>

/* KOBJECTS values of the dispatcher objects, identical from NT 5.0 through
 * Windows 10 for 0-9 (ke.h): EventNotification 0, EventSynchronization 1,
 * Mutant 2, Process 3, Queue 4, Semaphore 5, Thread 6, Gate 7 (spare on
 * XP), TimerNotification 8, TimerSynchronization 9. */
static enum ld_wait_object_kind kind_of(uint8_t type)
{
	static const enum ld_wait_object_kind kinds[] = {
		LD_WOBJ_EVENT, LD_WOBJ_EVENT, LD_WOBJ_MUTANT, LD_WOBJ_PROCESS, LD_WOBJ_QUEUE,
		LD_WOBJ_SEMAPHORE, LD_WOBJ_THREAD, LD_WOBJ_OTHER, LD_WOBJ_TIMER, LD_WOBJ_TIMER,
	};
	/* Type is a byte, but NT 6.1+ keeps flags in the top bits of it on some
	 * builds' unions; the object kinds all fit in 7 bits. */
	type &= 0x7f;
	return type < LD_ARRAY_SIZE(kinds) ? kinds[type] : LD_WOBJ_OTHER;
}

/* KMUTANT: Header, MutantListEntry, OwnerThread. Profiles may lack _KMUTANT;
 * then the offset follows from the sizes of the two members before it. */
static bool mutant_owner_offset(const struct ld_profile *p, uint32_t *off)
{
	if (ld_profile_offset(p, "_KMUTANT", "OwnerThread", off) == LD_OK)
		return true;
	uint32_t hdr = ld_type_size(p, "_DISPATCHER_HEADER");
	uint32_t le = ld_type_size(p, "_LIST_ENTRY");
	if (!hdr || !le)
		return false;
	*off = hdr + le;
	return true;
}

static void read_mutant(struct ld_kernel *k, const struct ld_system *sys, struct ld_wait_object *o)
{
	const struct ld_profile *p = ld_kernel_profile(k);
	uint32_t off;
	uint64_t owner;
	if (!p || !mutant_owner_offset(p, &off) || ld_kernel_read_ptr(k, o->addr + off, &owner) != LD_OK)
		return;
	o->owner_thread = owner;
	for (size_t i = 0; sys && owner && i < sys->nthreads; i++)
		if (sys->threads[i].addr == owner)
			o->owner_index = i;
}

ld_status ld_wait_object_read(struct ld_kernel *k, const struct ld_system *sys, uint64_t obj,
			      struct ld_wait_object *out)
{
	memset(out, 0, sizeof(*out));
	out->addr = obj;
	out->owner_index = LD_LPC_NONE;
	const struct ld_profile *p = ld_kernel_profile(k);
	if (!p)
		return ld_fail(LD_ERR_NOT_FOUND, "no profile to decode wait object %#llx",
			       (unsigned long long)obj);
	struct ld_fref ftype, fsignal;
	if (ld_fref_init(p, "_DISPATCHER_HEADER", "Type", &ftype) != LD_OK)
		return ld_fail(LD_ERR_NOT_FOUND, "profile has no DISPATCHER_HEADER.Type");
	uint64_t type, signal;
	ld_status st = ld_read_field(k, obj, &ftype, &type);
	if (st != LD_OK)
		return ld_fail_ctx(st, "wait object %#llx", (unsigned long long)obj);
	out->readable = true;
	out->dispatcher_type = (uint8_t)type;
	out->kind = kind_of((uint8_t)type);
	if (ld_fref_init(p, "_DISPATCHER_HEADER", "SignalState", &fsignal) == LD_OK &&
	    ld_read_field(k, obj, &fsignal, &signal) == LD_OK)
		out->signal_state = (int32_t)signal;
	char path[LD_LPC_NAME_MAX];
	if (ld_object_path(k, obj, path, sizeof(path)) == LD_OK)
		snprintf(out->name, sizeof(out->name), "%s", path);
	switch (out->kind) {
	case LD_WOBJ_MUTANT:
		read_mutant(k, sys, out);
		break;
	case LD_WOBJ_THREAD:
		out->owner_thread = obj;   /* KTHREAD is at the start of ETHREAD */
		for (size_t i = 0; sys && i < sys->nthreads; i++)
			if (sys->threads[i].addr == obj)
				out->owner_index = i;
		break;
	case LD_WOBJ_PROCESS:
		out->process = obj;
		break;
	default:
		break;
	}
	return LD_OK;
}
