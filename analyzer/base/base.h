/*
 * base.h — the one error-reporting convention of lpcdump, and the warning sink.
 *
 * Contract:
 *  - Every fallible function returns an ld_status. LD_OK is 0; anything else
 *    is an error and the function has set a one-line message that says what
 *    went wrong and where (ld_errmsg()). Callers either handle the status or
 *    pass it up unchanged; they never print it themselves half-way down.
 *  - ld_fail() is the only way to set the message: `return ld_fail(LD_ERR_FORMAT,
 *    "bitmap: popcount %llu != header %llu", a, b);`
 *  - Problems that do not stop the analysis (a torn list, a paged-out name) are
 *    warnings: ld_warn() records them in a bounded, de-duplicated list that the
 *    reports print at the end (text) or in "warnings" (JSON).
 *  - Out-of-memory is an error, never an abort. ld_xcalloc() refuses sizes over
 *    LD_ALLOC_CAP so that a hostile count from a dump cannot allocate wildly.
 */
#ifndef LPCDUMP_BASE_H
#define LPCDUMP_BASE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum ld_status {
	LD_OK = 0,
	LD_ERR_ARG,          /* the caller (or the user) asked for something invalid */
	LD_ERR_NOMEM,        /* allocation failed or would exceed LD_ALLOC_CAP */
	LD_ERR_IO,           /* the operating system refused an open/read */
	LD_ERR_FORMAT,       /* the input is not what it claims to be (bad header, truncated) */
	LD_ERR_UNSUPPORTED,  /* recognised but not handled (encrypted, ARM64, unknown type) */
	LD_ERR_NOT_PRESENT,  /* the physical page is not captured by the dump */
	LD_ERR_UNMAPPED,     /* no translation: the virtual address is not valid */
	LD_ERR_PAGED_OUT,    /* valid VA but its data is elsewhere (pagefile, file, prototype) */
	LD_ERR_CORRUPT,      /* kernel data read fine but is inconsistent */
	LD_ERR_NOT_FOUND,    /* a named thing (type, field, profile, object) does not exist */
	LD_ERR_LIMIT,        /* a safety bound was reached (list length, count, depth) */
	LD_ERR_INTERRUPTED,  /* the user interrupted a long operation */
	LD_ERR_TIMEOUT,      /* a live target did not answer in time */
	LD_STATUS_COUNT
} ld_status;

/* Set the thread's error message and return st (never LD_OK). */
ld_status ld_fail(ld_status st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Prefix the current message with context: "reading EPROCESS at 0x…: <old>". */
ld_status ld_fail_ctx(ld_status st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
const char *ld_errmsg(void);
const char *ld_status_name(ld_status st);
/* True for the statuses that mean "this memory is not available" rather than "broken". */
bool ld_status_is_unavailable(ld_status st);

/* Warnings: bounded (LD_WARN_MAX distinct messages kept, the rest counted). */
#define LD_WARN_MAX 1000
void ld_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
size_t ld_warn_count(void);          /* distinct messages kept */
size_t ld_warn_dropped(void);        /* messages over the cap */
const char *ld_warn_get(size_t i);
void ld_warn_clear(void);

/* Allocation with a hard cap: no single allocation may exceed this, whatever a dump says. */
#define LD_ALLOC_CAP ((size_t)256 << 20)
void *ld_xcalloc(size_t n, size_t size);        /* NULL + ld_fail(LD_ERR_NOMEM) on failure */
void *ld_xrealloc(void *p, size_t n, size_t size);
char *ld_xstrdup(const char *s);

/* Growable array of fixed-size elements with the same cap. */
struct ld_vec {
	void *data;
	size_t len, cap, elem;
};
void ld_vec_init(struct ld_vec *v, size_t elem);
ld_status ld_vec_push(struct ld_vec *v, const void *item);  /* copies elem bytes */
void *ld_vec_at(const struct ld_vec *v, size_t i);
void ld_vec_free(struct ld_vec *v);

/* Little-endian loads from untrusted byte buffers (no alignment assumptions). */
static inline uint16_t ld_le16(const void *p)
{
	const uint8_t *b = p;
	return (uint16_t)(b[0] | b[1] << 8);
}
static inline uint32_t ld_le32(const void *p)
{
	const uint8_t *b = p;
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}
static inline uint64_t ld_le64(const void *p)
{
	return (uint64_t)ld_le32(p) | (uint64_t)ld_le32((const uint8_t *)p + 4) << 32;
}
static inline void ld_put_le16(void *p, uint16_t v)
{
	uint8_t *b = p;
	b[0] = (uint8_t)v; b[1] = (uint8_t)(v >> 8);
}
static inline void ld_put_le32(void *p, uint32_t v)
{
	uint8_t *b = p;
	b[0] = (uint8_t)v; b[1] = (uint8_t)(v >> 8); b[2] = (uint8_t)(v >> 16); b[3] = (uint8_t)(v >> 24);
}
static inline void ld_put_le64(void *p, uint64_t v)
{
	ld_put_le32(p, (uint32_t)v);
	ld_put_le32((uint8_t *)p + 4, (uint32_t)(v >> 32));
}

/* Architectures the tool knows about. */
enum ld_arch {
	LD_ARCH_UNKNOWN = 0,
	LD_ARCH_X86,        /* 2-level, 4 KiB / 4 MiB pages */
	LD_ARCH_X86_PAE,    /* 3-level, 64-bit entries */
	LD_ARCH_X64,        /* 4-level */
	LD_ARCH_OTHER       /* recognised, unsupported (ARM64 …): see machine */
};
const char *ld_arch_name(enum ld_arch a);        /* "x86", "x86-pae", "x64", "unknown" */
enum ld_arch ld_arch_parse(const char *s);
static inline unsigned ld_arch_ptr_size(enum ld_arch a)
{
	return a == LD_ARCH_X64 ? 8 : 4;
}
/* Sign-extend / truncate a pointer read from a dump to the architecture's width. */
uint64_t ld_arch_canonical(enum ld_arch a, uint64_t va);

/* Interruption: set by a SIGINT handler, polled by long loops. */
extern volatile int ld_interrupted;
static inline bool ld_check_interrupt(void)
{
	return ld_interrupted != 0;
}

/* Windows time helpers. FILETIME → "YYYY-MM-DDTHH:MM:SSZ" (buf ≥ 32 bytes). */
bool ld_filetime_iso(uint64_t ft, char *buf, size_t len);

#define LD_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define LD_PAGE_SIZE 4096u
#define LD_PAGE_SHIFT 12

#endif
