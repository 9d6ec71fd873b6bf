/*
 * source_raw.c — raw physical images (.raw, .mem, .vmem, dd of /dev/mem):
 * byte n of the file is physical address n. Chosen last, when no other format
 * recognises the content; the kernel layer then finds the DTB and KDBG by
 * scanning, since a raw image says nothing about the machine.
 */
#include "source-priv.h"

static int raw_probe(const uint8_t *head, size_t n, uint64_t file_size)
{
	(void)head;
	(void)n;
	return file_size >= LD_PAGE_SIZE ? 1 : 0;
}

static ld_status raw_open(struct ld_source *src)
{
	uint64_t size = ld_file_size(src->file);
	src->meta.layout = NULL;
	if (size < LD_PAGE_SIZE)
		return ld_fail(LD_ERR_FORMAT, "raw image: %llu bytes is less than one page",
			       (unsigned long long)size);
	if (size % LD_PAGE_SIZE)
		ld_warn("raw image: %llu bytes after the last whole page are ignored",
			(unsigned long long)(size % LD_PAGE_SIZE));
	ld_status st = ld_pagemap_add_run(&src->map, 0, size / LD_PAGE_SIZE, 0);
	if (st)
		return st;
	return ld_pagemap_finish_runs(&src->map, size, "raw image");
}

const struct ld_source_ops ld_source_raw_ops = {
	.name = "raw",
	.probe = raw_probe,
	.open = raw_open,
};
