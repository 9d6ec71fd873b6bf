/* fake_source.h — an in-memory physical source for unit tests of the
 * translation layer: pages are added by PFN; everything else is missing. */
#ifndef LPCDUMP_TESTS_FAKE_SOURCE_H
#define LPCDUMP_TESTS_FAKE_SOURCE_H

#include "analyzer/source/source.h"

struct ld_source *fake_source_new(void);
void fake_source_free(struct ld_source *src);
/* The page for pfn, created zero-filled. */
uint8_t *fake_page(struct ld_source *src, uint64_t pfn);
void fake_put64(struct ld_source *src, uint64_t pa, uint64_t v);
void fake_put32(struct ld_source *src, uint64_t pa, uint32_t v);
/* Number of ld_source_read calls so far (to see caches work). */
unsigned long fake_reads(const struct ld_source *src);

#endif
