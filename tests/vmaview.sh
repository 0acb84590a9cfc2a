#!/bin/sh
# vmaview.sh: the VMA pane under tmux while its target changes — change
# marks (+ appeared, / split, = merged) that fade, "N VMAs unmapped", counts
# on screen redone without r, holes as rows (u hides them), the minimap.
#
# The target is tests/vmhelper -V: each SIGUSR2 mmaps, splits, merges and
# unmaps a range it printed; /proc/PID/maps, read here with the shell,
# says when each step happened before the screen is asked.
#
# Env: VMPEEK, VMHELPER (set by make check).
. "${srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "${srcdir:-$(dirname "$0")/..}/tests/tmux.sh"
need awk dd od

# bare hex, 12 digits (as the VMA pane prints user addresses)
h12() { printf '%012x' "$1"; }

# in_maps PID START END: is START-END one line of PID's maps (own reading)?
in_maps() {
	grep -q "^$(h12 "$2")-$(h12 "$3") " "/proc/$1/maps"
}

# wait_maps CMD...: poll until CMD succeeds (5 s at most).
wait_maps() {
	_n=50
	until "$@"; do
		_n=$((_n - 1))
		[ "$_n" -gt 0 ] || return 1
		sleep 0.1
	done
}

# hole_around PID ADDR: "END START" of the VMAs either side of ADDR.
hole_around() {
	_a=$(($2))
	_lo=
	_hi=
	while IFS=' -' read -r _s _e _rest; do
		[ $((0x$_e)) -le "$_a" ] && _lo=$_e
		[ -z "$_hi" ] && [ $((0x$_s)) -gt "$_a" ] && _hi=$_s
	done <"/proc/$1/maps"
	echo "$_lo $_hi"
}

start_helper "$TMPD/h" "$VMHELPER" -V -A 0
H=$TMPD/h
PID=$(hfield "$H" pid 2)
PS=$(hfield "$H" pagesize 2)
VS=$(hfield "$H" vmstep 2)
VE=$(hfield "$H" vmstep 3)
US=$(hfield "$H" untouched 2)
UE=$(hfield "$H" untouched 3)
[ -n "$VS" ] && [ -n "$US" ] || fail "vmhelper -V printed no vmstep range"
S=$(h12 "$VS")
E=$(h12 "$VE")
S1=$(h12 $((VS + PS)))
S2=$(h12 $((VS + 2 * PS)))
in_maps "$PID" "$VS" "$VE" && fail "probe: the vmstep range is mapped already"

# -d 0.5: every pane refreshes twice a second, so a mark fades in 1.5 s
tui_start -d 0.5 "$PID"
tui_wait "> $PID vmhelper > VMAs" || tui_fail "the VMA pane did not open"
ok "VMA pane open"

# ':' to the free range selects the hole it is in: the rows of the steps
# below are then on screen, however many VMAs the helper has (ASan: 80+)
tui_keys : "$S" Enter
tui_wait "is in no VMA: in the hole" || tui_fail "':' $S: not in a hole"

# --- a VMA appears: "+" on its row, then it fades
kill -USR2 "$PID"
wait_maps in_maps "$PID" "$VS" "$VE" || fail "probe: step 1 mapped nothing"
tui_wait "^$S-$E \+ " || tui_fail "no + mark on the new VMA $S-$E"
ok "a new VMA is marked + ($S-$E)"
tui_wait "^$S-$E +[0-9.]+K " 10 || tui_fail "the + mark on $S-$E never faded"
ok "the + mark fades"

# --- mprotect of its second page: three VMAs marked /
kill -USR2 "$PID"
wait_maps in_maps "$PID" $((VS + PS)) $((VS + 2 * PS)) ||
    fail "probe: step 2 did not split the range"
tui_wait "^$S-$S1 / " || tui_fail "no / on the first piece"
grep -q "^$S1-$S2 / .* r--p " "$TMPD/screen" ||
    tui_fail "no / on the read-only middle piece"
grep -q "^$S2-$E / " "$TMPD/screen" || tui_fail "no / on the last piece"
ok "a split marks its three pieces /"

# --- writable again: merged back into one, marked =
kill -USR2 "$PID"
wait_maps in_maps "$PID" "$VS" "$VE" || fail "probe: step 3 did not merge"
tui_wait "^$S-$E = " || tui_fail "no = mark on the merged VMA"
ok "a merge is marked ="

# --- munmap: the status line counts it; a hole row takes its place
kill -USR2 "$PID"
wait_maps sh -c "! grep -q '^$S-' /proc/$PID/maps" ||
    fail "probe: step 4 did not unmap"
