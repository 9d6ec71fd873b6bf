/* lpc_chain_test.c — the wait graph and chains on in-memory models: no dump,
 * no kernel. Each case builds threads and classified waits by hand and checks
 * the chains exactly: order, cycles, clients behind a cycle, ends, ranking,
 * and the --min-wait filter. */
#include "analyzer/lpc/lpc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;

#define CHECK(cond) \
	do { \
		if (!(cond)) { \
			fprintf(stderr, "%s:%d: %s: check failed: %s\n", __FILE__, __LINE__, __func__, #cond); \
			failures++; \
		} \
	} while (0)

#define MAXT 16

struct fixture {
	struct ld_thread threads[MAXT];
	struct ld_system sys;
	struct ld_lpc_model *m;
};

/* n threads, tid = 100 + i, all running unless made to wait. */
static void setup(struct fixture *f, size_t n)
{
	memset(f, 0, sizeof(*f) - sizeof(f->m));
	for (size_t i = 0; i < n; i++) {
		f->threads[i].addr = 0x80001000u + 0x1000u * i;
		f->threads[i].tid = 100 + i;
		f->threads[i].pid = 10 + i;
		f->threads[i].state = 2;
		f->threads[i].wait_seconds = -1;
	}
	f->sys.threads = f->threads;
	f->sys.nthreads = n;
	f->m = calloc(1, sizeof(*f->m));
	if (!f->m || ld_lpc_model_init(f->m, &f->sys, LD_LPC_FLAVOR_LPC) != LD_OK) {
		fprintf(stderr, "setup failed\n");
		exit(99);
	}
}

/* Thread c waits (for `secs`) on a reply; server = processing thread or NONE. */
static void wait_on(struct fixture *f, size_t c, size_t server, enum ld_wait_status st, double secs)
{
	f->threads[c].state = 5;
	f->threads[c].wait_reason = 17;
	f->threads[c].wait_seconds = secs;
	struct ld_lpc_wait w = { .thread = c, .message_id = (uint32_t)(0x1000 + c), .server_thread = server,
				 .status = st, .wait_seconds = secs, .message = LD_LPC_NONE,
				 .port_index = LD_LPC_NONE, .connection_port_index = LD_LPC_NONE };
	if (ld_lpc_add_wait(f->m, &w, NULL) != LD_OK)
		exit(99);
}

static void build(struct fixture *f)
{
	if (ld_lpc_build_chains(NULL, f->m) != LD_OK) {
		fprintf(stderr, "build_chains: %s\n", ld_errmsg());
		exit(99);
	}
}

static bool chain_is(const struct ld_lpc_chain *c, size_t n, const size_t *want)
{
	if (c->nthreads != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (c->threads[i] != want[i])
			return false;
	return true;
}

static void done(struct fixture *f)
{
	ld_lpc_model_free(f->m);
}

/* 0 → 1 → 2, and 2 waits on a mutant: one chain of three ending in a wait. */
static void test_three_hop_chain(void)
{
	struct fixture f;
	setup(&f, 4);
	wait_on(&f, 0, 1, LD_WAIT_PROCESSING, 30);
	wait_on(&f, 1, 2, LD_WAIT_PROCESSING, 20);
	f.threads[2].state = 5;
	f.threads[2].wait_reason = 6;
	f.threads[2].wait_object = 0x8123;
	build(&f);
	CHECK(f.m->nchains == 1);
	static const size_t want[] = { 0, 1, 2 };
	CHECK(chain_is(&f.m->chains[0], 3, want));
	CHECK(!f.m->chains[0].cycle);
	CHECK(f.m->chains[0].end.kind == LD_END_WAIT);
	CHECK(f.m->chains[0].end.object.addr == 0x8123);
	CHECK(f.m->chains[0].end.thread == 2);
	CHECK(f.m->chains[0].wait_seconds == 30);
	CHECK(ld_lpc_next_thread(f.m, 0) == 1);
	CHECK(ld_lpc_next_thread(f.m, 2) == LD_LPC_NONE);
	done(&f);
}

/* 1 ↔ 2 deadlock; 0 waits on 1, 3 waits on 2: one cycle, two feeders. */
static void test_deadlock_with_feeders(void)
{
	struct fixture f;
	setup(&f, 5);
	wait_on(&f, 0, 1, LD_WAIT_PROCESSING, 50);
	wait_on(&f, 1, 2, LD_WAIT_PROCESSING, 40);
	wait_on(&f, 2, 1, LD_WAIT_PROCESSING, 45);
	wait_on(&f, 3, 2, LD_WAIT_PROCESSING, 10);
	build(&f);
	CHECK(f.m->nchains == 3);
	/* ranked: the 50 s client, then the cycle (longest member 45 s), then 10 s. */
	const struct ld_lpc_chain *c0 = &f.m->chains[0], *c1 = &f.m->chains[1], *c2 = &f.m->chains[2];
	static const size_t w0[] = { 0 }, w1[] = { 2, 1 }, w2[] = { 3 };
	CHECK(chain_is(c0, 1, w0));
	CHECK(c0->feeds_cycle == 1);
	CHECK(c0->end.kind == LD_END_CYCLE);
	CHECK(c0->cycle_entry == 1);   /* joins at thread 1 */
	CHECK(chain_is(c1, 2, w1));
	CHECK(c1->cycle);
	CHECK(c1->wait_seconds == 45);
	CHECK(c1->feeds_cycle == LD_LPC_NONE);
	CHECK(chain_is(c2, 1, w2));
	CHECK(c2->feeds_cycle == 1);
	CHECK(c2->cycle_entry == 0);
	CHECK(ld_lpc_stuck_count(f.m, -1) == 3);
	CHECK(ld_lpc_stuck_count(f.m, 20) == 2);
	/* the 50 s client keeps its 45 s deadlock visible at --min-wait 48 */
	CHECK(ld_lpc_stuck_count(f.m, 48) == 2);
	CHECK(ld_lpc_chain_visible(f.m, 1, 48) && !ld_lpc_chain_shown(&f.m->chains[1], 48));
	CHECK(!ld_lpc_chain_visible(f.m, 2, 48));
	done(&f);
}

/* A queued request, a server gone, a lost reply: three one-thread chains
 * whose ends say why; the receivers idle elsewhere are no chain. */
static void test_terminal_statuses(void)
{
	struct fixture f;
	setup(&f, 5);
	wait_on(&f, 0, LD_LPC_NONE, LD_WAIT_QUEUED, 5);
	wait_on(&f, 1, LD_LPC_NONE, LD_WAIT_NO_SERVER, 7);
	wait_on(&f, 2, LD_LPC_NONE, LD_WAIT_LOST, -1);
	f.threads[3].state = 5;
	f.threads[3].wait_reason = 16;
	build(&f);
	CHECK(f.m->nchains == 3);
	CHECK(f.m->chains[0].threads[0] == 1 && f.m->chains[0].end.kind == LD_END_NO_SERVER);
	CHECK(f.m->chains[1].threads[0] == 0 && f.m->chains[1].end.kind == LD_END_QUEUED);
	CHECK(f.m->chains[2].threads[0] == 2 && f.m->chains[2].end.kind == LD_END_LOST);
	/* unknown wait time is never filtered out */
	CHECK(ld_lpc_chain_shown(&f.m->chains[2], 1000));
	CHECK(!ld_lpc_chain_shown(&f.m->chains[1], 6));
	CHECK(ld_lpc_stuck_count(f.m, 6) == 2);
	done(&f);
}

/* The server thread moved on to receive again, or is running. */
static void test_server_not_blocked(void)
{
	struct fixture f;
	setup(&f, 4);
	wait_on(&f, 0, 1, LD_WAIT_PROCESSING, 3);
	f.threads[1].state = 5;
	f.threads[1].wait_reason = 16;
	wait_on(&f, 2, 3, LD_WAIT_PROCESSING, 2);
	build(&f);
	CHECK(f.m->nchains == 2);
	CHECK(f.m->chains[0].end.kind == LD_END_RECEIVING);
	CHECK(f.m->chains[1].end.kind == LD_END_NOT_WAITING);
	done(&f);
}

/* A three-thread cycle with nobody outside: one chain, in wait order from
 * the longest waiter; a self-loop is a cycle of one. */
static void test_cycles(void)
{
	struct fixture f;
	setup(&f, 4);
	wait_on(&f, 0, 1, LD_WAIT_PROCESSING, 1);
	wait_on(&f, 1, 2, LD_WAIT_PROCESSING, 9);
	wait_on(&f, 2, 0, LD_WAIT_PROCESSING, 3);
	wait_on(&f, 3, 3, LD_WAIT_PROCESSING, 4);
	build(&f);
	CHECK(f.m->nchains == 2);
	static const size_t want[] = { 1, 2, 0 }, self[] = { 3 };
	CHECK(chain_is(&f.m->chains[0], 3, want));
	CHECK(f.m->chains[0].cycle);
	CHECK(chain_is(&f.m->chains[1], 1, self));
	CHECK(f.m->chains[1].cycle);
	done(&f);
}

/* A lock held across an LPC call: 0 → 1 (LPC), 1 → 2 (LPC), 2 waits on a
 * mutant owned by 1: the cycle [1, 2] through the mutant, 0 behind it. A
 * lock without a known owner ends the chain. */
static void test_lock_cycle(void)
{
	struct fixture f;
	setup(&f, 5);
	wait_on(&f, 0, 1, LD_WAIT_PROCESSING, 60);
	wait_on(&f, 1, 2, LD_WAIT_PROCESSING, 50);
	f.threads[2].state = 5;
	f.threads[2].wait_reason = 6;
	f.threads[2].wait_seconds = 40;
	struct ld_wait_object o = { .addr = 0x8444, .kind = LD_WOBJ_MUTANT, .owner_thread = f.threads[1].addr,
				    .owner_index = 1 };
	CHECK(ld_lpc_add_lock(f.m, 2, &o) == LD_OK);
	wait_on(&f, 3, 4, LD_WAIT_PROCESSING, 5);
	f.threads[4].state = 5;
	f.threads[4].wait_reason = 6;
	f.threads[4].wait_object = 0x8555;
	build(&f);
	CHECK(f.m->nchains == 3);
	static const size_t w0[] = { 0 }, w1[] = { 1, 2 }, w2[] = { 3, 4 };
	CHECK(chain_is(&f.m->chains[0], 1, w0) && f.m->chains[0].feeds_cycle == 1);
	CHECK(chain_is(&f.m->chains[1], 2, w1) && f.m->chains[1].cycle);
	CHECK(f.m->chains[1].waits[1] == LD_LPC_NONE);
	CHECK(ld_lpc_next_thread(f.m, 2) == 1);
	CHECK(chain_is(&f.m->chains[2], 2, w2) && f.m->chains[2].end.kind == LD_END_WAIT);
	CHECK(f.m->chains[2].end.object.addr == 0x8555);
	done(&f);
}

/* A lock chain that ends in an LPC waiter: 0 → 1 (LPC), 1 on a mutant owned
 * by 2, 2 waits for a reply queued at a server: one chain 0, 1, 2 — thread 2
 * is not a second root. */
static void test_lock_then_lpc(void)
{
	struct fixture f;
	setup(&f, 3);
	wait_on(&f, 0, 1, LD_WAIT_PROCESSING, 9);
	f.threads[1].state = 5;
	f.threads[1].wait_reason = 6;
	struct ld_wait_object o = { .addr = 0x8666, .kind = LD_WOBJ_MUTANT, .owner_index = 2 };
	CHECK(ld_lpc_add_lock(f.m, 1, &o) == LD_OK);
	wait_on(&f, 2, LD_LPC_NONE, LD_WAIT_QUEUED, 8);
	build(&f);
	CHECK(f.m->nchains == 1);
	static const size_t want[] = { 0, 1, 2 };
	CHECK(chain_is(&f.m->chains[0], 3, want));
	CHECK(f.m->chains[0].end.kind == LD_END_QUEUED);
	done(&f);
}

/* Nothing waits: no chains, nothing stuck. */
static void test_healthy(void)
{
	struct fixture f;
	setup(&f, 3);
	f.threads[0].state = 5;
	f.threads[0].wait_reason = 16;
	build(&f);
	CHECK(f.m->nchains == 0);
	CHECK(ld_lpc_stuck_count(f.m, -1) == 0);
	done(&f);
}

static void test_names(void)
{
	CHECK(!strcmp(ld_wait_status_name(LD_WAIT_NO_SERVER), "no_server"));
	CHECK(!strcmp(ld_port_kind_name(LD_PORT_SERVER_COMM), "server_communication"));
	CHECK(!strcmp(ld_lpc_type_name(0x800a), "LPC_CONNECTION_REQUEST"));
	CHECK(!strcmp(ld_lpc_type_name(0x77), "UNKNOWN"));
	const char *n[8];
	CHECK(ld_found_by_names(LD_FOUND_HANDLE | LD_FOUND_POOL, n, 8) == 2);
	CHECK(!strcmp(n[0], "handle") && !strcmp(n[1], "pool"));
}

int main(void)
{
	test_three_hop_chain();
	test_deadlock_with_feeders();
	test_terminal_statuses();
	test_server_not_blocked();
	test_cycles();
	test_lock_cycle();
	test_lock_then_lpc();
	test_healthy();
	test_names();
	if (failures) {
		fprintf(stderr, "%d check(s) failed\n", failures);
		return 1;
	}
	return 0;
}
