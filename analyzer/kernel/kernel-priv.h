/*
 * kernel-priv.h — the insides of an open kernel (see kernel.h), shared by
 * the files of analyzer/kernel: opening (kernel_open.c), reading
 * (kernel_read.c), DTB discovery (kernel_dtb_scan.c), the kernel image
 * (kernel_image.c), KDBG (kernel_kdbg.c, kernel_kdbg_decode.c),
 * KUSER_SHARED_DATA (kernel_shared_data.c), facts (kernel_facts.c), the
 * per-kernel slots of the layers above (kernel_slots.c), and — owned by the
 * types engineer — the profile choice (profile_choose.c, profile_validate.c,
 * kernel_pdb.c).
 */
#ifndef LPCDUMP_KERNEL_PRIV_H
#define LPCDUMP_KERNEL_PRIV_H

#include "kernel.h"

/* KDDEBUGGER_DATA64 field offsets (DUMP-FORMATS.md §2.4, layouts.json
 * common_types): one layout on every architecture, pointers 64-bit
 * (sign-extended on x86). */
enum {
	KDBG_OWNER_TAG = 0x10,
	KDBG_SIZE = 0x14,
	KDBG_KERN_BASE = 0x18,
	KDBG_PS_LOADED_MODULE_LIST = 0x48,
	KDBG_PS_ACTIVE_PROCESS_HEAD = 0x50,
	KDBG_PSP_CID_TABLE = 0x58,
	KDBG_KE_TIME_INCREMENT = 0x78,
	KDBG_OBP_ROOT_DIRECTORY_OBJECT = 0x98,
	KDBG_OBP_TYPE_OBJECT_TYPE = 0xa0,
	KDBG_MM_PFN_DATABASE = 0xc0,
	KDBG_NT_BUILD_LAB = 0x208,
	KDBG_KI_PROCESSOR_BLOCK = 0x218,
};
#define KDBG_TAG 0x4742444bu            /* 'KDBG' */
/* Real blocks are 0x340..0x400 bytes; anything past 4 KiB is not a KDBG. */
#define KDBG_MAX_SIZE 0x1000u
#define KDBG_MIN_SIZE 0x208u            /* Windows 2000 stops before NtBuildLab; later fields are read bounded by the size */

struct ld_kernel {
	struct ld_source *src;
	struct ld_vas *vas;                 /* NULL when no DTB could be found */
	struct ld_kernel_info info;
	struct ld_kernel_opts opts;
	char arch_name[16];                 /* info.arch_name points here */

	struct ld_profile_set *profiles;    /* owned; filled by the profile chooser */

	uint8_t *kdbg;                      /* the block as read (decoded), or NULL */
	size_t kdbg_size;
	uint64_t kdbg_encoded_flag_va;      /* KdpDataBlockEncoded, when found */
	uint64_t ki_wait_never, ki_wait_always;

	char build_lab[128];                /* NtBuildLab string, "" unknown */
	uint32_t kuser_build;               /* KUSER_SHARED_DATA.NtBuildNumber (Win10+), 0 unknown */
	int self_map_index;                 /* x64 PML4 self-map index, -1 unknown */
	uint64_t exported_kernel;           /* first image exporting as ntoskrnl, 0 none */
	/* Pages of image content the current KDBG search may still read: hostile
	 * memory can present thousands of "images"; real searches need a few MiB. */
	uint64_t scan_pages_left;
};
#define LD_KDBG_SCAN_PAGES (128u << 10)     /* 512 MiB per search */

/* Take one page from the search budget; false when it is spent. */
static inline bool ld_kernel_scan_page(struct ld_kernel *k)
{
	if (!k->scan_pages_left)
		return false;
	k->scan_pages_left--;
	return true;
}

/* profile_choose.c (owned by the types engineer): pick and validate the
 * profile for this kernel; fill k->profiles, k->info.profile and
 * k->info.profile_evidence. A missing profile is a warning, not an error. */
