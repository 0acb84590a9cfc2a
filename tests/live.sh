#!/bin/sh
# live.sh: vmpeek --maps/--translate/--stack on a live helper, checked against what it knows.
. "${srcdir:-$(dirname "$0")/..}/tests/lib.sh"

need jq dd od awk
[ -r /proc/self/pagemap ] || skip "/proc/self/pagemap is not readable"
PS=$(getconf PAGESIZE)
ROOT=0
[ "$(id -u)" = 0 ] && ROOT=1

# hugetlb: as root, a free page in the pool for the helper's -U region
# (given back by cleanup); else the helper says why it has none
hugetlb_pool_add || true

H=$TMPD/helper
mkdir "$TMPD/files"
# make check-kernel's emulated guest sets LIVE_SPARSE_GIB=0: without
# PAGEMAP_SCAN, 1 TiB would be 2 GiB of pagemap to pread.
SPARSE_GIB=${LIVE_SPARSE_GIB:-1024}
start_helper "$H" "$VMHELPER" -n 16 -d "$TMPD/files" -H -S "$SPARSE_GIB" -T -U -k 40
PID=$(hfield "$H" pid 2)
N=16
# What the kernel gives us, not what vmpeek says: PFNs of a written page,
# and kpageflags (root, and PFNs to look up).
PFNS=0
[ "$(raw_pfn "$PID" "$(hfield "$H" touched 2)")" != 0 ] && PFNS=1
KPF_WHY=
if [ $PFNS = 0 ]; then
	KPF_WHY="the kernel hides PFNs from us (a written page reads PFN 0)"
elif ! dd if=/proc/kpageflags of=/dev/null bs=8 count=1 2>"$TMPD/kpf.err"; then
	KPF_WHY="/proc/kpageflags: $(cat "$TMPD/kpf.err")"
fi

run_vmpeek maps --maps "$PID" --json
expect_eq "--maps --json exit" "$(cat "$TMPD/maps.rc")" 0
jq -e 'type == "array" and length > 0' "$TMPD/maps.out" >/dev/null ||
	fail "--maps --json is not a non-empty JSON array"
ok "--maps --json is a JSON array"
jq -e 'all(.[]; (keys_unsorted | sort) == (["start","end","perms","offset",
	"dev","inode","path","pages","present","swapped","file_shared",
	"exclusive","soft_dirty"] | sort))' "$TMPD/maps.out" >/dev/null ||
	fail "--maps --json objects don't have exactly the contract keys"
ok "--maps --json objects have exactly the contract keys"
jq -e 'all(.[]; (.start|test("^0x[0-9a-f]+$")) and (.end|test("^0x[0-9a-f]+$"))
	and (.offset|test("^0x[0-9a-f]+$")) and (.dev|test("^[0-9a-f]+:[0-9a-f]+$"))
	and (.inode|type) == "number" and (.pages|type) == "number")' \
	"$TMPD/maps.out" >/dev/null || fail "--maps --json field formats"
ok "--maps --json field formats (0x strings, MM:mm, numbers)"

# vmaget NAME KEY: KEY of the VMA starting at the helper's region NAME
vmaget() {
	jq -r --arg s "$(hfield "$H" "$1" 2)" \
		'.[] | select(.start == $s) | .'"$2" "$TMPD/maps.out"
}

# --- per-region counts --------------------------------------------------
expect_eq "touched: pages" "$(vmaget touched pages)" $N
expect_eq "touched: present" "$(vmaget touched present)" $N
expect_eq "touched: exclusive" "$(vmaget touched exclusive)" $N
expect_eq "touched: file_shared" "$(vmaget touched file_shared)" 0
expect_eq "touched: swapped" "$(vmaget touched swapped)" 0
expect_eq "untouched: present" "$(vmaget untouched present)" 0
expect_eq "untouched: pages" "$(vmaget untouched pages)" $N
STRIDE=$(hfield "$H" partial 5)
expect_eq "partial: present" "$(vmaget partial present)" \
	$(((N + STRIDE - 1) / STRIDE))
