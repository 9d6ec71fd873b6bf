# tests/live/live-lib.sh — helpers for the live-target tests (source after tests/lib.sh).
#
#   live_fake_stub ARGS...        start tests/live/fake_gdbstub on 127.0.0.1; sets STUB_PORT
#   live_qemu ARGS...             start qemu-system-x86_64 halted with a gdbstub; sets QEMU_PORT
#   live_image FILE SIZE          a zero image of SIZE bytes with known markers (see below)
#
# Every process started here is killed on exit (and each has its own time
# limit), so a failing test never leaves a stub or a QEMU behind.

LIVE_TOOL="$top_builddir/tests/live/live_tool"
FAKE_STUB="$top_builddir/tests/live/fake_gdbstub"
live_pids=
live_cleanup() {
	for p in $live_pids; do kill "$p" 2>/dev/null; done
	for p in $live_pids; do wait "$p" 2>/dev/null; done
	live_pids=
}
trap 'live_cleanup; rm -rf "$T"' EXIT
trap 'exit 99' HUP INT TERM

# live_wait_file FILE: up to 10 s for a file to appear.
live_wait_file() {
	i=0
	while [ ! -s "$1" ]; do
		i=$((i + 1)); [ $i -le 100 ] || return 1
		sleep 0.1
	done
}

live_fake_stub() {
	rm -f "$T/stub.port"
	"$FAKE_STUB" --port-file "$T/stub.port" "$@" &
	live_pids="$live_pids $!"
	live_wait_file "$T/stub.port" || { echo "fake_gdbstub did not start" >&2; exit 99; }
	STUB_PORT=$(cat "$T/stub.port")
}

# Markers: "PAGE-ONE" at 0x1000, "ACROSS-A-PAGE-BOUNDARY" at 0x1ff5, "HIGH" at SIZE-8.
live_image() {
	dd if=/dev/zero of="$1" bs=4096 count=$(($2 / 4096)) 2>/dev/null
	printf 'PAGE-ONE' | dd of="$1" bs=1 seek=$((0x1000)) conv=notrunc 2>/dev/null
	printf 'ACROSS-A-PAGE-BOUNDARY' | dd of="$1" bs=1 seek=$((0x1ff5)) conv=notrunc 2>/dev/null
	printf 'HIGH' | dd of="$1" bs=1 seek=$(($2 - 8)) conv=notrunc 2>/dev/null
}

live_have_qemu() {
	command -v qemu-system-x86_64 >/dev/null 2>&1 ||
		t_skip "qemu-system-x86_64 is not installed (Debian: apt-get install qemu-system-x86)"
}

# A free TCP port on 127.0.0.1 for QEMU's -gdb (QEMU cannot report the one it picked).
live_free_port() {
	p=$((20000 + ($$ * 7 + $(date +%N | sed 's/^0*//;s/^$/0/') / 1000) % 30000))
	echo "$p"
}
