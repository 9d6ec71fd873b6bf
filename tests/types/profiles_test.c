/*
 * profiles_test.c — every shipped profile loads, and known sizes and offsets
 * (LAYOUTS.md key-offset tables) come out right, including through nested
 * structs. Run with LPCDUMP_STRUCTS pointing at structs/.
 */
#include "analyzer/types/types.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fails;

#define CHECK(cond, ...) do { if (!(cond)) { fails++; printf("FAIL %s:%d: ", __FILE__, __LINE__); \
	printf(__VA_ARGS__); printf("\n"); } } while (0)

static const struct ld_profile *get(const struct ld_profile_set *set, const char *name)
{
	const struct ld_profile *p = ld_profile_set_find(set, name);
	CHECK(p != NULL, "profile %s not found", name);
	return p;
}

static void offset_is(const struct ld_profile_set *set, const char *prof, const char *type,
		      const char *path, uint32_t want)
{
	const struct ld_profile *p = get(set, prof);
	uint32_t off = 0;
	if (!p)
		return;
	ld_status st = ld_profile_offset(p, type, path, &off);
	CHECK(st == LD_OK, "%s %s.%s: %s", prof, type, path, ld_errmsg());
	CHECK(st != LD_OK || off == want, "%s %s.%s = 0x%x, want 0x%x", prof, type, path, off, want);
}

static void size_is(const struct ld_profile_set *set, const char *prof, const char *type, uint32_t want)
{
	const struct ld_profile *p = get(set, prof);
	const struct ld_type *t = p ? ld_profile_type(p, type) : NULL;
	CHECK(t != NULL, "%s: no type %s", prof, type);
	CHECK(!t || t->size == want, "%s sizeof %s = 0x%x, want 0x%x", prof, type, t ? t->size : 0, want);
}

static void absent(const struct ld_profile_set *set, const char *prof, const char *type, const char *path)
{
	const struct ld_profile *p = get(set, prof);
	uint32_t off;
	CHECK(!p || ld_profile_offset(p, type, path, &off) == LD_ERR_NOT_FOUND,
	      "%s %s.%s should not exist", prof, type, path);
}

static void every_profile(const struct ld_profile_set *set)
{
	size_t n = ld_profile_set_count(set);
	CHECK(n >= 49, "only %zu profiles on the search path", n);
	for (size_t i = 0; i < n; i++) {
		const struct ld_profile *p = ld_profile_set_at(set, i);
		const struct ld_type *th = ld_profile_type(p, "_ETHREAD");
		const struct ld_type *kd = ld_profile_type(p, "_KDDEBUGGER_DATA64");
		CHECK(th && th->size > 0, "%s: no _ETHREAD", ld_profile_name(p));
		CHECK(kd && kd->size == 0x340, "%s: _KDDEBUGGER_DATA64 missing or wrong size",
		      ld_profile_name(p));
		CHECK(ld_profile_ptr_size(p) == (ld_profile_arch(p) == LD_ARCH_X64 ? 8u : 4u),
		      "%s: pointer size", ld_profile_name(p));
		CHECK(ld_profile_build(p) >= 2195, "%s: build %u", ld_profile_name(p), ld_profile_build(p));
		int64_t v;
		CHECK(ld_profile_const(p, "KWAIT_REASON", "WrLpcReply", &v) && v == 17,
		      "%s: KWAIT_REASON.WrLpcReply", ld_profile_name(p));
		CHECK(ld_profile_setting(p, "object_header") && ld_profile_setting(p, "handle_table"),
		      "%s: decoding settings", ld_profile_name(p));
		/* Types added from tools/extra-types.json (Volatility vtypes numbers). */
		bool x64 = ld_profile_arch(p) == LD_ARCH_X64;
		uint32_t off;
		CHECK(ld_profile_offset(p, "_LDR_DATA_TABLE_ENTRY", "DllBase", &off) == LD_OK &&
		      off == (x64 ? 0x30u : 0x18u), "%s: LDR DllBase", ld_profile_name(p));
		CHECK(ld_profile_offset(p, "_LDR_DATA_TABLE_ENTRY", "BaseDllName", &off) == LD_OK &&
		      off == (x64 ? 0x58u : 0x2cu), "%s: LDR BaseDllName", ld_profile_name(p));
		CHECK(ld_profile_offset(p, "_KMUTANT", "OwnerThread", &off) == LD_OK &&
		      off == (x64 ? 0x28u : 0x18u), "%s: KMUTANT OwnerThread", ld_profile_name(p));
		CHECK(ld_profile_build(p) == 2195 ||
		      (ld_profile_offset(p, "_KUSER_SHARED_DATA", "InterruptTime", &off) == LD_OK &&
		       off == 8), "%s: KUSER_SHARED_DATA.InterruptTime", ld_profile_name(p));
		/* Fields come sorted by offset. */
		for (size_t j = 0; th && j + 1 < th->nfields; j++)
			CHECK(th->fields[j].offset <= th->fields[j + 1].offset, "%s: _ETHREAD unsorted",
			      ld_profile_name(p));
	}
}

