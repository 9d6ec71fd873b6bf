/* alpc_decode.c — the ALPC decoder (ld_alpc_ops), NT 6.0 and later: the
 * order of the steps, each in its own file.
 *   1. threads' ALPC fields and roles            alpc_thread.c
 *   2. ports from handle tables, the namespace,
 *      the pool (opt-in)                         alpc_discover.c
 *   3. messages reply waiters hold, the ports they and the ports' shared
 *      CommunicationInfo name                    alpc_discover.c
 *   4. every port's queues and wait queue        alpc_port.c
 *   5. ports found by step 4's messages (again 4 for new ones)
 *   6. classify each reply wait                  alpc_classify.c */
#include "lpc-alpc-priv.h"

static bool alpc_fits(struct ld_kernel *k)
{
	struct alpc_fields f;
	bool fits;
	alpc_fields_init(ld_kernel_profile(k), &f, &fits);
	return fits;
}

static void alpc_prepare(struct ld_kernel *k)
{
	struct alpc_fields f;
	bool fits;
	alpc_fields_init(ld_kernel_profile(k), &f, &fits);
	if (fits)
		alpc_keep_thread_fields(k, &f);
}

static ld_status discover(struct alpc *d, const struct ld_lpc_opts *o)
{
	ld_status st = alpc_discover_ports(d);
	if (st == LD_OK && o && o->pool_scan)
		st = alpc_discover_pool(d);
	if (st == LD_OK)
		st = alpc_discover_links(d);
	return st;
}

static ld_status alpc_decode(struct ld_kernel *k, struct ld_lpc_model *m, const struct ld_lpc_opts *o)
{
	struct alpc d = { .k = k, .m = m };
	bool fits;
	alpc_fields_init(ld_kernel_profile(k), &d.f, &fits);
	if (!fits)
		return ld_fail(LD_ERR_UNSUPPORTED, "the profile lacks the ALPC structures");
	alpc_threads(&d);
	ld_status st = discover(&d, o);
	if (st == LD_OK)
		st = alpc_ports_walk(&d);
	if (st == LD_OK)
		st = alpc_classify(&d);
	return st;
}

const struct ld_lpc_ops ld_alpc_ops = {
	.name = "alpc",
	.flavor = LD_LPC_FLAVOR_ALPC,
	.fits = alpc_fits,
	.prepare = alpc_prepare,
	.decode = alpc_decode,
};
