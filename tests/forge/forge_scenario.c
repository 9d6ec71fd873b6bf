/*
 * forge_scenario.c — the scenario language and the directive table.
 *
 * A scenario is a text file, one directive per line:
 *
 *     # comment (to the end of the line, outside quotes)
 *     profile win10-19041-x64      # layout, arch and build from structs/
 *     ram 16M
 *     process pid=4 name=System
 *     directory path="\RPC Control"
 *
 * The first word names the directive; the others are positional words or
 * key=value words, in any order (fg_arg()). Double quotes group a word with
 * spaces (the quotes are removed; backslashes are literal, for Windows
 * paths). Numbers are decimal or 0x hex, with an optional K/M/G suffix
 * (binary units).
 *
 * Configuration directives (marked early below) run first, wherever they
 * appear; then the machine is built (page tables, ntoskrnl, KDBG, ...); then
 * every other directive runs in file order; then fg_finish().
 *
 * Core directives:
 *   profile NAME | arch x86|x86-pae|x64 | build N | seed N
 *   ram SIZE | ram BASE SIZE          (forge_memory.c)
 *   processors N | bugcheck CODE [P1..P4] | time ISO8601|FILETIME |
 *   uptime SECONDS | tick N | kernel [base=VA] [large] | pdb GUID AGE [name=X] |
 *   kdbg [encoded] [header=absent] | lowstub on|off     (forge_kernel.c)
 *   largepage VA SIZE | map VA SIZE | write VA KIND=VALUE | addrspace |
 *   transition VA | pagefile VA [file=N] [offset=N] |
 *   pageout paged=PCT [transition=PCT]                  (forge_paging.c)
 *   set VA TYPE.PATH=VALUE...                          (forge_typed.c)
 * A VA may be written nt!Symbol[+OFFSET] for a kernel variable.
 *
 *   include FILE   the lines of FILE here (path relative to this file)
 *
 * Errors name the place: "FILE:LINE: message", and the forge exits 1.
 *
 * Adding a directive: write `int fg_dir_x(struct fg_machine *, int argc,
 * char **argv, const char *where)` in the file of its concern, declare it in
 * that concern's header, and add ONE line to the table below.
 */
#include "forge-priv.h"
#include "forge_objects.h"
#include "forge_stack.h"
#include "forge_lpc.h"
#include "forge_alpc.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#pragma weak fg_objects_finish
#pragma weak fg_lpc_finish
#pragma weak fg_alpc_finish
#pragma weak fg_kdbg_encode

static const struct fg_directive directives[] = {
	/* configuration (early) */
	{ "profile", fg_dir_profile, true },
	{ "arch", fg_dir_arch, true },
	{ "build", fg_dir_build, true },
	{ "seed", fg_dir_seed, true },
	{ "ram", fg_dir_ram, true },
	{ "processors", fg_dir_processors, true },
	{ "bugcheck", fg_dir_bugcheck, true },
	{ "time", fg_dir_time, true },
	{ "uptime", fg_dir_uptime, true },
	{ "tick", fg_dir_tick, true },
	{ "kernel", fg_dir_kernel, true },
	{ "pdb", fg_dir_pdb, true },
	{ "kdbg", fg_dir_kdbg, true },
	{ "lowstub", fg_dir_lowstub, true },
	/* memory */
	{ "largepage", fg_dir_largepage, false },
	{ "map", fg_dir_map, false },
	{ "addrspace", fg_dir_addrspace, false },
	{ "write", fg_dir_write, false },
	{ "transition", fg_dir_transition, false },
	{ "pagefile", fg_dir_pagefile, false },
	{ "pageout", fg_dir_pageout, false },
	{ "set", fg_dir_set, false },
	/* objects (forge_objects.c), LPC (forge_lpc.c), ALPC (forge_alpc.c): one line each */
	{ "process", fg_dir_process, false },
	{ "thread", fg_dir_thread, false },
	{ "handle", fg_dir_handle, false },
	{ "directory", fg_dir_directory, false },
	{ "object", fg_dir_object, false },
	{ "module", fg_dir_module, false },
	{ "damage", fg_dir_damage, false },
	{ "kstack", fg_dir_kstack, false },   /* forge_stack.c: kernel stacks for `k` */
	{ "port", fg_dir_port, false },       /* forge_lpc.c: NT 5.x LPC (forge_lpc.h) */
	{ "message", fg_dir_message, false },
	{ "lpcwait", fg_dir_lpcwait, false },
	{ "lpcconnect", fg_dir_lpcconnect, false },
	{ "lpcreceive", fg_dir_lpcreceive, false },
	{ "lpchold", fg_dir_lpchold, false },
	{ "lpcserve", fg_dir_lpcserve, false },
	{ "lpcexit", fg_dir_lpcexit, false },
	{ "dispatcher", fg_dir_dispatcher, false },
	{ "lpcdamage", fg_dir_lpcdamage, false },
	{ "alpcport", fg_dir_alpcport, false },   /* forge_alpc.c: ALPC (forge_alpc.h) */
	{ "alpcmsg", fg_dir_alpcmsg, false },
	{ "alpcwait", fg_dir_alpcwait, false },
	{ "alpcreceive", fg_dir_alpcreceive, false },
	{ "alpcdamage", fg_dir_alpcdamage, false },   /* forge_alpc_damage.c */
};

