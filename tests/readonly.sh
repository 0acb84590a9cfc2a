#!/bin/sh
# readonly.sh: vmpeek never writes to what it inspects — the CLI and the TUI
# run under strace -f; any write open of a /proc or /sys file, a write to
# an fd of one, any ptrace or process_vm_writev fails the test.
. "${srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "${srcdir:-$(dirname "$0")/..}/tests/tmux.sh"
trap 'tui_stop; cleanup' EXIT

need awk
command -v strace >/dev/null 2>&1 ||
	skip "strace is not installed (debian/control lists it: ./bootstrap deps)"
[ -r /proc/self/pagemap ] || skip "/proc/self/pagemap is not readable"
# LeakSanitizer stops the world with ptrace, which fails under strace: in
# a sanitizer build, leaks are checked by the other tests, not here.
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
export ASAN_OPTIONS
# -y prints the file behind each fd; -ff one file per thread, so no call
# is split into <unfinished ...> / <... resumed> halves.
SYSCALLS=open,openat,openat2,creat,ptrace,process_vm_writev,write,writev,pwrite64,pwritev,pwritev2
STRACE="strace -f -ff -qq -y -e signal=none -e trace=$SYSCALLS"
if ! $STRACE -o "$TMPD/probe" true 2>"$TMPD/probe.err"; then
	skip "strace cannot trace here: $(head -n 1 "$TMPD/probe.err")"
fi

H=$TMPD/h
mkdir "$TMPD/files"
start_helper "$H" "$VMHELPER" -d "$TMPD/files" -T
PID=$(hfield "$H" pid 2)
TS=$(hfield "$H" touched 2)
mkdir "$TMPD/tr"

# check_trace NAME: read every $TMPD/tr/NAME.* file strace wrote
check_trace() {
	cat "$TMPD/tr/$1".* >"$TMPD/$1.trace" 2>/dev/null ||
		fail "$1: strace wrote no trace"
	awk -v name="$1" '
	# a /proc or /sys file: by the fd strace resolved (-y), by an
	# absolute path, or by a path relative to a dirfd under /proc
	function sysfile(pre, path, res) {
		if (res ~ /^= [0-9]+<\/(proc|sys)[\/>]/)
			return 1
		if (path ~ /^"\/(proc|sys)(\/|")/)
			return 1
		return path !~ /^"\// && pre ~ /[0-9]+<\/(proc|sys)[\/>]/
	}
	/^(open|openat|openat2|creat)\(/ {
		line = $0
		if (!match(line, /"([^"\\]|\\.)*"/)) {
			print name ": cannot parse: " line
			bad = 1
			next
		}
		pre = substr(line, 1, RSTART - 1)
		path = substr(line, RSTART, RLENGTH)
		rest = substr(line, RSTART + RLENGTH)
		res = rest
		sub(/^.*\) +/, "", res)
		args = rest
		sub(/\) += .*$/, "", args)
		wr = line ~ /^creat\(/ || args ~ /O_WRONLY|O_RDWR|O_CREAT|O_TRUNC|O_APPEND/
		if (wr && sysfile(pre, path, res)) {
			print name ": opened for writing: " line
			bad = 1
		}
		if (!wr && path ~ /\/pagemap"$/ && res ~ /^= [0-9]+</)
			pagemap++
		opens++
		next
	}
	/^(ptrace|process_vm_writev)\(/ {
		print name ": " $0
		bad = 1
		next
	}
	/^(write|writev|pwrite64|pwritev|pwritev2)\([0-9]+<\/(proc|sys)[\/>]/ {
		print name ": wrote to: " line
		bad = 1
	}
	END {
		if (opens == 0 || pagemap == 0) {
			print name ": the trace holds no open of a pagemap (" \
			    opens + 0 " opens): strace saw nothing?"
			bad = 1
		}
		printf "%s: %d opens, %d of a pagemap%s\n", name, opens, \
		    pagemap, bad ? "" : ", read-only"
		exit bad
	}' "$TMPD/$1.trace" >"$TMPD/$1.verdict"
	_rc=$?
	cat "$TMPD/$1.verdict"
	[ $_rc = 0 ] || fail "$1: vmpeek did not stay read-only (trace: $TMPD/$1.trace)"
	ok "$1: no write open of /proc or /sys, no write to one, no ptrace, no process_vm_writev"
}

# cli NAME ARGS...: run the CLI under strace; it must succeed
cli() {
	_n=$1
	shift
	$STRACE -o "$TMPD/tr/$_n" "$VMPEEK" "$@" >"$TMPD/$_n.out" 2>"$TMPD/$_n.err" ||
		fail "$_n: vmpeek $*: exit $?: $(cat "$TMPD/$_n.err")"
	[ -s "$TMPD/$_n.out" ] || fail "$_n: printed nothing"
	check_trace "$_n"
}
cli maps --maps "$PID"
cli maps_json --maps "$PID" --json
cli maps_noscan --maps "$PID" --no-scan
cli translate --translate "$PID" "$TS-$(hex $(($(hfield "$H" touched 3))))"
# a THP page when the helper got one (no THP: /sys absent, or a kernel
# without it), else a touched page
THP=$(hfield "$H" thp 2)
case $THP in
0x*) cli translate_json --translate "$PID" "$THP" --json ;;
*)	note_skip "translate of a THP page" "the helper has no THP ($(grep '^thp ' "$H"))"
	cli translate_json --translate "$PID" "$TS" --json ;;
