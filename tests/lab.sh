#!/bin/sh
# lab.sh: vmpeek-lab driven phase by phase; each phase's effect on the lab's
# own process checked with an independent pagemap reader (dd + od), maps,
# smaps and kpageflags, and with vmpeek --translate --json.
. "${srcdir:-$(dirname "$0")/..}/tests/lib.sh"

: "${VMPEEK_LAB:=$PWD/src/vmpeek-lab}"
need jq dd od awk mkfifo flock
[ -r /proc/self/pagemap ] || skip "/proc/self/pagemap is not readable"
PS=$(getconf PAGESIZE)
[ "$PS" = 4096 ] || skip "the lab's expectations are written for 4 KiB pages (this machine: $PS)"
ROOT=0
[ "$(id -u)" = 0 ] && ROOT=1

# A swap file the lab made must never outlive the test.
NRD=
SWAPUSED_FILE=
lab_cleanup() {
	[ -z "$NRD" ] || rm -rf "$NRD"
	for f in "$TMPD"/vmpeek-lab-swap.*; do
		[ -e "$f" ] || continue
		swapoff "$f" 2>/dev/null
		rm -f "$f"
	done
}
trap 'lab_cleanup; cleanup' EXIT
LAB_AS=

# ---------------------------------------------------------------- driver
. "${srcdir:-$(dirname "$0")/..}/tests/labfifo.sh"

# phase: wait (10 s at most) for the next JSON line; sets J and its fields.
phase() {
	lab_next 10
	case $? in
	1)	cat "$LAB_ERR" >&2
		fail "the lab exited before phase line $LAB_N" ;;
	2)	fail "no phase line $LAB_N after 10 s" ;;
	esac
	printf '%s\n' "$J" >"$TMPD/line.json"
	json_one "$TMPD/line.json" "phase line $LAB_N"
	eval "$(printf '%s\n' "$J" | jq -r '@sh "STEP=\(.name) PH=\(.phase)
		P=\(.pid) C=\(.child) S=\(.start) E=\(.end)
		NR=\(.ranges | length)"')" || fail "not a JSON line: $J"
}
# rng I K: range I's start (K=0) or end (K=1)
rng() { jf ".ranges[$1][$2]"; }
go() { echo >&9; }

# expect_phase STEP PHASE: the next line is this phase, not skipped
expect_phase() {
	phase
	[ "$STEP $PH" = "$1 $2" ] ||
		fail "wanted phase $1 $2, got: $J"
	[ "$(jf .skipped)" = null ] || fail "$1 $2: skipped: $J"
}

# lab_end: close stdin (the lab runs on to its end), want exit 0.
lab_end() {
	exec 9>&-
	wait "$LAB"
	_rc=$?
	[ $_rc = 0 ] || fail "the lab exited $_rc: $(tail -n 3 "$LAB_ERR")"
}

# ---------------------------------------------------------------- readers
# pm PID START NPAGES: one line per page, "P X F S G PFN" from dd and od
# (bits 63 present, 56 exclusive, 61 file, 62 swapped, 58 guard; PFN in
# hex, 0 when not present or hidden). Swapped pages: PFN field holds the
# raw low bits (type and offset), see swp.
pm() {
	dd if="/proc/$1/pagemap" bs=8 skip=$(($2 / PS)) count="$3" 2>/dev/null |
		od -An -v -tx8 | tr -s ' ' '\n' | sed '/^$/d' | awk '
	function h(c) { return index("0123456789abcdef", c) - 1 }
	{
		d0 = h(substr($1, 1, 1)); d1 = h(substr($1, 2, 1))
		d2 = h(substr($1, 3, 1))
		pfn = sprintf("%x", d2 % 8) substr($1, 4)
		sub(/^0+/, "", pfn)
		if (pfn == "") pfn = "0"
		print int(d0 / 8) % 2, d1 % 2, int(d0 / 2) % 2, \
		    int(d0 / 4) % 2, int(d1 / 4) % 2, pfn
	}'
}
# count COLUMN VALUE FILE: lines whose column equals value
count() { awk -v c="$1" -v v="$2" '$c == v { n++ } END { print n + 0 }' "$3"; }
# pfns FILE: the PFN column only
pfns() { awk '{ print $6 }' "$1"; }

# kbit PFN BIT: bit BIT of /proc/kpageflags for PFN (0/1), via dd and od
kbit() {
	_v=$(dd if=/proc/kpageflags bs=8 skip=$((0x$1)) count=1 2>/dev/null |
		od -An -tx8 | tr -d ' \n')
	[ -n "$_v" ] || fail "kpageflags of PFN 0x$1 unreadable"
	_d=$(printf '%s' "$_v" | cut -c $((16 - $2 / 4)))
	echo $(( (0x$_d >> ($2 % 4)) & 1 ))
}

# vmas PID START END: the lines of /proc/PID/maps overlapping [START, END),
# as "start end perms" (0x hex)
vmas() {
	awk -v s="$2" -v e="$3" '
	function hv(x,   i, v) {
		v = 0
		for (i = 1; i <= length(x); i++)
			v = v * 16 + index("0123456789abcdef", substr(x, i, 1)) - 1
		return v
	}
	BEGIN { S = hv(substr(s, 3)); E = hv(substr(e, 3)) }
	{
		split($1, a, "-")
		if (hv(a[2]) > S && hv(a[1]) < E) print "0x" a[1], "0x" a[2], $2
	}' "/proc/$1/maps"
}
# ranges_vmas: the phase's ranges as vmas prints them (perms left out)
ranges_vmas() { jf '.ranges[] | "\(.[0]) \(.[1])"'; }

# smaps_kb PID START KEY: KEY (kB) of the smaps VMA starting at START
smaps_kb() {
	awk -v s="${2#0x}-" -v k="$3:" '
	index($0, s) == 1 { f = 1; next }
	f && /^[0-9a-f]+-[0-9a-f]+ / { exit }
	f && $1 == k { print $2; exit }' "/proc/$1/smaps"
}

