#!/bin/sh
# watch.sh: vmpeek --translate --watch streams the pages that change, checked against dd/od; its exit statuses.
. "${srcdir:-$(dirname "$0")/..}/tests/lib.sh"

need jq dd od awk

# wait_lines FILE N: until FILE has N lines (10 s at most); false if not.
wait_lines() {
	_i=0
	while [ "$(wc -l <"$1" 2>/dev/null || echo 0)" -lt "$2" ]; do
		_i=$((_i + 1))
		[ "$_i" -le 200 ] || return 1
		sleep 0.05
	done
}

# wait_exit PID: RC = its exit status, waiting 10 s at most (99: it was
# still running, killed). Not in $(...): only this shell can reap it, and
# a zombie still answers kill -0, so poll its state in /proc.
wait_exit() {
	_i=0
	while [ -e "/proc/$1" ] &&
	    [ "$(awk '/^State:/ { print $2 }' "/proc/$1/status" 2>/dev/null)" != Z ]; do
		_i=$((_i + 1))
		if [ "$_i" -gt 200 ]; then
			kill -KILL "$1" 2>/dev/null
			wait "$1" 2>/dev/null
			RC=99
			return
		fi
		sleep 0.05
	done
	wait "$1"
	RC=$?
}

# vmhelper -A 3: each SIGUSR1 writes the next page of "untouched", from 3.
start_helper "$TMPD/h" "$VMHELPER" -A 3
H=$TMPD/h
PID=$(hfield "$H" pid 2)
PS=$(hfield "$H" pagesize 2)
US=$(hfield "$H" untouched 2)
UE=$(hfield "$H" untouched 3)
P3=$(hex $((US + 3 * PS)))
P4=$(hex $((US + 4 * PS)))

expect_error err_watch_alone 2 "goes with --translate" --maps "$PID" --watch
expect_error err_d_alone 2 "-d goes with" --translate "$PID" "$US" -d 1
expect_error err_d_bad 2 "SECONDS" --translate "$PID" "$US" --watch -d 1x
expect_error err_d_zero 2 "SECONDS" --translate "$PID" "$US" --watch -d 0
expect_error err_watch_unmapped 1 "not mapped" --translate "$PID" 0x10000 --watch

expect_eq "probe: page 3 not present before" "$(raw_bit "$PID" "$P3" 63)" 0

# JSON: one object per line, written as it happens (read while running).
"$VMPEEK" --translate "$PID" "$US-$UE" --watch --json -d 0.1 \
    >"$TMPD/w.out" 2>"$TMPD/w.err" &
W=$!
HELPER_PIDS="$HELPER_PIDS $W"
sleep 0.5	# its first read is done long before this
kill -USR1 "$PID"
wait_lines "$TMPD/w.out" 1 || fail "no line within 10 s: $(cat "$TMPD/w.err")"
kill -0 "$W" 2>/dev/null || fail "watch ended: $(cat "$TMPD/w.err")"
ok "a line arrives while the watch runs (flushed)"
expect_eq "probe: page 3 present after SIGUSR1" "$(raw_bit "$PID" "$P3" 63)" 1
head -n 1 "$TMPD/w.out" >"$TMPD/line1"
json_one "$TMPD/line1" "first line"
ok "first line is one JSON value"
expect_eq "line: vaddr" "$(jq -r .vaddr "$TMPD/line1")" "$P3"
expect_eq "line: keys" "$(jq -c 'keys' "$TMPD/line1")" '["after","before","changed","vaddr"]'
expect_eq "line: before.present" "$(jq .before.present "$TMPD/line1")" false
expect_eq "line: after.present" "$(jq .after.present "$TMPD/line1")" true
jq -e '.changed | index("present")' "$TMPD/line1" >/dev/null ||
	fail "changed lacks present: $(jq -c .changed "$TMPD/line1")"
ok "changed has present"
RAWPFN=$(raw_pfn "$PID" "$P3")
if [ "$RAWPFN" != 0 ]; then
	jq -e '.changed | index("pfn")' "$TMPD/line1" >/dev/null ||
		fail "changed lacks pfn: $(jq -c .changed "$TMPD/line1")"
	expect_eq "line: after.pfn = dd/od's" "$(jq .after.pfn "$TMPD/line1")" "$RAWPFN"
