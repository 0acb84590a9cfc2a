#!/bin/sh
# nonroot.sh: vmpeek as nobody — PFNs hidden (null, one stderr note), root's process refused.
. "${srcdir:-$(dirname "$0")/..}/tests/lib.sh"

need jq setpriv
[ "$(id -u)" = 0 ] || skip "needs root to run steps as nobody (setpriv)"
NOBODY="setpriv --reuid=65534 --regid=65534 --clear-groups"
$NOBODY true 2>/dev/null || skip "setpriv cannot switch to uid 65534 here"

nobody_bin
mkdir -m 755 "$D/w"
chown 65534:65534 "$D/w"
N=16

# A helper owned by nobody, read by nobody.
start_helper "$TMPD/nh" $NOBODY "$D/vmhelper" -n $N -d "$D/w"
NPID=$(hfield "$TMPD/nh" pid 2)
[ "$(stat -c %u "/proc/$NPID")" = 65534 ] || fail "helper does not run as nobody"
ok "helper runs as nobody (pid $NPID)"
TR="$(hfield "$TMPD/nh" touched 2)-$(hfield "$TMPD/nh" touched 3)"

$NOBODY "$D/vmpeek" --translate "$NPID" "$TR" --json >"$TMPD/j.out" 2>"$TMPD/j.err" ||
	fail "nobody: --translate --json failed: $(cat "$TMPD/j.err")"
json_one "$TMPD/j.out" "nobody: --translate --json"
expect_eq "nobody: records" "$(jq length "$TMPD/j.out")" $N
jq -e 'all(.[]; .present == true and .pfn == null and .phys == null)' \
	"$TMPD/j.out" >/dev/null || fail "nobody: pfn not null: $(jq -c '.[0]' "$TMPD/j.out")"
ok "nobody: present pages have pfn null and phys null (never a fake 0)"
jq -e 'all(.[]; .exclusive == true and .file_shared == false)' "$TMPD/j.out" \
	>/dev/null || fail "nobody: flags lost with the PFN"
ok "nobody: the flags stay (exclusive, not file-shared)"
jq -e 'all(.[]; (has("kflags") | not) and (.kflags_unavailable | type) == "string")' \
	"$TMPD/j.out" >/dev/null || fail "nobody: kflags present or unexplained"
ok "nobody: kflags omitted, reason: $(jq -r '.[0].kflags_unavailable' "$TMPD/j.out")"
[ ! -s "$TMPD/j.err" ] || fail "nobody: JSON mode wrote to stderr: $(cat "$TMPD/j.err")"
ok "nobody: JSON mode keeps stderr quiet"

$NOBODY "$D/vmpeek" --translate "$NPID" "$TR" >"$TMPD/t.out" 2>"$TMPD/t.err" ||
	fail "nobody: --translate text failed: $(cat "$TMPD/t.err")"
expect_eq "nobody: stderr note about hidden PFNs, said once" \
	"$(grep -ci 'PFNs are hidden.*CAP_SYS_ADMIN' "$TMPD/t.err")" 1
expect_eq "nobody: text lines say 'pfn hidden'" "$(grep -c 'pfn hidden' "$TMPD/t.out")" $N

$NOBODY "$D/vmpeek" --maps "$NPID" --json >"$TMPD/m.out" 2>"$TMPD/m.err" ||
	fail "nobody: --maps failed: $(cat "$TMPD/m.err")"
json_one "$TMPD/m.out" "nobody: --maps --json"
expect_eq "nobody: --maps touched present" "$(jq -r --arg s "$(hfield "$TMPD/nh" touched 2)" \
	'.[] | select(.start == $s) | .present' "$TMPD/m.out")" $N

# nobody reading a root process: refused with the ptrace explanation.
start_helper "$TMPD/rh" "$D/vmhelper" -n $N
RPID=$(hfield "$TMPD/rh" pid 2)
for args in "--maps $RPID" "--translate $RPID $(hfield "$TMPD/rh" touched 2)" "--stack $RPID --json"; do
	# shellcheck disable=SC2086
	$NOBODY "$D/vmpeek" $args >"$TMPD/e.out" 2>"$TMPD/e.err"
	rc=$?
	[ $rc = 1 ] || fail "nobody $args on root's process: exit $rc, want 1"
	[ ! -s "$TMPD/e.out" ] || fail "nobody $args: printed on stdout"
	grep -q 'permission denied.*ptrace' "$TMPD/e.err" ||
		fail "nobody $args: message: $(cat "$TMPD/e.err")"
	expect_eq "nobody $args on root's process: stderr lines" "$(wc -l <"$TMPD/e.err" | tr -d ' ')" 1
done
ok "nobody on root's process: exit 1, '$(cat "$TMPD/e.err")'"

summary
exit 0
