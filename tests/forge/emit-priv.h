/*
 * emit-priv.h — what the forge's output writers share: a sparse output file,
 * walking the machine's pages in PFN order, and the crash-dump top header.
 *
 * Pages that hold no data are never written: the files are sparse, so a
 * 4 GiB machine with a few MiB of data costs a few MiB of disk.
 */
#ifndef LPCDUMP_EMIT_PRIV_H
#define LPCDUMP_EMIT_PRIV_H

#include "forge.h"
#include "analyzer/source/source.h"

struct fg_out {
	int fd;
	const char *path;
	bool failed;
};

int fg_out_open(struct fg_out *o, const char *path);
void fg_out_write(struct fg_out *o, uint64_t off, const void *buf, size_t len);
/* Set the file size, close; 0 when every write succeeded. */
int fg_out_close(struct fg_out *o, uint64_t size);

/* Index of the first page of m->pages with pfn >= pfn. */
size_t fg_emit_first_page(const struct fg_machine *m, uint64_t pfn);
/* Write the data pages of [base_pfn, base_pfn + n) at off + (pfn - base_pfn) pages. */
void fg_emit_run(struct fg_out *o, const struct fg_machine *m, uint64_t off, uint64_t base_pfn,
		 uint64_t n);

/* Runs of consecutive PFNs among the data pages (caller frees). */
struct fg_ram_range *fg_emit_data_runs(const struct fg_machine *m, size_t *n);

/* Crash dumps (emit_crashdump.c). */
bool fg_emit_is64(const struct fg_machine *m);
uint32_t fg_emit_hdr_size(const struct fg_machine *m);
/* The top header, PAGE-filled, with every field the machine knows. */
void fg_dump_header(const struct fg_machine *m, uint8_t *h, int dump_type, uint64_t file_size);

/* The writers. */
int fg_emit_full(struct fg_machine *m, const char *path);
int fg_emit_bitmap(struct fg_machine *m, const char *path, int dump_type);
int fg_emit_summary(struct fg_machine *m, const char *path);
int fg_emit_rdmp(struct fg_machine *m, const char *path, int dump_type);
int fg_emit_triage(struct fg_machine *m, const char *path);
int fg_emit_elf(struct fg_machine *m, const char *path);
int fg_emit_raw(struct fg_machine *m, const char *path);

#endif