const char *fg_cli_profile;
bool fg_cli_seed_set;

/* ---- where we are, and dying there ---- */

static char current_where[512] = "forge";

const char *fg_where(void)
{
	return current_where;
}

void fg_die(const char *where, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "%s: ", where ? where : "forge");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* ---- numbers and arguments ---- */

bool fg_parse_u64(const char *s, uint64_t *out)
{
	if (!s)
		return false;
	char *end;
	errno = 0;
	/* decimal or 0x hex; a leading 0 is not octal here */
	bool hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
	const char *digits = hex ? s + 2 : s;
	if (!(hex ? isxdigit((unsigned char)*digits) : isdigit((unsigned char)*digits)))
		return false;
	unsigned long long v = strtoull(digits, &end, hex ? 16 : 10);
	if (errno || end == s)
		return false;
	unsigned shift = 0;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	default: break;
	}
	if (*end || (shift && v > (UINT64_MAX >> shift)))
		return false;
	*out = (uint64_t)v << shift;
	return true;
}

uint64_t fg_parse_u64_or_die(const char *where, const char *what, const char *s)
{
	uint64_t v;
	if (!fg_parse_u64(s, &v))
		fg_die(where, "bad %s '%s' (want a number: 123, 0x7b, 16M)", what, s ? s : "");
	return v;
}

/* A VA: a number, or nt!Symbol[+OFFSET] naming a kernel variable. */
uint64_t fg_parse_va(struct fg_machine *m, const char *where, const char *s)
{
	if (strncmp(s, "nt!", 3))
		return fg_parse_u64_or_die(where, "address", s);
	char name[128];
	const char *plus = strchr(s + 3, '+');
	size_t len = plus ? (size_t)(plus - (s + 3)) : strlen(s + 3);
	if (!len || len >= sizeof(name))
		fg_die(where, "bad symbol '%s'", s);
	memcpy(name, s + 3, len);
	name[len] = 0;
	uint64_t va = fg_kernel_symbol(m, name);
	if (!va)
		fg_die(where, "no kernel variable %s (yet)", name);
	return va + (plus ? fg_parse_u64_or_die(where, "offset", plus + 1) : 0);
}

const char *fg_arg(int argc, char **argv, const char *key)
{
	size_t n = strlen(key);
	for (int i = 1; i < argc; i++)
		if (!strncmp(argv[i], key, n) && argv[i][n] == '=')
			return argv[i] + n + 1;
	return NULL;
}

uint64_t fg_arg_u64(int argc, char **argv, const char *key, uint64_t dflt)
{
	const char *v = fg_arg(argc, argv, key);
	return v ? fg_parse_u64_or_die(fg_where(), key, v) : dflt;
}

/* ---- identity directives ---- */

static void load_profiles(struct fg_machine *m, const char *where)
{
	if (m->profiles)
		return;
	if (ld_profile_set_load(&m->profiles) != LD_OK)
		fg_die(where, "cannot load profiles: %s", ld_errmsg());
}

