#!/bin/sh
# swap.sh: pages pushed out to swap decode with type, offset and device (CLI,
# and S in the TUI); as nobody the kernel hides the swap entry and vmpeek says
# so (null, "swap entry hidden"). Makes a temporary swap file when none is on.
. "${srcdir:-$(dirname "$0")/..}/tests/lib.sh"

need jq dd od awk
[ "$(id -u)" = 0 ] || skip "needs root (swapon; reading swap entries needs CAP_SYS_ADMIN)"
need mkswap swapon swapoff flock stat
PS=$(getconf PAGESIZE)
N=16

# Two runs at once (make check and distcheck) must not share one swap area:
# the first one's swapoff would pull the pages back under the second.
exec 9>/var/tmp/vmpeek-swap-test.lock || skip "cannot open /var/tmp/vmpeek-swap-test.lock"
flock -w 600 9 || fail "another swap test held /var/tmp/vmpeek-swap-test.lock for 10 min"

# The TUI checks below need tmux (tmux.sh's helpers); without it they skip.
HAVE_TMUX=0
if command -v tmux >/dev/null 2>&1; then
	. "${srcdir:-$(dirname "$0")/..}/tests/tmux.sh"
	HAVE_TMUX=1
	TUI_COLS=160
fi

SWD=
SWF=
# tmux.sh's trap stops its server: this one does that too, and more
swap_cleanup() {
	[ $HAVE_TMUX = 1 ] && tui_stop
	cleanup		# helpers first: swapoff need not read their pages back
	if [ -n "$SWF" ]; then
		swapoff "$SWF" 2>/dev/null
		rm -f "$SWF"
		rmdir "$SWD" 2>/dev/null
	fi
	return 0
}
trap swap_cleanup EXIT

# nswaps: active swap areas, from /proc/swaps (independent of vmpeek).
nswaps() { awk 'NR > 1' /proc/swaps | wc -l | tr -d ' '; }

if [ "$(nswaps)" = 0 ]; then
	# A swap file needs a file system that can host one (not tmpfs,
	# overlayfs, nfs; btrfs only with NOCOW): ext2/3/4 or xfs here.
	for d in "${TMPDIR:-/tmp}" "$PWD" /var/tmp; do
		case $(stat -f -c %T "$d" 2>/dev/null) in
		ext2/ext3 | xfs)
			SWD=$(mktemp -d "$d/vmpeek-swap.XXXXXX") && break ;;
		esac
	done
	[ -n "$SWD" ] || skip "no ext4 or xfs directory for a swap file (tried ${TMPDIR:-/tmp} $PWD /var/tmp: $(stat -f -c %T "${TMPDIR:-/tmp}" "$PWD" /var/tmp 2>/dev/null | tr '\n' ' '))"
	dd if=/dev/zero of="$SWD/swapfile" bs=1M count=64 2>/dev/null ||
		fail "cannot write a 64 MiB swap file in $SWD"
	chmod 600 "$SWD/swapfile"
	mkswap -q "$SWD/swapfile" >/dev/null || fail "mkswap $SWD/swapfile"
	SWF=$SWD/swapfile
	if ! swapon "$SWF" 2>"$TMPD/swapon.err"; then
		SWF_ERR=$(cat "$TMPD/swapon.err")
		rm -f "$SWD/swapfile"; rmdir "$SWD"; SWF=
		skip "swapon refused a swap file here: $SWF_ERR"
	fi
	ok "temporary swap file $SWF on ($(stat -f -c %T "$SWD"))"
else
	ok "swap already on ($(nswaps) areas): using it, adding none"
fi

# swapdev TYPE: the name /proc/swaps lists for swap type TYPE (its row).
swapdev() { awk -v t="$1" 'NR == t + 2 { print $1 }' /proc/swaps; }

