# tests/forge/forge-lib.sh — helpers for the forge self-tests (POSIX sh):
# read a flat physical image and walk its page tables independently of the
# forge's own code, so the tests check the forge against the hardware rules.

# fl_fact FACTS KEY: one value from `forge --facts` output.
fl_fact() { sed -n "s/^$2=//p" "$1" | head -1; }

# fl_rd RAW OFFSET SIZE: little-endian unsigned at OFFSET, as 0x… (SIZE 1/2/4/8).
fl_rd() { printf '0x%s\n' "$(od -A n -t "x$3" -j "$(($2))" -N "$3" "$1" | tr -d ' \n')"; }

# fl_entry RAW OFFSET SIZE: a page-table entry without bit 63 (NX), so that
# shell arithmetic (signed 64-bit) can take it.
fl_entry() {
	_e=$(fl_rd "$1" "$2" "$3")
	[ "$3" -eq 8 ] || { echo "$_e"; return; }
	_d=$(printf '%s' "$_e" | cut -c3)
	_r=$(printf '%s' "$_e" | cut -c4-)
	printf '0x%x%s\n' $((0x$_d & 7)) "$_r"
}

# fl_va48 VA: the low 48 bits of a VA (x64 VAs do not fit a signed shell integer).
fl_va48() {
	h=${1#0x}
	while [ ${#h} -gt 12 ]; do h=${h#?}; done
	printf '0x%s\n' "$h"
}

# fl_levels ARCH: the paging levels of ARCH, top first, for fl_walk and
# fl_pte_at: shifts (VA bit of each index), bits (index mask of each level),
# esz (entry size) and mask (the frame bits of an entry).
fl_levels() {
	case $1 in
	x86)     shifts="22 12";       bits="1023 1023";        esz=4 mask=0xFFFFF000 ;;
	x86-pae) shifts="30 21 12";    bits="3 511 511";        esz=8 mask=0xFFFFFFFFFF000 ;;
	x64)     shifts="39 30 21 12"; bits="511 511 511 511";  esz=8 mask=0xFFFFFFFFFF000 ;;
	esac
}

# fl_walk RAW ARCH DTB VA: physical address of VA, or "none". Follows the
# Intel rules (present bit, PS at the levels that allow it) and nothing else.
fl_walk() {
	raw=$1 arch=$2 tab=$(($3)) v=$(($(fl_va48 "$4")))
	fl_levels "$arch"
	set -- $bits
	for sh in $shifts; do
		idx=$(( (v >> sh) & $1 )); shift
		e=$(($(fl_entry "$raw" $((tab + idx * esz)) $esz)))
		[ $((e & 1)) -eq 1 ] || { echo none; return; }
		if [ "$sh" -ne 12 ] && [ $((e & 0x80)) -ne 0 ] && { [ "$arch" != x64 ] || [ "$sh" -ne 39 ]; } \
			&& { [ "$arch" != x86-pae ] || [ "$sh" -ne 30 ]; }; then
			span=$((1 << sh))
			printf '0x%x\n' $(( (e & mask & ~(span - 1)) | (v & (span - 1)) ))
			return
		fi
		tab=$((e & mask))
	done
	printf '0x%x\n' $(( tab | (v & 4095) ))
}

# fl_pte_at RAW ARCH DTB VA: file offset of the last-level entry of a 4 KiB
# mapping, or "none" when a table on the way is missing.
fl_pte_at() {
	raw=$1 arch=$2 tab=$(($3)) v=$(($(fl_va48 "$4")))
	fl_levels "$arch"
	set -- $bits
	for sh in $shifts; do
		idx=$(( (v >> sh) & $1 )); shift
		[ "$sh" -eq 12 ] && { printf '0x%x\n' $((tab + idx * esz)); return; }
		e=$(($(fl_entry "$raw" $((tab + idx * esz)) $esz)))
		[ $((e & 1)) -eq 1 ] || { echo none; return; }
		tab=$((e & mask))
	done
}

# fl_pte RAW ARCH DTB VA: that entry (without NX) as 0x…, or "none".
fl_pte() {
	_at=$(fl_pte_at "$@")
	[ "$_at" != none ] || { echo none; return; }
	case $2 in x86) fl_entry "$1" "$_at" 4 ;; *) fl_entry "$1" "$_at" 8 ;; esac
}

# fl_nx RAW ARCH DTB VA: 1 when that entry has NX (bit 63) set, else 0.
fl_nx() {
	_at=$(fl_pte_at "$@")
	[ "$_at" != none ] && [ "$2" != x86 ] || { echo 0; return; }
	case $(fl_rd "$1" "$_at" 8) in 0x[89abcdef]*) echo 1 ;; *) echo 0 ;; esac
}

# fl_vrd RAW ARCH DTB VA SIZE: little-endian unsigned at a virtual address.
fl_vrd() {
	_pa=$(fl_walk "$1" "$2" "$3" "$4")
	[ "$_pa" != none ] || { echo none; return; }
	fl_rd "$1" "$_pa" "$5"
}

# fl_vstr RAW ARCH DTB VA: the NUL-terminated string at VA (one page at most).
fl_vstr() {
	_pa=$(fl_walk "$1" "$2" "$3" "$4")
	[ "$_pa" != none ] || { echo; return; }
	_room=$((4096 - (_pa & 4095)))
	dd if="$1" bs=1 skip=$((_pa)) count=$_room 2>/dev/null | tr '\0' '\n' | head -n 1
}