static void use_profile(struct fg_machine *m, const char *name, const char *where)
{
	load_profiles(m, where);
	const struct ld_profile *p = ld_profile_set_find(m->profiles, name);
	if (!p)
		fg_die(where, "unknown profile '%s' (see structs/)", name);
	m->profile = p;
	m->build = ld_profile_build(p);
	enum ld_arch a = ld_profile_arch(p);
	/* PAE is a paging mode of an x86 layout: keep it if asked for. */
	if (!(a == LD_ARCH_X86 && m->arch == LD_ARCH_X86_PAE))
		m->arch = a;
}

int fg_dir_profile(struct fg_machine *m, int argc, char **argv, const char *where)
{
	if (argc != 2)
		fg_die(where, "usage: profile NAME");
	if (!fg_cli_profile)
		use_profile(m, argv[1], where);
	return 0;
}

int fg_dir_arch(struct fg_machine *m, int argc, char **argv, const char *where)
{
	if (argc != 2)
		fg_die(where, "usage: arch x86|x86-pae|x64");
	enum ld_arch a = ld_arch_parse(argv[1]);
	if (a != LD_ARCH_X86 && a != LD_ARCH_X86_PAE && a != LD_ARCH_X64)
		fg_die(where, "unknown architecture '%s' (x86, x86-pae, x64)", argv[1]);
	if (m->profile && ld_arch_ptr_size(a) != ld_profile_ptr_size(m->profile))
		fg_die(where, "arch %s does not fit profile %s", argv[1], ld_profile_name(m->profile));
	m->arch = a;
	return 0;
}

int fg_dir_build(struct fg_machine *m, int argc, char **argv, const char *where)
{
	if (argc != 2)
		fg_die(where, "usage: build N");
	uint64_t b = fg_parse_u64_or_die(where, "build", argv[1]);
	if (b < 1381 || b > 0xFFFF)
		fg_die(where, "build %llu out of range", (unsigned long long)b);
	m->build = (uint32_t)b;
	return 0;
}

int fg_dir_seed(struct fg_machine *m, int argc, char **argv, const char *where)
{
	if (argc != 2)
		fg_die(where, "usage: seed N");
	uint64_t s = fg_parse_u64_or_die(where, "seed", argv[1]);
	if (!fg_cli_seed_set) {
		m->seed = (uint32_t)s;
		m->rng = m->seed;
	}
	return 0;
}

/* ---- reading the file ---- */

#define MAX_WORDS 64
#define MAX_LINE 4096

struct line {
	const char *path;           /* the file it came from (owned by the reader) */
	unsigned no;
	int argc;
	char **argv;
};

/* All lines of a scenario, includes expanded, and the buffers they point into. */
struct reader {
	struct line *lines;
	size_t n, cap;
	char **bufs;
	size_t nbufs, capbufs;
};

#define MAX_INCLUDE_DEPTH 8

