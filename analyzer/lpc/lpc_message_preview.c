/* lpc_message_preview.c — the bounded copy of a message's data both
 * decoders show: at most LD_LPC_PREVIEW_MAX bytes, and none at all (marked
 * truncated) when the data's memory is not in the dump. Where the data lies
 * is the decoder's own. */
#include "lpc-priv.h"

size_t lpc_preview_length(struct ld_lpc_message *msg)
{
	size_t n = msg->data_length;
	if (n > LD_LPC_PREVIEW_MAX) {
		n = LD_LPC_PREVIEW_MAX;
		msg->preview_truncated = true;
	}
	return n;
}

void lpc_preview_read(struct ld_kernel *k, struct ld_lpc_message *msg, uint64_t data, size_t n)
{
	if (data && ld_kernel_read(k, data, msg->preview, n) == LD_OK)
		msg->npreview = n;
	else
		msg->preview_truncated = true;   /* paged out or in a view: say so by showing none */
}
