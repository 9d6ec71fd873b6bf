/*
 * forge_kernel.c — the kernel facts of the forged machine: a minimal ntoskrnl
 * PE image at the kernel base (headers, .text, .rdata with the export and
 * debug directories, .data with the kernel globals, INIT), the KDBG block
 * (_KDDEBUGGER_DATA64) in .data linked into KdpDebuggerDataListHead,
 * KUSER_SHARED_DATA at its fixed address, and the x64 low stub
 * (PROCESSOR_START_BLOCK) below 1 MiB (DUMP-FORMATS.md §4.4).
 *
 * Facts carried over (not code): PE/COFF layouts (Microsoft PE format
 * spec), KDBG offsets (layouts.json common_types, Volatility kdbg_vtypes),
 * KUSER_SHARED_DATA offsets (public PDB-derived headers; see tests/forge/README).
 *
 * Directives (configuration: they take effect before memory is built):
 *   processors N                 bugcheck CODE [P1 P2 P3 P4]
 *   time ISO8601|FILETIME        uptime SECONDS        tick N
 *   kernel [base=VA] [large]     pdb GUID AGE [name=ntkrnlmp.pdb]
 *   kdbg [encoded] [header=absent]                     lowstub on|off
 */
#include "forge-priv.h"
#include "forge_objects.h"

#include <stdlib.h>
#include <string.h>

/* Present only when forge_objects.c is linked in. */
#pragma weak fg_objects_global

/* ---- image layout (RVAs) ---- */
#define RVA_TEXT    0x1000u
#define SIZE_TEXT   0x2000u
#define RVA_RDATA   0x3000u
#define SIZE_RDATA  0x4000u
#define RVA_DATA    0x7000u
#define SIZE_DATA   0x10000u
#define RVA_INIT    0x17000u
#define SIZE_INIT   0x1000u
#define SIZE_IMAGE  0x18000u
/* Inside .rdata: the debug directory, the RSDS record, then the exports. */
#define RVA_DEBUGDIR (RVA_RDATA)
#define RVA_RSDS     (RVA_RDATA + 0x40u)
#define RVA_EXPORTS  (RVA_RDATA + 0x100u)
#define PE_OFFSET    0x80u

/* KeMaximumIncrement: 15.625 ms in 100 ns units (TickCountMultiplier 0x0FA00000). */
#define TIME_INCREMENT 156250u
#define TICK_MULTIPLIER 0x0FA00000u

/* ---- _KDDEBUGGER_DATA64 (arch-independent; pointers 64-bit, sign-extended on x86) ---- */
#define KDBG_LIST        0x000u
#define KDBG_OWNER_TAG   0x010u
#define KDBG_SIZE        0x014u
#define KDBG_BUFFER      0x360u   /* bytes reserved: the largest Size we write */

/* Fields that hold the address of a kernel variable of the same name. */
static const struct { const char *name; uint32_t offset; } kdbg_var_fields[] = {
	{ "PsLoadedModuleList", 0x048 },
	{ "PsActiveProcessHead", 0x050 },
	{ "PspCidTable", 0x058 },
	{ "KeTimeIncrement", 0x078 },
	{ "ObpRootDirectoryObject", 0x098 },
	{ "ObpTypeObjectType", 0x0A0 },
	{ "MmPfnDatabase", 0x0C0 },
	{ "MmHighestPhysicalPage", 0x0F0 },
	{ "MmNumberOfPhysicalPages", 0x0F8 },
	{ "MmHighestUserAddress", 0x1C8 },
	{ "MmSystemRangeStart", 0x1D0 },
	{ "MmUserProbeAddress", 0x1D8 },
	{ "NtBuildLab", 0x208 },
	{ "KiProcessorBlock", 0x218 },
	{ "MmPhysicalMemoryBlock", 0x270 },
};
#define KDBG_KERNBASE 0x018u

/* ---- KUSER_SHARED_DATA (same offsets on x86 and x64) ---- */
#define KUSER_X86 0xFFDF0000ull
#define KUSER_X64 0xFFFFF78000000000ull
#define KU_TICK_COUNT_LOW     0x000u   /* TickCountLow before Vista, then deprecated (0) */
#define KU_TICK_MULTIPLIER    0x004u
#define KU_INTERRUPT_TIME     0x008u   /* KSYSTEM_TIME: LowPart, High1Time, High2Time */
#define KU_SYSTEM_TIME        0x014u
#define KU_IMAGE_NUMBER_LOW   0x02Cu
#define KU_IMAGE_NUMBER_HIGH  0x02Eu
#define KU_NT_SYSTEM_ROOT     0x030u   /* WCHAR[260] */
#define KU_NT_BUILD_NUMBER    0x260u   /* Windows 10+ only */
#define KU_NT_PRODUCT_TYPE    0x264u
#define KU_PRODUCT_TYPE_VALID 0x268u
#define KU_NT_MAJOR_VERSION   0x26Cu
#define KU_NT_MINOR_VERSION   0x270u
#define KU_TICK_COUNT         0x320u   /* KSYSTEM_TIME, XP and later */

