/*
 * page_bitmap.c — a presence bitmap with a rank index: PFN → file offset in O(1).
 *
 * Bitmap dumps (types 2, 5, 6) store one bit per PFN and the present pages
 * back to back in PFN order, so a page's place in the file is the number of
 * set bits before it. rank[b] caches that count at the start of each block of
 * 512 bits; a lookup adds at most eight word popcounts. The bitmap itself is
 * the only thing kept in memory: 32 KiB per GiB of physical address space.
 */
#include "source-priv.h"

#include <stdlib.h>
#include <string.h>

#define WORD_BITS 64u
#define BLOCK_WORDS 8u
#define BLOCK_BITS (WORD_BITS * BLOCK_WORDS)
/* The bitmap is held in memory; its size comes from the dump. */
#define MAX_BITMAP_BYTES (LD_ALLOC_CAP / 2)
#define READ_CHUNK ((size_t)64 << 10)

static unsigned popcount64(uint64_t w)
{
	return (unsigned)__builtin_popcountll(w);
}

static uint64_t nwords(uint64_t nbits)
{
	return (nbits + WORD_BITS - 1) / WORD_BITS;
}

/* Read the bitmap bytes (LSB first) into 64-bit words. */
static ld_status read_bits(struct ld_pagemap *pm, struct ld_file *f, uint64_t off, const char *what)
{
	uint64_t nbytes = (pm->nbits + 7) / 8;
	uint64_t nw = nwords(pm->nbits);
	pm->bits = ld_xcalloc((size_t)nw + 1, sizeof(uint64_t));
	if (!pm->bits)
		return LD_ERR_NOMEM;
	uint8_t *chunk = ld_xcalloc(1, READ_CHUNK);
	if (!chunk)
		return LD_ERR_NOMEM;
	ld_status st = LD_OK;
	for (uint64_t done = 0; done < nbytes && st == LD_OK;) {
		size_t n = nbytes - done < READ_CHUNK ? (size_t)(nbytes - done) : READ_CHUNK;
		st = ld_file_read(f, off + done, chunk, n);
		for (size_t i = 0; st == LD_OK && i < n; i++)
			pm->bits[(done + i) / 8] |= (uint64_t)chunk[i] << (8 * ((done + i) % 8));
		done += n;
	}
	free(chunk);
	if (st)
		return ld_fail_ctx(st, "%s: reading the page bitmap", what);
	/* bits past nbits in the last byte mean nothing */
	if (pm->nbits % WORD_BITS)
		pm->bits[nw - 1] &= ((uint64_t)1 << (pm->nbits % WORD_BITS)) - 1;
	return LD_OK;
}

static ld_status build_rank(struct ld_pagemap *pm)
{
	uint64_t nw = nwords(pm->nbits);
	uint64_t nblocks = (nw + BLOCK_WORDS - 1) / BLOCK_WORDS;
	free(pm->rank);
	pm->rank = ld_xcalloc((size_t)nblocks + 1, sizeof(uint64_t));
	if (!pm->rank)
		return LD_ERR_NOMEM;
	uint64_t sum = 0;
	pm->max_pfn = 0;
	for (uint64_t w = 0; w < nw; w++) {
		if (w % BLOCK_WORDS == 0)
			pm->rank[w / BLOCK_WORDS] = sum;
		sum += popcount64(pm->bits[w]);
		if (pm->bits[w])
			pm->max_pfn = w * WORD_BITS + WORD_BITS - (unsigned)__builtin_clzll(pm->bits[w]);
	}
	pm->rank[nblocks] = sum;
	pm->present = sum;
	return LD_OK;
}

/* Clear every bit from the avail-th set bit on: those pages are past EOF. */
static void cut_after_rank(struct ld_pagemap *pm, uint64_t avail)
{
	uint64_t nw = nwords(pm->nbits), seen = 0;
	for (uint64_t w = 0; w < nw; w++) {
		unsigned c = popcount64(pm->bits[w]);
		if (seen + c <= avail) {
			seen += c;
			continue;
		}
		/* keep the first (avail - seen) set bits of this word */
		uint64_t keep = avail - seen, word = pm->bits[w], out = 0;
		for (; keep > 0; keep--) {
			uint64_t low = word & (~word + 1);
			out |= low;
			word &= word - 1;
		}
		pm->bits[w] = out;
		memset(&pm->bits[w + 1], 0, (size_t)(nw - w - 1) * sizeof(uint64_t));
		return;
	}
}

