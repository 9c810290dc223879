# t_walkthrough.sh - the issue's "done means" walk, as a new user would:
# filter by "crash", open Service Startup Issues, run a read-only step
# and see its output, cancel a changing step at its confirmation, copy a
# step (OSC 52 bytes on the wire), open help, write the transcript,
# resize to 20x5 and back, quit.
. tests/e2e/lib.sh
use_shipped_runbooks
stub kubectl 'case "$1" in get) printf "NAME                 READY   STATUS    RESTARTS\nfleet-manager-7d9f   1/1     Running   0\n" ;; esac'

am_start 120 40 --runbooks "$T/runbooks"
wait_for "Service Startup Issues"
ok "the symptom picker lists the guide's symptoms"

keys /
type_text crash
wait_for "1 of"
screen | grep -q "Database Performance" && fail "the filter left other symptoms"
ok "filter 'crash' narrows the picker to one symptom"
keys Enter
keys Enter
wait_for "Check pod status"
ok "Enter opens Service Startup Issues with its steps"

keys Enter
wait_for "fleet-manager-7d9f" 10
wait_for "step 1: ok"
grep -q "^kubectl | get | pods | -n | atlasmesh-prod$" "$STUBLOG" || fail "kubectl argv: $(cat "$STUBLOG")"
ok "a read-only step runs at once and its output appears"

# Step 5 is "Test database connectivity": kubectl run creates a pod.
keys j j j j
wait_for "kubectl run db-test"
keys Enter
wait_for "It will run exactly"
wait_for "Changing step"
paste_never_answers
grep -q "run | db-test" "$STUBLOG" && fail "a paste or a burst ran the changing step"
ok "G-a a paste, or Right+Enter in one burst, does not run a changing step"
keys Enter
wait_for "cancelled: nothing was run"
grep -q "run | db-test" "$STUBLOG" && fail "a cancelled step ran"
ok "a changing step stops at its confirmation; Enter (the default) cancels"

keys c
wait_for "copied"
sleep 0.3
python3 - "$T/raw" <<'PY' || fail "no OSC 52 copy in the raw output"
import base64, re, sys
raw = open(sys.argv[1], 'rb').read()
m = re.search(rb'\x1b\]52;c;([A-Za-z0-9+/=]+)\x07', raw)
assert m, 'no OSC 52 sequence'
assert b'kubectl run db-test' in base64.b64decode(m.group(1))
PY
ok "c copies the step with OSC 52 (seen on the wire)"

keys '?'
wait_for "run the step"
wait_for "Everywhere"
keys q
wait_gone "Everywhere"
ok "? shows the help from the key tables; q closes it"

keys w
wait_for "transcript written to"
f=$(ls "$XDG_STATE_HOME"/amconsole/incident-*.md 2>/dev/null | head -1)
[ -n "$f" ] || fail "no transcript file"
grep -q "Service Startup Issues" "$f" || fail "transcript lacks the symptom"
grep -q "fleet-manager-7d9f" "$f" || fail "transcript lacks the output excerpt"
grep -q "cancelled" "$f" || fail "transcript lacks the cancelled step"
ok "w writes the Markdown transcript and says where"

resize 20 5
wait_for "too small"
resize 120 40
wait_for "Check pod status"
ok "20x5 shows 'terminal too small' and the console recovers on resize"

keys q
wait_dead
[ "$(pane_status)" = 0 ] || fail "exit status $(pane_status)"
ok "q quits with status 0"
grep -q '"event":"run"' "$AUDIT" || fail "no audit line for the run"
grep -q '"event":"cancelled"' "$AUDIT" || fail "no audit line for the cancel"
ok "the audit log has the run and the cancellation"
