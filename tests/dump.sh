#!/bin/sh
# dump.sh: vmpeek --dump shows a page's bytes (checked against the helper's
# pattern and an independent dd/xxd of /proc/PID/mem) and never faults a
# page in (pagemap read with dd/od before and after); refusals explained.
. "${srcdir:-$(dirname "$0")/..}/tests/lib.sh"

need dd od awk
[ -r /proc/self/pagemap ] || skip "/proc/self/pagemap is not readable"
PS=$(getconf PAGESIZE)
N=16

H=$TMPD/helper
start_helper "$H" "$VMHELPER" -n $N -B
PID=$(hfield "$H" pid 2)
PAT=$(hfield "$H" pattern 2)
PAT_END=$(hfield "$H" pattern 3)
STRIDE=$(hfield "$H" pattern 5)
UNT=$(hfield "$H" untouched 2)
UNT_END=$(hfield "$H" untouched 3)

# present PID ADDR: the present bit (63) of ADDR's entry, read with dd/od
present() { raw_bit "$1" "$2" 63; }

# presence PID START NPAGES: one 0/1 per page, independently of vmpeek
presence() {
	_s=$(($2)) _i=0 _o=
	while [ $_i -lt "$3" ]; do
		_o="$_o$(present "$1" $((_s + _i * PS)))"
		_i=$((_i + 1))
	done
	echo "$_o"
}

# pathex I K: the hex groups of the 16 pattern bytes of page I from byte K,
# computed from the helper's formula (as xxd groups them)
pathex() {
	awk -v i="$1" -v k0="$2" 'BEGIN { for (k = k0; k < k0 + 16; k++)
		printf "%02x%s", (k * 7 + i * 31 + 1) % 256,
		    (k % 2 && k < k0 + 15) ? " " : "" }'
}

# The probe can see a fault: a read of an untouched page (dd of mem, as
# the kernel does for any reader) makes it present. Else the checks
# below that nothing became present would prove nothing.
PROBE=$(hex $((UNT + (N - 1) * PS)))
UNT_PAGES=$((N - 1))	# the last untouched page is the probe's
expect_eq "probe page before: present bit" "$(present "$PID" "$PROBE")" 0
if dd if="/proc/$PID/mem" bs="$PS" skip=$((PROBE / PS)) count=1 \
    of=/dev/null 2>/dev/null; then
	expect_eq "probe: a dd read of an untouched page faults it in" \
		"$(present "$PID" "$PROBE")" 1
else
	note_skip "probe" "dd cannot read /proc/$PID/mem here"
fi

# --- the pattern region: even pages written, odd ones never accessed ----
BEFORE=$(presence "$PID" "$PAT" $N)
WANT=$(awk -v n=$N -v s="$STRIDE" 'BEGIN { for (i = 0; i < n; i++)
	printf "%d", i % s == 0 }')
expect_eq "pattern region presence before --dump (dd/od)" "$BEFORE" "$WANT"

run_vmpeek pat --dump "$PID" "$PAT-$PAT_END"
expect_eq "--dump pattern region: exit" "$(cat "$TMPD/pat.rc")" 0
expect_eq "--dump pattern region: pages read" \
	"$(grep -c '^page 0x.*: present: read$' "$TMPD/pat.out")" $((N / STRIDE))
expect_eq "--dump pattern region: pages not read" \
	"$(grep -c '^page 0x.*: not present: not read (reading would fault it in)$' \
	"$TMPD/pat.out")" $((N - N / STRIDE))
expect_eq "--dump pattern region: xxd lines" \
	"$(grep -c '^[0-9a-f]\{16\}: ' "$TMPD/pat.out")" $((N / STRIDE * PS / 16))
expect_eq "pattern region presence after --dump (dd/od): unchanged" \
	"$(presence "$PID" "$PAT" $N)" "$BEFORE"