expect_eq "shared anon: present" "$(vmaget shared present)" $N
expect_eq "shared anon: file_shared" "$(vmaget shared file_shared)" $N
expect_eq "file: present" "$(vmaget file present)" $N
expect_eq "file: file_shared" "$(vmaget file file_shared)" $N
expect_eq "file: path" "$(vmaget file path)" "$(hfield "$H" file 5)"
expect_eq "cow: present" "$(vmaget cow present)" $N
expect_eq "cow: exclusive (only the page written after fork)" \
	"$(vmaget cow exclusive)" 1
if SPARSE_WHY=$(hsupported "$H" sparse); then
	expect_eq "1 TiB sparse: pages" "$(vmaget sparse pages)" \
		"$(hfield "$H" sparse 4)"
	expect_eq "1 TiB sparse: present" "$(vmaget sparse present)" \
		"$(hfield "$H" sparse 5)"
else
	note_skip "sparse region" "${SPARSE_WHY:-LIVE_SPARSE_GIB=0 (too slow to read here)}"
fi

# hostile file name: exact bytes survive JSON; text output has no raw ESC
HOSTILE=$(printf '%s/files/evil\033[31m\nname\t\\"x' "$TMPD")
jq -e --arg p "$HOSTILE" --arg s "$(hfield "$H" hostile 2)" \
	'.[] | select(.start == $s) | .path == $p' "$TMPD/maps.out" >/dev/null ||
	fail "hostile name: JSON path differs from the file's name"
ok "hostile name (ESC, newline, tab, quote, backslash) is exact in JSON"

# --- every VMA against an independent pagemap reader ---------------------
# The reader runs from a copy: mapping the helper's own binary would make
# those page-cache pages non-exclusive. For the same reason "exclusive" of
# file-backed VMAs (libc, the binary) is not compared: any observer that
# maps the same library pages changes their map count.
cp "$VMHELPER" "$TMPD/reader"
"$TMPD/reader" -C "$PID" >"$TMPD/indep" || fail "independent reader failed"
jq -r '.[] | select(.path | startswith("/")) | .start' "$TMPD/maps.out" \
	>"$TMPD/filevmas"
jq -r '.[] | "\(.start) \(.end) \(.pages) \(.present) \(.swapped) \(.file_shared) \(.exclusive) \(.soft_dirty)"' \
	"$TMPD/maps.out" >"$TMPD/mine"
# soft_dirty null = unknown on this kernel (checked under "soft-dirty" below).
SDNULL=$(jq 'any(.[]; .soft_dirty == null)' "$TMPD/maps.out")
for f in indep mine; do
	awk -v sdnull="$SDNULL" 'NR == FNR { file[$1] = 1; next }
		($1 in file) { $7 = "-" } sdnull == "true" { $8 = "-" } { print }' \
		"$TMPD/filevmas" "$TMPD/$f" >"$TMPD/$f.cmp"
done
if ! diff "$TMPD/indep.cmp" "$TMPD/mine.cmp" >"$TMPD/diff"; then
	cat "$TMPD/diff"
	fail "--maps counts differ from an independent pagemap reading"
fi
ok "--maps counts equal an independent pagemap reading for all $(wc -l <"$TMPD/mine") VMAs"

# --- --no-scan (pread) and default (PAGEMAP_SCAN when present) agree -----
# (exclusive of file-backed VMAs masked, as above: observers perturb it)
mask_json() {
	jq -c 'map(if (.path | startswith("/")) then .exclusive = "-" else . end)' "$1"
}
mask_text() {
	awk '$14 ~ /^\// { $12 = "-" } $NF == "total" { $6 = "-" } { print }' "$1"
}
run_vmpeek maps2 --maps "$PID" --json --no-scan
[ "$(mask_json "$TMPD/maps.out")" = "$(mask_json "$TMPD/maps2.out")" ] ||
	fail "--maps --json: --no-scan output differs from the default"
ok "--maps --json: --no-scan and default outputs are identical"
run_vmpeek mapst --maps "$PID"
run_vmpeek mapst2 --maps "$PID" --no-scan
[ "$(mask_text "$TMPD/mapst.out")" = "$(mask_text "$TMPD/mapst2.out")" ] ||
	fail "--maps text: --no-scan output differs from the default"