# translate_agrees PID START END: vmpeek --translate --json says what dd
# says, page by page (flags and PFN)
translate_agrees() {
	"$VMPEEK" --translate "$1" "$2-$3" --json >"$TMPD/tr.json" 2>"$TMPD/tr.err" ||
		fail "$STEP $PH: vmpeek --translate $1 $2-$3: $(cat "$TMPD/tr.err")"
	json_one "$TMPD/tr.json" "vmpeek --translate $1 $2-$3 --json"
	jq -r '.[] | [.present, .exclusive, .file_shared, .swapped, .guard,
		(if .pfn == null then 0 else .pfn end)]
		| map(if . == true then 1 elif . == false then 0 else . end)
		| @tsv' "$TMPD/tr.json" | tr '\t' ' ' >"$TMPD/tr.mine"
	pm "$1" $(($2)) $((($3 - $2) / PS)) | while read -r p x f s g pfn; do
		# a guard marker also sets bit 62: vmpeek calls it guard, not swapped
		[ "$g" = 1 ] && s=0
		[ "$p" = 1 ] || pfn=0
		echo "$p $x $f $s $g $((0x$pfn))"
	done >"$TMPD/tr.indep"
	cmp -s "$TMPD/tr.mine" "$TMPD/tr.indep" || {
		diff "$TMPD/tr.indep" "$TMPD/tr.mine" | head >&2
		fail "$STEP $PH: vmpeek --translate differs from dd|od of pagemap"
	}
}

# each phase: the keys of the contract, and vmpeek agrees on range 0
check_line() {
	printf '%s\n' "$J" | jq -e '(keys_unsorted == ["step","name","phase",
		"pid","child","start","end","ranges","expect","skipped"])
		and (.start | test("^0x[0-9a-f]+$")) and (.end | test("^0x[0-9a-f]+$"))
		and .ranges[0] == [.start, .end] and (.expect | length > 0)' \
		>/dev/null || fail "phase line breaks the contract: $J"
	translate_agrees "$P" "$S" "$E"
}

# ---------------------------------------------------------------- --list
"$VMPEEK_LAB" --list >"$TMPD/list" 2>"$TMPD/list.err" || fail "--list failed"
NAMES="demand-zero cow-fork private-file dontneed-free mlock mprotect-split stack guard thp page-cache swap"
expect_eq "--list: the steps in order" \
	"$(awk '/^ *[0-9]+ / { printf "%s%s", s, $2; s = " " }' "$TMPD/list")" "$NAMES"
"$VMPEEK_LAB" --list --json >"$TMPD/listj" || fail "--list --json failed"
expect_eq "--list --json: names" "$(jq -r .name "$TMPD/listj" | tr '\n' ' ')" "$NAMES "
jq -e '(.step | type) == "number" and (.title | length > 0) and
	(.skipped == null or (.skipped | type == "string" and length > 0))' \
	"$TMPD/listj" >/dev/null || fail "--list --json: a step without a title or with an empty skip reason"
ok "--list --json: every step has a title; a skip has a reason"
# the lab probes with vmpeek --caps' own probes: the two never disagree
# on THP, guard markers and swap (tests/caps.sh checks --caps itself
# against independent probes)
"$VMPEEK" --caps --json >"$TMPD/caps.json" || fail "vmpeek --caps --json failed"
for k in thp guard swap; do
	A=$(jq -r ".$k.available" "$TMPD/caps.json")
	L=$(jq -r --arg n "$k" 'select(.name == $n) | .skipped' "$TMPD/listj")
	case "$A $L" in
	"true null") ;;
	"false null") fail "--list runs $k, but vmpeek --caps says: $(jq -r ".$k.why" "$TMPD/caps.json")" ;;
	"true "*) fail "--list skips $k ($L), but vmpeek --caps says it is available" ;;
	"false "*)
		case $L in
		*"$(jq -r ".$k.why" "$TMPD/caps.json")"*) ;;
		*) fail "--list skips $k with '$L', not vmpeek --caps' reason" ;;
		esac ;;
	esac
done
ok "--list and vmpeek --caps agree on thp, guard and swap"

# ---------------------------------------------------------------- usage
for bad in "--step 0" "--step 12" "--step 5-3" "--step nosuch" "--auto x" "--bogus"; do
	# shellcheck disable=SC2086
	"$VMPEEK_LAB" $bad </dev/null >"$TMPD/bad.out" 2>"$TMPD/bad.err"
	expect_eq "vmpeek-lab $bad: exit status" $? 2
	[ ! -s "$TMPD/bad.out" ] || fail "vmpeek-lab $bad printed on stdout"
done

# ---------------------------------------------------------------- 1 demand-zero
lab_start main --dir "$TMPD"
phase
# the first line is step 1's first phase: --json prose goes to stderr
expect_eq "first line" "$STEP $PH" "demand-zero mapped"
check_line
pm "$P" $((S)) 16 >"$TMPD/pm"
expect_eq "demand-zero mapped: present pages" "$(count 1 1 "$TMPD/pm")" 0
expect_eq "demand-zero mapped: one VMA, exactly the range" \
	"$(vmas "$P" "$S" "$E" | cut -d' ' -f1-2)" "$S $E"
grep -q "tmux split-window -h '.*vmpeek $P'" "$LAB_ERR" ||
	fail "the lab did not print the tmux line with its PID"
ok "the lab printed the two-pane tmux command line for PID $P"
go

expect_phase demand-zero read
check_line
pm "$P" $((S)) 16 >"$TMPD/pm"
EXP=$(jf .expect)
ZEROPFN=
if [ "$(count 1 1 "$TMPD/pm")" = 16 ] && [ "$(count 2 1 "$TMPD/pm")" = 16 ]; then
	case $EXP in
	*"mapped the shared zero page"*) fail "demand-zero read: pages are exclusive but the lab says: $EXP" ;;
	*"gave each page its own frame"*) ;;
	*) fail "demand-zero read: pages are exclusive but the lab says: $EXP" ;;
	esac
	ok "demand-zero read: every page its own frame, and the lab says so"
