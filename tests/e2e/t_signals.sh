# t_signals.sh - E7 and E11: a step that prints forever is killed at its
# deadline (whole process group) and audit-logged as timed out; SIGTERM
# while a step runs restores the terminal, kills the child, writes an
# audit line and exits non-zero.
. tests/e2e/lib.sh
cp tests/fixtures/e2e/ops.md "$T/runbooks/"
am_start 120 40 --runbooks "$T/runbooks"
wait_for "Long Runs"
keys G
keys Enter
wait_for "Sleep for a long time"
keys j
wait_for "Print forever"
keys Enter
wait_for "step 2: timed out" 15
for p in $(pgrep -x yes -s "$(pane_pid)"); do
	# A zombie waiting for a reaper (PID 1 in a container) is gone too.
	[ "$(ps -o stat= -p "$p" | cut -c1)" = Z ] || fail "yes still runs ($p)"
done
grep -q '"status":"timed out"' "$AUDIT" || fail "no timed-out audit line"
ok "E7 an endless step is killed at its 2 s deadline and audit-logged"
wait_for "earlier bytes dropped"
ok "E7 its output is capped"

keys k
keys Enter
wait_for "running step 1"
sleep 0.5
child=$(pgrep -f "sleep 1000" -s "$(pane_pid)" | head -1)
[ -n "$child" ] || fail "the sleep step is not running"
keys q
wait_for "Quit amconsole?"
wait_for "still running"
keys Enter
wait_gone "Quit amconsole?"
pane_dead && fail "q with the default answer quit"
kill -0 "$child" || fail "the step died"
ok "q while a step runs asks first; the default keeps it running"
kill -TERM "$(am_pid)"
wait_dead
[ "$(pane_status)" = 143 ] || fail "exit status $(pane_status), want 143"
sleep 0.5
if kill -0 "$child" 2>/dev/null; then
	[ "$(ps -o stat= -p "$child" | cut -c1)" = Z ] || fail "the child survived"
fi
[ "$(tm display -p -t am '#{alternate_on}')" = 0 ] || fail "still on the alternate screen"
grep -q '"event":"exit"' "$AUDIT" || fail "no exit audit line"
ok "E11 SIGTERM: terminal restored, child killed, audit written, exit 143"
