/* disasm_capstone.c — capstone for the dump's architecture and the "is there
 * a call just before this return address" test (see disasm-priv.h). */
#include "disasm-priv.h"

#include <string.h>

ld_status ld_disasm_open(struct ld_kernel *k, csh *out)
{
	enum ld_arch arch = ld_kernel_info(k)->arch;
	cs_mode mode;
	if (arch == LD_ARCH_X64)
		mode = CS_MODE_64;
	else if (arch == LD_ARCH_X86 || arch == LD_ARCH_X86_PAE)
		mode = CS_MODE_32;
	else
		return ld_fail(LD_ERR_UNSUPPORTED, "no disassembler for architecture %s",
			       ld_kernel_info(k)->arch_name ? ld_kernel_info(k)->arch_name : "unknown");
	if (cs_open(CS_ARCH_X86, mode, out) != CS_ERR_OK)
		return ld_fail(LD_ERR_UNSUPPORTED, "capstone cannot open x86 mode %d", (int)mode);
	cs_option(*out, CS_OPT_SYNTAX, CS_OPT_SYNTAX_MASM);
	cs_option(*out, CS_OPT_DETAIL, CS_OPT_ON);
	return LD_OK;
}

/* Call encodings are 2 (call reg) to 7 (call [rip+disp32] with a prefix)
 * bytes; a few more cover REX and segment prefixes. */
#define CALL_MAX_LEN 10u

bool ld_disasm_call_before(struct ld_kernel *k, csh cs, uint64_t ret, uint64_t *target)
{
	uint8_t code[CALL_MAX_LEN];
	size_t have = CALL_MAX_LEN;
	*target = 0;
	if (ret < CALL_MAX_LEN)
		return false;
	if (ld_kernel_read(k, ret - CALL_MAX_LEN, code, sizeof code) != LD_OK) {
		/* The page before may be unavailable: a short call can still lie
		 * wholly in ret's page. */
		have = (size_t)(ret & (LD_PAGE_SIZE - 1));
		if (have < 2)
			return false;
		if (have > CALL_MAX_LEN)
			have = CALL_MAX_LEN;
		if (ld_kernel_read(k, ret - have, code + CALL_MAX_LEN - have, have) != LD_OK)
			return false;
	}
	for (size_t len = 2; len <= have; len++) {
		const uint8_t *p = code + CALL_MAX_LEN - len;
		size_t left = len;
		uint64_t at = ret - len;
		cs_insn *insn = cs_malloc(cs);
		if (!insn)
			return false;
		bool ok = cs_disasm_iter(cs, &p, &left, &at, insn) && left == 0 &&
			  cs_insn_group(cs, insn, CS_GRP_CALL);
		if (ok && insn->detail->x86.op_count == 1 && insn->detail->x86.operands[0].type == X86_OP_IMM)
			*target = (uint64_t)insn->detail->x86.operands[0].imm;
		cs_free(insn, 1);
		if (ok)
			return true;
	}
	return false;
}