elif [ "$(count 1 1 "$TMPD/pm")" = 16 ] && [ "$(count 2 1 "$TMPD/pm")" = 0 ]; then
	if [ $ROOT = 1 ]; then
		expect_eq "demand-zero read: one PFN for all 16 pages" \
			"$(pfns "$TMPD/pm" | sort -u | wc -l)" 1
		ZEROPFN=$(pfns "$TMPD/pm" | head -n 1)
		expect_eq "demand-zero read: kpageflags ZERO_PAGE on PFN 0x$ZEROPFN" \
			"$(kbit "$ZEROPFN" 24)" 1
		case $EXP in
		*"its own frame"*) fail "demand-zero read: the zero page is mapped but the lab says: $EXP" ;;
		*"this kernel mapped the shared zero page"*) ;;
		*) fail "demand-zero read: the zero page is mapped but the lab says: $EXP" ;;
		esac
		ok "demand-zero read: the lab says the shared zero page was mapped"
	else
		case $EXP in
		*"its own frame"* | *"this kernel mapped"*) fail "demand-zero read: PFNs hidden, yet the lab claims: $EXP" ;;
		*unknown*) ;;
		*) fail "demand-zero read: PFNs hidden, yet the lab claims: $EXP" ;;
		esac
		ok "demand-zero read: PFNs hidden, the lab says unknown"
	fi
else
	fail "demand-zero read: after reading every page: $(count 1 1 "$TMPD/pm") present, $(count 2 1 "$TMPD/pm") exclusive"
fi
go

expect_phase demand-zero written
check_line
pm "$P" $((S)) 16 >"$TMPD/pm"
expect_eq "demand-zero written: present" "$(count 1 1 "$TMPD/pm")" 16
expect_eq "demand-zero written: exclusive" "$(count 2 1 "$TMPD/pm")" 16
if [ $ROOT = 1 ]; then
	expect_eq "demand-zero written: distinct PFNs" "$(pfns "$TMPD/pm" | sort -u | wc -l)" 16
	[ -z "$ZEROPFN" ] || ! pfns "$TMPD/pm" | grep -qx "$ZEROPFN" ||
		fail "demand-zero written: a page still maps the zero page"
fi
go

# ---------------------------------------------------------------- 2 cow-fork
expect_phase cow-fork written
check_line
pm "$P" $((S)) 16 >"$TMPD/pm.w"
expect_eq "cow-fork written: exclusive" "$(count 2 1 "$TMPD/pm.w")" 16
go

expect_phase cow-fork forked
check_line
[ "$C" != null ] && kill -0 "$C" 2>/dev/null || fail "cow-fork forked: no live child: $J"
expect_eq "cow-fork forked: the child's parent is the lab" \
	"$(awk '{ print $4 }' "/proc/$C/stat")" "$P"
translate_agrees "$C" "$S" "$E"
pm "$P" $((S)) 16 >"$TMPD/pm.p"
pm "$C" $((S)) 16 >"$TMPD/pm.c"
expect_eq "cow-fork forked: parent present" "$(count 1 1 "$TMPD/pm.p")" 16
expect_eq "cow-fork forked: parent exclusive" "$(count 2 1 "$TMPD/pm.p")" 0
expect_eq "cow-fork forked: child present" "$(count 1 1 "$TMPD/pm.c")" 16
expect_eq "cow-fork forked: child exclusive" "$(count 2 1 "$TMPD/pm.c")" 0
if [ $ROOT = 1 ]; then
	pfns "$TMPD/pm.p" >"$TMPD/pf.p"
	pfns "$TMPD/pm.c" >"$TMPD/pf.c"
	cmp -s "$TMPD/pf.p" "$TMPD/pf.c" || fail "cow-fork forked: parent and child PFNs differ"
	ok "cow-fork forked: parent and child map the same 16 PFNs"
	pfns "$TMPD/pm.w" >"$TMPD/pf.w"
	cmp -s "$TMPD/pf.p" "$TMPD/pf.w" ||
		fail "cow-fork forked: the parent's PFNs changed at fork"
fi
go

expect_phase cow-fork child-wrote
check_line
translate_agrees "$C" "$S" "$E"
pm "$P" $((S)) 16 >"$TMPD/pm.p"
pm "$C" $((S)) 16 >"$TMPD/pm.c"
expect_eq "cow-fork child-wrote: parent exclusive, pages 0-7 only" \
	"$(awk '{ printf "%s", $2 }' "$TMPD/pm.p")" 1111111100000000
expect_eq "cow-fork child-wrote: child exclusive, pages 0-7 only" \
	"$(awk '{ printf "%s", $2 }' "$TMPD/pm.c")" 1111111100000000
if [ $ROOT = 1 ]; then
	expect_eq "cow-fork child-wrote: pages whose PFN differs between parent and child" \
		"$(paste -d' ' "$TMPD/pm.p" "$TMPD/pm.c" | awk '{ printf "%d", $6 != $12 }')" \
		1111111100000000
	pfns "$TMPD/pm.p" >"$TMPD/pf.p"
	cmp -s "$TMPD/pf.p" "$TMPD/pf.w" || fail "cow-fork child-wrote: the parent's PFNs changed"
	ok "cow-fork child-wrote: the parent kept its frames; the child got copies"
fi
CHILD=$C
go

expect_phase cow-fork child-exited
check_line
[ "$C" = null ] || fail "cow-fork child-exited: child still named: $J"
! kill -0 "$CHILD" 2>/dev/null || fail "cow-fork child-exited: child $CHILD still alive"
pm "$P" $((S)) 16 >"$TMPD/pm.p"
expect_eq "cow-fork child-exited: parent exclusive" "$(count 2 1 "$TMPD/pm.p")" 16
go

# ---------------------------------------------------------------- 3 private-file
expect_phase private-file mapped
check_line
FILE=$(awk -v s="${S#0x}-${E#0x}" '$1 == s { print $6 }' "/proc/$P/maps")
[ -f "$FILE" ] || fail "private-file mapped: no file mapped at $S-$E"
expect_eq "private-file mapped: present" "$(pm "$P" $((S)) 8 | awk '$1' | wc -l)" 0
go
expect_phase private-file read
check_line
pm "$P" $((S)) 8 >"$TMPD/pm.r"
expect_eq "private-file read: present" "$(count 1 1 "$TMPD/pm.r")" 8
expect_eq "private-file read: file pages (F)" "$(count 3 1 "$TMPD/pm.r")" 8
go
expect_phase private-file written
check_line
pm "$P" $((S)) 8 >"$TMPD/pm.w"
expect_eq "private-file written: F per page" \
	"$(awk '{ printf "%s", $3 }' "$TMPD/pm.w")" 00111111
expect_eq "private-file written: exclusive, pages 0-1" \
	"$(awk 'NR <= 2 { printf "%s", $2 }' "$TMPD/pm.w")" 11
