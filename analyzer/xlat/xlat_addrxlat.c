/*
 * xlat_addrxlat.c — the hardware page-table walk, done by libaddrxlat over
 * our physical source.
 *
 * libaddrxlat reads page-table pages through a get-page callback; ours lends
 * them from a small cache in front of ld_source_read() (see ld_ptc_entry for
 * why lent slots are pinned). The walk is driven
 * step by step (addrxlat_launch/addrxlat_step) rather than in one call so
 * that when it stops at a not-present entry we know the entry and its level
 * and can look at it as a Windows software PTE. A page table held in a
 * transition PDE is still in RAM, so the walk continues below it by hand.
 */
#include "xlat-priv.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static void put_page(const addrxlat_buffer_t *buf)
{
	struct ld_ptc_entry *e = buf->priv;
	if (e->heap)
		free(e);
	else if (e->pins)
		e->pins--;
}

/* The page at pa lent to libaddrxlat: a cache slot, pinned, or a heap copy
 * when the slot is pinned by another page. NULL with *st set on failure. */
static struct ld_ptc_entry *lend_page(struct ld_vas *vas, uint64_t pa, ld_status *st)
{
	uint64_t key = (pa >> LD_PAGE_SHIFT) + 1;
	struct ld_ptc_entry *e = &vas->ptc[(pa >> LD_PAGE_SHIFT) % LD_PTC_SIZE];

	if (e->pa_page != key && e->pins) {
		e = malloc(sizeof *e);
		if (!e) {
			*st = ld_fail(LD_ERR_NOMEM, "page table copy");
			return NULL;
		}
		e->heap = true;
		e->pa_page = 0;
	}
	if (e->pa_page != key) {
		e->pa_page = 0;
		*st = ld_source_read(vas->src, pa, e->data, LD_PAGE_SIZE);
		if (*st != LD_OK) {
			if (e->heap)
				free(e);
			return NULL;
		}
		e->pa_page = key;
	}
	if (!e->heap)
		e->pins++;
	return e;
}

static addrxlat_status get_page(const addrxlat_cb_t *cb, addrxlat_buffer_t *buf)
{
	struct ld_vas *vas = cb->priv;
	uint64_t pa = buf->addr.addr & ~(uint64_t)(LD_PAGE_SIZE - 1);
	ld_status st = LD_OK;

	if (buf->addr.as != ADDRXLAT_MACHPHYSADDR && buf->addr.as != ADDRXLAT_KPHYSADDR)
		return addrxlat_ctx_err(vas->ctx, ADDRXLAT_ERR_NOMETH, "not a physical address");
	struct ld_ptc_entry *e = lend_page(vas, pa, &st);
	if (!e) {
		vas->read_status = st;
		vas->read_fail_pa = buf->addr.addr;
		return addrxlat_ctx_err(vas->ctx, ADDRXLAT_ERR_NODATA, "page table page missing");
	}
	buf->priv = e;
	buf->addr.addr = pa;
	buf->ptr = e->data;
	buf->size = LD_PAGE_SIZE;
	buf->byte_order = ADDRXLAT_LITTLE_ENDIAN;
	buf->put_page = put_page;
	return ADDRXLAT_OK;
}

static unsigned long read_caps(const addrxlat_cb_t *cb)
{
	(void)cb;
	return ADDRXLAT_CAPS(ADDRXLAT_MACHPHYSADDR) | ADDRXLAT_CAPS(ADDRXLAT_KPHYSADDR);
}

/* The paging form of each architecture: field sizes from the page offset up. */
static void set_paging_form(addrxlat_paging_form_t *pf, enum ld_arch arch)
{
	static const unsigned short x86[] = { 12, 10, 10 };
	static const unsigned short pae[] = { 12, 9, 9, 2 };
	static const unsigned short x64[] = { 12, 9, 9, 9, 9 };
	const unsigned short *f = x64;
	unsigned short n = 5;

	pf->pte_format = ADDRXLAT_PTE_X86_64;
	if (arch == LD_ARCH_X86) {
		pf->pte_format = ADDRXLAT_PTE_IA32;
		f = x86;
		n = 3;
	} else if (arch == LD_ARCH_X86_PAE) {
		pf->pte_format = ADDRXLAT_PTE_IA32_PAE;
		f = pae;
		n = 4;
	}
	pf->nfields = n;
	memcpy(pf->fieldsz, f, n * sizeof *f);
}

