#!/bin/sh
# huge.sh: what folds as one huge page — a whole PMD folio only (not mTHP),
# hugetlb named hugetlb even before smaps came; the CLI's "huge" agrees.
#
# Part 1 runs on a fixture /proc tree (any user): three 2 MiB-aligned VMAs
# whose pagemap and kpageflags are written here the way the kernel's
# stable_page_flags() reports them: a hugetlb page, 32 64K mTHP folios (each
# page KPF_THP, a head every 16 frames), one PMD THP (head + 511 tails).
# Part 2 (root, a kernel with 64K mTHP) makes real 64K folios and checks
# them against /proc/kpageflags read here with dd/od.
. "${srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "${srcdir:-$(dirname "$0")/..}/tests/tmux.sh"

need jq perl dd od awk

MTHP=/sys/kernel/mm/transparent_hugepage/hugepages-64kB/enabled
PMDTHP=/sys/kernel/mm/transparent_hugepage/hugepages-2048kB/enabled
OLD64= OLD2M=
restore() {
	# leave the THP sizes as they were, also when a check failed
	[ -n "$OLD64" ] && echo "$OLD64" >"$MTHP"
	[ -n "$OLD2M" ] && echo "$OLD2M" >"$PMDTHP"
	tui_stop
	cleanup
}
trap restore EXIT

PS=$(getconf PAGESIZE)
[ "$PS" = 4096 ] || skip "the fixture is laid out for 4 KiB pages (page size $PS)"

# --- fixture tree -------------------------------------------------------
FP=$TMPD/proc
mkdir -p "$FP/4242"
echo "4242 (hugefix) S 1 4242 4242 0 -1 4194304 0 0 0 0 0 0 0 0 20 0 1 0 777 8192 2 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0" >"$FP/4242/stat"
UVA=$((0x40000000)) MVA=$((0x40400000)) TVA=$((0x40800000))
UPFN=$((0x80000)) MPFN=$((0x80200)) TPFN=$((0x80400))
{
	printf '%x-%x rw-p 00000000 00:0f 1234                               /anon_hugepage (deleted)\n' $UVA $((UVA + 0x200000))
	printf '%x-%x rw-p 00000000 00:00 0 \n' $MVA $((MVA + 0x200000))
	printf '%x-%x rw-p 00000000 00:00 0 \n' $TVA $((TVA + 0x200000))
} >"$FP/4242/maps"
# pagemap: present + exclusive, consecutive PFNs; kpageflags by folio
perl -e '
	use strict;
	my ($dir, $uva, $mva, $tva, $upfn, $mpfn, $tpfn) = @ARGV;
	my ($HEAD, $TAIL, $HUGE, $THP) = (1 << 15, 1 << 16, 1 << 17, 1 << 22);
	my $anon = (1 << 5) | (1 << 11) | (1 << 12);
	open(my $pm, ">", "$dir/4242/pagemap") or die;
	open(my $kf, ">", "$dir/kpageflags") or die;
	sub put { my ($fh, $idx, @w) = @_;
		seek($fh, $idx * 8, 0) or die; print $fh pack("Q<*", @w); }
	for my $r ([$uva, $upfn], [$mva, $mpfn], [$tva, $tpfn]) {
		put($pm, $r->[0] / 4096,
		    map { (1 << 63) | (1 << 56) | ($r->[1] + $_) } 0 .. 511);
	}
	put($kf, $upfn, map { $HUGE | ($_ ? $TAIL : $HEAD) } 0 .. 511);
	put($kf, $mpfn, map { $anon | $THP | ($_ % 16 ? $TAIL : $HEAD) } 0 .. 511);
	put($kf, $tpfn, map { $anon | $THP | ($_ ? $TAIL : $HEAD) } 0 .. 511);
	put($kf, $tpfn + 512, $anon);
' "$FP" $UVA $MVA $TVA $UPFN $MPFN $TPFN || fail "writing the fixture"