static bool is_x64(const struct fg_machine *m)
{
	return m->arch == LD_ARCH_X64;
}

/* KDBG and 64-bit structures carry x86 pointers sign-extended. */
static uint64_t ptr64(const struct fg_machine *m, uint64_t va)
{
	return is_x64(m) ? va : (uint64_t)(int64_t)(int32_t)(uint32_t)va;
}

static void os_version(uint32_t build, uint32_t *major, uint32_t *minor)
{
	static const struct { uint32_t below; uint32_t major, minor; } t[] = {
		{ 2600, 5, 0 }, { 3790, 5, 1 }, { 6000, 5, 2 }, { 7600, 6, 0 },
		{ 9200, 6, 1 }, { 9600, 6, 2 }, { 9800, 6, 3 },
	};
	for (size_t i = 0; i < LD_ARRAY_SIZE(t); i++)
		if (build < t[i].below) {
			*major = t[i].major;
			*minor = t[i].minor;
			return;
		}
	*major = 10;
	*minor = 0;
}

/* Header.Size as each generation of the kernel fills the block. */
static uint32_t kdbg_size_for(uint32_t build)
{
	if (build < 2600) return 0x208;
	if (build < 3790) return 0x290;
	if (build < 6000) return 0x318;
	if (build < 7600) return 0x328;
	if (build < 9200) return 0x340;
	return 0x360;
}

static uint64_t default_kernel_base(const struct fg_machine *m)
{
	if (is_x64(m))
		return m->build >= 10240 ? 0xFFFFF8034A600000ull : 0xFFFFF80002800000ull;
	if (m->build < 3790)
		return 0x804D7000ull;    /* XP */
	if (m->build < 6000)
		return 0x80800000ull;    /* Server 2003 */
	return 0x82800000ull;            /* Vista and later */
}

static uint64_t default_pfn_database(const struct fg_machine *m)
{
	if (is_x64(m))
		return m->build >= 14393 ? 0xFFFFAB8000000000ull : 0xFFFFFA8000000000ull;
	return m->build >= 6000 ? 0x83000000ull : 0x81000000ull;
}

void fg_kernel_defaults(struct fg_machine *m)
{
	if (!fg_core(m)->kernel_base_set)
		m->kernel_base = default_kernel_base(m);
	m->kuser_va = is_x64(m) ? KUSER_X64 : KUSER_X86;
	m->kdbg_size = kdbg_size_for(m->build);
	m->pfn_database = default_pfn_database(m);
	m->kernel_size = SIZE_IMAGE;
	m->kernel_entry = m->kernel_base + RVA_TEXT;
	if (!m->pdb_name[0])
		snprintf(m->pdb_name, sizeof(m->pdb_name), "%s",
			 m->arch == LD_ARCH_X86_PAE ? "ntkrpamp.pdb" : "ntkrnlmp.pdb");
}

/* ---- kernel variables ---- */

uint64_t fg_kernel_symbol(const struct fg_machine *m, const char *name)
{
	const struct fg_core *c = m->core;
	for (size_t i = 0; c && i < c->nvars; i++)
		if (!strcmp(c->vars[i].name, name))
			return c->vars[i].va;
	return 0;
}

uint64_t fg_kernel_var(struct fg_machine *m, const char *name, size_t size)
{
	uint64_t va = fg_kernel_symbol(m, name);
	if (va)
		return va;
	if (!m->ready)
		fg_die(fg_where(), "kernel variable %s asked for before the machine was set up", name);
	struct fg_core *c = fg_core(m);
	uint64_t align = size >= 16 ? 16 : 8;
	uint64_t at = (c->data_cursor + align - 1) & ~(align - 1);
	if (!size)
		size = 1;
	if (at + size > c->data_end)
		fg_die(fg_where(), "ntoskrnl .data full (variable %s, %zu bytes)", name, size);
	c->data_cursor = at + size;
	FG_GROW(c->vars, c->nvars, c->capvars);
	c->vars[c->nvars++] = (struct fg_kvar){ fg_xstrdup(name), at, size };
	return at;
}

static void put_u16(struct fg_machine *m, uint64_t va, uint16_t v)
{
	uint8_t b[2];
	ld_put_le16(b, v);
	fg_write(m, va, b, 2);
}

static void put_u32(struct fg_machine *m, uint64_t va, uint32_t v)
{
	uint8_t b[4];
	ld_put_le32(b, v);
	fg_write(m, va, b, 4);
}

static void put_u64(struct fg_machine *m, uint64_t va, uint64_t v)
{
	uint8_t b[8];
	ld_put_le64(b, v);
	fg_write(m, va, b, 8);
}

static void put_ksystem_time(struct fg_machine *m, uint64_t va, uint64_t t)
{
	put_u32(m, va, (uint32_t)t);
	put_u32(m, va + 4, (uint32_t)(t >> 32));
	put_u32(m, va + 8, (uint32_t)(t >> 32));
}

/* ---- PE image ---- */

