/* lpc_server_gone.c — the part of "is the server gone?" both decoders ask
 * alike: the server process a wait was traced to is no longer in the
 * process list, or is exiting. What the ports say is the flavour's own. */
#include "lpc-priv.h"

const char *lpc_server_process_gone(const struct ld_lpc_model *m, const struct ld_lpc_wait *w)
{
	if (!w->server_known)
		return NULL;
	const struct ld_process *pr = lpc_process_by_addr(m, w->server_process);
	if (!pr)
		return "the server process is not in the process list";
	if (pr->exiting)
		return "the server process is exiting";
	return NULL;
}
