/* lpc_decode.c — the NT 5.x LPC decoder (ld_lpc_nt5_ops): the order of the
 * steps, each in its own file.
 *   1. threads' LPC fields and roles            lpc_nt5_thread.c
 *   2. ports from handle tables, the namespace,
 *      the pool (opt-in)                        lpc_nt5_discover.c, lpc_nt5_pool.c
 *   3. messages threads hold, ports they point at
 *   4. every port's queues and chains           lpc_nt5_port.c
 *   5. ports messages were sent from (again 4 for new ones)
 *   6. receivers on waitable ports' WaitEvent   lpc_nt5_thread.c
 *   7. classify each reply/connect wait         lpc_nt5_classify.c */
#include "lpc-nt5-priv.h"

#include <stdlib.h>

static bool nt5_fits(struct ld_kernel *k)
{
	struct lpc_nt5_fields f;
	bool fits;
	(void)lpc_nt5_fields_init(ld_kernel_profile(k), &f, &fits);
	return fits;
}

static void nt5_prepare(struct ld_kernel *k)
{
	struct lpc_nt5_fields f;
	bool fits;
	if (lpc_nt5_fields_init(ld_kernel_profile(k), &f, &fits) == LD_OK && fits)
		lpc_nt5_keep_thread_fields(k, &f);
}

static ld_status held_messages(struct lpc_nt5 *d)
{
	for (size_t i = 0; i < d->m->sys->nthreads; i++) {
		uint64_t msg = d->m->threads[i].reply_message;
		if (!msg || !ld_kernel_is_kva(d->k, msg))
			continue;
		ld_status st = lpc_nt5_message_note(d, msg, LD_FOUND_THREAD, LD_MSG_THREAD, 0, NULL);
		if (st != LD_OK && st != LD_ERR_ARG)
			return st;
	}
	return LD_OK;
}

static ld_status discover(struct lpc_nt5 *d, const struct ld_lpc_opts *o)
{
	ld_status st = lpc_nt5_discover_ports(d);
	if (st == LD_OK && o && o->pool_scan)
		st = lpc_nt5_discover_pool(d);
	if (st == LD_OK)
		st = held_messages(d);
	if (st == LD_OK)
		st = lpc_nt5_discover_links(d);
	return st;
}

static ld_status nt5_decode(struct ld_kernel *k, struct ld_lpc_model *m, const struct ld_lpc_opts *o)
{
	struct lpc_nt5 d = { .k = k, .m = m };
	bool fits;
	ld_status st = lpc_nt5_fields_init(ld_kernel_profile(k), &d.f, &fits);
	if (st != LD_OK)
		return st;
	if (!fits)
		return ld_fail(LD_ERR_UNSUPPORTED, "the profile lacks the NT 5.x LPC structures");
	size_t n = m->sys->nthreads ? m->sys->nthreads : 1;
	d.rundown_port = ld_xcalloc(n, sizeof(size_t));
	if (!d.rundown_port)
		return ld_fail_ctx(LD_ERR_NOMEM, "LPC decode");
	for (size_t i = 0; i < n; i++)
		d.rundown_port[i] = LD_LPC_NONE;
	lpc_nt5_threads(&d);
	st = discover(&d, o);
	if (st == LD_OK)
		st = lpc_nt5_ports_walk(&d);
	if (st == LD_OK) {
		lpc_nt5_waitable_receivers(&d);
		st = lpc_nt5_classify(&d);
	}
	free(d.rundown_port);
	free(d.empty_lists);
	return st;
}

const struct ld_lpc_ops ld_lpc_nt5_ops = {
	.name = "lpc-nt5",
	.flavor = LD_LPC_FLAVOR_LPC,
	.fits = nt5_fits,
	.prepare = nt5_prepare,
	.decode = nt5_decode,
};
