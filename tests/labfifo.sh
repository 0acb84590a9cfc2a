# labfifo.sh: drive vmpeek-lab phase by phase (sourced after lib.sh; used
# by lab.sh and teachshots.sh).
#
# lab_start NAME ARGS...: run the lab with --json, stdin a fifo we hold
# open on fd 9 (one newline = next phase), stdout $TMPD/NAME.out, stderr
# $TMPD/NAME.err; LAB is its PID. LAB_AS, when set, runs it as another
# user (setpriv ...).
lab_start() {
	LAB_OUT=$TMPD/$1.out LAB_ERR=$TMPD/$1.err LAB_N=0
	shift
	rm -f "$TMPD/fifo"
	mkfifo "$TMPD/fifo"
	# the job opens the fifo first and blocks there: make its files now
	: >"$LAB_OUT"
	: >"$LAB_ERR"
	$LAB_AS "$VMPEEK_LAB" --json "$@" <"$TMPD/fifo" >"$LAB_OUT" 2>"$LAB_ERR" &
	LAB=$!
	HELPER_PIDS="$HELPER_PIDS $LAB"
	exec 9>"$TMPD/fifo"
}

# lab_next SECONDS: wait for the lab's next JSON line (LAB_N counts them)
# into J. 0 got it, 1 the lab exited first, 2 none after SECONDS.
lab_next() {
	LAB_N=$((LAB_N + 1))
	_i=0
	while [ "$(wc -l <"$LAB_OUT")" -lt $LAB_N ]; do
		# (it may have printed its last line and exited since wc ran)
		if ! kill -0 "$LAB" 2>/dev/null &&
		    [ "$(wc -l <"$LAB_OUT")" -lt $LAB_N ]; then
			return 1
		fi
		_i=$((_i + 1))
		[ $_i -le $(($1 * 20)) ] || return 2
		sleep 0.05
	done
	J=$(sed -n "${LAB_N}p" "$LAB_OUT")
	return 0
}
jf() { printf '%s\n' "$J" | jq -r "$1"; }
