#!/bin/sh
# teachshots.sh: the class guide's captures, doc/teaching/NN-name.txt: each
# vmpeek-lab step run phase by phase, and what vmpeek shows of each phase
# (--translate and --compare text, and the page pane in tmux with its watch
# marks). They hold live PFNs, so nothing compares them: `make teaching`
# rewrites them on the machine at hand (tests/teachdoc.sh checks that the
# guide and the captures still match the lab's steps).
#
# teachshots.sh [-o DIR] [STEP...]   (default DIR doc/teaching, every step)
. "${srcdir:-$(dirname "$0")/..}/tests/lib.sh"

: "${VMPEEK_LAB:=$PWD/src/vmpeek-lab}"
OUT=doc/teaching
if [ "$1" = -o ]; then
	OUT=$2
	shift 2
fi
need jq mkfifo
. "${srcdir:-$(dirname "$0")/..}/tests/tmux.sh"
mkdir -p "$OUT" || fail "cannot create $OUT"
PS=$(getconf PAGESIZE)
# a page pane refresh every half second: a phase's change shows its ~ mark
# for three refreshes; the capture waits for it
DELAY=0.5

# As root the swap step adds its own swap file (and removes it); the list
# then says whether the step can run here. Swap is global: take the lock
# tests/swap.sh and tests/lab.sh hold while they change it.
MAKESWAP=
if [ "$(id -u)" = 0 ]; then
	MAKESWAP=--make-swap
	exec 8>>/var/tmp/vmpeek-swap-test.lock || fail "cannot open the swap lock"
	flock -w 600 8 || fail "another swap test held the swap lock for 10 min"
fi
shots_cleanup() {
	exec 9>&- 2>/dev/null
	tui_stop
	# a swap file the lab made must never outlive the run
	for f in "$TMPD"/vmpeek-lab-swap.*; do
		[ -e "$f" ] || continue
		swapoff "$f" 2>/dev/null
		rm -f "$f"
	done
	cleanup
}
trap shots_cleanup EXIT

"$VMPEEK_LAB" --list --json $MAKESWAP >"$TMPD/list" ||
	fail "vmpeek-lab --list --json failed"
WHO="as root"
[ "$(id -u)" = 0 ] || WHO="as $(id -un) (not root: no PFNs)"
MACHINE="Linux $(uname -r) ($(uname -m)), $WHO"

# ---------------------------------------------------------------- driver
. "${srcdir:-$(dirname "$0")/..}/tests/labfifo.sh"

# next_phase: the next JSON line into J (20 s at most); 1 when the lab
# has ended instead
next_phase() {
	lab_next 20
	_r=$?
	[ $_r != 2 ] || fail "no phase line $LAB_N after 20 s"
	return $_r
}

# shown CMD...: "$ vmpeek ARGS" and its output; a long listing keeps its
# first 12 and last 4 lines (a THP is 512 of them)
shown() {
	printf '$ vmpeek'
	printf ' %s' "$@"
	printf '\n'
	"$VMPEEK" "$@" >"$TMPD/cmd" 2>&1
	_n=$(wc -l <"$TMPD/cmd")
	if [ "$_n" -gt 20 ]; then
		head -n 12 "$TMPD/cmd"
		echo "  ... ($((_n - 16)) more lines) ..."
		tail -n 4 "$TMPD/cmd"
	else
		cat "$TMPD/cmd"
	fi
	echo
}

# pane_to ADDR: the page pane at ADDR (':' goes to an address). An
# address vmpeek's VMA list does not know yet (the stack grew): back to
# the VMA pane, re-read it (r), and go again.
pane_to() {
	tui_goto "${1#0x}"
	tui_wait "^${1#0x} " 3 && return 0
	tui_keys Escape
	sleep 0.3
	tui_keys r
	sleep 0.3
	tui_goto "${1#0x}"
	tui_wait "^${1#0x} " 10 ||
		tui_fail "the page pane did not open at $1"
}

# screen: the TUI as it is now, blank rows left out, framed
screen() {
	tui_screen | sed -e '/^ *$/d' -e 's/^/| /'
}

# a change mark in the MARKS column: ~ and the flags that changed, * for
# the frame
MARK=' ~[PSFXDUG*]+( |$)'
# settle: wait (3 s at most) until no row carries a change mark
settle() {
	_n=30
	while [ $_n -gt 0 ] && tui_screen | grep -Eq -- "$MARK"; do
		sleep 0.1
		_n=$((_n - 1))
	done
}

