/* wait_names.c — names of KTHREAD_STATE and KWAIT_REASON values: the
 * profile's constants first, the values common to every build otherwise. */
#include "model-priv.h"

/* Identical in every build covered (SEMANTICS.md §5). */
static const char *const state_names[] = {
	"Initialized", "Ready", "Running", "Standby", "Terminated", "Waiting", "Transition",
	"DeferredReady", "GateWait",
};

static const char *const reason_names[] = {
	"Executive", "FreePage", "PageIn", "PoolAllocation", "DelayExecution", "Suspended",
	"UserRequest", "WrExecutive", "WrFreePage", "WrPageIn", "WrPoolAllocation",
	"WrDelayExecution", "WrSuspended", "WrUserRequest", "WrEventPair", "WrQueue",
	"WrLpcReceive", "WrLpcReply", "WrVirtualMemory", "WrPageOut", "WrRendezvous",
};

static const char *const_or_table(const struct ld_kernel *k, const char *group, unsigned v,
				  const char *const *table, size_t n)
{
	const struct ld_profile *p = k ? ld_kernel_profile(k) : NULL;
	const char *name = p ? ld_profile_const_name(p, group, v) : NULL;
	if (name)
		return name;
	return v < n ? table[v] : "Unknown";
}

const char *ld_thread_state_name(const struct ld_kernel *k, unsigned state)
{
	return const_or_table(k, "KTHREAD_STATE", state, state_names, LD_ARRAY_SIZE(state_names));
}

const char *ld_wait_reason_name(const struct ld_kernel *k, unsigned reason)
{
	return const_or_table(k, "KWAIT_REASON", reason, reason_names, LD_ARRAY_SIZE(reason_names));
}
