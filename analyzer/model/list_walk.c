/* list_walk.c — the one LIST_ENTRY walker: bounded, cycle-safe without
 * allocation (Brent's algorithm), back-link checked, and it says how it ended. */
#include "model-priv.h"

static const char *const walk_end_names[] = {
	[LD_WALK_DONE] = "done",
	[LD_WALK_CYCLE] = "cycle",
	[LD_WALK_LIMIT] = "limit",
	[LD_WALK_UNREADABLE] = "unreadable",
	[LD_WALK_BAD_LINK] = "bad-link",
	[LD_WALK_STOPPED] = "stopped",
	[LD_WALK_INTERRUPTED] = "interrupted",
};

const char *ld_walk_end_name(enum ld_walk_end e)
{
	if ((unsigned)e >= LD_ARRAY_SIZE(walk_end_names) || !walk_end_names[e])
		return "?";
	return walk_end_names[e];
}

static void walk_end(struct ld_walk_result *res, enum ld_walk_end e, uint64_t bad)
{
	res->end = e;
	res->bad_va = bad;
}

/* Brent: the tortoise jumps to the hare at each power of two; meeting it
 * again means a loop that does not pass through the head. */
struct brent {
	uint64_t tortoise;
	size_t power, lam;
};

static bool brent_step(struct brent *b, uint64_t cur)
{
	if (cur == b->tortoise)
		return true;
	if (b->lam == b->power) {
		b->tortoise = cur;
		b->power *= 2;
		b->lam = 0;
	}
	b->lam++;
	return false;
}

/* The next link after cur, checked: readable, kernel, non-NULL, and its Blink
 * must point back at cur. */
static bool walk_next(struct ld_kernel *k, uint64_t cur, unsigned flags, uint64_t *next,
		      struct ld_walk_result *res)
{
	unsigned ps = ld_kernel_ptr_size(k);
	uint64_t n, back;
	if (ld_kernel_read_ptr(k, cur, &n) != LD_OK) {
		walk_end(res, LD_WALK_UNREADABLE, cur);
		return false;
	}
	if (n == 0 || !ld_kernel_is_kva(k, n)) {
		walk_end(res, LD_WALK_BAD_LINK, cur);
		return false;
	}
	if (flags & LD_WALK_NO_BACKLINK) {
		*next = n;
		return true;
	}
	if (ld_kernel_read_ptr(k, n + ps, &back) != LD_OK) {
		walk_end(res, LD_WALK_UNREADABLE, n);
		return false;
	}
	if (back != cur) {
		walk_end(res, LD_WALK_BAD_LINK, n);
		return false;
	}
	*next = n;
	return true;
}

void ld_list_walk(struct ld_kernel *k, uint64_t head, size_t limit, ld_walk_fn fn, void *arg,
		  struct ld_walk_result *res)
{
	ld_list_walk_ex(k, head, limit, 0, fn, arg, res);
}

void ld_list_walk_ex(struct ld_kernel *k, uint64_t head, size_t limit, unsigned flags, ld_walk_fn fn,
		     void *arg, struct ld_walk_result *res)
{
	res->count = 0;
	walk_end(res, LD_WALK_DONE, 0);
	if (limit == 0)
		limit = LD_WALK_DEFAULT_LIMIT;
	if (head == 0 || !ld_kernel_is_kva(k, head)) {
		walk_end(res, LD_WALK_BAD_LINK, head);
		return;
	}
	if (!(flags & LD_WALK_NO_SETTLE) && ld_walk_target_is_live(k))
		ld_list_settle_live(k, head, limit, flags);
	struct brent b = { .tortoise = head, .power = 1, .lam = 0 };
	uint64_t cur = head;
	for (;;) {
		uint64_t next;
		if (!walk_next(k, cur, flags, &next, res))
			return;
		if (next == head)
			return;   /* LD_WALK_DONE */
		if (brent_step(&b, next)) {
			walk_end(res, LD_WALK_CYCLE, next);
			return;
		}
		if (res->count >= limit) {
			walk_end(res, LD_WALK_LIMIT, next);
			return;
		}
		if (ld_check_interrupt()) {
			walk_end(res, LD_WALK_INTERRUPTED, next);
			return;
		}
		res->count++;
		if (fn && !fn(k, next, arg)) {
			walk_end(res, LD_WALK_STOPPED, next);
			return;
		}
		cur = next;
	}
}
