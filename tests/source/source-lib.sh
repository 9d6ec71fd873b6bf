# tests/source/source-lib.sh — helpers for the memory-source tests (POSIX sh).

# sl_fact FACTS KEY: one value from `forge --facts`.
sl_fact() { sed -n "s/^$2=//p" "$1" | head -1; }

# sl_patch FILE OFFSET HEX...: overwrite bytes in place ("sl_patch f 0xf98 77 00 00 00").
sl_patch() {
	f=$1 off=$(($2)); shift 2
	bytes=
	for b in "$@"; do bytes="$bytes\\$(printf '%03o' $((0x$b)))"; done
	printf "$bytes" | dd of="$f" bs=1 seek="$off" conv=notrunc 2>/dev/null
}

# sl_le32 N / sl_le64 N: N as little-endian hex bytes for sl_patch.
sl_le32() { v=$(($1)); printf '%02x %02x %02x %02x' $((v & 255)) $((v >> 8 & 255)) $((v >> 16 & 255)) $((v >> 24 & 255)); }
sl_le64() { v=$(($1)); printf '%s %s' "$(sl_le32 $((v & 0xffffffff)))" "$(sl_le32 $((v >> 32 & 0xffffffff)))"; }

# sl_rd FILE OFFSET SIZE: little-endian unsigned as a decimal number.
sl_rd() { printf '%d\n' "0x$(od -A n -t "x$3" -j "$(($2))" -N "$3" "$1" | tr -d ' \n')"; }

# sl_od FILE OFFSET LEN: bytes as `od -An -tx1 -v` prints them (what physread prints).
sl_od() { dd if="$1" bs=4096 iflag=skip_bytes,count_bytes skip="$(($2))" count="$(($3))" 2>/dev/null | od -An -tx1 -v; }

# sl_sane RC ERRFILE WHAT: a bad input must end in a clean exit (0, 3 or 4) with
# no sanitizer report, and an error is one line (besides warnings).
sl_sane() {
	case $1 in
	0|3|4) ;;
	*) t_fail "$3: exit $1 (crash?)"; sed 's/^/  /' "$2" | head -5 >&2; return ;;
	esac
	if grep -Eq 'runtime error|AddressSanitizer|LeakSanitizer|Segmentation' "$2"; then
		t_fail "$3: sanitizer report"; head -5 "$2" >&2
	fi
	if [ "$1" -ne 0 ] && [ "$(grep -v '^lpcdump: warning: ' "$2" | grep -c .)" -ne 1 ]; then
		t_fail "$3: error is not one line"; sed 's/^/  /' "$2" | head -5 >&2
	fi
}
