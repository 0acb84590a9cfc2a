#!/bin/sh
# teachdoc.sh: the class guide (doc/teaching.md) and the man pages don't
# rot: every step of `vmpeek-lab --list` has its section and its capture;
# every option and key the guide names exists (man pages, option tables,
# key table); doc/vmpeek.1 covers every option and key of vmpeek, and
# doc/vmpeek-lab.1 every option of the lab. Text only: fast, no root.
#
# GUIDE, MAN1, LABMAN, KEYSRC override the files (to check the check).
. "${srcdir:-$(dirname "$0")/..}/tests/lib.sh"

: "${VMPEEK_LAB:=$PWD/src/vmpeek-lab}"
TOP=${top_srcdir:-${srcdir:-$(dirname "$0")/..}}
: "${GUIDE:=$TOP/doc/teaching.md}"
: "${MAN1:=$TOP/doc/vmpeek.1}"
: "${LABMAN:=$TOP/doc/vmpeek-lab.1}"
: "${KEYSRC:=$TOP/src/ui/keys.c}"
SHOTS=$(dirname "$GUIDE")/teaching
need jq awk sed
for f in "$GUIDE" "$MAN1" "$LABMAN" "$KEYSRC"; do
	[ -r "$f" ] || fail "cannot read $f"
done

# ---------------------------------------------------------------- steps
"$VMPEEK_LAB" --list --json >"$TMPD/list" || fail "vmpeek-lab --list --json failed"
NSTEPS=$(wc -l <"$TMPD/list")
[ "$NSTEPS" -gt 0 ] || fail "vmpeek-lab --list gave no step"
jq -r '"\(.step) \(.name)"' "$TMPD/list" >"$TMPD/steps"
while read -r n name; do
	grep -Eq "^## $n\\. $name\$" "$GUIDE" ||
		fail "the guide has no section '## $n. $name' for lab step $n"
	shot=teaching/$(printf '%02d' "$n")-$name.txt
	grep -Fq "($shot)" "$GUIDE" ||
		fail "the guide's step $n does not link its capture $shot"
	[ -s "$SHOTS/${shot#teaching/}" ] ||
		fail "no capture $SHOTS/${shot#teaching/} (make teaching writes it)"
	# a capture shows phases, or says why the step could not run
	grep -Eq '^== phase 1: |^skipped: .+' "$SHOTS/${shot#teaching/}" ||
		fail "capture $shot holds neither a phase nor 'skipped: reason'"
done <"$TMPD/steps"
ok "each of the $NSTEPS lab steps has its section and capture in the guide"
# and no section for a step the lab does not have
grep -E '^## [0-9]+\. ' "$GUIDE" | sed 's/^## \([0-9]*\)\. /\1 /' >"$TMPD/sections"
cmp -s "$TMPD/sections" "$TMPD/steps" || {
	diff "$TMPD/steps" "$TMPD/sections" >&2
	fail "the guide's step sections differ from vmpeek-lab --list"
}
ok "the guide's step sections are the lab's steps, in order"

# ---------------------------------------------------------------- options
# long options as the sources declare them (getopt_long tables)
srcopts() {
	cat "$@" | grep -oE '\{ *"[a-z][a-z-]*",[[:space:]]*(no|required|optional)_argument' |
		sed -E 's/^\{ *"([^"]*)".*/\1/' | sort -u
}
srcopts "$TOP"/src/*.c >"$TMPD/vmopts"
srcopts "$TOP"/src/lab/*.c >"$TMPD/labopts"
[ -s "$TMPD/vmopts" ] && [ -s "$TMPD/labopts" ] ||
	fail "found no getopt_long table in src/*.c or src/lab/*.c"
# man pages write --name as \-\-name
manopts() { grep -oE '\\-\\-[a-z][a-z\\-]*' "$1" | sed 's/\\//g; s/^--//' | sort -u; }
manopts "$MAN1" >"$TMPD/manopts"
manopts "$LABMAN" >"$TMPD/labmanopts"
for o in $(cat "$TMPD/vmopts"); do
	grep -qx -- "$o" "$TMPD/manopts" || fail "doc/vmpeek.1 does not document --$o"
done
ok "doc/vmpeek.1 documents every option of vmpeek ($(wc -l <"$TMPD/vmopts"))"
for o in $(cat "$TMPD/labopts"); do
	grep -qx -- "$o" "$TMPD/labmanopts" || fail "doc/vmpeek-lab.1 does not document --$o"
done
ok "doc/vmpeek-lab.1 documents every option of vmpeek-lab ($(wc -l <"$TMPD/labopts"))"
# every --option the guide names is an option of one program, documented
grep -oE '(^|[^a-z-])--[a-z][a-z-]*' "$GUIDE" | sed 's/^[^-]*--//' | sort -u >"$TMPD/guideopts"
for o in $(cat "$TMPD/guideopts"); do
	if grep -qx -- "$o" "$TMPD/vmopts"; then
		grep -qx -- "$o" "$TMPD/manopts" || fail "the guide names --$o, not in doc/vmpeek.1"
	elif grep -qx -- "$o" "$TMPD/labopts"; then
		grep -qx -- "$o" "$TMPD/labmanopts" || fail "the guide names --$o, not in doc/vmpeek-lab.1"
	else
		fail "the guide names --$o, an option of neither vmpeek nor vmpeek-lab"
	fi
done
ok "every option the guide names exists and is documented ($(wc -l <"$TMPD/guideopts"))"

# ---------------------------------------------------------------- keys
# the key table's labels: { KEY, KA_ACTION, "label" }
grep -oE 'KA_[A-Z_]+,[[:space:]]*"[^"]+"' "$KEYSRC" | sed -E 's/.*"([^"]+)"$/\1/' |
	sort -u >"$TMPD/keys"
[ "$(wc -l <"$TMPD/keys")" -ge 10 ] || fail "found no key table in $KEYSRC"
# the KEYS section of the man page: the words of its .B/.BR/.TP lines
awk '/^\.SH KEYS/ { k = 1; next } /^\.SH / { k = 0 } k && /^\.BR? / { sub(/^\.BR? /, ""); print }' \
	"$MAN1" | sed 's/\\-/-/g; s/\\(ti/~/g; s/\\e/\\/g; s/"//g; s/,/ /g' | tr ' ' '\n' |
	sed '/^$/d' | sort -u >"$TMPD/mankeys"
while read -r k; do
	grep -qxF -- "$k" "$TMPD/mankeys" || fail "doc/vmpeek.1's KEYS section does not name the key '$k'"
done <"$TMPD/keys"
ok "doc/vmpeek.1's KEYS section names every key of the key table ($(wc -l <"$TMPD/keys"))"
# every <kbd>KEY</kbd> of the guide is in the key table
grep -oE '<kbd>[^<]+</kbd>' "$GUIDE" | sed 's/<kbd>//; s/<\/kbd>//' | sort -u >"$TMPD/guidekeys"
[ -s "$TMPD/guidekeys" ] || fail "the guide names no key (<kbd>KEY</kbd>)"
while read -r k; do
	grep -qxF -- "$k" "$TMPD/keys" || fail "the guide names the key '$k', not in the key table"
done <"$TMPD/guidekeys"
ok "every key the guide names is in the key table ($(wc -l <"$TMPD/guidekeys"))"

# ---------------------------------------------------------------- links
for f in "$TOP/README" "$MAN1" "$LABMAN"; do
	grep -q 'teaching\.md' "$f" || fail "$(basename "$f") does not point to doc/teaching.md"
done
ok "README and both man pages point to the guide"
summary
