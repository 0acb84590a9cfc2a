#!/bin/sh
# special.sh: a special swap entry made by the kernel (uffd-wp PTE markers on
# untouched anonymous memory): named "marker", not counted as swapped, no
# swap device (CLI, TUI); without CAP_SYS_ADMIN "swap entry hidden".
. "${srcdir:-$(dirname "$0")/..}/tests/lib.sh"

need jq dd od awk cut
N=8

H=$TMPD/helper
start_helper "$H" "$VMHELPER" -n $N -W
PID=$(hfield "$H" pid 2)
WHY=$(hsupported "$H" uffdwp) || skip "vmhelper: $WHY"
S=$(hfield "$H" uffdwp 2)
E=$(hfield "$H" uffdwp 3)

# What the kernel put there, read with dd and decoded here: bit 62, bit 57,
# and (when we may see the frame) type 31 = SWP_PTE_MARKER (the top swap
# type from 6.2; include/linux/swap.h), offset 1 = PTE_MARKER_UFFD_WP.
rawsplit "$(raw_entry "$PID" "$S")"
[ "$(rbit 62)" = 1 ] && [ "$(rbit 57)" = 1 ] && [ "$(rbit 63)" = 0 ] ||
	fail "no uffd-wp marker at $S: raw $(raw_entry "$PID" "$S")"
FRAME=$(rframe)
ok "the kernel installed uffd-wp markers (raw $(raw_entry "$PID" "$S"))"

run_vmpeek tr --translate "$PID" "$S-$E" --json
[ "$(cat "$TMPD/tr.rc")" = 0 ] || fail "--translate: $(cat "$TMPD/tr.err")"
if [ "$FRAME" != 0 ]; then
	[ $((FRAME & 31)) = 31 ] && [ $((FRAME >> 5)) = 1 ] ||
		fail "marker frame is not type 31 offset 1: $FRAME"
	jq -e 'length > 0 and all(.[]; .swap_kind == "marker" and .swapped == false
		and .present == false and .uffd_wp == true and .swap_type == null
		and .swap_offset == null and .swap_device == null)' "$TMPD/tr.out" >/dev/null ||
		fail "markers decoded as: $(jq -c '.[0]' "$TMPD/tr.out")"
	ok "--translate --json: $N markers: swap_kind marker, not swapped, no device, uffd_wp"
	run_vmpeek trt --translate "$PID" "$S-$E"
	expect_eq "--translate text: 'marker entry (not in swap)'" \
		"$(grep -c 'marker entry (not in swap), type 31 offset 0x1 ' "$TMPD/trt.out")" $N
	grep -q ' swap type ' "$TMPD/trt.out" && fail "text calls a marker a swap entry"
	run_vmpeek maps --maps "$PID" --json
	expect_eq "--maps: the marker region has no swapped page" \
		"$(jq -r --arg s "$S" '.[] | select(.start == $s) | .swapped' "$TMPD/maps.out")" 0
else
	# Not CAP_SYS_ADMIN: the frame is zeroed, a marker can't be told apart.
	jq -e 'all(.[]; .swap_kind == "hidden" and .swapped == true
		and .swap_type == null and .swap_device == null)' "$TMPD/tr.out" >/dev/null ||
		fail "hidden markers decoded as: $(jq -c '.[0]' "$TMPD/tr.out")"
	ok "without CAP_SYS_ADMIN the markers read as hidden swap entries"
	summary
	exit 0
fi

# The TUI: state "marker", no S, marks name it.
if command -v tmux >/dev/null 2>&1; then
	. "${srcdir:-$(dirname "$0")/..}/tests/tmux.sh"
	TUI_COLS=140
	tui_start "$PID"
	tui_wait "> VMAs" || tui_fail "TUI: no VMA pane"
	tui_goto "$S"
	tui_wait "^ *${S#0x} " || tui_fail "TUI: page $S not on screen"
	sleep 0.3
	tui_screen >"$TMPD/screen"
	expect_eq "TUI: marker rows: no S, state 'marker', marks 'marker entry 31:0x1'" \
		"$(grep -cE "^ *[0-9a-f]+ .* [-?P] - [-?F] [-?X] [-?D] U [-?G] +marker +marker entry 31:0x1 " "$TMPD/screen")" $N
else
	note_skip "TUI" "tmux is not installed"
fi

summary
exit 0