static void put_section(uint8_t *h, size_t at, const char *name, uint32_t rva, uint32_t size, uint32_t chars)
{
	memcpy(h + at, name, strlen(name) < 8 ? strlen(name) : 8);
	ld_put_le32(h + at + 8, size);     /* VirtualSize */
	ld_put_le32(h + at + 12, rva);     /* VirtualAddress */
	ld_put_le32(h + at + 16, size);    /* SizeOfRawData */
	ld_put_le32(h + at + 20, rva);     /* PointerToRawData: as if file = image */
	ld_put_le32(h + at + 36, chars);
}

static uint32_t image_timestamp(const struct fg_machine *m)
{
	return 0x40000000u + m->build * 0x1000u;
}

/* DOS header, PE signature, COFF header, optional header (PE32 or PE32+),
 * data directories (export, debug) and four section headers. */
static void write_pe_headers(struct fg_machine *m)
{
	uint8_t h[LD_PAGE_SIZE] = { 0 };
	uint32_t major, minor;
	os_version(m->build, &major, &minor);
	h[0] = 'M'; h[1] = 'Z';
	ld_put_le32(h + 0x3C, PE_OFFSET);
	memcpy(h + PE_OFFSET, "PE\0\0", 4);
	uint8_t *fh = h + PE_OFFSET + 4;
	ld_put_le16(fh + 0, is_x64(m) ? 0x8664 : 0x014C);
	ld_put_le16(fh + 2, 4);
	ld_put_le32(fh + 4, image_timestamp(m));
	ld_put_le16(fh + 16, is_x64(m) ? 0xF0 : 0xE0);
	/* executable; large-address-aware (x64) or 32-bit machine (x86) */
	ld_put_le16(fh + 18, is_x64(m) ? 0x0022 : 0x0102);
	uint8_t *oh = fh + 20;
	ld_put_le16(oh + 0, is_x64(m) ? 0x20B : 0x10B);
	ld_put_le32(oh + 4, SIZE_TEXT + SIZE_INIT);
	ld_put_le32(oh + 8, SIZE_RDATA + SIZE_DATA);
	ld_put_le32(oh + 16, RVA_TEXT);
	ld_put_le32(oh + 20, RVA_TEXT);
	size_t dd;
	if (is_x64(m)) {
		ld_put_le64(oh + 24, m->kernel_base);
		dd = 112;
	} else {
		ld_put_le32(oh + 24, RVA_RDATA);
		ld_put_le32(oh + 28, (uint32_t)m->kernel_base);
		dd = 96;
	}
	ld_put_le32(oh + 32, LD_PAGE_SIZE);       /* SectionAlignment */
	ld_put_le32(oh + 36, 0x200);              /* FileAlignment */
	ld_put_le16(oh + 40, (uint16_t)major);
	ld_put_le16(oh + 42, (uint16_t)minor);
	ld_put_le16(oh + 44, (uint16_t)major);
	ld_put_le16(oh + 46, (uint16_t)minor);
	ld_put_le16(oh + 48, (uint16_t)major);
	ld_put_le16(oh + 50, (uint16_t)minor);
	ld_put_le32(oh + 56, SIZE_IMAGE);
	ld_put_le32(oh + 60, LD_PAGE_SIZE);       /* SizeOfHeaders */
	ld_put_le16(oh + 68, 1);                  /* IMAGE_SUBSYSTEM_NATIVE */
	ld_put_le32(oh + dd - 4, 16);             /* NumberOfRvaAndSizes */
	/* data directories 0 (export) and 6 (debug) are filled at finish */
	size_t sh = (size_t)(oh - h) + (is_x64(m) ? 0xF0 : 0xE0);
	put_section(h, sh + 0, ".text", RVA_TEXT, SIZE_TEXT, 0x60000020);
	put_section(h, sh + 40, ".rdata", RVA_RDATA, SIZE_RDATA, 0x40000040);
	put_section(h, sh + 80, ".data", RVA_DATA, SIZE_DATA, 0xC8000040);
	put_section(h, sh + 120, "INIT", RVA_INIT, SIZE_INIT, 0xE2000020);
	fg_write(m, m->kernel_base, h, sizeof(h));
}

static uint64_t optional_header_va(const struct fg_machine *m)
{
	return m->kernel_base + PE_OFFSET + 4 + 20;
}

static void set_data_directory(struct fg_machine *m, unsigned index, uint32_t rva, uint32_t size)
{
	uint64_t dd = optional_header_va(m) + (is_x64(m) ? 112 : 96);
	put_u32(m, dd + index * 8, rva);
	put_u32(m, dd + index * 8 + 4, size);
}

static void write_text(struct fg_machine *m)
{
	uint8_t code[LD_PAGE_SIZE];
	memset(code, 0xCC, sizeof(code));   /* int3 */
	code[0] = 0xC3;                     /* the entry point returns */
	for (uint32_t off = 0; off < SIZE_TEXT; off += LD_PAGE_SIZE) {
		fg_write(m, m->kernel_base + RVA_TEXT + off, code, sizeof(code));
		code[0] = 0xCC;
	}
}