ld_status ld_xlat_hw_init(struct ld_vas *vas)
{
	vas->ctx = addrxlat_ctx_new();
	if (!vas->ctx)
		return ld_fail(LD_ERR_NOMEM, "creating the address translation context");
	vas->cb = addrxlat_ctx_add_cb(vas->ctx);
	if (!vas->cb) {
		addrxlat_ctx_decref(vas->ctx);
		vas->ctx = NULL;
		return ld_fail(LD_ERR_NOMEM, "creating the address translation callbacks");
	}
	vas->cb->priv = vas;
	vas->cb->get_page = get_page;
	vas->cb->read_caps = read_caps;

	memset(&vas->meth, 0, sizeof vas->meth);
	vas->meth.kind = ADDRXLAT_PGT;
	vas->meth.target_as = ADDRXLAT_MACHPHYSADDR;
	vas->meth.param.pgt.root.addr = vas->dtb;
	vas->meth.param.pgt.root.as = ADDRXLAT_MACHPHYSADDR;
	set_paging_form(&vas->meth.param.pgt.pf, vas->arch);
	return LD_OK;
}

void ld_xlat_hw_fini(struct ld_vas *vas)
{
	if (!vas->ctx)
		return;
	addrxlat_ctx_del_cb(vas->ctx, vas->cb);
	addrxlat_ctx_decref(vas->ctx);
	vas->ctx = NULL;
	vas->cb = NULL;
}

/* Page size of a leaf found at level (1 = PTE). */
static uint64_t leaf_size(enum ld_arch arch, unsigned level)
{
	if (level <= 1)
		return LD_PAGE_SIZE;
	if (arch == LD_ARCH_X86)
		return 4ull << 20;
	return level == 2 ? 2ull << 20 : 1ull << 30;
}

static unsigned entry_size(enum ld_arch arch)
{
	return arch == LD_ARCH_X86 ? 4 : 8;
}

static uint64_t table_index(enum ld_arch arch, uint64_t va, unsigned level)
{
	if (arch == LD_ARCH_X86)
		return (va >> (12 + 10 * (level - 1))) & 0x3ff;
	return (va >> (12 + 9 * (level - 1))) & 0x1ff;
}

/* The physical frame bits of a valid entry. */
static uint64_t frame_bits(enum ld_arch arch, uint64_t e)
{
	if (arch == LD_ARCH_X86)
		return e & 0xfffff000ull;
	return e & 0x000ffffffffff000ull;
}

static ld_status report_missing_table(struct ld_vas *vas, uint64_t va, unsigned level,
				      struct ld_xlat_result *res)
{
	res->kind = LD_PTE_BAD;
	res->level = level;
	ld_status st = vas->read_status != LD_OK ? vas->read_status : LD_ERR_NOT_PRESENT;
	if (st == LD_ERR_NOT_PRESENT)
		return ld_fail(st, "VA 0x%" PRIx64 ": level %u page table at PA 0x%" PRIx64
			       " is not in the dump", va, level, vas->read_fail_pa);
	return ld_fail_ctx(st, "VA 0x%" PRIx64 ": reading the level %u page table", va, level);
}

/*
 * Below a transition entry at level `level` (its table at table_pa): walk
 * the remaining levels ourselves. At most three more entries are read, so
 * the loop is bounded whatever the tables say.
 */
