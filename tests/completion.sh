#!/usr/bin/env bash
# completion.sh: the bash completion (completion/vmpeek) offers options, the
# PID and the name of a running helper, and the fixture tree's PIDs and
# names with --proc; nothing where an address goes. Sourced with
# bash-completion's own helpers (_init_completion), as bash loads it.
#
# Env: VMHELPER, FIXTURES, top_srcdir (set by make check).
set -u
: "${top_srcdir:=.}"
: "${FIXTURES:=$top_srcdir/tests/fixtures}"
. "$top_srcdir/tests/lib.sh"

script=$top_srcdir/completion/vmpeek
[ -r "$script" ] || fail "no $script"

# bash-completion's main script, where its pkg-config file says (an
# independent probe: not our script's behaviour)
bc=
if command -v pkg-config >/dev/null 2>&1 &&
    d=$(pkg-config --variable=datadir bash-completion 2>/dev/null); then
	bc=$d/bash-completion/bash_completion
fi
[ -r "${bc:-}" ] || bc=/usr/share/bash-completion/bash_completion
[ -r "$bc" ] || skip "bash-completion is not installed (no $bc; Debian: bash-completion)"

# bash_completion reads unset variables and returns non-zero here and there
set +u
# shellcheck disable=SC1090
. "$bc"
# shellcheck disable=SC1090
. "$script"
complete -p vmpeek 2>/dev/null | grep -q -- '-F _vmpeek vmpeek$' ||
	fail "the script does not register _vmpeek for vmpeek: $(complete -p vmpeek 2>&1)"
ok "complete -F _vmpeek vmpeek registered"

# comp WORD...: complete the last word of the command line "WORD..."
# the way bash does (COMP_WORDS, COMP_CWORD, COMP_LINE, COMP_POINT); the
# candidates end up one a line in $TMPD/reply.
comp() {
	COMP_WORDS=("$@")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE="${COMP_WORDS[*]}"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	# compopt only works inside a real completion: its complaint is noise
	_vmpeek vmpeek "${COMP_WORDS[COMP_CWORD]}" \
	    "${COMP_WORDS[COMP_CWORD - 1]}" 2>/dev/null
	printf '%s\n' "${COMPREPLY[@]}" | sed '/^$/d' >"$TMPD/reply"
}
has() { grep -qxF -- "$1" "$TMPD/reply"; }
reply() { tr '\n' ' ' <"$TMPD/reply"; }

# options: a prefix, and the full list from "-"
comp vmpeek --ma
[ "$(reply)" = "--maps " ] || fail "--ma: got '$(reply)', want --maps"
ok "--ma completes to --maps"
comp vmpeek --js
[ "$(reply)" = "--json " ] || fail "--js: got '$(reply)'"
ok "--js completes to --json"
comp vmpeek --
for o in --maps --translate --stack --dump --caps --compare --watch \
    --delay= --json --no-scan --proc= --help --version; do
	has "$o" || fail "-- lacks $o: $(reply)"
done
ok "-- offers every long option of vmpeek --help"
# every long option in --help is offered (the list can't go stale)
if [ -x "${VMPEEK:-}" ]; then
	for o in $("$VMPEEK" --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
		grep -q -- "^$o=\?$" "$TMPD/reply" ||
			fail "--help names $o, the completion does not"
	done
	ok "the options match vmpeek --help"
fi

# a running process: its PID (from bash's $!, not from /proc parsing) and
# its name
"$VMHELPER" -n 8 >"$TMPD/helper.out" 2>&1 &
hp=$!
HELPER_PIDS="$HELPER_PIDS $hp"
i=0
until grep -qx ready "$TMPD/helper.out" 2>/dev/null; do
	i=$((i + 1))
	[ $i -le 200 ] || fail "vmhelper not ready"
	sleep 0.05
done
comp vmpeek "${hp%?}"
has "$hp" || fail "PID prefix ${hp%?}: $hp not offered: $(reply)"
while read -r c; do
	case $c in "${hp%?}"*) ;; *) fail "${hp%?} offered $c" ;; esac
done <"$TMPD/reply"
ok "PID prefix ${hp%?} offers the helper's PID $hp"
comp vmpeek --maps "$hp"
has "$hp" || fail "--maps $hp: not offered: $(reply)"
comp vmpeek "--stack=${hp%?}"
has "$hp" || fail "--stack=${hp%?}: $hp not offered: $(reply)"
ok "after --maps and in --stack=PID too"
comp vmpeek vmhel
has vmhelper || fail "name prefix vmhel: vmhelper not offered: $(reply)"
ok "name prefix vmhel offers vmhelper"
comp vmpeek se
has self || fail "se: self not offered"
ok "se offers self"

# --proc=DIR: the fixture tree's PIDs and names (stat's comm; argv[0]
# when comm is cut at 15 bytes), as its README lists them
fx=$FIXTURES/proc
comp vmpeek "--proc=$fx" ""
for c in self 1 2 100 200 201 300 600 systemd kthreadd bash \
    long-process-na long-process-name defunct-child; do
	has "$c" || fail "--proc fixture: $c not offered: $(reply)"
done
[ "$(grep -cx bash "$TMPD/reply")" = 1 ] || fail "bash offered twice"
ok "--proc=DIR lists the fixture's PIDs and names, each once"
comp vmpeek --proc "$fx" long
[ "$(reply)" = "long-process-na long-process-name " ] ||
	fail "--proc DIR long: got '$(reply)'"
ok "--proc DIR (two words) too; a 15-byte comm adds argv[0]"
# where an address goes: nothing to offer
comp vmpeek "--proc=$fx" --translate 1 ""
[ ! -s "$TMPD/reply" ] || fail "address position offered: $(reply)"
comp vmpeek "--proc=$fx" --dump=1 ""
[ ! -s "$TMPD/reply" ] || fail "--dump=1 then: offered $(reply)"
comp vmpeek "--proc=$fx" --caps ""
[ ! -s "$TMPD/reply" ] || fail "--caps: offered $(reply)"
comp vmpeek "--proc=$fx" --compare 1 2 ""
[ ! -s "$TMPD/reply" ] || fail "--compare 1 2: offered $(reply)"
comp vmpeek "--proc=$fx" --compare 1 20
[ "$(reply)" = "200 201 " ] || fail "--compare 1 20: got '$(reply)'"
comp vmpeek "--proc=$fx" --compare=1 sys
[ "$(reply)" = "systemd " ] || fail "--compare=1 sys: got '$(reply)'"
ok "--compare: two targets, then nothing; --caps: none"
comp vmpeek "--proc=$fx" --translate -d 500 sys
[ "$(reply)" = "systemd " ] || fail "-d 500 then a target: got '$(reply)'"
comp vmpeek "--proc=$fx" --maps 1 ""
[ ! -s "$TMPD/reply" ] || fail "after the PID: offered $(reply)"
ok "no candidates after the target (an address or nothing)"
comp vmpeek --proc "$top_srcdir/tes"
has "$top_srcdir/tests" || fail "--proc DIR: directories not offered: $(reply)"
ok "--proc completes directories"
summary