/* IMAGE_DEBUG_DIRECTORY (type 2, CodeView) → RSDS: GUID, age, PDB name. */
static void write_debug_directory(struct fg_machine *m)
{
	uint8_t rsds[24 + sizeof(m->pdb_name)] = { 0 };
	size_t namelen = strlen(m->pdb_name) + 1;
	memcpy(rsds, "RSDS", 4);
	memcpy(rsds + 4, m->pdb_guid, 16);
	ld_put_le32(rsds + 20, m->pdb_age);
	memcpy(rsds + 24, m->pdb_name, namelen);
	uint32_t rsds_size = (uint32_t)(24 + namelen);
	fg_write(m, m->kernel_base + RVA_RSDS, rsds, rsds_size);

	uint8_t d[28] = { 0 };
	ld_put_le32(d + 4, image_timestamp(m));
	ld_put_le32(d + 12, 2);             /* IMAGE_DEBUG_TYPE_CODEVIEW */
	ld_put_le32(d + 16, rsds_size);
	ld_put_le32(d + 20, RVA_RSDS);
	ld_put_le32(d + 24, RVA_RSDS);
	fg_write(m, m->kernel_base + RVA_DEBUGDIR, d, sizeof(d));
	set_data_directory(m, 6, RVA_DEBUGDIR, sizeof(d));
}

static int var_cmp(const void *a, const void *b)
{
	const struct fg_kvar *const *x = a, *const *y = b;
	return strcmp((*x)->name, (*y)->name);
}

/* IMAGE_EXPORT_DIRECTORY with every kernel variable, names sorted (loaders
 * and symbol tools binary-search them). */
static void write_exports(struct fg_machine *m)
{
	struct fg_core *c = fg_core(m);
	size_t n = c->nvars;
	const struct fg_kvar **sorted = fg_xrealloc(NULL, n ? n : 1, sizeof(*sorted));
	for (size_t i = 0; i < n; i++)
		sorted[i] = &c->vars[i];
	qsort(sorted, n, sizeof(*sorted), var_cmp);

	uint32_t funcs = RVA_EXPORTS + 40;
	uint32_t names = funcs + 4 * (uint32_t)n;
	uint32_t ords = names + 4 * (uint32_t)n;
	uint32_t str = ords + 2 * (uint32_t)n;
	uint32_t modname = str;
	str += sizeof("ntoskrnl.exe");
	for (size_t i = 0; i < n; i++)
		if (str + strlen(sorted[i]->name) + 1 > RVA_RDATA + SIZE_RDATA)
			fg_die(fg_where(), "too many kernel variables for the export table");
	uint64_t base = m->kernel_base;
	fg_write(m, base + modname, "ntoskrnl.exe", sizeof("ntoskrnl.exe"));
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(sorted[i]->name) + 1;
		put_u32(m, base + funcs + 4 * i, (uint32_t)(sorted[i]->va - base));
		put_u32(m, base + names + 4 * i, str);
		put_u16(m, base + ords + 2 * i, (uint16_t)i);
		fg_write(m, base + str, sorted[i]->name, len);
		str += (uint32_t)len;
	}
	free(sorted);
	uint8_t e[40] = { 0 };
	ld_put_le32(e + 4, image_timestamp(m));
	ld_put_le32(e + 12, modname);
	ld_put_le32(e + 16, 1);                 /* ordinal base */
	ld_put_le32(e + 20, (uint32_t)n);
	ld_put_le32(e + 24, (uint32_t)n);
	ld_put_le32(e + 28, funcs);
	ld_put_le32(e + 32, names);
	ld_put_le32(e + 36, ords);
	fg_write(m, base + RVA_EXPORTS, e, sizeof(e));
	set_data_directory(m, 0, RVA_EXPORTS, str - RVA_EXPORTS);
}

/* ---- the PDB identity ---- */

static bool parse_guid(const char *s, uint8_t out[16])
{
	char hex[33];
	size_t n = 0;
	for (; *s; s++) {
		if (*s == '{' || *s == '}' || *s == '-')
			continue;
		if (n == 32 || !strchr("0123456789abcdefABCDEF", *s))
			return false;
		hex[n++] = *s;
	}
	if (n != 32)
		return false;
	hex[32] = 0;
	uint8_t b[16];
	for (size_t i = 0; i < 16; i++) {
		char pair[3] = { hex[2 * i], hex[2 * i + 1], 0 };
		b[i] = (uint8_t)strtoul(pair, NULL, 16);
	}
	/* The text form is Data1-Data2-Data3-Data4; the first three are stored
	 * little-endian. */
	uint8_t g[16] = { b[3], b[2], b[1], b[0], b[5], b[4], b[7], b[6] };
	memcpy(g + 8, b + 8, 8);
	memcpy(out, g, 16);
	return true;
}

