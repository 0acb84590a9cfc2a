#!/bin/sh
# screen.sh: tmux screen tests of the TUI — picker, VMA counts, page rows vs
# --translate, goto, resize, target exit, hostile names, exit status; huge
# pages (HUGE column, THP row folded/expanded), thread stacks, guard gap.
#
# Env: VMPEEK, VMHELPER, THREADHELPER (set by make check). VMPEEK_SCREENS=DIR
# also saves the capture of each pane there (live screens to look at;
# doc/screens/*.txt are made by tests/screens.sh, from a fixed tree).
set -u

: "${VMPEEK:?VMPEEK must name the vmpeek binary}"
: "${VMHELPER:?VMHELPER must name tests/vmhelper}"
: "${THREADHELPER:=$(dirname "$VMHELPER")/threadhelper}"

if ! command -v tmux >/dev/null 2>&1; then
	echo "SKIP: tmux is not installed (screen tests drive vmpeek in tmux)"
	exit 77
fi
if ! command -v jq >/dev/null 2>&1; then
	echo "SKIP: jq is not installed (needed to read vmpeek --json)"
	exit 77
fi

unset TMUX
SOCK=vmpeek-test-$$
T=$(mktemp -d "${TMPDIR:-/tmp}/vmpeek-screen.XXXXXX") || exit 1
HPID=
HPID2=
HPID3=
HPID4=
NOTES=
FAILS=0
CHECKS=0

tm() { tmux -L "$SOCK" -f /dev/null "$@"; }

