#!/bin/sh
# lpc_bench.sh [BUILDDIR] — the triage report at scale (not part of `make
# check`; run by hand, needs ~9 GiB of free disk in $TMPDIR).
#
# Forges a 4 GiB Server 2003 SP2 x64 machine with 2,000 processes, 40,000
# threads and 20,000 LPC ports (100 servers, 9,950 connections, 1,900
# threads waiting for replies), writes it as a full
# dump made dense on disk, warms it, then measures:
#   cat DUMP >/dev/null                 reference time and throughput
#   lpcdump DUMP                        the triage report, no pool scan
#                                       (goal: <= 5 % of cat's time)
#   lpcdump --pool-scan DUMP            the pool scan's extra time against
#                                       the dump size (goal: >= 80 % of cat's
#                                       throughput)
#   lpcdump --json DUMP                 the same report as JSON (streamed)
# and the peak RSS of each (goal <= 64 MiB).
#   LPC_BENCH_SCALE=N divides the counts by N (a quick smoke run).
#   LPC_BENCH_GIB=N   forged RAM in GiB (default 4, at least 2). The file must
#                     stay in the page cache ("warm"): where fincore exists the
#                     script says how much of it was cached after `cat`.
# Then, to show the floor under any tool that must read the same pages: how
# many distinct pages the triage reads (with strace) and what one random
# 4 KiB pread of this warm file costs here (tests/bench/page_reads.c).
set -eu
build=${1:-.}
lpcdump=$build/lpcdump forge=$build/tests/forge/forge
[ -x "$lpcdump" ] && [ -x "$forge" ] || { echo "usage: $0 BUILDDIR (with lpcdump and tests/forge/forge built)" >&2; exit 2; }
command -v /usr/bin/time >/dev/null || { echo "needs /usr/bin/time (GNU time)" >&2; exit 2; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lpcdump-lpcbench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
scale=${LPC_BENCH_SCALE:-1}
gib=${LPC_BENCH_GIB:-4}
[ "$gib" -ge 2 ] 2>/dev/null || { echo "LPC_BENCH_GIB must be at least 2" >&2; exit 2; }

# The machine: process i (pid 1000+4i) has 20 threads (tid 100000+20i+j).
# Processes 0..99 are servers with one named connection port each; every
# other process opens 5 connections (the first 450 six) to servers (i+k) mod 100. Thread 0 of
# each server listens; in each client process thread 1 waits for a reply,
# which a server thread (blocked on an event) has received — three times in
# four; the fourth request is lost (received, no thread claims it).
awk -v scale="$scale" -v gib="$gib" 'BEGIN {
	np = int(2000 / scale); nt = 20; ns = int(100 / scale); if (ns < 2) ns = 2
	nconn = 5
	print "profile 2003-sp2-x64"
	print "ram 0x1000 0x9e000"
	printf "ram 1M %dM\n", (gib - 1) * 1024 - 1
	print "ram 4G 1G"
	print "time 2024-03-01T12:00:00Z"
	print "uptime 86400"
	print "dispatcher type=event name=\\BaseNamedObjects\\Never"
	for (i = 0; i < np; i++) {
		pid = 1000 + 4 * i
		printf "process pid=%d name=p%d.exe\n", pid, i
		for (j = 0; j < nt; j++) {
			tid = 100000 + nt * i + j
			if (i < ns && j == 0)
				printf "thread pid=%d tid=%d reason=WrLpcReceive wait=%d\n", pid, tid, 5 + j
			else if (i >= ns && j == 1)
				printf "thread pid=%d tid=%d reason=WrLpcReply wait=%d\n", pid, tid, 10 + i % 500
			else if (i < ns && j >= 1 && j <= 19)
				printf "thread pid=%d tid=%d reason=UserRequest wait=%d object=\\BaseNamedObjects\\Never\n", pid, tid, 9 + j
			else
				printf "thread pid=%d tid=%d reason=UserRequest wait=%d\n", pid, tid, 100 + j
		}
	}
	for (s = 0; s < ns; s++)
		printf "port id=s%d kind=connection name=\\RPC Control\\srv%d pid=%d tid=%d\n", s, s, 1000 + 4 * s, 100000 + nt * s
	for (i = ns; i < np; i++)
		for (k = 0; k < nconn + (i - ns < int(450 / scale)); k++) {
			s = (i + k) % ns
			printf "port id=c%d_%d kind=client connect=s%d pid=%d tid=%d\n", i, k, s, 1000 + 4 * i, 100000 + nt * i + 1
		}
	for (s = 0; s < ns; s++)
		printf "lpcreceive tid=%d port=s%d\n", 100000 + nt * s, s
	# client thread 1 of process i waits on its connection 0; the message is
	# processed by thread 1 + (i % 19) of server (i % ns) (one message per
	# server thread is kept unique by the id).
	for (i = ns; i < np; i++) {
		s = i % ns
		printf "lpcwait tid=%d port=c%d_0 msgid=%d\n", 100000 + nt * i + 1, i, 0x10000 + i
		if (i % 4 != 0)
			printf "lpcserve tid=%d msgid=%d\n", 100000 + nt * s + 1 + (i % 19), 0x10000 + i
	}
}' > "$tmp/m.scn"
echo "scenario: $(grep -c '^process' "$tmp/m.scn") processes, $(grep -c '^thread' "$tmp/m.scn") threads," \
	"$(grep -c '^port.*connection' "$tmp/m.scn") connection ports + 2 x $(grep -c '^port.*client' "$tmp/m.scn")"
