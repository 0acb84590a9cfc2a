/* vmalayout.h: hand-written maps layouts for the VMA pane's core tests (rows, minimap). */
#ifndef VMPEEK_TEST_VMALAYOUT_H
#define VMPEEK_TEST_VMALAYOUT_H

/*
 * A 64 TiB NORESERVE VMA, a binary with a one-page hole in it, [heap], a
 * one-page anon VMA far below [stack], and [vsyscall] above user space.
 * Indexes: 0 big, 1 2 binary, 3 heap, 4 anon, 5 stack, 6 vsyscall.
 */
#define LAYOUT_MAPS \
	"100000000000-500000000000 rw-p 00000000 00:00 0 \n" \
	"555555554000-555555556000 r--p 00000000 fe:01 100 /bin/x\n" \
	"555555556000-555555558000 r-xp 00002000 fe:01 100 /bin/x\n" \
	"555555559000-55555557a000 rw-p 00000000 00:00 0 [heap]\n" \
	"7f0000000000-7f0000001000 rw-p 00000000 00:00 0 \n" \
	"7ffc00000000-7ffc00021000 rw-p 00000000 00:00 0 [stack]\n" \
	"ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0 [vsyscall]\n"
#define LAYOUT_STACK	5
#define LAYOUT_GAP	0x100000ULL	/* stack_guard_gap: 1 MiB */

#endif