if [ $ROOT = 1 ]; then
	expect_eq "private-file written: pages with a new PFN" \
		"$(paste -d' ' "$TMPD/pm.r" "$TMPD/pm.w" | awk '{ printf "%d", $6 != $12 }')" \
		11000000
fi
expect_eq "private-file written: the file's page 0 is unchanged" \
	"$(head -c 19 "$FILE")" "private-file page 0"
go

# ---------------------------------------------------------------- 4 dontneed-free
expect_phase dontneed-free written
check_line
[ "$NR" = 2 ] || fail "dontneed-free: want two ranges: $J"
A=$(rng 0 0) B=$(rng 1 0) BE=$(rng 1 1)
expect_eq "dontneed-free written: present in A and B" \
	"$(pm "$P" $((A)) 16 | awk '$1' | wc -l) $(pm "$P" $((B)) 16 | awk '$1' | wc -l)" "16 16"
go
expect_phase dontneed-free advised
check_line
translate_agrees "$P" "$B" "$BE"
expect_eq "dontneed-free advised: A present" "$(pm "$P" $((A)) 16 | awk '$1' | wc -l)" 0
NB=$(pm "$P" $((B)) 16 | awk '$1' | wc -l)
LAZY=$(smaps_kb "$P" "$B" LazyFree)
expect_eq "dontneed-free advised: B's LazyFree (smaps) = its present pages" \
	"$LAZY" $((NB * PS / 1024))
case $(jf .expect) in
*"measured: $NB of 16"*"LazyFree: $LAZY kB"*) ok "dontneed-free advised: the lab reports $NB present, LazyFree $LAZY kB" ;;
*) fail "dontneed-free advised: the lab's numbers differ from smaps and pagemap ($NB, $LAZY kB): $(jf .expect)" ;;
esac
go
expect_phase dontneed-free read-back
check_line
expect_eq "dontneed-free read-back: A's present pages" \
	"$(pm "$P" $((A)) 16 | awk '{ printf "%s", $1 }')" 1000000000000000
go

# ---------------------------------------------------------------- 5 mlock
# Root has CAP_IPC_LOCK; others need RLIMIT_MEMLOCK >= 16 KiB.
ML=$(ulimit -l)
phase
if [ "$STEP" != mlock ]; then
	fail "wanted step mlock, got: $J"
elif [ "$(jf .skipped)" != null ]; then
	[ $ROOT = 0 ] && [ "$ML" != unlimited ] && [ "$ML" -lt 16 ] ||
		fail "mlock skipped although mlock must work here (ulimit -l $ML): $J"
	note_skip "mlock" "$(jf .skipped)"
else
	expect_eq "mlock mapped: phase" "$PH" mapped
	check_line
	go
	expect_phase mlock locked
	check_line
	expect_eq "mlock locked: the VMAs are the three ranges" \
		"$(vmas "$P" "$(rng 0 0)" "$(rng 2 1)" | cut -d' ' -f1-2)" "$(ranges_vmas)"
	pm "$P" $(($(rng 0 0))) 16 >"$TMPD/pm"
	expect_eq "mlock locked: present pages" \
		"$(awk '{ printf "%s", $1 }' "$TMPD/pm")" 0000111100000000
	expect_eq "mlock locked: smaps Locked of the middle VMA" \
		"$(smaps_kb "$P" "$(rng 1 0)" Locked)" 16
	if [ $ROOT = 1 ]; then
		for pfn in $(awk 'NR >= 5 && NR <= 8 { print $6 }' "$TMPD/pm"); do
			expect_eq "mlock locked: kpageflags MLOCKED on PFN 0x$pfn" "$(kbit "$pfn" 33)" 1
		done
	fi
	go
	expect_phase mlock unlocked
	check_line
	expect_eq "mlock unlocked: one VMA again" "$(vmas "$P" "$S" "$E" | cut -d' ' -f1-2)" "$S $E"
	expect_eq "mlock unlocked: the 4 pages stay present" \
		"$(pm "$P" $((S)) 16 | awk '{ printf "%s", $1 }')" 0000111100000000
fi
go

# ---------------------------------------------------------------- 6 mprotect-split
expect_phase mprotect-split written
check_line
pm "$P" $((S)) 16 >"$TMPD/pm.w"
expect_eq "mprotect-split written: one VMA" "$(vmas "$P" "$S" "$E")" "$S $E rw-p"
go
expect_phase mprotect-split protected
check_line
expect_eq "mprotect-split protected: three VMAs (maps)" \
	"$(vmas "$P" "$(rng 0 0)" "$(rng 2 1)" | awk '{ print $3 }' | tr '\n' ' ')" "rw-p r--p rw-p "
expect_eq "mprotect-split protected: the VMAs are the three ranges" \
	"$(vmas "$P" "$(rng 0 0)" "$(rng 2 1)" | cut -d' ' -f1-2)" "$(ranges_vmas)"
pm "$P" $(($(rng 0 0))) 16 >"$TMPD/pm.p"
cmp -s "$TMPD/pm.w" "$TMPD/pm.p" || fail "mprotect-split protected: pagemap changed"
ok "mprotect-split protected: every pagemap entry unchanged (same PFNs, present)"
go
expect_phase mprotect-split restored
check_line
expect_eq "mprotect-split restored: one VMA" "$(vmas "$P" "$S" "$E")" "$S $E rw-p"
go

# ---------------------------------------------------------------- 7 stack
expect_phase stack start
check_line
expect_eq "stack start: range = [stack]" \
	"$(awk '$6 == "[stack]" { split($1, a, "-"); print "0x" a[1], "0x" a[2] }' "/proc/$P/maps")" "$S $E"
S0=$S
go
expect_phase stack deep
check_line
SNOW=$(awk '$6 == "[stack]" { split($1, a, "-"); print "0x" a[1] }' "/proc/$P/maps")
[ $((SNOW)) -lt $((S0)) ] || fail "stack deep: [stack] did not grow ($SNOW, was $S0)"
ok "stack deep: [stack] grew by $(((S0 - SNOW) / 1024)) KiB"
F0=$(rng 1 0) F1=$(rng 1 1)
expect_eq "stack deep: the recursion's range ends at the old [stack] start" "$F1" "$S0"
translate_agrees "$P" "$F0" "$F1"
pm "$P" $((F0)) $(((F1 - F0) / PS)) >"$TMPD/pm.deep"
NP=$(count 1 1 "$TMPD/pm.deep") NT=$(wc -l <"$TMPD/pm.deep")
[ "$NP" -gt 0 ] && [ "$NP" -lt "$NT" ] ||
	fail "stack deep: want present and never-faulted pages in the frames: $NP of $NT present"
