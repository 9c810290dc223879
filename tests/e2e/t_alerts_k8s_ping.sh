# t_alerts_k8s_ping.sh - the health strip's Kubernetes cell: GET /readyz
# with the kubeconfig's credentials against the fixture API server
# (k8s.sh) shows up with its latency, turns red with the API's own error
# while the server answers 500, and comes back by itself.
. tests/e2e/lib.sh
. tests/e2e/k8s.sh
k8s_start
AM_ENV="KUBECONFIG=$K8S_KUBECONFIG" am_start 200 40 --refresh 500ms
focus alerts
keys z
wait_for "[kubernetes up" 20
screen | grep -qE "\[kubernetes up [0-9]+ms\]" || fail "no latency"
ok "kubernetes /readyz cell up with latency"
k8s_ctl "mode?m=500" >/dev/null
wait_for "[kubernetes DOWN" 15
keys h
wait_for "/readyz" 5
screen | grep "kubernetes" | grep -qi "500\|internal" || fail "the detail does not say what the API answered"
ok "a 500 from the API server turns the cell red with the API's error"
keys h
k8s_ctl "mode?m=ok" >/dev/null
wait_for "[kubernetes up" 20
ok "it recovers by itself"
keys q
wait_dead