static void choose_pdb(struct fg_machine *m)
{
	if (fg_core(m)->pdb_set)
		return;
	const char *g = m->profile ? ld_profile_pdb_guid(m->profile) : NULL;
	if (g && parse_guid(g, m->pdb_guid)) {
		m->pdb_age = ld_profile_pdb_age(m->profile);
		return;
	}
	for (size_t i = 0; i < 16; i += 8)
		ld_put_le64(m->pdb_guid + i, fg_random(m));
	m->pdb_age = 1;
}

/* ---- setup ---- */

static void write_low_stub(struct fg_machine *m)
{
	if (!is_x64(m) || !m->lowstub)
		return;
	/* PROCESSOR_START_BLOCK: a page in 0x1000..0x9f000 (MemProcFS scans there). */
	uint64_t start = fg_random(m) % 0x9E;
	for (uint64_t k = 0; k < 0x9E; k++) {
		uint64_t pfn = 1 + (start + k) % 0x9E;
		bool in_ram = false;
		for (size_t i = 0; i < m->nram; i++)
			if (pfn >= m->ram[i].base_pfn && pfn < m->ram[i].base_pfn + m->ram[i].npages)
				in_ram = true;
		if (!in_ram || fg_phys_present(m, pfn))
			continue;
		uint8_t *p = fg_phys_page(m, pfn, true);
		ld_put_le64(p + 0x00, 0x00000001000650E9ull);  /* jmp; CompletionFlag 1 */
		ld_put_le64(p + 0x70, m->kernel_entry);
		ld_put_le64(p + 0xA0, m->dtb);
		m->lowstub_pa = pfn << LD_PAGE_SHIFT;
		return;
	}
}

/* The branch part of NtBuildLab; service packs read "spN" as Windows writes them. */
static void build_lab_branch(uint32_t build, int sp, uint32_t rev, char *out, size_t len)
{
	static const struct { uint32_t build; const char *lab; } t[] = {
		{ 6000, "vista_rtm" }, { 6001, "vistasp1_rtm" }, { 6002, "vistasp2_rtm" },
		{ 7600, "win7_rtm" }, { 9200, "win8_rtm" }, { 9600, "winblue_rtm" },
		{ 10240, "th1" }, { 10586, "th2_release" }, { 14393, "rs1_release" },
		{ 15063, "rs2_release" }, { 16299, "rs3_release" }, { 17134, "rs4_release" },
		{ 17763, "rs5_release" }, { 18362, "19h1_release" }, { 19041, "vb_release" },
	};
	if (build == 2195)
		snprintf(out, len, "w2k_sp%d_rtm", sp > 0 ? sp : 4);
	else if (build == 2600)
		snprintf(out, len, "xpsp_sp%d_rtm", sp > 0 ? sp : 2);
	else if (build == 3790)
		snprintf(out, len, sp == 0 ? "srv03_rtm" : "srv03_sp%d_rtm", sp > 0 ? sp : 2);
	else if (build == 7601)
		snprintf(out, len, rev >= 20000 ? "win7sp1_ldr" : "win7sp1_rtm");
	else
		snprintf(out, len, "forge_release");
	for (size_t i = 0; i < LD_ARRAY_SIZE(t); i++)
		if (t[i].build == build)
			snprintf(out, len, "%s", t[i].lab);
}

/* Kernel revisions of the first release of each build (NT 6+ labs carry one). */
static uint32_t default_revision(uint32_t build)
{
	static const struct { uint32_t build, rev; } t[] = {
		{ 6000, 16386 }, { 6001, 18000 }, { 6002, 18005 }, { 7600, 16385 },
		{ 7601, 17514 }, { 9200, 16384 }, { 9600, 16384 }, { 10240, 16384 },
	};
	for (size_t i = 0; i < LD_ARRAY_SIZE(t); i++)
		if (t[i].build == build)
			return t[i].rev;
	return 1;
}

/* NtBuildLab as Windows writes it: "2600.xpsp_sp2_rtm.DATE" before Vista,
 * "7601.17514.amd64fre.win7sp1_rtm.DATE" after; the profile's service pack
 * and kernel revision go in, so that profile choice can use them as hints. */
static void build_lab(const struct fg_machine *m, char *out, size_t len)
{
	int sp = m->profile ? ld_profile_service_pack(m->profile) : -1;
	uint32_t rev = m->profile ? ld_profile_kernel_revision(m->profile) : 0;
	if (!rev)
		rev = default_revision(m->build);
	char branch[32];
	build_lab_branch(m->build, sp, rev, branch, sizeof(branch));
	if (m->build < 6000)
		snprintf(out, len, "%u.%s.240101-0000", m->build, branch);
	else
		snprintf(out, len, "%u.%u.%s.%s.240101-0000", m->build, rev,
			 is_x64(m) ? "amd64fre" : "x86fre", branch);
}

/* The kernel globals every dump has, created empty at setup so that the
 * concern files can link into them (PsActiveProcessHead, ...). */