# indep PID START N OUT: one line per page, from the raw entry read with dd
# and decoded with shell arithmetic: "vaddr present swapped type offset
# exclusive uffd_wp file_shared".
indep() {
	_a=$2
	: >"$4"
	_i=0
	while [ $_i -lt "$3" ]; do
		rawsplit "$(raw_entry "$1" $((_a + _i * PS)))"
		printf '0x%x %d %d %d %d %d %d %d\n' $((_a + _i * PS)) \
			"$(rbit 63)" "$(rbit 62)" $((RB_LO & 31)) \
			$(($(rframe) >> 5)) "$(rbit 56)" "$(rbit 57)" \
			"$(rbit 61)" >>"$4"
		_i=$((_i + 1))
	done
}

# --- root: type, offset, device --------------------------------------------
H=$TMPD/helper
start_helper "$H" "$VMHELPER" -n $N -P
PID=$(hfield "$H" pid 2)
WHY=$(hsupported "$H" pageout) || skip "vmhelper: $WHY"
S=$(hfield "$H" pageout 2)
E=$(hfield "$H" pageout 3)
indep "$PID" "$S" $N "$TMPD/indep"
NSW=$(awk '$3 == 1' "$TMPD/indep" | wc -l | tr -d ' ')
[ "$NSW" -gt 0 ] || fail "MADV_PAGEOUT pushed no page to swap: $(head -3 "$TMPD/indep")"
awk '$3 == 1 && ($4 != 0 || $5 != 0) { n++ } END { exit n == 0 }' "$TMPD/indep" ||
	fail "root reads a zero swap frame: the kernel hides it from root?"
ok "independent reader: $NSW of $N pages swapped out"

run_vmpeek tr --translate "$PID" "$S-$E" --json
[ "$(cat "$TMPD/tr.rc")" = 0 ] || fail "--translate: $(cat "$TMPD/tr.err")"
nbad=0
while read -r va pr sw ty off ex uf fs; do
	if [ "$sw" = 1 ] && [ "$pr" = 0 ]; then
		dev=$(swapdev "$ty")
		jq -e --arg v "$va" --argjson t "$ty" --argjson o "$off" --arg d "$dev" \
			'.[] | select(.vaddr == $v) | .swapped == true and .present == false
			and .swap_type == $t and .swap_offset == $o and .swap_device == $d
			and .swap_kind == "swap" and .pfn == null' "$TMPD/tr.out" >/dev/null ||
			{ nbad=$((nbad + 1)); echo "$va: want swap $ty:$off on $dev: $(jq -c --arg v "$va" '.[] | select(.vaddr == $v)' "$TMPD/tr.out")"; }
	else
		jq -e --arg v "$va" --argjson p "$pr" '.[] | select(.vaddr == $v) |
			.present == ($p == 1) and .swapped == false and .swap_type == null' \
			"$TMPD/tr.out" >/dev/null || { nbad=$((nbad + 1)); echo "$va: want present=$pr"; }
	fi
	jq -e --arg v "$va" --argjson x "$ex" --argjson u "$uf" --argjson f "$fs" \
		'.[] | select(.vaddr == $v) | .exclusive == ($x == 1) and
		(.uffd_wp == null or .uffd_wp == ($u == 1)) and .file_shared == ($f == 1)' \
		"$TMPD/tr.out" >/dev/null || { nbad=$((nbad + 1)); echo "$va: flags differ"; }
done <"$TMPD/indep"
[ $nbad = 0 ] || fail "--translate --json differs from the independent reader on $nbad checks"
ok "--translate --json: $NSW swapped pages with type, offset and device as /proc/swaps names it"

run_vmpeek trt --translate "$PID" "$S-$E"
[ "$(cat "$TMPD/trt.rc")" = 0 ] || fail "--translate text: $(cat "$TMPD/trt.err")"
read -r va pr sw ty off ex uf fs <<EOF
$(awk '$3 == 1 && $2 == 0' "$TMPD/indep" | head -1)
EOF
grep -q "^$(printf '0x%016x' "$va") .* swap type $ty offset $(printf '0x%x' "$off") on $(swapdev "$ty")" \
	"$TMPD/trt.out" || fail "text: no 'swap type $ty offset $(printf '0x%x' "$off") on $(swapdev "$ty")' for $va: $(grep "$(printf '%016x' "$va")" "$TMPD/trt.out")"
ok "--translate text: 'swap type $ty offset $(printf '0x%x' "$off") on $(swapdev "$ty")'"

