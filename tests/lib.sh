# lib.sh: shared helpers for the shell tests (sourced, POSIX sh).
#
# Environment (set by make check's TESTS_ENVIRONMENT; defaults for running
# a script by hand from the build directory):
#   VMPEEK    the vmpeek binary        VMHELPER  the tests/vmhelper binary

: "${VMPEEK:=$PWD/src/vmpeek}"
: "${VMHELPER:=$PWD/tests/vmhelper}"
LC_ALL=C
export LC_ALL

HELPER_PIDS=
NOTES=
CHECKS=0
TMPD=$(mktemp -d "${TMPDIR:-/tmp}/vmpeek-test.XXXXXX") || exit 99

cleanup() {
	for p in $HELPER_PIDS; do
		kill -KILL "$p" 2>/dev/null
	done
	for p in $HELPER_PIDS; do
		wait "$p" 2>/dev/null
	done
	hugetlb_pool_undo
	rm -rf "$TMPD"
}
trap cleanup EXIT
trap 'exit 99' INT TERM HUP

# skip REASON: the whole test can't run here (automake: exit 77).
skip() {
	echo "SKIP: $*"
	echo "SKIP: $*" >&2
	exit 77
}

# fail MESSAGE: a check failed.
fail() {
	echo "FAIL: $*"
	echo "FAIL: $*" >&2
	exit 1
}

# ok MESSAGE: a check passed.
ok() {
	CHECKS=$((CHECKS + 1))
	echo "ok $CHECKS - $*"
}

# note_skip WHAT REASON: one part can't be checked here; said, not hidden.
note_skip() {
	echo "SKIP part: $1: $2"
	echo "SKIP part: $1: $2" >&2
	NOTES="$NOTES
  skipped $1: $2"
}

# summary: what passed and what was skipped, with the reasons.
summary() {
	echo "$CHECKS checks passed"
	if [ -n "$NOTES" ]; then
		echo "parts skipped on this machine:$NOTES"
	fi
}

need() {
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 || skip "needs $t"
	done
}

# start_helper OUTFILE CMD...: run a helper in the background, wait for
# its "ready" line (10 s at most); sets HELPER_PID.
start_helper() {
	_out=$1
	shift
	"$@" >"$_out" 2>"$_out.err" &
	HELPER_PID=$!
	HELPER_PIDS="$HELPER_PIDS $HELPER_PID"
	_i=0
	while ! grep -qx ready "$_out" 2>/dev/null; do
		if ! kill -0 "$HELPER_PID" 2>/dev/null; then
			cat "$_out" "$_out.err" >&2
			fail "helper exited before it was ready: $*"
		fi
		_i=$((_i + 1))
		[ "$_i" -le 200 ] || fail "helper not ready after 10 s: $*"
		sleep 0.05
	done
}

# hfield OUTFILE NAME N: field N of the helper's line NAME ("" if none).
hfield() {
	awk -v n="$2" -v f="$3" '$1 == n { print $f; exit }' "$1"
}

# hsupported OUTFILE NAME: true if the helper mapped NAME (else prints why).
hsupported() {
	if grep -q "^$2 unsupported" "$1"; then
		sed -n "s/^$2 unsupported //p" "$1"
		return 1
	fi
	grep -q "^$2 " "$1"
}

# expect_eq WHAT GOT WANT
expect_eq() {
	[ "$2" = "$3" ] || fail "$1: got '$2', want '$3'"
	ok "$1 = $3"
}

# json_one FILE WHAT: FILE holds exactly one JSON value. (jq -e judges
# only the last value of a stream: two concatenated arrays would pass.)
json_one() {
	[ "$(jq -s length "$1" 2>/dev/null)" = 1 ] ||
		fail "$2: not exactly one JSON value: $(head -c 200 "$1")"
}

# run_vmpeek NAME ARGS...: run vmpeek, keep $TMPD/NAME.out/.err/.rc; a
# successful --json run must print exactly one JSON value.
run_vmpeek() {
	_n=$1
	shift
	"$VMPEEK" "$@" >"$TMPD/$_n.out" 2>"$TMPD/$_n.err"
	echo $? >"$TMPD/$_n.rc"
	case " $* " in
	*" --json "*)
		[ "$(cat "$TMPD/$_n.rc")" != 0 ] ||
			json_one "$TMPD/$_n.out" "vmpeek $*" ;;
	esac
}

