#!/bin/sh
# userns.sh: vmpeek as root inside a user namespace (unshare -r): the kernel
# hides PFNs (it wants CAP_SYS_ADMIN in the initial namespace); vmpeek says
# so, keeps the flags, and drops kpageflags (which would describe PFN 0).
. "${srcdir:-$(dirname "$0")/..}/tests/lib.sh"

need jq dd od awk unshare nsenter
PS=$(getconf PAGESIZE)
N=16
# Independent probe: can this machine make a user namespace at all?
if ! unshare -r true 2>"$TMPD/probe.err"; then
	skip "the kernel refuses a user namespace here (unshare -r: $(cat "$TMPD/probe.err"))"
fi
ROOT=0
[ "$(id -u)" = 0 ] && ROOT=1

# The helper lives in a user namespace of its own, as in a container:
# from another namespace ptrace-read access (pagemap) would be refused.
H=$TMPD/helper
start_helper "$H" unshare -r "$VMHELPER" -n $N
PID=$(hfield "$H" pid 2)
S=$(hfield "$H" touched 2)
E=$(hfield "$H" touched 3)
[ "$(readlink /proc/$PID/ns/user)" != "$(readlink /proc/self/ns/user)" ] ||
	fail "the helper is not in a user namespace of its own"

# inns CMD...: run CMD as root of the helper's user namespace.
inns() { nsenter -U -t "$PID" "$@"; }

# The namespace's view, read without vmpeek: CAP_SYS_ADMIN in CapEff, but
# a zero PFN from pagemap (the kernel checks the initial namespace).
CAPEFF=$(inns awk '$1 == "CapEff:" { print $2 }' /proc/self/status)
[ $(((0x$CAPEFF >> 21) & 1)) = 1 ] ||
	fail "root in the namespace lacks CAP_SYS_ADMIN in CapEff ($CAPEFF)"
ok "in the namespace CapEff has CAP_SYS_ADMIN ($CAPEFF): capabilities can't tell"
RIN=$(inns sh -c "dd if=/proc/$PID/pagemap bs=8 skip=$((S / PS)) count=1 2>/dev/null | od -An -tx8" | tr -d ' \n')
[ -n "$RIN" ] || fail "the namespace cannot read the helper's pagemap"
rawsplit "$RIN"
[ "$(rbit 63)" = 1 ] && [ "$(rframe)" = 0 ] ||
	fail "in the namespace the kernel shows a PFN: raw 0x$RIN (expected present, PFN 0)"
ok "in the namespace the kernel gives PFN 0 for a present page (raw 0x$RIN)"

# Outside, with an independent reader: the flags (and PFNs when root).
: >"$TMPD/indep"
i=0
while [ $i -lt $N ]; do
	rawsplit "$(raw_entry "$PID" $((S + i * PS)))"
	printf '0x%x %d %d %d %d %d\n' $((S + i * PS)) "$(rbit 63)" \
		"$(rbit 56)" "$(rbit 57)" "$(rbit 61)" "$(rframe)" >>"$TMPD/indep"
	i=$((i + 1))
done

inns "$VMPEEK" --translate "$PID" "$S-$E" --json >"$TMPD/j.out" 2>"$TMPD/j.err" ||
	fail "in the namespace --translate --json failed: $(cat "$TMPD/j.err")"
expect_eq "userns: records" "$(jq length "$TMPD/j.out")" $N
nbad=0
while read -r va pr ex uf fs pfn; do
	jq -e --arg v "$va" --argjson p "$pr" --argjson x "$ex" --argjson u "$uf" --argjson f "$fs" \
		'.[] | select(.vaddr == $v) | .present == ($p == 1) and .pfn == null
		and .phys == null and .exclusive == ($x == 1)
		and (.uffd_wp == null or .uffd_wp == ($u == 1)) and .file_shared == ($f == 1)' \
		"$TMPD/j.out" >/dev/null ||
		{ nbad=$((nbad + 1)); echo "$va: $(jq -c --arg v "$va" '.[] | select(.vaddr == $v)' "$TMPD/j.out")"; }
