#!/bin/sh
# run.sh: boot Debian's Linux 6.1 under qemu (TCG) with vmpeek and the live
# checks in a busybox initramfs, run them there, and report (make check-kernel).
#
# Environment (set by the Makefile):
#   VMPEEK VMHELPER PMTOOL   the binaries to test (and their shared libraries)
#   KERNEL_DIR               cache: the kernel is downloaded once into it
#   srcdir                   the source tree (tests/*.sh)
#   KERNEL_TIMEOUT           seconds the guest may run (default 600)
# Exit: 0 all checks passed, 1 a check failed or the guest did not report,
# 77 this machine cannot run the guest (the reason printed as SKIP).
set -u
LC_ALL=C
export LC_ALL

: "${srcdir:=$(dirname "$0")/../..}"
: "${VMPEEK:=$PWD/src/vmpeek}"
: "${VMHELPER:=$PWD/tests/vmhelper}"
: "${PMTOOL:=$PWD/tests/kernel/pmtool}"
: "${KERNEL_DIR:=$PWD/tests/kernel/cache}"
: "${KERNEL_TIMEOUT:=600}"

T0=$(date +%s)
skip() {
	echo "SKIP: check-kernel: $*"
	exit 77
}
die() {
	echo "check-kernel: FAIL: $*"
	exit 1
}
since() { echo "$(($(date +%s) - T0)) s"; }

for t in qemu-system-x86_64 cpio gzip ldd timeout; do
	command -v $t >/dev/null 2>&1 || skip "needs $t (./bootstrap deps installs it)"
done
BUSYBOX=/bin/busybox
# busybox-static: the initramfs has no libraries for a dynamic busybox
file_static() { ! ldd "$1" >/dev/null 2>&1; }
[ -x $BUSYBOX ] && file_static $BUSYBOX ||
	skip "needs a static /bin/busybox (package busybox-static)"
for b in "$VMPEEK" "$VMHELPER" "$PMTOOL"; do
	[ -x "$b" ] || die "$b not built"
done
JQ=$(command -v jq) || skip "needs jq"
GETCONF=$(command -v getconf) || skip "needs getconf"
[ "$(uname -m)" = x86_64 ] || skip "the guest kernel is amd64; this is $(uname -m)"

# --- the kernel: newest linux-image-6.1.0-N-amd64-unsigned, cached --------
mkdir -p "$KERNEL_DIR" || die "cannot create $KERNEL_DIR"
KDIR=$(cd "$KERNEL_DIR" && pwd)
VMLINUZ=$(ls "$KDIR"/vmlinuz-6.1.* 2>/dev/null | sort -V | tail -n 1)
if [ -z "$VMLINUZ" ]; then
	command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null ||
		skip "no cached kernel in $KDIR and no apt-get/dpkg-deb to fetch one"
	PKG=$(apt-cache pkgnames linux-image-6.1.0- 2>/dev/null |
		grep -E '^linux-image-6\.1\.0-[0-9]+-amd64-unsigned$' | sort -V | tail -n 1)
	[ -n "$PKG" ] || skip "apt knows no linux-image-6.1.0-*-amd64-unsigned (not Debian bookworm, or no 'apt-get update')"
	echo "check-kernel: downloading $PKG"
	DL=$(mktemp -d "$KDIR/dl.XXXXXX") || die "mktemp"
	# apt drops root to _apt for downloads: let it write there.
	chmod 755 "$DL"
	[ "$(id -u)" = 0 ] && chown _apt "$DL" 2>/dev/null
	(cd "$DL" && apt-get download -q "$PKG") >"$DL/log" 2>&1 ||
		{ cat "$DL/log"; rm -rf "$DL"; skip "apt-get download $PKG failed (no network?)"; }
	dpkg-deb -x "$DL"/*.deb "$DL/x" || { rm -rf "$DL"; die "dpkg-deb -x failed"; }
	# Only the kernel and its config are kept (the modules are ~400 MB).
	for f in "$DL"/x/boot/vmlinuz-* "$DL"/x/boot/config-*; do
		[ -f "$f" ] && cp "$f" "$KDIR/" && chmod 644 "$KDIR/${f##*/}"
	done
	# shellcheck disable=SC2016
	dpkg-deb -W --showformat='${Package} ${Version}' "$DL"/*.deb \
		>"$KDIR/package"
	rm -rf "$DL"
	VMLINUZ=$(ls "$KDIR"/vmlinuz-6.1.* 2>/dev/null | sort -V | tail -n 1)
	[ -n "$VMLINUZ" ] || die "$PKG held no boot/vmlinuz-6.1.*"
	echo "check-kernel: kernel cached in $KDIR ($(since))"
fi
KPKG=$(cat "$KDIR/package" 2>/dev/null)

# --- the initramfs --------------------------------------------------------
WORK=$(mktemp -d "${TMPDIR:-/tmp}/vmpeek-kernel.XXXXXX") || die "mktemp"
trap 'rm -rf "$WORK"' EXIT
trap 'exit 99' INT TERM HUP
R=$WORK/root
mkdir -p "$R/bin" "$R/t/tests/kernel" "$R/proc" "$R/sys" "$R/dev" "$R/tmp" \
	"$R/usr/bin" "$R/etc"
cp $BUSYBOX "$R/bin/busybox"
# put FILE...: copy binaries and every library ldd lists (and the loader)
put() {
	for f in "$@"; do
		cp "$f" "$R/t/${f##*/}" || die "copy $f"
		ldd "$f" 2>/dev/null | awk '/=> \// { print $3 } /^\t\// { print $1 }' |
		while read -r lib; do
			mkdir -p "$R${lib%/*}"
			[ -f "$R$lib" ] || cp -L "$lib" "$R$lib" || exit 1
		done || die "copy the libraries of $f"
	done
}
put "$VMPEEK" "$VMHELPER" "$PMTOOL" "$JQ" "$GETCONF"
mv "$R/t/jq" "$R/t/getconf" "$R/usr/bin/"
cp "$srcdir/tests/lib.sh" "$srcdir/tests/live.sh" "$R/t/tests/"
cp "$srcdir/tests/kernel/guest-checks.sh" "$R/t/tests/kernel/"
cat >"$R/init" <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin:/usr/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tmpfs tmp /tmp
up() { cut -d ' ' -f 1 /proc/uptime; }
echo "VMPEEK-KERNEL $(uname -r) up $(up) s"
cd /t
export srcdir=/t VMPEEK=/t/vmpeek VMHELPER=/t/vmhelper PMTOOL=/t/pmtool
# TCG has no PAGEMAP_SCAN to skip holes: 1 TiB would be 2 GiB of pread.
export LIVE_SPARSE_GIB=0
for s in tests/live.sh tests/kernel/guest-checks.sh; do
	echo "VMPEEK-BEGIN $s"
	sh "$s" 2>/dev/null
	rc=$?
	echo "VMPEEK-END $s rc=$rc up $(up) s"
