#!/bin/sh
# compare.sh: --compare of a parent and its forked child (copy-on-write), checked against dd/od, and the TUI's split view.
. "${srcdir:-$(dirname "$0")/..}/tests/lib.sh"

need jq

N=16
# vmhelper -F: cow is written, then forked; the parent rewrites page 1
# and the child page 2 after the fork: every other page shares its frame.
start_helper "$TMPD/h" "$VMHELPER" -F -n $N
H=$TMPD/h
PID=$(hfield "$H" pid 2)
CHILD=$(hfield "$H" cowchild 2)
[ -n "$CHILD" ] || fail "helper printed no cowchild line"
CS=$(hfield "$H" cow 2)
CE=$(hfield "$H" cow 3)
PW=$(hfield "$H" cow 5)		# written by the parent after fork
CW=$(hfield "$H" cowchild 3)	# written by the child after fork
PS=$(hfield "$H" pagesize 2)
expect_eq "helper: child's parent" "$(awk '{ print $4 }' "/proc/$CHILD/stat")" "$PID"

# Usage and runtime errors, like --translate.
expect_error err_nopid2 2 "two PIDs" --compare "$PID"
expect_error err_norange 2 "needs an address" --compare "$PID" "$CHILD"
expect_error err_badrange 2 "malformed" --compare "$PID" "$CHILD" zzz
expect_error err_reversed 2 "reversed" --compare "$PID" "$CHILD" "$CE-$CS"
expect_error err_twocmd 2 "exclude each other" --compare "$PID" "$CHILD" "$CS" --maps
sh -c 'exit 0' &
DEAD=$!
wait "$DEAD"
expect_error err_gone 1 "no such process" --compare "$PID" "$DEAD" "$CS"
# 0x10000 is below mmap_min_addr on every machine that runs these tests.
expect_error err_unmapped 1 "mapped in neither" --compare "$PID" "$CHILD" 0x10000-0x12000

# One array of N {vaddr, a, b, same_pfn}.
run_vmpeek cmp --compare "$PID" "$CHILD" "$CS-$CE" --json
expect_eq "compare: exit" "$(cat "$TMPD/cmp.rc")" 0
expect_eq "compare: records" "$(jq length "$TMPD/cmp.out")" $N
jq -e 'all(.[]; (keys == ["a", "b", "same_pfn", "vaddr"]) and .vaddr == .a.vaddr
    and .vaddr == .b.vaddr)' "$TMPD/cmp.out" >/dev/null ||
	fail "compare: record keys: $(jq -c '.[0] | keys' "$TMPD/cmp.out")"
ok "compare: each record is {vaddr, a, b, same_pfn}"

# a and b are exactly the --translate records of the same pages (kflags
# may age between two reads: LRU, ACTIVE; retry a few times).
i=0
while :; do
	run_vmpeek cmp "--compare" "$PID" "$CHILD" "$CS-$CE" --json
	run_vmpeek ta --translate "$PID" "$CS-$CE" --json
	run_vmpeek tb --translate "$CHILD" "$CS-$CE" --json
	if jq -e -n --slurpfile c "$TMPD/cmp.out" --slurpfile a "$TMPD/ta.out" \
	    --slurpfile b "$TMPD/tb.out" \
	    '[$c[0][].a] == $a[0] and [$c[0][].b] == $b[0]' >/dev/null; then
		break
	fi
	i=$((i + 1))
	[ $i -lt 5 ] || fail "compare: a/b differ from --translate: $(jq -c '.[0]' "$TMPD/cmp.out") vs $(jq -c '.[0]' "$TMPD/ta.out")"
	sleep 0.2
done
ok "compare: a and b equal the two --translate records"

