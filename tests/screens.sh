#!/bin/sh
# screens.sh: doc/screens/*.txt made by driving the TUI over a fixed tree.
#
# tests/screenfx writes two made-up processes (maps, smaps, a binary
# pagemap, kpageflags, ...; see tests/screenfx.c) into a scratch /proc
# tree, next to a copy of tests/fixtures/proc; vmpeek --proc=TREE runs in
# a private tmux server at 120x40 and each screen is captured as text
# (trailing blanks cut). Nothing comes from a live process, so there are
# no PIDs, addresses or PFNs to normalise: the same tree gives the same
# screens on every run. The raw entry each page screen shows is checked
# against the tree's pagemap read with od.
#
#   screens.sh          (make check) make the screens in a scratch dir and
#                       fail, showing the diff, when any differs from
#                       $top_srcdir/doc/screens
#   screens.sh -o DIR   (make screens) write them to DIR, with DIR/README
#
# What vmpeek shows also depends on the machine, not on the tree: the
# kernel version (which pagemap bits it can tell), soft-dirty support,
# CAP_SYS_ADMIN (PFNs shown or "hidden"), the page size and the THP size.
# Those are probed here, independently of vmpeek, and recorded in
# doc/screens/README; on a machine that differs the check skips, saying
# how, since the screens would rightly differ.
#
# Env: VMPEEK, VMHELPER (its directory holds screenfx), FIXTURES,
# top_srcdir: set by make check. SCREENFX names the generator explicitly.
set -u

: "${VMPEEK:?VMPEEK must name the vmpeek binary}"
: "${VMHELPER:?VMHELPER must name tests/vmhelper}"
: "${SCREENFX:=$(dirname "$VMHELPER")/screenfx}"
: "${FIXTURES:?FIXTURES must name tests/fixtures}"
: "${top_srcdir:=.}"

OUT=
while getopts o: opt; do
	case $opt in
	o) OUT=$OPTARG ;;
	*) echo "usage: screens.sh [-o DIR]" >&2; exit 2 ;;
	esac
done
REF=$top_srcdir/doc/screens
COLS=120
ROWS=40
SCREENS="picker help picker-tree vmas vmas-thp pages-thp pages stack vmas-stack stack-thread"

LC_ALL=C
export LC_ALL

if ! command -v tmux >/dev/null 2>&1; then
	echo "SKIP: tmux is not installed (the screens are captured from tmux)"
	exit 77
fi

