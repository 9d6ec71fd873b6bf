/*
 * gdb_rsp.c — the GDB remote serial protocol transport: connect, negotiate,
 * frame, checksum, acknowledge, time out, and one request/reply exchange.
 * The commands live beside it: gdb_memory.c ('m', pipelined), gdb_monitor.c
 * (qRcmd), gdb_regs.c (target descriptions, registers). See gdb_rsp-priv.h.
 *
 * Packets are "$DATA#CS" with CS the two-hex-digit sum of DATA modulo 256.
 * Until no-ack mode is agreed, each packet is acknowledged with '+' (or '-'
 * to ask for a resend). Replies may use run-length encoding "X*N": X repeated
 * N-29 more times.
 */
#include "gdb_rsp-priv.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* A checksum error or a '-' is retried this often before we give up: a
 * noisy link recovers in one or two, a broken stub never does. */
#define RSP_RETRIES 3
/* Console/notification packets skipped while waiting for one reply. */
#define RSP_MAX_SKIPPED 100000
/* Longest uninterrupted wait: how late a Ctrl-C may be noticed. */
#define RSP_POLL_SLICE_MS 100
/* qSupported's PacketSize when the stub gives none (gdb's own default). */
#define RSP_DEFAULT_PACKET 400

struct ld_rsp {
	int fd;
	int timeout_ms;
	bool noack;
	bool dead;                   /* timed out or closed: refuse further traffic */
	ld_status death;             /* ... and why, for ld_rsp_health() */
	char death_msg[256];
	bool phys_on;                /* we switched QEMU to physical mode */
	/* Replies the stub still owes us: a Ctrl-C may leave some unread, and
	 * they must be read (and dropped) before the next request. */
	size_t pending;
	bool interruptible;          /* waiting between packets: Ctrl-C may stop us */
	size_t packet_size;
	char features[1024];         /* the qSupported reply, ';'-separated */
	uint8_t in[4096];            /* socket read buffer */
	size_t in_pos, in_len;
	char raw[LD_RSP_MAX_REPLY + 1];     /* packet data as received */
	char reply[LD_RSP_MAX_REPLY + 1];   /* run-length expanded, NUL-terminated */
	size_t reply_len;
};

int ld_rsp_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

