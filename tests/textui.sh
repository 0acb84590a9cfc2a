#!/bin/sh
# textui.sh: names as text — a file name with UTF-8, an invalid byte and a
# C1 control in --maps text under C.UTF-8 and C, in JSON (U+FFFD and
# path_hex), and on screen under tmux; the VMA pane's path column at 120
# and 200 columns; the picker's command lines and process tree.
#
# Env: VMPEEK, VMHELPER (set by make check).
. "${top_srcdir:-.}/tests/lib.sh"
need tmux jq od

unset TMUX
SOCK=vmpeek-textui-$$
tm() { tmux -L "$SOCK" -f /dev/null "$@"; }
trap 'tm kill-server >/dev/null 2>&1; cleanup' EXIT

# A UTF-8 locale, probed with the C library's own list (not vmpeek).
U8=
for l in C.UTF-8 C.utf8 en_US.UTF-8 en_US.utf8; do
	if locale -a 2>/dev/null | grep -qix "$l"; then
		U8=$l
		break
	fi
done

# run COLS CMD...: a fresh tmux with one pane running CMD (kept open).
run() {
	_w=$1
	shift
	tm kill-server >/dev/null 2>&1
	_i=0
	until tm new-session -d -x "$_w" -y 40 \
	    "$* ; echo exit=\$?; sleep 30" 2>/dev/null; do
		_i=$((_i + 1))
		[ "$_i" -le 30 ] || fail "tmux new-session failed"
		sleep 0.1
	done
}
# cap: the screen as UTF-8 text (tmux writes cells in the client's
# locale: under C it would replace characters with '_')
cap() { LC_ALL=${U8:-C} tm capture-pane -p; }
wait_for() {
	_n=$(( ${2:-10} * 10 ))
	while [ "$_n" -gt 0 ]; do
		cap >"$TMPD/screen" 2>/dev/null
		grep -Eq -- "$1" "$TMPD/screen" && return 0
		sleep 0.1
		_n=$((_n - 1))
	done
	echo "---- screen (waiting for $1):"
	sed 's/^/| /' "$TMPD/screen"
	return 1
}
# settled: the VMA pane's counts and smaps are all in (columns final)
settled() {
	_n=200
	while [ "$_n" -gt 0 ]; do
		cap >"$TMPD/screen" 2>/dev/null
		grep -q '^START-END' "$TMPD/screen" &&
		    ! grep -Eq 'counting|smaps [0-9]' "$TMPD/screen" && return 0
		sleep 0.1
		_n=$((_n - 1))
	done
	fail "the VMA pane never finished counting"
}
keys() { tm send-keys "$@"; }
# row ADDR: bring the VMA holding 0xADDR on screen (a sanitizer build
# has more VMAs than a screen), wait for its row
row_of() {
	wait_for '^START-END' || fail "no VMA pane"
	keys /
	tm send-keys -l -- "${1#0x}"
	keys Enter
	wait_for "^0*${1#0x}-"
}
# vis TEXT: TEXT for a message (lib.sh echoes: dash would turn "\342"
# into a byte)
vis() { printf '%s' "$1" | sed 's/\\/\\\\/g'; }
# same WHAT GOT WANT: expect_eq for text holding backslashes
same() {
	[ "$2" = "$3" ] || fail "$1: got '$(vis "$2")', want '$(vis "$3")'"
	ok "$1"
}
typ() { tm send-keys -l -- "$1"; }

# --------------------------------------------------------- the names
# The file name, byte by byte: "snow", U+2603 (e2 98 83), "-", 0xff
# (invalid), "-", U+4E2D (e4 b8 ad, two columns), "-", U+009B (c2 9b).
mkdir "$TMPD/files"
start_helper "$TMPD/h.out" "$VMHELPER" -d "$TMPD/files" -8
HP=$HELPER_PID
start=$(hfield "$TMPD/h.out" utf8 2)
[ -n "$start" ] || fail "the helper mapped no utf8 file: $(cat "$TMPD/h.out")"
name=$(printf 'snow\342\230\203-\377-\344\270\255-\302\233')
[ -e "$TMPD/files/$name" ] || fail "no file $TMPD/files/<name> (printf?)"
path=$TMPD/files/$name
row() { grep "^0x0*${start#0x} " "$TMPD/$1.out" | sed 's/.*  //'; }

