/* lpc_decoders.c — the decoders ld_lpc_model_build() tries, in order. The
 * first whose fits() accepts the kernel's profile decodes it. The ALPC
 * decoder (alpc_decode.c, ld_alpc_ops) is added here when it lands. */
#include "lpc-priv.h"

const struct ld_lpc_ops *const lpc_decoders[] = {
	&ld_lpc_nt5_ops,
};
const size_t lpc_ndecoders = LD_ARRAY_SIZE(lpc_decoders);
