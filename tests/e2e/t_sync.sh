# t_sync.sh - synchronized output where the terminal declares it (#17):
# with a terminfo entry that has the extended capability Sync (as tmux's
# and kitty's entries define it), every frame's single write() begins with
# the begin of synchronized output (ESC [ ? 2026 h) and ends with its end
# (ESC [ ? 2026 l), so the terminal never paints half a frame; under plain
# xterm-256color (no Sync) the console sends no ?2026 at all. Counted with
# strace on the writes to the terminal, as t_frames does.
. tests/e2e/lib.sh
command -v strace >/dev/null || fail "strace is missing (tests/deps.sh installs it)"
command -v tic >/dev/null || fail "tic is missing (ncurses-bin)"
REAL=$AMCONSOLE
cat >"$T/traced" <<SH
#!/bin/sh
ASAN_OPTIONS="\${ASAN_OPTIONS:+\$ASAN_OPTIONS:}detect_leaks=0"
export ASAN_OPTIONS
exec strace -y -s 200000 -o '$T/st' -e trace=write -- '$REAL' "\$@"
SH
chmod +x "$T/traced"
AMCONSOLE="$T/traced"
# xterm-256color plus Sync, under a name of its own, in a private tree.
mkdir -p "$T/terminfo"
{
	echo 'xterm-sync|xterm-256color with synchronized output,'
	echo '	Sync=\E[?2026%?%p1%{1}%-%tl%eh%;, use=xterm-256color,'
} >"$T/xterm-sync.src"
tic -x -o "$T/terminfo" "$T/xterm-sync.src" || fail "tic could not compile the entry"
TERMINFO="$T/terminfo" infocmp -x xterm-sync | grep -qF 'Sync=' || fail "the compiled entry has no Sync"
use_shipped_runbooks
tty_writes() { grep -E '^write\([0-9]+</dev/(pts/[0-9]+|tty[^>]*)>,' "$T/st"; }
# The frames: every write to the terminal after curses' own set-up.
frames() { tty_writes | tail -n +2; }

AM_ENV="TERM=xterm-sync TERMINFO='$T/terminfo'" am_start 120 40 --runbooks "$T/runbooks"
wait_for "Service Startup Issues"
for i in 1 2 3 4 5; do keys j; done
sleep 0.5
n=$(frames | wc -l)
[ "$n" -ge 6 ] || fail "only $n frames written (the first and 5 keypresses)"
bad=$(frames | grep -vcE '^write\([^"]*"\\33\[\?2026h.*\\33\[\?2026l", [0-9]+\) = [0-9]+$')
[ "$bad" -eq 0 ] || fail "$bad of $n frames not between ESC[?2026h and ESC[?2026l: $(frames | grep -vE '2026l", [0-9]+\)' | cut -c1-160)"
inside=$(frames | sed 's/^[^"]*"\\33\[?2026h//; s/\\33\[?2026l", [0-9]*) = [0-9]*$//' | grep -c '2026')
[ "$inside" -eq 0 ] || fail "$inside frames hold another ?2026 inside"
ok "Sync declared: each of $n frames is one write, begun by ESC[?2026h and ended by ESC[?2026l"
shows "Network Connectivity Issues" || fail "the runbook list is not on screen"
am_quit
rm -f "$T/st"
AM_ENV="TERM=xterm-256color" am_start 120 40 --runbooks "$T/runbooks"
wait_for "Service Startup Issues"
for i in 1 2 3 4 5; do keys j; done
sleep 0.5
n=$(frames | wc -l)
[ "$n" -ge 6 ] || fail "only $n frames written under xterm-256color"
! tty_writes | grep -q '2026' || fail "?2026 sent to a terminal whose entry has no Sync"
ok "no Sync in xterm-256color: $n frames, no ?2026 sent"
keys q
wait_dead