# C: every non-ASCII byte escaped, as before
run_vmpeek c_maps --maps "$HP"
want="$TMPD/files/snow\\342\\230\\203-\\377-\\344\\270\\255-\\302\\233"
same "--maps under C: the path, every non-ASCII byte escaped" "$(row c_maps)" "$want"

if [ -n "$U8" ]; then
	LC_ALL=$U8 run_vmpeek u_maps --maps "$HP"
	want="$TMPD/files/$(printf 'snow\342\230\203-\\377-\344\270\255-\\302\\233')"
	same "--maps under $U8: snowman and CJK as text, 0xff and U+009B escaped" \
	    "$(row u_maps)" "$want"
else
	note_skip "--maps under a UTF-8 locale" "locale -a lists no C.UTF-8 or en_US.UTF-8"
fi

# JSON: the same in any locale; U+FFFD for 0xff, path_hex = the bytes
run_vmpeek c_json --maps "$HP" --json
if [ -n "$U8" ]; then
	LC_ALL=$U8 run_vmpeek u_json --maps "$HP" --json
	# (the names only: counts may move between two runs, e.g. a
	# sanitizer's allocator in the helper)
	names() { jq -c '[.[] | [.start, .path, .path_hex]]' "$1"; }
	[ "$(names "$TMPD/c_json.out")" = "$(names "$TMPD/u_json.out")" ] ||
	    fail "--json names differ between C and $U8"
	ok "--json names are the same under C and $U8"
fi
got=$(jq -r --arg s "$start" '.[] | select(.start == $s) | .path' \
    "$TMPD/c_json.out" | od -An -tx1 | tr -d ' \n')
# "snow" U+2603 "-" U+FFFD "-" U+4E2D "-" U+009B, then jq's newline
want=$(printf '%s/snow\342\230\203-\357\277\275-\344\270\255-\302\233\n' \
    "$TMPD/files" | od -An -tx1 | tr -d ' \n')
expect_eq "--json path: U+FFFD for the invalid byte, the rest as is" "$got" "$want"
got=$(jq -r --arg s "$start" '.[] | select(.start == $s) | .path_hex' \
    "$TMPD/c_json.out")
want=$(printf '%s' "$path" | od -An -tx1 | tr -d ' \n')
expect_eq "--json path_hex: the file name's exact bytes" "$got" "$want"
n=$(jq '[.[] | select(has("path_hex"))] | length' "$TMPD/c_json.out")
expect_eq "--json: path_hex only on the invalid name" "$n" 1
grep -q '\\u00ff' "$TMPD/c_json.out" && fail "--json still writes \\u00ff"
run_vmpeek t_json --translate "$HP" "$start" --json
got=$(jq -r '.[0].vma.path_hex' "$TMPD/t_json.out")
expect_eq "--translate --json: vma.path_hex" "$got" "$want"

# --------------------------------------------------------- on screen
# A VMA row without the minimap's column at the right edge (its '>' and
# band character, after a blank column): MAPW columns in all.
MAPW=2
nomap() { sed -E 's/ +>?[#+.S:]?$//'; }
vma_row() {
	grep -E "^0*${start#0x}-" "$TMPD/screen" | head -1 | nomap
}
# path_shown WANT: the path cell of the utf8 row is WANT, or "..." and a
# tail of WANT (the column is narrower when a sanitizer's mappings keep
# the HUGE column); the tail is left in $tail
path_shown() {
	_cell=$(vma_row | sed 's/.* //')
	case $_cell in
	...*) tail=${_cell#...} ;;
	*) tail=$_cell ;;
	esac
	case $1 in
	*"$tail") [ ${#tail} -ge 20 ] ;;
	*) false ;;
	esac
}
run 120 "LC_ALL=C '$VMPEEK' $HP"
row_of "$start" || fail "C: no row for the utf8 file"
settled
path_shown "$TMPD/files/snow\\342\\230\\203-\\377-\\344\\270\\255-\\302\\233" ||
    fail "screen under C: $(vis "$(vma_row)")"