ok "--maps text: --no-scan and default outputs are identical"
# The two runs above compare two paths only if the default one scanned.
# Whether this kernel has PAGEMAP_SCAN is asked of the kernel itself (perl's
# ioctl on its own pagemap: _IOWR('f', 16, 96-byte pm_scan_arg), no vmpeek
# code); strace then shows the ioctl in the default run and not with
# --no-scan.
scan_probe() {
	perl -e 'open(my $f, "<", "/proc/self/pagemap") or die "$!\n";
		my $a = pack("Q12", 96, 0, 0, 4096, (0) x 8);
		ioctl($f, 0xc0606610, $a) or die "$!\n";' 2>&1
}
if ! command -v perl >/dev/null 2>&1; then
	note_skip "scan path used" "needs perl for an independent PAGEMAP_SCAN probe"
elif ! SCAN_WHY=$(scan_probe); then
	note_skip "scan path used" "no PAGEMAP_SCAN on this kernel ($SCAN_WHY)"
elif ! command -v strace >/dev/null 2>&1; then
	note_skip "scan path used" "needs strace"
elif ! strace -qq -o /dev/null true 2>"$TMPD/strace.err"; then
	note_skip "scan path used" "strace cannot trace here: $(head -n 1 "$TMPD/strace.err")"
else
	for m in default no-scan; do
		set -- --maps "$PID" --json
		[ $m = default ] || set -- "$@" --no-scan
		# LeakSanitizer can't run under ptrace (sanitizer builds).
		ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		strace -f -qq -e trace=ioctl -e raw=ioctl \
			-o "$TMPD/scan.$m.strace" "$VMPEEK" "$@" >"$TMPD/scan.$m.out" ||
			fail "vmpeek $* under strace failed"
		[ "$(mask_json "$TMPD/scan.$m.out")" = "$(mask_json "$TMPD/maps.out")" ] ||
			fail "--maps --json $m under strace differs from the first run"
	done
	NSCAN=$(grep -c 'ioctl([^,]*, 0xc0606610' "$TMPD/scan.default.strace")
	[ "$NSCAN" -gt 0 ] ||
		fail "PAGEMAP_SCAN works here but the default --maps run made no PAGEMAP_SCAN ioctl"
	ok "the default --maps run used PAGEMAP_SCAN ($NSCAN ioctls)"
	expect_eq "PAGEMAP_SCAN ioctls with --no-scan" \
		"$(grep -c 'ioctl([^,]*, 0xc0606610' "$TMPD/scan.no-scan.strace")" 0
fi
if tr -d '\n' <"$TMPD/mapst.out" | grep -q "$(printf '\033')"; then
	fail "--maps text output holds a raw ESC byte"
fi
ok "--maps text output holds no raw ESC byte"
NV=$(jq length "$TMPD/maps.out")
NL=$(grep -c '^0x' "$TMPD/mapst.out")
expect_eq "--maps text: one line per VMA (no raw newline from names)" "$NL" "$NV"

# --- --translate ------------------------------------------------------
# tr NAME RANGE: translate into $TMPD/NAME.out, must succeed with valid JSON
tr_json() {
	run_vmpeek "$1" --translate "$PID" "$2" --json
	[ "$(cat "$TMPD/$1.rc")" = 0 ] ||
		fail "--translate $2: exit $(cat "$TMPD/$1.rc"): $(cat "$TMPD/$1.err")"
	jq -e 'type == "array"' "$TMPD/$1.out" >/dev/null ||
		fail "--translate $2: not a JSON array"
}
region() { echo "$(hfield "$H" "$1" 2)-$(hfield "$H" "$1" 3)"; }

tr_json t_touched "$(region touched)"
expect_eq "translate touched: records" "$(jq length "$TMPD/t_touched.out")" $N
jq -e 'all(.[]; .present == true and .swapped == false and .exclusive == true
	and .file_shared == false and .guard != true and .vma != null)' \
	"$TMPD/t_touched.out" >/dev/null || fail "translate touched: flags"
