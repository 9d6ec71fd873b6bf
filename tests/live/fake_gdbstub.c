/*
 * fake_gdbstub.c — a tiny GDB remote-protocol server for the tests of the
 * gdb:// source: it serves a memory image the way QEMU's gdbstub does
 * (physical mode, target description with CR registers, monitor commands)
 * and can misbehave on request, so that every path of the client runs
 * without QEMU.
 *
 *   fake_gdbstub --mem IMG --port-file F [--log F] [options]
 *     --noack            offer QStartNoAckMode
 *     --rle              run-length encode replies
 *     --bad-checksum N   corrupt the checksum of reply N (1-based), once
 *     --hang-after N     stop answering after N packets
 *     --close-after N    close the connection after N packets
 *     --no-monitor       no qRcmd
 *     --no-xml           no target description
 *     --no-p             no 'p' packet (client must use 'g')
 *     --no-phys          no QEMU physical memory mode (as VMware's stub)
 *     --delay-ms N       wait N ms before answering each 'm' (a slow link)
 *     --evil N           after N packets, answer every 'm' with a hostile reply
 *                        of kind N % 6 (empty, error text, odd length, non-hex,
 *                        a run-length bomb, "OK")
 *     --cr0 X --cr3 X --cr4 X --efer X   register values
 *     --status TEXT      what "info status" says (default "paused (prelaunch)")
 *
 * Listens on 127.0.0.1 only, on a port the kernel picks (written to the port
 * file), serves one connection after the other until killed; alarm() ends
 * it after 60 s whatever happens, so a broken test cannot leave it behind.
 */
#include "analyzer/source/gdb_rsp-priv.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct stub {
	int fd, mem;
	uint64_t mem_size;
	FILE *log;
	bool noack_offer, noack, rle, monitor, xml, p_packet, phys, phys_mode, running;
	long bad_checksum, hang_after, close_after, evil_after, packets, delay_ms;
	uint64_t regs[10];
	const char *status;
	char last[2 * 65536 + 8];    /* the last reply, resent on '-' */
	size_t last_len;
};

/* The register file the description announces, in 'g' order. */
static const struct { const char *name; unsigned bits; } regdef[] = {
	{ "rax", 64 }, { "rbx", 64 }, { "rip", 64 }, { "eflags", 32 }, { "cr0", 64 },
	{ "cr2", 64 }, { "cr3", 64 }, { "cr4", 64 }, { "efer", 64 }, { "mxcsr", 32 },
};
enum { R_CR0 = 4, R_CR3 = 6, R_CR4 = 7, R_EFER = 8 };

static const char target_xml[] =
	"<?xml version=\"1.0\"?><!DOCTYPE target SYSTEM \"gdb-target.dtd\"><target>"
	"<architecture>i386:x86-64</architecture><xi:include href=\"core.xml\"/></target>";
static const char core_xml[] =
	"<?xml version=\"1.0\"?>\n<feature name=\"org.gnu.gdb.i386.core\">\n"
	"  <reg name=\"rax\" bitsize=\"64\"/>\n  <reg name=\"rbx\" bitsize=\"64\"/>\n"
	"  <!--reg name=\"cr3\" bitsize=\"64\"/ a commented-out register does not count -->\n"
	"  <reg name=\"rip\" bitsize=\"64\" type=\"code_ptr\"/>\n  <reg name=\"eflags\" bitsize=\"32\"/>\n"
	"  <reg name=\"cr0\" bitsize=\"64\"/>\n  <reg name=\"cr2\" bitsize=\"64\"/>\n"
	"  <reg name=\"cr3\" bitsize=\"64\"/>\n  <reg name=\"cr4\" bitsize=\"64\"/>\n"
	"  <reg name=\"efer\" bitsize=\"64\"/>\n  <reg name=\"mxcsr\" bitsize=\"32\"/>\n</feature>\n";

static void die(const char *msg)
{
	perror(msg);
	exit(99);
}

static void put_raw(struct stub *s, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = send(s->fd, buf, len, MSG_NOSIGNAL);
		if (n <= 0)
			exit(0);             /* client gone */
		buf += n;
		len -= (size_t)n;
	}
}

/* Run-length encode runs of 4+ identical characters (avoiding the counts
 * that would produce '#', '$' or '+'/'-' as the count character). */
static size_t rle_encode(const char *in, size_t len, char *out)
{
	size_t o = 0;
	for (size_t i = 0; i < len;) {
		size_t run = 1;
		while (i + run < len && in[i + run] == in[i] && run < 90)
			run++;
		int extra = (int)run - 1;
		if (run >= 4 && extra + 29 != '#' && extra + 29 != '$' && extra + 29 != '+' &&
		    extra + 29 != '-' && extra + 29 != '*' && extra + 29 != '}') {
			out[o++] = in[i];
			out[o++] = '*';
			out[o++] = (char)(extra + 29);
		} else {
			memcpy(out + o, in + i, run);
			o += run;
		}
		i += run;
	}
	return o;
}