# --- CLI: "huge" ------------------------------------------------------
tr_fix() { # NAME VA: translate the 512 pages of the 2 MiB VMA at VA
	run_vmpeek "$1" --proc "$FP" --translate 4242 "$(hex "$2")-$(hex $(($2 + 0x200000)))" --json
	[ "$(cat "$TMPD/$1.rc")" = 0 ] || fail "--translate $1: $(cat "$TMPD/$1.err")"
	jq -e 'length == 512' "$TMPD/$1.out" >/dev/null || fail "--translate $1: not 512 records"
}
tr_fix cli_mthp $MVA
jq -e 'all(.[]; .present and (.kflags | index("THP")))' "$TMPD/cli_mthp.out" \
	>/dev/null || fail "fixture: mTHP pages lack kflags THP"
jq -e 'all(.[]; .huge == false)' "$TMPD/cli_mthp.out" >/dev/null ||
	fail "--translate calls pages of 64K mTHP folios huge: $(jq -c '[.[] | .huge] | unique' "$TMPD/cli_mthp.out")"
ok "--translate: 64K mTHP pages (KPF_THP, a head every 16) are not huge"
tr_fix cli_thp $TVA
jq -e 'all(.[]; .huge == true)' "$TMPD/cli_thp.out" >/dev/null ||
	fail "--translate: pages of one PMD folio not all huge"
ok "--translate: the 512 pages of one PMD folio are huge"
tr_fix cli_hugetlb $UVA
jq -e 'all(.[]; .huge == true)' "$TMPD/cli_hugetlb.out" >/dev/null ||
	fail "--translate: hugetlb pages (KPF_HUGE, no smaps) not huge"
ok "--translate: hugetlb pages huge without smaps (kpageflags HUGE)"

# --- TUI: what folds -------------------------------------------------
# No smaps in the tree: the pane cannot learn from it that the first VMA
# is hugetlb, as when Enter comes before smaps has been read.
open_vma() { # ROWKEYS...: from the VMA pane, select and open a VMA
	tui_keys Home
	for _k in "$@"; do tui_keys "$_k"; done
	tui_keys Enter
	tui_wait "> pages" 5 || tui_fail "the page pane did not open"
}
back_vmas() {
	tui_keys Escape
	tui_wait "hugefix" 5 && ! tui_wait "> pages" 0 ||
		tui_fail "Esc did not go back to the VMA pane"
}
bare() { printf '%x' "$1"; }
tui_start --proc "$FP" 4242
tui_wait "anon_hugepage" 10 || tui_fail "the VMA pane did not show the fixture"
# u: no hole rows, so the rows counted below are the VMAs
tui_keys u
tui_wait "holes between mappings hidden" 5 || tui_fail "u did not hide holes"
open_vma
tui_wait "^0*$(bare $UVA) .* huge 2M +\[\+512 pages\]" 5 ||
	tui_fail "hugetlb page not folded as 'huge 2M' without smaps"
grep -q "THP 2M" "$TMPD/screen" && tui_fail "hugetlb page folded as a THP"
ok "TUI: a hugetlb page folds as 'huge 2M', not THP, without smaps"
back_vmas
open_vma Down
tui_wait "^0*$(bare $MVA) " 5 || tui_fail "mTHP VMA rows not shown"
sleep 0.5	# folding happens on the next paint: give it that
tui_screen >"$TMPD/screen"
grep -Eq "THP 2M|huge 2M|\[\+512 pages\]" "$TMPD/screen" &&
	tui_fail "32 64K mTHP folios folded as one 2M THP"
grep -Eq "^0*$(bare $((MVA + 17 * PS))) " "$TMPD/screen" ||
	tui_fail "mTHP VMA: page 17 has no row of its own"
ok "TUI: 64K mTHP folios are not folded as a 2M THP (one row per page)"
back_vmas
open_vma Down Down
tui_wait "^0*$(bare $TVA) .* THP 2M +\[\+512 pages\]" 5 ||
	tui_fail "one PMD folio not folded as 'THP 2M'"
