#!/bin/sh
# mkseeds.sh: writes the hand-made seed inputs of tests/fuzz/NAME/ (edge
# cases; the real-* seeds are copies of this machine's /proc files, PIDs
# normalised). Run from anywhere; rewrites only the files named here.
# Inputs of escape/ and smaps/ start with one byte: a buffer size; json/
# inputs start with 256 bytes of numbers (see each fuzz_NAME.c).
set -eu
cd "$(dirname "$0")"
w() { printf -- "$2" >"$1"; }

# maps: hand-written lines the parser must take or refuse
w maps/edge-anon-no-space '00400000-00401000 r-xp 00000000 08:01 1\n'
w maps/edge-upper-hex '7F0000000000-7F0000001000 rw-s 0000ABCD 0A:1F 99 /dev/shm/x\n'
w maps/edge-unsorted-overlap '2000-3000 rw-p 00000000 00:00 0 \n1000-2800 rw-p 00000000 00:00 0 [anon:x]\n'
w maps/edge-long-prefix 'ffffffffffff0000-ffffffffffff1000 rw-p 123456789abcdef0 fff:fffff 18446744073709551615    lead\n'
w maps/edge-old-thread-stack '7f0000000000-7f0000800000 rw-p 00000000 00:00 0                          [stack:4242]\n'
w maps/edge-bad-reversed '2000-1000 rw-p 00000000 00:00 0 \n'
w maps/edge-no-newline '1000-2000 ---p 00000000 00:00 0                          anon_inode:[io_uring]'

# smaps: a header, a field of each kind, an unknown key and flag
w smaps/edge-fields '\0207f0000000000-7f0000200000 rw-p 00000000 00:00 0 \nAnonHugePages:      2048 kB\nTHPeligible:    1\nNewKey: 5 kB\nVmFlags: rd wr mr mw me ac sd hg zz\n7f0000200000-7f0000400000 rw-s 00000000 00:01 3 /SYSV00000000 (deleted)\nKernelPageSize:     2048 kB\nShared_Hugetlb:     2048 kB\nVmFlags: rd wr sh mr mw me ms de ht\n'
w smaps/edge-field-first '\010Rss: 4 kB\n'

# stat: comm with spaces, parens and a newline; a zombie; junk
w stat/edge-comm-parens '42 (a) b (c)\nd) R 1 42 42 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 100 0 0 18446744073709551615\n'
w stat/edge-zombie '7 (z) Z 1 7 7 0 -1 4227084 0 0 0 0 0 0 0 0 20 0 1 0 5 0 0 0 0 0 0 0\n'
w stat/edge-short '1 (init) S 0\n'

# status: the fields we read, absent ones, a huge number
w status/edge-min 'Name:\tx\nUid:\t0\t0\t0\t0\n'
w status/edge-huge 'Name:\t\\\\n\\\\x\nUid:\t4294967294\t0\t0\t0\nVmSize:\t9223372036854775807 kB\nThreads:\t1\n'
w status/edge-no-uid 'Name:\tkworker/0:1\nVmRSS:\t4 kB\n'

# syscall: the three kernel forms and junk
w syscall/edge-running 'running\n'
w syscall/edge-not-in-syscall '-1 0x7ffd00001000 0x7f0000001234\n'
w syscall/edge-max-hex '0 0x0 0x0 0x0 0x0 0x0 0x0 0xffffffffffffffff 0x1\n'
w syscall/edge-too-many '1 0x1 0x2 0x3 0x4 0x5 0x6 0x7 0x8 0x9\n'

# limits: unlimited stack, a 20-digit limit
w limits/edge-unlimited 'Limit                     Soft Limit           Hard Limit           Units     \nMax stack size            unlimited            unlimited            bytes     \n'
w limits/edge-max 'Max stack size            18446744073709551614 unlimited            bytes\n'

# swaps: a file and a partition, a name with the kernel's \ooo escapes
w swaps/edge-two 'Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n/swapfile                               file\t\t1048572\t\t0\t\t-2\n/dev/vda2                               partition\t2097148\t\t1024\t\t-3\n'
w swaps/edge-escaped 'Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n/tmp/a\\040b\\011c\\012d\\134e\tfile\t4\t0\t-2\n'
w swaps/edge-bad-header 'Name Type\n/x file 1 0 0\n'

# range: what --translate takes and refuses
w range/ok-single '0x7f0000001000'
w range/ok-range '7f0000001000-7F0000003000'
w range/ok-full '0-ffffffffffffffff'
w range/ok-max 'FFFFFFFFFFFFFFFF'
w range/ok-leading-zeros '0x00000000000000000000000000001-0x2'
w range/bad-no-end '0x1000-'
w range/bad-reversed '2000-1000'
w range/bad-empty '1000-1000'
w range/bad-two-dashes '1-2-3'
w range/bad-overflow '10000000000000000'
w range/bad-prefix-only '0x'

# escape: buffer size byte, then a name
w escape/plain '\377bash'
w escape/ansi-small '\003\033[31mred\033[0m'
w escape/utf8 '\200caf\303\251 \360\237\230\200 \342\202\254'
w escape/invalid-utf8 '\100\377\376\300\200\355\240\200\302\205x'
w escape/nul-digit '\020a\0001\000'
w escape/backslash-space '\010a\\ b\t\n'
w escape/quotes '\100say "hi" \\ \177'

# json: 256 bytes of numbers (all 0x5a), then maps text
{ head -c 256 /dev/zero | tr '\0' '\132'
  printf '1000-2000 r-xp 00000000 08:01 12 /bin/\033]0;\\x\t"q"\377\n'; } \
    >json/maps-odd-path
{ head -c 256 /dev/zero | tr '\0' '\377'
  printf 'reason \302\233 \342\200\250'; } >json/all-ones
head -c 255 /dev/zero >json/short

# hexline: 8 bytes of address (little endian), a buffer size byte, bytes
w hexline/full '\000\020\064\022\000\177\000\000\120\177ELF\002\001\001\000Hi !~\033\200\377'
w hexline/short '\000\020\000\000\000\000\000\000\120a\000z'
w hexline/empty '\377\377\377\377\377\377\377\377\120'
w hexline/small-buffer '\000\000\000\000\000\000\000\000\010abcdefghijklmnop'
