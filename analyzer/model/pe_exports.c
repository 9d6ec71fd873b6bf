/*
 * pe_exports.c — the export directory of a PE image mapped in kernel memory
 * (ntoskrnl, hal, drivers), for symbolizing addresses (see model.h).
 *
 * Facts (PE/COFF specification): e_lfanew at 0x3C; "PE\0\0"; the optional
 * header follows the 20-byte file header; PE32 (magic 0x10b) keeps its data
 * directories at optional+96, PE32+ (0x20b) at optional+112; SizeOfImage is
 * at optional+56 in both. Directory 0 is the export directory (40 bytes):
 * NumberOfFunctions +20, NumberOfNames +24, AddressOfFunctions +28,
 * AddressOfNames +32, AddressOfNameOrdinals +36, all RVAs.
 *
 * Everything here comes from untrusted memory: RVAs are checked against
 * SizeOfImage, counts are capped, unreadable pieces are skipped and the
 * result is marked partial instead of guessing.
 */
#include "model.h"

#include <stdlib.h>
#include <string.h>

/* ntoskrnl exports ~3000 names; a count beyond this is a corrupt header. */
#define PE_MAX_EXPORTS 65536u
/* The header area we parse must lie in the first page of the image. */
#define PE_HEADER_SPAN 4096u

struct pe_dirs {
	uint32_t size_of_image;
	uint16_t machine;
	uint32_t export_rva, export_size;
};

static ld_status read_headers(struct ld_kernel *k, uint64_t base, struct pe_dirs *d)
{
	uint8_t h[PE_HEADER_SPAN];
	ld_status st = ld_kernel_read(k, base, h, sizeof h);
	if (st != LD_OK)
		return ld_fail_ctx(st, "PE headers at 0x%llx", (unsigned long long)base);
	if (h[0] != 'M' || h[1] != 'Z')
		return ld_fail(LD_ERR_FORMAT, "no MZ signature at 0x%llx", (unsigned long long)base);
	uint32_t pe = ld_le32(h + 0x3c);
	if (pe > PE_HEADER_SPAN - 24 - 112 - 8 || memcmp(h + pe, "PE\0\0", 4) != 0)
		return ld_fail(LD_ERR_FORMAT, "no PE signature at 0x%llx+0x%x",
			       (unsigned long long)base, pe);
	const uint8_t *opt = h + pe + 24;
	uint16_t magic = ld_le16(opt);
	uint32_t dir_off, ndirs_off;
	if (magic == 0x10b) {
		dir_off = 96;
		ndirs_off = 92;
	} else if (magic == 0x20b) {
		dir_off = 112;
		ndirs_off = 108;
	} else {
		return ld_fail(LD_ERR_FORMAT, "PE at 0x%llx: optional header magic 0x%x",
			       (unsigned long long)base, magic);
	}
	d->machine = ld_le16(h + pe + 4);
	d->size_of_image = ld_le32(opt + 56);
	d->export_rva = d->export_size = 0;
	if (ld_le32(opt + ndirs_off) >= 1) {
		d->export_rva = ld_le32(opt + dir_off);
		d->export_size = ld_le32(opt + dir_off + 4);
	}
	return LD_OK;
}

/* Read n little-endian u32 at va, page by page; entries on unreadable pages
 * become 0 (an RVA of 0 is skipped by the caller) and *partial is set. */
static void read_u32_array(struct ld_kernel *k, uint64_t va, uint32_t *out, size_t n, bool *partial)
{
	size_t i = 0;
	while (i < n) {
		uint64_t at = va + 4 * (uint64_t)i;
		size_t room = (LD_PAGE_SIZE - (size_t)(at & (LD_PAGE_SIZE - 1))) / 4;
		size_t chunk = room ? room : 1;   /* an entry straddling pages is read alone */
		if (chunk > n - i)
			chunk = n - i;
		uint8_t buf[LD_PAGE_SIZE + 4];
		if (ld_kernel_read(k, at, buf, chunk * 4) == LD_OK) {
			for (size_t j = 0; j < chunk; j++)
				out[i + j] = ld_le32(buf + 4 * j);
		} else {
			memset(out + i, 0, chunk * sizeof *out);
			*partial = true;
		}
		i += chunk;
	}
}

static void read_u16_array(struct ld_kernel *k, uint64_t va, uint16_t *out, size_t n, bool *partial)
{
	size_t i = 0;
	while (i < n) {
		uint64_t at = va + 2 * (uint64_t)i;
		size_t room = (LD_PAGE_SIZE - (size_t)(at & (LD_PAGE_SIZE - 1))) / 2;
		size_t chunk = room ? room : 1;
		if (chunk > n - i)
			chunk = n - i;
		uint8_t buf[LD_PAGE_SIZE + 2];
		if (ld_kernel_read(k, at, buf, chunk * 2) == LD_OK) {
			for (size_t j = 0; j < chunk; j++)
				out[i + j] = ld_le16(buf + 2 * j);
		} else {
			for (size_t j = 0; j < chunk; j++)
				out[i + j] = 0xffff;   /* out of range: skipped */
			*partial = true;
		}
		i += chunk;
	}
}

/* A NUL-terminated ASCII name at va, read without crossing into a page we
 * cannot read; false when it is unreadable, empty, too long or not printable. */
