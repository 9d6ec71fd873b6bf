/* lpc_decoders.c — the decoders ld_lpc_model_build() tries, in order. The
 * first whose fits() accepts the kernel's profile decodes it: NT 5.x LPC
 * first (NT 6+ PDBs keep unused _LPCP_* types, but no ETHREAD LPC fields). */
#include "lpc-priv.h"

const struct ld_lpc_ops *const lpc_decoders[] = {
	&ld_lpc_nt5_ops,
	&ld_alpc_ops,
};
const size_t lpc_ndecoders = LD_ARRAY_SIZE(lpc_decoders);
