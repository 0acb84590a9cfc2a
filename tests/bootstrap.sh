#!/bin/sh
# bootstrap.sh: ./bootstrap deps, packages missing, not root and no sudo:
# it says so, lists them, exits 2, and never runs apt-get.
. "${srcdir:-$(dirname "$0")/..}/tests/lib.sh"

: "${top_srcdir:=$(dirname "$0")/..}"
NOBODY=
if [ "$(id -u)" = 0 ]; then
	need setpriv
	NOBODY="setpriv --reuid=65534 --regid=65534 --clear-groups"
	$NOBODY true 2>/dev/null || skip "setpriv cannot switch to uid 65534 here"
fi

# A PATH of only what bootstrap needs before it installs (so no sudo),
# plus a dpkg-query that finds nothing installed and an apt-get that
# leaves a mark if it is ever run.
D=$TMPD/b
mkdir -m 755 "$D" "$D/bin"
chmod 755 "$TMPD"
cp "$top_srcdir/bootstrap" "$D/bootstrap"
for t in dirname id grep env; do
	p=$(command -v "$t") || skip "needs $t"
	ln -s "$p" "$D/bin/$t"
done
printf '#!/bin/sh\nexit 1\n' >"$D/bin/dpkg-query"
printf '#!/bin/sh\n: >"%s/apt-ran"\nexit 0\n' "$D" >"$D/bin/apt-get"
chmod 755 "$D/bootstrap" "$D/bin/dpkg-query" "$D/bin/apt-get"
chmod 777 "$D"	# the mark must be writable as nobody

# shellcheck disable=SC2086
$NOBODY env -i PATH="$D/bin" /bin/sh "$D/bootstrap" deps \
	>"$TMPD/out" 2>"$TMPD/err"
rc=$?
expect_eq "bootstrap deps (not root, no sudo): exit" "$rc" 2
[ ! -e "$D/apt-ran" ] || fail "bootstrap ran apt-get without root"
ok "apt-get was not run"
grep -q 'needs root, and there is no sudo' "$TMPD/err" ||
	fail "no 'needs root, and there is no sudo' on stderr: $(cat "$TMPD/err")"
ok "stderr says root is needed and there is no sudo"
grep -q 'libcmocka-dev' "$TMPD/err" ||
	fail "stderr does not list the missing packages: $(cat "$TMPD/err")"
ok "stderr lists the missing packages"

summary
exit 0
