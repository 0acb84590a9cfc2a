#!/bin/sh
# caps.sh: vmpeek --caps [--json] against independent probes of the same
# machine: PFNs read with dd/od from a helper's pagemap (as root, as nobody,
# in a user namespace), /proc/kpageflags opened by dd, /proc/swaps, the THP
# sysfs file, PAGEMAP_SCAN and its categories asked by perl's ioctl, the
# soft-dirty VmFlag of awk's own fresh mappings, a guard region of the
# helper read back, and read-faulted pages of a perl process.
. "${srcdir:-$(dirname "$0")/..}/tests/lib.sh"

need jq dd od awk
PS=$(getconf PAGESIZE)
N=8
KEYS="pfn_visible kpageflags pagemap_scan soft_dirty guard swap thp zero_page"

# caps_json NAME [PREFIX...]: PREFIX vmpeek --caps --json into
# $TMPD/NAME.json, which must be one JSON object whose items each carry
# available (boolean) and why (a string exactly when not available).
caps_json() {
	_n=$1
	shift
	"$@" "$VMPEEK" --caps --json >"$TMPD/$_n.json" 2>"$TMPD/$_n.err" ||
		fail "$_n: vmpeek --caps --json: exit $?: $(cat "$TMPD/$_n.err")"
	json_one "$TMPD/$_n.json" "$_n: --caps --json"
	[ "$(jq -r type "$TMPD/$_n.json")" = object ] ||
		fail "$_n: --caps --json is not an object"
	[ ! -s "$TMPD/$_n.err" ] || fail "$_n: wrote to stderr: $(cat "$TMPD/$_n.err")"
	for k in $KEYS; do
		jq -e --arg k "$k" 'has($k)' "$TMPD/$_n.json" >/dev/null ||
			fail "$_n: no key $k"
	done
	_bad=$(jq -r 'to_entries[] | select(.value | type == "object") |
	    select((.value.available | type) != "boolean" or
	        (.value.available and .value.why != null) or
	        ((.value.available | not) and
	         ((.value.why | type) != "string" or .value.why == ""))) | .key' \
	    "$TMPD/$_n.json")
	[ -z "$_bad" ] || fail "$_n: items with a bad available/why: $_bad: $(cat "$TMPD/$_n.json")"
}

# avail NAME KEY: true/false
avail() { jq -r --arg k "$2" '.[$k].available' "$TMPD/$1.json"; }
why() { jq -r --arg k "$2" '.[$k].why' "$TMPD/$1.json"; }

# swap.sh and lab.sh add a swap file for a while, holding this lock: hold
# it too (shared) while swap is compared, so /proc/swaps stays still.
SWLOCK=/var/tmp/vmpeek-swap-test.lock
if command -v flock >/dev/null 2>&1 && exec 8>>"$SWLOCK"; then
	flock -s -w 600 8 || fail "another swap test held $SWLOCK for 10 min"
fi

caps_json root
ok "--caps --json: one object; every item has available (boolean) and why (a string exactly when unavailable)"
expect_eq "kernel release" "$(jq -r .kernel "$TMPD/root.json")" "$(uname -r)"

# Text: one line per item, "yes" or "no — why", the same whys as the JSON.
# Other tests change the hugetlb pool meanwhile: a mismatch is asked again.
i=0
while :; do
	caps_json both
	"$VMPEEK" --caps >"$TMPD/text" 2>"$TMPD/text.err" || fail "--caps: exit $?"
	miss=$(jq -r '.[] | objects | select(.available | not) | .why' "$TMPD/both.json" |
	while IFS= read -r w; do
		grep -qF -- "no — $w" "$TMPD/text" || echo "$w"
	done)
	[ -n "$miss" ] || break
	i=$((i + 1))
	[ $i -lt 5 ] || fail "--caps text lacks 'no — $miss'"
	sleep 0.5
done
expect_eq "--caps text: item lines" \
	"$(grep -cE '^[^ ].*  (yes|no — .+)' "$TMPD/text")" \
	"$(jq '[.[] | objects] | length' "$TMPD/both.json")"
ok "--caps text: every unavailable item says why, as in the JSON"

# ---------------------------------------------------------- PFNs, as root
start_helper "$TMPD/h" "$VMHELPER" -n $N
PID=$(hfield "$TMPD/h" pid 2)
TS=$(hfield "$TMPD/h" touched 2)
[ "$(raw_bit "$PID" "$TS" 63)" = 1 ] || fail "the helper's touched page is not present"
if [ "$(raw_pfn "$PID" "$TS")" != 0 ]; then PFN_ROOT=true; else PFN_ROOT=false; fi
expect_eq "pfn_visible (dd of the helper's pagemap: PFN $(raw_pfn "$PID" "$TS"))" \
	"$(avail root pfn_visible)" $PFN_ROOT

# ---------------------------------------------------------- kpageflags
if [ -r /proc/kpageflags ] &&
    [ "$(dd if=/proc/kpageflags bs=8 count=1 2>/dev/null | wc -c)" = 8 ]; then
	KPF=true
else
	KPF=false
fi
expect_eq "kpageflags readable (test -r, dd of one word)" \
	"$(jq -r .kpageflags.readable "$TMPD/root.json")" $KPF
if [ $KPF = true ] && [ $PFN_ROOT = true ]; then W=true; else W=false; fi
expect_eq "kpageflags available (readable and PFNs visible)" "$(avail root kpageflags)" $W

# ---------------------------------------------------------- swap
B=$(cat /proc/swaps)
caps_json swap
[ "$B" = "$(cat /proc/swaps)" ] || fail "/proc/swaps changed under the swap lock"
NSW=$(($(printf '%s\n' "$B" | wc -l) - 1))
if [ $NSW -gt 0 ]; then W=true; else W=false; fi
expect_eq "swap available (/proc/swaps: $NSW areas)" "$(avail swap swap)" $W
expect_eq "swap devices" "$(jq '.swap.devices | length' "$TMPD/swap.json")" $NSW
printf '%s\n' "$B" | awk 'NR > 1 { print $1 }' >"$TMPD/sw.want"
jq -r '.swap.devices[].name' "$TMPD/swap.json" >"$TMPD/sw.got"
cmp -s "$TMPD/sw.want" "$TMPD/sw.got" || fail "swap device names differ: $(cat "$TMPD/sw.got")"
flock -u 8 2>/dev/null

# ---------------------------------------------------------- THP
TF=/sys/kernel/mm/transparent_hugepage/enabled
if [ -r $TF ]; then
	MODE=$(sed -n 's/.*\[\([a-z]*\)\].*/\1/p' $TF)
	expect_eq "thp mode ($TF)" "$(jq -r .thp.mode "$TMPD/root.json")" "$MODE"
	if [ "$MODE" != never ]; then W=true; else W=false; fi
	expect_eq "thp available" "$(avail root thp)" $W
else
	expect_eq "thp available (no $TF)" "$(avail root thp)" false
fi

# ---------------------------------------------------------- PAGEMAP_SCAN
# One call over page 0 naming category bits MASK; the kernel checks the
# masks before it walks anything (EINVAL for a bit it doesn't know).
scan_probe() {
	perl -e 'open(my $f, "<", "/proc/self/pagemap") or die "$!\n";
		my $m = $ARGV[0];
		my $a = pack("Q12", 96, 0, 0, 4096, 0, 0, 0, 0, 0, 0, $m, $m);
		ioctl($f, 0xc0606610, $a) or die "$!\n";' "$1" 2>&1
}
if ! command -v perl >/dev/null 2>&1; then
	note_skip "pagemap_scan" "needs perl for an independent PAGEMAP_SCAN probe"
else
	if WHY=$(scan_probe 0); then W=true; else W=false; fi
	expect_eq "pagemap_scan available (perl ioctl: ${WHY:-ok})" \
		"$(avail root pagemap_scan)" $W
	if [ $W = true ]; then
		for c in present:8 soft-dirty:128 guard:256; do
			if scan_probe "${c#*:}" >/dev/null; then W=true; else W=false; fi
			expect_eq "pagemap_scan category ${c%:*}" \
				"$(jq --arg c "${c%:*}" '.pagemap_scan.categories | index($c) != null' "$TMPD/root.json")" $W
		done
	fi
fi

# ---------------------------------------------------------- soft-dirty
# A new mapping has VmFlags sd exactly under CONFIG_MEM_SOFT_DIRTY: awk's
# own smaps, every VMA of a process just exec'd.
SD=$(awk '/^VmFlags:/ && / sd( |$)/ { f = 1 } END { print f ? "true" : "false" }' \
	/proc/self/smaps)
expect_eq "soft_dirty (awk's fresh mappings carry sd: $SD)" "$(avail root soft_dirty)" $SD

# ---------------------------------------------------------- guard
if G=$(hsupported "$TMPD/h" guard); then
	GS=$(hfield "$TMPD/h" guard 2)
	GF=$(hfield "$TMPD/h" guard 5)
	if [ "$(raw_bit "$PID" $((GS + GF * PS)) 58)" = 1 ]; then W=true; else W=false; fi
	expect_eq "guard (the helper's guard page has bit 58: $W)" "$(avail root guard)" $W
else
	expect_eq "guard (the helper could not install one: $G)" "$(avail root guard)" false
fi

# ---------------------------------------------------------- zero page
# perl maps 4 private anonymous pages (x86-64 syscall numbers), reads one
# byte of each, and prints each page's entry: present, PFN, exclusive.
zp_probe() {
	perl -e 'my ($ps, $n) = (4096, 4);
		my $a = syscall(9, 0, $n * $ps, 3, 0x22, -1, 0);
		die "mmap: $!\n" if $a == -1;
		syscall(28, $a, $n * $ps, 15);	# MADV_NOHUGEPAGE
		for my $i (0 .. $n - 1) { my $b = unpack("P1", pack("Q", $a + $i * $ps)); }
		open(my $f, "<", "/proc/self/pagemap") or die "$!\n";
		for my $i (0 .. $n - 1) {
			sysseek($f, ($a / $ps + $i) * 8, 0) or die "$!\n";
			sysread($f, my $e, 8) == 8 or die "short\n";
			my $v = unpack("Q", $e);
			printf("%d %d %d\n", $v >> 63, $v & ((1 << 55) - 1), ($v >> 56) & 1);
		}' 2>&1
}
if [ "$(uname -m)" != x86_64 ] || [ "$PS" != 4096 ]; then
	note_skip "zero_page" "the perl probe uses x86-64 syscall numbers and 4K pages"
elif ! command -v perl >/dev/null 2>&1; then
	note_skip "zero_page" "needs perl to read-fault pages"
elif ! ZP=$(zp_probe); then
	fail "zero-page probe: $ZP"
elif [ "$PFN_ROOT" != true ]; then
	note_skip "zero_page" "PFNs are hidden here"
else
	NP=$(printf '%s\n' "$ZP" | awk '$1 == 1' | wc -l)
	[ "$NP" = 4 ] || fail "zero-page probe: pages not present after a read: $ZP"
	NF=$(printf '%s\n' "$ZP" | awk '{ print $2 }' | sort -u | wc -l)
	case $NF in
	1) W=true ;;
	4) W=false ;;
	*) fail "zero-page probe: $NF frames for 4 read pages: $ZP" ;;
	esac
	expect_eq "zero_page (4 read-faulted pages of perl: $NF frames)" \
		"$(avail root zero_page)" $W
