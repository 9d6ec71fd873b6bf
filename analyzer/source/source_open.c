/*
 * source_open.c — the table of formats, and choosing one for an input.
 *
 * Targets named by a URL scheme (gdb://, mem://) go to the format that owns
 * the scheme. Files are probed: every format scores the first bytes and the
 * highest score wins; raw images score lowest so they are the fallback when
 * nothing recognises the content. --format skips the probe.
 */
#include "source-priv.h"

#include <stdlib.h>
#include <string.h>

/* The one table. Adding a source is one line here (and its file). */
static const struct ld_source_ops *const formats[] = {
	&ld_source_crashdump_ops,
	&ld_source_elf_ops,
	&ld_source_kdump_ops,
	&ld_source_kdump_flat_ops,
	&ld_source_gdb_ops,
	&ld_source_mem_ops,
	&ld_source_raw_ops,
};

const char *const *ld_source_formats(void)
{
	static const char *names[LD_ARRAY_SIZE(formats) + 1];
	for (size_t i = 0; i < LD_ARRAY_SIZE(formats); i++)
		names[i] = formats[i]->name;
	return names;
}

static const struct ld_source_ops *by_name(const char *name)
{
	for (size_t i = 0; i < LD_ARRAY_SIZE(formats); i++)
		if (strcmp(formats[i]->name, name) == 0)
			return formats[i];
	return NULL;
}

static const struct ld_source_ops *by_scheme(const char *path)
{
	for (size_t i = 0; i < LD_ARRAY_SIZE(formats); i++) {
		const char *s = formats[i]->scheme;
		if (s && strncmp(path, s, strlen(s)) == 0)
			return formats[i];
	}
	return NULL;
}

static ld_status probe_file(struct ld_file *f, const char *path, const struct ld_source_ops **out)
{
	uint8_t head[LD_PROBE_BYTES] = { 0 };
	uint64_t size = ld_file_size(f);
	size_t n = size < sizeof(head) ? (size_t)size : sizeof(head);
	ld_status st = ld_file_read(f, 0, head, n);
	if (st)
		return st;
	int best = 0;
	*out = NULL;
	for (size_t i = 0; i < LD_ARRAY_SIZE(formats); i++) {
		int score = formats[i]->probe ? formats[i]->probe(head, n, size) : 0;
		if (score > best) {
			best = score;
			*out = formats[i];
		}
	}
	if (!*out)
		return ld_fail(LD_ERR_UNSUPPORTED, "%s: not a memory dump lpcdump knows (%llu bytes)",
			       path, (unsigned long long)size);
	return LD_OK;
}

static ld_status pick_format(struct ld_source *src, const char *path, const char *format)
{
	if (format) {
		src->ops = by_name(format);
		if (!src->ops)
			return ld_fail(LD_ERR_ARG, "unknown format '%s'", format);
		return LD_OK;
	}
	src->ops = by_scheme(path);
	if (src->ops)
		return LD_OK;
	if (strstr(path, "://"))
		return ld_fail(LD_ERR_UNSUPPORTED, "%s: unknown target type", path);
	return probe_file(src->file, path, &src->ops);
}

static void meta_defaults(struct ld_source *src)
{
	src->meta.format = src->ops->name;
	src->meta.dump_type = -1;
	if (src->file)
		src->meta.file_size = ld_file_size(src->file);
}

ld_status ld_source_open(const char *path, const char *format, struct ld_source **out)
{
	*out = NULL;
	struct ld_source *src = ld_xcalloc(1, sizeof(*src));
	if (!src)
		return LD_ERR_NOMEM;
	src->path = ld_xstrdup(path);
	ld_status st = src->path ? LD_OK : LD_ERR_NOMEM;
	const struct ld_source_ops *forced = format ? by_name(format) : by_scheme(path);
	bool is_file = !(forced && forced->scheme) && !(!format && strstr(path, "://"));
	if (st == LD_OK && is_file)
		st = ld_file_open(path, &src->file);
	if (st == LD_OK)
		st = pick_format(src, path, format);
	if (st == LD_OK && src->ops->scheme && src->file)
		st = ld_fail(LD_ERR_ARG, "format '%s' is for %s targets, not files", src->ops->name,
			     src->ops->scheme);
	if (st == LD_OK) {
		meta_defaults(src);
		st = src->ops->open(src);
	}
	if (st) {
		ld_source_close(src);
		return st;
	}
	if (src->map.kind != LD_PAGEMAP_NONE) {
		src->meta.present_pages = src->map.present;
		src->meta.max_pfn = src->map.max_pfn;
	}
	*out = src;
	return LD_OK;
}

void ld_source_close(struct ld_source *src)
{
	if (!src)
		return;
	if (src->ops && src->ops->close)
		src->ops->close(src);
	ld_pagemap_free(&src->map);
	ld_file_close(src->file);
	free(src->context);
	free(src->path);
	free(src);
}

const struct ld_source_meta *ld_source_meta(const struct ld_source *src)
{
	return &src->meta;
}

ld_status ld_source_set_context(struct ld_source *src, const void *data, size_t len)
{
	free(src->context);
	src->context = ld_xcalloc(1, len ? len : 1);
	if (!src->context)
		return LD_ERR_NOMEM;
	memcpy(src->context, data, len);
	src->meta.context = src->context;
	src->meta.context_size = len;
	return LD_OK;
}
