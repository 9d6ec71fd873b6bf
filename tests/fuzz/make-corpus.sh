#!/bin/sh
# make-corpus.sh FORGE DIR — seed inputs for fuzz_source: one small machine
# in every format the forge writes (x86 and x64), cut to 64 KiB so the
# fuzzer spends its time in the headers.
set -eu
forge=$1 dir=$2
mkdir -p "$dir"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for p in xp-sp2-x86 win7-sp1-x64; do
	printf 'profile %s\nram 0x1000 0x9e000\nram 1M 3M\n' "$p" > "$tmp/s.scn"
	for f in $("$forge" --list-formats); do
		"$forge" --scenario "$tmp/s.scn" --format "$f" -o "$tmp/out"
		head -c 65536 "$tmp/out" > "$dir/$p.$f"
	done
done
