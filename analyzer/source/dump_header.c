/*
 * dump_header.c — Windows crash dumps: the PAGEDUMP / PAGEDU64 top header.
 *
 * Everything the header says goes into ld_source_meta; then DumpType picks
 * the page layout. Fields holding the `PAGE` fill were never written and mean
 * "unset". Encrypted dumps and DumpTypes we cannot read are refused by name.
 */
#include "dump-priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* DUMP_FILE_ATTRIBUTES bits (mindumpdef.h). */
#define ATTR_INSUFFICIENT_SIZE (1u << 2)
#define ATTR_ENCRYPTED (1u << 8)
#define ATTR_DECRYPTED (1u << 9)

#define MACHINE_I386 0x14cu
#define MACHINE_AMD64 0x8664u
#define MACHINE_ARM64 0xaa64u

uint32_t ld_dump_u32(const struct ld_dump_hdr *h, uint32_t off)
{
	uint32_t v = ld_le32(h->raw + off);
	return v == LD_DUMP_SIG_PAGE ? 0 : v;
}

uint64_t ld_dump_u64(const struct ld_dump_hdr *h, uint32_t off)
{
	uint64_t v = ld_le64(h->raw + off);
	if (v == LD_DUMP_FILL64)
		return 0;
	/* a 64-bit field half written over the fill */
	if ((uint32_t)(v >> 32) == LD_DUMP_SIG_PAGE)
		v &= 0xffffffffu;
	return v;
}

uint64_t ld_dump_ptr(const struct ld_dump_hdr *h, uint32_t off32, uint32_t off64)
{
	return h->is64 ? ld_dump_u64(h, off64) : ld_dump_u32(h, off32);
}

static int crashdump_probe(const uint8_t *head, size_t n, uint64_t file_size)
{
	(void)file_size;
	if (n < 8 || ld_le32(head) != LD_DUMP_SIG_PAGE)
		return 0;
	uint32_t v = ld_le32(head + 4);
	return v == LD_DUMP_SIG_DUMP || v == LD_DUMP_SIG_DU64 ? 100 : 0;
}

static ld_status read_header(struct ld_source *src, struct ld_dump_hdr *h)
{
	uint8_t sig[8];
	h->file_size = ld_file_size(src->file);
	if (h->file_size < 8)
		return ld_fail(LD_ERR_FORMAT, "crash dump: file of %llu bytes has no header",
			       (unsigned long long)h->file_size);
	ld_status st = ld_file_read(src->file, 0, sig, 8);
	if (st)
		return st;
	if (ld_le32(sig) != LD_DUMP_SIG_PAGE ||
	    (ld_le32(sig + 4) != LD_DUMP_SIG_DUMP && ld_le32(sig + 4) != LD_DUMP_SIG_DU64))
		return ld_fail(LD_ERR_FORMAT, "crash dump: signature 0x%08x 0x%08x is not PAGEDUMP or PAGEDU64",
			       ld_le32(sig), ld_le32(sig + 4));
	h->is64 = ld_le32(sig + 4) == LD_DUMP_SIG_DU64;
	h->size = h->is64 ? LD_DUMP_HDR64 : LD_DUMP_HDR32;
	if (h->file_size < h->size)
		return ld_fail(LD_ERR_FORMAT, "crash dump: truncated in its header (%llu of 0x%x bytes)",
			       (unsigned long long)h->file_size, h->size);
	return ld_file_read(src->file, 0, h->raw, h->size);
}

static const char *machine_name(uint32_t m)
{
	switch (m) {
	case MACHINE_I386: return "i386";
	case MACHINE_AMD64: return "amd64";
	case MACHINE_ARM64: return "arm64";
	case 0x1c4: return "arm";
	default: return "unknown";
	}
}

static void take_arch(struct ld_source_meta *m, const struct ld_dump_hdr *h)
{
	bool pae = !h->is64 && h->raw[0x5c] == 1;
	m->machine = ld_dump_u32(h, h->is64 ? 0x30 : 0x20);
	if (m->machine == MACHINE_I386 || (m->machine == 0 && !h->is64))
		m->arch = pae ? LD_ARCH_X86_PAE : LD_ARCH_X86;
	else if (m->machine == MACHINE_AMD64 || (m->machine == 0 && h->is64))
		m->arch = LD_ARCH_X64;
	else
		m->arch = LD_ARCH_OTHER;
	if (m->arch == LD_ARCH_OTHER)
		ld_warn("crash dump: machine 0x%x (%s) is not an architecture lpcdump decodes",
			m->machine, machine_name(m->machine));
}

static void take_dtb(struct ld_source_meta *m, const struct ld_dump_hdr *h)
{
	uint64_t dtb = ld_dump_ptr(h, 0x10, 0x10);
	/* a PAE CR3 points at a 32-byte aligned PDPT; x64 keeps a PCID in the low bits */
	m->dtb = m->arch == LD_ARCH_X86_PAE ? dtb & ~(uint64_t)0x1f : dtb & ~(uint64_t)0xfff;
	m->has_dtb = m->dtb != 0;
}