unset TMUX
SOCK=vmpeek-screens-$$
T=$(mktemp -d "${TMPDIR:-/tmp}/vmpeek-screens.XXXXXX") || exit 99
tm() { tmux -L "$SOCK" -f /dev/null "$@"; }
cleanup() {
	tm kill-server >/dev/null 2>&1
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 99' INT TERM HUP

fail() {
	echo "FAIL: $*"
	if [ -f "$T/screen" ]; then
		echo "---- screen:"
		sed 's/^/| /' "$T/screen"
		echo "----"
	fi
	exit 1
}

# ------------------------------------------------------------ the machine
# A version as a number: 6.16 -> 6016.
vnum() { echo "$1" | sed -nE 's/^([0-9]+)\.([0-9]+).*/\1 \2/p' |
    awk '{ print $1 * 1000 + $2 }'; }

# The oldest release with every pagemap feature this kernel has: kernels
# between two of these read the same (3.11 soft-dirty layout, 4.2
# exclusive, 5.14/5.17 uffd-wp, 6.7/6.8 PAGEMAP_SCAN, 6.13-6.16 guard).
kernel_class() {
	_v=$(vnum "$(uname -r)")
	_c="older than 3.11"
	for _t in 3.11 4.2 5.14 5.17 6.7 6.8 6.13 6.15 6.16; do
		[ "${_v:-0}" -ge "$(vnum "$_t")" ] && _c="$_t or later"
	done
	echo "$_c"
}

# Soft-dirty: a new mapping carries VmFlags sd exactly when the kernel has
# CONFIG_MEM_SOFT_DIRTY (awk's own smaps).
soft_dirty() {
	awk '/^VmFlags:/ && / sd( |$)/ { f = 1 } END { print f ? "yes" : "no" }' \
	    /proc/self/smaps 2>/dev/null
}

# CAP_SYS_ADMIN (bit 21) in the effective set: PFNs shown.
sys_admin() {
	_c=$(awk '$1 == "CapEff:" { print $2 }' /proc/self/status)
	[ -n "$_c" ] && [ $(( (0x$_c >> 21) & 1 )) -eq 1 ] && echo yes ||
	    echo no
}

machine() {
	_pmd=$(cat /sys/kernel/mm/transparent_hugepage/hpage_pmd_size \
	    2>/dev/null || echo 2097152)
	printf 'kernel %s, soft-dirty %s, CAP_SYS_ADMIN %s, page size %s, THP %s\n' \
	    "$(kernel_class)" "$(soft_dirty)" "$(sys_admin)" \
	    "$(getconf PAGESIZE)" "$_pmd"
}

HERE=$(machine)
if [ -z "$OUT" ]; then
	[ -d "$REF" ] || fail "no $REF to compare with"
	THEN=$(sed -n 's/^Made on: //p' "$REF/README" 2>/dev/null)
	[ -n "$THEN" ] ||
	    fail "doc/screens/README has no 'Made on:' line (make screens writes it)"
	if [ "$THEN" != "$HERE" ]; then
		echo "SKIP: doc/screens were made on: $THEN; here: $HERE; vmpeek's screens rightly differ (make screens, to look)"
		exit 77
	fi
fi

# ------------------------------------------------------------ the tree
R=$T/proc
"$SCREENFX" "$R" || fail "screenfx could not write the tree"
# Copies, not links: the picker's USER is the owner of each directory.
for e in "$FIXTURES"/proc/*; do
	cp -R "$e" "$R/" || fail "cannot copy $e"
done

# ------------------------------------------------------------ tmux
cap() { tm capture-pane -p; }
keys() { tm send-keys "$@"; }
typ() { tm send-keys -l -- "$1"; }

# wait_for ERE [SECONDS]: poll the screen until a line matches.
wait_for() {
	_n=$(( ${2:-20} * 10 ))
	while [ "$_n" -gt 0 ]; do
		cap >"$T/screen" 2>/dev/null
		grep -Eq -- "$1" "$T/screen" && return 0
		sleep 0.1
		_n=$((_n - 1))
	done
	return 1
}

# The VMA pane still counting pages or reading smaps in the background.
BUSY=' counting|   smaps [0-9]+/[0-9]+'

# shot NAME ERE...: wait until every ERE is on screen, nothing is BUSY and
# the screen holds still (two captures alike), then keep it as NAME.
shot() {
	_name=$1
	shift
	for _re in "$@"; do
		wait_for "$_re" || fail "$_name: never showed /$_re/"
	done
	_n=0
	: >"$T/prev"
	until cap >"$T/screen" && ! grep -Eq -- "$BUSY" "$T/screen" &&
	    cmp -s "$T/screen" "$T/prev"; do
		cp "$T/screen" "$T/prev"
		_n=$((_n + 1))
		[ "$_n" -le 100 ] || fail "$_name: the screen never held still"
		sleep 0.2
	done
	for _re in "$@"; do
		grep -Eq -- "$_re" "$T/screen" || fail "$_name: lost /$_re/"
	done
	sed 's/[[:space:]]*$//' "$T/screen" >"$T/out/$_name.txt"
}

# run ARGS: vmpeek --proc=TREE ARGS in a fresh session; the shell line
# keeps the pane open so the exit status can be read.
run() {
	tm kill-server >/dev/null 2>&1
	_i=0
	until tm new-session -d -x "$COLS" -y "$ROWS" \
	    "NO_COLOR=1 sh -c '\"\$0\" \"\$@\"; echo exit=\$?; sleep 30' '$VMPEEK' --proc='$R' $*" \
	    2>/dev/null; do
		_i=$((_i + 1))
		[ "$_i" -le 50 ] || fail "tmux new-session failed"
		sleep 0.1
	done
}

quit() {
	keys Q
	wait_for "^exit=0" || fail "vmpeek did not quit with status 0"
}

mkdir "$T/out"

# picker: every process of the tree, by RSS; then help over it
run
shot picker "vmpeek > processes" "^ +4242 " "^ +600 "
keys '?'
shot help "vmpeek help" "P present"
keys Escape
wait_for "vmpeek > processes" || fail "Esc did not close help"
# the process tree (t): children under their parent
keys t
shot picker-tree "tree \(t\)" "^ +4242 " "\`- "
quit

# vmhelper: VMA list, the THP, its folded page row, mixed pages, [stack]
run 4242
shot vmas "> 4242 vmhelper > VMAs" "THP 2.0M \(anonymous\)" "^ Rss "
keys /
typ 7f3e5c000000
keys Enter
shot vmas-thp "^ anon 2.0M, 512 pages" "THP-eligible"
keys Enter
shot pages-thp "> pages" "THP 2M +\[\+512 pages\]" "^ kpageflags "
keys :
typ 7f3e5c802000
keys Enter
shot pages "^ 7f3e5c802000-7f3e5c812000 " "^7f3e5c802000 .* present" \
    "^ kpageflags "
keys Escape
wait_for "> VMAs" || fail "Esc did not return to the VMA list"
# (by its start: "[stack]" is also in the guard gap row above it)
keys /
typ 7ffc8a9c3000-
keys Enter
keys Enter
shot stack " \[stack\] .*pages +row" "<-SP" "^ below: guard gap"
quit

# threadhelper: a thread's stack labelled, the guard gap row; its stack
run 4300
shot vmas-stack-top "> 4300 threadhelper > VMAs" "\[stack:4302\]" "^ Rss "
keys G
shot vmas-stack "guard gap 1.0M below \[stack\]" "^ vsyscall"
keys /
typ 7f5a2b400000-
keys Enter
keys Enter
shot stack-thread "thread 4302's stack" "<-SP" "^ below: guard page"
quit
rm -f "$T/out/vmas-stack-top.txt"

# Each page screen's detail line names a page and its raw entry: it must be
# the u64 at vaddr / 4096 * 8 of the tree's pagemap (read here with od), so
# vmpeek reads a pagemap under --proc as it reads the kernel's.
for sp in pages:4242 pages-thp:4242 stack:4242 stack-thread:4300; do
	s=${sp%%:*}
	pid=${sp#*:}
	set -- $(sed -nE 's/.* ([0-9a-f]+) raw ([0-9a-f]+):.*/\1 \2/p' \
	    "$T/out/$s.txt")
	[ $# -eq 2 ] || fail "$s: no 'ADDR raw ENTRY' detail line"
	want=$(od -An -tx8 -j $(( 0x$1 / 4096 * 8 )) -N8 "$R/$pid/pagemap" |
	    tr -d ' ')
	[ "$2" = "$want" ] ||
	    fail "$s: page $1 shows raw $2, the tree's pagemap holds $want"
	echo "ok - $s: raw entry of $1 is the tree's u64 at offset $(( 0x$1 / 4096 * 8 ))"
done

# ------------------------------------------------------------ result
if [ -n "$OUT" ]; then
	mkdir -p "$OUT" || exit 1
	for s in $SCREENS; do
		cp "$T/out/$s.txt" "$OUT/" || exit 1
	done
	cat >"$OUT/README" <<EOF
These screens are made by tests/screens.sh (make screens): vmpeek's TUI at
${COLS}x${ROWS} over the made-up /proc tree that tests/screenfx.c writes, captured
from tmux as text. Don't edit them; make check fails when the TUI no longer
draws them so. When the UI changes on purpose, run make screens and commit.

Made on: $HERE
EOF
	echo "wrote $(echo "$SCREENS" | wc -w) screens to $OUT"
	exit 0
fi

bad=0
for s in $SCREENS; do
	if ! diff -u "$REF/$s.txt" "$T/out/$s.txt" >"$T/diff"; then
		echo "FAIL: $s differs from doc/screens/$s.txt:"
		cat "$T/diff"
		bad=$((bad + 1))
	else
		echo "ok - $s matches doc/screens/$s.txt"
	fi
done
for f in "$REF"/*.txt; do
	s=$(basename "$f" .txt)
	case " $SCREENS " in
	*" $s "*) ;;
	*) echo "FAIL: doc/screens/$s.txt is made by nothing"; bad=$((bad + 1)) ;;
	esac
done
if [ "$bad" -ne 0 ]; then
	echo "$bad screens differ: if the UI changed on purpose, run make screens"
	exit 1
fi
exit 0
