# tests/kernel/kernel-lib.sh — helpers for the kernel-discovery tests (POSIX sh).

# kj JSON KEY: a top-level scalar of `lpcdump info --json` output, unquoted
# ("null" for null). Relies on jansson's two-space indentation.
kj() { sed -n "s/^  \"$2\": \(.*\)\$/\1/p" "$1" | head -1 | sed 's/,$//; s/^"//; s/"$//'; }

# kfact FACTS KEY: one value from `forge --facts` output.
kfact() { sed -n "s/^$2=//p" "$1" | head -1; }

# kexpect JSON KEY WANT: a top-level value must equal WANT.
kexpect() {
	got=$(kj "$1" "$2")
	[ "$got" = "$3" ] || t_fail "$1: $2 is '$got', want '$3'"
}

# kscenario NAME LINES...: write $T/NAME.scn, forge it flat into $T/NAME.raw
# with its facts in $T/NAME.facts.
kscenario() {
	name=$1; shift
	printf '%s\n' "$@" > "$T/$name.scn"
	t_forge --scenario "$T/$name.scn" --raw-debug "$T/$name.raw" --facts > "$T/$name.facts"
}

# kinfo NAME [OPTIONS]: lpcdump info --json on $T/NAME.raw into $T/NAME.json;
# must exit 0 within 60 s (a hang is a failure, not a stuck suite).
kinfo() {
	name=$1; shift
	timeout 60 ${LPCDUMP_WRAPPER:-} "$LPCDUMP" info --json "$@" "$T/$name.raw" \
		> "$T/$name.json" 2> "$T/$name.err"
	rc=$?
	[ "$rc" -eq 0 ] || { t_fail "$name: lpcdump info exit $rc"; sed 's/^/  /' "$T/$name.err" >&2; }
}

# kfacts_match NAME: arch, DTB, KDBG, kernel base and list heads found by
# lpcdump equal what the forge placed.
kfacts_match() {
	f=$T/$1.facts j=$T/$1.json
	kexpect "$j" arch "$(kfact "$f" arch)"
	kexpect "$j" dtb "$(kfact "$f" dtb)"
	kexpect "$j" kdbg "$(kfact "$f" kdbg)"
	kexpect "$j" kernel_base "$(kfact "$f" kernel_base)"
	kexpect "$j" ps_active_process_head "$(kfact "$f" ps_active_process_head)"
	kexpect "$j" ps_loaded_module_list "$(kfact "$f" ps_loaded_module_list)"
	kexpect "$j" build "$(kfact "$f" build)"
}

# kpoke FILE OFFSET VALUE [BYTES]: write VALUE little-endian at OFFSET, as
# BYTES bytes (8 by default). VALUE is "0x" + hex digits, taken as text (so
# values past 2^63 survive shells whose arithmetic saturates), or a number
# below 2^63.
kpoke() {
	n=${4:-8}
	case $2 in *[!0-9]*) off=$(($2)) ;; *) off=$2 ;; esac
	case $3 in
	0x*|0X*) v=${3#0[xX]} ;;
	*) v=$(printf '%x' "$(($3))") ;;
	esac
	while [ ${#v} -lt 16 ]; do v=0$v; done
	b=
	i=0
	while [ $i -lt "$n" ]; do        # byte i is hex digits 15-2i and 16-2i
		c=$((15 - 2 * i))
		b="$b\\$(printf '%03o' "0x$(echo "$v" | cut -c$c-$((c + 1)))")"
		i=$((i + 1))
	done
	printf "$b" | dd of="$1" bs=1 seek="$off" conv=notrunc 2>/dev/null
}

# kpeek FILE OFFSET BYTES: the little-endian value at OFFSET as 0x + hex text.
kpeek() { printf '0x%s\n' "$(od -A n -t "x$3" -j "$(($2))" -N "$3" "$1" | tr -d ' \n')"; }
