#!/bin/sh
# guest-checks.sh: what vmpeek says about pagemap bits, checked against an
# independent reader (pmtool) and independent probes of the running kernel.
# Written for the check-kernel guest (Debian 6.1: no PAGEMAP_SCAN, no guard
# bit, soft-dirty compiled in) but right on any kernel: every expectation
# follows from a probe, never from vmpeek's own output. POSIX sh + jq.
# ok never fails: "test && ok ... || bad ..." is an if-then-else here.
# shellcheck disable=SC2015
. "${srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

: "${PMTOOL:=$PWD/tests/kernel/pmtool}"
need jq awk
[ -r /proc/self/pagemap ] || skip "/proc/self/pagemap is not readable"
[ "$(id -u)" = 0 ] || skip "needs root (PFNs, clear_refs of the target)"

FAILS=0
# bad MESSAGE: a check failed; go on with the others, exit 1 at the end.
bad() {
	FAILS=$((FAILS + 1))
	echo "FAIL: $*"
	echo "FAIL: $*" >&2
}

# Linux version as MAJOR*1000+MINOR, from uname (an independent probe).
KREL=$(uname -r)
KV=$(echo "$KREL" | awk -F'[.-]' '{ print $1 * 1000 + $2 }')
echo "# kernel $KREL"

N=16
H=$TMPD/helper
mkdir "$TMPD/files"
start_helper "$H" "$VMHELPER" -n $N -d "$TMPD/files"
HPID=$(hfield "$H" pid 2)
T=$TMPD/target
start_helper "$T" "$PMTOOL" target $N
TPID=$(hfield "$T" pid 2)
PS=$(hfield "$H" pagesize 2)

# Soft-dirty is known exactly when the kernel has CONFIG_MEM_SOFT_DIRTY:
# then a fresh mapping carries VmFlag "sd" (read before any clear_refs,
# which drops it).
SDS=$(hfield "$T" sd 2)
SDHEX=$(printf '%x' "$SDS")
SDFLAG=$(awk -v s="$SDHEX" '$1 ~ /^[0-9a-f]+-/ { split($1, r, "-"); cur = (r[1] == s) }
	cur && $1 == "VmFlags:" { for (i = 2; i <= NF; i++) if ($i == "sd") print "yes"; exit }' \
	"/proc/$TPID/smaps")

# project FILE KEYS: each page's KEYS (a jq array literal), one JSON line
project() {
	jq -c "[.[] | with_entries(select(.key as \$k | $2 | index([\$k])))]" "$1"
}

# same_as_reader NAME PID START NPAGES KEYS: vmpeek --translate of NPAGES
# pages from START equals pmtool's own pread of them, in KEYS.
same_as_reader() {
	_n=$1 _pid=$2 _s=$3 _np=$4 _keys=$5
	"$PMTOOL" read "$_pid" "$_s" "$_np" >"$TMPD/$_n.ind" ||
		{ bad "$_n: the independent reader failed"; return 1; }
	run_vmpeek "$_n" --translate "$_pid" \
		"$(hex "$_s")-$(hex $((_s + _np * PS)))" --json
	if [ "$(cat "$TMPD/$_n.rc")" != 0 ]; then
		bad "$_n: vmpeek --translate: exit $(cat "$TMPD/$_n.rc"): $(cat "$TMPD/$_n.err")"
		return 1
	fi
	_a=$(project "$TMPD/$_n.out" "$_keys")
	_b=$(project "$TMPD/$_n.ind" "$_keys")
	if [ "$_a" != "$_b" ]; then
		echo "vmpeek:      $_a"
		echo "independent: $_b"
		bad "$_n: --translate differs from the independent reader in $_keys"
		return 1
	fi
	ok "$_n: --translate equals the independent reader ($_keys, $_np pages)"
}

# --- PAGEMAP_SCAN absent: the pread path, counted right ------------------
SCAN=$("$PMTOOL" scan) || bad "pmtool scan failed"
case $SCAN in
"scan absent ENOTTY")
	ok "PAGEMAP_SCAN is absent (ENOTTY): vmpeek must read with pread" ;;
"scan present")
	note_skip "pread fallback" "this kernel has PAGEMAP_SCAN ($KREL): the counts below come from the scan path" ;;
*)
	bad "PAGEMAP_SCAN probe: unexpected '$SCAN'" ;;
esac
run_vmpeek maps --maps "$HPID" --json
if [ "$(cat "$TMPD/maps.rc")" != 0 ]; then
	bad "--maps: exit $(cat "$TMPD/maps.rc"): $(cat "$TMPD/maps.err")"