uint8_t ld_rsp_checksum(const char *data, size_t len)
{
	unsigned sum = 0;
	for (size_t i = 0; i < len; i++)
		sum += (uint8_t)data[i];
	return (uint8_t)sum;
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The connection is unusable after a timeout or EOF: a late reply would be
 * taken for the answer to the next question. */
static ld_status kill_link(struct ld_rsp *r, ld_status st)
{
	if (!r->dead)
		snprintf(r->death_msg, sizeof r->death_msg, "%s", ld_errmsg());
	r->dead = true;
	r->death = st;
	return st;
}

ld_status ld_rsp_health(const struct ld_rsp *r)
{
	if (!r->dead)
		return LD_OK;
	return ld_fail(r->death, "%s", r->death_msg);
}

/* ---- bytes in and out ---- */

static ld_status fill(struct ld_rsp *r, int64_t deadline)
{
	for (;;) {
		int64_t left = deadline - now_ms();
		if (left <= 0)
			return kill_link(r, ld_fail(LD_ERR_TIMEOUT, "gdb stub: no answer within %d ms",
						    r->timeout_ms));
		/* Ctrl-C stops a wait between packets, never one inside a packet;
		 * what is still owed is counted in r->pending and drained later.
		 * The kernel restarts an interrupted poll() (SA_RESTART), so the
		 * wait goes in slices and looks at the flag between them. */
		if (r->interruptible && ld_check_interrupt())
			return ld_fail(LD_ERR_INTERRUPTED, "gdb stub: interrupted");
		struct pollfd p = { .fd = r->fd, .events = POLLIN };
		int n = poll(&p, 1, left > RSP_POLL_SLICE_MS ? RSP_POLL_SLICE_MS : (int)left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return kill_link(r, ld_fail(LD_ERR_IO, "gdb stub: poll: %s", strerror(errno)));
		if (n == 0)
			continue;
		ssize_t got = recv(r->fd, r->in, sizeof r->in, 0);
		if (got < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (got < 0 && errno == ECONNRESET)   /* closed with our requests unread */
			return kill_link(r, ld_fail(LD_ERR_IO, "gdb stub closed the connection (reset)"));
		if (got < 0)
			return kill_link(r, ld_fail(LD_ERR_IO, "gdb stub: read: %s", strerror(errno)));
		if (got == 0)
			return kill_link(r, ld_fail(LD_ERR_IO, "gdb stub closed the connection"));
		r->in_pos = 0;
		r->in_len = (size_t)got;
		return LD_OK;
	}
}

static ld_status get_byte(struct ld_rsp *r, int64_t deadline, int *c)
{
	if (r->in_pos == r->in_len) {
		ld_status st = fill(r, deadline);
		if (st != LD_OK)
			return st;
	}
	*c = r->in[r->in_pos++];
	return LD_OK;
}

static ld_status put_bytes(struct ld_rsp *r, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = send(r->fd, buf, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EPIPE || errno == ECONNRESET))
			return kill_link(r, ld_fail(LD_ERR_IO, "gdb stub closed the connection (%s)",
						    strerror(errno)));
		if (n < 0)
			return kill_link(r, ld_fail(LD_ERR_IO, "gdb stub: write: %s", strerror(errno)));
		buf += n;
		len -= (size_t)n;
	}
	return LD_OK;
}

/* ---- packets ---- */

/* A console output packet: 'O' followed by hex (an "OK" reply is not one). */
static bool is_console_output(const char *s, size_t len)
{
	return len >= 3 && s[0] == 'O' && (len - 1) % 2 == 0 && ld_rsp_hexval(s[1]) >= 0;
}


/* Frame data as "$data#cs" into frame. */
static ld_status frame_packet(const char *data, char *frame, size_t cap, size_t *n)
{
	size_t len = strlen(data);
	if (cap < 8 || len > cap - 8)
		return ld_fail(LD_ERR_ARG, "gdb stub: command too long (%zu bytes)", len);
	*n = (size_t)snprintf(frame, cap, "$%s#%02x", data, ld_rsp_checksum(data, len));
	return LD_OK;
}

static ld_status send_packet(struct ld_rsp *r, const char *data, int64_t deadline)
{
	char frame[4096 + 8];
	size_t n;
	ld_status st = frame_packet(data, frame, sizeof frame, &n);
	if (st != LD_OK)
		return st;
	for (int attempt = 0; attempt <= RSP_RETRIES; attempt++) {
		st = put_bytes(r, frame, n);
		if (st != LD_OK)
			return st;
		if (attempt == 0)
			r->pending++;               /* one reply per packet, resent or not */
		if (r->noack)
			return LD_OK;
		int c;
		do {
			r->interruptible = true;
			st = get_byte(r, deadline, &c);
			r->interruptible = false;
			if (st != LD_OK)
				return st;
		} while (c != '+' && c != '-');
		if (c == '+')
			return LD_OK;
	}
	return kill_link(r, ld_fail(LD_ERR_IO, "gdb stub: packet refused %d times", RSP_RETRIES + 1));
}

/* Read "DATA#CS" after a '$' into r->raw; *ok says whether the checksum held. */
static ld_status read_frame(struct ld_rsp *r, int64_t deadline, size_t *len, bool *ok)
{
	size_t n = 0;
	int c, hi, lo;
	ld_status st;
	for (;;) {
		if ((st = get_byte(r, deadline, &c)) != LD_OK)
			return st;
		if (c == '#')
			break;
		if (n == LD_RSP_MAX_REPLY)
			return kill_link(r, ld_fail(LD_ERR_FORMAT, "gdb stub: reply longer than %zu bytes",
						    LD_RSP_MAX_REPLY));
		r->raw[n++] = (char)c;
	}
	if ((st = get_byte(r, deadline, &hi)) != LD_OK || (st = get_byte(r, deadline, &lo)) != LD_OK)
		return st;
	int want = ld_rsp_hexval(hi) * 16 + ld_rsp_hexval(lo);
	*ok = ld_rsp_hexval(hi) >= 0 && ld_rsp_hexval(lo) >= 0 && want == ld_rsp_checksum(r->raw, n);
	*len = n;
	return LD_OK;
}

/* Expand "X*N" runs of r->raw into r->reply. */
static ld_status expand_rle(struct ld_rsp *r, size_t len)
{
	size_t out = 0;
	for (size_t i = 0; i < len; i++) {
		char c = r->raw[i];
		if (c == '*' && out > 0 && i + 1 < len) {
			int count = (uint8_t)r->raw[++i] - 29;
			if (count < 0 || out + (size_t)count > LD_RSP_MAX_REPLY)
				return kill_link(r, ld_fail(LD_ERR_FORMAT, "gdb stub: bad run-length encoding"));
			memset(r->reply + out, r->reply[out - 1], (size_t)count);
			out += (size_t)count;
			continue;
		}
		if (out == LD_RSP_MAX_REPLY)
			return kill_link(r, ld_fail(LD_ERR_FORMAT, "gdb stub: reply longer than %zu bytes",
						    LD_RSP_MAX_REPLY));
		r->reply[out++] = c;
	}
	r->reply[out] = '\0';
	r->reply_len = out;
	return LD_OK;
}

/* Receive one packet (not a notification) into r->reply. With garbled set
 * (pipelined requests, where a resend request would be ambiguous), a bad
 * checksum is acknowledged anyway and reported through *garbled. */
static ld_status recv_packet_ex(struct ld_rsp *r, int64_t deadline, bool *garbled)
{
	for (int bad = 0;;) {
		int c;
		ld_status st;
		do {
			r->interruptible = true;
			st = get_byte(r, deadline, &c);
			r->interruptible = false;
			if (st != LD_OK)
				return st;
		} while (c != '$' && c != '%');
		size_t len = 0;
		bool ok = false;
		if ((st = read_frame(r, deadline, &len, &ok)) != LD_OK)
			return st;
		if (c == '%')
			continue;               /* asynchronous notification: not our reply */
		if (!ok && garbled) {
			*garbled = true;
			ok = true;
		}
		if (!ok) {
			if (r->noack || ++bad > RSP_RETRIES)
				return kill_link(r, ld_fail(LD_ERR_IO, "gdb stub: bad checksum in reply"));
			if ((st = put_bytes(r, "-", 1)) != LD_OK)
				return st;
			continue;
		}
		if (!r->noack && (st = put_bytes(r, "+", 1)) != LD_OK)
			return st;
		if ((st = expand_rle(r, len)) != LD_OK)
			return st;
		if (!is_console_output(r->reply, r->reply_len) && r->pending > 0)
			r->pending--;
		return LD_OK;
	}
}

static ld_status recv_packet(struct ld_rsp *r, int64_t deadline)
{
	return recv_packet_ex(r, deadline, NULL);
}

static ld_status check_alive(const struct ld_rsp *r)
{
	if (r->dead)
		return ld_fail(r->death, "gdb stub: connection lost earlier (%s)", r->death_msg);
	return LD_OK;
}

/* Read and drop the replies an interrupted request left behind. */
static ld_status drain(struct ld_rsp *r)
{
	int64_t deadline = now_ms() + r->timeout_ms;
	while (r->pending > 0) {
		ld_status st = recv_packet(r, deadline);
		if (st != LD_OK)
			return st;
	}
	return LD_OK;
}

ld_status ld_rsp_exchange(struct ld_rsp *r, const char *cmd, const char **reply, size_t *len)
{
	ld_status st = check_alive(r);
	if (st == LD_OK)
		st = drain(r);
	if (st != LD_OK)
		return st;
	int64_t deadline = now_ms() + r->timeout_ms;
	if ((st = send_packet(r, cmd, deadline)) != LD_OK)
		return st;
	for (int skipped = 0; skipped < RSP_MAX_SKIPPED; skipped++) {
		if ((st = recv_packet(r, deadline)) != LD_OK)
			return st;
		if (!is_console_output(r->reply, r->reply_len)) {
			*reply = r->reply;
			if (len)
				*len = r->reply_len;
			return LD_OK;
		}
	}
	return kill_link(r, ld_fail(LD_ERR_LIMIT, "gdb stub: endless console output"));
}

/* ---- the lower level, for the command files (gdb-priv: see the header) ---- */

int64_t ld_rsp_deadline(const struct ld_rsp *r)
{
	return now_ms() + r->timeout_ms;
}

ld_status ld_rsp_alive(const struct ld_rsp *r)
{
	return check_alive(r);
}

size_t ld_rsp_packet_size(const struct ld_rsp *r)
{
	return r->packet_size;
}

ld_status ld_rsp_send(struct ld_rsp *r, const char *cmd, int64_t deadline)
{
	ld_status st = check_alive(r);
	if (st == LD_OK)
		st = drain(r);
	return st != LD_OK ? st : send_packet(r, cmd, deadline);
}

ld_status ld_rsp_post(struct ld_rsp *r, const char *const *cmds, size_t n)
{
	char frames[LD_RSP_MAX_POST * 64];
	size_t used = 0;
	if (n > LD_RSP_MAX_POST)
		return ld_fail(LD_ERR_ARG, "gdb stub: %zu packets posted at once (at most %d)", n,
			       LD_RSP_MAX_POST);
	ld_status st = check_alive(r);
	if (st == LD_OK)
		st = drain(r);
	for (size_t i = 0; st == LD_OK && i < n; i++) {
		size_t len;
		st = frame_packet(cmds[i], frames + used, sizeof frames - used, &len);
		used += st == LD_OK ? len : 0;
	}
	if (st == LD_OK && (st = put_bytes(r, frames, used)) == LD_OK)
		r->pending += n;
	return st;
}

ld_status ld_rsp_interrupt(struct ld_rsp *r)
{
	ld_status st = check_alive(r);
	return st != LD_OK ? st : put_bytes(r, "\003", 1);
}

ld_status ld_rsp_receive(struct ld_rsp *r, int64_t deadline, bool *garbled, const char **reply,
			 size_t *len)
{
	ld_status st = check_alive(r);
	if (st == LD_OK)
		st = recv_packet_ex(r, deadline, garbled);
	if (st != LD_OK)
		return st;
	*reply = r->reply;
	*len = r->reply_len;
	return LD_OK;
}

bool ld_rsp_is_console(const char *s, size_t len)
{
	return is_console_output(s, len);
}

/* ---- connection ---- */

static ld_status wait_connected(int fd, int timeout_ms, const char *where)
{
	struct pollfd p = { .fd = fd, .events = POLLOUT };
	int n;
	do
		n = poll(&p, 1, timeout_ms);
	while (n < 0 && errno == EINTR && !ld_check_interrupt());
	if (n == 0)
		return ld_fail(LD_ERR_TIMEOUT, "gdb stub %s: connect timed out", where);
	int err = 0;
	socklen_t el = sizeof err;
	if (n < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) < 0)
		err = errno;
	if (err != 0)
		return ld_fail(LD_ERR_IO, "gdb stub %s: %s", where, strerror(err));
	return LD_OK;
}