t0=$(date +%s.%N)
"$forge" --scenario "$tmp/m.scn" --format full -o "$tmp/sparse.full"
t1=$(date +%s.%N)
echo "forge: $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s"
cp --sparse=never "$tmp/sparse.full" "$tmp/dense.full"
rm -f "$tmp/sparse.full"
f=$tmp/dense.full

secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
now() { date +%s.%N; }
wall() { sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$1" |
	awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }'; }
rss() { sed -n 's/.*Maximum resident set size (kbytes): //p' "$1"; }
cpu() { awk -F': ' '/User time|System time/ { s += $2 } END { print s }' "$1"; }

size=$(wc -c < "$f")
cat "$f" > /dev/null; cat "$f" > /dev/null
t0=$(now); cat "$f" > /dev/null; t1=$(now)
cat_s=$(secs "$t0" "$t1")
if command -v fincore >/dev/null 2>&1; then
	fincore --bytes --noheadings --output RES,SIZE "$f" |
		awk '{ printf "page cache after cat: %.1f %% of the dump%s\n", 100 * $1 / $2,
			($1 < $2 ? " (not all warm: random reads of the rest go to disk)" : "") }'
fi
/usr/bin/time -v "$lpcdump" -q "$f" > "$tmp/triage.out" 2> "$tmp/triage.time" || true
/usr/bin/time -v "$lpcdump" -q --pool-scan "$f" > "$tmp/pool.out" 2> "$tmp/pool.time" || true
/usr/bin/time -v "$lpcdump" -q --json "$f" > "$tmp/json.out" 2> "$tmp/json.time" || true
head -1 "$tmp/triage.out"
head -1 "$tmp/pool.out"
awk -v sz="$size" -v c="$cat_s" -v t="$(wall "$tmp/triage.time")" -v p="$(wall "$tmp/pool.time")" \
	-v tr="$(rss "$tmp/triage.time")" -v pr="$(rss "$tmp/pool.time")" \
	-v tc="$(cpu "$tmp/triage.time")" -v pc="$(cpu "$tmp/pool.time")" \
	-v j="$(wall "$tmp/json.time")" -v jr="$(rss "$tmp/json.time")" -v jc="$(cpu "$tmp/json.time")" 'BEGIN {
	mib = sz / 1048576
	printf "dump: %.0f MiB\n", mib
	printf "  cat:              %7.3f s  %7.0f MiB/s\n", c, mib / c
	printf "  triage:           %7.3f s  = %.1f %% of cat   (cpu %.2f s)  peak RSS %.1f MiB\n", t, 100 * t / c, tc, tr / 1024
	scan = p - t; if (scan <= 0) scan = 0.001
	printf "  triage+pool scan: %7.3f s  scan %7.0f MiB/s = %.2f of cat   (cpu %.2f s)  peak RSS %.1f MiB\n", p, mib / scan, c / scan, pc, pr / 1024
	printf "  triage --json:    %7.3f s  = %.1f %% of cat   (cpu %.2f s)  peak RSS %.1f MiB\n", j, 100 * j / c, jc, jr / 1024
}'

# The floor: pages the triage reads, times what one read costs here.
cc=${CC:-cc}
if command -v strace >/dev/null 2>&1 && command -v "$cc" >/dev/null 2>&1 &&
   "$cc" -std=c11 -O2 -o "$tmp/page_reads" "$(dirname "$0")/page_reads.c" 2>/dev/null; then
	strace -f -e trace=pread64 -o "$tmp/strace.out" "$lpcdump" -q "$f" > /dev/null 2>&1 || true
	reads=$(grep -c 'pread64(' "$tmp/strace.out" || true)
	pages=$(sed -n 's/.*pread64([0-9]*, .*, \([0-9]*\), \([0-9]*\)).*/\2/p' "$tmp/strace.out" | sort -u | wc -l)
	cat "$f" > /dev/null
	cost=$("$tmp/page_reads" "$f" "$pages" | awk '{ print $1 }')
	awk -v r="$reads" -v p="$pages" -v u="$cost" -v c="$cat_s" 'BEGIN {
		printf "floor: the triage made %d reads of %d distinct pages; one random 4 KiB pread costs %.2f us here,\n", r, p, u
		printf "       so reading those pages once takes at least %.1f ms = %.1f %% of cat\n", p * u / 1000, 100 * p * u / 1e6 / c
	}'
fi
