/*
 * gdb_memory.c — memory through a gdb stub: 'm' packets, as many as a read
 * needs, sent in pipelined batches. (QEMU's physical mode, which makes 'm'
 * addresses physical, is switched in gdb_rsp.c because it is part of the
 * connection's state that ld_rsp_close() restores.)
 */
#include "gdb_rsp-priv.h"

#include <stdio.h>
#include <string.h>

static ld_status decode_hex(const char *hex, size_t nbytes, uint8_t *out)
{
	for (size_t i = 0; i < nbytes; i++) {
		int hi = ld_rsp_hexval(hex[2 * i]), lo = ld_rsp_hexval(hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return ld_fail(LD_ERR_FORMAT, "gdb stub: bad hex in memory reply");
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return LD_OK;
}

/* One 'm' packet; *got may be less than want (the protocol allows it). */
static ld_status read_chunk(struct ld_rsp *r, uint64_t addr, uint8_t *buf, size_t want, size_t *got)
{
	char cmd[64];
	const char *rep;
	size_t len;
	snprintf(cmd, sizeof cmd, "m%llx,%zx", (unsigned long long)addr, want);
	ld_status st = ld_rsp_exchange(r, cmd, &rep, &len);
	if (st != LD_OK)
		return st;
	if (len == 0 || len % 2 != 0 || (rep[0] == 'E' && rep[1] == '.'))
		return ld_fail(LD_ERR_NOT_PRESENT, "gdb stub cannot read 0x%llx (reply \"%.16s\")",
			       (unsigned long long)addr, rep);
	*got = len / 2 < want ? len / 2 : want;
	return decode_hex(rep, *got, buf);
}

/* Pipelined reads: all the 'm' requests of a batch go out before the first
 * reply is read, so a batch costs about one round trip instead of one per
 * packet (QEMU, like gdbserver, answers in order and, in ack mode, does not
 * wait for our '+'). Acks of our requests arrive among the replies and are
 * skipped. Anything unusual in a batch (an error reply, a short or garbled
 * one) makes the caller read that batch again one packet at a time, which
 * gives the exact error. */
static ld_status send_batch(struct ld_rsp *r, uint64_t addr, size_t len, size_t max, size_t *count)
{
	char cmds[LD_RSP_MAX_POST][48];
	const char *ptrs[LD_RSP_MAX_POST];
	*count = 0;
	for (size_t off = 0; off < len && *count < LD_RSP_MAX_POST; off += max) {
		size_t want = len - off < max ? len - off : max;
		snprintf(cmds[*count], sizeof cmds[0], "m%llx,%zx", (unsigned long long)(addr + off), want);
		ptrs[*count] = cmds[*count];
		(*count)++;
	}
	return ld_rsp_post(r, ptrs, *count);
}

/* Replies of a batch, in order; *clean false when one is not a full answer. */
static ld_status recv_batch(struct ld_rsp *r, uint8_t *buf, size_t len, size_t max, size_t count,
			    bool *clean)
{
	int64_t deadline = ld_rsp_deadline(r);
	*clean = true;
	for (size_t i = 0, off = 0; i < count; i++, off += max) {
		bool garbled = false;
		const char *rep;
		size_t rl;
		ld_status st;
		do
			st = ld_rsp_receive(r, deadline, &garbled, &rep, &rl);
		while (st == LD_OK && ld_rsp_is_console(rep, rl));
		if (st != LD_OK)
			return st;
		size_t want = len - off < max ? len - off : max;
		if (garbled || rl != 2 * want || decode_hex(rep, want, buf + off) != LD_OK)
			*clean = false;
	}
	return LD_OK;
}

static ld_status read_serial(struct ld_rsp *r, uint64_t addr, uint8_t *p, size_t len)
{
	size_t max = ld_rsp_max_read(r);
	while (len > 0) {
		size_t got = 0;
		ld_status st = read_chunk(r, addr, p, len < max ? len : max, &got);
		if (st != LD_OK)
			return st;
		p += got;
		addr += got;
		len -= got;
	}
	return LD_OK;
}

ld_status ld_rsp_read_mem(struct ld_rsp *r, uint64_t addr, void *buf, size_t len)
{
	uint8_t *p = buf;
	size_t max = ld_rsp_max_read(r);
	ld_status st = ld_rsp_alive(r);
	while (st == LD_OK && len > 0) {
		size_t n = len < max * LD_RSP_MAX_POST ? len : max * LD_RSP_MAX_POST, count;
		bool clean = false;
		if (n <= max) {
			st = read_serial(r, addr, p, n);      /* one packet: nothing to overlap */
		} else if ((st = send_batch(r, addr, n, max, &count)) == LD_OK &&
			   (st = recv_batch(r, p, n, max, count, &clean)) == LD_OK && !clean) {
			st = read_serial(r, addr, p, n);
		}
		p += n;
		addr += n;
		len -= n;
	}
	return st;
}