else
	# exclusive of file-backed VMAs is not compared: an observer mapping
	# the same library pages changes it (see live.sh).
	cp "$VMHELPER" "$TMPD/reader"
	"$TMPD/reader" -C "$HPID" >"$TMPD/indep" || bad "vmhelper -C failed"
	jq -r '.[] | select(.path | startswith("/")) | .start' \
		"$TMPD/maps.out" >"$TMPD/filevmas"
	jq -r '.[] | "\(.start) \(.end) \(.pages) \(.present) \(.swapped) \(.file_shared) \(.exclusive) \(.soft_dirty)"' \
		"$TMPD/maps.out" >"$TMPD/mine"
	# Without soft-dirty in the kernel the reader counts 0 and vmpeek must
	# say null: that is checked under soft-dirty below, not here.
	for f in indep mine; do
		awk -v sd="$SDFLAG" 'NR == FNR { file[$1] = 1; next }
			($1 in file) { $7 = "-" } sd != "yes" { $8 = "-" } { print }' \
			"$TMPD/filevmas" "$TMPD/$f" >"$TMPD/$f.cmp"
	done
	if diff "$TMPD/indep.cmp" "$TMPD/mine.cmp"; then
		ok "--maps counts equal the independent reader for all $(wc -l <"$TMPD/mine" | tr -d ' ') VMAs"
	else
		bad "--maps counts differ from the independent reader"
	fi
	run_vmpeek maps_pread --maps "$HPID" --json --no-scan
	mask() {
		jq -c 'map(if (.path | startswith("/")) then .exclusive = "-" else . end)' "$1"
	}
	if [ "$(mask "$TMPD/maps.out")" = "$(mask "$TMPD/maps_pread.out")" ]; then
		ok "--maps: default and --no-scan agree"
	else
		bad "--maps: default and --no-scan differ"
	fi
fi

# --- soft-dirty ----------------------------------------------------------
if [ "$SDFLAG" = yes ]; then
	KEYS='["present","swapped","file_shared","exclusive","soft_dirty","uffd_wp","pfn"]'
	SDKEYS='["soft_dirty"]'
	same_as_reader sd_fresh "$TPID" "$SDS" $N "$KEYS"
	jq -e 'all(.[]; .soft_dirty == true)' "$TMPD/sd_fresh.out" >/dev/null &&
		ok "soft-dirty: freshly written pages are soft-dirty" ||
		bad "soft-dirty: freshly written pages not all soft_dirty true: $(project "$TMPD/sd_fresh.out" "$SDKEYS")"
	# The test clears the bits, never vmpeek (it only reads).
	echo 4 >"/proc/$TPID/clear_refs" || bad "clear_refs 4 failed"
	same_as_reader sd_clear "$TPID" "$SDS" $N "$KEYS"
	jq -e 'all(.[]; .soft_dirty == false)' "$TMPD/sd_clear.out" >/dev/null &&
		ok "soft-dirty: after clear_refs 4 every page reads false (known, not null)" ||
		bad "soft-dirty after clear_refs: want all false: $(project "$TMPD/sd_clear.out" "$SDKEYS")"
	kill -USR1 "$TPID"
	i=0
	while ! grep -q '^written 1$' "$T"; do
		i=$((i + 1))
		[ $i -le 200 ] || { bad "target did not write page 1"; break; }
		sleep 0.05
	done
	same_as_reader sd_write "$TPID" "$SDS" $N "$KEYS"
	jq -e '[.[] | .soft_dirty] == [range(length) | (. == 1)]' \
		"$TMPD/sd_write.out" >/dev/null &&
		ok "soft-dirty: only the page written since clear_refs is soft-dirty" ||
		bad "soft-dirty after one write: want only page 1 true: $(project "$TMPD/sd_write.out" "$SDKEYS")"
	run_vmpeek sd_maps --maps "$TPID" --json
	expect=$(jq -r --arg s "$(hex "$SDS")" '.[] | select(.start == $s) | .soft_dirty' "$TMPD/sd_maps.out")
	[ "$expect" = 1 ] && ok "soft-dirty: --maps counts 1 soft-dirty page in the VMA" ||
		bad "soft-dirty: --maps soft_dirty of the VMA: got '$expect', want 1"
