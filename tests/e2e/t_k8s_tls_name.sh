# t_k8s_tls_name.sh - kubeconfig's tls-server-name, as a tunnel from a
# bastion needs it: the server is reached at an address its certificate
# does not name ([::ffff:127.0.0.1], the fixture's TLS port through an
# IPv4-mapped address), and the certificate is checked against the name
# tls-server-name gives (localhost, in the fixture's certificate). Without
# it the console refuses the certificate and says so; with it the pods load.
. tests/e2e/lib.sh
. tests/e2e/k8s.sh
k8s_start --tls
port=${K8S_TLS_URL##*:}
curl -s -o /dev/null --max-time 5 -k "https://[::ffff:127.0.0.1]:$port/readyz" ||
	{ echo "ok - skipped: no IPv4-mapped IPv6 on this machine"; exit 0; }
cat >"$T/kube.yaml" <<CONF
apiVersion: v1
kind: Config
current-context: plain
clusters:
- name: plain
  cluster:
    server: "https://[::ffff:127.0.0.1]:$port"
    certificate-authority-data: $(k8s_b64 "$K8S_CA")
- name: named
  cluster:
    server: "https://[::ffff:127.0.0.1]:$port"
    certificate-authority-data: $(k8s_b64 "$K8S_CA")
    tls-server-name: localhost
users:
- name: op
  user:
    token: $K8S_TOKEN
contexts:
- name: plain
  context: {cluster: plain, user: op, namespace: atlasmesh-prod}
- name: named
  context: {cluster: named, user: op, namespace: atlasmesh-prod}
CONF
printf 'kubernetes:\n  kubeconfig: %s\n' "$T/kube.yaml" >"$T/config.yaml"
am_start 160 40 --config "$T/config.yaml"
focus pods
wait_for "disconnected" 20
screen | grep -qi "certificate\|SSL\|TLS" || fail "the TLS refusal does not say why"
screen | grep -q "CrashLoopBackOff" && fail "pods loaded past a certificate for another name"
ok "without tls-server-name the certificate is refused, and the panel says why"
type_text ":ctx named"
keys Enter
wait_for "CrashLoopBackOff" 30
ok "with tls-server-name: localhost the pods load through the mapped address"
keys q
wait_dead