static void reply(struct stub *s, const char *data, size_t len)
{
	static char body[2 * 65536], frame[2 * 65536 + 8];
	if (len > 65536)
		len = 65536;
	size_t bl = len;
	if (s->rle)
		bl = rle_encode(data, len, body);
	else
		memcpy(body, data, len);
	uint8_t cs = ld_rsp_checksum(body, bl);
	if (s->bad_checksum == s->packets) {
		cs ^= 0x55;
		s->bad_checksum = -1;
	}
	frame[0] = '$';
	memcpy(frame + 1, body, bl);
	int n = snprintf(frame + 1 + bl, 8, "#%02x", cs);
	s->last_len = 1 + bl + (size_t)n;
	memcpy(s->last, frame, s->last_len);
	/* What a resend carries is the right checksum. */
	if (s->bad_checksum == -1 && cs != ld_rsp_checksum(body, bl))
		snprintf(s->last + 1 + bl, 8, "#%02x", ld_rsp_checksum(body, bl));
	put_raw(s, frame, s->last_len);
}

static void reply_str(struct stub *s, const char *str)
{
	reply(s, str, strlen(str));
}

static void replyf(struct stub *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void replyf(struct stub *s, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	reply_str(s, buf);
}

static int get_char(struct stub *s)
{
	unsigned char c;
	ssize_t n = recv(s->fd, &c, 1, 0);
	return n == 1 ? c : -1;
}

/* One packet into buf; handles acks of our replies. -1 on EOF. */
static int get_packet(struct stub *s, char *buf, size_t cap)
{
	for (;;) {
		int c;
		while ((c = get_char(s)) != '$') {
			if (c < 0)
				return -1;
			if (c == '-' && s->last_len)
				put_raw(s, s->last, s->last_len);
			if (c == 3 && s->running) {     /* ^C: stop, as a running target would */
				s->running = false;
				if (s->log)
					fprintf(s->log, "^C\n"), fflush(s->log);
				reply_str(s, "S02");
			}
		}
		size_t n = 0;
		while ((c = get_char(s)) != '#') {
			if (c < 0)
				return -1;
			if (n + 1 < cap)
				buf[n++] = (char)c;
		}
		int h = get_char(s), l = get_char(s);
		buf[n] = '\0';
		bool ok = ld_rsp_hexval(h) * 16 + ld_rsp_hexval(l) == ld_rsp_checksum(buf, n);
		if (!s->noack)
			put_raw(s, ok ? "+" : "-", 1);
		if (ok)
			return (int)n;
	}
}

static void hex_of(const uint8_t *b, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
}

static void do_read_mem(struct stub *s, const char *args)
{
	static uint8_t data[4096];
	static char hex[8193];
	char *end;
	uint64_t addr = strtoull(args, &end, 16);
	size_t len = *end == ',' ? (size_t)strtoull(end + 1, NULL, 16) : 0;
	if (!s->phys || len == 0 || len > 2048 || addr >= s->mem_size || len > s->mem_size - addr)
		return reply_str(s, "E14");
	if (pread(s->mem, data, len, (off_t)addr) != (ssize_t)len)
		return reply_str(s, "E05");
	hex_of(data, len, hex);
	reply(s, hex, 2 * len);
}

static void do_xfer(struct stub *s, const char *args)
{
	static char out[8192];
	const char *doc = strncmp(args, "target.xml:", 11) == 0 ? target_xml :
			  strncmp(args, "core.xml:", 9) == 0 ? core_xml : NULL;
	if (!s->xml || !doc)
		return reply_str(s, "E00");
	const char *colon = strchr(args, ':');
	char *end;
	size_t off = (size_t)strtoull(colon + 1, &end, 16);
	size_t len = (size_t)strtoull(end + 1, NULL, 16), dl = strlen(doc);
	if (off > dl)
		return reply_str(s, "E01");
	if (len > 200)
		len = 200;                   /* several chunks, as with QEMU */
	size_t n = dl - off < len ? dl - off : len;
	out[0] = off + n < dl ? 'm' : 'l';
	memcpy(out + 1, doc + off, n);
	reply(s, out, n + 1);
}

static void do_read_reg(struct stub *s, const char *args)
{
	char hex[17];
	unsigned n = (unsigned)strtoul(args, NULL, 16);
	if (n >= sizeof regdef / sizeof regdef[0])
		return reply_str(s, "E01");
	uint8_t b[8];
	for (int i = 0; i < 8; i++)
		b[i] = (uint8_t)(s->regs[n] >> (8 * i));
	hex_of(b, regdef[n].bits / 8, hex);
	reply(s, hex, regdef[n].bits / 4);
}

static void do_all_regs(struct stub *s)
{
	char hex[512];
	size_t o = 0;
	for (size_t n = 0; n < sizeof regdef / sizeof regdef[0]; n++) {
		uint8_t b[8];
		for (int i = 0; i < 8; i++)
			b[i] = (uint8_t)(s->regs[n] >> (8 * i));
		hex_of(b, regdef[n].bits / 8, hex + o);
		o += regdef[n].bits / 4;
	}
	reply(s, hex, o);
}

/* Monitor output goes out as 'O' packets of at most 100 characters. */
static void console(struct stub *s, const char *text)
{
	char pkt[256];
	for (size_t i = 0, n = strlen(text); i < n; i += 100) {
		pkt[0] = 'O';
		size_t k = n - i < 100 ? n - i : 100;
		hex_of((const uint8_t *)text + i, k, pkt + 1);
		reply(s, pkt, 1 + 2 * k);
	}
}

static void do_monitor(struct stub *s, const char *hex)
{
	char cmd[256], text[2048];
	size_t n = 0;
	for (; hex[0] && hex[1] && n + 1 < sizeof cmd; hex += 2)
		cmd[n++] = (char)(ld_rsp_hexval(hex[0]) * 16 + ld_rsp_hexval(hex[1]));
	cmd[n] = '\0';
	if (!s->monitor)
		return reply_str(s, "");
	if (strcmp(cmd, "info status") == 0)
		snprintf(text, sizeof text, "VM status: %s\r\n", s->status);
	else if (strcmp(cmd, "info registers") == 0)
		snprintf(text, sizeof text, "RAX=0000000000000000\r\nCR0=%08" PRIx64 " CR2=0 CR3=%016" PRIx64
			 " CR4=%08" PRIx64 "\r\nEFER=%016" PRIx64 "\r\n", s->regs[R_CR0], s->regs[R_CR3],
			 s->regs[R_CR4], s->regs[R_EFER]);
	else if (strcmp(cmd, "info mtree -f") == 0)
		snprintf(text, sizeof text,
			 "FlatView #0\n AS \"I/O\", root: io\n Root memory region: io\n"
			 "  0000000000000000-0000000000000007 (prio 0, i/o): dma-chan\n\n"
			 "FlatView #1\n AS \"memory\", root: system\n AS \"cpu-memory-0\", root: system\n"
			 " Root memory region: system\n"
			 "  0000000000000000-000000000009ffff (prio 0, ram): pc.ram\n"
			 "  00000000000a0000-00000000000bffff (prio 1, i/o): vga-lowmem\n"
			 "  00000000000c0000-00000000000dffff (prio 1, rom): pc.rom\n"
			 "  0000000000100000-%016" PRIx64 " (prio 0, ram): pc.ram @0000000000100000\n"
			 "  00000000fffc0000-00000000ffffffff (prio 0, rom): pc.bios\n\n",
			 s->mem_size - 1);
	else
		return reply_str(s, "E01");
	console(s, text);
	reply_str(s, "OK");
}

/* Replies no honest stub sends; the client must refuse each cleanly. */
static void evil_reply(struct stub *s)
{
	static char bomb[4096];
	switch (s->evil_after % 6) {        /* one kind per run: N picks it */
	case 0: reply_str(s, ""); break;
	case 1: reply_str(s, "E.no such thing"); break;
	case 2: reply_str(s, "abc"); break;
	case 3: reply_str(s, "zz"); break;
	case 4:                              /* expands far past any reply limit */
		for (size_t i = 0; i + 3 < sizeof bomb; i += 3)
			memcpy(bomb + i, "0*~", 3);
		bomb[sizeof bomb - 1] = '\0';
		reply_str(s, bomb);
		break;
	default: reply_str(s, "OK"); break;
	}
}

static void handle(struct stub *s, const char *p)
{
	if (p[0] == 'm' && s->evil_after >= 0 && s->packets > s->evil_after)
		return evil_reply(s);
	if (p[0] == 'm' && s->delay_ms > 0) {
		struct timespec ts = { s->delay_ms / 1000, (s->delay_ms % 1000) * 1000000L };
		nanosleep(&ts, NULL);
	}
	if (strncmp(p, "qSupported", 10) == 0)
		replyf(s, "PacketSize=1000;qXfer:features:read%c%s", s->xml ? '+' : '-',
		       s->noack_offer ? ";QStartNoAckMode+" : "");
	else if (strcmp(p, "QStartNoAckMode") == 0 && s->noack_offer) {
		reply_str(s, "OK");
		s->noack = true;
	} else if (strncmp(p, "Qqemu.PhyMemMode:", 17) == 0 && s->phys_mode) {
		s->phys = p[17] == '1';
		reply_str(s, "OK");
	} else if (p[0] == 'm')
		do_read_mem(s, p + 1);
	else if (strncmp(p, "qXfer:features:read:", 20) == 0)
		do_xfer(s, p + 20);
	else if (p[0] == 'p' && s->p_packet)
		do_read_reg(s, p + 1);
	else if (strcmp(p, "g") == 0)
		do_all_regs(s);
	else if (strncmp(p, "qRcmd,", 6) == 0)
		do_monitor(s, p + 6);
	else if (strcmp(p, "D") == 0)
		reply_str(s, "OK");
	else if (strcmp(p, "c") == 0)
		s->running = true;           /* the stop reply comes after ^C */
	else
		reply_str(s, "");            /* unknown packet: the protocol's "not supported" */
}

static void serve(struct stub *s)
{
	static char pkt[70000];
	while (get_packet(s, pkt, sizeof pkt) >= 0) {
		s->packets++;
		if (s->log)
			fprintf(s->log, "%s\n", pkt), fflush(s->log);
		if (s->close_after >= 0 && s->packets > s->close_after)
			return;
		if (s->hang_after >= 0 && s->packets > s->hang_after) {
			pause();             /* until the alarm or a signal */
			return;
		}
		handle(s, pkt);
	}
}

static int listen_any(const char *port_file)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t al = sizeof a;
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || listen(fd, 1) < 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &al) < 0)
		die("fake_gdbstub: listen");
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s.tmp", port_file);
	FILE *f = fopen(tmp, "w");
	if (!f)
		die(tmp);
	fprintf(f, "%u\n", ntohs(a.sin_port));
	fclose(f);
	if (rename(tmp, port_file) < 0)          /* the test polls for the file */
		die(port_file);
	return fd;
}