run_vmpeek maps --maps "$PID" --json
expect_eq "--maps: swapped pages of the region" \
	"$(jq -r --arg s "$S" '.[] | select(.start == $s) | .swapped' "$TMPD/maps.out")" "$NSW"

# --- --dump never reads a swapped page: the read would swap it in ----------
run_vmpeek dump --dump "$PID" "$S-$E"
expect_eq "--dump: exit (1 when no page was present to read)" \
	"$(cat "$TMPD/dump.rc")" "$([ "$NSW" = $N ] && echo 1 || echo 0)"
expect_eq "--dump: 'swapped out: not read' lines" \
	"$(grep -c '^page 0x.* swap type .*: swapped out: not read (reading would swap it in)$' \
	"$TMPD/dump.out")" "$NSW"
indep "$PID" "$S" $N "$TMPD/indep2"
expect_eq "after --dump: pages still swapped out, none present again (dd/od)" \
	"$(awk '$3 == 1 && $2 == 0' "$TMPD/indep2" | wc -l | tr -d ' ')" "$NSW"
# the control: a read of a swapped page (dd of mem) does swap it in
read -r va pr sw ty off ex uf fs <<EOF
$(awk '$3 == 1 && $2 == 0' "$TMPD/indep" | head -1)
EOF
dd if="/proc/$PID/mem" bs="$PS" skip=$((va / PS)) count=1 of=/dev/null 2>/dev/null ||
	fail "dd of /proc/$PID/mem at $va"
expect_eq "control: a dd read of swapped page $va swaps it in (present)" \
	"$(raw_bit "$PID" "$va" 63)" 1
indep "$PID" "$S" $N "$TMPD/indep"	# what the TUI check below expects
NSW=$(awk '$3 == 1' "$TMPD/indep" | wc -l | tr -d ' ')

# --- TUI: the page pane shows the swapped pages as S -------------------------
if [ $HAVE_TMUX = 1 ]; then
	tui_start "$PID"
	tui_wait "> VMAs" || tui_fail "TUI: the VMA pane of $PID did not open"
	tui_goto "$S"
	tui_wait "^ *${S#0x} " || tui_fail "TUI: page $S not on screen"
	sleep 0.3
	tui_screen >"$TMPD/screen"
	nbad=0
	while read -r va pr sw ty off ex uf fs; do
		row=$(grep -E "^0*${va#0x} " "$TMPD/screen" | head -1)
		[ -n "$row" ] || { nbad=$((nbad + 1)); echo "no row for $va"; continue; }
		if [ "$sw" = 1 ]; then
			# flags column P S F X D U G: S set; state word; marks
			echo "$row" | grep -Eq " [-?P] S [-?F] [-?X] [-?D] [-?U] [-?G] +swapped +swap $ty:$(printf '0x%x' "$off") " ||
				{ nbad=$((nbad + 1)); echo "$va: want S, swapped, swap $ty:$(printf '0x%x' "$off"): $row"; }
		fi
	done <"$TMPD/indep"
	[ $nbad = 0 ] || { cat "$TMPD/screen"; fail "TUI page pane: $nbad swapped rows wrong"; }
	ok "TUI page pane: $NSW swapped rows show S, 'swapped' and 'swap TYPE:OFFSET'"
	tui_stop
else
	note_skip "TUI" "tmux is not installed"
fi

