# t_k8s_guard.sh - what keeps the Pods panel's actions from doing harm:
# --read-only refuses delete, restart, scale and shell with a message and
# an audit line; when the API server's access review says no, the key is
# gone from the key bar and the action is refused ("not allowed: RBAC
# says no"); a pod replaced by a namesake while the dialog was open is
# not deleted ("target changed"); a pod name that breaks the naming rules
# is refused. Nothing reaches the server in any case.
. tests/e2e/lib.sh
. tests/e2e/k8s.sh
stub kubectl 'echo "shell stub for $*"'
k8s_start
k8s_config
restart_console() {
	tm kill-server 2>/dev/null
	sleep 0.3
	rm -f "$T/exit"
	am_start 180 45 --config "$T/config.yaml" "$@"
	focus pods
	keys z
	wait_for "vehicle-gateway-6b8f9c7d5d-x7m2k" 15
}

# nothing_sent HOW: a moment later, no change has reached the server and
# kubectl has not run (HOW ends the failure: "in --read-only").
nothing_sent() {
	sleep 0.5
	[ "$(k8s_changes)" = 0 ] || fail "a change reached the server $1"
	[ -s "$STUBLOG" ] && fail "kubectl ran $1: $(cat "$STUBLOG")"
}

restart_console --read-only
pick kafka-1
for k in D R S s; do
	keys "$k"
	wait_for "read-only mode: refused" 5
	screen | grep -qE "Delete pod|Rollout restart|Shell into|how many replicas" && fail "$k opened a dialog in --read-only"
done
nothing_sent "in --read-only"
[ "$(grep -c '"event":"refused".*read-only mode' "$AUDIT")" -ge 4 ] || fail "the refusals are not audited"
ok "--read-only refuses D, R, S and s with a message and an audit line; nothing reached the server"

k8s_ctl "deny?verb=delete&resource=pods" >/dev/null
k8s_ctl "deny?verb=create&resource=pods/exec" >/dev/null
restart_console
screen | tail -1 | grep -q "DDelete" && fail "the key bar offers Delete though RBAC says no"
screen | tail -1 | grep -q "sShell" && fail "the key bar offers Shell though RBAC says no"
screen | tail -1 | grep -q "RRestart" || fail "the key bar lost Restart, which RBAC allows"
pick kafka-1
keys D
wait_for "not allowed: RBAC says no (delete pods in atlasmesh-prod)" 5
keys s
wait_for "not allowed: RBAC says no (create pods/exec in atlasmesh-prod)" 5
nothing_sent "though RBAC said no"
ok "RBAC says no (SelfSubjectAccessReview): D and s hidden from the key bar and refused"

k8s_ctl allow >/dev/null
# A pod whose name breaks the naming rules (as a hostile API could send).
k8s_clone_pod kafka-0 'Bad_Name-$(id)'
restart_console
pick 'Bad_Name'
for k in D s; do
	keys "$k"
	wait_for "not a valid Kubernetes name" 5
	screen | grep -qE "Delete pod|Shell into" && fail "$k opened a dialog for an invalid name"
done
nothing_sent "for an invalid name"
ok "a pod name breaking the naming rules (Bad_Name-\$(id)) is refused before anything is sent or run"

pick kafka-2
keys D
wait_for "Delete pod"
old=$(curl -sS "$K8S_URL/_fixture/pods" | python3 -c '
import json, sys
print([p["uid"] for p in json.load(sys.stdin) if p["name"] == "kafka-2"][0])')
pod=$(k8s_api /api/v1/namespaces/atlasmesh-prod/pods/kafka-2 | python3 -c '
import json, sys
p = json.load(sys.stdin)
for k in ("uid", "resourceVersion", "creationTimestamp"):
    p["metadata"].pop(k, None)
print(json.dumps(p))')
k8s_ctl "delete?ns=atlasmesh-prod&name=kafka-2" >/dev/null
k8s_ctl add "$pod" >/dev/null
sleep 2
type_text kafka-2
keys Enter
wait_for "target changed" 5
wait_for "was replaced" 5
sleep 0.5
[ "$(k8s_changes)" = 0 ] || fail "the namesake was deleted"
new=$(curl -sS "$K8S_URL/_fixture/pods" | python3 -c '
import json, sys
print([p["uid"] for p in json.load(sys.stdin) if p["name"] == "kafka-2"][0])')
[ "$old" != "$new" ] || fail "the fixture did not replace the pod"
ok "a pod replaced by a namesake while the dialog was open is not deleted (target changed)"
keys q
wait_dead
