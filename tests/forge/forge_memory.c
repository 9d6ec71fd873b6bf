/*
 * forge_memory.c — the forged machine's physical memory: RAM ranges with
 * holes, sparse pages (only pages that hold data exist), and PFNs handed out
 * pseudo-randomly so that physical order never follows virtual order.
 *
 * Directive: ram SIZE | ram BASE SIZE
 *   `ram SIZE` gives the PC layout: 0x1000-0x9f000 (below the VGA hole) plus
 *   1 MiB..SIZE. The first `ram BASE SIZE` replaces the default layout; more
 *   of them add ranges (holes in between are not RAM).
 */
#include "forge-priv.h"

#include <stdlib.h>
#include <string.h>

#pragma weak fg_objects_free
#pragma weak fg_lpc_free
#pragma weak fg_alpc_free

#define FG_DEFAULT_RAM (8ull << 20)
/* Below 1 MiB live the low stub and the firmware's pages; fresh allocations
 * stay above so that a scan of 0x1000..0x9f000 finds only what a test put
 * there on purpose. */
#define FG_LOW_PFN_END 0x100u

void *fg_xrealloc(void *p, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		fg_die(fg_where(), "out of memory");
	size_t bytes = n * size;
	void *q = realloc(p, bytes ? bytes : 1);
	if (!q)
		fg_die(fg_where(), "out of memory");
	return q;
}

char *fg_xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = fg_xrealloc(NULL, n, 1);
	memcpy(d, s, n);
	return d;
}

struct fg_core *fg_core(struct fg_machine *m)
{
	if (!m->core) {
		m->core = fg_xrealloc(NULL, 1, sizeof(struct fg_core));
		memset(m->core, 0, sizeof(struct fg_core));
	}
	return m->core;
}

void fg_machine_init(struct fg_machine *m, uint32_t seed)
{
	memset(m, 0, sizeof(*m));
	m->seed = seed;
	m->rng = seed;
	m->processors = 1;
	m->lowstub = true;
	m->bugcheck_code = 0xE2;           /* MANUALLY_INITIATED_CRASH */
	m->system_time = 0x01DA3C457689C000ull;   /* 2024-01-01T00:00:00Z */
	m->uptime_100ns = 3600ull * 10000000ull;  /* one hour */
	(void)fg_core(m);
}