static bool read_name(struct ld_kernel *k, uint64_t va, char *out, size_t max)
{
	size_t got = 0;
	while (got + 1 < max) {
		uint64_t at = va + got;
		size_t room = LD_PAGE_SIZE - (size_t)(at & (LD_PAGE_SIZE - 1));
		size_t want = max - 1 - got;
		if (want > room)
			want = room;
		if (ld_kernel_read(k, at, out + got, want) != LD_OK)
			return false;
		for (size_t i = got; i < got + want; i++) {
			if (out[i] == 0)
				return i > 0;
			if (out[i] < 0x21 || out[i] > 0x7e)
				return false;
		}
		got += want;
	}
	return false;
}

static int by_va(const void *a, const void *b)
{
	const struct ld_pe_export *x = a, *y = b;
	if (x->va != y->va)
		return x->va < y->va ? -1 : 1;
	return strcmp(x->name, y->name);
}

struct export_arrays {
	uint32_t *funcs, *names;
	uint16_t *ords;
};

static void free_arrays(struct export_arrays *a)
{
	free(a->funcs);
	free(a->names);
	free(a->ords);
}

static ld_status collect(struct ld_kernel *k, const struct pe_dirs *d, uint64_t base,
			 uint32_t nfuncs, uint32_t nnames, const struct export_arrays *a,
			 struct ld_pe_image *img)
{
	img->exports = ld_xcalloc(nnames ? nnames : 1, sizeof *img->exports);
	if (!img->exports)
		return LD_ERR_NOMEM;
	for (uint32_t i = 0; i < nnames; i++) {
		if (ld_check_interrupt())
			return ld_fail(LD_ERR_INTERRUPTED, "reading exports at 0x%llx", (unsigned long long)base);
		uint32_t ord = a->ords[i], rva = ord < nfuncs ? a->funcs[ord] : 0;
		/* Forwarders point back into the export directory: they are strings, not code. */
		bool forwarder = rva >= d->export_rva && rva - d->export_rva < d->export_size;
		if (!rva || rva >= d->size_of_image || forwarder || !a->names[i] ||
		    a->names[i] >= d->size_of_image)
			continue;
		struct ld_pe_export *e = &img->exports[img->nexports];
		if (!read_name(k, base + a->names[i], e->name, sizeof e->name)) {
			img->partial = true;
			continue;
		}
		e->va = base + rva;
		e->ordinal = ord;
		img->nexports++;
	}
	qsort(img->exports, img->nexports, sizeof *img->exports, by_va);
	return LD_OK;
}

ld_status ld_pe_read_exports(struct ld_kernel *k, uint64_t base, struct ld_pe_image *img)
{
	struct pe_dirs d;
	memset(img, 0, sizeof *img);
	img->base = base;
	ld_status st = read_headers(k, base, &d);
	if (st != LD_OK)
		return st;
	img->size_of_image = d.size_of_image;
	img->machine = d.machine;
	if (!d.export_rva || d.export_size < 40 || d.export_rva >= d.size_of_image)
		return LD_OK;   /* no exports: a valid, empty answer */
	uint8_t dir[40];
	st = ld_kernel_read(k, base + d.export_rva, dir, sizeof dir);
	if (st != LD_OK)
		return ld_fail_ctx(st, "export directory of the image at 0x%llx", (unsigned long long)base);
	uint32_t nfuncs = ld_le32(dir + 20), nnames = ld_le32(dir + 24);
	if (nfuncs > PE_MAX_EXPORTS || nnames > PE_MAX_EXPORTS)
		return ld_fail(LD_ERR_CORRUPT, "image at 0x%llx claims %u functions, %u names",
			       (unsigned long long)base, nfuncs, nnames);
	struct export_arrays a = {
		.funcs = ld_xcalloc(nfuncs ? nfuncs : 1, sizeof *a.funcs),
		.names = ld_xcalloc(nnames ? nnames : 1, sizeof *a.names),
		.ords = ld_xcalloc(nnames ? nnames : 1, sizeof *a.ords),
	};
	if (!a.funcs || !a.names || !a.ords) {
		free_arrays(&a);
		return LD_ERR_NOMEM;
	}
	read_u32_array(k, base + ld_le32(dir + 28), a.funcs, nfuncs, &img->partial);
	read_u32_array(k, base + ld_le32(dir + 32), a.names, nnames, &img->partial);
	read_u16_array(k, base + ld_le32(dir + 36), a.ords, nnames, &img->partial);
	st = collect(k, &d, base, nfuncs, nnames, &a, img);
	free_arrays(&a);
	if (st != LD_OK)
		ld_pe_image_free(img);
	return st;
}

void ld_pe_image_free(struct ld_pe_image *img)
{
	if (!img)
		return;
	free(img->exports);
	img->exports = NULL;
	img->nexports = 0;
}

const struct ld_pe_export *ld_pe_export_at_or_below(const struct ld_pe_image *img, uint64_t va)
{
	size_t lo = 0, hi = img->nexports;
	while (lo < hi) {   /* first export above va */
		size_t mid = lo + (hi - lo) / 2;
		if (img->exports[mid].va <= va)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? &img->exports[lo - 1] : NULL;
}

const struct ld_pe_export *ld_pe_export_by_name(const struct ld_pe_image *img, const char *name)
{
	for (size_t i = 0; i < img->nexports; i++)
		if (strcmp(img->exports[i].name, name) == 0)
			return &img->exports[i];
	return NULL;
}