done
echo VMPEEK-DONE
poweroff -f
EOF
chmod 755 "$R/init"
(cd "$R" && find . | cpio -o -H newc --quiet | gzip -1) >"$WORK/initramfs.gz" ||
	die "cpio"
echo "check-kernel: initramfs $(($(wc -c <"$WORK/initramfs.gz") / 1024)) KiB ($(since))"

# --- boot -----------------------------------------------------------------
LOG=$WORK/serial
T1=$(date +%s)
timeout "$KERNEL_TIMEOUT" qemu-system-x86_64 -m 1G -smp 1 -accel tcg \
	-kernel "$VMLINUZ" -initrd "$WORK/initramfs.gz" \
	-append "console=ttyS0 panic=-1 quiet" \
	-display none -monitor none -serial "file:$LOG" -nic none -no-reboot \
	</dev/null >"$WORK/qemu.out" 2>&1
QRC=$?
tr -d '\r' <"$LOG" >"$WORK/out" 2>/dev/null
cat "$WORK/out"
BOOT="$(($(date +%s) - T1)) s in the guest"
[ $QRC = 124 ] && echo "check-kernel: the guest ran out of time (${KERNEL_TIMEOUT} s)"
[ $QRC = 0 ] || [ $QRC = 124 ] || { cat "$WORK/qemu.out"; die "qemu-system-x86_64 exited $QRC"; }

KREL=$(sed -n 's/^VMPEEK-KERNEL \([^ ]*\).*/\1/p' "$WORK/out" | head -n 1)
PASS=$(grep -c '^ok [0-9]' "$WORK/out")
FAIL=$(grep -c '^FAIL' "$WORK/out")
SKIPS=$(grep -c '^SKIP' "$WORK/out")
echo "check-kernel: kernel ${KREL:-?} (${KPKG:-cached}): $PASS passed, $FAIL failed, $SKIPS skipped parts; $BOOT, $(since) in all"
[ -n "$KREL" ] || die "the guest never reported (no VMPEEK-KERNEL line)"
grep -q '^VMPEEK-DONE' "$WORK/out" || die "the guest did not finish the checks"
bad=0
for s in tests/live.sh tests/kernel/guest-checks.sh; do
	rc=$(sed -n "s|^VMPEEK-END $s rc=\([0-9]*\).*|\1|p" "$WORK/out")
	case $rc in
	0) ;;
	# The guest is ours and has all it needs: a skipped script is a fault.
	77) echo "check-kernel: $s skipped in the guest: $(sed -n '/^SKIP: /p' "$WORK/out" | head -n 1)"
		bad=1 ;;
	*) echo "check-kernel: $s failed (exit ${rc:-none})"; bad=1 ;;
	esac
done
[ $bad = 0 ] || die "checks failed on Linux $KREL"
echo "check-kernel: PASS on Linux $KREL"