done <"$TMPD/indep"
[ $nbad = 0 ] || fail "userns: $nbad pages wrong (pfn must be null, flags as read outside)"
ok "userns: present pages have pfn and phys null, flags as the outside reader sees them"
jq -e 'all(.[]; (has("kflags") | not) and (has("mapcount") | not)
	and (.kflags_unavailable | test("hidden")))' "$TMPD/j.out" >/dev/null ||
	fail "userns: kflags given or not explained: $(jq -c '.[0]' "$TMPD/j.out")"
ok "userns: kflags unavailable: $(jq -r '.[0].kflags_unavailable' "$TMPD/j.out")"
if inns dd if=/proc/kpageflags bs=8 count=1 of=/dev/null 2>/dev/null; then
	ok "(/proc/kpageflags opens in the namespace: it would have described PFN 0)"
fi

inns "$VMPEEK" --translate "$PID" "$S-$E" >"$TMPD/t.out" 2>"$TMPD/t.err" ||
	fail "in the namespace --translate failed: $(cat "$TMPD/t.err")"
expect_eq "userns: stderr says PFNs are hidden, once" \
	"$(grep -c 'PFNs are hidden.*initial user namespace' "$TMPD/t.err")" 1
expect_eq "userns: text lines say 'pfn hidden'" "$(grep -c 'pfn hidden' "$TMPD/t.out")" $N
grep -q 'pfn 0x0 ' "$TMPD/t.out" && fail "userns: text shows a fake pfn 0x0"
ok "userns: no fake 'pfn 0x0'"

if [ $ROOT = 1 ]; then
	# Outside, as root: the same pages do have PFNs (sanity of the setup).
	run_vmpeek out --translate "$PID" "$S-$E" --json
	va=$(awk 'NR == 1 { print $1 }' "$TMPD/indep")
	pfn=$(awk 'NR == 1 { print $6 }' "$TMPD/indep")
	[ "$pfn" != 0 ] || fail "outside as root the independent reader sees PFN 0"
	expect_eq "outside as root: PFN of $va as the independent reader" \
		"$(jq -r --arg v "$va" '.[] | select(.vaddr == $v) | .pfn' "$TMPD/out.out")" "$pfn"
fi

# The TUI in the namespace: the PFN column says hidden, and the hint why.
if command -v tmux >/dev/null 2>&1; then
	. "${srcdir:-$(dirname "$0")/..}/tests/tmux.sh"
	TUI_COLS=140
	TUI_WRAP="nsenter -U -t $PID"
	tui_start "$PID"
	tui_wait "> VMAs" || tui_fail "TUI in userns: no VMA pane"
	tui_goto "$S"
	tui_wait "^ *${S#0x} " || tui_fail "TUI in userns: page $S not on screen"
	sleep 0.3
	tui_screen >"$TMPD/screen"
	expect_eq "TUI in userns: touched rows with PFN hidden" \
		"$(grep -cE "^ *[0-9a-f]+ +hidden .* present " "$TMPD/screen")" $N
	grep -q 'PFN hidden: .*initial user namespace' "$TMPD/screen" ||
		fail "TUI in userns: no hint why PFNs are hidden: $(tail -3 "$TMPD/screen")"
	ok "TUI in userns: the hint says why PFNs are hidden"
	# f: the kpageflags column can't be had, and says why
	tui_keys f
	tui_wait "kpageflags unavailable: the kernel hides PFNs" ||
		fail "TUI in userns: 'f' does not say kpageflags are unavailable: $(tail -3 "$TMPD/screen")"
	ok "TUI in userns: 'f' says kpageflags are unavailable (PFNs hidden)"
else
	note_skip "TUI" "tmux is not installed"
fi

summary
exit 0
