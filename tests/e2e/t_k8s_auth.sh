# t_k8s_auth.sh - the ways a cluster authenticates, seen in the Pods
# panel: a bad bearer token is shown as 401 Unauthorized and a denied
# list as 403 Forbidden (never "no pods"); :ctx switches to a client
# certificate context (the fixture's TLS port, its CA from the
# kubeconfig) and the pods load as that certificate's user; an exec
# credential plugin's token is used for every request but the plugin runs
# once (its credential is cached).
. tests/e2e/lib.sh
. tests/e2e/k8s.sh
k8s_start --tls
k8s_config
restart_console() {
	tm kill-server 2>/dev/null
	sleep 0.3
	rm -f "$T/exit"
	am_start 160 40 --config "$T/config.yaml" --refresh 1s "$@"
	focus pods
	keys z
}

restart_console --context fixture-badtoken
wait_for "401 Unauthorized" 15
screen | grep -qi "no pods" && fail "401 shown as no pods"
screen | grep -q "vehicle-gateway" && fail "pods shown with a bad token"
ok "a bad token: 401 Unauthorized shown, never 'no pods'"

keys : 
type_text "ctx fixture-tls"
keys Enter
wait_for "vehicle-gateway-6b8f9c7d5d-x7m2k" 15
wait_for "context fixture-tls"
screen | grep -q "401 Unauthorized" && fail "the 401 stayed after the switch"
k8s_stats | grep -q "\"$K8S_CERT_USER\"" || fail "no request as the certificate's user: $(k8s_stats)"
ok ":ctx fixture-tls: the client certificate authenticates (as $K8S_CERT_USER) and the pods load"

k8s_ctl "deny?verb=list&resource=pods" >/dev/null
restart_console
wait_for "403 Forbidden" 15
screen | grep -qi "no pods" && fail "403 shown as no pods"
k8s_ctl allow >/dev/null
keys r
wait_for "vehicle-gateway-6b8f9c7d5d-x7m2k" 20
wait_gone "403 Forbidden" 10
ok "a denied list: 403 Forbidden shown; allowed again, the panel recovers by itself"

: >"$K8S_DIR/exec-runs"
restart_console --context fixture-exec
wait_for "vehicle-gateway-6b8f9c7d5d-x7m2k" 15
wait_for "context fixture-exec"
sleep 2
runs=$(wc -l <"$K8S_DIR/exec-runs")
# One run for the pods and at most one for the health strip's ping,
# which keeps its own kubeconfig state.
echo "# exec plugin runs: $runs"
[ "$runs" -ge 1 ] && [ "$runs" -le 2 ] || fail "the exec plugin ran $runs times"
for i in 1 2 3; do
	keys r
	sleep 1
done
k8s_ctl expire >/dev/null
wait_for "list #2" 10
sleep 1
[ "$(wc -l <"$K8S_DIR/exec-runs")" = "$runs" ] ||
	fail "the exec plugin ran again ($runs -> $(wc -l <"$K8S_DIR/exec-runs")): its credential is not cached"
ok "an exec credential plugin: the pods load; refreshes and a relist reuse its cached credential"
keys q
wait_dead