else
	expect_eq "PFNs hidden: pfn not in changed" \
	    "$(jq '.changed | index("pfn")' "$TMPD/line1")" null
	note_skip "pfn change" "PFNs are hidden here (dd/od reads PFN 0: not root)"
fi
# after is the --translate record of that page now (kflags and mapcount
# are the kernel's live state of the frame: LRU comes and goes)
run_vmpeek tr --translate "$PID" "$P3" --json
expect_eq "after = --translate's record" \
    "$(jq -S -c '.after | del(.kflags, .mapcount)' "$TMPD/line1")" \
    "$(jq -S -c '.[0] | del(.kflags, .mapcount)' "$TMPD/tr.out")"

# A second change: one more line, for page 4 only.
kill -USR1 "$PID"
wait_lines "$TMPD/w.out" 2 || fail "no second line within 10 s"
sleep 0.3
expect_eq "second change: lines" "$(wc -l <"$TMPD/w.out" | tr -d ' ')" 2
expect_eq "line 2: vaddr" "$(sed -n 2p "$TMPD/w.out" | jq -r .vaddr)" "$P4"
expect_eq "every line one JSON value" \
    "$(jq -c . "$TMPD/w.out" | wc -l | tr -d ' ')" 2

kill -TERM "$W"
wait_exit "$W"
expect_eq "SIGTERM: exit" "$RC" 0
expect_eq "SIGTERM: stderr empty" "$(cat "$TMPD/w.err")" ""

# SIGINT too (a background job of sh ignores SIGINT: not through sh).
"$VMPEEK" --translate "$PID" "$US" --watch -d 0.1 >"$TMPD/i.out" 2>"$TMPD/i.err" &
W=$!
HELPER_PIDS="$HELPER_PIDS $W"
sleep 0.3
IGN=$(awk '/^SigIgn:/ { print $2 }' "/proc/$W/status")
if [ $(( 0x${IGN:-0} & 2 )) != 0 ]; then
	note_skip "SIGINT" "this shell starts background jobs with SIGINT ignored"
	kill -TERM "$W"
	wait_exit "$W"
else
	kill -INT "$W"
	wait_exit "$W"
	expect_eq "SIGINT: exit" "$RC" 0
fi

# Text: one line per changed page, "VADDR NAMES: BEFORE -> AFTER".
"$VMPEEK" --translate "$PID" "$US-$UE" --watch -d 0.1 >"$TMPD/t.out" 2>"$TMPD/t.err" &
W=$!
HELPER_PIDS="$HELPER_PIDS $W"
sleep 0.5
kill -USR1 "$PID"
wait_lines "$TMPD/t.out" 1 || fail "text: no line within 10 s: $(cat "$TMPD/t.err")"
P5=$(printf '0x%016x' $((US + 5 * PS)))
grep -q "^$P5 present[a-z_,]*: .* not present -> P" "$TMPD/t.out" ||
	fail "text line: $(cat "$TMPD/t.out")"
ok "text line: $(head -n 1 "$TMPD/t.out")"


# The TUI (-d 0.5): a page touched while the page pane shows it gets the
# mark ~P... (with X, and * when PFNs show), which fades after 3 refreshes;
# w pauses the refresh; p hides a change (_) until p again reveals it.
start_helper "$TMPD/h2" "$VMHELPER" -A 3
H2=$TMPD/h2
PID2=$(hfield "$H2" pid 2)
V=$(hfield "$H2" untouched 2)
row() { printf '^0*%x ' $((V + $1 * PS)); }
# wait_written PID K: wait (5 s at most) for the helper to have written page
# K of "untouched" after a SIGUSR1: bit 63 of its raw entry (a string test:
# dash can't shift a value >= 2^63)
wait_written() {
	_i=0
	until case $(raw_entry "$1" $((V + $2 * PS))) in 0x[89a-f]*) true ;; *) false ;; esac; do
		_i=$((_i + 1))
		[ "$_i" -le 50 ] || fail "the helper did not write page $2 on SIGUSR1"
		sleep 0.1
	done
}
. "${srcdir:-$(dirname "$0")/..}/tests/tmux.sh"
tui_start -d 0.5 "$PID2"
tui_wait "> VMAs" 10 || tui_fail "the VMA pane did not open"
tui_keys :
tm send-keys -l "$V"
tui_keys Enter
tui_wait "> pages" 5 || tui_fail "the page pane did not open"
tui_wait "$(row 3).* absent " 5 || tui_fail "page 3 is not shown absent"
sleep 1		# at least one refresh has read the rows on screen
tui_wait "resident [0-9]*  swapped" 5 || tui_fail "no totals in the header"
R0=$(sed -n 's/.*resident \([0-9]*\)  swapped.*/\1/p' "$TMPD/screen" | head -n 1)
kill -USR1 "$PID2"
# the PFN is known to be hidden or not only once the helper has written
# the page
wait_written "$PID2" 3
if [ "$(raw_pfn "$PID2" $((V + 3 * PS)))" != 0 ]; then
	WANT='~PX\*'