tui_wait "1 VMA unmapped" || tui_fail "no '1 VMA unmapped' on the status line"
ok "the status line says 1 VMA unmapped"
set -- $(hole_around "$PID" "$VS")
[ $# -eq 2 ] || fail "probe: no VMAs either side of $S"
HL=$(h12 "0x$1")
HH=$(h12 "0x$2")
# ':' to an unmapped address selects its hole's row
tui_keys : "$S" Enter
tui_wait "^$HL-$HH +[0-9.]+[KMGT]? +unmapped" ||
    tui_fail "no hole row $HL-$HH"
grep -q "^ hole .* unmapped: no VMA from $HL to $HH" "$TMPD/screen" ||
    tui_fail "the selected row's detail is not the hole $HL-$HH"
ok "the hole $HL-$HH is a row of its own, ':' selects it"
tui_keys u
tui_wait "holes between mappings hidden" || tui_fail "u did not hide holes"
grep -q " unmapped$" "$TMPD/screen" && tui_fail "u left a hole row"
ok "u hides the holes"
tui_keys u
tui_wait "^$HL-$HH .* unmapped" || tui_fail "u did not bring holes back"
ok "u shows them again"

# --- counts on screen are redone by the timer: a page written, no r
[ "$(raw_bit "$PID" "$US" 63)" = 0 ] || fail "probe: untouched page 0 present"
tui_keys : "$(h12 "$US")" Enter
tui_wait "> pages" || tui_fail "':' did not open the untouched VMA's pages"
tui_keys Escape
US12=$(h12 "$US")
UE12=$(h12 "$UE")
tui_wait "^$US12-$UE12 .? +64.0K rw-p +0 " ||
    tui_fail "the untouched VMA is not on screen with RES 0"
kill -USR1 "$PID"
_n=50
until [ "$(raw_bit "$PID" "$US" 63)" = 1 ]; do
	_n=$((_n - 1))
	[ "$_n" -gt 0 ] || fail "probe: SIGUSR1 wrote no page"
	sleep 0.1
done
tui_wait "^$US12-$UE12 .? +64.0K rw-p +1 " ||
    tui_fail "RES of $US12-$UE12 did not become 1 without r"
ok "a count on screen follows the target without r"

# --- the minimap: a band column at the right edge, the selection marked
# (list lines 5-36 at 120x40: title, 2 header lines, column headings)
tui_keys g
sleep 0.6
tui_screen >"$TMPD/screen"
band=$(sed -n 5,36p "$TMPD/screen" | awk '{ c = substr($0, 120, 1) }
    c ~ /[#+.S:]/ { n++ } END { print n + 0 }')
[ "$band" -ge 10 ] || tui_fail "the minimap shows $band band lines (want 10+)"
[ "$(sed -n 5p "$TMPD/screen" | cut -c119)" = ">" ] ||
    tui_fail "g: the first VMA is not marked on the first map line"
tui_keys G
tui_wait "^ vsyscall " || tui_fail "G did not select [vsyscall]"
sleep 0.3
tui_screen >"$TMPD/screen"
[ "$(sed -n 36p "$TMPD/screen" | cut -c119)" = ">" ] ||
    tui_fail "G: [vsyscall] is not marked on the last map line"
[ "$(sed -n 5p "$TMPD/screen" | cut -c119)" != ">" ] ||
    tui_fail "G: the first map line is still marked"
ok "the minimap: $band band lines, the selection marked at both ends"

# --- NO_COLOR: the mark is the same token (a second helper, fresh range)
start_helper "$TMPD/h2" "$VMHELPER" -V
P2=$(hfield "$TMPD/h2" pid 2)
V2S=$(hfield "$TMPD/h2" vmstep 2)
V2E=$(hfield "$TMPD/h2" vmstep 3)
export NO_COLOR=1
tui_start -d 0.5 "$P2"
tui_wait "> $P2 vmhelper > VMAs" || tui_fail "the VMA pane did not open"
tui_keys : "$(h12 "$V2S")" Enter
tui_wait "is in no VMA: in the hole" || tui_fail "':' $V2S: not in a hole"
kill -USR2 "$P2"
wait_maps in_maps "$P2" "$V2S" "$V2E" || fail "probe: step 1 mapped nothing"
tui_wait "^$(h12 "$V2S")-$(h12 "$V2E") \+ " ||
    tui_fail "NO_COLOR: no + mark on the new VMA"
ok "NO_COLOR: the new VMA is marked +"
unset NO_COLOR

tui_keys Q
tui_wait "^exit=0" || tui_fail "vmpeek did not quit with status 0"

# --- no rows at all (a kernel thread: its maps read empty, per the shell)
if [ "$(cat /proc/2/comm 2>/dev/null)" = kthreadd ] &&
    [ -r /proc/2/maps ] && [ -z "$(cat /proc/2/maps)" ]; then
	tui_start 2
	tui_wait "no mappings" || tui_fail "PID 2: no 'no mappings'"
	tui_keys Enter u Enter u
	tui_wait "holes between mappings shown" || tui_fail "PID 2: u"
	tui_keys Q
	tui_wait "^exit=0" || tui_fail "PID 2: Enter on no row, then Q: no exit=0"
	ok "no VMAs: Enter and u on an empty list, then Q: exit 0"
else
	note_skip "an empty VMA list" "PID 2 is no kthreadd with empty maps here"
fi
summary
