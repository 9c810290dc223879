# t_k8s_actions.sh - the Pods panel's actions reach the API server only
# after a confirmation that shows exactly what is sent, and are audited
# before and after: delete (type the pod's name; Enter alone or Esc sends
# nothing; the pod's UID goes along as a precondition), rollout restart
# (the restartedAt patch on the owning Deployment), scale (the scale
# subresource; the replicas change), and the shell (kubectl exec -it,
# each name its own argument, the terminal handed over and back).
. tests/e2e/lib.sh
. tests/e2e/k8s.sh
stub kubectl 'echo "shell stub for $*"'
k8s_start
k8s_config
# requests_with METHOD TEXT: how many non-GET requests match.
requests_with() {
	k8s_requests | python3 -c '
import json, sys
print(sum(1 for r in json.load(sys.stdin) if r["method"] == sys.argv[1] and sys.argv[2] in r["path"]))' "$1" "$2"
}
# wait_row_gone NAME [seconds]: until no table row starts with NAME.
row_gone() { ! screen | grep -q "^│$1 "; }
wait_row_gone() { wait_until "${2:-10}" "the row $1 is still there" row_gone "$1"; }
# pick NAME: select the pod by filtering down to it.

am_start 180 45 --config "$T/config.yaml" --refresh 1s
focus pods
keys z
wait_for "vehicle-gateway-6b8f9c7d5d-x7m2k" 15

POD=vehicle-gateway-6b8f9c7d5d-x7m2k
UID_=$(curl -sS "$K8S_URL/_fixture/pods" | python3 -c '
import json, sys
print([p["uid"] for p in json.load(sys.stdin) if p["name"] == sys.argv[1]][0])' "$POD")
pick "$POD"
keys D
wait_for "Delete pod"
wait_for "DELETE /api/v1/namespaces/atlasmesh-prod/pods/$POD"
wait_for "$UID_"
wait_for "kubectl --context fixture delete pod $POD -n atlasmesh-prod"
keys Enter
wait_for "does not match"
keys Escape
wait_for "cancelled: nothing was sent"
sleep 0.5
[ "$(requests_with DELETE "$POD")" = 0 ] || fail "a cancelled delete reached the server"
ok "D shows the DELETE and its kubectl equivalent; Enter alone and Esc send nothing"

keys D
wait_for "Delete pod"
paste_never_confirms "$POD"
sleep 0.5
[ "$(requests_with DELETE "$POD")" = 0 ] || fail "a pasted name with a newline sent the DELETE"
ok "G-a the pod's name pasted with a newline (bracketed, or in one burst) sends nothing"
type_text "$POD"
keys Enter
k8s_wait_request DELETE "/pods/$POD"
k8s_requests | grep -qF "$UID_" ||
	fail "the DELETE lacks the UID precondition: $(k8s_requests)"
wait_for "deleted" 10
wait_for "Terminating" 10
wait_row_gone "$POD" 15
grep -q '"event":"run".*"step":"delete pod".*DELETE /api/v1/namespaces/atlasmesh-prod/pods/'"$POD" "$AUDIT" ||
	fail "no audit line before the delete"
grep -q '"event":"end".*"step":"delete pod".*"status":"ok"' "$AUDIT" || fail "no audit line after the delete"
ok "typing the name sends the DELETE (with the UID precondition); Terminating, then gone; audited"

pick fleet-manager-7c9d8b6f54-4xkqz
keys R
wait_for "Rollout restart"
wait_for "PATCH /apis/apps/v1/namespaces/atlasmesh-prod/deployments/fleet-manager"
wait_for "restartedAt"
keys Enter
wait_for "cancelled: nothing was sent"
keys R
wait_for "Rollout restart"
paste_never_answers
sleep 0.5
[ "$(requests_with PATCH fleet-manager)" = 0 ] || fail "a paste or a burst restarted the rollout"
ok "G-a a paste, or Right+Enter in one burst, does not confirm the rollout restart"
keys Right
keys Enter
k8s_wait_request PATCH "/deployments/fleet-manager"
k8s_requests | python3 -c '
import json, sys
rs = [r for r in json.load(sys.stdin) if r["method"] == "PATCH" and r["path"].endswith("/deployments/fleet-manager")]
assert len(rs) == 1, rs
assert "kubectl.kubernetes.io/restartedAt" in json.dumps(rs[0]["body"]), rs[0]
' || fail "the restart PATCH is not the restartedAt patch"
wait_for "restarted" 10
grep -q '"event":"end".*"step":"rollout restart".*"status":"ok"' "$AUDIT" || fail "restart not audited"
ok "R confirms, then PATCHes the Deployment's restartedAt annotation (the default is Cancel); audited"

pick telemetry-consumer-6f7b8c9d4f-b7x2d
keys S
wait_for "to how many replicas"
type_text 5
keys Enter
wait_for "PATCH /apis/apps/v1/namespaces/atlasmesh-prod/deployments/telemetry-consumer/scale"
wait_for '{"spec":{"replicas":5}}'
keys Right
keys Enter
k8s_wait_request PATCH "/deployments/telemetry-consumer/scale"
wait_for "scaled to 5" 10
r=$(k8s_api /apis/apps/v1/namespaces/atlasmesh-prod/deployments/telemetry-consumer/scale |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["spec"]["replicas"])')
[ "$r" = 5 ] || fail "the Deployment has $r replicas, not 5"
keys S
wait_for "to how many replicas"
type_text "5; rm -rf /"
keys Enter
wait_for "replicas: a number from 0"
ok "S asks the replicas, shows the scale PATCH, and the Deployment has 5 replicas; junk is refused"

pick kafka-0
keys s
wait_for "Shell into a container"
wait_for "kubectl --context fixture exec -it -n atlasmesh-prod kafka-0 -- sh"
keys Right
keys Enter
wait_for "press Enter to return" 10
grep -q "^kubectl | --context | fixture | exec | -it | -n | atlasmesh-prod | kafka-0 | -- | sh$" "$STUBLOG" ||
	fail "kubectl argv: $(cat "$STUBLOG")"
keys Enter
wait_for "Pods, trouble first" 10
wait_for "ended: ok"
grep -q '"event":"end".*"step":"shell".*"status":"ok"' "$AUDIT" || fail "the shell is not audited"
ok "s runs kubectl exec -it with each name its own argument, hands the terminal over and back; audited"
keys q
wait_dead