else
	KEYS='["present","swapped","file_shared","exclusive","uffd_wp","pfn"]'
	note_skip "soft-dirty true/false" "no 'sd' VmFlag on a fresh mapping: the kernel lacks CONFIG_MEM_SOFT_DIRTY"
	run_vmpeek sd_none --translate "$TPID" "$(hex "$SDS")" --json
	jq -e '.[0].soft_dirty == null' "$TMPD/sd_none.out" >/dev/null &&
		ok "soft-dirty: unknown (null) on a kernel without CONFIG_MEM_SOFT_DIRTY" ||
		bad "soft-dirty: kernel without CONFIG_MEM_SOFT_DIRTY, want null, got $(jq -c '.[0].soft_dirty' "$TMPD/sd_none.out")"
	jq -e 'all(.[]; .soft_dirty == null)' "$TMPD/maps.out" >/dev/null &&
		ok "soft-dirty: --maps counts null (unknown), not 0" ||
		bad "soft-dirty: --maps soft_dirty counts not null without CONFIG_MEM_SOFT_DIRTY"
fi

# --- uffd-wp: pagemap bit 57 since Linux 5.14 ----------------------------
if [ "$KV" -ge 5014 ]; then
	if UWHY=$(hsupported "$T" uffd); then
		US=$(hfield "$T" uffd 2)
		U0=$(hfield "$T" uffd 5) UC=$(hfield "$T" uffd 6)
		same_as_reader uffd "$TPID" "$US" $N "$KEYS"
		jq -e --argjson a "$U0" --argjson c "$UC" \
			'[.[] | .uffd_wp] == [range(length) | (. >= $a and . < $a + $c)]' \
			"$TMPD/uffd.out" >/dev/null &&
			ok "uffd-wp: exactly pages $U0..$((U0 + UC - 1)) write-protected (known on $KREL)" ||
			bad "uffd-wp: want pages $U0..$((U0 + UC - 1)) true, others false: $(project "$TMPD/uffd.out" '["uffd_wp"]')"
	else
		note_skip "uffd-wp true" "$UWHY"
		run_vmpeek uffd_k --translate "$TPID" "$(hex "$SDS")" --json
		jq -e '.[0].uffd_wp == false' "$TMPD/uffd_k.out" >/dev/null &&
			ok "uffd-wp: known (false, not null) on $KREL" ||
			bad "uffd-wp: want false (known since 5.14) on $KREL, got $(jq -c '.[0].uffd_wp' "$TMPD/uffd_k.out")"
	fi
else
	run_vmpeek uffd_k --translate "$TPID" "$(hex "$SDS")" --json
	jq -e '.[0].uffd_wp == null' "$TMPD/uffd_k.out" >/dev/null &&
		ok "uffd-wp: unknown (null) before Linux 5.14" ||
		bad "uffd-wp: want null before 5.14, got $(jq -c '.[0].uffd_wp' "$TMPD/uffd_k.out")"
fi

# --- guard: pagemap bit 58 since Linux 6.15 ------------------------------
if [ "$KV" -lt 6015 ]; then
	run_vmpeek guard --translate "$HPID" "$(hfield "$H" touched 2)-$(hfield "$H" touched 3)" --json
	jq -e 'length > 0 and all(.[]; has("guard") and .guard == null)' \
		"$TMPD/guard.out" >/dev/null &&
		ok "guard: unknown (null, not false) before Linux 6.15 ($KREL)" ||
		bad "guard: want null before 6.15, got $(project "$TMPD/guard.out" '["guard"]')"
	if [ "$KV" -lt 6013 ]; then
		hsupported "$H" guard >/dev/null &&
			bad "MADV_GUARD_INSTALL worked on $KREL (before 6.13)" ||
			ok "guard: MADV_GUARD_INSTALL refused by $KREL ($(sed -n 's/^guard unsupported //p' "$H"))"
	fi
else
	note_skip "guard null" "kernel $KREL reports guard regions (bit 58, 6.15+)"
fi

# --- present, exclusive, file_shared and PFNs of every kind of page ------
for r in touched untouched partial shared cow file; do
	same_as_reader "r_$r" "$HPID" "$(hfield "$H" $r 2)" \
		"$(hfield "$H" $r 4)" "$KEYS"
done
jq -e 'all(.[]; .present and (.pfn | type) == "number" and .pfn > 0)' \
	"$TMPD/r_touched.out" >/dev/null &&
	ok "PFNs: every touched page has a PFN (root)" ||
	bad "PFNs of touched pages: $(project "$TMPD/r_touched.out" '["pfn"]')"

summary
if [ $FAILS -gt 0 ]; then
	echo "$FAILS checks FAILED"
	exit 1
fi
exit 0
