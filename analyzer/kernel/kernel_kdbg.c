/*
 * kernel_kdbg.c — finding, validating and reading KDBG (KDDEBUGGER_DATA64),
 * and the kernel facts it gives (DUMP-FORMATS.md §2.4, §4.3).
 *
 * Order: the address the user gave (--kdbg), the one the container states,
 * then a scan of the kernel image. A block is accepted only when its header
 * validates (tag 'KDBG', a size that is a multiple of 8 and within bounds)
 * and its KernBase is a PE image; a scan also requires KernBase to be the
 * image it was found in. On Windows 8+ x64 the block in memory is encoded;
 * kernel_kdbg_decode.c finds the keys in the kernel's code.
 */
#include "kernel-priv.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* The kernel's .data is a few MiB; bound what one image (a hostile
 * SizeOfImage or section table) can make us read. */
#define KDBG_SCAN_MAX_BYTES (64u << 20)

bool ld_kdbg_header_ok(enum ld_arch arch, const uint8_t *hdr, uint64_t kern_base)
{
	uint32_t size = ld_le32(hdr + KDBG_SIZE);
	if (ld_le32(hdr + KDBG_OWNER_TAG) != KDBG_TAG)
		return false;
	if (size % 8 || size < KDBG_MIN_SIZE || size > KDBG_MAX_SIZE)
		return false;
	uint64_t kb = ld_arch_canonical(arch, ld_le64(hdr + KDBG_KERN_BASE));
	if (kb == 0 || (kb & (LD_PAGE_SIZE - 1)))
		return false;
	return kern_base == 0 || kb == kern_base;
}

/* Keys of an encoded block; all zero for a plain one. */
struct kdbg_keys {
	uint64_t never, always, flag_va;
};

static bool keys_set(const struct kdbg_keys *keys)
{
	return keys && (keys->never || keys->always || keys->flag_va);
}

static ld_status read_block(struct ld_kernel *k, uint64_t va, const struct kdbg_keys *keys,
			    uint8_t *buf, size_t len)
{
	ld_status st = ld_kernel_read(k, va, buf, len);
	if (st != LD_OK || !keys_set(keys))
		return st;
	for (size_t off = 0; off + 8 <= len; off += 8)
		ld_put_le64(buf + off, ld_kdbg_decode_qword(ld_le64(buf + off), keys->never,
							     keys->always, keys->flag_va));
	return LD_OK;
}

static uint64_t block_ptr(const struct ld_kernel *k, size_t off)
{
	if (off + 8 > k->kdbg_size)
		return 0;
	return ld_arch_canonical(k->info.arch, ld_le64(k->kdbg + off));
}

static void read_build_lab(struct ld_kernel *k)
{
	uint64_t va = block_ptr(k, KDBG_NT_BUILD_LAB);
	char lab[sizeof k->build_lab];

	k->build_lab[0] = 0;
	if (!va)
		return;
	/* The string may end before a page we do not have: read what we can. */
	for (size_t n = sizeof lab - 1; n >= 16; n /= 2) {
		if (ld_kernel_read(k, va, lab, n) != LD_OK)
			continue;
		lab[n] = 0;
		size_t len = strnlen(lab, n);
		for (size_t i = 0; i < len; i++)
			if (lab[i] < 0x20 || lab[i] > 0x7e)
				return;
		memcpy(k->build_lab, lab, len + 1);
		return;
	}
}

/* KiProcessorBlock: one KPRCB pointer per processor, NULL after the last. */
static void count_processors(struct ld_kernel *k)
{
	uint64_t va = block_ptr(k, KDBG_KI_PROCESSOR_BLOCK);
	unsigned ps = ld_kernel_ptr_size(k), max = k->info.arch == LD_ARCH_X64 ? 640 : 32, n = 0;

	if (k->info.processors || !va)
		return;
	for (; n < max; n++) {
		uint64_t prcb;
		if (ld_kernel_read_ptr(k, va + (uint64_t)n * ps, &prcb) != LD_OK || !prcb)
			break;
	}
	if (n) {
		k->info.processors = n;
	}
}

static void keep_or_check(uint64_t *have, uint64_t from_kdbg, const char *what)
{
	if (!from_kdbg)
		return;
	if (*have && *have != from_kdbg)
		ld_warn("%s: the header says 0x%" PRIx64 ", KDBG says 0x%" PRIx64 "; using the header",
			what, *have, from_kdbg);
	if (!*have)
		*have = from_kdbg;
}

