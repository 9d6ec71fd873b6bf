/*
 * gdb_rsp-priv.h — a client for the GDB remote serial protocol, as much of it
 * as reading a stopped machine needs: packets with checksums, acks and no-ack
 * mode, qSupported, target descriptions (qXfer:features:read), registers
 * ('p', falling back to 'g'), memory ('m'), monitor commands (qRcmd) and
 * QEMU's physical-memory mode.
 *
 * Contract:
 *  - Every exchange is bounded in time: a stub that does not answer within
 *    the timeout gives LD_ERR_TIMEOUT; a closed or broken connection gives
 *    LD_ERR_IO ("stub closed the connection"). After either, the connection
 *    is dead and every later call fails fast with LD_ERR_IO.
 *  - Replies are bounded in size (LD_RSP_MAX_REPLY): a stub cannot make us
 *    allocate without limit.
 *  - Nothing here writes target memory or registers. Only the physical
 *    memory mode flag (a stub setting, not target state) is changed, and it
 *    is put back by ld_rsp_close(). (source_gdb.c may let a guest that was
 *    running go on: 'c' and the interrupt byte, or 'D' when it leaves.)
 */
#ifndef LPCDUMP_GDB_RSP_PRIV_H
#define LPCDUMP_GDB_RSP_PRIV_H

#include "../base/base.h"

/* Enough for a page of hex plus framing from any stub we know (QEMU sends at
 * most 4 KiB packets); anything bigger is refused as malformed. */
#define LD_RSP_MAX_REPLY ((size_t)64 << 10)
/* Monitor command output (qRcmd) collected across 'O' packets. */
#define LD_RSP_MAX_MONITOR ((size_t)1 << 20)
/* A target description and its includes, all together. */
#define LD_RSP_MAX_XML ((size_t)512 << 10)

struct ld_rsp;

struct ld_rsp_opts {
	int timeout_ms;             /* per exchange; <= 0: LD_RSP_DEFAULT_TIMEOUT_MS */
};
#define LD_RSP_DEFAULT_TIMEOUT_MS 5000

/* Connect to host:port (numeric or names; only what getaddrinfo gives) and
 * negotiate: qSupported, no-ack mode when offered. */
ld_status ld_rsp_connect(const char *host, const char *port, const struct ld_rsp_opts *opts,
			 struct ld_rsp **out);
/* Put stub settings back, close. NULL is fine. */
void ld_rsp_close(struct ld_rsp *r);

/* LD_OK while the connection works; after a timeout or a lost connection,
 * that error again (status and message). */
ld_status ld_rsp_health(const struct ld_rsp *r);

/* Send one command, receive its reply (run-length encoding expanded,
 * NUL-terminated). The reply points into the client and stays valid until
 * the next call. Console output packets ('O…') are skipped. */
ld_status ld_rsp_exchange(struct ld_rsp *r, const char *cmd, const char **reply, size_t *len);

/* True when qSupported listed the feature with '+' (e.g. "qXfer:features:read"). */
bool ld_rsp_supports(const struct ld_rsp *r, const char *feature);
/* Largest 'm' read the stub accepts in one packet (bytes). */
size_t ld_rsp_max_read(const struct ld_rsp *r);

/* QEMU: switch 'm' between virtual (0) and physical (1) addresses.
 * LD_ERR_UNSUPPORTED when the stub does not know the packet. */
ld_status ld_rsp_phys_mode(struct ld_rsp *r, bool on);
/* Read len bytes at addr with as many 'm' packets as needed. An error reply
 * gives LD_ERR_NOT_PRESENT (the stub could not read that memory). */
ld_status ld_rsp_read_mem(struct ld_rsp *r, uint64_t addr, void *buf, size_t len);

/* Find a register by name in the target description; read its value
 * (little-endian, at most 8 bytes). LD_ERR_NOT_FOUND when the stub does not
 * describe it. */
ld_status ld_rsp_read_reg(struct ld_rsp *r, const char *name, uint64_t *value);

/* Run a monitor command (gdb's `monitor CMD`); returns its console output,
 * NUL-terminated, caller frees. LD_ERR_UNSUPPORTED when the stub has none. */
ld_status ld_rsp_monitor(struct ld_rsp *r, const char *cmd, char **output);

/* Fetch an object with qXfer:features:read:ANNEX (all chunks), caller frees. */
ld_status ld_rsp_xfer_features(struct ld_rsp *r, const char *annex, char **data, size_t *len);

/* ---- the lower level, for the command files (gdb_memory.c, gdb_monitor.c) ---- */
/* Packets posted at once without waiting for replies (pipelining): 32 'm'
 * requests = 64 KiB with QEMU, little enough for any stub's input buffer. */
#define LD_RSP_MAX_POST 32
int64_t ld_rsp_deadline(const struct ld_rsp *r);       /* now + the timeout, in ms */
ld_status ld_rsp_alive(const struct ld_rsp *r);        /* LD_ERR_IO once the link died */
size_t ld_rsp_packet_size(const struct ld_rsp *r);     /* qSupported's PacketSize */
/* Send one packet; in ack mode wait for the stub's '+'. */
ld_status ld_rsp_send(struct ld_rsp *r, const char *cmd, int64_t deadline);
/* Send n packets back to back without waiting for acks or replies. */
ld_status ld_rsp_post(struct ld_rsp *r, const char *const *cmds, size_t n);
/* Receive the next packet (notifications skipped, console output included).
 * garbled NULL: a bad checksum asks for a resend; else it is acknowledged
 * anyway and *garbled set (after ld_rsp_post a resend would be ambiguous). */
ld_status ld_rsp_receive(struct ld_rsp *r, int64_t deadline, bool *garbled, const char **reply,
			 size_t *len);
bool ld_rsp_is_console(const char *s, size_t len);      /* 'O' + hex */
/* The interrupt byte (^C) that stops a running target; a stop reply follows. */
ld_status ld_rsp_interrupt(struct ld_rsp *r);

/* Hex helpers shared with the tests' fake stub. */
int ld_rsp_hexval(int c);                 /* -1 when not a hex digit */
uint8_t ld_rsp_checksum(const char *data, size_t len);

#endif
