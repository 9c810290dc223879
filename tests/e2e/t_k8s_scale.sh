# t_k8s_scale.sh - 10,000 pods (the fixture's --generate, every
# namespace): they load, the count is right, the failing ones first
# with "+N more, K failing" below; sorted by NAME, PgDn and G scroll
# through them to the last pod by name, / filters them (as many CrashLoopBackOff
# rows as the server has), and the UI answers keys throughout.
. tests/e2e/lib.sh
. tests/e2e/k8s.sh
k8s_start --generate 10000
cat >"$T/config.yaml" <<CONF
kubernetes:
  kubeconfig: $K8S_KUBECONFIG
  context: fixture-all
CONF
curl -sS "$K8S_URL/_fixture/pods" >"$T/pods.json"
total=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$T/pods.json")
crash=$(python3 -c '
import json, sys
print(sum(1 for p in json.load(open(sys.argv[1])) if p["kubectl"]["status"] == "CrashLoopBackOff"))' "$T/pods.json")
last=$(python3 -c '
import json, sys
ps = sorted(json.load(open(sys.argv[1])), key=lambda p: (p["name"], p["namespace"]))
print("%s/%s" % (ps[-1]["namespace"], ps[-1]["name"]))' "$T/pods.json")
[ "$total" -ge 10000 ] || fail "the fixture has $total pods"

am_start 200 40 --config "$T/config.yaml"
focus pods
keys z
wait_for "$total pods" 30
wait_for "NAMESPACE" 5
ok "$total pods load (every namespace, NAMESPACE shown)"

# Trouble first: the top row is a failing pod, and the last line says
# how many rows are hidden and how many of those are failing.
screen | sed -n 7p | grep -qE " (CrashLoopBackOff|Error|OOMKilled|ImagePullBackOff|ErrImagePull) " ||
	fail "the first row is not a failing pod: $(screen | sed -n 7p)"
screen | grep -qE "^│\+[0-9]+ more, [0-9]+ failing" || fail "no '+N more, K failing' line"
ok "trouble first: a failing pod tops $total, '+N more, K failing' below"
keys '>'
wait_for "READY^" 5
keys '<'
wait_for "NAME^" 5
first=$(screen | sed -n 7p)
keys PgDn
keys PgDn
[ "$(screen | sed -n 7p)" != "$first" ] || fail "PgDn did not scroll"
keys G
wait_for "${last#*/}" 5
keys Enter
wait_for "Describe $last" 10
keys Escape
ok "PgDn scrolls; G reaches the last pod by name ($last)"

keys /
type_text CrashLoopBackOff
keys Enter
wait_for "$crash of $total match the filter" 10
[ "$(screen | grep -c ' CrashLoopBackOff ')" -ge 1 ] || fail "no CrashLoopBackOff row shown"
keys / C-u Enter
wait_gone "match the filter" 5
keys '>'
wait_for "READY^" 5
ok "/ CrashLoopBackOff keeps exactly the $crash failing pods of $total; sorting answers"
keys q
wait_dead
