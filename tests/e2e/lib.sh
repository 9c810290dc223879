# lib.sh - helpers for the end-to-end tests: each test runs the real
# binary inside a private tmux server (its own socket in a temp dir),
# drives it with send-keys and reads it with capture-pane (screen) and
# pipe-pane (raw bytes). Everything lives in $T and is removed, and the
# tmux server killed, on exit whatever happens (trap).
set -u
AMCONSOLE=${AMCONSOLE:-$PWD/build/amconsole}
REPO=$PWD
AM_SEED=${AM_SEED:-$REPO/../shared/seeds/000_87ab7a3ebe0b4121.txt}
T=$(mktemp -d "${TMPDIR:-/tmp}/am-e2e.XXXXXX")
SOCK="$T/tmux.sock"
export HOME="$T/home" XDG_STATE_HOME="$T/state" XDG_CONFIG_HOME="$T/config"
mkdir -p "$HOME" "$XDG_STATE_HOME" "$XDG_CONFIG_HOME" "$T/stubs" "$T/runbooks"
AUDIT="$XDG_STATE_HOME/amconsole/audit.log"
STUBLOG="$T/stub.log"
: >"$STUBLOG"
checks=0
# until_ok, wait_until, exited (shared with tests/bench/console.sh).
. "$REPO/tests/e2e/wait.sh"

cleanup() {
	rc=$?
	tmux -S "$SOCK" kill-server 2>/dev/null
	# Children a failed test may have left: only ours (they carry $T).
	pkill -f "$T" 2>/dev/null
	# Under make check, a sanitizer report fails the test.
	if grep -qE "AddressSanitizer|LeakSanitizer|runtime error" "$T/stderr" 2>/dev/null; then
		echo "not ok - sanitizer report:"
		head -60 "$T/stderr"
		rc=1
	fi
	rm -rf "$T"
	exit $rc
}
trap cleanup EXIT INT TERM HUP

tm() { tmux -S "$SOCK" "$@"; }

fail() {
	echo "not ok - $*"
	echo "--- screen:"
	tm capture-pane -p -t am 2>/dev/null
	exit 1
}

ok() {
	checks=$((checks + 1))
	echo "ok $checks - $*"
}

# A stub program on PATH that records its argv (one line, args separated
# by " | ") to $STUBLOG and prints what the test asks for.
stub() { # name [script body]
	cat >"$T/stubs/$1" <<STUB
#!/bin/sh
{ printf '%s' "$1"; for a in "\$@"; do printf ' | %s' "\$a"; done; echo; } >>"$STUBLOG"
${2:-}
STUB
	chmod 755 "$T/stubs/$1"
}

# Start the console: am_start COLS ROWS [args...]
am_start() {
	cols=$1 rows=$2
	shift 2
	# Each start gets a tmux server on a socket of its own: a server just
	# told to quit (tm kill-server, to restart the console) may still hold
	# its socket for a moment, and a new session there fails with "server
	# exited unexpectedly" (seen under make check).
	am_starts=$((${am_starts:-0} + 1))
	SOCK="$T/tmux.$am_starts.sock"
	cat >"$T/tmux.conf" <<CONF
set -g remain-on-exit on
set -g set-clipboard on
set -g status off
set -g default-terminal screen-256color
CONF
	# A shell in the pane records the console's exit status in $T/exit.
	tm -f "$T/tmux.conf" new-session -d -s am -x "$cols" -y "$rows" \
		"env PATH='$T/stubs:$PATH' LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=screen-256color EDITOR=true VISUAL=true ${AM_ENV:-} '$AMCONSOLE' --audit-log '$AUDIT' $* 2>>'$T/stderr'; echo \$? >'$T/exit'"
	tm pipe-pane -O -t am "cat >>'$T/raw'"
}

screen() { tm capture-pane -p -t am; }

shows() { screen | grep -qF -- "$1"; }
shows_re() { screen | grep -qE -- "$1"; }
hides() { ! shows "$1"; }

# wait_for TEXT [seconds]: until the screen shows TEXT (fixed string).
wait_for() { wait_until "${2:-10}" "timed out waiting for: $1" shows "$1"; }
# wait_gone TEXT [seconds]
wait_gone() { wait_until "${2:-10}" "still on screen: $1" hides "$1"; }
# wait_re ERE [seconds]: until a screen line matches.
wait_re() { wait_until "${2:-10}" "timed out waiting for /$1/" shows_re "$1"; }