static void create_globals(struct fg_machine *m)
{
	unsigned ps = ld_arch_ptr_size(m->arch);
	m->ps_active_process_head = fg_kernel_var(m, "PsActiveProcessHead", 2 * ps);
	fg_list_init(m, m->ps_active_process_head);
	m->ps_loaded_module_list = fg_kernel_var(m, "PsLoadedModuleList", 2 * ps);
	fg_list_init(m, m->ps_loaded_module_list);
	(void)fg_kernel_var(m, "KdpDebuggerDataListHead", 16);
	m->kdbg_va = fg_kernel_var(m, "KdDebuggerDataBlock", KDBG_BUFFER);
	char lab[128];
	build_lab(m, lab, sizeof(lab));
	fg_write(m, fg_kernel_var(m, "NtBuildLab", sizeof(lab)), lab, strlen(lab) + 1);
}

/* Does [va, va+size) overlap .text or INIT (executable sections)? */
bool fg_kernel_is_code(const struct fg_machine *m, uint64_t va, uint64_t size)
{
	static const uint32_t code[][2] = { { RVA_TEXT, SIZE_TEXT }, { RVA_INIT, SIZE_INIT } };
	for (size_t i = 0; i < LD_ARRAY_SIZE(code); i++) {
		uint64_t lo = m->kernel_base + code[i][0], hi = lo + code[i][1];
		if (va < hi && lo < va + size)
			return true;
	}
	return false;
}

/* `kernel large`: the image inside one large page, as Windows maps it
 * (4 MiB on x86, 2 MiB on PAE and x64). */
static void map_kernel_large(struct fg_machine *m)
{
	uint64_t size = m->arch == LD_ARCH_X86 ? (4ull << 20) : (2ull << 20);
	uint64_t start = m->kernel_base & ~(size - 1);
	if (m->kernel_base + SIZE_IMAGE > start + size)
		fg_die(fg_where(), "kernel image at 0x%llx crosses a large-page boundary",
		       (unsigned long long)m->kernel_base);
	uint64_t n = size >> LD_PAGE_SHIFT;
	fg_map_large(m, start, fg_phys_alloc_run(m, n, n), size);
}

void fg_kernel_setup(struct fg_machine *m)
{
	struct fg_core *c = fg_core(m);
	if (c->kernel_large)
		map_kernel_large(m);
	fg_map_range(m, m->kernel_base, SIZE_IMAGE);
	c->data_cursor = m->kernel_base + RVA_DATA;
	c->data_end = c->data_cursor + SIZE_DATA;
	choose_pdb(m);
	write_pe_headers(m);
	write_text(m);
	fg_map_range(m, m->kuser_va, LD_PAGE_SIZE);
	create_globals(m);
	write_low_stub(m);
}

/* ---- finish ---- */

static uint64_t global_var(struct fg_machine *m, const char *name)
{
	uint64_t va = fg_kernel_symbol(m, name);
	/* The object model lays its globals out by the profile: none without one. */
	if (!va && fg_objects_global && m->profile)
		va = fg_objects_global(m, name);
	if (!va)
		va = fg_kernel_var(m, name, ld_arch_ptr_size(m->arch));
	return va;
}

/* The object model's globals, created before fg_objects_finish() runs so
 * that whatever they pull in (types, root directory) is finished too. */
void fg_kernel_collect_globals(struct fg_machine *m)
{
	static const char *const names[] = { "PspCidTable", "ObpRootDirectoryObject", "ObpTypeObjectType" };
	for (size_t i = 0; i < LD_ARRAY_SIZE(names); i++)
		(void)global_var(m, names[i]);
}

static void write_physical_memory_block(struct fg_machine *m, uint64_t var)
{
	unsigned ps = ld_arch_ptr_size(m->arch);
	/* _PHYSICAL_MEMORY_DESCRIPTOR: ULONG NumberOfRuns; PFN_NUMBER NumberOfPages;
	 * { PFN_NUMBER BasePage, PageCount } Run[] (PFN_NUMBER = pointer-sized). */
	uint64_t d = fg_kalloc(m, 2 * ps + m->nram * 2 * ps, "MmPh", false);
	put_u32(m, d, (uint32_t)m->nram);
	uint8_t b[8];
	ld_put_le64(b, fg_ram_pages(m));
	fg_write(m, d + ps, b, ps);
	for (size_t i = 0; i < m->nram; i++) {
		ld_put_le64(b, m->ram[i].base_pfn);
		fg_write(m, d + 2 * ps + i * 2 * ps, b, ps);
		ld_put_le64(b, m->ram[i].npages);
		fg_write(m, d + 2 * ps + i * 2 * ps + ps, b, ps);
	}
	fg_write_ptr(m, var, d);
}