ld_status ld_pagemap_load_bitmap(struct ld_pagemap *pm, struct ld_file *f, uint64_t bits_off,
				 uint64_t nbits, uint64_t first_off, uint64_t want_present,
				 const char *what)
{
	uint64_t fsize = ld_file_size(f);
	if (nbits == 0 || nbits / 8 > MAX_BITMAP_BYTES)
		return ld_fail(LD_ERR_FORMAT, "%s: bitmap of %llu bits is absurd", what,
			       (unsigned long long)nbits);
	if (bits_off > fsize || (nbits + 7) / 8 > fsize - bits_off)
		return ld_fail(LD_ERR_FORMAT, "%s: bitmap of %llu bits runs past the end of the file",
			       what, (unsigned long long)nbits);
	pm->kind = LD_PAGEMAP_BITMAP;
	pm->nbits = nbits;
	pm->first_off = first_off;
	ld_status st = read_bits(pm, f, bits_off, what);
	if (st == LD_OK)
		st = build_rank(pm);
	if (st)
		return st;
	if (want_present != UINT64_MAX && pm->present != want_present)
		return ld_fail(LD_ERR_FORMAT, "%s: bitmap has %llu pages set but the header says %llu",
			       what, (unsigned long long)pm->present, (unsigned long long)want_present);
	if (pm->present && first_off >= fsize)
		return ld_fail(LD_ERR_FORMAT, "%s: first page offset 0x%llx is past the end of the file (0x%llx)",
			       what, (unsigned long long)first_off, (unsigned long long)fsize);
	uint64_t avail = pm->present ? (fsize - first_off) / LD_PAGE_SIZE : 0;
	if (avail >= pm->present)
		return LD_OK;
	ld_warn("%s: file truncated: %llu of %llu pages are past its end and not present", what,
		(unsigned long long)(pm->present - avail), (unsigned long long)pm->present);
	cut_after_rank(pm, avail);
	return build_rank(pm);
}

bool ld_pagemap_bitmap_lookup(const struct ld_pagemap *pm, uint64_t pfn, uint64_t *off)
{
	if (pfn >= pm->nbits)
		return false;
	uint64_t w = pfn / WORD_BITS, bit = pfn % WORD_BITS;
	uint64_t word = pm->bits[w];
	if (!(word >> bit & 1))
		return false;
	uint64_t r = pm->rank[w / BLOCK_WORDS];
	for (uint64_t i = w - w % BLOCK_WORDS; i < w; i++)
		r += popcount64(pm->bits[i]);
	r += popcount64(word & (((uint64_t)1 << bit) - 1));
	*off = pm->first_off + r * LD_PAGE_SIZE;
	return true;
}

/* First PFN >= from whose bit equals want, or nbits. Empty/full blocks are
 * skipped whole through the rank index. */
static uint64_t find_bit(const struct ld_pagemap *pm, uint64_t from, bool want)
{
	uint64_t nw = nwords(pm->nbits);
	for (uint64_t p = from; p < pm->nbits;) {
		uint64_t w = p / WORD_BITS, b = w / BLOCK_WORDS;
		if (p % BLOCK_BITS == 0 && b + 1 <= nw / BLOCK_WORDS) {
			uint64_t cnt = pm->rank[b + 1] - pm->rank[b];
			if (cnt == (want ? 0 : BLOCK_BITS)) {
				p += BLOCK_BITS;
				continue;
			}
		}
		uint64_t word = want ? pm->bits[w] : ~pm->bits[w];
		word &= ~(uint64_t)0 << (p % WORD_BITS);
		if (word) {
			uint64_t hit = w * WORD_BITS + (unsigned)__builtin_ctzll(word);
			return hit < pm->nbits ? hit : pm->nbits;
		}
		p = (w + 1) * WORD_BITS;
	}
	return pm->nbits;
}

bool ld_pagemap_bitmap_next(const struct ld_pagemap *pm, uint64_t from, uint64_t *start,
			    uint64_t *end)
{
	uint64_t s = find_bit(pm, from, true);
	if (s >= pm->nbits)
		return false;
	*start = s;
	*end = find_bit(pm, s, false);
	return true;
}