esac
cli translate_file --translate "$PID" "$(hfield "$H" file 2)" --json
cli compare --compare "$PID" "$(hfield "$H" cowchild 2)" "$(hfield "$H" cow 2)-$(hfield "$H" cow 3)"
cli compare_json --compare "$PID" "$(hfield "$H" cowchild 2)" "$(hfield "$H" cow 2)" --json
# --translate --watch runs until a signal: ~2 s of re-reads, then SIGTERM
# to vmpeek itself (strace's child), which must end it with 0.
$STRACE -o "$TMPD/tr/watch" "$VMPEEK" --translate "$PID" "$TS-$(hex $(($(hfield "$H" touched 3))))" \
    --watch --json -d 0.1 >"$TMPD/watch.out" 2>"$TMPD/watch.err" &
_sp=$!
sleep 2
_wp=$(awk '{ print $1 }' "/proc/$_sp/task/$_sp/children" 2>/dev/null)
[ -n "$_wp" ] || fail "watch: vmpeek under strace is not running: $(cat "$TMPD/watch.err")"
kill -TERM "$_wp"
wait "$_sp" || fail "watch: exit $? on SIGTERM: $(cat "$TMPD/watch.err")"
check_trace watch
cli stack --stack "$PID"
cli stack_json --stack "$PID" --json
cli dump --dump "$PID" "$TS-$(hex $((TS + 2 * $(getconf PAGESIZE))))"
cli caps --caps
cli caps_json --caps --json

# The TUI: VMA pane, page pane (kpageflags column, refresh, detail, compare),
# the stack view, help, the picker; then quit.
REAL=$VMPEEK
VMPEEK=$(command -v strace)
tui_start "${STRACE#strace }" -o "$TMPD/tr/tui" "$REAL" "$PID"
VMPEEK=$REAL
tui_wait "> VMAs" 10 || tui_fail "the VMA pane did not open"
tui_keys /
tm send-keys -l "$TS"
tui_keys Enter
tui_wait "$(printf '%s' "$TS" | sed 's/^0x//')-" 10 || tui_fail "the helper's VMAs not shown"
tui_keys :
tm send-keys -l "$TS"
tui_keys Enter
tui_wait "> pages" 5 || tui_fail "the page pane did not open"
tui_keys f r Enter
sleep 0.3
# compare mode (c) reads a second process: its child
tui_keys Escape c
tui_wait "^compare with process" 5 || tui_fail "c did not ask for a process"
tui_keys Enter
tui_wait "^ADDRESS +PFN P S F X D U G STATE +(MARKS +)?= " 5 || tui_fail "compare mode did not open"
tui_keys r Escape Escape
tui_wait "> VMAs" 5 || tui_fail "Esc did not go back to the VMA pane"
tui_keys r :
tm send-keys -l "0x$(awk '$NF == "[stack]" { sub(/-.*/, "", $1); print $1 }' "/proc/$PID/maps")"
tui_keys Enter
tui_wait "> pages" 5 || tui_fail "the stack view did not open"
tui_keys Escape
tui_wait "> VMAs" 5 || tui_fail "Esc did not go back from the stack view"
tui_keys Escape
tui_wait "PID" 5 || tui_fail "Esc did not go to the picker"
tui_keys r ?
sleep 0.3
tui_keys Escape Q
tui_wait "^exit=0" 10 || tui_fail "vmpeek under strace did not quit with 0"
tui_stop
check_trace tui

summary
exit 0