/* splitmix64: small, fast, and every bit of the state matters. */
uint64_t fg_random(struct fg_machine *m)
{
	uint64_t z = (m->rng += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

void fg_machine_free(struct fg_machine *m)
{
	struct fg_core *c = m->core;
	/* A concern without a free hook keeps its state reachable from m. */
	if (fg_objects_free)
		fg_objects_free(m);
	if (fg_lpc_free)
		fg_lpc_free(m);
	if (fg_alpc_free)
		fg_alpc_free(m);
	for (size_t i = 0; i < m->npages; i++)
		free(m->pages[i].data);
	free(m->pages);
	if (c) {
		for (size_t i = 0; i < c->nvars; i++)
			free(c->vars[i].name);
		free(c->vars);
		free(c->reserved);
		free(c->edits);
		free(c->spaces);
		free(c->slot);
		free(c);
	}
	if (m->profiles)
		ld_profile_set_free(m->profiles);
	m->profiles = NULL;
	m->profile = NULL;
	m->pages = NULL;
	m->npages = m->cappages = 0;
	m->core = NULL;
}

/* ---- RAM ranges ---- */

static void ram_add(struct fg_machine *m, uint64_t base_pfn, uint64_t npages)
{
	if (m->nram == LD_ARRAY_SIZE(m->ram))
		fg_die(fg_where(), "too many RAM ranges (max %zu)", LD_ARRAY_SIZE(m->ram));
	for (size_t i = 0; i < m->nram; i++) {
		const struct fg_ram_range *r = &m->ram[i];
		if (base_pfn < r->base_pfn + r->npages && r->base_pfn < base_pfn + npages)
			fg_die(fg_where(), "RAM range 0x%llx overlaps another",
			       (unsigned long long)(base_pfn << LD_PAGE_SHIFT));
	}
	size_t at = m->nram;
	while (at > 0 && m->ram[at - 1].base_pfn > base_pfn) {
		m->ram[at] = m->ram[at - 1];
		at--;
	}
	m->ram[at] = (struct fg_ram_range){ base_pfn, npages };
	m->nram++;
}

void fg_ram_default(struct fg_machine *m, uint64_t size)
{
	if (size < (2ull << 20))
		fg_die(fg_where(), "RAM size 0x%llx too small (at least 2 MiB)", (unsigned long long)size);
	m->nram = 0;
	ram_add(m, 0x1, 0x9e);
	ram_add(m, 0x100, (size >> LD_PAGE_SHIFT) - 0x100);
}

int fg_dir_ram(struct fg_machine *m, int argc, char **argv, const char *where)
{
	struct fg_core *c = fg_core(m);
	if (argc == 2) {
		fg_ram_default(m, fg_parse_u64_or_die(where, "RAM size", argv[1]));
		c->ram_custom = false;
		return 0;
	}
	if (argc != 3)
		fg_die(where, "usage: ram SIZE | ram BASE SIZE");
	uint64_t base = fg_parse_u64_or_die(where, "RAM base", argv[1]);
	uint64_t size = fg_parse_u64_or_die(where, "RAM size", argv[2]);
	if ((base | size) & (LD_PAGE_SIZE - 1) || size == 0)
		fg_die(where, "RAM range must be page-aligned and not empty");
	if (!c->ram_custom) {
		m->nram = 0;
		c->ram_custom = true;
	}
	ram_add(m, base >> LD_PAGE_SHIFT, size >> LD_PAGE_SHIFT);
	return 0;
}

uint64_t fg_ram_pages(const struct fg_machine *m)
{
	uint64_t n = 0;
	for (size_t i = 0; i < m->nram; i++)
		n += m->ram[i].npages;
	return n;
}

uint64_t fg_max_pfn(const struct fg_machine *m)
{
	if (!m->nram)
		return 0;
	return m->ram[m->nram - 1].base_pfn + m->ram[m->nram - 1].npages;
}

static bool in_ram(const struct fg_machine *m, uint64_t pfn)
{
	for (size_t i = 0; i < m->nram; i++)
		if (pfn >= m->ram[i].base_pfn && pfn < m->ram[i].base_pfn + m->ram[i].npages)
			return true;
	return false;
}

/* ---- pages ---- */

/* Pages are found through a PFN-indexed slot table (O(1)); m->pages is
 * appended to while the scenario runs and sorted by PFN in fg_finish(), the
 * order the emitters walk. */
static uint32_t *slot_table(struct fg_machine *m)
{
	struct fg_core *c = fg_core(m);
	uint64_t need = fg_max_pfn(m);
	if (c->slot_cap < need) {
		if (need > (1ull << 28))
			fg_die(fg_where(), "forged RAM too large (at most 1 TiB)");
		c->slot = fg_xrealloc(c->slot, need, sizeof(*c->slot));
		memset(c->slot + c->slot_cap, 0, (need - c->slot_cap) * sizeof(*c->slot));
		c->slot_cap = need;
	}
	return c->slot;
}

static struct fg_page *page_of(const struct fg_machine *m, uint64_t pfn)
{
	const struct fg_core *c = m->core;
	if (!c || pfn >= c->slot_cap || !c->slot[pfn])
		return NULL;
	return &m->pages[c->slot[pfn] - 1];
}

bool fg_phys_present(const struct fg_machine *m, uint64_t pfn)
{
	return page_of(m, pfn) != NULL;
}

static int page_cmp(const void *a, const void *b)
{
	const struct fg_page *x = a, *y = b;
	return x->pfn < y->pfn ? -1 : x->pfn > y->pfn;
}

void fg_phys_sort(struct fg_machine *m)
{
	struct fg_core *c = fg_core(m);
	if (c->pages_sorted)
		return;
	qsort(m->pages, m->npages, sizeof(*m->pages), page_cmp);
	uint32_t *slot = slot_table(m);
	for (size_t i = 0; i < m->npages; i++)
		slot[m->pages[i].pfn] = (uint32_t)(i + 1);
	c->pages_sorted = true;
}

uint8_t *fg_phys_page(struct fg_machine *m, uint64_t pfn, bool create)
{
	struct fg_page *p = page_of(m, pfn);
	if (p)
		return p->data;
	if (!create)
		return NULL;
	if (!in_ram(m, pfn))
		fg_die(fg_where(), "physical page 0x%llx is outside RAM",
		       (unsigned long long)(pfn << LD_PAGE_SHIFT));
	if (m->npages >= UINT32_MAX - 1)
		fg_die(fg_where(), "too many forged pages");
	uint32_t *slot = slot_table(m);
	struct fg_core *c = fg_core(m);
	FG_GROW(m->pages, m->npages, m->cappages);
	uint8_t *data = fg_xrealloc(NULL, LD_PAGE_SIZE, 1);
	memset(data, 0, LD_PAGE_SIZE);
	m->pages[m->npages] = (struct fg_page){ pfn, data };
	slot[pfn] = (uint32_t)++m->npages;
	/* After fg_finish() the emitters rely on the order: keep it. */
	bool was_sorted = c->pages_sorted;
	c->pages_sorted = m->npages == 1 || (was_sorted && m->pages[m->npages - 2].pfn < pfn);
	if (was_sorted && !c->pages_sorted && c->finished)
		fg_phys_sort(m);
	return data;
}

bool fg_phys_reserved(const struct fg_machine *m, uint64_t pfn)
{
	const struct fg_core *c = m->core;
	for (size_t i = 0; c && i < c->nreserved; i++)
		if (pfn >= c->reserved[i].base && pfn < c->reserved[i].base + c->reserved[i].n)
			return true;
	return false;
}

static bool pfn_free(const struct fg_machine *m, uint64_t pfn)
{
	return !fg_phys_present(m, pfn) && !fg_phys_reserved(m, pfn);
}

/* The n-th RAM page within [lo, hi). */
static uint64_t ram_nth(const struct fg_machine *m, uint64_t n, uint64_t lo, uint64_t hi)
{
	for (size_t i = 0; i < m->nram; i++) {
		uint64_t base = m->ram[i].base_pfn, end = base + m->ram[i].npages;
		base = base < lo ? lo : base;
		end = end > hi ? hi : end;
		if (base >= end)
			continue;
		if (n < end - base)
			return base + n;
		n -= end - base;
	}
	return UINT64_MAX;
}

static uint64_t ram_count(const struct fg_machine *m, uint64_t lo, uint64_t hi)
{
	uint64_t n = 0;
	for (size_t i = 0; i < m->nram; i++) {
		uint64_t base = m->ram[i].base_pfn, end = base + m->ram[i].npages;
		base = base < lo ? lo : base;
		end = end > hi ? hi : end;
		if (base < end)
			n += end - base;
	}
	return n;
}

/* A random free page in [lo, hi): a random start, then a linear probe
 * (deterministic, and quick while memory is mostly free). */
static uint64_t alloc_from(struct fg_machine *m, uint64_t lo, uint64_t hi)
{
	uint64_t total = ram_count(m, lo, hi);
	if (!total)
		return UINT64_MAX;
	uint64_t start = fg_random(m) % total;
	for (uint64_t k = 0; k < total; k++) {
		uint64_t pfn = ram_nth(m, (start + k) % total, lo, hi);
		if (pfn_free(m, pfn))
			return pfn;
	}
	return UINT64_MAX;
}

/* Single pages come from the lower half of RAM while it lasts, so that the
 * upper half keeps aligned runs free for large pages. */
uint64_t fg_phys_alloc(struct fg_machine *m)
{
	uint64_t half = fg_max_pfn(m) / 2;
	uint64_t pfn = alloc_from(m, FG_LOW_PFN_END, half);
	if (pfn == UINT64_MAX)
		pfn = alloc_from(m, FG_LOW_PFN_END, UINT64_MAX);
	if (pfn == UINT64_MAX)
		pfn = alloc_from(m, 0, UINT64_MAX);
	if (pfn == UINT64_MAX)
		fg_die(fg_where(), "out of forged RAM (%llu pages): raise `ram`",
		       (unsigned long long)fg_ram_pages(m));
	(void)fg_phys_page(m, pfn, true);
	return pfn;
}

static bool run_free(const struct fg_machine *m, uint64_t base, uint64_t n)
{
	/* One RAM range must hold it all: no hole inside. */
	bool inside = false;
	for (size_t i = 0; i < m->nram; i++) {
		const struct fg_ram_range *r = &m->ram[i];
		if (base >= r->base_pfn && base + n <= r->base_pfn + r->npages)
			inside = true;
	}
	if (!inside)
		return false;
	for (uint64_t k = 0; k < n; k++)
		if (fg_phys_present(m, base + k))
			return false;
	const struct fg_core *c = m->core;
	for (size_t k = 0; c && k < c->nreserved; k++)
		if (base < c->reserved[k].base + c->reserved[k].n && c->reserved[k].base < base + n)
			return false;
	return true;
}

uint64_t fg_phys_alloc_run(struct fg_machine *m, uint64_t n, uint64_t align)
{
	if (!n || !align || (align & (align - 1)))
		fg_die(fg_where(), "bad physical run request (%llu pages, align %llu)",
		       (unsigned long long)n, (unsigned long long)align);
	uint64_t first = (FG_LOW_PFN_END + align - 1) & ~(align - 1);
	uint64_t max = fg_max_pfn(m);
	if (max < first + n)
		fg_die(fg_where(), "no room for %llu contiguous pages: raise `ram`", (unsigned long long)n);
	uint64_t slots = (max - n - first) / align + 1;
	uint64_t start = fg_random(m) % slots;
	for (uint64_t k = 0; k < slots; k++) {
		uint64_t base = first + ((start + k) % slots) * align;
		if (!run_free(m, base, n))
			continue;
		struct fg_core *c = fg_core(m);
		FG_GROW(c->reserved, c->nreserved, c->capreserved);
		c->reserved[c->nreserved++] = (struct fg_run){ base, n };
		return base;
	}
	fg_die(fg_where(), "no free run of %llu contiguous pages aligned to %llu: raise `ram`",
	       (unsigned long long)n, (unsigned long long)align);
}

/* ---- building the machine ---- */

void fg_machine_setup(struct fg_machine *m)
{
	if (m->ready)
		return;
	if (m->arch != LD_ARCH_X86 && m->arch != LD_ARCH_X86_PAE && m->arch != LD_ARCH_X64)
		fg_die(fg_where(), "no architecture: give `profile NAME` or `arch x86|x86-pae|x64`");
	if (!m->build)
		fg_die(fg_where(), "no build number: give `profile NAME` or `build N`");
	if (!m->nram)
		fg_ram_default(m, FG_DEFAULT_RAM);
	if (m->arch == LD_ARCH_X86 && fg_max_pfn(m) > (1ull << 20))
		fg_die(fg_where(), "non-PAE x86 addresses at most 4 GiB of RAM");
	fg_kernel_defaults(m);
	fg_kva_setup(m);
	fg_paging_setup(m);
	m->ready = true;
	fg_kernel_setup(m);
}
