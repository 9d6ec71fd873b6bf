/* report_triage_text.c — the triage report as text: a summary line, then each
 * chain (ranked) with process names, pids/tids, port names, message ids and
 * durations, in the words WinDbg users know ("Waiting for reply to LPC
 * MessageId …"). Shared line helpers are used by the `lpc` views too. */
#include "report.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>

const char *ld_text_duration(char *buf, size_t len, double s)
{
	if (s < 0 || isnan(s)) {
		snprintf(buf, len, "?");
		return buf;
	}
	uint64_t ms = (uint64_t)llround(s * 1000.0);
	uint64_t sec = ms / 1000, h = sec / 3600, m = sec / 60 % 60;
	if (sec < 60)
		snprintf(buf, len, "%" PRIu64 ".%03" PRIu64 "s", sec, ms % 1000);
	else if (h == 0)
		snprintf(buf, len, "%" PRIu64 "m%02" PRIu64 "s", m, sec % 60);
	else
		snprintf(buf, len, "%" PRIu64 "h%02" PRIu64 "m%02" PRIu64 "s", h, m, sec % 60);
	return buf;
}

const char *ld_text_thread(char *buf, size_t len, const struct ld_lpc_model *m, size_t t)
{
	if (t == LD_LPC_NONE || t >= m->sys->nthreads) {
		snprintf(buf, len, "(no thread)");
		return buf;
	}
	const struct ld_thread *th = &m->sys->threads[t];
	const char *name = th->process_index < m->sys->nprocesses ?
		m->sys->processes[th->process_index].name : "";
	snprintf(buf, len, "%s pid %" PRIu64 " tid %" PRIu64 " (thread 0x%" PRIx64 ")",
		 name[0] ? name : "?", th->pid, th->tid, th->addr);
	return buf;
}

const char *ld_text_port(char *buf, size_t len, const struct ld_lpc_model *m, uint64_t addr)
{
	size_t i = addr ? ld_lpc_port_index(m, addr) : LD_LPC_NONE;
	if (!addr)
		snprintf(buf, len, "(unknown port)");
	else if (i == LD_LPC_NONE || !m->ports[i].readable)
		snprintf(buf, len, "port 0x%" PRIx64 " (unreadable)", addr);
	else if (m->ports[i].name_known)
		snprintf(buf, len, "port 0x%" PRIx64 " \"%s\"", addr, m->ports[i].name);
	else
		snprintf(buf, len, "port 0x%" PRIx64 " (%s, unnamed)", addr, ld_port_kind_name(m->ports[i].kind));
	return buf;
}

static void wait_lines(FILE *f, const struct ld_lpc_model *m, size_t w)
{
	const struct ld_lpc_wait *wt = &m->waits[w];
	char pb[LD_LPC_NAME_MAX + 64], tb[128];
	if (wt->connect)
		fprintf(f, "      Waiting for connection to %s (LPC MessageId %08x)\n",
			ld_text_port(pb, sizeof pb, m, wt->connection_port), wt->message_id);
	else if (m->flavor == LD_LPC_FLAVOR_ALPC)   /* WinDbg: "Waiting for reply to ALPC Message …" */
		fprintf(f, "      Waiting for reply to ALPC Message 0x%" PRIx64 " (MessageId %08x) on %s\n",
			wt->message != LD_LPC_NONE ? m->messages[wt->message].addr : 0, wt->message_id,
			ld_text_port(pb, sizeof pb, m, wt->port));
	else
		fprintf(f, "      Waiting for reply to LPC MessageId %08x on %s\n", wt->message_id,
			ld_text_port(pb, sizeof pb, m, wt->port));
	switch (wt->status) {
	case LD_WAIT_PROCESSING:
		if (wt->connect && wt->message != LD_LPC_NONE && (m->messages[wt->message].type & 0xff) == 2)
			fprintf(f, "      -> accepted by %s, which has not called NtCompleteConnectPort\n",
				ld_text_thread(tb, sizeof tb, m, wt->server_thread));
		else
			fprintf(f, "      -> %s by %s\n", wt->callback ? "a callback, handled" : "processed",
				ld_text_thread(tb, sizeof tb, m, wt->server_thread));
		break;
	case LD_WAIT_QUEUED:
		fprintf(f, "      -> queued, not received: %s\n", wt->why);
		break;
	case LD_WAIT_NO_SERVER:
		fprintf(f, "      -> no server: %s\n", wt->why);
		break;
	case LD_WAIT_LOST:
		fprintf(f, "      -> reply lost: %s\n", wt->why);
		break;
	case LD_WAIT_PENDING:
		fprintf(f, "      -> pending at the server, last received by %s\n",
			ld_text_thread(tb, sizeof tb, m, wt->server_thread));
		fprintf(f, "         %s\n", wt->why);
		break;
	default:
		fprintf(f, "      -> unknown: %s\n", wt->why);
		break;
	}
}

