# tests/lib.sh — shared helpers for *.test scripts (POSIX sh).
#
#   . "$top_srcdir/tests/lib.sh"
#   t_forge --profile xp-sp2-x86 --scenario ... --format full -o "$T/x.dmp"
#   t_run info --json "$T/x.dmp" > "$T/out"      # lpcdump, under $LPCDUMP_WRAPPER if set
#   t_expect_file "$T/out" "$top_srcdir/tests/kernel/expected/x.json"
#
# Exit codes follow automake: 0 pass, 77 skip, 99 hard error, else fail.

set -u
T=$(mktemp -d "${TMPDIR:-/tmp}/lpcdump-test.XXXXXX") || exit 99
trap 'rm -rf "$T"' EXIT HUP INT TERM
t_fails=0

t_fail() { echo "FAIL: $*" >&2; t_fails=$((t_fails + 1)); }
t_skip() { echo "SKIP: $*" >&2; exit 77; }
t_done() { [ "$t_fails" -eq 0 ] || { echo "$t_fails check(s) failed" >&2; exit 1; }; exit 0; }

t_forge() { "$FORGE" "$@" || { echo "forge failed: $*" >&2; exit 99; }; }
t_run() { ${LPCDUMP_WRAPPER:-} "$LPCDUMP" "$@"; }

# t_expect_status WANT CMD...: run lpcdump, compare its exit status.
t_expect_status() {
	want=$1; shift
	t_run "$@" >"$T/.out" 2>"$T/.err"; got=$?
	[ "$got" = "$want" ] || { t_fail "lpcdump $*: exit $got, want $want"; sed 's/^/  stderr: /' "$T/.err" >&2; }
}

# t_expect_file GOT WANT: the files must be identical.
t_expect_file() {
	if ! cmp -s "$1" "$2"; then
		t_fail "$1 differs from $2"
		diff -u "$2" "$1" | head -40 >&2
	fi
}

# t_expect_grep PATTERN FILE: an extended regexp must match a line.
t_expect_grep() {
	grep -Eq -- "$1" "$2" || { t_fail "no line matching /$1/ in $2"; head -20 "$2" | sed 's/^/  /' >&2; }
}
t_expect_nogrep() {
	! grep -Eq -- "$1" "$2" || { t_fail "unexpected line matching /$1/ in $2"; }
}
