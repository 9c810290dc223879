# t_sync.sh - synchronized output where the terminal declares it (#17):
# with a terminfo entry that has the extended capability Sync (as tmux's
# and kitty's entries define it), every frame's single write() begins with
# the begin of synchronized output (ESC [ ? 2026 h) and ends with its end
# (ESC [ ? 2026 l), so the terminal never paints half a frame; under plain
# xterm-256color (no Sync) the console sends no ?2026 at all. Counted with
# strace on the writes to the terminal, as t_frames does.
. tests/e2e/lib.sh
command -v tic >/dev/null || fail "tic is missing (ncurses-bin)"
. tests/e2e/writes.sh
# xterm-256color plus Sync, under a name of its own, in a private tree.
mkdir -p "$T/terminfo"
{
	echo 'xterm-sync|xterm-256color with synchronized output,'
	echo '	Sync=\E[?2026%?%p1%{1}%-%tl%eh%;, use=xterm-256color,'
} >"$T/xterm-sync.src"
tic -x -o "$T/terminfo" "$T/xterm-sync.src" || fail "tic could not compile the entry"
TERMINFO="$T/terminfo" infocmp -x xterm-sync | grep -qF 'Sync=' || fail "the compiled entry has no Sync"
use_shipped_runbooks
# The frames: every write to the terminal (curses' own set-up goes out
# with the first).
frames() { tty_writes; }

# run_keys TERM...: the console with that environment on the runbook
# list, 5 keypresses, and at least 6 frames (the first and one a key).
run_keys() {
	AM_ENV="$*" am_start 120 40 --runbooks "$T/runbooks"
	wait_for "Service Startup Issues"
	for i in 1 2 3 4 5; do keys j; done
	sleep 0.5
	n=$(frames | wc -l)
	[ "$n" -ge 6 ] || fail "only $n frames written with $* (the first and 5 keypresses)"
}

run_keys "TERM=xterm-sync TERMINFO='$T/terminfo'"
bad=$(frames | grep -vcE '^write\([^"]*"\\33\[\?2026h.*\\33\[\?2026l", [0-9]+\) = [0-9]+$')
[ "$bad" -eq 0 ] || fail "$bad of $n frames not between ESC[?2026h and ESC[?2026l: $(frames | grep -vE '2026l", [0-9]+\)' | cut -c1-160)"
inside=$(frames | sed 's/^[^"]*"\\33\[?2026h//; s/\\33\[?2026l", [0-9]*) = [0-9]*$//' | grep -c '2026')
[ "$inside" -eq 0 ] || fail "$inside frames hold another ?2026 inside"
ok "Sync declared: each of $n frames is one write, begun by ESC[?2026h and ended by ESC[?2026l"
shows "Network Connectivity Issues" || fail "the runbook list is not on screen"
am_quit
rm -f "$T/st"

run_keys "TERM=xterm-256color"
! tty_writes | grep -q '2026' || fail "?2026 sent to a terminal whose entry has no Sync"
ok "no Sync in xterm-256color: $n frames, no ?2026 sent"
keys q
wait_dead