else
	WANT='~PX( |$)'	# PFNs hidden: no frame change to mark
fi
tui_wait "$(row 3).* present +$WANT" 5 || tui_fail "page 3 has no $WANT mark"
ok "tui: the touched page's row shows $(grep -Eo -- "$WANT" "$TMPD/screen" | head -n 1)"
# 3 refreshes of 0.5 s: gone well within 5 s, the page still present
tui_wait "$(row 3)[^~]* present [^~]*\$" 5 || tui_fail "the mark on page 3 did not fade"
ok "tui: the mark faded"
# the header's totals follow without r: one page more resident (the raw
# entry said so above; the helper writes nothing else in that VMA)
tui_wait "resident $((R0 + 1))  swapped" 5 ||
	tui_fail "the header still says resident $R0 after page 3 was written"
ok "tui: the header's resident count followed: $R0 -> $((R0 + 1))"

# w: paused, a change is not read; w again: it is, marked
tui_keys w
tui_wait "refresh paused" 3 || tui_fail "w did not pause"
kill -USR1 "$PID2"
wait_written "$PID2" 4
ok "probe: page 4 present"
sleep 1.5
tui_screen >"$TMPD/screen"
grep -Eq -- "$(row 4).* absent " "$TMPD/screen" ||
	tui_fail "paused, but page 4 was re-read"
ok "tui: paused: page 4 still shown absent after 3 intervals"
tui_keys w
tui_wait "$(row 4).* present +~P" 5 || tui_fail "w did not resume"
ok "tui: resumed: page 4 marked"

# p: predict. The change shows as _ (not ?) until p reveals it.
tui_keys p
tui_wait "^predict" 3 || tui_fail "p did not freeze"
kill -USR1 "$PID2"
tui_wait "$(row 5) +_ +_ _( _){7}( |$)" 5 ||
	tui_fail "the changed row is not hidden as _"
ok "tui: predict: page 5's row shows _"
sleep 2	# 4 refreshes: still hidden, the mark must not fade meanwhile
tui_screen >"$TMPD/screen"
grep -Eq -- "$(row 5) +_ " "$TMPD/screen" || tui_fail "page 5 revealed without p"
ok "tui: still hidden after 4 refreshes"
tui_keys p
tui_wait "$(row 5).* present +~P" 3 || tui_fail "p did not reveal page 5 with its mark"
tui_wait "revealed 1 changed page" 1 || tui_fail "no reveal message"
ok "tui: p revealed page 5 with ~P"
tui_keys Q
tui_wait "^exit=0" 5 || tui_fail "vmpeek did not quit with 0"
tui_stop
ok "tui: quit with 0"

# NO_COLOR: the mark is text, so it is there without colour too.
NO_COLOR=1
export NO_COLOR
tui_start -d 0.3 "$PID2"
tui_wait "> VMAs" 10 || tui_fail "NO_COLOR: the VMA pane did not open"
tui_keys :
tm send-keys -l "$V"
tui_keys Enter
tui_wait "$(row 6).* absent " 5 || tui_fail "NO_COLOR: page 6 is not shown absent"
sleep 0.7
kill -USR1 "$PID2"
tui_wait "$(row 6).* present +~PX" 5 || tui_fail "NO_COLOR: page 6 has no ~PX mark"
ok "NO_COLOR: page 6 marked ~PX"
tui_keys Q
tui_wait "^exit=0" 5 || tui_fail "NO_COLOR: vmpeek did not quit with 0"
tui_stop
unset NO_COLOR

# The target exits: 1 and a message.
kill -KILL "$PID"
wait "$PID" 2>/dev/null
wait_exit "$W"
expect_eq "target killed: exit" "$RC" 1
grep -q "process exited" "$TMPD/t.err" || fail "no message: $(cat "$TMPD/t.err")"
ok "target killed: '$(cat "$TMPD/t.err")'"

summary
