/*
 * kernel_image.c — PE images in kernel memory: recognising an MZ/PE header,
 * its sections, and finding images in the range where Windows loads the
 * kernel.
 *
 * The image region is enumerated by translation, skipping whole unmapped
 * tables at once (a not-present entry at level L means the entire span that
 * entry covers is unmapped), so the cost follows what is mapped, not the
 * size of the region.
 */
#include "kernel-priv.h"

#include <inttypes.h>
#include <string.h>
#include <strings.h>

/* Where ntoskrnl is loaded: 0xFFFFF800'00000000 + up to 32 GiB (KASLR on
 * Windows 10 stays within fffff800-fffff807) and 0x80000000-0xA0000000 on
 * 32-bit (XP at 0x804D7000, later builds in 0x8xxxxxxx). */
#define X64_IMAGE_LO UINT64_C(0xfffff80000000000)
#define X64_IMAGE_HI UINT64_C(0xfffff80800000000)
#define X86_IMAGE_LO UINT64_C(0x80000000)
#define X86_IMAGE_HI UINT64_C(0xa0000000)
/* Mapped pages looked at per enumeration (1 GiB): the kernel, HAL and the
 * boot drivers take a few hundred MiB at most; it bounds the time hostile
 * page tables (a self-map under the region maps "everything") can cost. */
#define IMAGE_SCAN_MAX_PAGES (1u << 18)
/* A PE header must fit in the first page. */
#define PE_HEADER_MAX 0x1000u

bool ld_kernel_pe_info(struct ld_kernel *k, uint64_t va, uint32_t *size, uint16_t *machine)
{
	uint8_t dos[0x40], nt[0x60];

	if (ld_kernel_read(k, va, dos, sizeof dos) != LD_OK || dos[0] != 'M' || dos[1] != 'Z')
		return false;
	uint32_t lfanew = ld_le32(dos + 0x3c);
	if (lfanew < sizeof dos || lfanew > PE_HEADER_MAX - sizeof nt)
		return false;
	if (ld_kernel_read(k, va + lfanew, nt, sizeof nt) != LD_OK || memcmp(nt, "PE\0\0", 4) != 0)
		return false;
	uint16_t magic = ld_le16(nt + 24);
	if (magic != 0x10b && magic != 0x20b)
		return false;
	if (machine)
		*machine = ld_le16(nt + 4);
	if (size)
		*size = ld_le32(nt + 24 + 56);   /* SizeOfImage, same place in PE32 and PE32+ */
	return true;
}

bool ld_kernel_pe_section(struct ld_kernel *k, uint64_t base, unsigned i, char name[9],
			  uint64_t *va, uint32_t *size, uint32_t *flags)
{
	uint8_t hdr[24], sec[40];
	uint32_t lfanew;

	if (ld_kernel_read_u32(k, base + 0x3c, &lfanew) != LD_OK || lfanew > PE_HEADER_MAX - 24)
		return false;
	if (ld_kernel_read(k, base + lfanew, hdr, sizeof hdr) != LD_OK)
		return false;
	unsigned nsec = ld_le16(hdr + 6), optsize = ld_le16(hdr + 20);
	if (i >= nsec || i >= 96)
		return false;
	uint64_t off = (uint64_t)lfanew + 24 + optsize + 40ull * i;
	if (off + sizeof sec > PE_HEADER_MAX || ld_kernel_read(k, base + off, sec, sizeof sec) != LD_OK)
		return false;
	memcpy(name, sec, 8);
	name[8] = 0;
	uint32_t vsize = ld_le32(sec + 8), rva = ld_le32(sec + 12);
	*va = base + rva;
	*size = vsize ? vsize : ld_le32(sec + 16);
	*flags = ld_le32(sec + 36);
	return true;
}