# Each read page: its lines' addresses and bytes are the helper's pattern
# (byte k of page i = (k * 7 + i * 31 + 1) & 0xff), computed here in awk.
awk -v base=$((PAT)) -v ps="$PS" '
function hexval(s,  v, i) {
	v = 0
	for (i = 1; i <= length(s); i++)
		v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
	return v
}
/^page 0x/ { page = hexval(substr($2, 3)); nl = 0; next }
/^[0-9a-f]+: / {
	addr = hexval(substr($1, 1, 16))
	if (addr != page + (nl++) * 16) {
		print "line address " $1 " out of sequence"; bad = 1; exit
	}
	i = (page - base) / ps
	hexs = substr($0, 19, 40)
	gsub(/ /, "", hexs)
	for (k = 0; k < 16; k++) {
		b = ((addr - page + k) * 7 + i * 31 + 1) % 256
		if (hexval(substr(hexs, 2 * k + 1, 2)) != b) {
			printf "0x%x byte %d: %s, want %02x\n", addr, k,
			    substr(hexs, 2 * k + 1, 2), b
			bad = 1; exit
		}
		c = substr($0, 60 + k, 1)
		want = (b >= 32 && b < 127) ? sprintf("%c", b) : "."
		if (c != want) {
			printf "0x%x ascii %d: %s, want %s\n", addr, k, c, want
			bad = 1; exit
		}
	}
	lines++
}
END { if (!bad) printf "%d lines match\n", lines; exit bad }' \
	"$TMPD/pat.out" >"$TMPD/pat.check" ||
	fail "--dump bytes differ from the helper's pattern: $(cat "$TMPD/pat.check")"
ok "--dump bytes and ASCII are the helper's pattern ($(cat "$TMPD/pat.check"))"

# The same page read independently (dd of /proc/PID/mem, a present page
# only) and formatted by xxd: the same hex and ASCII columns.
if command -v xxd >/dev/null 2>&1; then
	P2=$(hex $((PAT + STRIDE * PS)))
	dd if="/proc/$PID/mem" bs="$PS" skip=$((P2 / PS)) count=1 2>/dev/null |
		xxd | cut -c11- >"$TMPD/xxd.ref"
	want=$(printf 'page 0x%016x' $((P2)))
	awk -v w="$want" 'index($0, "page ") == 1 { on = index($0, w) == 1; next }
		on { print substr($0, 19) }' "$TMPD/pat.out" >"$TMPD/xxd.got"
	[ -s "$TMPD/xxd.got" ] || fail "no lines of page $P2 in --dump's output"
	cmp -s "$TMPD/xxd.got" "$TMPD/xxd.ref" ||
		fail "--dump of $P2 differs from dd | xxd: $(diff "$TMPD/xxd.got" "$TMPD/xxd.ref" | head -n 5)"
	ok "--dump of $P2 = dd of /proc/PID/mem | xxd (hex and ASCII columns)"
else
	note_skip "xxd comparison" "xxd is not installed (debian/control lists it: ./bootstrap deps)"
fi

# --- untouched pages: nothing read, nothing faulted in, exit 1 ----------
BEFORE=$(presence "$PID" "$UNT" $UNT_PAGES)
expect_eq "untouched presence before --dump (dd/od)" "$BEFORE" \
	"$(printf '%0*d' $UNT_PAGES 0)"
run_vmpeek unt --dump "$PID" "$UNT-$(hex $((UNT + UNT_PAGES * PS)))"
expect_eq "--dump of untouched pages: exit" "$(cat "$TMPD/unt.rc")" 1
grep -q 'no page of the range could be read' "$TMPD/unt.err" ||
	fail "--dump of untouched pages: message: $(cat "$TMPD/unt.err")"
ok "--dump of untouched pages says: $(cat "$TMPD/unt.err")"
expect_eq "--dump of untouched pages: 'not read' lines" \
	"$(grep -c 'not present: not read' "$TMPD/unt.out")" $UNT_PAGES
