/*
 * source.h — where physical memory comes from.
 *
 * A source is a read-only view of a machine's physical memory plus whatever
 * the container says about the machine (DTB, KDBG address, build, bug check).
 * Nothing above this layer knows how pages are stored: crash dumps (full run
 * list, bitmap, summary, RDMP range list, triage), ELF/kdump cores through
 * libkdumpfile, raw images, and live targets all look the same here.
 *
 * Contract:
 *  - ld_source_open() picks the format from the file's content (or forces one
 *    named by `format`, see ld_source_formats()); it validates the container
 *    and refuses encrypted, unknown or inconsistent files with a message that
 *    names what was found. It never reads the whole file into memory.
 *  - ld_source_read() reads physical bytes; it fails with LD_ERR_NOT_PRESENT if
 *    any page of the range is not captured. Page lookup is O(1) or O(log runs).
 *  - Everything a container reports is in struct ld_source_meta; zero or
 *    has_* == false means "the container does not say".
 */
#ifndef LPCDUMP_SOURCE_H
#define LPCDUMP_SOURCE_H

#include "../base/base.h"

struct ld_source;

/* Windows crash-dump DumpType values (DUMP-FORMATS.md §2.2). */
enum {
	LD_DUMP_FULL = 1,
	LD_DUMP_SUMMARY = 2,
	LD_DUMP_HEADER = 3,
	LD_DUMP_TRIAGE = 4,
	LD_DUMP_BITMAP_FULL = 5,
	LD_DUMP_BITMAP_KERNEL = 6,
	LD_DUMP_KERNEL_RANGE = 8,
	LD_DUMP_KERNEL_USER_RANGE = 9,
	LD_DUMP_FULL_RANGE = 0xA,
};

struct ld_source_meta {
	const char *format;         /* static: "crashdump", "elf", "kdump", "raw", "gdb", "mem" */
	const char *layout;         /* static: "full", "bitmap", "summary", "rdmp", "triage", ... or NULL */
	int dump_type;              /* Windows DumpType, or -1 when not a Windows crash dump */
	bool is_64bit_header;       /* PAGEDU64 */
	enum ld_arch arch;          /* LD_ARCH_UNKNOWN when the container does not say */
	uint32_t machine;           /* PE machine (0x14c, 0x8664, 0xaa64) when known */
	bool has_dtb;
	uint64_t dtb;               /* kernel CR3, page-aligned */
	uint64_t kdbg_va;           /* KdDebuggerDataBlock VA, 0 unknown */
	uint64_t ps_active_process_head, ps_loaded_module_list, pfn_database;
	uint32_t major_version;     /* 0xF free, 0xC checked */
	uint32_t build;             /* NT build number, 0 unknown */
	uint32_t processors;
	bool has_bugcheck;
	uint32_t bugcheck_code;
	uint64_t bugcheck_params[4];
	uint64_t system_time;       /* FILETIME, 0 unknown */
	uint64_t system_uptime;     /* 100 ns units, 0 unknown */
	uint32_t attributes;        /* DUMP_FILE_ATTRIBUTES */
	uint64_t required_dump_space;
	uint64_t file_size;
	uint64_t present_pages;     /* pages of physical memory this source can read */
	uint64_t max_pfn;           /* one past the highest present PFN */
	bool triage;                /* only faulting thread/process data: no port walk possible */
	bool live;                  /* a running target (gdb://, mem://): memory changes between reads */
	/* Triage dumps: VAs of the captured objects (0 unknown). */
	uint64_t triage_thread, triage_process;
	/* CPU context of the crashing/first CPU as found in the container, raw bytes. */
	const uint8_t *context;
	size_t context_size;
};

/* Open a source. path may be a file or a URL-like target ("gdb://host:port",
 * "mem://path"). format: NULL for auto-detection, else one of ld_source_formats(). */
ld_status ld_source_open(const char *path, const char *format, struct ld_source **out);
void ld_source_close(struct ld_source *src);
const struct ld_source_meta *ld_source_meta(const struct ld_source *src);

/* Read len physical bytes at pa. LD_ERR_NOT_PRESENT when any page is missing. */
ld_status ld_source_read(struct ld_source *src, uint64_t pa, void *buf, size_t len);
bool ld_source_has_page(struct ld_source *src, uint64_t pfn);
/* Find the first present range [*start, *end) (byte addresses) with *end > from.
 * LD_ERR_NOT_FOUND when there is none. */
ld_status ld_source_next_range(struct ld_source *src, uint64_t from, uint64_t *start, uint64_t *end);
/* Drop cached pages (live targets: memory changes under us). */
void ld_source_refresh(struct ld_source *src);
/* LD_OK, or for a live target that stopped answering or went away the error
 * that ended it (LD_ERR_IO / LD_ERR_TIMEOUT, message set): from then on every
 * read fails, and an analysis must stop rather than report missing memory. */
ld_status ld_source_status(struct ld_source *src);

/* NULL-terminated list of names accepted by --format. */
const char *const *ld_source_formats(void);

#endif
