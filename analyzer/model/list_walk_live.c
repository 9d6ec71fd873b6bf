/*
 * list_walk_live.c — lists read from a running machine (gdb://, mem://).
 *
 * A guest that keeps running changes its lists while we read them: an entry
 * unlinked between our reading its Flink and the next entry's Blink looks
 * exactly like corruption. Before the real walk (whose callback has side
 * effects and so cannot simply be repeated), a live target gets quiet
 * walks without a callback until one ends cleanly, a few times at most with
 * a short pause between them for the guest to finish its update. If the
 * list is still torn, the real walk goes ahead, reports how it ended as
 * always, and a warning says the list kept changing.
 */
#include "model-priv.h"

#include <time.h>

/* Five tries over ~10 ms ride out an insertion or removal in progress; a
 * list broken for longer than that is broken, not busy. */
#define LIVE_TRIES 5
#define LIVE_PAUSE_NS 2000000L

static bool torn(enum ld_walk_end e)
{
	return e == LD_WALK_CYCLE || e == LD_WALK_BAD_LINK || e == LD_WALK_UNREADABLE;
}

bool ld_walk_target_is_live(const struct ld_kernel *k)
{
	struct ld_source *src = ld_kernel_source(k);
	return src && ld_source_meta(src)->live;
}

void ld_list_settle_live(struct ld_kernel *k, uint64_t head, size_t limit, unsigned flags)
{
	struct ld_walk_result r = { .end = LD_WALK_DONE };
	for (int i = 0; i < LIVE_TRIES; i++) {
		if (i > 0) {
			struct timespec ts = { 0, LIVE_PAUSE_NS };
			nanosleep(&ts, NULL);
		}
		ld_list_walk_ex(k, head, limit, flags | LD_WALK_NO_SETTLE, NULL, NULL, &r);
		if (!torn(r.end))
			return;
		if (ld_source_status(ld_kernel_source(k)) != LD_OK)
			return;                 /* the target is gone, not busy: no point retrying */
	}
	ld_warn("list at 0x%llx kept changing on the live target: %s at 0x%llx in %d reads",
		(unsigned long long)head, ld_walk_end_name(r.end), (unsigned long long)r.bad_va, LIVE_TRIES);
}