expect_eq "--dump of untouched pages: no byte lines" \
	"$(grep -c '^[0-9a-f]\{16\}: ' "$TMPD/unt.out")" 0
expect_eq "untouched presence after --dump (dd/od): still not present" \
	"$(presence "$PID" "$UNT" $UNT_PAGES)" "$BEFORE"
# one page, by an address inside it
run_vmpeek one --dump "$PID" "$(hex $((UNT + 5 * PS + 123)))"
expect_eq "--dump of one untouched page: exit" "$(cat "$TMPD/one.rc")" 1
expect_eq "one untouched page after --dump: still not present" \
	"$(present "$PID" $((UNT + 5 * PS)))" 0

# --- guard pages (MADV_GUARD_INSTALL) -----------------------------------
if GWHY=$(hsupported "$H" guard); then
	G=$(hfield "$H" guard 2)
	GF=$(hfield "$H" guard 5)
	GN=$(hfield "$H" guard 6)
	run_vmpeek guard --dump "$PID" "$G-$(hfield "$H" guard 3)"
	expect_eq "--dump guard region: exit" "$(cat "$TMPD/guard.rc")" 0
	expect_eq "--dump guard region: guard pages not read" \
		"$(grep -c '^page 0x.*: guard page: not read' "$TMPD/guard.out")" "$GN"
	expect_eq "--dump guard region: the others read" \
		"$(grep -c '^page 0x.*: present: read$' "$TMPD/guard.out")" $((N - GN))
	grep -q "^page $(printf '0x%016x' $((G + GF * PS))) .*guard page" \
		"$TMPD/guard.out" || fail "--dump: page $GF of the guard region not marked guard"
	ok "--dump: the first guard page is the one the helper guarded"
else
	note_skip "guard pages" "$GWHY"
fi

# --- errors ----------------------------------------------------------------
expect_error unmapped 1 'not mapped' --dump "$PID" 0x1000-0x3000
expect_error cap 2 'at most' --dump "$PID" "$PAT-$(hex $((PAT + 4096 * PS)))"
expect_error noaddr 2 'needs an address' --dump "$PID"
expect_error reversed 2 'reversed' --dump "$PID" "$PAT_END-$PAT"
expect_error json 2 'no --json' --dump "$PID" "$PAT" --json
expect_error gone 1 'no such process' --dump 999999999 "$PAT"

# --- the TUI: x in the page pane --------------------------------------
if command -v tmux >/dev/null 2>&1; then
	. "${srcdir:-$(dirname "$0")/..}/tests/tmux.sh"
	trap 'tui_stop; cleanup' EXIT
	P1=$(hex $((PAT + PS)))		# page 1: never accessed
	expect_eq "TUI: page 1 before x: present bit" "$(present "$PID" "$P1")" 0
	tui_start "$PID"
	tui_wait "> VMAs" 10 || tui_fail "the VMA pane did not open"
	tui_keys :
	tm send-keys -l "$PAT"
	tui_keys Enter
	tui_wait "> pages" 5 || tui_fail "the page pane did not open"
	tui_keys x
	tui_wait "^$(printf '%016x' $((PAT + 16))): $(pathex 0 16)  qx\.\.\.\." 5 ||
		tui_fail "x: the hex view does not show page 0's pattern"
	grep -qF "$(printf '%016x' $((PAT))): $(pathex 0 0)  .....\$+29@GNU\\cj" \
		"$TMPD/screen" || tui_fail "x: the first line of page 0"
	grep -q "present: read" "$TMPD/screen" || tui_fail "x: the state line"
	ok "TUI x: the hex view shows the bytes the helper wrote"
	tui_keys G
	tui_wait "^$(printf '%016x' $((PAT + PS - 16))): " 5 ||
		tui_fail "G: the hex view does not scroll to the page's last line"
	ok "TUI x: the view scrolls to the last line of the page"
	tui_keys Escape
	tui_wait "row 1/$N" 5 || tui_fail "Esc did not close the hex view"
	tui_keys j x
	tui_wait "not present: not read \(reading would fault it in\)" 5 ||
		tui_fail "x on a page not present"
	grep -q "^$(printf '%016x' $((P1))): " "$TMPD/screen" &&
		tui_fail "x on a page not present shows bytes"
	ok "TUI x on a page not present: 'not present: not read (reading would fault it in)'"
	tui_keys r
	sleep 0.3
	tui_keys q
	tui_wait "row 2/$N" 5 || tui_fail "q did not close the hex view"
	expect_eq "TUI: page 1 after x and r: still not present (dd/od)" \
		"$(present "$PID" "$P1")" 0
	tui_keys Q
	tui_wait "^exit=0" 10 || tui_fail "vmpeek did not quit with 0"
	tui_stop
