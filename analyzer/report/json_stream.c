/*
 * json_stream.c — writing one large JSON document piece by piece.
 *
 * The triage document of a big machine holds tens of thousands of threads,
 * ports and waits; built whole as a jansson tree it took 155 MiB for the
 * 40,000-thread benchmark. Here each member or array element is built as a
 * small tree, printed and freed at once, and the bytes are exactly those
 * json_dumpf(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER) would print for the
 * whole document: a piece printed on its own is re-indented to its depth
 * (JSON strings hold no raw newline, so every newline is layout).
 */
#include "report.h"

#include <stdlib.h>
#include <string.h>

#define JS_FLAGS (JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY)

static void indent(struct ld_json_stream *s, unsigned depth)
{
	for (unsigned i = 0; i < depth; i++)
		fputs("  ", s->out);
}

/* Before a member or element: the separator and the indentation. */
static void next_item(struct ld_json_stream *s)
{
	fputs(s->count[s->depth] ? ",\n" : "\n", s->out);
	s->count[s->depth]++;
	indent(s, s->depth);
}

/* Print v (then free it) as if nested s->depth levels deep. */
static void put_value(struct ld_json_stream *s, json_t *v)
{
	char *text = v ? json_dumps(v, JS_FLAGS) : NULL;
	json_decref(v);
	if (!text) {
		s->failed = true;
		return;
	}
	for (const char *p = text; *p; p++) {
		fputc(*p, s->out);
		if (*p == '\n')
			indent(s, s->depth);
	}
	free(text);
}

static void put_key(struct ld_json_stream *s, const char *key)
{
	json_t *k = json_string(key);
	put_value(s, k);
	fputs(": ", s->out);
}

void ld_json_stream_begin(struct ld_json_stream *s, FILE *out)
{
	memset(s, 0, sizeof(*s));
	s->out = out;
	fputc('{', out);
	s->depth = 1;
}

void ld_json_stream_member(struct ld_json_stream *s, const char *key, json_t *value)
{
	next_item(s);
	put_key(s, key);
	put_value(s, value ? value : json_null());
}

void ld_json_stream_array_begin(struct ld_json_stream *s, const char *key)
{
	next_item(s);
	put_key(s, key);
	fputc('[', s->out);
	if (s->depth + 1 >= LD_JSON_STREAM_DEPTH) {
		s->failed = true;
		return;
	}
	s->count[++s->depth] = 0;
}

void ld_json_stream_element(struct ld_json_stream *s, json_t *value)
{
	next_item(s);
	put_value(s, value ? value : json_null());
}

void ld_json_stream_array_end(struct ld_json_stream *s)
{
	size_t n = s->count[s->depth];
	if (s->depth > 1)
		s->depth--;
	if (n) {
		fputc('\n', s->out);
		indent(s, s->depth);
	}
	fputc(']', s->out);
}

ld_status ld_json_stream_end(struct ld_json_stream *s)
{
	fputs(s->count[1] ? "\n}\n" : "}\n", s->out);
	if (s->failed || ferror(s->out) || fflush(s->out) == EOF)
		return ld_fail(LD_ERR_IO, "writing JSON output failed");
	return LD_OK;
}
