#!/bin/sh
# bench_sources.sh [BUILDDIR] — speed and memory of the memory sources (not
# part of `make check`; run by hand, needs ~9 GiB of free disk in $TMPDIR).
#
# Forges a 4 GiB machine, writes it as a full dump (DumpType 1) and a bitmap
# dump (DumpType 5, every RAM page), makes both dense on disk (the forge
# writes sparse files), warms them, then for each one measures:
#   cat DUMP >/dev/null                        reference throughput
#   lpcdump physscan --no-hash DUMP            every present page through
#                                              ld_source_read, 4 MiB at a time
#   lpcdump physinfo DUMP / lpcdump info DUMP  open + header (+ kernel) time
# and prints the throughput ratio (goal ≥ 0.8) and peak RSS (goal ≤ 64 MiB).
set -eu
build=${1:-.}
lpcdump=$build/lpcdump forge=$build/tests/forge/forge
[ -x "$lpcdump" ] && [ -x "$forge" ] || { echo "usage: $0 BUILDDIR (with lpcdump and tests/forge/forge built)" >&2; exit 2; }
command -v /usr/bin/time >/dev/null || { echo "needs /usr/bin/time (GNU time)" >&2; exit 2; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lpcdump-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

printf '%s\n' "profile win7-sp1-x64" "ram 0x1000 0x9e000" "ram 1M 3071M" "ram 4G 1G" > "$tmp/m.scn"
"$forge" --scenario "$tmp/m.scn" --format full -o "$tmp/sparse.full" --format bitmap5 -o "$tmp/sparse.bitmap"

secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
now() { date +%s.%N; }

# measure NAME FILE
measure() {
	name=$1 f=$2
	size=$(wc -c < "$f")
	cat "$f" > /dev/null; cat "$f" > /dev/null                # warm
	# best of three, alternating, so that other load on the machine hits both alike
	cat_s=999 scan_s=999 rss=0
	for i in 1 2 3; do
		t0=$(now); cat "$f" > /dev/null; t1=$(now)
		cat_s=$(awk -v a="$cat_s" -v b="$(secs "$t0" "$t1")" 'BEGIN { print (b < a) ? b : a }')
		/usr/bin/time -v "$lpcdump" physscan --no-hash "$f" > "$tmp/scan.out" 2> "$tmp/scan.time"
		s=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$tmp/scan.time" |
			awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }')
		scan_s=$(awk -v a="$scan_s" -v b="$s" 'BEGIN { print (b < a) ? b : a }')
		r=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$tmp/scan.time")
		[ "$r" -le "$rss" ] || rss=$r
	done
	t0=$(now); "$lpcdump" physinfo "$f" > /dev/null; t1=$(now)
	open_s=$(secs "$t0" "$t1")
	/usr/bin/time -v "$lpcdump" info "$f" > /dev/null 2> "$tmp/info.time" || true
	info_rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$tmp/info.time")
	t0=$(now); "$lpcdump" -q info "$f" > /dev/null 2>&1 || true; t1=$(now)
	info_s=$(secs "$t0" "$t1")
	awk -v n="$name" -v sz="$size" -v c="$cat_s" -v s="$scan_s" -v r="$rss" -v o="$open_s" \
		-v i="$info_s" -v ir="$info_rss" -v out="$(cat "$tmp/scan.out")" 'BEGIN {
		mib = sz / 1048576
		printf "%s: %.0f MiB  (%s)\n", n, mib, out
		printf "  cat:      %6.3f s  %7.0f MiB/s\n", c, mib / c
		printf "  physscan: %6.3f s  %7.0f MiB/s  ratio %.2f of cat  peak RSS %.1f MiB\n", s, mib / s, c / s, r / 1024
		printf "  physinfo (open + headers): %.3f s;  info: %.3f s, peak RSS %.1f MiB\n", o, i, ir / 1024
	}'
}

for kind in full bitmap; do
	cp --sparse=never "$tmp/sparse.$kind" "$tmp/dense.$kind"
	rm -f "$tmp/sparse.$kind"
	measure "$kind" "$tmp/dense.$kind"
	rm -f "$tmp/dense.$kind"
done