ld_status ld_kernel_choose_profile(struct ld_kernel *k, const struct ld_kernel_opts *opts);
/* Free what the chooser loaded (k->profiles). */
void ld_kernel_release_profiles(struct ld_kernel *k);

/* kernel_dtb_scan.c: find the kernel DTB (and the paging mode) in memory
 * that carries no header. arch may be LD_ARCH_UNKNOWN (try all). */
ld_status ld_kernel_find_dtb(struct ld_kernel *k, enum ld_arch arch_hint);
/* Does this address space map the kernel? (KUSER_SHARED_DATA plausible) */
bool ld_kernel_dtb_validates(struct ld_source *src, enum ld_arch arch, uint64_t dtb);

/* kernel_image.c: PE images in kernel memory. */
/* SizeOfImage and the PE machine of the image at va; false if not an MZ/PE. */
bool ld_kernel_pe_info(struct ld_kernel *k, uint64_t va, uint32_t *size, uint16_t *machine);
/* One section by index: name (8 chars + NUL), VA, size and Characteristics.
 * false past the end. */
bool ld_kernel_pe_section(struct ld_kernel *k, uint64_t base, unsigned i, char name[9],
			  uint64_t *va, uint32_t *size, uint32_t *flags);
#define LD_PE_SCN_EXECUTE 0x20000000u
/* The module name its export directory states ("ntoskrnl.exe"); false if none. */
bool ld_kernel_pe_export_name(struct ld_kernel *k, uint64_t base, char *name, size_t len);
/* Does the image at base export as the kernel (ntoskrnl.exe and its MP/PAE
 * names)? The KDBG scan notes the first such image in k->exported_kernel. */
bool ld_kernel_image_is_kernel(struct ld_kernel *k, uint64_t base);
/* Call fn for every page-aligned MZ image in the kernel image region, in
 * address order, until it returns true. Bounded by a page count. */
ld_status ld_kernel_for_each_image(struct ld_kernel *k,
				   bool (*fn)(struct ld_kernel *k, uint64_t base, void *arg),
				   void *arg);

/* kernel_kdbg.c: find, validate and read KDBG; fill the facts it gives. */
ld_status ld_kernel_find_kdbg(struct ld_kernel *k);
/* Validate a decoded block header (first 0x20 bytes) against a kernel base
 * (0 = do not check the base). */
bool ld_kdbg_header_ok(enum ld_arch arch, const uint8_t *hdr, uint64_t kern_base);

/* kernel_kdbg_decode.c: the Windows 8+ x64 encoding (DUMP-FORMATS.md §4.3). */
uint64_t ld_kdbg_decode_qword(uint64_t e, uint64_t wait_never, uint64_t wait_always,
			      uint64_t flag_va);
/* What the code that copies KDBG out names: KdDebuggerDataBlock, the
 * KdpDataBlockEncoded flag, and the qword variables it loads, among which
 * KiWaitNever and KiWaitAlways (in load order; roles confirmed by decoding). */
#define LD_KDBG_MAX_KEYS 4
struct ld_kdbg_decoder {
	uint64_t kdbg_va, flag_va;
	uint64_t keys[LD_KDBG_MAX_KEYS];
	unsigned nkeys;
};
/* Find it by disassembling the image's executable sections;
 * LD_ERR_NOT_FOUND when the pattern is absent. */
ld_status ld_kdbg_find_decoder(struct ld_kernel *k, uint64_t image_base,
			       struct ld_kdbg_decoder *out);

/* kernel_shared_data.c: KUSER_SHARED_DATA facts. */
uint64_t ld_kernel_shared_data_va(enum ld_arch arch);
void ld_kernel_read_shared_data(struct ld_kernel *k);

/* kernel_facts.c: the facts the container gives, and derived ones. */
void ld_kernel_facts_from_meta(struct ld_kernel *k);
/* The build from NtBuildLab as soon as KDBG is read (the address space
 * needs it for pagefile entries), without warning when there is none. */
void ld_kernel_facts_early_build(struct ld_kernel *k);
void ld_kernel_facts_finish(struct ld_kernel *k);

#endif
