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

# best CMD...: run CMD three times; best_s / best_cpu: the fastest run's wall
# clock and its user+sys seconds; best_rss: the largest peak RSS (KiB).
best() {
	best_s=999 best_cpu=999 best_rss=0
	for i in 1 2 3; do
		/usr/bin/time -f '%e %U %S %M' -o "$tmp/time" "$@"
		read -r e u sy m < "$tmp/time"
		if awk -v a="$e" -v b="$best_s" 'BEGIN { exit !(a < b) }'; then
			best_s=$e best_cpu=$(awk -v u="$u" -v s="$sy" 'BEGIN { print u + s }')
		fi
		[ "$m" -le "$best_rss" ] || best_rss=$m
	done
}

# measure NAME FILE
measure() {
	name=$1 f=$2
	size=$(wc -c < "$f")
	cat "$f" > /dev/null; cat "$f" > /dev/null                # warm
	# best of three (wall clock), so passing load on the machine matters less;
	# CPU time (user + sys) is printed too: on a busy machine it is steadier
	best cat "$f" > /dev/null; cat_s=$best_s cat_cpu=$best_cpu
	best "$lpcdump" physscan --no-hash "$f" > "$tmp/scan.out"; scan_s=$best_s scan_cpu=$best_cpu rss=$best_rss
	t0=$(now); "$lpcdump" physinfo "$f" > /dev/null; t1=$(now)
	open_s=$(secs "$t0" "$t1")
	/usr/bin/time -v "$lpcdump" info "$f" > /dev/null 2> "$tmp/info.time" || true
	info_rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$tmp/info.time")
	t0=$(now); "$lpcdump" -q info "$f" > /dev/null 2>&1 || true; t1=$(now)
	info_s=$(secs "$t0" "$t1")
	awk -v n="$name" -v sz="$size" -v c="$cat_s" -v s="$scan_s" -v r="$rss" -v o="$open_s" \
		-v cc="$cat_cpu" -v sc="$scan_cpu" \
		-v i="$info_s" -v ir="$info_rss" -v out="$(tail -1 "$tmp/scan.out")" 'BEGIN {
		mib = sz / 1048576
		printf "%s: %.0f MiB  (%s)\n", n, mib, out
		printf "  cat:      %6.3f s  %7.0f MiB/s  (cpu %.2f s)\n", c, mib / c, cc
		printf "  physscan: %6.3f s  %7.0f MiB/s  (cpu %.2f s)  ratio %.2f of cat  peak RSS %.1f MiB\n", s, mib / s, sc, c / s, r / 1024
		printf "  physinfo (open + headers): %.3f s;  info: %.3f s, peak RSS %.1f MiB\n", o, i, ir / 1024
	}'
}

for kind in full bitmap; do
	cp --sparse=never "$tmp/sparse.$kind" "$tmp/dense.$kind"
	rm -f "$tmp/sparse.$kind"
	measure "$kind" "$tmp/dense.$kind"
	rm -f "$tmp/dense.$kind"
done