/* Internal consistency of every shipped profile: an embedded struct is as
 * big as its type, a pointer as big as the architecture's, an array of a
 * known type count times its element. */
static void consistency(const struct ld_profile_set *set)
{
	for (size_t i = 0; i < ld_profile_set_count(set); i++) {
		const struct ld_profile *p = ld_profile_set_at(set, i);
		for (size_t j = 0; j < ld_profile_ntypes(p); j++) {
			const struct ld_type *t = ld_profile_type_at(p, j);
			for (size_t k = 0; k < t->nfields; k++) {
				const struct ld_field *f = &t->fields[k];
				const struct ld_type *inner = f->kind == LD_T_STRUCT && !f->bitlen
					? ld_profile_type(p, f->type_name) : NULL;
				CHECK(!inner || inner->size == f->size, "%s %s.%s: %u bytes, %s is %u",
				      ld_profile_name(p), t->name, f->name, f->size, inner->name, inner->size);
				CHECK(f->kind != LD_T_PTR || f->bitlen || f->size == ld_profile_ptr_size(p),
				      "%s %s.%s: pointer of %u bytes", ld_profile_name(p), t->name, f->name,
				      f->size);
				const struct ld_type *el = f->kind == LD_T_ARRAY && f->elem
					? ld_profile_type(p, f->elem) : NULL;
				CHECK(!el || el->size * f->count == f->size, "%s %s.%s: array size",
				      ld_profile_name(p), t->name, f->name);
			}
		}
	}
}

static void known_offsets(const struct ld_profile_set *set)
{
	/* LAYOUTS.md: the brief's XP numbers. */
	offset_is(set, "xp-sp2-x86", "_ETHREAD", "LpcReplyMessageId", 0x23c);
	offset_is(set, "xp-sp3-x86", "_ETHREAD", "LpcReplyChain", 0x1c8);
	offset_is(set, "xp-sp3-x86", "_ETHREAD", "LpcReplySemaphore", 0x1f4);
	offset_is(set, "xp-sp3-x86", "_ETHREAD", "LpcWaitingOnPort", 0x208);
	offset_is(set, "xp-sp3-x86", "_ETHREAD", "LpcReceivedMessageId", 0x228);
	offset_is(set, "xp-sp3-x86", "_ETHREAD", "SameThreadApcFlags", 0x250);
	offset_is(set, "xp-sp3-x86", "_LPCP_PORT_OBJECT", "Flags", 0x90);
	offset_is(set, "xp-sp3-x86", "_LPCP_MESSAGE", "Request", 0x18);
	size_is(set, "xp-sp3-x86", "_LPCP_PORT_OBJECT", 0xa4);
	size_is(set, "xp-sp3-x86", "_LPCP_MESSAGE", 0x30);
	size_is(set, "xp-sp3-x86", "_PORT_MESSAGE", 0x18);
	size_is(set, "2003-sp1-x64", "_PORT_MESSAGE", 0x28);
	/* Same build number, different layouts. */
	offset_is(set, "2003-sp0-x86", "_ETHREAD", "LpcReplyMessageId", 0x244);
	offset_is(set, "2003-sp2-x86", "_ETHREAD", "LpcReplyMessageId", 0x234);
	offset_is(set, "2003-sp1-x64", "_ETHREAD", "Cid", 0x370);
	offset_is(set, "2003-sp2-x64", "_ETHREAD", "Cid", 0x358);
	offset_is(set, "win7-sp1-x64", "_ETHREAD", "AlpcMessageId", 0x458);
	offset_is(set, "win7-sp1-x64-24000", "_ETHREAD", "AlpcMessageId", 0x460);
	/* Windows 2000 (derived). */
	offset_is(set, "w2k-sp4-x86", "_ETHREAD", "LpcReplyMessageId", 0x200);
	offset_is(set, "w2k-sp4-x86", "_EPROCESS", "UniqueProcessId", 0x9c);
	offset_is(set, "w2k-sp4-x86", "_KTHREAD", "WaitReason", 0x57);
	/* EPROCESS / ALPC from the key-offset tables. */
	offset_is(set, "win10-19041-x64", "_EPROCESS", "ImageFileName", 0x5a8);
	offset_is(set, "win10-19041-x64", "_EPROCESS", "AlpcContext", 0x800);
	offset_is(set, "win81-x64", "_ALPC_PORT", "MainQueue", 0x90);
	offset_is(set, "win7-sp1-x86", "_KALPC_MESSAGE", "PortMessage", 0x70);
	/* Flattened union members and computed fields. */
	offset_is(set, "xp-sp3-x86", "_PORT_MESSAGE", "u2.s2.Type", 4);
	offset_is(set, "win7-sp1-x64", "_KTHREAD", "ApcState.Process", 0x70);
	/* Nested resolution through embedded structs. */
	offset_is(set, "xp-sp3-x86", "_ETHREAD", "Tcb.WaitReason", 0x5b);
	offset_is(set, "win7-sp1-x64", "_ETHREAD", "Tcb.ApcState.Process", 0x70);
	offset_is(set, "win7-sp1-x64", "_ETHREAD", "Cid.UniqueThread", 0x3b8);
	offset_is(set, "xp-sp3-x86", "_LPCP_MESSAGE", "Request.MessageId", 0x18 + 0x10);
	offset_is(set, "xp-sp3-x86", "_LPCP_PORT_OBJECT", "MsgQueue.Semaphore", 0xc);
	offset_is(set, "win10-19041-x64", "_KDDEBUGGER_DATA64", "Header.OwnerTag", 0x10);
	absent(set, "xp-sp3-x86", "_ETHREAD", "AlpcMessageId");
	absent(set, "win7-sp1-x64", "_ETHREAD", "LpcReplyMessageId");
	absent(set, "xp-sp3-x86", "_ETHREAD", "Tcb.NoSuchField");
	/* Derived LPC types per architecture. */
	size_is(set, "xp-sp3-x86", "_LPCP_CONNECTION_MESSAGE", 0x2c);
	size_is(set, "2003-sp2-x64", "_REMOTE_PORT_VIEW", 0x18);
}