/* Split a line into words in place; quotes group, '#' starts a comment. */
static int split_words(char *s, char **argv, const char *where)
{
	int argc = 0;
	while (*s) {
		while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
			s++;
		if (!*s || *s == '#')
			break;
		if (argc == MAX_WORDS)
			fg_die(where, "more than %d words", MAX_WORDS);
		argv[argc++] = s;
		char *out = s;
		bool quoted = false;
		for (; *s && (quoted || (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')); s++) {
			if (*s == '"')
				quoted = !quoted;
			else if (*s == '#' && !quoted)
				break;
			else
				*out++ = *s;
		}
		if (quoted)
			fg_die(where, "unterminated quote");
		bool comment = *s == '#';
		if (*s && !comment)
			s++;
		*out = 0;
		if (comment)
			break;
	}
	return argc;
}

static const struct fg_directive *find_directive(const char *name)
{
	for (size_t i = 0; i < LD_ARRAY_SIZE(directives); i++)
		if (!strcmp(directives[i].name, name))
			return &directives[i];
	return NULL;
}

static void set_where(const char *path, unsigned no)
{
	snprintf(current_where, sizeof(current_where), "%s:%u", path, no);
}

static char *keep(struct reader *r, char *buf)
{
	FG_GROW(r->bufs, r->nbufs, r->capbufs);
	r->bufs[r->nbufs++] = buf;
	return buf;
}

/* An include's path: relative to the including file's directory. */
static char *include_path(const char *from, const char *name)
{
	const char *slash = strrchr(from, '/');
	if (name[0] == '/' || !slash)
		return fg_xstrdup(name);
	size_t dir = (size_t)(slash - from) + 1;
	char *p = fg_xrealloc(NULL, dir + strlen(name) + 1, 1);
	memcpy(p, from, dir);
	strcpy(p + dir, name);
	return p;
}

static void read_file(struct reader *r, const char *path, int depth, const char *where);

static void add_line(struct reader *r, const char *path, unsigned no, int argc, char **argv, int depth)
{
	if (!strcmp(argv[0], "include")) {
		if (argc != 2)
			fg_die(current_where, "usage: include FILE");
		char *file = keep(r, include_path(path, argv[1]));
		read_file(r, file, depth + 1, current_where);
		return;
	}
	char **v = fg_xrealloc(NULL, (size_t)argc + 1, sizeof(char *));
	keep(r, (char *)v);
	memcpy(v, argv, (size_t)argc * sizeof(char *));
	v[argc] = NULL;
	FG_GROW(r->lines, r->n, r->cap);
	r->lines[r->n++] = (struct line){ path, no, argc, v };
}

static void read_file(struct reader *r, const char *path, int depth, const char *where)
{
	if (depth > MAX_INCLUDE_DEPTH)
		fg_die(where, "includes nested deeper than %d", MAX_INCLUDE_DEPTH);
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	if (!f)
		fg_die(where, "cannot open scenario %s: %s", path, strerror(errno));
	char buf[MAX_LINE];
	unsigned no = 0;
	while (fgets(buf, sizeof(buf), f)) {
		no++;
		set_where(path, no);
		if (!strchr(buf, '\n') && !feof(f))
			fg_die(current_where, "line longer than %d bytes", MAX_LINE - 1);
		char *copy = keep(r, fg_xstrdup(buf));
		char *argv[MAX_WORDS];
		int argc = split_words(copy, argv, current_where);
		if (argc)
			add_line(r, path, no, argc, argv, depth);
	}
	if (f != stdin)
		fclose(f);
}

static void run_pass(struct fg_machine *m, struct reader *r, bool early)
{
	for (size_t i = 0; i < r->n; i++) {
		const struct line *l = &r->lines[i];
		set_where(l->path, l->no);
		const struct fg_directive *d = find_directive(l->argv[0]);
		if (!d)
			fg_die(current_where, "unknown directive '%s'", l->argv[0]);
		if (d->early != early)
			continue;
		if (d->handle(m, l->argc, l->argv, current_where) != 0)
			fg_die(current_where, "%s failed", d->name);
	}
}

int fg_scenario_load(struct fg_machine *m, const char *path)
{
	struct reader r = { 0 };
	read_file(&r, path, 0, "forge");
	if (fg_cli_profile) {
		snprintf(current_where, sizeof(current_where), "--profile");
		use_profile(m, fg_cli_profile, current_where);
	}
	run_pass(m, &r, true);
	snprintf(current_where, sizeof(current_where), "%s", path);
	fg_machine_setup(m);
	run_pass(m, &r, false);
	snprintf(current_where, sizeof(current_where), "%s", path);
	fg_finish(m);
	snprintf(current_where, sizeof(current_where), "forge");
	free(r.lines);
	for (size_t i = 0; i < r.nbufs; i++)
		free(r.bufs[i]);
	free(r.bufs);
	return 0;
}

/* ---- the end of a scenario ---- */

void fg_finish(struct fg_machine *m)
{
	struct fg_core *c = fg_core(m);
	if (c->finished)
		return;
	fg_machine_setup(m);
	if (fg_lpc_finish)
		fg_lpc_finish(m);
	if (fg_alpc_finish)
		fg_alpc_finish(m);
	fg_kernel_collect_globals(m);
	if (fg_objects_finish)
		fg_objects_finish(m);
	fg_kernel_finish(m);
	if (m->kdbg_encoded) {
		if (!fg_kdbg_encode)
			fg_die(fg_where(), "kdbg encoded: this forge has no KDBG encoder (forge_kdbg_encode.c)");
		fg_kdbg_encode(m);
	}
	fg_paging_sync_spaces(m);
	fg_paging_apply_edits(m);
	fg_phys_sort(m);
	c->finished = true;
}