else
	note_skip "TUI hex view" "tmux is not installed"
fi

# --- not root: ptrace-attach refused, or allowed between nobody's own ---
if [ "$(id -u)" != 0 ]; then
	note_skip "non-root --dump" "needs root to run steps as nobody (setpriv)"
elif ! command -v setpriv >/dev/null 2>&1 ||
    ! setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null; then
	note_skip "non-root --dump" "setpriv cannot switch to uid 65534 here"
else
	NOBODY="setpriv --reuid=65534 --regid=65534 --clear-groups"
	nobody_bin
	$NOBODY "$D/vmpeek" --dump "$PID" "$PAT" >"$TMPD/nr.out" 2>"$TMPD/nr.err"
	expect_eq "nobody --dump of root's process: exit" $? 1
	[ ! -s "$TMPD/nr.out" ] || fail "nobody --dump of root's process printed on stdout"
	grep -q 'permission denied.*ptrace-attach.*ptrace_scope.*PR_SET_PTRACER' \
		"$TMPD/nr.err" || fail "nobody --dump: refusal not explained: $(cat "$TMPD/nr.err")"
	expect_eq "nobody --dump of root's process: stderr lines" \
		"$(wc -l <"$TMPD/nr.err" | tr -d ' ')" 1
	ok "nobody --dump of root's process explained: $(cat "$TMPD/nr.err")"

	start_helper "$TMPD/nh" $NOBODY "$D/vmhelper" -n $N -B
	NPID=$(hfield "$TMPD/nh" pid 2)
	NPAT=$(hfield "$TMPD/nh" pattern 2)
	SCOPE=$(cat /proc/sys/kernel/yama/ptrace_scope 2>/dev/null)
	$NOBODY "$D/vmpeek" --dump "$NPID" "$NPAT" >"$TMPD/nn.out" 2>"$TMPD/nn.err"
	rc=$?
	case $SCOPE in
	""|0)
		expect_eq "nobody --dump of nobody's process (ptrace_scope '${SCOPE:-none}'): exit" $rc 0
		grep -q '^page 0x.* pfn hidden: present: read$' "$TMPD/nn.out" ||
			fail "nobody --dump: page line: $(head -n 1 "$TMPD/nn.out")"
		expect_eq "nobody --dump: first bytes" \
			"$(sed -n 2p "$TMPD/nn.out" | cut -c19-57)" "$(pathex 0 0)"
		if [ -z "$SCOPE" ]; then
			note_skip "Yama refusal (same user, not a descendant)" \
				"no /proc/sys/kernel/yama/ptrace_scope: this kernel has no Yama"
		else
			note_skip "Yama refusal (same user, not a descendant)" \
				"kernel.yama.ptrace_scope is 0 here"
		fi ;;
	*)
		expect_eq "nobody --dump of nobody's process (ptrace_scope $SCOPE): exit" $rc 1
		grep -q "ptrace_scope is $SCOPE" "$TMPD/nn.err" ||
			fail "nobody --dump under Yama: $(cat "$TMPD/nn.err")"
		ok "nobody --dump under Yama explained: $(cat "$TMPD/nn.err")" ;;
	esac
fi

summary
exit 0
