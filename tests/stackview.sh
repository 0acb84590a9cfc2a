#!/bin/sh
# stackview.sh: the stack view on the 4.4-style fixture (tests/fixtures/
# proc44: [stack:TID] thread stacks, the main SP outside [stack], a
# PROT_NONE page in the guard gap) through --stack and the TUI, and a live
# thread stack with MADV_GUARD_INSTALL guard pages (threadhelper -g).
#
# Env: VMPEEK, THREADHELPER, FIXTURES (set by make check).
. "${srcdir:-.}/tests/lib.sh"
: "${THREADHELPER:=$PWD/tests/threadhelper}"
: "${FIXTURES:=${srcdir:-.}/tests/fixtures}"
need jq tmux

# A writable copy of the fixture; its pagemap reads as all zero entries.
ROOT=$TMPD/proc44
cp -R "$FIXTURES/proc44" "$ROOT" || fail "copying $FIXTURES/proc44"
ln -s /dev/zero "$ROOT/4400/pagemap"

# ------------------------------------------------------------ --stack
run_vmpeek st --proc="$ROOT" --stack 4400 --json
[ "$(cat "$TMPD/st.rc")" = 0 ] || fail "--stack on proc44: $(cat "$TMPD/st.err")"
expect_eq "--stack: the main stack is [stack], not the [stack:TID] before it" \
	"$(jq -r .vma_start "$TMPD/st.out")" 0x7ffd00000000
expect_eq "--stack: SP outside [stack] is said" "$(jq -r .sp_in_vma "$TMPD/st.out")" false
expect_eq "--stack: no below-SP counts for an SP outside" \
	"$(jq -c '[.below_sp_pages, .below_sp_unfaulted]' "$TMPD/st.out")" '[null,null]'
expect_eq "--stack: a PROT_NONE neighbour in the gap is no violation" \
	"$(jq -r .gap_violated "$TMPD/st.out")" false
run_vmpeek stt --proc="$ROOT" --stack 4400
grep -q '^below SP:' "$TMPD/stt.out" && fail "--stack text counts below an SP outside the VMA"
grep -q 'outside the VMA' "$TMPD/stt.out" || fail "--stack text does not say the SP is outside"
ok "--stack text: SP outside, no below-SP line"

# ------------------------------------------------------------ TUI
. "${srcdir:-.}/tests/tmux.sh"
# wide: the guard-gap row's VIOLATED sits at the end of the path column
TUI_COLS=170
TUI_ROWS=50
# row ADDR: the page row of ADDR on the screen ("" if not shown)
row() { grep -E "^$1 " "$TMPD/screen" | head -1; }

tui_start --proc="$ROOT" 4400
tui_wait "> 4400 oldthreads > VMAs" 5 || tui_fail "vmpeek did not open the fixture"
tui_wait "guard gap .* below \[stack\]" 5 || tui_fail "no guard-gap row"
grep -q VIOLATED "$TMPD/screen" && tui_fail "VMAs: a PROT_NONE page in the gap shown as VIOLATED"
ok "VMAs: guard gap with a PROT_NONE page in it is not VIOLATED"

# u: no hole rows, so the rows counted below are the VMAs
tui_keys u
tui_wait "holes between mappings hidden" 5 || tui_fail "u did not hide holes"
# [stack:4401]: thread 4401's stack, SP at 7f0000010010 (page 15)
tm send-keys g j j Enter
tui_wait "\[stack:4401\] .*pages" 5 || tui_fail "[stack:4401] did not open"
tui_wait "thread 4401's stack" 5 || tui_fail "[stack:4401] not shown as thread 4401's stack"
case $(row 7f0000010000) in *"<-SP"*) ;; *) tui_fail "no SP row at 7f0000010000" ;; esac
for a in 7f0000001000 7f0000008000 7f000000f000; do
	case $(row $a) in *never-faulted*) ;; *) tui_fail "$a below SP not never-faulted" ;; esac
done
for a in 7f0000010000 7f0000011000 7f0000018000 7f000001f000; do
	case $(row $a) in *never-faulted*) tui_fail "$a at/above SP marked never-faulted" ;; esac
done
ok "[stack:4401]: thread 4401's SP, never-faulted only below it"

# [stack:4400]: the VMA on screen, with the main thread's SP in it
tm send-keys Escape
tui_wait "> VMAs" 5 || tui_fail "Esc did not return to VMAs"
tm send-keys g j j j Enter
tui_wait "\[stack:4400\] .*pages" 5 || tui_fail "[stack:4400] did not open"
tui_wait "thread 4400's stack" 5 || tui_fail "[stack:4400] not inspected as its own VMA"
case $(row 7f0000108000) in *"<-SP"*) ;; *) tui_fail "no SP row at 7f0000108000" ;; esac
ok "[stack:4400]: the VMA on screen is inspected, SP row in it"