# same_pfn against an independent reader (dd/od of both pagemaps).
if [ "$(id -u)" = 0 ] && [ "$(raw_pfn "$PID" "$CS")" != 0 ]; then
	k=0
	while [ $k -lt $N ]; do
		va=$((CS + k * PS))
		pa=$(raw_pfn "$PID" $va)
		pb=$(raw_pfn "$CHILD" $va)
		if [ "$pa" = "$pb" ]; then want=true; else want=false; fi
		# the pages written after fork have their own frames
		if [ $k = "$PW" ] || [ $k = "$CW" ]; then
			[ $want = false ] || fail "independent reader: page $k written after fork shares frame $pa"
		else
			[ $want = true ] || fail "independent reader: page $k not shared ($pa vs $pb)"
		fi
		got=$(jq -r --arg v "$(hex $va)" '.[] | select(.vaddr == $v) | .same_pfn' "$TMPD/cmp.out")
		[ "$got" = $want ] || fail "compare: page $k same_pfn $got, dd/od says $want"
		k=$((k + 1))
	done
	ok "compare: same_pfn of all $N pages matches dd/od (false for pages $PW and $CW, written after fork)"

	# Text: one line per page, '=' exactly where the frames are shared.
	run_vmpeek cmpt --compare "$PID" "$CHILD" "$CS-$CE"
	expect_eq "compare text: page lines" "$(grep -c '^0x' "$TMPD/cmpt.out")" $N
	expect_eq "compare text: '=' lines" "$(grep -c '^0x.* = ' "$TMPD/cmpt.out")" $((N - 2))
	for k in "$PW" "$CW"; do
		grep -q "^$(printf '0x%016x' $((CS + k * PS))) .* = " "$TMPD/cmpt.out" &&
			fail "compare text: '=' on page $k, written after fork"
	done
	ok "compare text: no '=' on pages $PW and $CW"
else
	note_skip "same_pfn true/false" "PFNs are hidden here (dd/od of pagemap reads PFN 0: not root in the initial user namespace)"
fi

# A range mapped in one process only: the other side's vma is null, and
# so is same_pfn. 'touched' was mapped after the fork: the parent's only.
TS=$(hfield "$H" touched 2)
run_vmpeek one --compare "$PID" "$CHILD" "$TS" --json
expect_eq "compare one-sided: exit" "$(cat "$TMPD/one.rc")" 0
expect_eq "compare one-sided: a vma, b none, same_pfn null" \
	"$(jq -c '.[0] | [.a.vma != null, .b.vma, .b.present, .same_pfn]' "$TMPD/one.out")" \
	'[true,null,false,null]'