static void parse_args(struct stub *s, int argc, char **argv, const char **mem, const char **port_file)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		bool takes = true;
		if (!strcmp(a, "--mem") && v) *mem = v;
		else if (!strcmp(a, "--port-file") && v) *port_file = v;
		else if (!strcmp(a, "--log") && v) { if (!(s->log = fopen(v, "w"))) die(v); }
		else if (!strcmp(a, "--bad-checksum") && v) s->bad_checksum = atol(v);
		else if (!strcmp(a, "--hang-after") && v) s->hang_after = atol(v);
		else if (!strcmp(a, "--close-after") && v) s->close_after = atol(v);
		else if (!strcmp(a, "--evil") && v) s->evil_after = atol(v);
		else if (!strcmp(a, "--delay-ms") && v) s->delay_ms = atol(v);
		else if (!strcmp(a, "--cr0") && v) s->regs[R_CR0] = strtoull(v, NULL, 0);
		else if (!strcmp(a, "--cr3") && v) s->regs[R_CR3] = strtoull(v, NULL, 0);
		else if (!strcmp(a, "--cr4") && v) s->regs[R_CR4] = strtoull(v, NULL, 0);
		else if (!strcmp(a, "--efer") && v) s->regs[R_EFER] = strtoull(v, NULL, 0);
		else if (!strcmp(a, "--status") && v) s->status = v;
		else {
			takes = false;
			if (!strcmp(a, "--noack")) s->noack_offer = true;
			else if (!strcmp(a, "--rle")) s->rle = true;
			else if (!strcmp(a, "--no-monitor")) s->monitor = false;
			else if (!strcmp(a, "--no-xml")) s->xml = false;
			else if (!strcmp(a, "--no-p")) s->p_packet = false;
			else if (!strcmp(a, "--no-phys")) s->phys_mode = false;
			else { fprintf(stderr, "fake_gdbstub: bad argument %s\n", a); exit(99); }
		}
		i += takes;
	}
}

int main(int argc, char **argv)
{
	struct stub s = { .monitor = true, .xml = true, .p_packet = true, .phys_mode = true, .bad_checksum = -1,
			  .hang_after = -1, .close_after = -1, .evil_after = -1, .status = "paused (prelaunch)" };
	const char *mem = NULL, *port_file = NULL;
	parse_args(&s, argc, argv, &mem, &port_file);
	if (!mem || !port_file)
		return fprintf(stderr, "fake_gdbstub: --mem and --port-file are required\n"), 99;
	alarm(60);
	struct stat st;
	if ((s.mem = open(mem, O_RDONLY)) < 0 || fstat(s.mem, &st) < 0)
		die(mem);
	s.mem_size = (uint64_t)st.st_size;
	int lfd = listen_any(port_file);
	/* One client at a time, as QEMU; each starts from a fresh stub state. */
	for (const struct stub fresh = s;;) {
		s = fresh;
		s.fd = accept(lfd, NULL, NULL);
		if (s.fd < 0)
			die("fake_gdbstub: accept");
		int one = 1;   /* an ack and its reply go out as two sends: no Nagle delay */
		setsockopt(s.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		serve(&s);
		close(s.fd);
	}
}
