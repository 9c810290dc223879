# t_destructive.sh - D2, D4, D7, D8, B2, B6, C7: a destructive step asks
# for its pod name (validated), then needs the name typed: Enter, y,
# Space and terminal response bytes do nothing; only the exact name runs
# it, with the argv the runbook says (no force flags). Placeholder values
# reach the shell as data, and a secret typed at a prompt is found in no
# file the console wrote.
. tests/e2e/lib.sh
cp tests/fixtures/e2e/ops.md "$T/runbooks/"
stub kubectl 'echo "pod \"$3\" deleted"'
stub curl 'echo "curl saw $# args"'
am_start 120 40 --runbooks "$T/runbooks" --log "$T/amconsole.log"
wait_for "Pod Trouble"
# Outside a dialog a bracketed paste is text for the filter, never keys
# (q would ask to quit, Enter would open the symptom).
paste_text "qjj$NL"
wait_for "/qjj"
screen | grep -qF "Quit amconsole?" && fail "a pasted q acted as a key"
keys Escape
wait_gone "/qjj"
ok "G-a a bracketed paste outside a dialog goes to the filter, not to the keys"
keys Enter
wait_for "Print hostile text"

# B6: a value with quotes, $() and a backtick is data, never code.
keys j j
wait_for "Echo a value"
keys Enter
wait_for "any-text (1/1)"
type_text "a'b\"c\$(touch $T/pwn)\`touch $T/pwn2\`d"
keys Enter
wait_for "step 3: ok"
wait_for "value=a'b\"c\$(touch"
[ -e "$T/pwn" ] || [ -e "$T/pwn2" ] && fail "a placeholder value was executed"
ok "B6 a hostile placeholder value is passed as data"

# C7: a secret typed at a hidden prompt.
keys j
wait_for "Check the token"
keys Enter
wait_for "TOKEN [hidden]"
type_text "planted-secret-4711"
screen | grep -q "planted-secret" && fail "the secret was echoed"
keys Enter
wait_for "step 4: ok"
ok "a secret placeholder is asked with a hidden echo"

# The destructive step.
keys j j
wait_for "Force pod recreation"
keys Enter
wait_for "pod-name (1/1)"
type_text 'Foo_Bar$(id)'
keys Enter
wait_for "not a valid Kubernetes name"
ok "B2 an invalid pod name is refused at the prompt"
wait_for "pod-name (1/1)"
type_text "fleet-manager-abc"
keys Enter
wait_for "Destructive step"
wait_for "kubectl delete pod fleet-manager-abc -n atlasmesh-prod"
keys Enter
keys y
keys Space
tm send-keys -t am -l "$(printf '\033[?61;4;6c')"
sleep 0.3
tm send-keys -t am -l "$(printf '\033]11;rgb:0000/0000/0000\007')"
sleep 0.3
wait_for "Destructive step"
grep -q "delete" "$STUBLOG" && fail "the destructive step ran without the typed name"
ok "D2/D4 Enter, y, Space and terminal responses do not confirm"
# Clear whatever reached the input.
keys C-u
paste_never_confirms "fleet-manager-abc"
wait_for "Destructive step"
grep -q "delete" "$STUBLOG" && fail "a pasted name with a newline ran the destructive step"
ok "G-a the name pasted with a newline (bracketed, or in one burst) does not run the step"
type_text "fleet-manager-abc"
keys Enter
wait_for "step 6: ok"
grep -qx "kubectl | delete | pod | fleet-manager-abc | -n | atlasmesh-prod" "$STUBLOG" ||
	fail "argv: $(grep delete "$STUBLOG")"
grep -E "grace-period|--now|--force" "$STUBLOG" && fail "D8 force flags added"
ok "D8 the typed name runs exactly the runbook's argv, no force flags"

python3 - "$AUDIT" <<'PY' || fail "audit log incomplete"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
runs = [l for l in lines if l.get('step') == 'Force pod recreation']
ev = [l['event'] for l in runs]
assert ev == ['run', 'end'], ev
start, end = runs
assert 'kubectl delete pod fleet-manager-abc' in start['command'], start
assert start.get('target') == 'fleet-manager-abc', start
assert end['exit_code'] == 0 and 'duration_s' in end and end.get('user'), end
PY
ok "D7 audit lines before and after with target, user, exit code and duration"

keys w
wait_for "transcript written"
keys q
wait_dead
if grep -rl "planted-secret-4711" "$XDG_STATE_HOME" "$T/amconsole.log" "$HOME" 2>/dev/null; then
	fail "C7 the secret is in a file the console wrote"
fi
ok "C7 the planted secret is in no file the console wrote (audit, transcript, log)"
