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