case $(jf .expect) in
*"$NP of its $NT pages present"*) ok "stack deep: $NP of $NT pages present, as the lab says" ;;
*) fail "stack deep: pagemap has $NP of $NT present; the lab says: $(jf .expect)" ;;
esac
G0=$(rng 2 0) G1=$(rng 2 1)
expect_eq "stack deep: the guard gap ends where [stack] starts" "$G1" "$SNOW"
[ -z "$(vmas "$P" "$G0" "$G1")" ] || fail "stack deep: a mapping inside the guard gap: $(vmas "$P" "$G0" "$G1")"
ok "stack deep: nothing is mapped in the guard gap $G0-$G1"
go
expect_phase stack returned
check_line
expect_eq "stack returned: [stack] did not shrink" \
	"$(awk '$6 == "[stack]" { split($1, a, "-"); print "0x" a[1] }' "/proc/$P/maps")" "$SNOW"
pm "$P" $((F0)) $(((F1 - F0) / PS)) >"$TMPD/pm.ret"
cmp -s "$TMPD/pm.deep" "$TMPD/pm.ret" || fail "stack returned: pages below SP changed"
ok "stack returned: the $NP pages below SP stay present, the same frames"
go

# ---------------------------------------------------------------- 8 guard
# Independent probe: vmhelper installs a guard region or says why not.
start_helper "$TMPD/vmh" "$VMHELPER" -n 8
GWHY=
hsupported "$TMPD/vmh" guard >"$TMPD/gwhy" || GWHY=$(cat "$TMPD/gwhy")
kill "$HELPER_PID"
phase
if [ -n "$GWHY" ]; then
	[ "$STEP" = guard ] && [ "$(jf .skipped)" != null ] ||
		fail "guard: vmhelper could not install guards ($GWHY) but the lab did not skip: $J"
	note_skip guard "$(jf .skipped)"
else
	[ "$STEP $PH" = "guard prot-none" ] || fail "guard: wanted prot-none: $J"
	check_line
	expect_eq "guard prot-none: three VMAs, the middle ---p" \
		"$(vmas "$P" "$(rng 0 0)" "$(rng 2 1)" | awk '{ print $3 }' | tr '\n' ' ')" "rw-p ---p rw-p "
	expect_eq "guard prot-none: the PROT_NONE pages keep their frames" \
		"$(pm "$P" $(($(rng 1 0))) 2 | awk '$1' | wc -l)" 2
	go
	expect_phase guard guard-installed
	check_line
	expect_eq "guard guard-installed: one VMA" "$(vmas "$P" "$S" "$E")" "$S $E rw-p"
	pm "$P" $((S)) 16 >"$TMPD/pm"
	expect_eq "guard guard-installed: guard bit per page" \
		"$(awk '{ printf "%s", $5 }' "$TMPD/pm")" 0000110000000000
	expect_eq "guard guard-installed: present per page" \
		"$(awk '{ printf "%s", $1 }' "$TMPD/pm")" 1111001111111111
	go
	expect_phase guard guard-removed
	check_line
	pm "$P" $((S)) 16 >"$TMPD/pm"
	expect_eq "guard guard-removed: guard bits" "$(count 5 1 "$TMPD/pm")" 0
	expect_eq "guard guard-removed: present per page" \
		"$(awk '{ printf "%s", $1 }' "$TMPD/pm")" 1111001111111111
fi
go

# ---------------------------------------------------------------- 9 thp
THPE=$(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null)
phase
case $THPE in
"" | *"[never]"*)
	[ "$STEP" = thp ] && [ "$(jf .skipped)" != null ] ||
		fail "thp: THP unavailable ('$THPE') but the lab did not skip: $J"
	note_skip thp "$(jf .skipped)"
	;;
*)
	[ "$STEP $PH" = "thp faulted" ] || fail "thp: wanted faulted: $J"
	check_line
	[ $((S % 2097152)) = 0 ] && [ $((E - S)) = 2097152 ] || fail "thp: range is not one aligned 2 MiB: $S-$E"
	pm "$P" $((S)) 512 >"$TMPD/pm.t"
	AH=$(smaps_kb "$P" "$S" AnonHugePages)
	if [ "$AH" != 2048 ]; then
		case $(jf .expect) in *"No huge page"*) ;; *) fail "thp: AnonHugePages $AH kB but the lab says: $(jf .expect)" ;; esac
		note_skip "thp PFNs" "the kernel gave no huge page this time (AnonHugePages $AH kB)"
		go; phase; go; phase
	else
		expect_eq "thp faulted: present after one write" "$(count 1 1 "$TMPD/pm.t")" 512
		if [ $ROOT = 1 ]; then
			F=$(head -n 1 "$TMPD/pm.t" | awk '{ print $6 }')
			expect_eq "thp faulted: first PFN 0x$F is 512-aligned" $((0x$F % 512)) 0
			pfns "$TMPD/pm.t" >"$TMPD/pf.t"
			i=0
			while [ $i -lt 512 ]; do
				printf '%x\n' $((0x$F + i))
				i=$((i + 1))
			done >"$TMPD/pf.want"
			cmp -s "$TMPD/pf.t" "$TMPD/pf.want" || fail "thp faulted: PFNs are not 512 consecutive"
			ok "thp faulted: 512 consecutive PFNs from 0x$F"
			expect_eq "thp faulted: kpageflags THP" "$(kbit "$F" 22)" 1
		fi
		if [ $ROOT = 1 ]; then
			jq -e 'all(.[]; .huge == true)' "$TMPD/tr.json" >/dev/null ||
				fail "thp faulted: vmpeek --translate does not mark the pages huge"
			ok "thp faulted: vmpeek --translate marks all 512 pages huge"
		else
			# without kpageflags vmpeek may only say "unknown"
			jq -e 'all(.[]; .huge != false)' "$TMPD/tr.json" >/dev/null ||
				fail "thp faulted: vmpeek --translate says a page is not huge"
			ok "thp faulted: vmpeek --translate never says not huge"
		fi
		go
		expect_phase thp split-vma
		check_line
		expect_eq "thp split-vma: the VMAs are the three ranges" \
			"$(vmas "$P" "$(rng 0 0)" "$(rng 2 1)" | cut -d' ' -f1-2)" "$(ranges_vmas)"
		pm "$P" $(($(rng 0 0))) 512 >"$TMPD/pm.s"
		cmp -s "$TMPD/pm.t" "$TMPD/pm.s" || fail "thp split-vma: pagemap changed"
		ok "thp split-vma: every entry unchanged (the same 512 frames)"
		expect_eq "thp split-vma: AnonHugePages" "$(smaps_kb "$P" "$S" AnonHugePages)" 0
		if [ $ROOT = 1 ]; then
			L=$(tail -n 1 "$TMPD/pm.s" | awk '{ print $6 }')
			expect_eq "thp split-vma: kpageflags THP still set (first page)" "$(kbit "$F" 22)" 1
			expect_eq "thp split-vma: kpageflags THP still set (last page)" "$(kbit "$L" 22)" 1
		fi
		go
		expect_phase thp restored
		check_line
		expect_eq "thp restored: one VMA" "$(vmas "$P" "$S" "$E" | cut -d' ' -f1-2)" "$S $E"
	fi
	# (a skipped step waits for no Enter: only a run step gets one)
	go
	;;