wrap() { fold -s -w 76 | sed 's/^/  /'; }

# ---------------------------------------------------------------- a step
shoot_step() {
	N=$1 NAME=$2 TITLE=$3 SKIP=$4
	F=$OUT/$(printf '%02d' "$N")-$NAME.txt
	{
		echo "vmpeek-lab step $N, $NAME: $TITLE"
		echo "Captured by tests/teachshots.sh (make teaching) on $MACHINE."
		echo "PFNs, addresses and PIDs are this run's: yours will differ."
		echo
	} >"$F"
	if [ "$SKIP" != null ]; then
		echo "skipped: $SKIP" >>"$F"
		note_skip "$NAME" "$SKIP"
		return
	fi
	_sw=
	[ "$NAME" = swap ] && _sw=$MAKESWAP
	lab_start "$NAME" --dir "$TMPD" --step "$N-$N" $_sw
	NAV='' TUI=0 K=0
	while next_phase; do
		[ "$(jf .skipped)" = null ] || {
			echo "skipped: $(jf .skipped)" >>"$F"
			note_skip "$NAME" "$(jf .skipped)"
			break
		}
		K=$((K + 1))
		P=$(jf .pid) C=$(jf .child) S=$(jf .start) E=$(jf .end)
		if [ $TUI = 0 ]; then
			tui_start "-d $DELAY $P"
			tui_wait "vmpeek-lab" 10 || tui_fail "vmpeek did not open PID $P"
			TUI=1
		fi
		# the pane goes to the first range, or to the second when it
		# lies inside the first: the part the phase is about (the
		# stack's new pages, the fault-around block)
		TO=$S
		if [ "$(jf '.ranges | length')" -gt 1 ]; then
			R1=$(jf '.ranges[1][0]') R1E=$(jf '.ranges[1][1]')
			[ $((R1)) -lt $((S)) ] || [ $((R1E)) -gt $((E)) ] || TO=$R1
		fi
		[ "$NAV" = "$TO" ] || pane_to "$TO"
		NAV=$TO
		# a refresh or two must see the phase's change: wait for its
		# ~ marks (a phase that changes no row on screen has none)
		tui_wait "$MARK" 3 || :
		{
			echo "== phase $K: $(jf .phase) (PID $P$([ "$C" = null ] || echo ", child $C")) =="
			echo "The lab expects:"
			jf .expect | wrap
			echo
			echo "The page pane (vmpeek -d $DELAY $P, then : $TO):"
			screen
			echo
			# the ranges the pane is not at, as text
			printf '%s\n' "$J" | jq -r --arg to "$TO" '.ranges[] |
				select(.[0] != $to) | "\(.[0])-\(.[1])"' |
			while read -r r; do
				shown --translate "$P" "$r"
			done
			[ "$C" = null ] || shown --compare "$P" "$C" "$S-$E"
		} >>"$F"
		# the next phase's marks must be its own: let these fade first
		settle
		echo >&9
	done
	exec 9>&-
	wait "$LAB"
	_rc=$?
	[ $_rc = 0 ] || fail "$NAME: the lab exited $_rc: $(tail -n 3 "$LAB_ERR")"
	tui_stop
	[ "$K" -gt 0 ] || grep -q '^skipped: ' "$F" ||
		fail "$NAME: no phase captured"
	ok "$NAME: $K phases captured in $F"
}

# what this machine can show: the guide's zero-page and permission notes
{
	echo "vmpeek --caps, captured by tests/teachshots.sh (make teaching) on $MACHINE."
	echo
	"$VMPEEK" --caps
} >"$OUT/caps.txt" 2>&1 || fail "vmpeek --caps failed"
ok "caps.txt written"

jq -r '"\(.step)\t\(.name)\t\(.title)\t\(.skipped // "null")"' "$TMPD/list" \
	>"$TMPD/steps"
while IFS='	' read -r n name title skip; do
	if [ $# -gt 0 ]; then
		case " $* " in *" $n "* | *" $name "*) ;; *) continue ;; esac
	fi
	shoot_step "$n" "$name" "$title" "$skip" </dev/null
done <"$TMPD/steps"
[ "$PS" = 4096 ] || note_skip "page size" "the guide's text assumes 4 KiB pages (this machine: $PS)"
summary
