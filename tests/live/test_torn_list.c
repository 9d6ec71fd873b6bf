/*
 * test_torn_list.c — list walks on a live target (analyzer/model/list_walk_live.c).
 *
 * A fake kernel holds a three-entry list whose middle entry's Blink reads
 * wrong for the first N reads (an unlink in progress on a running guest),
 * then right. Checked:
 *  - live, heals after two reads: the walk ends "done" with all entries, the
 *    callback sees each entry once, no warning;
 *  - live, never heals: the walk ends "bad-link" and one warning says the
 *    list kept changing;
 *  - not live: no retry at all (one read of the torn link), no warning.
 */
#include "analyzer/model/model.h"
#include "analyzer/source/source.h"

#include <stdio.h>
#include <string.h>

#define HEAD 0xfffff80000001000ull
#define E1 0xfffff80000002000ull
#define E2 0xfffff80000003000ull
#define E3 0xfffff80000004000ull

struct ld_kernel {
	bool live;
	int torn_reads;              /* reads of E2's Blink that still see the old value */
	int blink_reads;
};

static struct ld_source_meta fake_meta;

/* Flink/Blink of each entry. */
static bool entry_links(uint64_t va, uint64_t *flink, uint64_t *blink)
{
	static const uint64_t ring[] = { HEAD, E1, E2, E3 };
	for (size_t i = 0; i < 4; i++)
		if (ring[i] == va) {
			*flink = ring[(i + 1) % 4];
			*blink = ring[(i + 3) % 4];
			return true;
		}
	return false;
}

ld_status ld_kernel_read_ptr(struct ld_kernel *k, uint64_t va, uint64_t *v)
{
	uint64_t f, b;
	if (entry_links(va, &f, &b)) {
		*v = f;
		return LD_OK;
	}
	if (entry_links(va - 8, &f, &b)) {
		if (va - 8 == E2 && k->blink_reads++ < k->torn_reads)
			b = HEAD;                /* E1 is being unlinked: not yet consistent */
		*v = b;
		return LD_OK;
	}
	return ld_fail(LD_ERR_NOT_PRESENT, "fake: 0x%llx", (unsigned long long)va);
}

unsigned ld_kernel_ptr_size(const struct ld_kernel *k)
{
	return 8;
}

bool ld_kernel_is_kva(const struct ld_kernel *k, uint64_t va)
{
	return va >= 0xffff800000000000ull;
}

/* The source only matters for its live flag. */
struct ld_source *ld_kernel_source(const struct ld_kernel *k)
{
	fake_meta.live = k->live;
	return (struct ld_source *)&fake_meta;
}

const struct ld_source_meta *ld_source_meta(const struct ld_source *src)
{
	return (const struct ld_source_meta *)src;
}

ld_status ld_source_status(struct ld_source *src)
{
	return LD_OK;                    /* the fake target never goes away */
}

static bool count_entry(struct ld_kernel *k, uint64_t entry, void *arg)
{
	(*(int *)arg)++;
	return true;
}

static int fails;

static void expect(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "FAIL: %s\n", what);
		fails++;
	}
}

static void run(struct ld_kernel *k, struct ld_walk_result *r, int *seen)
{
	ld_warn_clear();
	*seen = 0;
	ld_list_walk(k, HEAD, 0, count_entry, seen, r);
}

int main(void)
{
	struct ld_walk_result r;
	int seen;

	struct ld_kernel heals = { .live = true, .torn_reads = 2 };
	run(&heals, &r, &seen);
	expect(r.end == LD_WALK_DONE, "live, heals: walk ends done");
	expect(r.count == 3 && seen == 3, "live, heals: three entries, each seen once");
	expect(ld_warn_count() == 0, "live, heals: no warning");

	struct ld_kernel broken = { .live = true, .torn_reads = 1000 };
	run(&broken, &r, &seen);
	expect(r.end == LD_WALK_BAD_LINK && r.bad_va == E2, "live, broken: bad-link at E2");
	expect(ld_warn_count() == 1 && strstr(ld_warn_get(0), "kept changing on the live target"),
	       "live, broken: one warning that the list kept changing");

	struct ld_kernel dump = { .live = false, .torn_reads = 1 };
	run(&dump, &r, &seen);
	expect(r.end == LD_WALK_BAD_LINK, "dump: torn link reported as is");
	expect(dump.blink_reads == 1, "dump: no retry");
	expect(ld_warn_count() == 0, "dump: no warning from the walker");

	if (fails == 0)
		printf("test_torn_list: all checks passed\n");
	return fails ? 1 : 0;
}