esac

# ---------------------------------------------------------------- 10 page-cache
expect_phase page-cache mapped
check_line
FILE=$(awk -v s="${S#0x}-${E#0x}" '$1 == s { print $6 }' "/proc/$P/maps")
[ -f "$FILE" ] || fail "page-cache mapped: no file mapped at $S-$E"
expect_eq "page-cache mapped: present" "$(pm "$P" $((S)) 64 | awk '$1' | wc -l)" 0
if command -v fincore >/dev/null 2>&1; then
	expect_eq "page-cache mapped: fincore: cached pages" \
		"$(fincore -n -o PAGES "$FILE" | tr -d ' ')" 64
fi
go
expect_phase page-cache read-one
check_line
pm "$P" $((S)) 64 >"$TMPD/pm"
N=$(count 1 1 "$TMPD/pm")
expect_eq "page-cache read-one: page 40 present" "$(sed -n 41p "$TMPD/pm" | cut -d' ' -f1)" 1
LO=$(awk '$1 == 1 { print NR - 1; exit }' "$TMPD/pm")
expect_eq "page-cache read-one: the mapped block is the second range" \
	"$(rng 1 0) $(rng 1 1)" "$(hex $((S + LO * PS))) $(hex $((S + (LO + N) * PS)))"
case $(jf .expect) in
*"mapped $N pages"*) ok "page-cache read-one: one read mapped $N pages, as the lab measured" ;;
*) fail "page-cache read-one: $N pages present, the lab says: $(jf .expect)" ;;
esac

# ---------------------------------------------------------------- 11 swap
# swap_phases SLOTS: check the swap step from its "written" phase to its
# end (SLOTS: the swap file's size in pages when it is the lab's own, or 0)
swap_phases() {
	expect_phase swap written
	check_line
	expect_eq "swap written: exclusive" "$(pm "$P" $((S)) 16 | awk '$2' | wc -l)" 16
	go
	expect_phase swap paged-out
	check_line
	pm "$P" $((S)) 16 >"$TMPD/pm"
	expect_eq "swap paged-out: swapped pages" "$(count 4 1 "$TMPD/pm")" 16
	expect_eq "swap paged-out: present pages" "$(count 1 1 "$TMPD/pm")" 0
	if [ $ROOT = 1 ]; then
		# swapped: bits 0-4 type, 5-54 offset; slot 0 is the header
		O=$(($((0x$(head -n 1 "$TMPD/pm" | awk '{ print $6 }'))) >> 5))
		[ "$O" -ge 1 ] || fail "swap paged-out: swap offset $O"
		[ "$1" = 0 ] || [ "$O" -lt "$1" ] ||
			fail "swap paged-out: offset $O is not a slot of the lab's $1-page swap file"
	fi
	if [ -n "$SWAPUSED_FILE" ]; then
		U=$(awk -v f="$SWAPUSED_FILE" '$1 == f { print $4 }' /proc/swaps)
		[ "${U:-0}" -ge $((16 * PS / 1024)) ] ||
			fail "swap paged-out: the lab's swap file holds only ${U:-0} kB"
		ok "swap paged-out: the lab's swap file holds $U kB (/proc/swaps)"
	fi
	if [ $ROOT = 1 ]; then
		case $(jf .expect) in
		*"offset $O."*) ok "swap paged-out: all 16 swapped, the first at offset $O, as the lab says" ;;
		*) fail "swap paged-out: pagemap says offset $O; the lab says: $(jf .expect)" ;;
		esac
	fi
	go
	expect_phase swap read-back
	check_line
	pm "$P" $((S)) 16 >"$TMPD/pm"
	expect_eq "swap read-back: page 0 present" "$(head -n 1 "$TMPD/pm" | cut -d' ' -f1)" 1
	case $(jf .expect) in
	*"$(count 1 1 "$TMPD/pm") of 16 present, $(count 4 1 "$TMPD/pm") still swapped"*)
		ok "swap read-back: the lab's counts match pagemap" ;;
	*) fail "swap read-back: pagemap has $(count 1 1 "$TMPD/pm") present; the lab says: $(jf .expect)" ;;
	esac
}

# Swap is global: tests/swap.sh holds this lock while its swap file is on,
# so /proc/swaps can't change under the step; held up to the --step runs.
# (Taken while the lab waits after page-cache, before it probes swap.)
SWLOCK=/var/tmp/vmpeek-swap-test.lock
if (: >>"$SWLOCK") 2>/dev/null; then
	exec 8>>"$SWLOCK"
elif [ -r "$SWLOCK" ]; then
	exec 8<"$SWLOCK"	# made by another user: a read fd locks too
else
	fail "cannot open $SWLOCK"
fi
flock -w 600 8 || fail "another swap test held $SWLOCK for 10 min"
go
if [ "$(awk 'NR > 1' /proc/swaps | wc -l)" = 0 ]; then
	# no --make-swap and no swap: skipped, and saying how to get it
	phase
	[ "$STEP" = swap ] || fail "wanted step swap: $J"
	case $(jf .skipped) in
	*--make-swap*) ok "swap without active swap: skipped with the reason: $(jf .skipped)" ;;
	*) fail "swap: no active swap, want a skip naming --make-swap: $J" ;;
	esac