ok "TUI: one PMD folio (head + 511 tails) folds as 'THP 2M'"
tui_keys q q Q
tui_stop
# With smaps (hugetlb: KernelPageSize 2048 kB, VmFlags ht), Enter at once:
# folding waits for it, then folds the page as hugetlb.
{
	sed -n 1p "$FP/4242/maps"
	printf 'Size:               2048 kB\nKernelPageSize:     2048 kB\nMMUPageSize:        2048 kB\nRss:                   0 kB\nAnonHugePages:         0 kB\nVmFlags: rd wr mr mw me de ht \n'
	for l in 2 3; do
		sed -n ${l}p "$FP/4242/maps"
		printf 'Size:               2048 kB\nKernelPageSize:        4 kB\nMMUPageSize:           4 kB\nRss:                2048 kB\nAnonHugePages:      %d kB\nVmFlags: rd wr mr mw me ac \n' $(( (l - 2) * 2048 ))
	done
} >"$FP/4242/smaps"
tui_start --proc "$FP" 4242
tui_wait "hugefix" 10 || tui_fail "the VMA pane did not show the fixture"
tui_keys Home Enter
tui_wait "> pages" 5 || tui_fail "the page pane did not open"
tui_wait "^0*$(bare $UVA) .* huge 2M +\[\+512 pages\]" 5 ||
	tui_fail "with smaps: hugetlb page not folded as 'huge 2M'"
grep -q "THP 2M" "$TMPD/screen" && tui_fail "with smaps: hugetlb page folded as a THP"
ok "TUI with smaps (opened at once): the hugetlb page folds as 'huge 2M'"
tui_keys Escape
tui_wait "^0*$(bare $UVA)-.* huge 2M +/anon_hugepage" 5 ||
	tui_fail "the fixture's smaps was not read (no 'huge 2M' in the HUGE column)"
ok "the fixture's smaps was read: HUGE column 'huge 2M'"
tui_keys q q Q
tui_stop

# --- live 64K mTHP (root) ---------------------------------------------
if [ "$(id -u)" != 0 ]; then
	note_skip "live mTHP" "needs root (kpageflags, and setting $MTHP)"
elif [ ! -w "$MTHP" ] || [ ! -w "$PMDTHP" ]; then
	note_skip "live mTHP" "this kernel has no 64K mTHP ($MTHP absent: before Linux 6.8, or no THP)"
elif [ ! -r /proc/kpageflags ]; then
	note_skip "live mTHP" "/proc/kpageflags is not readable"
