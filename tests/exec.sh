#!/bin/sh
# exec.sh: the target execs while the TUI shows it (same pid, a new mm: the
# TUI must show the new image, not the old mm's emptiness); the target
# exits between the CLI's maps and pagemap reads (a clean error, no output).
. "${srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "${srcdir:-$(dirname "$0")/..}/tests/tmux.sh"
trap 'tui_stop; cleanup' EXIT

need awk
[ -r /proc/self/pagemap ] || skip "/proc/self/pagemap is not readable"
PS=$(getconf PAGESIZE)

bare() { printf '%s' "$1" | sed 's/^0x//'; }
# last NAME field N of a helper's output (after an exec it prints twice)
lastf() { awk -v n="$2" -v f="$3" '$1 == n { v = $f } END { print v }' "$1"; }
# exec_helper OUT: SIGUSR1, then wait for the new image's "ready"
exec_helper() {
	kill -USR1 "$(hfield "$1" pid 2)"
	_i=0
	while [ "$(grep -cx ready "$1")" -lt 2 ]; do
		_i=$((_i + 1))
		[ "$_i" -le 200 ] || fail "the helper did not exec within 10 s"
		sleep 0.05
	done
}
# vma_row START NPAGES: ERE of the VMA pane row of an anonymous rw region
# of NPAGES pages, all resident (RES column; OFFSET gives way to long paths)
vma_row() {
	echo "^0*$(bare "$1")-[0-9a-f]+ +[0-9.]+K rw-p( 00000000)? +$2 "
}
# find ADDR: select the VMA holding ADDR (a sanitizer build has too many
# VMAs for one screen)
find() {
	tui_keys /
	tm send-keys -l "$1"
	tui_keys Enter
}

# --- TUI in the VMA pane; r after the exec ------------------------------
H=$TMPD/h1
start_helper "$H" "$VMHELPER" -n 16 -X 24
PID=$(hfield "$H" pid 2)
tui_start "$PID"
tui_wait "> VMAs" 10 || tui_fail "the VMA pane did not open"
find "$(hfield "$H" touched 2)"
tui_wait "$(vma_row "$(hfield "$H" touched 2)" 16)" 10 ||
	tui_fail "VMA pane: touched region not shown with 16 resident"
ok "TUI shows the first image (touched: 16 pages resident)"
exec_helper "$H"
tui_keys r
NEW=$(lastf "$H" touched 2)
[ "$NEW" != "$(hfield "$H" touched 2)" ] || fail "the helper's new image reused the address"
find "$NEW"
tui_wait "$(vma_row "$NEW" 24)" 10 ||
	tui_fail "after exec + r: the new image's touched region not shown with 24 resident"
ok "after exec + r: the new image's touched VMA with 24 pages resident"
tui_keys Home
tui_wait "/vmhelper" 3 || tui_fail "after exec: the helper's binary not mapped"
# the RES column found by its heading (OFFSET gives way to long paths)
awk '$1 == "START-END" { for (i = 1; i <= NF; i++) if ($i == "RES") r = i; next }
    r && $r ~ /^[0-9]+$/ { n += $r } END { exit !(n > 24) }' "$TMPD/screen" ||
	tui_fail "after exec: resident counts on screen add up to no more than the region"
ok "after exec: resident counts read from the new mm"

# --- TUI in the page pane: it goes back by itself ----------------------
H=$TMPD/h2
start_helper "$H" "$VMHELPER" -n 16 -X 24
PID=$(hfield "$H" pid 2)
tui_start "$PID"
TS=$(hfield "$H" touched 2)
tui_wait "> VMAs" 10 || tui_fail "the VMA pane did not open"
tui_keys :
tm send-keys -l "$TS"
tui_keys Enter
tui_wait "> pages" 5 || tui_fail ": $TS did not open the page pane"
exec_helper "$H"
# the page pane showed a VMA of the old image: vmpeek notices the old mm
# reading empty (checked each second) and goes back to the VMA pane
tui_wait "exec'd" 5 || tui_fail "no word of the exec within 5 s"
tui_wait "> VMAs" 1 || tui_fail "the page pane of a VMA of the old image stayed open"
find "$(lastf "$H" touched 2)"
tui_wait "$(vma_row "$(lastf "$H" touched 2)" 24)" 10 ||
	tui_fail "after exec in the page pane: the new image's VMAs not shown"
ok "exec while the page pane is open: back to the VMA pane, the new image shown"
tui_keys Q
tui_wait "^exit=0" 5 || tui_fail "vmpeek did not quit with status 0"
ok "vmpeek quits with status 0"
tui_stop

# --- CLI: the target exits between maps and pagemap ---------------------
# A fixture /proc whose pagemap reads empty, as an open pagemap fd does
# once the process has exited (or exec'd): the kernel's pagemap_read()
# returns 0 bytes when the mm it pinned is gone.
FP=$TMPD/proc
mkdir -p "$FP/4343"
echo "4343 (gone) S 1 4343 4343 0 -1 4194304 0 0 0 0 0 0 0 0 20 0 1 0 777 8192 2 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0" >"$FP/4343/stat"
printf '400000-402000 rw-p 00000000 00:00 0 \n7ffc0000-7ffc4000 rw-p 00000000 00:00 0                                  [stack]\n' >"$FP/4343/maps"
: >"$FP/4343/pagemap"
expect_error gone_maps 1 "exited or exec'd while being read" --proc "$FP" --maps 4343
expect_error gone_maps_json 1 "exited or exec'd while being read" --proc "$FP" --maps 4343 --json
expect_error gone_tr 1 "exited or exec'd while being read" --proc "$FP" --translate 4343 0x400000-0x402000
expect_error gone_tr_json 1 "exited or exec'd while being read" --proc "$FP" --translate 4343 0x400000 --json
run_vmpeek gone_stack --proc "$FP" --stack 4343 --json
[ "$(cat "$TMPD/gone_stack.rc")" = 1 ] && [ ! -s "$TMPD/gone_stack.out" ] ||
	fail "--stack on an exited target: exit $(cat "$TMPD/gone_stack.rc"), stdout '$(head -c 200 "$TMPD/gone_stack.out")'"
ok "--stack on an exited target: exit 1, '$(head -n 1 "$TMPD/gone_stack.err")'"

summary
exit 0
