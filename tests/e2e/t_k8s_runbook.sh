# t_k8s_runbook.sh - the Pods panel seen from the runbook pane, on the
# guide itself: a <pod-name> placeholder offers the panel's pods of the
# step's namespace as a pick list (with STATUS and RESTARTS, failing
# pods first; Enter picks, t still types), and the
# guide's `kubectl get secret ... -o yaml` step never shows, keeps or
# transcribes the secret's values (data, stringData,
# last-applied-configuration), while its keys stay visible; edited to
# print a field with -o jsonpath, its output is withheld.
. tests/e2e/lib.sh
. tests/e2e/k8s.sh
cp "$AM_SEED" "$T/runbooks/guide.md"
# A kubectl that records its argv and prints a secret as the API has it.
stub kubectl 'case "$*" in
*jsonpath*) echo "UzNjcjN0UGFzc3dvcmQ=" ;;
*secret*) cat <<YAML
apiVersion: v1
data:
  password: UzNjcjN0UGFzc3dvcmQ=
  username: ZmxlZXQ=
kind: Secret
metadata:
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: |
      {"apiVersion":"v1","kind":"Secret","stringData":{"password":"Pl41nL4stApplied"}}
  name: postgres-credentials
  namespace: atlasmesh-prod
stringData:
  token: Pl41nStr1ngD4ta
type: Opaque
YAML
;;
*) echo "kubectl $*" ;;
esac'
k8s_start
k8s_config
# The editor (e) turns a step into one printing a secret's field.
cat >"$T/edit.sh" <<'ED'
#!/bin/sh
echo "kubectl get secret postgres-credentials -n atlasmesh-prod -o jsonpath='{.data.password}'" >"$1"
ED
chmod 755 "$T/edit.sh"
AM_ENV="VISUAL=$T/edit.sh" am_start 200 50 --config "$T/config.yaml" --runbooks "$T/runbooks"
focus pods
wait_for "26 pods" 15
ok "the Pods panel lists the fixture's pods"

focus runbook
keys /
type_text startup
keys Enter Enter
wait_for "Describe problematic pod"
# Step 2: kubectl describe pod <pod-name> -n atlasmesh-prod.
keys j Enter
wait_for "pick a pod" 5
s=$(screen)
printf '%s\n' "$s" | grep -q "vehicle-gateway" || fail "the pick list lacks the fixture's pods"
printf '%s\n' "$s" | grep -q "coredns" && fail "the pick list shows pods of another namespace"
ok "<pod-name> offers the Pods panel's pods of the step's namespace (-n atlasmesh-prod)"
# The runbook pane's side of each line (the grid puts the Pods cell right
# of it): the pick list has STATUS and RESTARTS, failing pods first.
left=$(printf '%s\n' "$s" | sed 's/││.*//')
printf '%s\n' "$left" | grep -q "│POD  *STATUS  *RESTARTS" || fail "the pick list lacks STATUS and RESTARTS"
printf '%s\n' "$left" | grep -A1 "│POD  *STATUS" | sed -n 2p |
	grep -q "│vehicle-gateway-6b8f9c7d5d-x7m2k  *CrashLoopBackOff  *7 (" ||
	fail "the first pick is not the crashing pod: $(printf '%s\n' "$left" | grep -A1 "│POD " | sed -n 2p)"
ok "the pick list shows STATUS and RESTARTS, the crashing pod first"
keys /
type_text fleet-manager
keys Enter
pick=$(screen | grep -o "fleet-manager-[a-z0-9-]*" | head -1)
[ -n "$pick" ] || fail "the filter left no fleet-manager pod"
keys Enter
wait_for "step 2: ok" 10
grep -q "^kubectl | describe | pod | $pick | -n | atlasmesh-prod$" "$STUBLOG" ||
	fail "kubectl argv: $(tail -3 "$STUBLOG")"
ok "/ filters the pick list; Enter runs the step with the picked pod ($pick)"

# Step 3 (logs): t types a name instead of picking one.
keys j Enter
wait_for "pick a pod" 5
keys t
type_text "typed-by-hand-0"
keys Enter
wait_for "step 3: ok" 10
grep -q "^kubectl | logs | typed-by-hand-0 | -n | atlasmesh-prod | --previous$" "$STUBLOG" ||
	fail "kubectl argv: $(tail -3 "$STUBLOG")"
keys k Enter
wait_for "pick a pod" 5
keys t
type_text 'Bad_Name$(id)'
keys Enter
wait_for "not a valid Kubernetes name" 5
keys Escape
wait_for "cancelled" 5
ok "t types a name instead; an invalid name is refused and asked again"

# Step 6: kubectl get secret postgres-credentials -o yaml.
keys g j j j j j
wait_for "kubectl get secret postgres-credentials"
keys Enter
wait_for "step 6: ok" 10
wait_for "password:" 5
s=$(screen)
for v in UzNjcjN0UGFzc3dvcmQ= ZmxlZXQ= Pl41nL4stApplied Pl41nStr1ngD4ta; do
	printf '%s\n' "$s" | grep -qF "$v" && fail "the secret value $v is on screen"
done
printf '%s\n' "$s" | grep -q "username:" || fail "the secret's keys are not shown"
grep -aqF "Pl41nStr1ngD4ta" "$T/raw" && fail "a secret value reached the terminal"
grep -aqF "UzNjcjN0UGFzc3dvcmQ=" "$T/raw" && fail "a secret value reached the terminal"
ok "kubectl get secret -o yaml: data, stringData and last-applied values masked, keys shown"
keys w
wait_for "transcript written to"
f=$(ls "$XDG_STATE_HOME"/amconsole/incident-*.md | head -1)
grep -q "password:" "$f" || fail "the transcript lacks the secret's output"
for v in UzNjcjN0UGFzc3dvcmQ= Pl41nL4stApplied Pl41nStr1ngD4ta; do
	grep -rqF "$v" "$XDG_STATE_HOME" && fail "the secret value $v was written to a file"
done
ok "the transcript and audit log hold the masked output only"
keys e
wait_for "step 6: ok" 10
wait_for "output withheld" 10
grep -q "jsonpath" "$STUBLOG" || fail "the edited step did not run: $(tail -2 "$STUBLOG")"
screen | grep -qF "UzNjcjN0UGFzc3dvcmQ=" && fail "a jsonpath secret value is on screen"
grep -aqF "UzNjcjN0UGFzc3dvcmQ=" "$T/raw" && fail "a jsonpath secret value reached the terminal"
ok "kubectl get secret -o jsonpath (bare values no masker can tell): the output is withheld"
keys q
wait_dead