else
	OLD64=$(sed 's/.*\[\(.*\)\].*/\1/' "$MTHP")
	OLD2M=$(sed 's/.*\[\(.*\)\].*/\1/' "$PMDTHP")
	# only 64K folios: the 2M size off for the region's faults
	echo never >"$PMDTHP" && echo madvise >"$MTHP" ||
		fail "cannot set the THP sizes"
	start_helper "$TMPD/h" "$VMHELPER" -T
	# the same as a plain user: no kpageflags, PFNs hidden
	nobody_bin
	NR=$D
	AS_USER="setpriv --reuid=65534 --regid=65534 --clear-groups"
	start_helper "$TMPD/hn" $AS_USER "$NR/vmhelper" -T
	echo "$OLD2M" >"$PMDTHP"
	echo "$OLD64" >"$MTHP"
	OLD64= OLD2M=
	HP=$(hfield "$TMPD/h" pid 2)
	if ! TWHY=$(hsupported "$TMPD/h" thp); then
		note_skip "live mTHP" "$TWHY"
	else
		TS=$(hfield "$TMPD/h" thp 2)
		run_vmpeek live --translate "$HP" "$TS-$(hex $((TS + 0x200000)))" --json
		[ "$(cat "$TMPD/live.rc")" = 0 ] || fail "--translate live mTHP: $(cat "$TMPD/live.err")"
		# the folio sizes from /proc/kpageflags itself: count heads
		jq -r '.[] | .pfn' "$TMPD/live.out" >"$TMPD/pfns"
		HEADS=0 THPS=0
		while read -r pfn; do
			w=$(dd if=/proc/kpageflags bs=8 skip="$pfn" count=1 2>/dev/null |
				od -An -tu8 | tr -d ' ')
			[ $(( (w >> 22) & 1 )) = 1 ] && THPS=$((THPS + 1))
			[ $(( (w >> 15) & 1 )) = 1 ] && HEADS=$((HEADS + 1))
		done <"$TMPD/pfns"
		if [ "$THPS" != 512 ] || [ "$HEADS" -le 1 ]; then
			note_skip "live mTHP" "the kernel gave no 64K folios here ($THPS of 512 pages KPF_THP, $HEADS heads)"
		else
			jq -e 'all(.[]; .huge == false)' "$TMPD/live.out" >/dev/null ||
				fail "live: pages of $HEADS mTHP folios called huge"
			ok "live: 512 KPF_THP pages in $HEADS folios (kpageflags via dd): none called huge"
		fi
	fi
	if ! TWHY=$(hsupported "$TMPD/hn" thp); then
		note_skip "live mTHP, plain user" "$TWHY"
	else
		HN=$(hfield "$TMPD/hn" pid 2)
		TS=$(hfield "$TMPD/hn" thp 2)
		# the evidence without kpageflags: smaps AnonHugePages (PMD-mapped)
		AHP=$(awk -v s="$(printf '%x' "$TS")" '$1 ~ /^[0-9a-f]+-/ {
			split($1, r, "-"); cur = (r[1] == s) }
			cur && $1 == "AnonHugePages:" { print $2 }' "/proc/$HN/smaps")
		$AS_USER "$NR/vmpeek" --translate "$HN" "$TS-$(hex $((TS + 0x200000)))" \
			--json >"$TMPD/nr.out" 2>"$TMPD/nr.err" ||
			fail "--translate as a plain user: $(cat "$TMPD/nr.err")"
		if [ "${AHP:-?}" != 0 ]; then
			note_skip "live mTHP, plain user" "smaps shows AnonHugePages ${AHP:-?} kB in the region: not only small folios"
		else
			jq -e 'length == 512 and all(.[]; .present and .pfn == null and .huge == false)' \
				"$TMPD/nr.out" >/dev/null ||
				fail "plain user: mTHP pages called huge (or not present): $(jq -c '[.[] | .huge] | unique' "$TMPD/nr.out")"
			ok "live, plain user: mTHP pages (AnonHugePages 0) present, PFN hidden, not huge"
		fi
	fi
fi

# --- live hugetlb in the TUI (root) -------------------------------------
if ! hugetlb_pool_add; then
	note_skip "live hugetlb screen" "needs root to give the hugetlb pool a page (/proc/sys/vm/nr_hugepages), and a free 2 MiB of memory"
else
	start_helper "$TMPD/hu" "$VMHELPER" -U
	if ! UWHY=$(hsupported "$TMPD/hu" hugetlb); then
		note_skip "live hugetlb screen" "$UWHY"
	else
		HU=$(hfield "$TMPD/hu" pid 2)
		US=$(hfield "$TMPD/hu" hugetlb 2)
		tui_start "$HU"
		tui_wait "> VMAs" 10 || tui_fail "the VMA pane did not open"
		# Enter at once: the page pane may open before smaps is read
		tui_keys / ; tm send-keys -l "$US"; tui_keys Enter Enter
		tui_wait "> pages" 5 || tui_fail "the hugetlb VMA's page pane did not open"
		tui_wait "^0*$(printf '%s' "$US" | sed 's/^0x//') .* huge 2M +\[\+512 pages\]" 5 ||
			tui_fail "the hugetlb page is not one 'huge 2M' row"
		grep -Eq "THP [0-9]|THP-head" "$TMPD/screen" && tui_fail "hugetlb page called THP"
		ok "TUI: a live hugetlb page is one 'huge 2M [+512 pages]' row, never THP"
		tui_keys +
		tui_wait "^0*$(printf '%x' $((US + PS))) .* present +hugetlb" 5 ||
			tui_fail "+ on the hugetlb row: its pages not shown present, hugetlb"
		ok "TUI: + expands it into present pages marked hugetlb"
		tui_stop
	fi
fi

summary
exit 0