vma_row | LC_ALL=C grep -q '[^ -~]' && fail "screen under C: a raw non-ASCII byte"
ok "screen under C: escaped, ASCII only ('...$(vis "$tail")')"

if [ -n "$U8" ]; then
	run 120 "LC_ALL=$U8 '$VMPEEK' $HP"
	row_of "$start" || fail "$U8: no row for the utf8 file"
	settled
	wsnow=$(printf 'snow\342\230\203-\\377-\344\270\255-\\302\\233')
	path_shown "$TMPD/files/$wsnow" ||
	    fail "screen under $U8: $(vis "$(vma_row)")"
	case $tail in
	*"$wsnow") ok "screen under $U8: snowman and CJK as text" ;;
	*) fail "screen under $U8: the name is cut: $(vis "$tail")" ;;
	esac
	# Alignment: every list line (the CJK character is two columns)
	# fits the 120 columns, and the path column starts at the same
	# column on the utf8 row as on the header (counted in characters:
	# everything before it is ASCII).
	wide=$(LC_ALL=$U8 wc -L <"$TMPD/screen")
	[ "$wide" -le 120 ] || fail "a line is $wide columns wide on a 120 one"
	hdr=$(grep '^START-END' "$TMPD/screen")
	pc=$(printf '%s\n' "$hdr" | awk '{ print index($0, "PATH") }')
	# (whole, or cut to "..." and its tail)
	rc=$(vma_row | awk -v p="$pc" '{ print substr($0, p - 1, 2) }')
	case $rc in
	" /" | " .") ok "the path starts under the PATH heading" ;;
	*) fail "the path column starts with '$rc', not under PATH" ;;
	esac
	# the row below is a row of its own, not the rest of this one
	grep -A1 -E "^0*${start#0x}-" "$TMPD/screen" | tail -1 |
	    grep -Eq '^[0-9a-f]+-[0-9a-f]+ ' ||
	    fail "the line after the utf8 row is not a VMA row"
	ok "every line within 120 columns ($wide), the next row intact"
	# a terminal too narrow for the path: cut at its start, whole
	# characters, never past the edge
	run 90 "LC_ALL=$U8 '$VMPEEK' $HP"
	row_of "$start" || fail "90 columns: no utf8 row"
	settled
	wide=$(vma_row | LC_ALL=$U8 wc -L)
	[ "$wide" -le $((90 - MAPW)) ] || fail "90 columns: the row is $wide wide"
	case $(vma_row) in
	*'...'*"$wsnow") ;;
	*) fail "90 columns: the tail with the name is not kept: $(vis "$(vma_row)")" ;;
	esac
	ok "at 90 columns the path keeps its tail, $wide columns"
else
	note_skip "screen under a UTF-8 locale" "locale -a lists no C.UTF-8 or en_US.UTF-8"
fi