static void take_facts(struct ld_kernel *k)
{
	struct ld_kernel_info *i = &k->info;
	i->kernel_base = block_ptr(k, KDBG_KERN_BASE);
	keep_or_check(&i->ps_active_process_head, block_ptr(k, KDBG_PS_ACTIVE_PROCESS_HEAD),
		      "PsActiveProcessHead");
	keep_or_check(&i->ps_loaded_module_list, block_ptr(k, KDBG_PS_LOADED_MODULE_LIST),
		      "PsLoadedModuleList");
	i->psp_cid_table = block_ptr(k, KDBG_PSP_CID_TABLE);
	i->obp_root_directory_object = block_ptr(k, KDBG_OBP_ROOT_DIRECTORY_OBJECT);
	i->obp_type_object_type = block_ptr(k, KDBG_OBP_TYPE_OBJECT_TYPE);
	/* MmPfnDatabase in KDBG is the address of the variable, not the array. */
	if (!i->mm_pfn_database) {
		uint64_t var = block_ptr(k, KDBG_MM_PFN_DATABASE), pfn = 0;
		if (var && ld_kernel_read_ptr(k, var, &pfn) == LD_OK)
			i->mm_pfn_database = pfn;
	}
	i->ke_time_increment_va = block_ptr(k, KDBG_KE_TIME_INCREMENT);
	read_build_lab(k);
	count_processors(k);
}

/* Read and keep the block at va; keys NULL for a plain block. */
static ld_status adopt(struct ld_kernel *k, uint64_t va, const struct kdbg_keys *keys,
		       enum ld_fact_source from)
{
	uint8_t hdr[0x20];
	ld_status st = read_block(k, va, keys, hdr, sizeof hdr);
	if (st != LD_OK)
		return st;
	uint32_t size = ld_le32(hdr + KDBG_SIZE);
	uint8_t *block = ld_xcalloc(1, size);
	if (!block)
		return LD_ERR_NOMEM;
	st = read_block(k, va, keys, block, size);
	if (st != LD_OK) {
		free(block);
		return ld_fail_ctx(st, "reading the KDBG block at 0x%" PRIx64, va);
	}
	free(k->kdbg);
	k->kdbg = block;
	k->kdbg_size = size;
	k->info.kdbg = va;
	k->info.kdbg_from = from;
	k->info.kdbg_size = size;
	k->info.kdbg_encoded = keys_set(keys);
	if (keys_set(keys)) {
		k->ki_wait_never = keys->never;
		k->ki_wait_always = keys->always;
		k->kdbg_encoded_flag_va = keys->flag_va;
	}
	take_facts(k);
	return LD_OK;
}

/* Does the block at va validate, plainly or with keys, against base (0: any
 * base that is a PE image)? */
static bool block_valid(struct ld_kernel *k, uint64_t va, const struct kdbg_keys *keys,
			uint64_t base)
{
	uint8_t hdr[0x20];
	if (read_block(k, va, keys, hdr, sizeof hdr) != LD_OK ||
	    !ld_kdbg_header_ok(k->info.arch, hdr, base))
		return false;
	uint64_t kb = ld_arch_canonical(k->info.arch, ld_le64(hdr + KDBG_KERN_BASE));
	return base != 0 || ld_kernel_pe_info(k, kb, NULL, NULL);
}

/* Windows 8+ x64: keys from the image's code. Every ordered pair of the
 * qword variables the code loads is tried (the builds seen load KiWaitNever
 * first, but roles are checked by decoding, not assumed). */
static bool try_encoded(struct ld_kernel *k, uint64_t image_base, uint64_t want_va,
			uint64_t check_base, enum ld_fact_source from)
{
	struct ld_kdbg_decoder d;
	uint64_t val[LD_KDBG_MAX_KEYS];
	uint8_t flag;

	if (k->info.arch != LD_ARCH_X64 || ld_kdbg_find_decoder(k, image_base, &d) != LD_OK)
		return false;
	if ((want_va && want_va != d.kdbg_va) || ld_kernel_read_u8(k, d.flag_va, &flag) != LD_OK)
		return false;
	if (flag == 0)   /* decoded in place (a debugger attached): plain */
		return block_valid(k, d.kdbg_va, NULL, check_base) &&
		       adopt(k, d.kdbg_va, NULL, from) == LD_OK;
	for (unsigned i = 0; i < d.nkeys; i++)
		if (ld_kernel_read_u64(k, d.keys[i], &val[i]) != LD_OK)
			val[i] = 0;
	for (unsigned i = 0; i < d.nkeys; i++) {
		for (unsigned j = 0; j < d.nkeys; j++) {
			struct kdbg_keys keys = { val[i], val[j], d.flag_va };
			if (i != j && block_valid(k, d.kdbg_va, &keys, check_base))
				return adopt(k, d.kdbg_va, &keys, from) == LD_OK;
		}
	}
	return false;
}