cleanup() {
	tm kill-server >/dev/null 2>&1
	[ -n "$HPID" ] && kill "$HPID" 2>/dev/null
	[ -n "$HPID2" ] && kill "$HPID2" 2>/dev/null
	[ -n "$HPID3" ] && kill "$HPID3" 2>/dev/null
	[ -n "$HPID4" ] && kill "$HPID4" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

ok() { CHECKS=$((CHECKS + 1)); printf 'ok - %s\n' "$*"; }
bad() {
	CHECKS=$((CHECKS + 1))
	FAILS=$((FAILS + 1))
	printf 'FAIL - %s\n' "$*"
	echo "---- screen:"
	tm capture-pane -p 2>/dev/null | sed 's/^/| /'
	echo "----"
}
die() { bad "$*"; exit 1; }
# note_skip WHAT REASON: a part this machine can't do, said, not hidden
note_skip() {
	printf 'SKIP part - %s: %s\n' "$1" "$2"
	NOTES="$NOTES
  skipped $1: $2"
}

cap() { tm capture-pane -p; }

# wait_for ERE [SECONDS]: poll the screen until a line matches.
wait_for() {
	_n=$(( ${2:-10} * 10 ))
	while [ "$_n" -gt 0 ]; do
		cap >"$T/screen" 2>/dev/null
		grep -Eq -- "$1" "$T/screen" && return 0
		sleep 0.1
		_n=$((_n - 1))
	done
	return 1
}

# wait_gone ERE [SECONDS]: poll until no line matches.
wait_gone() {
	_n=$(( ${2:-10} * 10 ))
	while [ "$_n" -gt 0 ]; do
		cap >"$T/screen" 2>/dev/null
		grep -Eq -- "$1" "$T/screen" || return 0
		sleep 0.1
		_n=$((_n - 1))
	done
	return 1
}

keys() { tm send-keys "$@"; }
# the end of a VMA row: the minimap's column may follow the path
# (its selection mark '>', its band character)
MAPC=' *>?[#+.S:]?$'
# type text literally, then optional keys
typ() { tm send-keys -l -- "$1"; }

save() {
	[ -n "${VMPEEK_SCREENS:-}" ] || return 0
	cap | sed 's/[[:space:]]*$//' >"$VMPEEK_SCREENS/$1.txt"
}

# start_helper OUT ARGS...: run vmhelper, wait for "ready", set REPLY_PID.
start_helper() {
	_out=$1
	shift
	"$VMHELPER" "$@" >"$_out" 2>"$_out.err" &
	REPLY_PID=$!
	_i=0
	while ! grep -qx ready "$_out" 2>/dev/null; do
		kill -0 "$REPLY_PID" 2>/dev/null ||
		    { cat "$_out.err"; die "vmhelper exited early"; }
		_i=$((_i + 1))
		[ "$_i" -le 200 ] || die "vmhelper not ready after 10 s"
		sleep 0.05
	done
}

field() { awk -v n="$2" -v f="$3" '$1 == n { print $f; exit }' "$1"; }
# json_one FILE: exactly one JSON value (jq alone reads on past the first)
json_one() {
	[ "$(jq -s length "$1" 2>/dev/null)" = 1 ] ||
	    die "$1: not exactly one JSON value: $(head -c 200 "$1")"
}
# raw_pfn PID ADDR: the PFN as the kernel gives it, read with dd/od (0 =
# hidden from us); decides which checks apply, never vmpeek's output
raw_pfn() {
	_r=$(dd if="/proc/$1/pagemap" bs=8 skip=$(($2 / PS)) count=1 \
	    2>/dev/null | od -An -tx8 | tr -d ' \n')
	echo $(( 0x${_r#??} & ((1 << 55) - 1) ))
}
bare() { printf '%s' "$1" | sed 's/^0x//'; }

mkdir "$T/files"
start_helper "$T/h.out" -d "$T/files" -H
HPID=$REPLY_PID
PS=$(field "$T/h.out" pagesize 2)

# The run line keeps the pane open so the exit status can be read.
run() {
	tm kill-server >/dev/null 2>&1
	# a server that is still going away makes new-session fail: retry
	_i=0
	until tm new-session -d -x 120 -y 40 \
	    "sh -c '\"\$0\" \"\$@\"; echo exit=\$?; sleep 30' '$VMPEEK' $*" \
	    2>/dev/null; do
		_i=$((_i + 1))
		[ "$_i" -le 30 ] || die "tmux new-session failed"
		sleep 0.1
	done
}

# ------------------------------------------------------------ picker
run
wait_for 'vmpeek > processes' || die "picker did not open"
# (unfiltered, the helper may sit below the fold on a busy machine)
wait_for "^ +1 " || bad "picker does not list pid 1"
keys /
typ vmhelper
wait_for "filter: vmhelper" 3 || bad "typing after / did not filter"
if wait_for "^ *$HPID .*vmhelper"; then
	# every process row left must match the filter
	if awk 'NR > 3 && /^ *[0-9]+ / && !/vmhelper/ { bad = 1 }
	    END { exit bad }' "$T/screen"; then
		ok "picker filter 'vmhelper' lists the helper $HPID only with matches"
	else
		bad "picker filter let a non-matching process through"
	fi
else
	bad "filtered picker lacks $HPID"
fi
save picker
keys Escape
wait_for "filter: none" 3 || bad "Esc did not cancel the filter"
keys /
typ "$HPID"
keys Enter
wait_for "vmpeek > $HPID vmhelper > VMAs" || die "Enter did not open the VMA pane"
ok "filter + Enter opens the VMA pane of $HPID"

# ------------------------------------------------------------ VMA counts
wait_gone "counting" 20 || bad "VMA counts never finished"
"$VMPEEK" --maps "$HPID" --json >"$T/maps.json" || die "--maps --json failed"
json_one "$T/maps.json"
for r in touched untouched partial shared file; do
	s=$(field "$T/h.out" "$r" 2)
	[ -n "$s" ] || { bad "helper printed no $r region"; continue; }
	# search by its address (no 0x) brings the row on screen
	keys /
	typ "$(bare "$s")"
	keys Enter
	wait_for "^0*$(bare "$s")-" 3
	row=$(grep -E "^0*$(bare "$s")-" "$T/screen" | head -1)
	[ -n "$row" ] || { bad "VMA pane has no row for $r ($s)"; continue; }
	# RES SWAP EXCL are the three numbers before the residency bar
	got=$(printf '%s\n' "$row" | sed -nE \
	    's/.* ([0-9]+) +([0-9]+) +([0-9]+) [#SG.]{10} .*/\1 \2 \3/p')
	want=$(jq -r --arg s "$s" '.[] | select(.start == $s) |
	    "\(.present) \(.swapped) \(.exclusive)"' "$T/maps.json")
	if [ "$got" = "$want" ]; then
		ok "VMA $r: RES SWAP EXCL = $got as --maps --json"
	else
		bad "VMA $r: screen '$got' vs --maps --json '$want'"
	fi
done
keys g
save vmas

# hostile file name: ESC and newline shown escaped, never raw (the
# detail line under the list shows the whole path of the selected VMA)
keys /
typ evil
keys Enter
sleep 0.3
if wait_for 'evil\\033\[31m\\nname' 3; then
	ok "hostile file name shown escaped"
else
	bad "hostile file name not shown as evil\\033[31m\\nname"
fi
if tm capture-pane -p -e | grep -q "$(printf '\033')\[31mname"; then
	bad "raw escape sequence from a file name reached the terminal"
else
	ok "no raw ESC from the file name reached the terminal"
fi

# search by an address inside a VMA (0x form) selects the VMA holding it
s=$(field "$T/h.out" shared 2)
keys /
typ "$(printf '0x%x' $(( s + 3 * PS + 5 )))"
keys Enter
wait_for "^ *$(bare "$s")-.*rw-s" 3 &&
    ok "search 0x<address inside> finds its VMA" ||
    bad "search by an inner address found nothing"

# ------------------------------------------------------------ page pane
s=$(field "$T/h.out" partial 2)
e=$(field "$T/h.out" partial 3)
keys :
typ "$s"
keys Enter
wait_for "> pages" || die ": $s did not open the page pane"
wait_for "^ *$(bare "$s") " || bad "goto: page $s not on screen"
"$VMPEEK" --translate "$HPID" "$s-$e" --json >"$T/tr.json" ||
    die "--translate --json failed"
json_one "$T/tr.json"
cap >"$T/pages"
n=0
nbad=0
for va in $(jq -r '.[].vaddr' "$T/tr.json"); do
	row=$(grep -E "^0*$(bare "$va") " "$T/pages" | head -1)
	[ -n "$row" ] || { nbad=$((nbad + 1)); echo "no row for $va"; continue; }
	n=$((n + 1))
	present=$(jq -r --arg v "$va" '.[] | select(.vaddr == $v) | .present' \
	    "$T/tr.json")
	pfn=$(jq -r --arg v "$va" '.[] | select(.vaddr == $v) | .pfn' \
	    "$T/tr.json")
	case "$present" in
	true)
		echo "$row" | grep -q ' present ' ||
		    { nbad=$((nbad + 1)); echo "$va: want present: $row"; }
		if [ "$pfn" != null ]; then
			hexpfn=$(printf '%x' "$pfn")
			echo "$row" | grep -q " $hexpfn " ||
			    { nbad=$((nbad + 1)); echo "$va: PFN $hexpfn: $row"; }
		else
			echo "$row" | grep -q ' hidden ' ||
			    { nbad=$((nbad + 1)); echo "$va: want hidden: $row"; }
		fi ;;
	false)
		echo "$row" | grep -Eq ' absent( |$)' ||
		    { nbad=$((nbad + 1)); echo "$va: want absent: $row"; } ;;
	esac
done
if [ "$n" -ge 8 ] && [ "$nbad" -eq 0 ]; then
	ok "page pane: $n rows agree with --translate --json (state, PFN)"
else
	bad "page pane vs --translate: $n rows, $nbad mismatches"
fi
save pages

# goto into a different VMA from the page pane; then an unmapped address
t=$(field "$T/h.out" touched 2)
keys :
typ "$(bare "$t")"
keys Enter
wait_for "^ *$(bare "$t") .* present " || bad "goto from page pane failed"
keys :
typ 0x10
keys Enter
wait_for "address 0x10 is in no VMA: below the first" 3 &&
    ok "goto: mapped address opens its page; unmapped says so" ||
    bad "goto 0x10 did not say it is in no VMA"
# bad input says what is wrong with it, not just "no"
keys :
typ 0x
keys Enter
wait_for "no hex digits after 0x" 3 && ok "goto '0x' says digits are missing" ||
    bad "goto '0x': no helpful message"
keys :
typ 10000000000000000
keys Enter
wait_for "10000000000000000 is past 2\^64" 3 &&
    ok "goto 2^64 says it is past 2^64" || bad "goto 2^64: no 'past 2^64'"
keys :
typ "j<nk"
keys Enter
wait_for "not a hex address: j<nk \(e.g." 3 &&
    ok "goto junk says it is not a hex address, with an example" ||
    bad "goto junk: no 'not a hex address'"
keys :
typ "  $(bare "$t")  "
keys Enter
wait_gone "not a hex address" 3 && wait_for "^ *$(bare "$t") .* present " 1 &&
    ok "goto ignores blanks around a pasted address" ||
    bad "goto with blanks around the address failed"

# n goes round the end of the page pane and says so (it used to stop
# at the last match with "not found")
keys G
keys /
typ present
keys Enter
sleep 0.2
keys n
wait_for "search wrapped to the top" 3 && wait_for " row 1/" 1 &&
    ok "page pane: n wraps from the last match to the first, says so" ||
    bad "page pane: n did not wrap to the top"

# help, generated from the key table
keys '?'
if wait_for "vmpeek help" 3 && wait_for "go to a virtual address" 1 &&
    wait_for "P present" 1; then
	ok "help screen lists keys and flags"
else
	bad "help screen incomplete"
fi
save help
keys Escape
wait_gone "vmpeek help" 3 || bad "Esc did not close help"

# ------------------------------------------------------------ resize
tm resize-window -x 40 -y 10
if wait_for "^[0-9a-f]{12,16} " 3 && ! grep -q "too small" "$T/screen"; then
	ok "40x10 still shows page rows"
	# the PFN is what the pane is for: it outlives STATE when narrow
	grep -Eq "^ADDRESS +PFN " "$T/screen" &&
	    ok "40x10 page pane keeps the PFN column" ||
	    bad "40x10 page pane dropped the PFN column"
else
	bad "40x10 layout broken"
fi
tm resize-window -x 30 -y 8
wait_for "too small" 3 && ok "30x8 says the terminal is too small" ||
    bad "30x8: no 'too small' message"
tm resize-window -x 120 -y 40
wait_for "P present +S swapped" 3 && wait_for "> pages" 1 &&
    ok "back to 120x40 re-lays out" || bad "120x40 after resize broken"

# ------------------------------------------------------------ back out
keys Escape
wait_for "> VMAs" 3 || bad "Esc from pages did not return to VMAs"
# at 80x24 the legend keeps the key to the residency bar
tm resize-window -x 80 -y 24
wait_for "legend: .*bar: # res" 3 && ok "80x24: legend explains the bar" ||
    bad "80x24: the bar's key is cut off the legend"
tm resize-window -x 120 -y 40
wait_for "bar: # resident" 3 || bad "120x40: full legend not back"
# the [stack] view (the README's capture): last rows are [stack] then
# [vsyscall] where the kernel has one
keys G
wait_for "^[0-9a-f]+-[0-9a-f]+ .* \[stack\]$MAPC" 3
if tail -n 6 "$T/screen" | grep -q "\[vsyscall\]"; then keys k; fi
keys Enter
if wait_for " \[stack\] .*pages +row" 3 && wait_for "<-SP" 1; then
	ok "[stack] opens in the stack view with the SP row"
	save stack
else
	bad "[stack] view did not open with an SP row"
fi
keys Escape
wait_for "> VMAs" 3 || bad "Esc from the stack view did not return to VMAs"
keys q
wait_for "vmpeek > processes" 3 && ok "Esc/q back out to the picker" ||
    bad "q from VMAs did not return to the picker"
keys q
wait_for "^exit=0" 5 && ok "q in the picker quits with status 0" ||
    bad "no exit=0 after q"

# ------------------------------------------------------------ target exits
start_helper "$T/h2.out"
HPID2=$REPLY_PID
run "$HPID2"
wait_for "> $HPID2 vmhelper > VMAs" || die "vmpeek PID did not open VMAs"
kill "$HPID2"
wait "$HPID2" 2>/dev/null
HPID2=
if wait_for "process [0-9]+ \(vmhelper\) exited" 5 &&
    wait_for "vmpeek > processes" 1; then
	ok "killing the target returns to the picker with a message"
else
	bad "target exit not handled"
fi
keys Q
wait_for "^exit=0" 5 || bad "Q did not quit with status 0"

# SIGTERM restores the terminal and ends vmpeek
run
wait_for 'vmpeek > processes' || die "picker did not open"
pid=$(pgrep -n -f "^$VMPEEK\$" || true)
if [ -n "$pid" ]; then
	kill -TERM "$pid"
	wait_for "^exit=143" 5 && ok "SIGTERM: vmpeek exits (143), terminal usable" ||
	    bad "SIGTERM: no exit=143"
else
	note_skip "SIGTERM" "pgrep found no vmpeek process to signal"
fi

# ------------------------------------------------------------ huge pages
# A THP: the HUGE column agrees with smaps (read here with awk), the page
# pane folds the 2 MB page into one row that + expands into 512 rows
# whose PFNs agree with --translate --json, and - folds again.
start_helper "$T/h3.out" -T
HPID3=$REPLY_PID
if grep -q '^thp unsupported' "$T/h3.out"; then
	note_skip "THP screens" "$(sed -n 's/^thp unsupported //p' "$T/h3.out")"
else
	ts=$(field "$T/h3.out" thp 2)
	te=$(field "$T/h3.out" thp 3)
	ahp=$(awk -v s="$(bare "$ts")" '
	    $1 ~ /^[0-9a-f]+-[0-9a-f]+$/ { split($1, r, "-"); cur = r[1] }
	    $1 == "AnonHugePages:" && cur == s { print $2; exit }' \
	    "/proc/$HPID3/smaps")
	if [ -z "$ahp" ] || [ "$ahp" -eq 0 ]; then
		note_skip "THP screens" "the MADV_HUGEPAGE region got no huge page (AnonHugePages ${ahp:-?} kB: THP disabled or no free 2 MB block)"
	else
		run "$HPID3"
		wait_for "> $HPID3 vmhelper > VMAs" || die "vmpeek PID did not open VMAs"
		want="THP $(awk -v k="$ahp" 'BEGIN { printf "%.1fM", k / 1024 }')"
		keys /
		typ "$(bare "$ts")"
		keys Enter
		if wait_for "^0*$(bare "$ts")-.* $want " 5; then
			ok "VMA pane HUGE column: '$want' as smaps AnonHugePages $ahp kB"
		else
			bad "no '$want' on the THP VMA row"
		fi
		save vmas-thp
		keys Enter
		wait_for "> pages" 3 || bad "Enter on the THP VMA did not open pages"
		"$VMPEEK" --translate "$HPID3" "$ts-$te" --json >"$T/thp.json" ||
		    die "--translate --json on the THP failed"
		json_one "$T/thp.json"
		pfn0=$(jq -r '.[0].pfn' "$T/thp.json")
		pfn1=$(jq -r '.[1].pfn' "$T/thp.json")
		npages=$(jq -r 'length' "$T/thp.json")
		if wait_for "^0*$(bare "$ts") .* THP 2M +\[\+$npages pages\]" 3 &&
		    grep -q "row 1/1 " "$T/screen" &&
		    ! grep -Eq "^0*$(printf '%x' $(( ts + PS ))) " "$T/screen"; then
			ok "THP folded: one row 'THP 2M [+$npages pages]', row 1/1"
		else
			bad "THP not shown as one folded row"
		fi
		kp0=$(raw_pfn "$HPID3" "$ts")
		if [ "$kp0" != 0 ]; then
			[ "$pfn0" = "$kp0" ] || bad "--translate head PFN $pfn0, pagemap $kp0"
			grep -Eq "^0*$(bare "$ts") +$(printf '%x' "$kp0") " \
			    "$T/screen" && ok "folded row shows the head PFN $(printf '%x' "$kp0")" ||
			    bad "folded row lacks head PFN $(printf '%x' "$kp0")"
		fi
		save pages-thp
		keys +
		a1=$(printf '%x' $(( ts + PS )))
		if wait_for "^0*$a1 .* present " 3 && grep -q "row 1/$npages" "$T/screen"; then
			ok "+ expands the THP into $npages rows"
		else
			bad "+ did not expand the THP"
		fi
		kp1=$(raw_pfn "$HPID3" $((ts + PS)))
		if [ "$kp1" != 0 ]; then
			[ "$pfn1" = "$kp1" ] || bad "--translate row 2 PFN $pfn1, pagemap $kp1"
			grep -Eq "^0*$a1 +$(printf '%x' "$kp1") " "$T/screen" &&
			    ok "expanded row 2 has PFN $(printf '%x' "$kp1") as pagemap" ||
			    bad "expanded row 2 PFN differs from pagemap ($kp1)"
		fi
		keys j j -
		if wait_for "row 1/1 " 3 && wait_gone "^0*$a1 " 1; then
			ok "- folds the THP back into one row"
		else
			bad "- did not fold the THP"
		fi
		keys Q
		wait_for "^exit=0" 5 || bad "Q did not quit with status 0"
	fi
fi
kill "$HPID3" 2>/dev/null
HPID3=

# ------------------------------------------------------------ thread stacks
# threadhelper's second thread blocks in pause(); the VMA holding the
# address of one of its locals must be labelled [stack:TID] and open in
# the stack view with the SP row marked.
if [ ! -x "$THREADHELPER" ]; then
	note_skip "thread stack screens" "no $THREADHELPER"
else
	"$THREADHELPER" >"$T/t.out" 2>&1 &
	HPID4=$!
	_i=0
	until grep -qx ready "$T/t.out" 2>/dev/null; do
		_i=$((_i + 1))
		[ "$_i" -le 100 ] || die "threadhelper not ready"
		sleep 0.05
	done
	tid=$(field "$T/t.out" thread 2)
	loc=$(field "$T/t.out" thread 3)
	# the thread must be blocked for its SP to be readable
	_i=0
	until ! grep -q running "/proc/$HPID4/task/$tid/syscall" 2>/dev/null; do
		_i=$((_i + 1))
		[ "$_i" -le 50 ] || break
		sleep 0.05
	done
	run "$HPID4"
	wait_for "> $HPID4 threadhelper > VMAs" || die "vmpeek did not open threadhelper"
	# (under ASan the map is long: search by the local's address)
	rs=
	re=
	keys /
	typ "$(bare "$loc")"
	keys Enter
	if wait_for " \[stack:$tid\]$MAPC" 3; then
		row=$(grep -E " \[stack:$tid\]$MAPC" "$T/screen" | head -1)
		rs=$(printf '%s' "$row" | sed -E 's/^([0-9a-f]+)-.*/\1/')
		re=$(printf '%s' "$row" | sed -E 's/^[0-9a-f]+-([0-9a-f]+) .*/\1/')
		if [ $((0x$rs <= loc)) -eq 1 ] && [ $((loc < 0x$re)) -eq 1 ]; then
			ok "thread $tid's stack labelled [stack:$tid] ($rs-$re holds its local $loc)"
		else
			bad "[stack:$tid] is $rs-$re, but the thread's local is at $loc"
		fi
	else
		bad "no [stack:$tid] label for the second thread"
	fi
	# guard-gap pseudo-row sits right above [stack] and ends where it starts
	gap=$((256 * PS))
	g=$(sed -n 's/.*stack_guard_gap=\([0-9]*\).*/\1/p' /proc/cmdline)
	[ -n "$g" ] && gap=$((g * PS))
	keys G
	wait_for " \[stack\]$MAPC" 3
	gl=$(grep -n "guard gap .* below \[stack\]" "$T/screen" | head -1)
	sl=$(grep -nE " \[stack\]$MAPC" "$T/screen" | grep -v "guard gap" | head -1)
	gs=$(printf '%s' "$gl" | sed -E 's/^[0-9]+:([0-9a-f]+)-([0-9a-f]+) .*/\1/')
	ge=$(printf '%s' "$gl" | sed -E 's/^[0-9]+:([0-9a-f]+)-([0-9a-f]+) .*/\2/')
	ss=$(printf '%s' "$sl" | sed -E 's/^[0-9]+:([0-9a-f]+)-.*/\1/')
	if [ -n "$gl" ] && [ -n "$sl" ] &&
	    [ "${gl%%:*}" -eq $(( ${sl%%:*} - 1 )) ] &&
	    [ "$ge" = "$ss" ] && [ $((0x$ge - 0x$gs)) -eq "$gap" ]; then
		ok "guard gap row ($gap bytes) right below [stack] at $ss"
	else
		bad "guard gap row missing or wrong (gap '$gl', stack '$sl', want $gap bytes)"
	fi
	save vmas-stack
	# open the thread stack: the stack view with SP and the guard page band
	[ -n "$rs" ] || rs=0
	[ -n "$re" ] || re=0
	keys /
	typ "$rs-"
	keys Enter
	sleep 0.2
	keys Enter
	if wait_for "\[stack:$tid\] .*pages" 3 && wait_for "thread $tid's stack" 1 &&
	    wait_for "<-SP" 1 && wait_for "below: guard page" 1; then
		sp=$(sed -nE 's/.*SP ([0-9a-f]+):.*/\1/p' "$T/screen" | head -1)
		if [ -n "$sp" ] && [ $((0x$rs <= 0x$sp)) -eq 1 ] && [ $((0x$sp < 0x$re)) -eq 1 ]; then
			ok "thread stack view: SP $sp inside [stack:$tid], SP row and guard page shown"
		else
			bad "thread stack view SP '$sp' not in $rs-$re"
		fi
	else
		bad "thread stack view incomplete"
	fi
	save stack-thread
	keys Q
	wait_for "^exit=0" 5 || bad "Q did not quit with status 0"
	kill "$HPID4" 2>/dev/null
	HPID4=
fi

# ------------------------------------------------------------ non-root
# As nobody: the own process's PFNs read "hidden" with the reason on the
# status line; root's process is explained in place, not a blank pane.
NOBODY="setpriv --reuid=65534 --regid=65534 --clear-groups"
if [ "$(id -u)" != 0 ] || ! $NOBODY true 2>/dev/null; then
	note_skip "non-root panes" "needs root and setpriv to run as nobody"
else
	D=$(mktemp -d "${TMPDIR:-/tmp}/vmpeek-nobody.XXXXXX")
	chmod 755 "$D"
	cp "$VMPEEK" "$VMHELPER" "$D/"
	chmod 755 "$D/vmpeek" "$D/vmhelper"
	$NOBODY "$D/vmhelper" >"$T/hn.out" 2>&1 &
	HPID3=$!
	_i=0
	until grep -qx ready "$T/hn.out" 2>/dev/null || [ "$_i" -ge 200 ]; do
		_i=$((_i + 1))
		sleep 0.05
	done
	t=$(field "$T/hn.out" touched 2)
	NPID=$(field "$T/hn.out" pid 2)
	tm kill-server >/dev/null 2>&1
	sleep 0.2
	tm new-session -d -x 120 -y 40 \
	    "sh -c '$NOBODY $D/vmpeek \"\$0\"; echo exit=\$?; sleep 30' $NPID"
	if wait_for "> $NPID vmhelper > VMAs" 5; then
		keys :
		typ "$t"
		keys Enter
		if wait_for "^ *$(bare "$t") +hidden +hidden P " 3 &&
		    wait_for "PFN hidden: the kernel shows frame numbers only to CAP_SYS_ADMIN" 1; then
			ok "nobody: own process's PFNs read hidden, the status line says why"
		else
			bad "nobody: PFN not shown as hidden with a reason"
		fi
		keys q q
		wait_for "vmpeek > processes" 3 || bad "nobody: q q did not reach the picker"
		keys /
		typ "$HPID"
		keys Enter
		if wait_for "Cannot inspect process $HPID" 3 &&
		    wait_for "permission denied" 1; then
			ok "nobody: root's process explains the permission problem in place"
		else
			bad "nobody: opening root's process is not explained"
		fi
		keys Escape
		wait_for "vmpeek > processes" 3 &&
		    wait_for "^ *$HPID root .*not readable: permission denied" 1 &&
		    ok "nobody: picker marks root's process as not readable" ||
		    bad "nobody: root's process not marked in the picker"
		keys Q
	else
		bad "nobody: vmpeek did not open its own helper"
	fi
	kill "$HPID3" 2>/dev/null
	HPID3=
	rm -rf "$D"
fi

echo "$CHECKS checks, $FAILS failed"
[ -n "$NOTES" ] && echo "parts skipped on this machine:$NOTES"
[ "$FAILS" -eq 0 ]
