/*
 * source-priv.h — what the format readers of analyzer/source share.
 *
 * A format is one row of the table in source_open.c: a name (what --format
 * accepts), a probe that scores the first bytes of a file, and the operations.
 * File-backed formats describe where each physical page lives with a page map
 * (sorted runs or a bitmap with a rank index) and let the generic read path do
 * the rest; formats that are not files of pages (libkdumpfile, live targets)
 * provide read/has_page/next_range themselves.
 *
 * Adding a format is one new file and one line in the table.
 */
#ifndef LPCDUMP_SOURCE_PRIV_H
#define LPCDUMP_SOURCE_PRIV_H

#include "source.h"

/* ---- file_io.c: pread with a small block cache ---- */
struct ld_file;
ld_status ld_file_open(const char *path, struct ld_file **out);
void ld_file_close(struct ld_file *f);
uint64_t ld_file_size(const struct ld_file *f);
int ld_file_fd(const struct ld_file *f);
/* Exactly len bytes at off; LD_ERR_FORMAT ("truncated") when past the end. */
ld_status ld_file_read(struct ld_file *f, uint64_t off, void *buf, size_t len);
void ld_file_drop_cache(struct ld_file *f);

/* ---- page maps: where a PFN's 4 KiB live in the file ---- */
/* x86 physical addresses have at most 52 bits: no PFN a container names may
 * reach past that (and byte addresses of PFNs never overflow). */
#define LD_MAX_PFN ((uint64_t)1 << 40)

struct ld_run {
	uint64_t base_pfn, npages;
	uint64_t file_off;          /* of base_pfn's page */
};

enum ld_pagemap_kind { LD_PAGEMAP_NONE, LD_PAGEMAP_RUNS, LD_PAGEMAP_BITMAP };

struct ld_pagemap {
	enum ld_pagemap_kind kind;
	/* runs (page_runs.c): sorted by base_pfn, disjoint, all inside the file */
	struct ld_run *runs;
	size_t nruns, caprun;
	/* bitmap (page_bitmap.c): bit i set = PFN i present, stored at
	 * first_off + rank(i) * 4096; rank[] holds the set bits before each block */
	uint64_t *bits;
	uint64_t nbits;
	uint64_t *rank;
	uint64_t first_off;
	uint64_t present;           /* pages readable through the map */
	uint64_t max_pfn;           /* one past the highest present PFN */
};

void ld_pagemap_free(struct ld_pagemap *pm);
/* Runs: add in any order, then finish (sorts, refuses overlaps, cuts at EOF
 * with a warning). */
ld_status ld_pagemap_add_run(struct ld_pagemap *pm, uint64_t base_pfn, uint64_t npages,
			     uint64_t file_off);
ld_status ld_pagemap_finish_runs(struct ld_pagemap *pm, uint64_t file_size, const char *what);
/* Bitmap: nbits bits read from the file at bits_off; pages from first_off.
 * Checks the popcount against want_present (unless it is UINT64_MAX) and cuts
 * the pages that lie past the end of the file, with a warning. */
ld_status ld_pagemap_load_bitmap(struct ld_pagemap *pm, struct ld_file *f, uint64_t bits_off,
				 uint64_t nbits, uint64_t first_off, uint64_t want_present,
				 const char *what);
/* File offset of pfn's page; false when the page is not captured. */
bool ld_pagemap_lookup(const struct ld_pagemap *pm, uint64_t pfn, uint64_t *off);
/* First present PFN run [*start, *end) with *end > from_pfn. */
bool ld_pagemap_next(const struct ld_pagemap *pm, uint64_t from_pfn, uint64_t *start,
		     uint64_t *end);

/* The two map kinds behind ld_pagemap_lookup/next. */
bool ld_pagemap_runs_lookup(const struct ld_pagemap *pm, uint64_t pfn, uint64_t *off);
bool ld_pagemap_runs_next(const struct ld_pagemap *pm, uint64_t from, uint64_t *start,
			  uint64_t *end);
bool ld_pagemap_bitmap_lookup(const struct ld_pagemap *pm, uint64_t pfn, uint64_t *off);
bool ld_pagemap_bitmap_next(const struct ld_pagemap *pm, uint64_t from, uint64_t *start,
			    uint64_t *end);

/* ---- the source object ---- */
struct ld_source_ops;

struct ld_source {
	const struct ld_source_ops *ops;
	struct ld_source_meta meta;
	char *path;
	struct ld_file *file;       /* NULL for targets that are not files */
	struct ld_pagemap map;      /* used by the generic read path */
	uint8_t *context;           /* owned copy behind meta.context */
	void *priv;                 /* the format's own state */
};

struct ld_source_ops {
	const char *name;           /* --format name */
	/* URL scheme ("gdb://") for targets that are not files; NULL for files. */
	const char *scheme;
	/* Confidence 0..100 that head (n bytes, the file's first ones) is this
	 * format; file_size is the whole file's. NULL: only by scheme or --format. */
	int (*probe)(const uint8_t *head, size_t n, uint64_t file_size);
	/* Fill src->meta and src->map (or src->priv). src->file is open for
	 * file formats. */
	ld_status (*open)(struct ld_source *src);
	/* Optional: formats without a page map. */
	ld_status (*read)(struct ld_source *src, uint64_t pa, void *buf, size_t len);
	bool (*has_page)(struct ld_source *src, uint64_t pfn);
	ld_status (*next_range)(struct ld_source *src, uint64_t from, uint64_t *start, uint64_t *end);
	void (*refresh)(struct ld_source *src);
	/* Optional: live targets, see ld_source_status(). */
	ld_status (*status)(struct ld_source *src);
	void (*close)(struct ld_source *src);
};

/* Bytes ld_source_open() hands to probes. */
#define LD_PROBE_BYTES 0x2100u

/* The formats (one file each). */
extern const struct ld_source_ops ld_source_crashdump_ops;   /* dump_header.c */
extern const struct ld_source_ops ld_source_elf_ops;         /* source_elf.c */
extern const struct ld_source_ops ld_source_kdump_ops;       /* source_kdumpfile.c */
extern const struct ld_source_ops ld_source_raw_ops;         /* source_raw.c */
extern const struct ld_source_ops ld_source_gdb_ops;         /* source_gdb.c: gdb:// */
extern const struct ld_source_ops ld_source_mem_ops;         /* source_livemem.c: mem:// */
extern const struct ld_source_ops ld_source_kdump_flat_ops;  /* kdump_flat.c: makedumpfile -F / QEMU < 8.2 */

/* kdump_layout.c: refuse a kdump-compressed file whose header, sub-header or
 * bitmaps are cut short, before libkdumpfile (which crashes on them) opens it. */
ld_status ld_kdump_check_layout(struct ld_file *f, const char *path);

/* Keep a copy of the CPU context found in the container. */
ld_status ld_source_set_context(struct ld_source *src, const void *data, size_t len);

#endif
