# t_interactive.sh - an interactive step (kubectl exec -it) gets the
# terminal: curses steps aside, the child reads what the operator types,
# and after "press Enter to return" the console comes back with the
# step's status. The audit log has its run and end.
. tests/e2e/lib.sh
cp tests/fixtures/e2e/ops.md "$T/runbooks/"
stub kubectl 'echo "INSIDE-THE-POD"; read line; echo "got $line"; exit 0'
am_start 100 30 --runbooks "$T/runbooks"
wait_for "Long Runs"
keys G
keys Enter
wait_for "Open a shell in the pod"
keys j j
keys Enter
wait_for "INSIDE-THE-POD"
type_text "hello-from-operator"
keys Enter
wait_for "got hello-from-operator"
wait_for "press Enter to return"
ok "the interactive step has the terminal and reads the operator's input"
python3 - "$T/raw" <<'PY' || fail "bracketed paste not off while the child has the terminal"
import sys
raw = open(sys.argv[1], 'rb').read()
inside = raw.rindex(b'INSIDE-THE-POD')
on, off = raw.rfind(b'\x1b[?2004h', 0, inside), raw.rfind(b'\x1b[?2004l', 0, inside)
assert on >= 0 and off > on, (on, off)
PY
ok "bracketed paste is on for the console and off while a child has the terminal"
keys Enter
wait_for "Open a shell in the pod"
wait_for "ok"
grep -q "exec | -it | fleet-manager-0" "$STUBLOG" || fail "kubectl argv: $(cat "$STUBLOG")"
ok "the console comes back and shows the step's status"
python3 - "$AUDIT" <<'PY' || fail "audit"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
s = [e['event'] for e in ev if e.get('step') == 'Open a shell in the pod']
assert s == ['run', 'end'], s
PY
ok "run and end are audit-logged"
keys q
wait_dead
[ "$(pane_status)" = 0 ] || fail "exit status $(pane_status)"
python3 - "$T/raw" <<'PY' || fail "bracketed paste left on at exit"
import sys
raw = open(sys.argv[1], 'rb').read()
back_on = raw.rfind(b'\x1b[?2004h')
assert back_on > raw.rindex(b'got hello-from-operator'), 'not back on after the child'
assert raw.rfind(b'\x1b[?2004l') > back_on, 'not off at exit'
PY
ok "bracketed paste is back on after the child and off at exit"