else
	note_skip "swap skip line" "swap is active on this machine ($(awk 'NR == 2 { print $1 }' /proc/swaps)): the step runs"
	swap_phases 0
fi
lab_end
[ "$(grep -c . "$LAB_OUT")" = "$LAB_N" ] || fail "lines after the last phase: $(sed -n "$((LAB_N + 1)),\$p" "$LAB_OUT")"
jq -e . "$LAB_OUT" >/dev/null || fail "stdout is not only JSON lines"
ok "stdout held only JSON lines ($LAB_N)"
! grep -q 'Enter' "$LAB_ERR" || fail "the lab prompted although stdin was not a terminal"
ok "no prompt with stdin a pipe"

# ---------------------------------------------------------------- --make-swap
if [ $ROOT = 0 ]; then
	note_skip "swap step" "--make-swap needs root"
else
	# (the lab adds its file even when other swap is active: first in
	# priority, it gets the step's pages)
	lab_start swap --step swap --make-swap --dir "$TMPD"
	# the lab says where its swap file is before the first phase
	phase
	LAB_N=$((LAB_N - 1))
	SWF=$(awk -v d="$TMPD/vmpeek-lab-swap." 'index($1, d) == 1 { print $1 }' /proc/swaps)
	[ -n "$SWF" ] || fail "--make-swap: the lab's swap file is not in /proc/swaps"
	ok "--make-swap: the lab added $SWF"
	SWAPUSED_FILE=$SWF
	swap_phases 4096
	lab_end
	! grep -q "$TMPD/vmpeek-lab-swap" /proc/swaps || fail "the lab left its swap file active"
	[ -z "$(find "$TMPD" -name 'vmpeek-lab-swap.*')" ] || fail "the lab left its swap file behind"
	ok "--make-swap: the swap file is off and gone after the step"

	# SIGTERM in the middle of the step: the swap file still goes
	lab_start swapterm --step swap --make-swap --dir "$TMPD"
	expect_phase swap written
	go
	expect_phase swap paged-out
	kill -TERM "$LAB"
	wait "$LAB"
	expect_eq "SIGTERM during the swap step: the lab dies of SIGTERM" $? 143
	! grep -q "$TMPD/vmpeek-lab-swap" /proc/swaps || fail "SIGTERM: the lab left its swap file active"
	[ -z "$(find "$TMPD" -name 'vmpeek-lab-swap.*')" ] || fail "SIGTERM: the lab left its swap file behind"
	ok "SIGTERM during the swap step: swap file off and removed"
	exec 9>&-
fi

# ---------------------------------------------------------------- not root
# As nobody the kernel hides PFNs from the lab: it must not claim what it
# cannot see. We (root) read its pagemap with PFNs.
if [ $ROOT = 0 ]; then
	note_skip "non-root lab" "the test is not root: it cannot read PFNs to compare"
elif ! command -v setpriv >/dev/null 2>&1; then
	note_skip "non-root lab" "needs setpriv"
else
	NRD=$(mktemp -d "${TMPDIR:-/tmp}/vmpeek-lab-nr.XXXXXX")
	chmod 755 "$NRD"
	cp "$VMPEEK_LAB" "$NRD/vmpeek-lab"
	VMPEEK_LAB_ROOT=$VMPEEK_LAB
	VMPEEK_LAB=$NRD/vmpeek-lab
	LAB_AS="setpriv --reuid=65534 --regid=65534 --clear-groups"
	lab_start nobody --step 1-1 --dir "$NRD"
	LAB_AS=
	VMPEEK_LAB=$VMPEEK_LAB_ROOT
	expect_phase demand-zero mapped
	go
	expect_phase demand-zero read
	pm "$P" $((S)) 16 >"$TMPD/pm"
	EXP=$(jf .expect)
	if [ "$(count 2 1 "$TMPD/pm")" = 0 ] && [ "$(pfns "$TMPD/pm" | sort -u | wc -l)" = 1 ]; then
		case $EXP in
		*"its own frame"* | *"this kernel mapped"*) fail "non-root demand-zero read: PFNs hidden, yet the lab claims: $EXP" ;;
		*unknown*) ok "non-root demand-zero read: the zero page is mapped; the lab, without PFNs, says unknown" ;;
		*) fail "non-root demand-zero read: want 'unknown': $EXP" ;;
		esac
	else
		case $EXP in
		*"gave each page its own frame"*) ok "non-root demand-zero read: own frames, and the lab says so" ;;
		*) fail "non-root demand-zero read: exclusive pages, the lab says: $EXP" ;;
		esac
	fi
	grep -q 'Not root: the kernel hides PFNs' "$LAB_ERR" ||
		fail "non-root: the lab did not say that PFNs are hidden"
	lab_end
fi

# ---------------------------------------------------------------- --step, --auto
"$VMPEEK_LAB" --json --step 6-6 </dev/null >"$TMPD/one" 2>"$TMPD/one.err" ||
	fail "--step 6-6 failed: $(cat "$TMPD/one.err")"
expect_eq "--step 6-6: the phases" "$(jq -r '"\(.step) \(.phase)"' "$TMPD/one" | tr '\n' ,)" \
	"6 written,6 protected,6 restored,"
"$VMPEEK_LAB" --json --step stack </dev/null >"$TMPD/from" 2>"$TMPD/from.err" ||
	fail "--step stack failed: $(cat "$TMPD/from.err")"
expect_eq "--step stack: runs steps 7 to 11" "$(jq -r .step "$TMPD/from" | uniq | tr '\n' ' ')" "7 8 9 10 11 "
# -s and all(): jq 1.6's -e exits 4 when the last line selects nothing,
# whatever the lines before said (failed on a machine without THP)
jq -e -s 'all(.[] | select(.skipped != null); .phase == null and
	.start == null and .ranges == [] and (.skipped | length > 0))' \
	"$TMPD/from" >/dev/null ||
	fail "a skipped line without a reason or with a phase: $(jq -c 'select(.skipped != null)' "$TMPD/from")"
ok "skipped lines carry a reason and no phase"
flock -u 8
exec 8>&-