static void take_meta(struct ld_source *src, const struct ld_dump_hdr *h)
{
	struct ld_source_meta *m = &src->meta;
	bool w = h->is64;
	m->is_64bit_header = w;
	m->major_version = ld_dump_u32(h, 0x08);
	m->build = ld_dump_u32(h, 0x0c);
	take_arch(m, h);
	take_dtb(m, h);
	m->pfn_database = ld_dump_ptr(h, 0x14, 0x18);
	m->ps_loaded_module_list = ld_dump_ptr(h, 0x18, 0x20);
	m->ps_active_process_head = ld_dump_ptr(h, 0x1c, 0x28);
	m->processors = ld_dump_u32(h, w ? 0x34 : 0x24);
	m->has_bugcheck = ld_le32(h->raw + (w ? 0x38 : 0x28)) != LD_DUMP_SIG_PAGE;
	m->bugcheck_code = ld_dump_u32(h, w ? 0x38 : 0x28);
	for (int i = 0; i < 4; i++)
		m->bugcheck_params[i] = ld_dump_ptr(h, 0x2c + 4 * (uint32_t)i, 0x40 + 8 * (uint32_t)i);
	m->kdbg_va = ld_dump_ptr(h, 0x60, 0x80);
	m->attributes = ld_dump_u32(h, w ? 0x1050 : 0x8a0);
	m->dump_type = (int)ld_dump_u32(h, w ? 0xf98 : 0xf88);
	m->required_dump_space = ld_dump_u64(h, 0xfa0);
	m->system_uptime = ld_dump_u64(h, w ? 0x1030 : 0xfb8);
	m->system_time = ld_dump_u64(h, w ? 0xfa8 : 0xfc0);
	if (m->arch == LD_ARCH_X86 || m->arch == LD_ARCH_X86_PAE) {
		m->kdbg_va &= 0xffffffffu;
		m->ps_active_process_head &= 0xffffffffu;
	}
}

static ld_status check_attributes(const struct ld_source_meta *m)
{
	if ((m->attributes & ATTR_ENCRYPTED) && !(m->attributes & ATTR_DECRYPTED))
		return ld_fail(LD_ERR_UNSUPPORTED,
			       "crash dump: page data is encrypted (Attributes 0x%x, EncryptedDumpData)",
			       m->attributes);
	if (m->attributes & ATTR_INSUFFICIENT_SIZE)
		ld_warn("crash dump: Windows flagged the dump as truncated (InsufficientDumpfileSize)");
	/* Triage dumps reserve more than they write; their own SizeOfDump is
	 * checked in dump_triage.c. */
	if (m->required_dump_space && m->file_size < m->required_dump_space && m->dump_type != LD_DUMP_TRIAGE)
		ld_warn("crash dump: file is 0x%llx bytes but RequiredDumpSpace says 0x%llx: truncated",
			(unsigned long long)m->file_size, (unsigned long long)m->required_dump_space);
	return LD_OK;
}

static ld_status open_layout(struct ld_source *src, const struct ld_dump_hdr *h)
{
	switch (src->meta.dump_type) {
	case LD_DUMP_FULL: return ld_dump_full_open(src, h);
	case LD_DUMP_SUMMARY: return ld_dump_summary_open(src, h);
	case LD_DUMP_TRIAGE: return ld_dump_triage_open(src, h);
	case LD_DUMP_BITMAP_FULL:
	case LD_DUMP_BITMAP_KERNEL: return ld_dump_bitmap_open(src, h);
	case LD_DUMP_KERNEL_RANGE:
	case LD_DUMP_KERNEL_USER_RANGE:
	case LD_DUMP_FULL_RANGE: return ld_dump_rdmp_open(src, h);
	case LD_DUMP_HEADER:
		return ld_fail(LD_ERR_UNSUPPORTED, "crash dump: DumpType 3 (header only) holds no memory");
	case 7:
		return ld_fail(LD_ERR_UNSUPPORTED, "crash dump: DumpType 7 (automatic) is a setting, not a layout");
	default:
		return ld_fail(LD_ERR_UNSUPPORTED, "crash dump: unknown DumpType 0x%x",
			       (unsigned)src->meta.dump_type);
	}
}

static ld_status crashdump_open(struct ld_source *src)
{
	struct ld_dump_hdr *h = ld_xcalloc(1, sizeof(*h));
	if (!h)
		return LD_ERR_NOMEM;
	ld_status st = read_header(src, h);
	if (st == LD_OK) {
		take_meta(src, h);
		st = check_attributes(&src->meta);
	}
	if (st == LD_OK) {
		uint32_t off = h->is64 ? 0x348 : 0x320, len = h->is64 ? 3000 : 1200;
		st = ld_source_set_context(src, h->raw + off, len);
	}
	if (st == LD_OK)
		st = open_layout(src, h);
	free(h);
	return st;
}

const struct ld_source_ops ld_source_crashdump_ops = {
	.name = "crashdump",
	.probe = crashdump_probe,
	.open = crashdump_open,
};