ok "translate touched: all present, exclusive, not file-shared"
if [ $PFNS = 1 ]; then
	jq -e 'all(.[]; (.pfn|type) == "number" and .pfn > 0)' \
		"$TMPD/t_touched.out" >/dev/null || fail "PFNs visible: pfn missing"
	ok "translate touched (PFNs visible): every pfn is a number"
fi

# phys = pfn * pagesize + in-page offset; raw equals a dd/od reading
A=$(($(hfield "$H" touched 2) + 5 * PS + 0x123))
tr_json t_one "$(hex $A)"
expect_eq "translate single address: records" "$(jq length "$TMPD/t_one.out")" 1
expect_eq "translate: vaddr keeps the offset" "$(jq -r '.[0].vaddr' "$TMPD/t_one.out")" "$(hex $A)"
RAW=$(raw_entry "$PID" $A)
expect_eq "translate: raw equals dd|od of /proc/PID/pagemap" \
	"$(jq -r '.[0].raw' "$TMPD/t_one.out")" "$RAW"
if [ $PFNS = 1 ]; then
	# sh arithmetic is signed 64-bit: use the low 14 hex digits only
	PFN=$(( 0x${RAW#0x??} & ((1 << 55) - 1) ))
	expect_eq "translate: pfn = raw bits 0-54" "$(jq -r '.[0].pfn' "$TMPD/t_one.out")" "$PFN"
	expect_eq "translate: phys = pfn * pagesize + offset" \
		"$(jq -r '.[0].phys' "$TMPD/t_one.out")" "$(hex $((PFN * PS + 0x123)))"
else
	expect_eq "translate (PFNs hidden): pfn null" "$(jq -r '.[0].pfn' "$TMPD/t_one.out")" null
fi

tr_json t_untouched "$(region untouched)"
jq -e 'all(.[]; .present == false and .swapped == false and .pfn == null
	and .phys == null and .swap_type == null and .vma != null)' \
	"$TMPD/t_untouched.out" >/dev/null || fail "translate untouched: flags"
ok "translate untouched: none present, pfn/phys/swap null"

tr_json t_partial "$(region partial)"
jq -e --argjson s "$STRIDE" '[.[] | .present] == [range(length) | (. % $s == 0)]' \
	"$TMPD/t_partial.out" >/dev/null || fail "translate partial: wrong pattern"
ok "translate partial: exactly pages i % $STRIDE == 0 present"

tr_json t_shared "$(region shared)"
jq -e 'all(.[]; .present and .file_shared)' "$TMPD/t_shared.out" >/dev/null ||
	fail "translate shared anon: not file_shared"
ok "translate shared anon: present and file_shared"

tr_json t_file "$(region file)"
jq -e --arg p "$(hfield "$H" file 5)" 'all(.[]; .present and .file_shared and .vma.path == $p)' \
	"$TMPD/t_file.out" >/dev/null || fail "translate file mapping"
ok "translate file mapping: present, file_shared, vma.path"

tr_json t_cow "$(region cow)"
W=$(hfield "$H" cow 5)
jq -e --argjson w "$W" '[.[] | .exclusive] == [range(length) | (. == $w)]' \
	"$TMPD/t_cow.out" >/dev/null || fail "translate cow: exclusive pattern"
ok "translate cow: shared with the child not exclusive, page $W (written) exclusive"

tr_json t_hostile "$(region hostile)"
jq -e --arg p "$HOSTILE" 'all(.[]; .vma.path == $p)' "$TMPD/t_hostile.out" \
	>/dev/null || fail "translate hostile: vma.path"
ok "translate hostile: JSON valid and the path exact"
run_vmpeek t_hostile_text --translate "$PID" "$(region hostile)"
if tr -d '\n' <"$TMPD/t_hostile_text.out" | grep -q "$(printf '\033')"; then
	fail "translate text output holds a raw ESC byte"
fi
expect_eq "translate text: one line per page" \
	"$(wc -l <"$TMPD/t_hostile_text.out" | tr -d ' ')" $N

# guard region
if GWHY=$(hsupported "$H" guard); then
	tr_json t_guard "$(region guard)"
	G0=$(hfield "$H" guard 5) GN=$(hfield "$H" guard 6)
	if [ "$(raw_bit "$PID" $(($(hfield "$H" guard 2) + G0 * PS)) 58)" = 0 ]; then
		note_skip "guard flag" "the kernel sets no pagemap bit 58 on a guard page (6.15+; running $(uname -r))"
	else
		jq -e --argjson a "$G0" --argjson n "$GN" \
			'[.[] | .guard] == [range(length) | (. >= $a and . < $a + $n)]' \
			"$TMPD/t_guard.out" >/dev/null || fail "guard pages: pattern"
		ok "translate guard: exactly pages $G0..$((G0 + GN - 1)) guard"
		jq -e 'all(.[] | select(.guard); .swapped == false and .present == false and .swap_type == null)' \
			"$TMPD/t_guard.out" >/dev/null || fail "guard pages read as swapped"
		ok "translate guard: guard pages not swapped, not present"
	fi
else
	note_skip "guard region" "$GWHY"
fi

# kpageflags / mapcount
if [ -z "$KPF_WHY" ]; then
	jq -e 'all(.[]; (.kflags | index("ANON")) and .mapcount == 1 and .huge == false)' \
		"$TMPD/t_touched.out" >/dev/null || fail "kflags of touched anon pages"
	ok "kflags: touched anon pages ANON, mapcount 1, not huge"
	jq -e --argjson w "$W" '[.[] | .mapcount] == [range(length) | if . == $w then 1 else 2 end]' \
		"$TMPD/t_cow.out" >/dev/null || fail "kpagecount of COW-shared pages"
	ok "mapcount: COW pages 2 (shared with the child), the rewritten page 1"
	jq -e 'all(.[]; (.kflags | index("ANON")) == null)' "$TMPD/t_file.out" \
		>/dev/null || fail "kflags: file pages marked ANON"
	ok "kflags: file pages not ANON"
else
	note_skip "kflags" "$KPF_WHY"
	jq -e 'all(.[]; has("kflags_unavailable") and (has("kflags") | not))' \
		"$TMPD/t_touched.out" >/dev/null || fail "kflags omitted without a reason"
	ok "kflags omitted with a stated reason"
fi

# THP
if TWHY=$(hsupported "$H" thp); then
	tr_json t_thp "$(hfield "$H" thp 2)-$(hex $(($(hfield "$H" thp 2) + 2 * PS)))"
	TS=$(hfield "$H" thp 2)
	AHP=$(awk -v s="$(printf '%x' "$TS")" '$1 ~ /^[0-9a-f]+-/ { split($1, r, "-"); cur = (r[1] == s) }
		cur && $1 == "AnonHugePages:" { print $2 }' "/proc/$PID/smaps")
	if [ "${AHP:-0}" -gt 0 ]; then
		jq -e 'all(.[]; .huge == true)' "$TMPD/t_thp.out" >/dev/null ||
			fail "THP pages not shown as huge (AnonHugePages ${AHP} kB)"
		ok "THP: pages of a 2 MiB THP shown huge"
		if [ -z "$KPF_WHY" ]; then
			jq -e '(.[0].kflags | index("THP")) and (.[0].kflags | index("COMPOUND_HEAD"))
				and (.[1].kflags | index("COMPOUND_TAIL"))' "$TMPD/t_thp.out" \
				>/dev/null || fail "THP kflags"
			ok "THP: kflags THP, head then tail"
		fi
	else
		note_skip "THP" "the kernel did not back the region with a huge page (AnonHugePages 0)"
	fi
else
	note_skip "THP" "$TWHY"
fi

# hugetlb: one default-size huge page; every base entry of it is present,
# its PFNs run consecutively, and phys keeps the in-page offset.
if UWHY=$(hsupported "$H" hugetlb); then
	US=$(hfield "$H" hugetlb 2)
	UN=$(hfield "$H" hugetlb 4)
	[ "$(vmaget hugetlb pages)" = "$UN" ] &&
		[ "$(vmaget hugetlb present)" = "$UN" ] ||
		fail "hugetlb --maps: pages $(vmaget hugetlb pages) present $(vmaget hugetlb present), want $UN"
	ok "hugetlb: --maps counts all $UN base pages of the huge page present"
	tr_json t_huge "$(hex $((US + 0x123)))-$(hex $((US + 3 * PS)))"
	jq -e 'length == 3 and all(.[]; .present == true and .huge == true)' \
		"$TMPD/t_huge.out" >/dev/null || fail "hugetlb pages not present+huge"
	ok "hugetlb: pages present and shown huge"
	if [ $PFNS = 1 ]; then
		jq -e '.[1].pfn == .[0].pfn + 1 and .[2].pfn == .[0].pfn + 2' \
			"$TMPD/t_huge.out" >/dev/null || fail "hugetlb PFNs not consecutive"
		P0=$(jq -r '.[0].pfn' "$TMPD/t_huge.out")
		[ "$(jq -r '.[0].phys' "$TMPD/t_huge.out")" = "$(hex $((P0 * PS + 0x123)))" ] ||
			fail "hugetlb phys lacks the in-page offset"
		ok "hugetlb: PFNs consecutive, phys = pfn * pagesize + offset"
	fi
else
	note_skip "hugetlb" "$UWHY"
fi

# partially mapped range: records for all pages, unmapped ones vma null
SSTART=$(jq -r '.[] | select(.path == "[stack]") | .start' "$TMPD/maps.out")
tr_json t_partmap "$(hex $((SSTART - PS)))-$(hex $((SSTART + PS)))"
jq -e 'length == 2 and .[0].vma == null and .[1].vma.path == "[stack]"' \
	"$TMPD/t_partmap.out" >/dev/null || fail "partially mapped range"
ok "partially mapped range: unmapped page has vma null"

# soft-dirty: the kernel has it (CONFIG_MEM_SOFT_DIRTY) exactly when a new
# VMA carries the "sd" VmFlag; awk reads its own, freshly exec'd, smaps.
if awk '/^VmFlags:/ && / sd/ { sd = 1 } END { exit !sd }' /proc/self/smaps; then
	# Pages written since exec/mmap are soft-dirty (no clear_refs done).
	jq -e 'all(.[]; .soft_dirty == true)' "$TMPD/t_touched.out" \
		>/dev/null || fail "soft-dirty: freshly written pages not soft-dirty"
	ok "soft-dirty: freshly written pages soft-dirty"
	[ "$SDNULL" = false ] || fail "soft-dirty: --maps says unknown on a kernel that tracks it"
elif grep -q '^VmFlags:' /proc/self/smaps; then
	# Without CONFIG_MEM_SOFT_DIRTY the bit always reads 0: unknown, not 0.
	jq -e 'all(.[]; .soft_dirty == null)' "$TMPD/t_touched.out" \
		>/dev/null || fail "soft-dirty: reported as a value on a kernel without CONFIG_MEM_SOFT_DIRTY"
	ok "soft-dirty: null (unknown) on a kernel without CONFIG_MEM_SOFT_DIRTY (no sd VmFlag)"
	jq -e 'all(.[]; .soft_dirty == null)' "$TMPD/maps.out" >/dev/null ||
		fail "soft-dirty: --maps counts it on a kernel without CONFIG_MEM_SOFT_DIRTY"
	ok "soft-dirty: --maps soft_dirty null (unknown), not 0"
else
	note_skip "soft-dirty" "no VmFlags in /proc/self/smaps (kernel before 3.8)"
fi

# swap: entries built by hand in a fixture /proc tree (this machine may
# have no swap); the swap device name comes from its swaps file.
FP=$TMPD/fakeproc
mkdir -p "$FP/4242"
echo "4242 (fake) S 1 4242 4242 0 -1 4194304 0 0 0 0 0 0 0 0 20 0 1 0 777 8192 2 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0" >"$FP/4242/stat"
FA=$((0x400000))
printf '%x-%x rw-p 00000000 00:00 0 \n' $FA $((FA + 4 * PS)) >"$FP/4242/maps"
printf 'Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n/dev/zram0                              partition\t8\t0\t-2\n/swap\\040file                              file\t8\t0\t-3\n' >"$FP/swaps"
# entry 1: swapped, type 1, offset 0x1234; entry 2: present, pfn 0x42
le64() { # print a 64-bit value as 8 little-endian bytes
	_v=$1 _i=0
	while [ $_i -lt 8 ]; do
		printf "\\$(printf '%03o' $((_v & 255)))"
		_v=$((_v >> 8)) _i=$((_i + 1))
	done
}
: >"$FP/4242/pagemap"
dd if=/dev/zero of="$FP/4242/pagemap" bs=8 seek=$((FA / PS)) count=0 2>/dev/null
# entry 3: bit 62 with a zeroed frame (what a reader without CAP_SYS_ADMIN
# gets); entry 4: type 31 offset 1 with bit 57, a uffd-wp PTE marker from 6.2
{ le64 $(( (1 << 62) | (0x1234 << 5) | 1 )); le64 $(( (1 << 63) | (1 << 61) | 0x42 ))
  le64 $(( (1 << 62) | (1 << 56) )); le64 $(( (1 << 62) | (1 << 57) | (1 << 5) | 31 )); } >>"$FP/4242/pagemap"
run_vmpeek fake --proc "$FP" --translate 4242 "$(hex $FA)-$(hex $((FA + 4 * PS)))" --json
[ "$(cat "$TMPD/fake.rc")" = 0 ] || fail "fixture translate: $(cat "$TMPD/fake.err")"
jq -e '.[0].swapped == true and .[0].present == false and .[0].swap_type == 1
	and .[0].swap_offset == 4660 and .[0].swap_device == "/swap\\040file"
	and .[0].pfn == null' "$TMPD/fake.out" >/dev/null ||
	fail "fixture: swapped entry decoded wrong: $(jq -c '.[0]' "$TMPD/fake.out")"
ok "fixture: swap type 1, offset 0x1234, device named from swaps"
jq -e '.[0].swap_kind == "swap" and .[2].swapped == true and .[2].present == false
	and .[2].swap_type == null and .[2].swap_offset == null and .[2].swap_device == null
	and .[2].swap_kind == "hidden" and .[2].exclusive == true' "$TMPD/fake.out" >/dev/null ||
	fail "fixture: a zeroed swap frame must be hidden, not swap 0:0x0: $(jq -c '.[2]' "$TMPD/fake.out")"
ok "fixture: zeroed swap frame: swapped, type/offset/device null, kind hidden"
run_vmpeek faket --proc "$FP" --translate 4242 "$(hex $((FA + 2 * PS)))"
grep -q 'swapped, swap entry hidden' "$TMPD/faket.out" ||
	fail "fixture text: want 'swapped, swap entry hidden': $(cat "$TMPD/faket.out")"
ok "fixture text: 'swapped, swap entry hidden'"
KV=$(uname -r | awk -F. '{ print $1 * 1000 + $2 }')
if [ "$KV" -ge 6002 ]; then
	jq -e '.[3].swap_kind == "marker" and .[3].swapped == false and .[3].present == false
		and .[3].swap_type == null and .[3].swap_device == null and .[3].uffd_wp == true' \
		"$TMPD/fake.out" >/dev/null ||
		fail "fixture: uffd-wp marker (type 31) decoded as: $(jq -c '.[3]' "$TMPD/fake.out")"
	ok "fixture: type 31 offset 1 is a uffd-wp marker, not swapped, no device"
else
	note_skip "marker fixture" "type 31 is the PTE marker from Linux 6.2 (this is $(uname -r))"
fi
if [ $ROOT = 1 ]; then
	jq -e --arg ph "$(hex $((0x42 * PS)))" '.[1].present and .[1].file_shared and .[1].pfn == 66 and .[1].phys == $ph' \
		"$TMPD/fake.out" >/dev/null || fail "fixture: present entry: $(jq -c '.[1]' "$TMPD/fake.out")"
	ok "fixture: present entry pfn 0x42, phys 0x42 * pagesize"
fi
if grep -q '^SwapTotal: *0 kB' /proc/meminfo; then
	note_skip "live swap" "no swap configured (SwapTotal 0): swapped entries checked on a fixture here, live by tests/swap.sh"
fi

# --- --stack -----------------------------------------------------------
run_vmpeek stack --stack "$PID" --json
[ "$(cat "$TMPD/stack.rc")" = 0 ] || fail "--stack: $(cat "$TMPD/stack.err")"
jq -e 'type == "object"' "$TMPD/stack.out" >/dev/null || fail "--stack JSON"
ok "--stack --json is a JSON object"
expect_eq "--stack: vma_start is [stack]'s" "$(jq -r .vma_start "$TMPD/stack.out")" "$SSTART"
expect_eq "--stack: present equals the independent reading" \
	"$(jq -r .present "$TMPD/stack.out")" \
	"$(awk -v s="$SSTART" '$1 == s { print $4 }' "$TMPD/indep")"
SP=$(jq -r .sp "$TMPD/stack.out")
LOCAL=$(hfield "$H" stack 4)
# the helper's SP as the kernel gives it (second last field), read here
KSP=$(awk 'NF >= 3 { print $(NF - 1) }' "/proc/$PID/syscall" 2>"$TMPD/sys.err")
if [ -z "$KSP" ]; then
	note_skip "stack pointer" "/proc/$PID/syscall gives no SP: $(cat "/proc/$PID/syscall" "$TMPD/sys.err" 2>&1 | head -n 1)"
else
	[ "$SP" != null ] || fail "--stack: sp null, but /proc/$PID/syscall gives $KSP"
	expect_eq "--stack: sp equals /proc/PID/syscall's" "$(hex $((SP)))" "$(hex $((KSP)))"
	[ $((SP <= LOCAL && LOCAL - SP < 65536)) = 1 ] ||
		fail "--stack: sp $SP not just below the deepest frame's local $LOCAL"
	ok "--stack: SP just below the helper's deepest local"
	expect_eq "--stack: below_sp_pages" "$(jq -r .below_sp_pages "$TMPD/stack.out")" \
		$(( ((SP & ~(PS - 1)) - SSTART) / PS ))
	DEPTHB=$(( $(hfield "$H" stack 2) * $(hfield "$H" stack 3) ))
	[ "$(jq -r .present "$TMPD/stack.out")" -ge $((DEPTHB / PS)) ] ||
		fail "--stack: fewer present pages than the recursion touched"
	ok "--stack: at least $((DEPTHB / PS)) pages present (recursion depth)"
fi
run_vmpeek stackt --stack "$PID"
[ "$(cat "$TMPD/stackt.rc")" = 0 ] && grep -q '^stack pointer:' "$TMPD/stackt.out" ||
	fail "--stack text"
ok "--stack text"

# --- errors ------------------------------------------------------------
NOPID=$(($(cat /proc/sys/kernel/pid_max) - 1))
while [ -d "/proc/$NOPID" ]; do NOPID=$((NOPID - 1)); done
expect_error err_nopid 1 "no such process" --maps "$NOPID" --json
expect_error err_nopid_tr 1 "no such process" --translate "$NOPID" 0x1000
expect_error err_noname 1 "no such process" --maps no-such-process-name-xyz
expect_error err_malformed 2 "malformed address" --translate "$PID" 0x12zz
expect_error err_malformed2 2 "malformed address" --translate "$PID" 0x1000-
expect_error err_overflow 2 "malformed address" --translate "$PID" 0x10000000000000000
expect_error err_reversed 2 "reversed" --translate "$PID" 0x2000-0x1000
expect_error err_unmapped 1 "not mapped" --translate "$PID" 0x1000 --json
expect_error err_unmapped_r 1 "not mapped" --translate "$PID" 0x1000-0x3000
expect_error err_usage 2 "" --bogus-option
expect_error err_noaddr 2 "needs an address" --translate "$PID"
expect_error err_twocmd 2 "exclude each other" --maps --stack "$PID"
expect_error err_json_ui 2 "json" --json "$PID"
run_vmpeek help --help
[ "$(cat "$TMPD/help.rc")" = 0 ] && grep -q -- '--translate' "$TMPD/help.out" || fail "--help"
ok "--help"
run_vmpeek version --version
[ "$(cat "$TMPD/version.rc")" = 0 ] && grep -q '^vmpeek ' "$TMPD/version.out" || fail "--version"
ok "--version"

summary
exit 0