/* Scan a range of the image for the tag at +0x10 with KernBase == base. */
static bool scan_range(struct ld_kernel *k, uint64_t base, uint64_t va, uint64_t len)
{
	uint8_t page[LD_PAGE_SIZE];
	uint64_t end = va + len;

	for (uint64_t p = va & ~(uint64_t)(LD_PAGE_SIZE - 1); p < end; p += LD_PAGE_SIZE) {
		if (ld_check_interrupt() || !ld_kernel_scan_page(k))
			return false;
		if (ld_kernel_read(k, p, page, sizeof page) != LD_OK)
			continue;
		for (unsigned off = 0; off + 4 <= LD_PAGE_SIZE; off += 4) {
			if (ld_le32(page + off) != KDBG_TAG || p + off < va + KDBG_OWNER_TAG)
				continue;
			uint64_t cand = p + off - KDBG_OWNER_TAG;
			if (block_valid(k, cand, NULL, base) && adopt(k, cand, NULL, LD_FACT_SCAN) == LD_OK)
				return true;
		}
	}
	return false;
}

static bool scan_image(struct ld_kernel *k, uint64_t base, void *arg)
{
	uint32_t image_size;
	(void)arg;
	if (!k->scan_pages_left)
		return true;    /* budget spent: stop the walk (the caller sees no block) */
	if (!ld_kernel_pe_info(k, base, &image_size, NULL))
		return false;
	/* Noted on the way, for when no KDBG is found at all. */
	if (!k->exported_kernel && ld_kernel_image_is_kernel(k, base))
		k->exported_kernel = base;
	bool any_data = false;
	char name[9];
	uint64_t sva, budget = KDBG_SCAN_MAX_BYTES;   /* per image, over all sections */
	uint32_t ssize, flags;
	for (unsigned i = 0; budget && ld_kernel_pe_section(k, base, i, name, &sva, &ssize, &flags);
	     i++) {
		if (strcmp(name, ".data") != 0)
			continue;
		any_data = true;
		uint64_t n = ssize < budget ? ssize : budget;
		budget -= n;
		if (scan_range(k, base, sva, n))
			return true;
	}
	if (!any_data && scan_range(k, base, base, image_size < KDBG_SCAN_MAX_BYTES
						    ? image_size : KDBG_SCAN_MAX_BYTES))
		return true;
	return try_encoded(k, base, 0, base, LD_FACT_SCAN);
}

struct find_encoded_arg {
	uint64_t want_va;
	enum ld_fact_source from;
};

static bool image_decodes(struct ld_kernel *k, uint64_t base, void *arg)
{
	struct find_encoded_arg *a = arg;
	/* A spent budget ends the walk too; the caller checks k->kdbg. */
	return !k->scan_pages_left || try_encoded(k, base, a->want_va, 0, a->from);
}

/* A stated address: plain, or encoded with keys from the kernel's code. */
static ld_status try_stated(struct ld_kernel *k, uint64_t va, enum ld_fact_source from)
{
	if (block_valid(k, va, NULL, 0))
		return adopt(k, va, NULL, from);
	struct find_encoded_arg a = { va, from };
	if (k->info.arch == LD_ARCH_X64 &&
	    ld_kernel_for_each_image(k, image_decodes, &a) == LD_OK && k->kdbg)
		return LD_OK;
	return ld_fail(LD_ERR_CORRUPT, "no valid KDBG block at 0x%" PRIx64, va);
}

ld_status ld_kernel_find_kdbg(struct ld_kernel *k)
{
	const struct ld_source_meta *m = ld_source_meta(k->src);

	k->scan_pages_left = LD_KDBG_SCAN_PAGES;

	if (k->opts.kdbg_va) {
		uint64_t va = ld_arch_canonical(k->info.arch, k->opts.kdbg_va);
		ld_status st = try_stated(k, va, LD_FACT_USER);
		if (st == LD_OK)
			return st;
		ld_warn("--kdbg 0x%" PRIx64 ": %s; scanning instead", va, ld_errmsg());
	} else if (m->kdbg_va) {
		uint64_t va = ld_arch_canonical(k->info.arch, m->kdbg_va);
		ld_status st = try_stated(k, va, LD_FACT_HEADER);
		if (st == LD_OK)
			return st;
		ld_warn("the KDBG address the dump states (0x%" PRIx64 ") is not usable: %s; "
			"scanning instead", va, ld_errmsg());
	}
	ld_status st = ld_kernel_for_each_image(k, scan_image, NULL);
	if (k->kdbg)
		return LD_OK;
	if (!k->scan_pages_left)
		return ld_fail(LD_ERR_LIMIT, "not found within %u pages of image content",
			       LD_KDBG_SCAN_PAGES);
	return ld_fail_ctx(st == LD_OK ? LD_ERR_NOT_FOUND : st, "not found in the kernel image");
}