fi

# ---------------------------------------------------------- as nobody
NOBODY="setpriv --reuid=65534 --regid=65534 --clear-groups"
if [ "$(id -u)" != 0 ]; then
	note_skip "as nobody" "needs root to switch to nobody"
elif ! command -v setpriv >/dev/null 2>&1 || ! $NOBODY true 2>/dev/null; then
	note_skip "as nobody" "setpriv cannot switch to uid 65534 here"
else
	nobody_bin
	start_helper "$TMPD/nh" $NOBODY "$D/vmhelper" -n $N
	NPID=$(hfield "$TMPD/nh" pid 2)
	NTS=$(hfield "$TMPD/nh" touched 2)
	RAW=$($NOBODY sh -c "dd if=/proc/$NPID/pagemap bs=8 skip=$((NTS / PS)) count=1 2>/dev/null | od -An -tx8" | tr -d ' \n')
	[ -n "$RAW" ] || fail "nobody cannot read its own helper's pagemap"
	if [ $(( 0x${RAW#??} & ((1 << 55) - 1) )) != 0 ]; then W=true; else W=false; fi
	VMPEEK_SAVE=$VMPEEK
	VMPEEK=$D/vmpeek
	caps_json nobody $NOBODY
	VMPEEK=$VMPEEK_SAVE
	expect_eq "nobody: pfn_visible (dd of its helper's pagemap: 0x$RAW)" \
		"$(avail nobody pfn_visible)" $W
	if [ $W = false ]; then
		why nobody pfn_visible | grep -q 'not root' ||
			fail "nobody: pfn_visible why: $(why nobody pfn_visible)"
		ok "nobody: why: $(why nobody pfn_visible)"
	fi
	if $NOBODY dd if=/proc/kpageflags bs=8 count=1 2>/dev/null | od -An | grep -q .; then
		W=true
	else
		W=false
	fi
	expect_eq "nobody: kpageflags readable (dd as nobody)" \
		"$(jq -r .kpageflags.readable "$TMPD/nobody.json")" $W
	# Without PFNs the zero page is told by the exclusive bit.
	if [ "$(avail nobody pfn_visible)" = false ] && [ -n "${ZP:-}" ] &&
	    [ "$PFN_ROOT" = true ]; then
		expect_eq "nobody: zero_page agrees with root's" \
			"$(avail nobody zero_page)" "$(avail root zero_page)"
	fi
fi

# ---------------------------------------------------------- user namespace
if ! command -v unshare >/dev/null 2>&1; then
	note_skip "user namespace" "unshare is not installed"
elif ! unshare -r true 2>"$TMPD/us.err"; then
	note_skip "user namespace" "unshare -r fails here: $(head -n 1 "$TMPD/us.err")"
else
	caps_json userns unshare -r
	expect_eq "unshare -r: pfn_visible" "$(avail userns pfn_visible)" false
	why userns pfn_visible | grep -q 'user namespace' ||
		fail "unshare -r: why: $(why userns pfn_visible)"
	ok "unshare -r: why: $(why userns pfn_visible)"
fi

# Usage: --caps takes no PID; --json alone still needs a command.
expect_error caps_pid 2 "takes no PID" --caps 1

summary
exit 0