/* Values of the Mm* variables the KDBG points at. */
static void fill_mm_vars(struct fg_machine *m)
{
	fg_write_ptr(m, global_var(m, "MmPfnDatabase"), m->pfn_database);
	fg_write_ptr(m, global_var(m, "MmHighestPhysicalPage"), fg_max_pfn(m) - 1);
	fg_write_ptr(m, global_var(m, "MmNumberOfPhysicalPages"), fg_ram_pages(m));
	fg_write_ptr(m, global_var(m, "MmHighestUserAddress"), is_x64(m) ? 0x7FFFFFEFFFFull : 0x7FFEFFFFull);
	fg_write_ptr(m, global_var(m, "MmSystemRangeStart"), is_x64(m) ? 0xFFFF080000000000ull : 0x80000000ull);
	fg_write_ptr(m, global_var(m, "MmUserProbeAddress"), is_x64(m) ? 0x7FFFFFFF0000ull : 0x7FFF0000ull);
	put_u32(m, global_var(m, "KeTimeIncrement"), TIME_INCREMENT);
	(void)fg_kernel_var(m, "KiProcessorBlock", (size_t)m->processors * ld_arch_ptr_size(m->arch));
	write_physical_memory_block(m, global_var(m, "MmPhysicalMemoryBlock"));
}

static void write_kdbg(struct fg_machine *m)
{
	fill_mm_vars(m);
	uint64_t k = m->kdbg_va;
	uint64_t head = fg_kernel_symbol(m, "KdpDebuggerDataListHead");
	/* One block on the debugger data list: head ↔ block, LIST_ENTRY64. */
	put_u64(m, head, ptr64(m, k + KDBG_LIST));
	put_u64(m, head + 8, ptr64(m, k + KDBG_LIST));
	put_u64(m, k + KDBG_LIST, ptr64(m, head));
	put_u64(m, k + KDBG_LIST + 8, ptr64(m, head));
	put_u32(m, k + KDBG_OWNER_TAG, 0x4742444B);      /* 'KDBG' */
	put_u32(m, k + KDBG_SIZE, m->kdbg_size);
	put_u64(m, k + KDBG_KERNBASE, ptr64(m, m->kernel_base));
	for (size_t i = 0; i < LD_ARRAY_SIZE(kdbg_var_fields); i++)
		if (kdbg_var_fields[i].offset + 8 <= m->kdbg_size)
			put_u64(m, k + kdbg_var_fields[i].offset, ptr64(m, global_var(m, kdbg_var_fields[i].name)));
}

static void write_kuser(struct fg_machine *m)
{
	uint64_t u = m->kuser_va;
	uint32_t major, minor;
	os_version(m->build, &major, &minor);
	uint16_t machine = is_x64(m) ? 0x8664 : 0x014C;
	if (m->build < 6000)
		put_u32(m, u + KU_TICK_COUNT_LOW, (uint32_t)m->tick_count);
	put_u32(m, u + KU_TICK_MULTIPLIER, TICK_MULTIPLIER);
	put_ksystem_time(m, u + KU_INTERRUPT_TIME, m->interrupt_time);
	put_ksystem_time(m, u + KU_SYSTEM_TIME, m->system_time);
	put_u16(m, u + KU_IMAGE_NUMBER_LOW, machine);
	put_u16(m, u + KU_IMAGE_NUMBER_HIGH, machine);
	const char *root = m->build < 6000 ? "C:\\WINDOWS" : "C:\\Windows";
	for (size_t i = 0; root[i]; i++)
		put_u16(m, u + KU_NT_SYSTEM_ROOT + 2 * i, (uint16_t)root[i]);
	if (m->build >= 10240)
		put_u32(m, u + KU_NT_BUILD_NUMBER, m->build);
	put_u32(m, u + KU_NT_PRODUCT_TYPE, 1);           /* NtProductWinNt */
	fg_write(m, u + KU_PRODUCT_TYPE_VALID, "\1", 1);
	put_u32(m, u + KU_NT_MAJOR_VERSION, major);
	put_u32(m, u + KU_NT_MINOR_VERSION, minor);
	if (m->build >= 2600)
		put_ksystem_time(m, u + KU_TICK_COUNT, m->tick_count);
}

/* Variables whose value is only final at the end (tick count, build). */
static void write_late_vars(struct fg_machine *m)
{
	put_u32(m, fg_kernel_var(m, "NtBuildNumber", 4), 0xF0000000u | m->build);   /* free build */
	if (!is_x64(m)) {
		/* x86 exports KeTickCount (a KSYSTEM_TIME from XP on). */
		uint64_t t = fg_kernel_var(m, "KeTickCount", 12);
		put_ksystem_time(m, t, m->tick_count);
	}
}

void fg_kernel_finish(struct fg_machine *m)
{
	m->interrupt_time = m->uptime_100ns;
	if (!fg_core(m)->tick_set)
		m->tick_count = m->uptime_100ns / TIME_INCREMENT;
	write_late_vars(m);
	write_kdbg(m);
	write_kuser(m);
	write_debug_directory(m);
	write_exports(m);
}

/* ---- directives ---- */

int fg_dir_processors(struct fg_machine *m, int argc, char **argv, const char *where)
{
	if (argc != 2)
		fg_die(where, "usage: processors N");
	uint64_t n = fg_parse_u64_or_die(where, "processor count", argv[1]);
	if (n < 1 || n > 64)
		fg_die(where, "processors must be 1..64");
	m->processors = (uint32_t)n;
	return 0;
}