keys() { tm send-keys -t am "$@"; sleep 0.15; }
# pick TEXT: filter the focused panel down to the one row matching TEXT.
pick() {
	keys /
	keys C-u
	type_text "$1"
	keys Enter
	wait_for "1 of"
}
# Focus a panel by name (:NAME), whatever its place in the tab order.
focus() { tm send-keys -t am : "$1" Enter; sleep 0.2; }
type_text() { tm send-keys -t am -l "$1"; sleep 0.15; }

NL='
'
CR=$(printf '\r')
# A paste as a terminal sends it: paste_text brackets it (tmux does when
# the console has turned bracketed paste on), burst_text sends it in one
# write, as a terminal without bracketed paste does.
paste_text() { tm set-buffer -- "$1"; tm paste-buffer -p -t am; sleep 0.3; }
burst_text() { tm send-keys -t am -l "$1"; sleep 0.3; }

# G-a, a dialog that wants TEXT typed: TEXT pasted with a newline, both
# ways, fills the field but never submits it. The field is empty after.
paste_never_confirms() {
	paste_text "$1$NL"
	wait_for "pasted text never confirms"
	screen | grep -qF -- "> $1" || fail "the bracketed paste did not fill the field"
	keys C-u
	burst_text "$1$CR"
	wait_for "Enter came in one burst"
	keys C-u
}

# G-a, a dialog with Cancel/Run buttons: a bracketed paste of Tab and a
# newline answers nothing; Right and Enter in one burst do not run. The
# dialog is left as it was (Cancel selected).
paste_never_answers() {
	paste_text "	l$NL"
	wait_for "a paste does not answer a dialog"
	tm send-keys -t am Right Enter
	sleep 0.3
	wait_for "Enter came in one burst"
	keys Left
}

pane_dead() { [ -s "$T/exit" ]; }
# The console's exit status, once it has exited.
pane_status() { cat "$T/exit" 2>/dev/null; }
# The console's pid (the pane runs a shell around it) and its session.
am_pid() { pgrep -P "$(tm display -p -t am '#{pane_pid}')" | head -1; }
pane_pid() { tm display -p -t am '#{pane_pid}'; }

wait_dead() { wait_until "${1:-10}" "the console did not exit" test -s "$T/exit"; }
# am_quit: q, wait for the exit, and clear the tmux server for the next
# am_start.
am_quit() {
	keys q
	wait_dead
	rm -f "$T/exit"
	tm kill-server
}
resize() { tm resize-window -t am -x "$1" -y "$2"; sleep 0.3; }

# audited EVENT RE: the audit log has an EVENT line (run, end, refused ...)
# matching the extended regex RE; else the test fails showing the log.
audited() {
	grep -qE "\"event\":\"$1\".*$2" "$AUDIT" || { cat "$AUDIT"; fail "no $1 audit line matching $2"; }
}

# goto_panel KEYBAR_TEXT NAME: focus the panel whose key bar shows
# KEYBAR_TEXT (tab numbers follow the registry, so look rather than count);
# fails the test naming the panel NAME when no tab shows it.
goto_panel() {
	for _g_d in 1 2 3 4 5 6 7 8 9; do
		keys "$_g_d"
		screen | grep -qF -- "$1" && return 0
	done
	fail "no $2 panel"
}

# run_zz_drill: in the runbook pane, open "Zz drill" (a test's own
# runbook, its one step "Zz step") and run the step until it is ok.
run_zz_drill() {
	focus runbook
	keys /
	type_text "zz drill"
	keys Enter
	keys Enter
	wait_for "Zz step" 5
	keys Enter
	wait_for "step 1: ok" 10
}

# The runbook from the guide, for tests that walk it.
use_shipped_runbooks() { cp "$REPO"/runbooks/*.md "$T/runbooks/"; }

# A mouse event as an xterm reports it (X10 encoding sent into the pane):
mouse() { # x y button(0 left, 64 wheel up, 65 wheel down), 0-based cells
	tm send-keys -t am -l "$(printf '\033[M%b%b%b' "\\$(printf %o $((32 + $3)))" \
		"\\$(printf %o $((33 + $1)))" "\\$(printf %o $((33 + $2)))")"
	# A button press is followed by its release (code 3), as xterm does.
	[ "$3" -lt 64 ] && tm send-keys -t am -l "$(printf '\033[M#%b%b' \
		"\\$(printf %o $((33 + $1)))" "\\$(printf %o $((33 + $2)))")"
	sleep 0.3
}
