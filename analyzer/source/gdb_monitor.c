/*
 * gdb_monitor.c — monitor commands through a gdb stub (gdb's `monitor CMD`):
 * "qRcmd," and the command in hex; the output comes back in console packets
 * ('O' and hex) before a final "OK". lpcdump asks QEMU's monitor only
 * questions ("info mtree -f", "info status", "info registers").
 */
#include "gdb_rsp-priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Console packets of one command: QEMU's "info mtree" sends a few hundred. */
#define MONITOR_MAX_PACKETS 100000

/* Append the hex text of one console packet (or final reply) to out. */
static ld_status append_hex_text(const char *hex, size_t hexlen, char *out, size_t *n)
{
	for (size_t i = 0; i + 1 < hexlen; i += 2) {
		int hi = ld_rsp_hexval(hex[i]), lo = ld_rsp_hexval(hex[i + 1]);
		if (hi < 0 || lo < 0)
			return ld_fail(LD_ERR_FORMAT, "gdb stub: bad hex in monitor output");
		if (*n == LD_RSP_MAX_MONITOR)
			return ld_fail(LD_ERR_LIMIT, "gdb stub: monitor output over %zu bytes", LD_RSP_MAX_MONITOR);
		out[(*n)++] = (char)(hi << 4 | lo);
	}
	return LD_OK;
}

static ld_status monitor_send(struct ld_rsp *r, const char *cmd, int64_t deadline)
{
	size_t cl = strlen(cmd);
	if (cl > 1000)
		return ld_fail(LD_ERR_ARG, "gdb stub: monitor command too long");
	char pkt[2048] = "qRcmd,";
	for (size_t i = 0; i < cl; i++)
		snprintf(pkt + 6 + 2 * i, 3, "%02x", (uint8_t)cmd[i]);
	return ld_rsp_send(r, pkt, deadline);
}

/* Collect 'O' packets until the final reply: "OK", an error, or hex output. */
static ld_status monitor_collect(struct ld_rsp *r, int64_t deadline, char *out, size_t *n)
{
	for (int pkts = 0; pkts < MONITOR_MAX_PACKETS; pkts++) {
		const char *rep;
		size_t rl;
		ld_status st = ld_rsp_receive(r, deadline, NULL, &rep, &rl);
		if (st != LD_OK)
			return st;
		if (ld_rsp_is_console(rep, rl)) {
			if ((st = append_hex_text(rep + 1, rl - 1, out, n)) != LD_OK)
				return st;
			continue;
		}
		if (strcmp(rep, "OK") == 0)
			return LD_OK;
		if (rl == 0)
			return ld_fail(LD_ERR_UNSUPPORTED, "gdb stub has no monitor commands (qRcmd)");
		if (rep[0] == 'E' && rl == 3)
			return ld_fail(LD_ERR_IO, "gdb stub: monitor command failed (%s)", rep);
		return append_hex_text(rep, rl, out, n);
	}
	return ld_fail(LD_ERR_LIMIT, "gdb stub: endless monitor output");
}

ld_status ld_rsp_monitor(struct ld_rsp *r, const char *cmd, char **output)
{
	ld_status st = ld_rsp_alive(r);
	if (st != LD_OK)
		return st;
	char *out = ld_xcalloc(LD_RSP_MAX_MONITOR + 1, 1);
	if (!out)
		return LD_ERR_NOMEM;
	int64_t deadline = ld_rsp_deadline(r);
	size_t n = 0;
	st = monitor_send(r, cmd, deadline);
	if (st == LD_OK)
		st = monitor_collect(r, deadline, out, &n);
	if (st != LD_OK) {
		free(out);
		return st;
	}
	out[n] = '\0';
	*output = out;
	return LD_OK;
}