# --- nobody: the kernel zeroes the swap frame; vmpeek says hidden ----------
NOBODY="setpriv --reuid=65534 --regid=65534 --clear-groups"
if command -v setpriv >/dev/null 2>&1 && $NOBODY true 2>/dev/null; then
	nobody_bin
	start_helper "$TMPD/nh" $NOBODY "$D/vmhelper" -n $N -P
	NPID=$(hfield "$TMPD/nh" pid 2)
	NS=$(hfield "$TMPD/nh" pageout 2)
	NE=$(hfield "$TMPD/nh" pageout 3)
	indep "$NPID" "$NS" $N "$TMPD/nindep"
	NNSW=$(awk '$3 == 1' "$TMPD/nindep" | wc -l | tr -d ' ')
	[ "$NNSW" -gt 0 ] || fail "nobody's helper: MADV_PAGEOUT pushed nothing out"
	# The kernel's side, read as nobody with dd: bit 62 and a zero frame.
	va=$(awk '$3 == 1 { print $1; exit }' "$TMPD/nindep")
	r=$($NOBODY sh -c "dd if=/proc/$NPID/pagemap bs=8 skip=$((va / PS)) count=1 2>/dev/null | od -An -tx8" | tr -d ' \n')
	rawsplit "$r"
	[ "$(rbit 62)" = 1 ] && [ "$(rframe)" = 0 ] ||
		fail "as nobody the kernel shows swap frame of $va: 0x$r (expected hidden)"
	ok "kernel hides the swap frame from nobody (raw 0x$r)"
	$NOBODY "$D/vmpeek" --translate "$NPID" "$NS-$NE" --json >"$TMPD/nj.out" 2>"$TMPD/nj.err" ||
		fail "nobody: --translate --json: $(cat "$TMPD/nj.err")"
	nbad=0
	while read -r va pr sw ty off ex uf fs; do
		if [ "$sw" = 1 ]; then
			jq -e --arg v "$va" '.[] | select(.vaddr == $v) | .swapped == true and
				.present == false and .swap_type == null and .swap_offset == null
				and .swap_device == null and .swap_kind == "hidden"' \
				"$TMPD/nj.out" >/dev/null ||
				{ nbad=$((nbad + 1)); echo "$va: $(jq -c --arg v "$va" '.[] | select(.vaddr == $v)' "$TMPD/nj.out")"; }
		fi
		jq -e --arg v "$va" --argjson p "$pr" --argjson x "$ex" --argjson u "$uf" --argjson f "$fs" \
			'.[] | select(.vaddr == $v) | .present == ($p == 1) and .exclusive == ($x == 1)
			and (.uffd_wp == null or .uffd_wp == ($u == 1)) and .file_shared == ($f == 1)' \
			"$TMPD/nj.out" >/dev/null || { nbad=$((nbad + 1)); echo "$va: flags differ"; }
	done <"$TMPD/nindep"
	[ $nbad = 0 ] || fail "nobody: $nbad pages decoded wrong"
	ok "nobody: $NNSW swapped pages have swap_type/offset/device null, swap_kind hidden; flags as root reads them"
	$NOBODY "$D/vmpeek" --translate "$NPID" "$NS-$NE" >"$TMPD/nt.out" 2>/dev/null ||
		fail "nobody: --translate text"
	expect_eq "nobody: text says 'swapped, swap entry hidden'" \
		"$(grep -c 'swapped, swap entry hidden' "$TMPD/nt.out")" "$NNSW"
	grep -q 'swap type 0 offset 0x0' "$TMPD/nt.out" && fail "nobody: text shows a fake swap 0:0x0"
	ok "nobody: no fake 'swap type 0 offset 0x0'"
	if [ $HAVE_TMUX = 1 ]; then
		REAL=$VMPEEK
		VMPEEK=$D/vmpeek
		TUI_WRAP=$NOBODY
		tui_start "$NPID"
		VMPEEK=$REAL
		TUI_WRAP=
		tui_wait "> VMAs" || tui_fail "TUI as nobody: no VMA pane"
		tui_goto "$NS"
		tui_wait "^ *${NS#0x} " || tui_fail "TUI as nobody: page $NS not on screen"
		sleep 0.3
		tui_screen >"$TMPD/screen"
		expect_eq "TUI as nobody: swapped rows say S, swapped, 'swap entry hidden'" \
			"$(grep -cE "^ *[0-9a-f]+ .* [-?P] S [-?F] [-?X] [-?D] [-?U] [-?G] +swapped +swap entry hidden" "$TMPD/screen")" "$NNSW"
		grep -q 'swap 0:0x0' "$TMPD/screen" && fail "TUI as nobody: a fake 'swap 0:0x0'"
		tui_stop
	fi
else
	note_skip "nobody" "setpriv cannot switch to uid 65534 here"
fi

summary
exit 0