static ld_status walk_below_transition(struct ld_vas *vas, uint64_t va, uint64_t table_pa,
				       unsigned level, struct ld_xlat_result *res)
{
	unsigned esz = entry_size(vas->arch);

	while (level > 1) {
		uint8_t raw[8];
		level--;
		uint64_t at = table_pa + table_index(vas->arch, va, level) * esz;
		/* Rare path: read the one entry, not through the lent-page cache. */
		ld_status st = ld_source_read(vas->src, at, raw, esz);
		if (st != LD_OK) {
			vas->read_status = st;
			vas->read_fail_pa = at;
			return report_missing_table(vas, va, level, res);
		}
		uint64_t e = esz == 4 ? ld_le32(raw) : ld_le64(raw);
		if (!(e & 1)) {
			st = ld_pte_decode_software(vas->arch, &vas->opts, va, e, level, res);
			if (st != LD_OK || level == 1)
				return st;
			table_pa = res->pa & ~(uint64_t)(LD_PAGE_SIZE - 1);
			continue;
		}
		res->entry = e;
		res->level = level;
		if (level > 1 && (e & 0x80)) {
			uint64_t size = leaf_size(vas->arch, level);
			res->kind = LD_PTE_LARGE;
			res->page_size = size;
			res->pa = (frame_bits(vas->arch, e) & ~(size - 1)) | (va & (size - 1));
			return LD_OK;
		}
		table_pa = frame_bits(vas->arch, e);
		if (level == 1) {
			res->kind = LD_PTE_VALID;
			res->page_size = LD_PAGE_SIZE;
			res->pa = table_pa | (va & (LD_PAGE_SIZE - 1));
			return LD_OK;
		}
	}
	return LD_OK;
}

static ld_status not_present(struct ld_vas *vas, uint64_t va, uint64_t e, unsigned level,
			     struct ld_xlat_result *res)
{
	ld_status st = ld_pte_decode_software(vas->arch, &vas->opts, va, e, level, res);
	if (st != LD_OK || level <= 1)
		return st;
	/* A page table in transition: the table itself is still in RAM. */
	return walk_below_transition(vas, va, res->pa & ~(uint64_t)(LD_PAGE_SIZE - 1), level, res);
}

ld_status ld_xlat_hw_walk(struct ld_vas *vas, uint64_t va, struct ld_xlat_result *res)
{
	addrxlat_step_t step;
	memset(&step, 0, sizeof step);
	step.ctx = vas->ctx;
	step.sys = NULL;
	step.meth = &vas->meth;
	memset(res, 0, sizeof *res);
	if (!vas->ctx) {
		res->kind = LD_PTE_BAD;
		return ld_fail(LD_ERR_NOMEM, "VA 0x%" PRIx64 ": no translation context", va);
	}
	vas->read_status = LD_OK;
	addrxlat_ctx_clear_err(vas->ctx);
	addrxlat_status st = addrxlat_launch(&step, va);
	if (st != ADDRXLAT_OK) {
		res->kind = LD_PTE_NONE;
		return ld_fail(LD_ERR_UNMAPPED, "VA 0x%" PRIx64 ": not a valid %s address (%s)", va,
			       ld_arch_name(vas->arch), addrxlat_ctx_get_err(vas->ctx));
	}
	/* libaddrxlat reads the entry of level (remain - 1) in each step and
	 * leaves remain at 1 after a large-page entry; remain 0 means done. */
	unsigned level = step.remain;
	while (step.remain) {
		unsigned before = step.remain;
		st = addrxlat_step(&step);
		if (st == ADDRXLAT_ERR_NOTPRESENT)
			return not_present(vas, va, step.raw.pte, before - 1, res);
		if (st == ADDRXLAT_ERR_NODATA)
			return report_missing_table(vas, va, before - 1, res);
		if (st != ADDRXLAT_OK) {
			res->kind = LD_PTE_BAD;
			return ld_fail(LD_ERR_CORRUPT, "VA 0x%" PRIx64 ": page-table walk failed: %s", va,
				       addrxlat_ctx_get_err(vas->ctx));
		}
		if (step.remain)
			level = before - 1;
	}
	res->entry = step.raw.pte;
	res->level = level;
	res->page_size = leaf_size(vas->arch, level);
	res->kind = level > 1 ? LD_PTE_LARGE : LD_PTE_VALID;
	res->pa = step.base.addr;
	return LD_OK;
}