# [stack]: the main SP is elsewhere: no never-faulted marks at all
tm send-keys Escape
tui_wait "> VMAs" 5 || tui_fail "Esc did not return to VMAs"
tm send-keys G Enter
tui_wait " \[stack\] .*pages" 5 || tui_fail "[stack] did not open"
tui_wait "outside this VMA" 5 || tui_fail "[stack] view does not say the SP is outside"
tui_wait "^7ffd00000000 " 5 || tui_fail "[stack] rows not shown"
grep -Eq "^[0-9a-f]{12} .*never-faulted" "$TMPD/screen" && tui_fail "[stack]: never-faulted marks with the SP outside"
grep -q VIOLATED "$TMPD/screen" && tui_fail "[stack] band: PROT_NONE neighbour shown as VIOLATED"
ok "[stack]: SP outside, no never-faulted marks, gap not VIOLATED"
tm send-keys Q
tui_wait "^exit=0" 5 || tui_fail "Q did not quit with status 0"

# ------------------------------------------------------------ live guard
if [ ! -x "$THREADHELPER" ]; then
	note_skip "guard-page thread stack" "no $THREADHELPER"
else
	start_helper "$TMPD/g.out" "$THREADHELPER" -g
	GPID=$HELPER_PID
	if ! hsupported "$TMPD/g.out" gstack >"$TMPD/g.why"; then
		note_skip "guard-page thread stack" "$(cat "$TMPD/g.why")"
	else
		gs=$(hfield "$TMPD/g.out" gstack 2)
		ge=$(hfield "$TMPD/g.out" gstack 3)
		gb=$(hfield "$TMPD/g.out" gstack 4)
		tid=$(hfield "$TMPD/g.out" thread 2)
		PS=$(getconf PAGESIZE)
		# the thread must block for its SP to be readable
		_i=0
		while grep -q running "/proc/$GPID/task/$tid/syscall" 2>/dev/null; do
			_i=$((_i + 1))
			[ "$_i" -le 50 ] || break
			sleep 0.05
		done
		# independent: the kernel marks the guarded pages (bit 58 on 6.15+,
		# a swap-format entry on 6.13/6.14) and nothing else is there
		e0=$(raw_entry "$GPID" "$gs")
		[ $(( (e0 >> 62) & 1 )) = 1 ] || fail "guard page $gs raw $e0: no marker"
		tui_start "$GPID"
		tui_wait "> $GPID threadhelper > VMAs" 5 || tui_fail "vmpeek did not open threadhelper"
		tm send-keys /
		tm send-keys -l -- "${gs#0x}-"
		tm send-keys Enter
		tui_wait "^0*${gs#0x}-" 5 || tui_fail "no VMA at $gs"
		tm send-keys Enter
		tui_wait "\[stack:$tid\] .*pages" 5 || tui_fail "thread stack $gs did not open"
		tui_wait "bottom: guard pages" 5 ||
			tui_fail "band does not show the guard pages inside the VMA"
		tm send-keys g
		tui_wait "^${gs#0x} " 5 || tui_fail "top row of the stack not shown"
		n=$((gb / PS))
		i=0
		while [ "$i" -lt "$n" ]; do
			a=$(printf '%x' $((gs + i * PS)))
			r=$(row "$a")
			# capture-pane drops trailing blanks: a row that ends in its state has no blank after it
			case "$r " in *" guard "*) ;; *)
				# what the kernel says now, to tell a misread from a change
				j=0
				while [ "$j" -lt "$n" ]; do
					echo "raw entry of $(printf '%x' $((gs + j * PS))) now: $(raw_entry "$GPID" $((gs + j * PS)))"
					j=$((j + 1))
				done
				tui_fail "$a: not shown as guard: $r" ;;
			esac
			case $r in *never-faulted*) tui_fail "$a: guard page marked never-faulted" ;; esac
			i=$((i + 1))
		done
		a=$(printf '%x' $((gs + n * PS)))
		case $(row "$a") in *never-faulted*) ;;
		*) tui_fail "$a: first page above the guard not never-faulted" ;; esac
		ok "thread stack $gs-$ge: $n guard pages shown as guard, not never-faulted"
		tm send-keys Q
		tui_wait "^exit=0" 5 || tui_fail "Q did not quit with status 0"
	fi
fi
summary