static void lock_lines(FILE *f, struct ld_kernel *k, const struct ld_lpc_model *m, size_t t)
{
	const struct ld_wait_object *o = &m->locks[m->threads[t].lock];
	char tb[128];
	fprintf(f, "      Waiting (%s) on %s 0x%" PRIx64, ld_wait_reason_name(k, m->sys->threads[t].wait_reason),
		ld_wait_object_kind_name(o->kind), o->addr);
	if (o->name[0])
		fprintf(f, " \"%s\"", o->name);
	fprintf(f, "\n      -> %s %s\n", o->kind == LD_WOBJ_MUTANT ? "owned by" : "the thread",
		ld_text_thread(tb, sizeof tb, m, o->owner_index));
}

static void end_line(FILE *f, struct ld_kernel *k, const struct ld_lpc_model *m, const struct ld_lpc_chain *c)
{
	const struct ld_chain_end *e = &c->end;
	const struct ld_thread *t = &m->sys->threads[e->thread];
	char tb[128], db[32];
	switch (e->kind) {
	case LD_END_CYCLE:
		if (c->cycle)
			fprintf(f, "  DEADLOCK: the last thread waits for the first\n");
		else
			fprintf(f, "  stuck behind deadlock #%zu\n", c->feeds_cycle + 1);
		return;
	case LD_END_RECEIVING:
		fprintf(f, "  end: the server thread is waiting to receive (it has moved on without replying)\n");
		return;
	case LD_END_NOT_WAITING:
		fprintf(f, "  end: the last thread is %s, not waiting\n", ld_thread_state_name(k, t->state));
		return;
	case LD_END_WAIT:
		if (e->object.addr)
			break;
		fprintf(f, "  end: waits (%s, %s) on an object this profile cannot locate\n",
			ld_wait_reason_name(k, t->wait_reason), ld_text_duration(db, sizeof db, t->wait_seconds));
		return;
	case LD_END_QUEUED:
		fprintf(f, "  end: the request waits in the server's queue\n");
		return;
	case LD_END_NO_SERVER:
		fprintf(f, "  end: the server is gone; the reply will never come\n");
		return;
	case LD_END_LOST:
		fprintf(f, "  end: the reply is lost; the client waits until its port is closed\n");
		return;
	case LD_END_PENDING:
		fprintf(f, "  end: the request is pending at the server; the thread that received it has moved on "
			   "(a thread-pool server: look for the work item, not for a stuck thread)\n");
		return;
	default:
		fprintf(f, "  end: %s\n", ld_end_kind_name(e->kind));
		return;
	}
	fprintf(f, "  end: waits (%s, %s) on %s 0x%" PRIx64, ld_wait_reason_name(k, t->wait_reason),
		ld_text_duration(db, sizeof db, t->wait_seconds), ld_wait_object_kind_name(e->object.kind),
		e->object.addr);
	if (e->object.name[0])
		fprintf(f, " \"%s\"", e->object.name);
	if (e->object.kind == LD_WOBJ_MUTANT)
		fprintf(f, " owned by %s", e->object.owner_index != LD_LPC_NONE ?
			ld_text_thread(tb, sizeof tb, m, e->object.owner_index) :
			e->object.owner_thread ? "an unknown thread" : "nobody");
	if (e->object.kind == LD_WOBJ_THREAD)
		fprintf(f, " (%s)", ld_text_thread(tb, sizeof tb, m, e->object.owner_index));
	fputc('\n', f);
}

