# tmux.sh: drive the TUI in a private tmux server (sourced after lib.sh).
#
# tui_start ARGS...: run vmpeek ARGS in a 120x40 pane (TUI_COLS, TUI_ROWS:
# another size; TUI_WRAP: a command to run vmpeek under, e.g. nsenter);
# the pane stays open after it exits and shows "exit=STATUS". tui_wait ERE
# [SECONDS] polls the screen for a line matching ERE; tui_keys sends keys;
# tui_goto ADDR types ADDR at the go-to prompt (:); tui_screen prints it.

command -v tmux >/dev/null 2>&1 || skip "tmux is not installed (the TUI is driven in tmux)"
unset TMUX
TUI_SOCK=vmpeek-$$-$(basename "$0" .sh)
tm() { tmux -L "$TUI_SOCK" -f /dev/null "$@"; }

tui_stop() { tm kill-server >/dev/null 2>&1; }
# a failed check must not leave the server (and vmpeek in it) running; a
# script with more to undo sets its own trap, calling tui_stop too
trap 'tui_stop; cleanup' EXIT

tui_start() {
	tui_stop
	_i=0
	until tm new-session -d -x "${TUI_COLS:-120}" -y "${TUI_ROWS:-40}" \
	    "sh -c '${TUI_WRAP:-} \"\$0\" \"\$@\"; echo exit=\$?; sleep 60' '$VMPEEK' $*" \
	    2>/dev/null; do
		_i=$((_i + 1))
		[ "$_i" -le 30 ] || fail "tmux new-session failed"
		sleep 0.1
	done
}

tui_screen() { tm capture-pane -p 2>/dev/null; }

tui_wait() {
	_n=$(( ${2:-10} * 10 ))
	while [ "$_n" -gt 0 ]; do
		tui_screen >"$TMPD/screen"
		grep -Eq -- "$1" "$TMPD/screen" && return 0
		sleep 0.1
		_n=$((_n - 1))
	done
	return 1
}

tui_keys() { tm send-keys "$@"; }
tui_goto() { tm send-keys :; tm send-keys -l -- "$1"; tm send-keys Enter; }

# tui_fail MESSAGE: fail, showing the screen.
tui_fail() {
	echo "---- screen:"
	tui_screen | sed 's/^/| /'
	echo "----"
	fail "$*"
}