# --------------------------------------------------------- path column
# Two helpers mapping files whose paths are 43 and 90 characters long.
mkpath() {	# DIRLEN -> a directory whose vmhelper-file path is that long
	_d=$TMPD/p
	_pad=$(($1 - ${#_d} - 1 - 13 - 1))
	[ "$_pad" -gt 0 ] || fail "TMPD too long for a $1-character path"
	_d=$_d/$(printf '%*s' "$_pad" '' | tr ' ' 'x')
	mkdir -p "$_d"
	echo "$_d"
}
d45=$(mkpath 43)
d95=$(mkpath 90)
start_helper "$TMPD/p45.out" "$VMHELPER" -d "$d45"
H45=$HELPER_PID
start_helper "$TMPD/p95.out" "$VMHELPER" -d "$d95"
H95=$HELPER_PID
p45=$(hfield "$TMPD/p45.out" file 5)
p95=$(hfield "$TMPD/p95.out" file 5)
expect_eq "43-character path" "${#p45}" 43
expect_eq "90-character path" "${#p95}" 90
s45=$(hfield "$TMPD/p45.out" file 2)
s95=$(hfield "$TMPD/p95.out" file 2)

# file_row START: the screen row of the file mapping
file_row() { grep -E "^0*${1#0x}-" "$TMPD/screen" | head -1 | nomap; }

# The path column's width: from the PATH heading to the last column.
# Before, it was 28 (its minimum) plus what was left, 30 at most at 120.
# Now OFFSET (and a HUGE column blank on every row) give way: 44 in a
# plain build (47 before the VMA pane had its change marks' column and
# the minimap); fewer where some VMA has something in HUGE (a
# sanitizer's no-THP shadow), which keeps that column.
run 120 "'$VMPEEK' $H45"
row_of "$s45" || fail "120: no file row"
settled
pw=$(grep '^START-END' "$TMPD/screen" |
    awk -v w=$((120 - MAPW)) '{ print w + 1 - index($0, "PATH") }')
[ "$pw" -ge 32 ] || fail "120 columns: the path column is $pw wide"
grep '^START-END' "$TMPD/screen" | grep -q ' RES ' ||
    fail "120 columns: RES was given up for the path"
ok "120 columns: the path column is $pw wide (was at most 30)"
# Does some VMA of PID have what the HUGE column shows (a THP, hugetlb,
# MADV_HUGEPAGE/NOHUGEPAGE, mlock)? Read from smaps here, not from vmpeek.
huge_info() {
	awk -v kb=$(($(getconf PAGESIZE) / 1024)) '
	    /^(AnonHugePages|ShmemPmdMapped|FilePmdMapped):/ && $2 > 0 { f = 1 }
	    /^KernelPageSize:/ && $2 != kb { f = 1 }
	    /^VmFlags:/ { for (i = 2; i <= NF; i++)
		if ($i ~ /^(ht|hg|nh|lo)$/) f = 1 }
	    END { exit !f }' /proc/"$1"/smaps
}
if ! huge_info "$H45"; then
	case $(file_row "$s45") in
	*" $p45") ok "120 columns: a 43-character path is shown whole" ;;
	*) fail "120 columns: path cut: $(file_row "$s45")" ;;
	esac
else
	note_skip "120 columns, a 43-character path whole" "a VMA of the helper has huge page information (smaps; a sanitizer's shadow): the HUGE column keeps its room, the path has $pw"
fi
run 120 "'$VMPEEK' $H95"
row_of "$s95" || fail "120: no file row (95)"
settled
r=$(file_row "$s95")
# the cut path fills the line to the last column before the minimap
[ ${#r} -eq $((120 - MAPW)) ] || fail "120 columns: the row is ${#r} long: $r"
tail=${r##* ...}
case $p95 in
*"$tail") ;;
*) fail "120 columns: '...$tail' is not the end of the path" ;;
esac
[ $((${#tail} + 3)) -eq "$pw" ] ||
    fail "120 columns: the path got ${#tail} + 3 columns of $pw"
ok "120 columns: a 90-character path keeps its last ${#tail} characters, to the edge"

run 200 "'$VMPEEK' $H95"
row_of "$s95" || fail "200: no file row"
settled
case $(file_row "$s95") in
*" $p95") ok "200 columns: a 90-character path is shown whole" ;;
*) fail "200 columns: path cut: $(file_row "$s95")" ;;
esac
# every column too, unless some path of the helper (a deep build tree,
# a sanitizer's library; read from maps here) is wider than the 91
# columns left after all the others (and the minimap)
widest=$(sed -E 's/^[^ ]+ +[^ ]+ +[^ ]+ +[^ ]+ +[^ ]+ *//' /proc/"$H95"/maps |
    awk '{ if (length($0) > w) w = length($0) } END { print w + 0 }')
if [ "$widest" -le 91 ]; then
	for c in OFFSET DEV INODE RES SWAP EXCL RESIDENCY HUGE PATH; do
		grep '^START-END' "$TMPD/screen" | grep -q " $c" ||
		    fail "200 columns: no $c column"
	done
	ok "200 columns: every column and the whole path"
else
	note_skip "200 columns, every column" "a path of $widest characters in the helper's maps needs their room"
fi

# --------------------------------------------------------- picker
# A helper with a name of its own (comm "vtPID", via a symlink), so a
# filter shows it and its forked child only, and a snowman in its
# command line (-d DIR). Its child (the COW test) is in the tree right
# after it, one level deeper. Command lines are read here from /proc
# (NULs as spaces), independently of vmpeek.
vt=vt$$
ln -s "$VMHELPER" "$TMPD/$vt"
sdir=$TMPD/$(printf 'files\342\230\203')
mkdir "$sdir"
start_helper "$TMPD/vt.out" "$TMPD/$vt" -n 8 -d "$sdir"
HV=$HELPER_PID
child=
for f in /proc/[0-9]*/stat; do
	read -r cpid _ _ ppid _ <"$f" || continue
	[ "$ppid" = "$HV" ] && child=$cpid && break
done 2>/dev/null	# processes come and go
[ -n "$child" ] || fail "the helper $HV has no child"
cmdv=$(tr '\0' ' ' </proc/"$HV"/cmdline | sed 's/ *$//')
case $cmdv in *"$vt -n 8 -d "*) ;; *) fail "cmdline of $HV: $cmdv" ;; esac

# picker LOCALE: a picker, the filter typed (no Enter: that opens)
picker() {
	run 200 "LC_ALL=$1 '$VMPEEK'"
	wait_for 'vmpeek > processes' || fail "picker did not open"
}
if [ -n "$U8" ]; then
	picker "$U8"
	keys /
	typ "$vt"
	wait_for "^ *$HV " 5 || fail "picker: no row for $HV"
	prow=$(grep -E "^ *$HV " "$TMPD/screen")
	case $prow in
	*" $cmdv") ok "picker under $U8: the command line, snowman as text" ;;
	*) fail "picker: '$(vis "$prow")' does not end in '$(vis "$cmdv")'" ;;
	esac