static void chain_text(FILE *f, struct ld_kernel *k, const struct ld_lpc_model *m, size_t i)
{
	const struct ld_lpc_chain *c = &m->chains[i];
	char tb[128], db[32];
	if (c->cycle)
		fprintf(f, "#%zu DEADLOCK of %zu threads, waiting up to %s\n", i + 1, c->nthreads,
			ld_text_duration(db, sizeof db, c->wait_seconds));
	else
		fprintf(f, "#%zu chain of %zu thread%s, waiting %s\n", i + 1, c->nthreads, c->nthreads == 1 ? "" : "s",
			ld_text_duration(db, sizeof db, c->wait_seconds));
	for (size_t j = 0; j < c->nthreads; j++) {
		size_t t = c->threads[j];
		const struct ld_thread *th = &m->sys->threads[t];
		if (th->state == 5)
			fprintf(f, "  [%zu] %s, waiting %s\n", j + 1, ld_text_thread(tb, sizeof tb, m, t),
				ld_text_duration(db, sizeof db, th->wait_seconds));
		else
			fprintf(f, "  [%zu] %s, %s\n", j + 1, ld_text_thread(tb, sizeof tb, m, t),
				ld_thread_state_name(k, th->state));
		if (c->waits[j] != LD_LPC_NONE)
			wait_lines(f, m, c->waits[j]);
		else if (m->threads[t].lock != LD_LPC_NONE)
			lock_lines(f, k, m, t);
	}
	end_line(f, k, m, c);
}

static size_t ncycles(const struct ld_lpc_model *m, double min_wait)
{
	size_t n = 0;
	for (size_t i = 0; i < m->nchains; i++)
		n += m->chains[i].cycle && ld_lpc_chain_visible(m, i, min_wait);
	return n;
}

ld_status ld_report_triage_text(FILE *f, struct ld_kernel *k, const struct ld_lpc_model *m, double min_wait)
{
	const struct ld_profile *p = ld_kernel_profile(k);
	size_t stuck = ld_lpc_stuck_count(m, min_wait), cyc = ncycles(m, min_wait);
	fprintf(f, "%s: %zu stuck chain%s, %zu deadlock%s; %zu thread%s waiting for %s replies; %zu port%s, %zu message%s%s\n",
		p ? ld_profile_name(p) : "?", stuck, stuck == 1 ? "" : "s", cyc, cyc == 1 ? "" : "s",
		m->nwaits, m->nwaits == 1 ? "" : "s", m->flavor == LD_LPC_FLAVOR_ALPC ? "ALPC" : "LPC", m->nports, m->nports == 1 ? "" : "s",
		m->nmessages, m->nmessages == 1 ? "" : "s", m->pool_scanned ? " (pool scanned)" : "");
	for (size_t i = 0; i < m->nchains; i++) {
		if (!ld_lpc_chain_visible(m, i, min_wait))
			continue;
		fputc('\n', f);
		chain_text(f, k, m, i);
	}
	if (stuck == 0)
		fprintf(f, "No thread is stuck waiting for an %s reply.\n", m->flavor == LD_LPC_FLAVOR_ALPC ? "ALPC" : "LPC");
	return ferror(f) ? ld_fail(LD_ERR_IO, "writing the report") : LD_OK;
}
