#!/bin/sh
# xlat_bench.sh — the kernel layer's numbers on a forged 4 GiB machine:
# `lpcdump info` wall time on a full and a bitmap dump (goal: well under
# 0.1 s) and 1 M random kernel-VA translations (tests/bench/xlat_bench.c)
# over the kernel image and 64 MiB of 4 KiB-mapped kernel memory above it.
#
#   tests/bench/xlat_bench.sh [BUILD_DIR]      (default: the current directory)
#
# Needs ~8 GiB of free disk in $TMPDIR for the two dumps. Not part of `make check`.
set -eu
B=$(cd "${1:-.}" && pwd)
T=$(mktemp -d "${TMPDIR:-/tmp}/lpcdump-bench.XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM

cat > "$T/bench.scn" <<'SCN'
profile win7-sp1-x64
ram 4G
processors 4
time 2024-03-01T12:00:00Z
uptime 86400
process pid=4 name=System
thread pid=4 tid=8
map 0xfffff80004000000 64M
SCN
"$B/tests/forge/forge" --scenario "$T/bench.scn" --format full -o "$T/full.dmp" \
	--format bitmap5 -o "$T/bitmap.dmp"
for d in full bitmap; do
	cat "$T/$d.dmp" > /dev/null                  # warm the page cache
	s=$(date +%s.%N)
	"$B/lpcdump" info "$T/$d.dmp" > /dev/null
	e=$(date +%s.%N)
	echo "info $d ($(du -h --apparent-size "$T/$d.dmp" | cut -f1)): $(echo "$e - $s" | bc) s"
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f "info $d: peak RSS %M KiB" "$B/lpcdump" info "$T/$d.dmp" > /dev/null
	fi
	"$B/tests/bench/xlat_bench" "$T/$d.dmp"
done