static ld_status dial_one(const struct addrinfo *ai, int timeout_ms, const char *where, int *out)
{
	int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
	if (fd < 0)
		return ld_fail(LD_ERR_IO, "gdb stub %s: socket: %s", where, strerror(errno));
	ld_status st = LD_OK;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
		if (errno == EINPROGRESS)
			st = wait_connected(fd, timeout_ms, where);
		else
			st = ld_fail(LD_ERR_IO, "gdb stub %s: %s", where, strerror(errno));
	}
	if (st != LD_OK) {
		close(fd);
		return st;
	}
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);   /* small request/reply traffic */
	*out = fd;
	return LD_OK;
}

static ld_status dial(const char *host, const char *port, int timeout_ms, int *out)
{
	char where[300];
	snprintf(where, sizeof where, "%.200s:%.60s", host, port);
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM }, *res;
	int gai = getaddrinfo(host, port, &hints, &res);
	if (gai != 0)
		return ld_fail(LD_ERR_ARG, "gdb stub %s: %s", where, gai_strerror(gai));
	ld_status st = ld_fail(LD_ERR_IO, "gdb stub %s: no address", where);
	for (const struct addrinfo *ai = res; ai; ai = ai->ai_next)
		if ((st = dial_one(ai, timeout_ms, where, out)) == LD_OK)
			break;
	freeaddrinfo(res);
	return st;
}

