/*
 * report.h — helpers every command uses to render results.
 *
 * JSON (jansson): addresses are strings "0x…" (JSON numbers lose precision
 * past 2^53), unknown values are null, and a value that exists but cannot be
 * read says why: {"unavailable": "<status name>", "reason": "<message>"}.
 * Nothing here knows a dump format or an offset.
 */
#ifndef LPCDUMP_REPORT_H
#define LPCDUMP_REPORT_H

#include <stdio.h>

#include <jansson.h>

#include "../base/base.h"

/* "0x…" string. */
json_t *ld_json_addr(uint64_t va);
/* "0x…" string, or null when va is 0 (unknown). */
json_t *ld_json_addr_or_null(uint64_t va);
/* Integer (json_integer is signed 64-bit: values past 2^63 become strings). */
json_t *ld_json_u64(uint64_t v);
/* A string, or null when s is NULL or empty. */
json_t *ld_json_str_or_null(const char *s);
/* {"unavailable": ld_status_name(st), "reason": reason}. */
json_t *ld_json_unavailable(ld_status st, const char *reason);
/* FILETIME as "YYYY-MM-DDTHH:MM:SSZ", or null when 0/out of range. */
json_t *ld_json_filetime(uint64_t filetime);
/* The warnings collected so far (ld_warn) as an array of strings. */
json_t *ld_json_warnings(void);
/* Set obj[key] = value, taking the reference (value NULL counts as null). */
void ld_json_set(json_t *obj, const char *key, json_t *value);
/* Print one document (indented, keys in insertion order, newline) and
 * release it. LD_ERR_IO when the stream fails. */
ld_status ld_json_print(FILE *out, json_t *doc);

/* A JSON document written piece by piece (json_stream.c): each member or
 * element is printed and freed as soon as it is given, so a document of
 * 100,000 objects never exists whole in memory. The output is byte for byte
 * what ld_json_print prints for the same document built whole. Values given
 * are consumed (decref'd); NULL prints null. */
#define LD_JSON_STREAM_DEPTH 8
struct ld_json_stream {
	FILE *out;
	unsigned depth;
	size_t count[LD_JSON_STREAM_DEPTH];   /* items written at each depth */
	bool failed;
};
void ld_json_stream_begin(struct ld_json_stream *s, FILE *out);
void ld_json_stream_member(struct ld_json_stream *s, const char *key, json_t *value);
void ld_json_stream_array_begin(struct ld_json_stream *s, const char *key);
void ld_json_stream_element(struct ld_json_stream *s, json_t *value);
void ld_json_stream_array_end(struct ld_json_stream *s);
/* Close the document; LD_ERR_IO when anything could not be written. */
ld_status ld_json_stream_end(struct ld_json_stream *s);

/* Text helpers: "0x…" into buf (≥ 19 bytes), or "-" for 0 (unknown). */
const char *ld_text_addr(char *buf, size_t len, uint64_t va);

/* ---- the LPC/ALPC triage report (report_triage_*.c, report_lpc_json.c) ---- */
#include "../kernel/kernel.h"
#include "../lpc/lpc.h"

/* Write the triage document, schema "lpcdump/1"; chains filtered by min_wait
 * (< 0: all). Streamed: memory does not grow with the number of objects. */
ld_status ld_report_triage_json(FILE *out, struct ld_kernel *k, const struct ld_lpc_model *m, double min_wait);
/* The triage report as text. */
ld_status ld_report_triage_text(FILE *out, struct ld_kernel *k, const struct ld_lpc_model *m,
				double min_wait);
/* One model element as JSON (the same objects the triage document holds). */
json_t *ld_json_lpc_port(const struct ld_lpc_model *m, size_t i);
json_t *ld_json_lpc_message(const struct ld_lpc_model *m, size_t i);
/* The ALPC-only details (report_alpc_json.c), under "alpc" in the two above. */
json_t *ld_json_alpc_port(const struct ld_lpc_port *p);
json_t *ld_json_alpc_message(const struct ld_lpc_message *msg);
json_t *ld_json_lpc_thread(struct ld_kernel *k, const struct ld_lpc_model *m, size_t i);
json_t *ld_json_lpc_wait(const struct ld_lpc_model *m, size_t i);
json_t *ld_json_lpc_chain(const struct ld_lpc_model *m, size_t i);
/* Text pieces: "2m05s"; "csrss.exe pid 356 tid 412 (thread 0x…)"; "port 0x… \"name\"". */
const char *ld_text_duration(char *buf, size_t len, double seconds);
const char *ld_text_thread(char *buf, size_t len, const struct ld_lpc_model *m, size_t thread);
const char *ld_text_port(char *buf, size_t len, const struct ld_lpc_model *m, uint64_t addr);

#endif
