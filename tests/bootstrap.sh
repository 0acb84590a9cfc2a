#!/bin/sh
# bootstrap.sh: ./bootstrap deps, packages missing, not root and no sudo:
# it says so, lists them, exits 2, and never runs apt-get. The packages it
# would install, read from debian/control, are checked against what
# dpkg-checkbuilddeps (dpkg's own parser) finds unmet on an empty system:
# every build dependency for the CI (deps) and for a plain build (run),
# and no test-only one for a plain build.
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
mkdir -m 755 "$D" "$D/bin" "$D/debian"
chmod 755 "$TMPD"
cp "$top_srcdir/bootstrap" "$D/bootstrap"
cp "$top_srcdir/debian/control" "$D/debian/control"
for t in dirname id grep env awk; do
	p=$(command -v "$t") || skip "needs $t"
	ln -s "$p" "$D/bin/$t"
done
printf '#!/bin/sh\nexit 1\n' >"$D/bin/dpkg-query"
printf '#!/bin/sh\n: >"%s/apt-ran"\nexit 0\n' "$D" >"$D/bin/apt-get"
chmod 755 "$D/bootstrap" "$D/bin/dpkg-query" "$D/bin/apt-get"
chmod 777 "$D"	# the mark must be writable as nobody

# boot MODE: run "./bootstrap MODE" as above; $TMPD/MODE.err, .rc, and
# the package list it printed one a line, sorted, in $TMPD/MODE.list.
boot() {
	rm -f "$D/apt-ran"
	# shellcheck disable=SC2086
	$NOBODY env -i PATH="$D/bin" /bin/sh "$D/bootstrap" "$1" \
		>"$TMPD/$1.out" 2>"$TMPD/$1.err"
	echo $? >"$TMPD/$1.rc"
	sed -n '/needs root, and there is/{n;p;}' "$TMPD/$1.err" |
	    tr ' ' '\n' | sed '/^$/d' | sort >"$TMPD/$1.list"
}

boot deps
expect_eq "bootstrap deps (not root, no sudo): exit" "$(cat "$TMPD/deps.rc")" 2
[ ! -e "$D/apt-ran" ] || fail "bootstrap ran apt-get without root"
ok "apt-get was not run"
grep -q 'needs root, and there is no sudo' "$TMPD/deps.err" ||
	fail "no 'needs root, and there is no sudo' on stderr: $(cat "$TMPD/deps.err")"
ok "stderr says root is needed and there is no sudo"
grep -qx 'libcmocka-dev' "$TMPD/deps.list" ||
	fail "stderr does not list the missing packages: $(cat "$TMPD/deps.err")"
ok "stderr lists the missing packages"

boot run
expect_eq "bootstrap run (not root, no sudo): exit" "$(cat "$TMPD/run.rc")" 2
[ ! -e "$D/apt-ran" ] || fail "bootstrap run ran apt-get without root"
ok "bootstrap run: apt-get was not run"

# unmet PROFILE: what dpkg-checkbuilddeps finds missing from debian/control
# on a system with nothing installed, one name a line (versions dropped;
# debhelper-compat is provided by debhelper, build-essential:native is
# build-essential).
unmet() {
	env -u DEB_BUILD_PROFILES dpkg-checkbuilddeps --admindir="$TMPD/db" \
	    -P "$1" "$top_srcdir/debian/control" 2>&1 |
	    sed -n 's/.*Unmet build dependencies: //p' |
	    sed 's/([^)]*)//g' | tr ' ' '\n' | sed -e '/^$/d' -e 's/:.*//' \
	    -e 's/^debhelper-compat$/debhelper/' | sort -u
}
if command -v dpkg-checkbuilddeps >/dev/null 2>&1; then
	mkdir "$TMPD/db" "$TMPD/db/updates"
	: >"$TMPD/db/status"
	unmet pkg.vmpeek.ci >"$TMPD/ci.want"
	unmet nocheck >"$TMPD/plain.want"
	[ -s "$TMPD/plain.want" ] || fail "dpkg-checkbuilddeps found nothing unmet"
	miss=$(comm -23 "$TMPD/ci.want" "$TMPD/deps.list" | tr '\n' ' ')
	[ -z "$miss" ] || fail "bootstrap deps would not install: $miss"
	ok "bootstrap deps installs every build dependency of the CI profile" \
	    "($(wc -l <"$TMPD/ci.want") by dpkg-checkbuilddeps)"
	# a plain build runs autoreconf itself (bootstrap's TOOLS): debhelper
	# (debhelper-compat) is for the package build only
	miss=$(grep -vx debhelper "$TMPD/plain.want" |
	    comm -23 - "$TMPD/run.list" | tr '\n' ' ')
	[ -z "$miss" ] || fail "bootstrap (run) would not install: $miss"
	ok "bootstrap (run) installs every build dependency of a plain build"
	comm -23 "$TMPD/ci.want" "$TMPD/plain.want" >"$TMPD/testonly"
	[ -s "$TMPD/testonly" ] ||
		fail "debian/control marks no package as test-only (<!nocheck>)"
	extra=$(comm -12 "$TMPD/testonly" "$TMPD/run.list" | tr '\n' ' ')
	[ -z "$extra" ] || fail "bootstrap (run) would install test-only: $extra"
	ok "bootstrap (run) installs none of the" \
	    "$(wc -l <"$TMPD/testonly") test-only packages"
else
	note_skip "package lists against dpkg-checkbuilddeps" \
	    "dpkg-checkbuilddeps is not installed (dpkg-dev)"
fi

summary
exit 0