static size_t parse_packet_size(const char *features)
{
	const char *p = strstr(features, "PacketSize=");
	if (!p)
		return RSP_DEFAULT_PACKET;
	unsigned long long v = strtoull(p + 11, NULL, 16);
	if (v < 64)
		return 64;
	return v > LD_RSP_MAX_REPLY ? LD_RSP_MAX_REPLY : (size_t)v;
}

static ld_status negotiate(struct ld_rsp *r)
{
	const char *rep;
	ld_status st = ld_rsp_exchange(r, "qSupported:xmlRegisters=i386", &rep, NULL);
	if (st != LD_OK)
		return ld_fail_ctx(st, "gdb stub: qSupported");
	snprintf(r->features, sizeof r->features, "%s", rep);
	r->packet_size = parse_packet_size(r->features);
	if (!ld_rsp_supports(r, "QStartNoAckMode"))
		return LD_OK;
	if ((st = ld_rsp_exchange(r, "QStartNoAckMode", &rep, NULL)) != LD_OK)
		return ld_fail_ctx(st, "gdb stub: QStartNoAckMode");
	r->noack = strcmp(rep, "OK") == 0;
	return LD_OK;
}

ld_status ld_rsp_connect(const char *host, const char *port, const struct ld_rsp_opts *opts,
			 struct ld_rsp **out)
{
	struct ld_rsp *r = ld_xcalloc(1, sizeof *r);
	if (!r)
		return LD_ERR_NOMEM;
	r->timeout_ms = opts && opts->timeout_ms > 0 ? opts->timeout_ms : LD_RSP_DEFAULT_TIMEOUT_MS;
	r->packet_size = RSP_DEFAULT_PACKET;
	ld_status st = dial(host, port, r->timeout_ms, &r->fd);
	if (st != LD_OK) {
		free(r);
		return st;
	}
	if ((st = negotiate(r)) != LD_OK) {
		ld_rsp_close(r);
		return st;
	}
	*out = r;
	return LD_OK;
}

