# tests/lpc/lpc-lib.sh — shared steps of the LPC scenario tests (sourced after
# tests/lib.sh). Each scenario is forged for one layout family in several
# formats; the report must be the same for every format (nothing above the
# source layer may depend on how pages are stored) and equal the expected file.
#
# The profile is forced (--profile): these tests check LPC decoding, not the
# choice between layouts of one build number (kernel/ tests do that).
#
# LPC_REGEN=1 rewrites the expected files instead of comparing (review the diff!).

LPC_DIR="$top_srcdir/tests/lpc"

lpc_expect() {   # lpc_expect GOT EXPECTED-NAME
	if [ -n "${LPC_REGEN:-}" ]; then
		cp "$1" "$LPC_DIR/expected/$2"
	else
		t_expect_file "$1" "$LPC_DIR/expected/$2"
	fi
}

# lpc_forge SCN PROFILE FORMAT...: $T/SCN.PROFILE.FORMAT for each format.
lpc_forge() {
	scn=$1 prof=$2
	shift 2
	set -- $(for f in "$@"; do printf '%s ' --format "$f" -o "$T/$scn.$prof.$f"; done)
	t_forge --scenario "$LPC_DIR/$scn.scn" --profile "$prof" "$@"
}

# lpc_text SCN PROFILE FORMAT...: the text report of each format must equal
# expected/SCN.PROFILE.txt, exit status 0.
lpc_text() {
	scn=$1 prof=$2
	shift 2
	lpc_forge "$scn" "$prof" "$@"
	for f in "$@"; do
		t_run --profile "$prof" "$T/$scn.$prof.$f" >"$T/out.txt" 2>"$T/err.txt"
		rc=$?
		[ "$rc" = 0 ] || { t_fail "$scn $prof $f: exit $rc"; sed 's/^/  stderr: /' "$T/err.txt" >&2; }
		lpc_expect "$T/out.txt" "$scn.$prof.txt"
	done
}

# lpc_json SCN PROFILE: the --json document of the full dump.
lpc_json() {
	scn=$1 prof=$2
	[ -f "$T/$scn.$prof.full" ] || lpc_forge "$scn" "$prof" full
	t_run --profile "$prof" --json "$T/$scn.$prof.full" >"$T/out.json" 2>"$T/err.txt" ||
		t_fail "$scn $prof --json: exit $?"
	lpc_expect "$T/out.json" "$scn.$prof.json"
}

# lpc_families SCN OTHER-FORMAT: the text report on every NT 5 layout family,
# from a full dump and one other format.
lpc_families() {
	for prof in w2k-sp4-x86 xp-sp3-x86 2003-sp0-x86 2003-sp2-x86 2003-sp1-x64 2003-sp2-x64; do
		lpc_text "$1" "$prof" full "$2"
	done
}
