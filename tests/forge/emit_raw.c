/*
 * emit_raw.c — a flat physical image: file offset = physical address, holes
 * and absent pages zero (sparse), size = one past the last RAM page.
 */
#include "emit-priv.h"

int fg_emit_raw(struct fg_machine *m, const char *path)
{
	struct fg_out o;
	if (fg_out_open(&o, path))
		return 1;
	for (size_t i = 0; i < m->npages; i++)
		fg_out_write(&o, m->pages[i].pfn * LD_PAGE_SIZE, m->pages[i].data, LD_PAGE_SIZE);
	return fg_out_close(&o, fg_max_pfn(m) * LD_PAGE_SIZE);
}