bool ld_kernel_pe_export_name(struct ld_kernel *k, uint64_t base, char *name, size_t len)
{
	uint8_t nt[24 + 2], dir[40];
	uint32_t lfanew, rva;

	if (len < 2 || ld_kernel_read_u32(k, base + 0x3c, &lfanew) != LD_OK ||
	    lfanew > PE_HEADER_MAX - 0x88 || ld_kernel_read(k, base + lfanew, nt, sizeof nt) != LD_OK)
		return false;
	uint16_t magic = ld_le16(nt + 24);
	/* Data directory 0 (exports) follows the fixed optional-header fields. */
	uint64_t dd = base + lfanew + 24 + (magic == 0x20b ? 112 : 96);
	if ((magic != 0x10b && magic != 0x20b) || ld_kernel_read_u32(k, dd, &rva) != LD_OK || !rva ||
	    ld_kernel_read(k, base + rva, dir, sizeof dir) != LD_OK)
		return false;
	uint32_t name_rva = ld_le32(dir + 12);
	size_t n = len - 1 < 31 ? len - 1 : 31;
	if (!name_rva || ld_kernel_read(k, base + name_rva, name, n) != LD_OK)
		return false;
	name[n] = 0;
	return name[0] != 0;
}

/* The kernel's module names: uniprocessor/multiprocessor, with/without PAE. */
static bool is_kernel_name(const char *n)
{
	static const char *const names[] = { "ntoskrnl.exe", "ntkrnlmp.exe", "ntkrnlpa.exe",
					     "ntkrpamp.exe" };
	for (size_t i = 0; i < LD_ARRAY_SIZE(names); i++)
		if (strcasecmp(n, names[i]) == 0)
			return true;
	return false;
}

bool ld_kernel_image_is_kernel(struct ld_kernel *k, uint64_t base)
{
	char name[32];
	return ld_kernel_pe_export_name(k, base, name, sizeof name) && is_kernel_name(name);
}

/* Bytes one entry at `level` covers (1 = PTE). */
static uint64_t level_span(enum ld_arch arch, unsigned level)
{
	if (level < 1)
		level = 1;
	if (arch == LD_ARCH_X86)
		return level >= 2 ? 4ull << 20 : LD_PAGE_SIZE;
	return 1ull << (12 + 9 * (level - 1));
}

ld_status ld_kernel_for_each_image(struct ld_kernel *k,
				   bool (*fn)(struct ld_kernel *k, uint64_t base, void *arg),
				   void *arg)
{
	bool x64 = k->info.arch == LD_ARCH_X64;
	uint64_t va = x64 ? X64_IMAGE_LO : X86_IMAGE_LO, hi = x64 ? X64_IMAGE_HI : X86_IMAGE_HI;
	unsigned looked = 0;

	if (!k->vas)
		return ld_fail(LD_ERR_UNSUPPORTED, "no address space to look for images in");
	while (va < hi) {
		struct ld_xlat_result r;
		if (ld_check_interrupt())
			return ld_fail(LD_ERR_INTERRUPTED, "image scan interrupted at 0x%" PRIx64, va);
		if (ld_vas_translate(k->vas, va, &r) != LD_OK) {
			/* Skip the whole span the failing entry covers. */
			uint64_t span = level_span(k->info.arch, r.level);
			va = (va & ~(span - 1)) + span;
			continue;
		}
		if (++looked > IMAGE_SCAN_MAX_PAGES)
			return ld_fail(LD_ERR_LIMIT, "image scan stopped after %u mapped pages", looked - 1);
		uint8_t mz[2];
		if (ld_source_read(k->src, r.pa, mz, 2) == LD_OK && mz[0] == 'M' && mz[1] == 'Z' &&
		    ld_kernel_pe_info(k, va, NULL, NULL) && fn(k, va, arg))
			return LD_OK;
		va += LD_PAGE_SIZE;
	}
	return ld_fail(LD_ERR_NOT_FOUND, "no kernel image found in 0x%" PRIx64 "-0x%" PRIx64,
		       x64 ? X64_IMAGE_LO : X86_IMAGE_LO, hi);
}