static void constants_and_settings(const struct ld_profile_set *set)
{
	const struct ld_profile *xp = get(set, "xp-sp3-x86"), *w7 = get(set, "win7-sp1-x64"),
				*w10 = get(set, "win10-19041-x64"), *w2k = get(set, "w2k-sp4-x86"),
				*w81 = get(set, "win81-x64");
	if (!xp || !w7 || !w10 || !w2k || !w81)
		return;
	int64_t v;
	CHECK(ld_profile_const(xp, "LPC_TYPE", "LPC_REQUEST", &v) && v == 1, "LPC_REQUEST");
	CHECK(ld_profile_const(xp, "LPC_PORT_FLAGS", "PORT_WAITABLE", &v) && v == 0x20000000,
	      "PORT_WAITABLE");
	CHECK(!ld_profile_const(xp, "NO_SUCH_GROUP", "X", &v), "unknown group");
	CHECK(strcmp(ld_profile_const_name(xp, "KWAIT_REASON", 21), "Spare2") == 0, "xp 21");
	CHECK(strcmp(ld_profile_const_name(w7, "KWAIT_REASON", 21), "WrKeyedEvent") == 0, "win7 21");
	CHECK(strcmp(ld_profile_const_name(w10, "KWAIT_REASON", 37), "WrAlertByThreadId") == 0,
	      "win10 37");
	CHECK(ld_profile_const_name(w7, "KWAIT_REASON", 99) == NULL, "no name for 99");
	CHECK(strcmp(ld_profile_setting(xp, "object_header"), "type_pointer") == 0, "xp oh");
	CHECK(strcmp(ld_profile_setting(w7, "object_header"), "type_index") == 0, "w7 oh");
	CHECK(strcmp(ld_profile_setting(w10, "object_header"), "type_index_cookie") == 0, "w10 oh");
	CHECK(strcmp(ld_profile_setting(w2k, "handle_table"), "w2k_fixed") == 0, "w2k ht");
	CHECK(strcmp(ld_profile_setting(xp, "handle_table"), "tablecode") == 0, "xp ht");
	CHECK(strcmp(ld_profile_setting(w81, "handle_table"), "tablecode_objectpointerbits") == 0,
	      "w81 ht");
	CHECK(strcmp(ld_profile_setting(w7, "lpc"), "alpc") == 0, "w7 alpc");
	CHECK(ld_profile_service_pack(xp) == 3, "xp sp");
	CHECK(ld_profile_kernel_revision(get(set, "win7-sp1-x64-24000")) == 24000, "rev");
	const struct ld_type *t = ld_profile_type(xp, "_ETHREAD");
	const struct ld_field *f = ld_type_field(t, "LpcExitThreadCalled");
	CHECK(f && f->bitlen == 1 && f->bitpos == 1 && f->offset == 0x250, "bit field");
	f = ld_type_field(t, "ThreadsProcess");
	CHECK(f && f->kind == LD_T_PTR && f->target && strcmp(f->target, "_EPROCESS") == 0, "pointer");
	f = ld_type_field(ld_profile_type(xp, "_SECURITY_QUALITY_OF_SERVICE"), "ImpersonationLevel");
	CHECK(f && f->kind == LD_T_ENUM && f->nenums == 4, "enum field");
	f = ld_type_field(ld_profile_type(xp, "_OBJECT_DIRECTORY"), "HashBuckets");
	CHECK(f && f->kind == LD_T_ARRAY && f->count == 37, "array field");
}

int main(void)
{
	struct ld_profile_set *set;
	if (ld_profile_set_load(&set) != LD_OK) {
		printf("FAIL: set load: %s\n", ld_errmsg());
		return 1;
	}
	for (size_t i = 0; i < ld_warn_count(); i++)
		printf("warning: %s\n", ld_warn_get(i));
	CHECK(ld_warn_count() == 0, "warnings while loading shipped profiles");
	every_profile(set);
	known_offsets(set);
	consistency(set);
	constants_and_settings(set);
	ld_profile_set_free(set);
	ld_warn_clear();
	if (fails)
		printf("%d check(s) failed\n", fails);
	return fails ? 1 : 0;
}