int fg_dir_bugcheck(struct fg_machine *m, int argc, char **argv, const char *where)
{
	if (argc < 2 || argc > 6)
		fg_die(where, "usage: bugcheck CODE [P1 P2 P3 P4]");
	m->bugcheck_code = (uint32_t)fg_parse_u64_or_die(where, "bugcheck code", argv[1]);
	for (int i = 0; i < 4; i++)
		m->bugcheck_params[i] = i + 2 < argc ? fg_parse_u64_or_die(where, "bugcheck parameter", argv[i + 2]) : 0;
	return 0;
}

/* Days from 1601-01-01 to y-m-d (proleptic Gregorian). */
static int64_t days_since_1601(int64_t y, int64_t mo, int64_t d)
{
	y -= mo <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	int64_t days_1970 = era * 146097 + doe - 719468;
	return days_1970 + 134774;   /* 1601-01-01 → 1970-01-01 */
}

static bool parse_iso8601(const char *s, uint64_t *ft)
{
	int y, mo, d, h = 0, mi = 0, sec = 0, n = 0;
	if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3)
		return false;
	s += n;
	if (*s == 'T' || *s == ' ') {
		if (sscanf(s + 1, "%2d:%2d:%2d%n", &h, &mi, &sec, &n) != 3)
			return false;
		s += 1 + n;
	}
	if (*s == 'Z')
		s++;
	if (*s || y < 1601 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return false;
	int64_t secs = days_since_1601(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
	*ft = (uint64_t)secs * 10000000ull;
	return true;
}

int fg_dir_time(struct fg_machine *m, int argc, char **argv, const char *where)
{
	if (argc != 2)
		fg_die(where, "usage: time YYYY-MM-DDTHH:MM:SSZ | FILETIME");
	if (!parse_iso8601(argv[1], &m->system_time) && !fg_parse_u64(argv[1], &m->system_time))
		fg_die(where, "bad time '%s' (want YYYY-MM-DDTHH:MM:SSZ or a FILETIME)", argv[1]);
	return 0;
}

int fg_dir_uptime(struct fg_machine *m, int argc, char **argv, const char *where)
{
	if (argc != 2)
		fg_die(where, "usage: uptime SECONDS");
	uint64_t s = fg_parse_u64_or_die(where, "uptime", argv[1]);
	if (s > 100ull * 365 * 86400)
		fg_die(where, "uptime of more than a century");
	m->uptime_100ns = s * 10000000ull;
	return 0;
}

int fg_dir_tick(struct fg_machine *m, int argc, char **argv, const char *where)
{
	if (argc != 2)
		fg_die(where, "usage: tick N");
	m->tick_count = fg_parse_u64_or_die(where, "tick count", argv[1]);
	fg_core(m)->tick_set = true;
	return 0;
}

int fg_dir_kernel(struct fg_machine *m, int argc, char **argv, const char *where)
{
	struct fg_core *c = fg_core(m);
	if (argc < 2)
		fg_die(where, "usage: kernel [base=VA] [large]");
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "large")) {
			c->kernel_large = true;
		} else if (!strncmp(argv[i], "base=", 5)) {
			m->kernel_base = fg_parse_u64_or_die(where, "kernel base", argv[i] + 5);
			if (m->kernel_base & (LD_PAGE_SIZE - 1))
				fg_die(where, "kernel base must be page-aligned");
			c->kernel_base_set = true;
		} else {
			fg_die(where, "kernel: unknown word '%s' (base=VA, large)", argv[i]);
		}
	}
	return 0;
}

int fg_dir_pdb(struct fg_machine *m, int argc, char **argv, const char *where)
{
	if (argc < 3 || argc > 4)
		fg_die(where, "usage: pdb GUID AGE [name=ntkrnlmp.pdb]");
	if (!parse_guid(argv[1], m->pdb_guid))
		fg_die(where, "bad GUID '%s' (32 hex digits, dashes and braces allowed)", argv[1]);
	m->pdb_age = (uint32_t)fg_parse_u64_or_die(where, "age", argv[2]);
	const char *name = fg_arg(argc, argv, "name");
	if (name) {
		if (strlen(name) >= sizeof(m->pdb_name))
			fg_die(where, "PDB name too long");
		snprintf(m->pdb_name, sizeof(m->pdb_name), "%s", name);
	}
	fg_core(m)->pdb_set = true;
	return 0;
}

int fg_dir_kdbg(struct fg_machine *m, int argc, char **argv, const char *where)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "encoded"))
			m->kdbg_encoded = true;
		else if (!strcmp(argv[i], "plain"))
			m->kdbg_encoded = false;
		else if (!strcmp(argv[i], "header=absent"))
			m->header_kdbg_absent = true;
		else
			fg_die(where, "kdbg: unknown word '%s' (encoded, plain, header=absent)", argv[i]);
	}
	return 0;
}

int fg_dir_lowstub(struct fg_machine *m, int argc, char **argv, const char *where)
{
	if (argc != 2 || (strcmp(argv[1], "on") && strcmp(argv[1], "off")))
		fg_die(where, "usage: lowstub on|off");
	m->lowstub = !strcmp(argv[1], "on");
	return 0;
}