# As nobody (both processes nobody's): PFNs hidden, same_pfn null.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1 &&
    setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null; then
	NOBODY="setpriv --reuid=65534 --regid=65534 --clear-groups"
	nobody_bin
	start_helper "$TMPD/nh" $NOBODY "$D/vmhelper" -F -n $N
	NP=$(hfield "$TMPD/nh" pid 2)
	NC=$(hfield "$TMPD/nh" cowchild 2)
	NS=$(hfield "$TMPD/nh" cow 2)
	NE=$(hfield "$TMPD/nh" cow 3)
	expect_eq "nobody: child owner" "$(stat -c %u "/proc/$NC")" 65534
	# the independent probe: what nobody's own read of pagemap shows
	np=$($NOBODY dd if="/proc/$NP/pagemap" bs=8 skip=$((NS / PS)) count=1 2>/dev/null |
		od -An -tx8 | tr -d ' \n')
	[ -n "$np" ] || fail "nobody cannot read the helper's pagemap with dd"
	if [ $((0x${np#??} & ((1 << 55) - 1))) = 0 ]; then
		$NOBODY "$D/vmpeek" --compare "$NP" "$NC" "$NS-$NE" --json \
			>"$TMPD/n.out" 2>"$TMPD/n.err" ||
			fail "nobody: --compare failed: $(cat "$TMPD/n.err")"
		json_one "$TMPD/n.out" "nobody: --compare --json"
		expect_eq "nobody: records" "$(jq length "$TMPD/n.out")" $N
		jq -e 'all(.[]; .same_pfn == null and .a.pfn == null and .b.pfn == null
		    and .a.present and .b.present)' "$TMPD/n.out" >/dev/null ||
			fail "nobody: same_pfn not null: $(jq -c '.[0].same_pfn' "$TMPD/n.out")"
		ok "nobody: PFNs hidden: same_pfn null on all $N pages (never a guess)"
		$NOBODY "$D/vmpeek" --compare "$NP" "$NC" "$NS-$NE" \
			>"$TMPD/nt.out" 2>"$TMPD/nt.err" || fail "nobody: text failed"
		expect_eq "nobody text: no '='" "$(grep -c '^0x.* = ' "$TMPD/nt.out")" 0
		expect_eq "nobody text: hidden note on stderr" \
			"$(grep -ci 'PFNs are hidden' "$TMPD/nt.err")" 1
	else
		note_skip "nobody" "the kernel shows nobody real PFNs here"
	fi
else
	note_skip "nobody" "needs root and setpriv to run as uid 65534"
fi

# The TUI: c in the page pane of cow offers the child (the helper's parent,
# this shell, maps nothing there) and splits the rows.
. "${srcdir:-$(dirname "$0")/..}/tests/tmux.sh"
# pages_of PID: vmpeek on PID, in the page pane of the VMA holding $CS
pages_of() {
	tui_start "$1"
	tui_wait "> VMAs" 10 || tui_fail "the VMA pane of $1 did not open"
	tui_goto "$CS"
	tui_wait "> pages" 5 || tui_fail "the page pane of $1 did not open"
}
pages_of "$PID"
tui_keys c
tui_wait "^compare with process .*: $CHILD\$" 5 ||
	tui_fail "c did not offer the child $CHILD as the default"
ok "tui: c offers the child ($CHILD)"
tui_keys Enter
tui_wait "^ADDRESS +PFN P S F X D U G STATE +(MARKS +)?= +PFN" 5 ||
	tui_fail "c + Enter did not split the rows"
tui_wait "$PID \\| $CHILD" 2 || tui_fail "the split view does not name both PIDs"
ok "tui: the split view shows $PID | $CHILD"
if [ "$(id -u)" = 0 ] && [ "$(raw_pfn "$PID" "$CS")" != 0 ]; then
	k=0
	while [ $k -lt $N ]; do
		va=$(printf '%x' $((CS + k * PS)))
		line=$(grep "^0*$va " "$TMPD/screen")
		[ -n "$line" ] || tui_fail "tui: no row for page $k ($va)"
		# the same frames as dd/od reads from both pagemaps
		pa=$(printf '%x' "$(raw_pfn "$PID" $((CS + k * PS)))")
		pb=$(printf '%x' "$(raw_pfn "$CHILD" $((CS + k * PS)))")
		expect="^0*$va +$pa P .* $pb P "
		printf '%s\n' "$line" | grep -Eq "$expect" ||
			tui_fail "tui: page $k row '$line' lacks PFNs $pa | $pb"
		case "$line" in
		*" = "*) [ "$pa" = "$pb" ] || tui_fail "tui: '=' on page $k ($pa vs $pb)" ;;
		*) [ "$pa" != "$pb" ] || tui_fail "tui: no '=' on page $k (both $pa)" ;;
		esac
		k=$((k + 1))
	done
	expect_eq "tui: rows with '='" "$(grep -c '^[0-9a-f]* .* = ' "$TMPD/screen")" $((N - 2))
	ok "tui: '=' exactly on the $((N - 2)) shared pages, not on pages $PW and $CW"
else
	note_skip "tui '='" "PFNs are hidden here (dd/od of pagemap reads PFN 0)"
fi
tui_keys c
tui_wait "^ADDRESS +PFN +PHYS" 5 || tui_fail "c again did not leave compare mode"
tui_keys c Enter
tui_wait "^ADDRESS +PFN P S F X D U G STATE +(MARKS +)?= " 5 || tui_fail "compare mode did not come back"
tui_keys Escape
tui_wait "^ADDRESS +PFN +PHYS" 5 || tui_fail "Esc did not leave compare mode"
tui_wait "> pages" 1 || tui_fail "Esc in compare mode left the page pane"
ok "tui: c again and Esc leave compare mode (Esc stays in the page pane)"
tui_keys Q
tui_wait "^exit=0" 5 || tui_fail "vmpeek did not quit with 0"
# From the child's side, c offers its parent: it maps the same VMA.
pages_of "$CHILD"
tui_keys c
tui_wait "^compare with process .*: $PID\$" 5 ||
	tui_fail "c in the child did not offer the parent $PID"
ok "tui: c in the child offers its parent ($PID)"
# Watch marks in the split view: each side marks its own changes. Two
# helpers with address randomisation off (setarch -R: the same layout, so
# their "untouched" regions are at one address); each SIGUSR1 writes the
# next page of it (-A 3: from page 3). The right one writes first.
start_helper "$TMPD/w" setarch -R "$VMHELPER" -A 3 -n $N
WP=$HELPER_PID
start_helper "$TMPD/w2" setarch -R "$VMHELPER" -A 3 -n $N
WC=$HELPER_PID
WU=$(hfield "$TMPD/w" untouched 2)
[ -n "$WU" ] || fail "helper -A printed no untouched line"
[ "$WU" = "$(hfield "$TMPD/w2" untouched 2)" ] ||
	fail "setarch -R: the two helpers' untouched regions differ ($WU, $(hfield "$TMPD/w2" untouched 2))"
[ "$(hfield "$TMPD/w" pid 2)" = "$WP" ] || fail "setarch did not exec the helper in place"
# wait_present PID ADDR: bit 63 of its raw entry (a string test: dash
# can't shift a value >= 2^63), 5 s at most
wait_present() {
	_i=0
	until case $(raw_entry "$1" "$2") in 0x[89a-f]*) true ;; *) false ;; esac; do
		_i=$((_i + 1))
		[ "$_i" -le 50 ] || fail "pid $1 did not write $2 on SIGUSR1"
		sleep 0.1
	done
}
tui_stop
tui_start -d 0.5 "$WP"
tui_wait "> VMAs" 10 || tui_fail "the VMA pane of $WP did not open"
tui_goto "$WU"
tui_wait "> pages" 5 || tui_fail "the page pane of $WP did not open"
tui_keys c
tui_wait "^compare with process" 5 || tui_fail "c did not ask for a process"
# erase the default it offers (a parent or child: none of these), if any
DEF=$(sed -n 's/^compare with process ([^)]*): *//p' "$TMPD/screen" | head -n 1)
while [ -n "$DEF" ]; do
	tui_keys BSpace
	DEF=${DEF#?}
done
tm send-keys -l "$WC"
tui_keys Enter
tui_wait "^ADDRESS +PFN P S F X D U G STATE +MARKS += +PFN" 5 ||
	tui_fail "the split view at 120 columns has no MARKS column"
U3=$(printf '%x' $((WU + 3 * PS)))
tui_wait "^0*$U3 .* absent .* absent" 5 || tui_fail "page 3 is not absent on both sides"
sleep 1		# at least one refresh has read both sides
kill -USR1 "$WC"
wait_present "$WC" $((WU + 3 * PS))
[ "$(raw_bit "$WP" $((WU + 3 * PS)) 63)" = 0 ] || fail "the left process's page 3 is present too"
tui_wait "^0*$U3 .* absent +[^~]* present +~P" 5 ||
	tui_fail "the right side's page 3 has no ~P mark (left absent, unmarked)"
ok "tui: compare: the right process's write marks its side only ($(grep "^0*$U3 " "$TMPD/screen" | grep -Eo '~P[A-Z*]*'))"
kill -USR1 "$WP"
wait_present "$WP" $((WU + 3 * PS))
tui_wait "^0*$U3 .* present +~P.* present" 5 ||
	tui_fail "the left process's page 3 has no ~P mark"
ok "tui: compare: the left process's write marks the left side"
# p: the next change shows _ on its side until p reveals it
tui_keys p
tui_wait "predict:" 2 || tui_fail "p did not freeze"
U4=$(printf '%x' $((WU + 4 * PS)))
sleep 1
kill -USR1 "$WC"
wait_present "$WC" $((WU + 4 * PS))
tui_wait "^0*$U4 .* absent .* _ " 5 || tui_fail "predict: the right side's page 4 is not hidden as _"
tui_keys p
tui_wait "^0*$U4 .* absent .* present +~P" 5 || tui_fail "reveal: the right side's page 4 has no ~P mark"
ok "tui: compare: predict hides the other side's change as _, p reveals it with ~P"
tui_keys Q
tui_wait "^exit=0" 5 || tui_fail "vmpeek did not quit with 0"
tui_stop
kill "$WP" "$WC" 2>/dev/null

# The child exits: compare mode ends with a message.
tui_keys Escape
tui_stop
pages_of "$PID"
tui_keys c Enter
tui_wait "^ADDRESS +PFN P S F X D U G STATE +(MARKS +)?= " 5 || tui_fail "compare mode did not come back"
kill -KILL "$CHILD"
tui_wait "compare: $CHILD exited" 5 || tui_fail "the child's exit was not noticed"
tui_wait "^ADDRESS +PFN +PHYS" 2 || tui_fail "compare mode still on after the child exited"
ok "tui: the other process exiting ends compare mode, said on the status line"
tui_keys Q
tui_wait "^exit=0" 5 || tui_fail "vmpeek did not quit with 0"
tui_stop

summary
exit 0
