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


# live_qemu_start IMG: QEMU halted (-S) before its first instruction, its RAM
# the file IMG (memory-backend-file, shared: the file is the guest's memory),
# a gdbstub on 127.0.0.1:$QEMU_PORT. The kernel picks the port (no clash with
# another test run); QEMU's monitor, on a pipe, says which.
live_qemu_n=0
live_qemu_start() {
	size=$(wc -c < "$1")
	mib=$(( (size + 1048575) / 1048576 ))
	# Files of their own per QEMU: the previous one may still be exiting.
	live_qemu_n=$((live_qemu_n + 1))
	QEMU_LOG=$T/qemu.$live_qemu_n.log
	mkfifo "$T/qmon.$live_qemu_n"
	exec 4<>"$T/qmon.$live_qemu_n"
	timeout 300 qemu-system-x86_64 -S -nodefaults -display none -no-user-config \
		-machine pc,memory-backend=ram -m "${mib}M" \
		-object "memory-backend-file,id=ram,size=${mib}M,mem-path=$1,share=on" \
		-gdb tcp:127.0.0.1:0 -monitor stdio < "$T/qmon.$live_qemu_n" > "$QEMU_LOG" 2>&1 &
	QEMU_PID=$!
	live_pids="$live_pids $QEMU_PID"
	echo "info chardev" >&4
	# Bounded, but generous: a loaded machine can take seconds to start QEMU.
	n=0
	while ! grep -q 'gdb.*tcp:127\.0\.0\.1:[1-9]' "$QEMU_LOG" 2>/dev/null && [ $n -lt 300 ]; do
		kill -0 "$QEMU_PID" 2>/dev/null || break
		sleep 0.1; n=$((n + 1))
	done
	QEMU_PORT=$(sed -n 's/.*gdb.*tcp:127\.0\.0\.1:\([0-9]*\).*/\1/p' "$QEMU_LOG" | head -1)
	if [ -z "$QEMU_PORT" ]; then
		echo "QEMU did not start (waited $n tenths of a second):" >&2
		cat "$QEMU_LOG" >&2
		exit 99
	fi
}

# live_qemu_stop: end QEMU through its monitor, or after 10 s by a signal.
# (No watchdog subshell: a subshell killed by a signal would run this
# script's traps, and so its cleanup.) QEMU_PID is our child: until we wait
# for it, its PID cannot belong to anything else.
live_qemu_stop() {
	echo quit >&4
	n=0
	while [ $n -lt 100 ] && ps -o stat= -p "$QEMU_PID" 2>/dev/null | grep -qv Z; do
		sleep 0.1; n=$((n + 1))
	done
	kill "$QEMU_PID" 2>/dev/null
	wait "$QEMU_PID" 2>/dev/null
	exec 4>&-
}

# live_norm JSON: drop what depends on the container rather than on the
# machine (format, layout, dump type, machine type, processor count, bug
# check, present pages, where each fact came from), for comparing one
# machine's analysis across containers.
live_norm() {
	awk '
		skip_close != "" { if ($0 ~ skip_close) skip_close = ""; next }
		/^ *"(bugcheck|sources)": [{[]$/ {
			match($0, /^ */); skip_close = "^" substr($0, 1, RLENGTH) "[]}],?$"; next
		}
		/^ *"(format|layout|dump_type|machine|processors|present_pages|bugcheck|sources)": / { next }
		{ print }' "$1"
}