else
	note_skip "picker under a UTF-8 locale" "no UTF-8 locale"
fi
picker C
keys /
typ "$vt"
wait_for "^ *$HV " 5 || fail "picker (C): no row for $HV"
prow=$(grep -E "^ *$HV " "$TMPD/screen")
case $prow in
*'files\342\230\203') ok "picker under C: the command line, snowman escaped" ;;
*) fail "picker under C: '$(vis "$prow")'" ;;
esac
# a kernel thread has no command line: comm, as before
keys Escape /
typ kthreadd
wait_for "^ +2 .* kthreadd( |$)" 5 ||
    fail "picker: kthreadd (empty command line) not shown by comm"
ok "picker: an empty command line shows comm (kthreadd)"
keys Escape t
wait_for "tree \(t\)" 3 || fail "t did not turn the tree on"
keys /
typ "$vt"
wait_for "^ *$child " 5 || fail "tree: no row for the child $child"
next=$(grep -A1 -E "^ *$HV " "$TMPD/screen" | tail -1)
case $next in
" "*"$child "*) ;;
*) fail "tree: the line after $HV is not its child $child: '$(vis "$next")'" ;;
esac
# indentation: the child's branch "`- " two columns right of the
# parent's (the parent is a child of this shell), or, were the parent a
# root, where its command starts
pcol=$(grep -E "^ *$HV " "$TMPD/screen" | awk '{ print index($0, "`- ") }')
[ "$pcol" -gt 0 ] && pcol=$((pcol + 2)) ||
    pcol=$(grep -E "^ *$HV " "$TMPD/screen" | awk '{ print index($0, "/") }')
ccol=$(printf '%s\n' "$next" | awk '{ print index($0, "`- ") }')
[ "$ccol" -gt 0 ] && [ "$ccol" -eq "$pcol" ] ||
    fail "tree: child branch at column $ccol, want $pcol"
ok "tree: the child $child right under $HV, one level deeper (column $ccol)"
keys Escape t
wait_for "sort: [A-Za-z]+ \(s\)   filter" 3 || fail "t did not turn the tree off"
if grep -q '`- ' "$TMPD/screen"; then
	fail "flat list still has tree branches"
fi
ok "t again: the flat list"

summary