# --auto never reads stdin: a fifo that never delivers a line must not stop it
rm -f "$TMPD/fifo"
mkfifo "$TMPD/fifo"
T0=$(date +%s%N)
"$VMPEEK_LAB" --json --auto 0.2 --step 6-6 <"$TMPD/fifo" \
	>"$TMPD/auto" 2>"$TMPD/auto.err" &
LAB=$!
HELPER_PIDS="$HELPER_PIDS $LAB"
exec 9>"$TMPD/fifo"
_i=0
while kill -0 "$LAB" 2>/dev/null; do
	_i=$((_i + 1))
	[ $_i -le 200 ] || fail "--auto 0.2: still waiting after 10 s (reading stdin?)"
	sleep 0.05
done
wait "$LAB" || fail "--auto: exit status $?"
T1=$(date +%s%N)
exec 9>&-
expect_eq "--auto 0.2: phases" "$(jq -r .phase "$TMPD/auto" | tr '\n' ' ')" "written protected restored "
[ $(((T1 - T0) / 1000000)) -ge 600 ] || fail "--auto 0.2: three phases took only $(((T1 - T0) / 1000000)) ms"
ok "--auto 0.2: three phases, paused (took $(((T1 - T0) / 1000000)) ms), stdin never read"

# ---------------------------------------------------------------- a terminal
# On a terminal the lab prompts, Enter goes on and q quits; the tmux lines
# it prints really put vmpeek beside it, on its PID.
if ! command -v tmux >/dev/null 2>&1; then
	note_skip "terminal and tmux lines" "tmux is not installed"
else
	SOCK=vmpeek-lab-test-$$
	tm() { tmux -L "$SOCK" -f /dev/null "$@"; }
	SOCK0=$SOCK
	trap 'tmux -L "$SOCK0" kill-server >/dev/null 2>&1;
		tmux -L "$SOCK0-2" kill-server >/dev/null 2>&1; lab_cleanup; cleanup' EXIT
	unset TMUX
	# screen PANE PATTERN: wait (10 s at most) until PANE shows PATTERN
	screen() {
		_i=0
		while ! tm capture-pane -p -J -t "$1" 2>/dev/null | grep -q -- "$2"; do
			_i=$((_i + 1))
			if [ $_i -gt 200 ]; then
				tm capture-pane -p -J -t "$1" >&2
				fail "pane $1 never showed '$2'"
			fi
			sleep 0.05
		done
	}
	tm new-session -d -x 200 -y 60 -s lab \
		"\"$VMPEEK_LAB\" --step 6-6 --dir '$TMPD'; echo exit=\$?; sleep 60"
	screen lab:0.0 'mprotect-split: written'
	screen lab:0.0 '\[Enter: next, q Enter: quit\]'
	ok "terminal: the lab prompts after a phase"
	TP=$(tm capture-pane -p -J -t lab:0.0 | sed -n 's/.*step by step, in PID \([0-9]*\).*/\1/p')
	[ -n "$TP" ] || fail "terminal: the lab did not say its PID"
	# the "inside tmux" line, run on our private server
	LINE=$(tm capture-pane -p -J -t lab:0.0 | sed -n 's/^ *inside tmux: *//p')
	case $LINE in
	"tmux split-window -h '"*" $TP'") ;;
	*) fail "terminal: the inside-tmux line is not a split running vmpeek on PID $TP: $LINE" ;;
	esac
	eval "tm split-window -t lab:0.0 ${LINE#tmux split-window }"
	screen lab:0.1 "> $TP vmpeek-lab > VMAs"
	ok "terminal: the printed split-window line shows vmpeek on the lab's PID $TP"
	tm send-keys -t lab:0.0 Enter
	screen lab:0.0 'mprotect-split: protected'
	ok "terminal: Enter goes on to the next phase"
	tm send-keys -t lab:0.0 q Enter
	screen lab:0.0 'exit=0'
	! tm capture-pane -p -J -t lab:0.0 | grep -q 'mprotect-split: restored' ||
		fail "terminal: q did not quit before the next phase"
	ok "terminal: q quits at once, exit status 0"
	tm kill-server >/dev/null 2>&1

	# the "from scratch" line: a new session with the lab and vmpeek on it
	# (as printed by the first run, from the build tree), on a server of
	# its own: a new one on the old socket can race the old one's exit
	SOCK=$SOCK-2
	LINE=$(sed -n 's/^ *from scratch: *//p' "$TMPD/main.err")
	case $LINE in
	"tmux new-session '"*"' \; split-window -h '"*"'") ;;
	*) fail "the from-scratch line is not a two-pane tmux command: $LINE" ;;
	esac
	eval "tm new-session -d -x 200 -y 60 -s scratch ${LINE#tmux new-session }"
	# a decoy lab, newer than the one in the session, started while the
	# split's vmpeek still sleeps: the line must find the session's lab
	"$VMPEEK_LAB" --auto 20 --step 1-1 </dev/null >/dev/null 2>&1 &
	DECOY=$!
	screen scratch:0.0 'demand-zero: mapped'
	SP=$(tm capture-pane -p -J -t scratch:0.0 | sed -n 's/.*step by step, in PID \([0-9]*\).*/\1/p')
	screen scratch:0.1 "> $SP vmpeek-lab > VMAs"
	kill "$DECOY" 2>/dev/null
	wait "$DECOY" 2>/dev/null
	ok "the from-scratch tmux line shows the lab and vmpeek on its PID $SP"
	tm kill-server >/dev/null 2>&1
fi

# ---------------------------------------------------------------- ptracer
if ! command -v strace >/dev/null 2>&1; then
	note_skip "PR_SET_PTRACER" "needs strace"
elif ! strace -qq -o /dev/null true 2>/dev/null; then
	note_skip "PR_SET_PTRACER" "strace cannot trace here"
else
	# LeakSanitizer (sanitizer builds) refuses to run under ptrace
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
	    strace -qq -e trace=prctl -o "$TMPD/prctl" "$VMPEEK_LAB" --list >/dev/null ||
		fail "vmpeek-lab --list under strace failed"
	grep -q 'PR_SET_PTRACER, PR_SET_PTRACER_ANY\|PR_SET_PTRACER, 0xffffffffffffffff\|0x59616d61' "$TMPD/prctl" ||
		fail "the lab made no prctl(PR_SET_PTRACER, ANY): $(cat "$TMPD/prctl")"
	ok "the lab calls prctl(PR_SET_PTRACER, PR_SET_PTRACER_ANY)"
fi

summary
