# tests/alpc/alpc-lib.sh — the ALPC scenario tests use the LPC tests' steps
# (tests/lpc/lpc-lib.sh: forge one scenario in several formats, the report
# must be the same for every format and equal the expected file) with this
# directory's scenarios and expected files, over the ALPC layout families.
#
# LPC_REGEN=1 rewrites the expected files instead of comparing (review the diff!).

. "$top_srcdir/tests/lpc/lpc-lib.sh"
LPC_DIR="$top_srcdir/tests/alpc"

# alpc_families SCN: the text report on every ALPC layout family (Vista's
# first ALPC layout, Windows 7 and a late 7601 kernel, 8.1's reordered
# message, 10's split queues, x86 and x64) from a full and a bitmap kernel dump.
alpc_families() {
	for prof in vista-sp2-x86 vista-sp2-x64 win7-sp1-x64 win7-sp1-x64-24000 win81-x64 win10-19041-x86 win10-19041-x64; do
		lpc_text "$1" "$prof" full bitmap6
	done
}