void ld_rsp_close(struct ld_rsp *r)
{
	if (!r)
		return;
	/* The physical mode is a setting of the stub, shared with whoever
	 * debugs next: leave it as we found it. */
	if (r->phys_on && !r->dead) {
		const char *rep;
		(void)ld_rsp_exchange(r, "Qqemu.PhyMemMode:0", &rep, NULL);
	}
	close(r->fd);
	free(r);
}

bool ld_rsp_supports(const struct ld_rsp *r, const char *feature)
{
	size_t fl = strlen(feature);
	for (const char *p = r->features; *p;) {
		const char *end = strchr(p, ';');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		if (n == fl + 1 && strncmp(p, feature, fl) == 0 && p[fl] == '+')
			return true;
		p += n + (end ? 1 : 0);
	}
	return false;
}

size_t ld_rsp_max_read(const struct ld_rsp *r)
{
	/* Hex doubles the size; gdb sizes its reads the same way. A power of two
	 * keeps page reads to whole packets. */
	size_t n = 16;
	while (n * 2 <= r->packet_size / 2 && n * 2 <= LD_PAGE_SIZE)
		n *= 2;
	return n;
}

/* ---- commands ---- */

ld_status ld_rsp_phys_mode(struct ld_rsp *r, bool on)
{
	const char *rep;
	ld_status st = ld_rsp_exchange(r, on ? "Qqemu.PhyMemMode:1" : "Qqemu.PhyMemMode:0", &rep, NULL);
	if (st != LD_OK)
		return st;
	if (strcmp(rep, "OK") != 0)
		return ld_fail(LD_ERR_UNSUPPORTED, "gdb stub has no physical memory mode (Qqemu.PhyMemMode)");
	r->phys_on = on;
	return LD_OK;
}