# expect_error NAME RC PATTERN ARGS...: vmpeek fails with exit RC, one
# stderr line matching PATTERN, and prints nothing on stdout.
expect_error() {
	_n=$1 _rc=$2 _pat=$3
	shift 3
	run_vmpeek "$_n" "$@"
	[ "$(cat "$TMPD/$_n.rc")" = "$_rc" ] ||
		fail "$_n: exit $(cat "$TMPD/$_n.rc"), want $_rc (stderr: $(cat "$TMPD/$_n.err"))"
	[ ! -s "$TMPD/$_n.out" ] || fail "$_n: printed on stdout: $(head -c 200 "$TMPD/$_n.out")"
	grep -qi -- "$_pat" "$TMPD/$_n.err" ||
		fail "$_n: stderr lacks '$_pat': $(cat "$TMPD/$_n.err")"
	ok "$_n: exit $_rc, '$(head -n 1 "$TMPD/$_n.err")'"
}

# Probes for what the kernel gives, read without vmpeek (dd/od, /proc):
# raw_pfn PID ADDR: bits 0-54 of ADDR's entry (sh arithmetic is signed
# 64-bit: the low 14 hex digits only). 0 for a present page = PFNs hidden
# (no CAP_SYS_ADMIN in the initial user namespace).
raw_pfn() {
	_r=$(raw_entry "$1" "$2")
	echo $(( 0x${_r#0x??} & ((1 << 55) - 1) ))
}

# raw_bit PID ADDR BIT: bit BIT (56-63) of ADDR's entry, 0 or 1.
raw_bit() {
	_r=$(raw_entry "$1" "$2")
	echo $(( (0x$(printf %s "$_r" | cut -c3-4) >> ($3 - 56)) & 1 ))
}

# nobody_bin: copy vmpeek and vmhelper into D=$TMPD/bin, where uid 65534
# can run them (the build tree may sit under a directory nobody can't
# enter, a 0700 home).
nobody_bin() {
	D=$TMPD/bin
	mkdir -m 755 "$D" && chmod 755 "$TMPD" &&
		cp "$VMPEEK" "$D/vmpeek" && cp "$VMHELPER" "$D/vmhelper" &&
		chmod 755 "$D/vmpeek" "$D/vmhelper" ||
		fail "copying vmpeek and vmhelper for nobody into $D"
}

# hex arithmetic helpers
hex() { printf '0x%x' "$1"; }

# raw_entry PID ADDR: the raw pagemap entry of ADDR as 0x%016x, read with
# dd and od (independent of vmpeek's reader).
raw_entry() {
	_ps=$(getconf PAGESIZE)
	dd if="/proc/$1/pagemap" bs=8 skip=$(($2 / _ps)) count=1 2>/dev/null |
		od -An -tx8 | tr -d ' \n' | sed 's/^/0x/'
}

# rawsplit 0xRAW: RB_HI, RB_LO = the entry's upper and lower 32 bits (the
# shell's arithmetic is signed 64-bit: dash clamps 0x8... to INT64_MAX).
rawsplit() {
	_h=${1#0x}
	RB_HI=$((0x$(printf '%s' "$_h" | cut -c1-8)))
	RB_LO=$((0x$(printf '%s' "$_h" | cut -c9-16)))
}
# rbit N: bit N (32-63) of the last rawsplit entry; rframe: bits 0-54.
rbit() { echo $(((RB_HI >> ($1 - 32)) & 1)); }
rframe() { echo $((((RB_HI & 0x7fffff) << 32) | RB_LO)); }

# hugetlb_pool_add: as root, one more page in the default hugetlb pool for
# this test's MAP_HUGETLB helper; cleanup gives it back, also on failure.
# One page up, one down (not "write the old value back"): tests running at
# the same time each take and return their own page. False if it didn't take.
HUGETLB_ADDED=0
hugetlb_pool_add() {
	_f=/proc/sys/vm/nr_hugepages
	{ [ "$(id -u)" = 0 ] && [ -w $_f ]; } || return 1
	_o=$(cat $_f)
	echo $((_o + 1)) >$_f 2>/dev/null || return 1
	[ "$(cat $_f)" -gt "$_o" ] || return 1
	HUGETLB_ADDED=1
}
hugetlb_pool_undo() {
	[ "$HUGETLB_ADDED" = 1 ] || return 0
	HUGETLB_ADDED=0
	_n=$(cat /proc/sys/vm/nr_hugepages)
	[ "$_n" -gt 0 ] && echo $((_n - 1)) >/proc/sys/vm/nr_hugepages
}
