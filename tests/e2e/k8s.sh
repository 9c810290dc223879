# k8s.sh - the Kubernetes fixture API server (tests/k8s_fixture.py) for
# the end-to-end tests, sourced after lib.sh. k8s_start runs it on free
# loopback ports with its data in $T/k8s (so lib.sh's exit trap, which
# kills what has $T on its command line, stops it), waits until it is
# listening, and writes a kubeconfig with one context per way of
# authenticating. With --tls it first makes a CA, a server certificate
# (SAN IP:127.0.0.1) and client certificates with openssl.
#
#   k8s_start [--tls] [--generate N] [--pods FILE]... [--no-metrics]
#             [--format list] [--churn S] [--namespace NS] [--controller]
#   sets K8S_URL, K8S_TOKEN, K8S_KUBECONFIG, K8S_DIR, K8S_PID, and with
#   --tls K8S_TLS_URL, K8S_CA, K8S_CLIENT_CERT, K8S_CLIENT_KEY,
#   K8S_CERT_USER (the client certificate's CN), K8S_BAD_CERT,
#   K8S_BAD_KEY (a client certificate from another CA).
#   Contexts: fixture (token, namespace atlasmesh-prod; current),
#   fixture-all (token, no namespace), fixture-exec (exec plugin
#   tests/e2e/k8s_exec_plugin.sh; each run appends a line to
#   $K8S_DIR/exec-runs), fixture-badtoken; with --tls also fixture-tls
#   (client certificate + certificate-authority-data), fixture-tls-token
#   and fixture-tls-exec. (kubectl itself sends no token or exec
#   credential to an http:// server: use the TLS contexts with kubectl.)
#   K8S_USER is the user the token authenticates as. k8s_kubeconfig
#   prints the kubeconfig again, with the YAML list items in
#   $K8S_KC_USERS and $K8S_KC_CONTEXTS added to users and contexts.
#   k8s_many_contexts N prints N such contexts, ctx-000 on, all on the
#   fixture cluster with the token (for a kubeconfig of hundreds).
#
#   k8s_ctl PATH [BODY]   POST $K8S_URL/_fixture/PATH (BODY: JSON, or
#                         @file); prints the answer; fails the test on
#                         an error status
#   k8s_api PATH [ARGS]   curl an API path on the plain port with the token
#   k8s_requests          the non-GET API requests received (JSON list of
#                         {method, path, query, body, user, content_type})
#   k8s_stats             counters (lists, watches, watching, deletes, …)
#   k8s_stat NAME         one counter
#   k8s_changes           how many DELETE/PATCH/PUT requests it received
#   k8s_clone_pod POD NAME  add a copy of atlasmesh-prod/POD named NAME
#                         (a namesake, or a name a hostile API could send)
#   k8s_wait_request METHOD TEXT [SECONDS]
#                         until a request with METHOD whose path contains
#                         TEXT was received
#   k8s_stop              stop the server (k8s_start may be called again)
command -v python3 >/dev/null || { echo "ok - skipped: no python3"; exit 0; }
command -v curl >/dev/null || { echo "ok - skipped: no curl"; exit 0; }
. tests/e2e/pki.sh
K8S_DIR="$T/k8s"
K8S_USER="system:serviceaccount:atlasmesh-prod:fleet-operator"
K8S_PID=""
mkdir -p "$K8S_DIR"

# k8s_certs: the test CA, the server's certificate and two client ones
# (pki.sh), and another CA's client certificate.
k8s_certs() {
	command -v openssl >/dev/null || { echo "ok - skipped: no openssl"; exit 0; }
	p="$K8S_DIR/pki"
	pki_conf "$p"
	pki_ca k8s_openssl "$p" ca amconsole-test-ca 3
	pki_ca k8s_openssl "$p" rogue-ca amconsole-rogue-ca 3
	pki_leaf k8s_openssl "$p" server "/CN=127.0.0.1" ca 3
	pki_leaf k8s_openssl "$p" client "/O=atlasmesh:sre/CN=atlasmesh-operator" ca 3
	pki_leaf k8s_openssl "$p" bad "/CN=atlasmesh-operator" rogue-ca 3
	K8S_CA="$p/ca.crt"
	K8S_CLIENT_CERT="$p/client.crt"
	K8S_CLIENT_KEY="$p/client.key"
	K8S_CERT_USER="atlasmesh-operator"
	K8S_BAD_CERT="$p/bad.crt"
	K8S_BAD_KEY="$p/bad.key"
}

k8s_openssl() {
	openssl "$@" >"$K8S_DIR/pki/openssl.log" 2>&1 || {
		cat "$K8S_DIR/pki/openssl.log"
		fail "openssl $1 failed"
	}
}

k8s_b64() { base64 <"$1" | tr -d '\n'; }

k8s_start() {
	tls=""
	args=""
	while [ $# -gt 0 ]; do
		case "$1" in
		--tls) tls=1 ;;
		--generate | --pods | --format | --churn | --namespace)
			args="$args $1 '$2'"
			shift
			;;
		*) args="$args '$1'" ;;
		esac
		shift
	done
	K8S_TOKEN=${K8S_TOKEN:-fixture-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')}
	rm -f "$K8S_DIR/ready"
	if [ -n "$tls" ]; then
		[ -s "$K8S_DIR/pki/client.crt" ] || k8s_certs
		args="$args --tls-port 0 --ca-cert '$K8S_CA' --cert '$K8S_DIR/pki/server.crt' --key '$K8S_DIR/pki/server.key'"
	fi
	eval "exec python3 '$REPO/tests/k8s_fixture.py' --dir '$K8S_DIR' --port 0 --token '$K8S_TOKEN' $args" \
		>>"$K8S_DIR/stderr" 2>&1 &
	K8S_PID=$!
	n=100
	while [ ! -s "$K8S_DIR/ready" ]; do
		if ! kill -0 "$K8S_PID" 2>/dev/null || [ "$n" -le 0 ]; then
			tail -20 "$K8S_DIR/stderr" "$K8S_DIR/fixture.log" 2>/dev/null
			fail "the k8s fixture did not start within 10 s"
		fi
		sleep 0.1
		n=$((n - 1))
	done
	K8S_PID=$(sed -n 's/^pid=//p' "$K8S_DIR/ready")
	K8S_URL="http://127.0.0.1:$(sed -n 's/^port=//p' "$K8S_DIR/ready")"
	K8S_TLS_URL=""
	[ -n "$tls" ] && K8S_TLS_URL="https://127.0.0.1:$(sed -n 's/^tls_port=//p' "$K8S_DIR/ready")"
	K8S_KUBECONFIG="$K8S_DIR/kubeconfig"
	k8s_kubeconfig >"$K8S_KUBECONFIG"
	chmod 600 "$K8S_KUBECONFIG"
	export K8S_URL K8S_TLS_URL K8S_TOKEN K8S_KUBECONFIG K8S_DIR
}

k8s_many_contexts() {
	_i=0
	while [ $_i -lt "$1" ]; do
		printf -- '- name: ctx-%03d\n  context:\n    cluster: fixture\n    user: fixture-token\n' $_i
		_i=$((_i + 1))
	done
}

k8s_kubeconfig() {
	cat <<YAML
apiVersion: v1
kind: Config
preferences: {}
current-context: fixture
clusters:
- name: fixture
  cluster:
    server: $K8S_URL
YAML
	if [ -n "$K8S_TLS_URL" ]; then
		cat <<YAML
- name: fixture-tls
  cluster:
    server: $K8S_TLS_URL
    certificate-authority-data: $(k8s_b64 "$K8S_CA")
YAML
	fi
	cat <<YAML
users:
- name: fixture-token
  user:
    token: $K8S_TOKEN
- name: fixture-badtoken
  user:
    token: not-the-fixture-token
- name: fixture-exec
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: sh
      args:
      - $REPO/tests/e2e/k8s_exec_plugin.sh
      env:
      - name: K8S_FIXTURE_DIR
        value: $K8S_DIR
      interactiveMode: Never
      provideClusterInfo: false
YAML
	printf '%s' "${K8S_KC_USERS-}"
	if [ -n "$K8S_TLS_URL" ]; then
		cat <<YAML
- name: fixture-cert
  user:
    client-certificate-data: $(k8s_b64 "$K8S_CLIENT_CERT")
    client-key-data: $(k8s_b64 "$K8S_CLIENT_KEY")
YAML
	fi
	cat <<YAML
contexts:
- name: fixture
  context:
    cluster: fixture
    user: fixture-token
    namespace: atlasmesh-prod
- name: fixture-all
  context:
    cluster: fixture
    user: fixture-token
- name: fixture-exec
  context:
    cluster: fixture
    user: fixture-exec
    namespace: atlasmesh-prod
- name: fixture-badtoken
  context:
    cluster: fixture
    user: fixture-badtoken
    namespace: atlasmesh-prod
YAML
	printf '%s' "${K8S_KC_CONTEXTS-}"
	if [ -n "$K8S_TLS_URL" ]; then
		cat <<YAML
- name: fixture-tls
  context:
    cluster: fixture-tls
    user: fixture-cert
    namespace: atlasmesh-prod
- name: fixture-tls-token
  context:
    cluster: fixture-tls
    user: fixture-token
    namespace: atlasmesh-prod
- name: fixture-tls-exec
  context:
    cluster: fixture-tls
    user: fixture-exec
    namespace: atlasmesh-prod
YAML
	fi
}

k8s_ctl() {
	out=$(curl -sS -m 10 -X POST --data-binary "${2-}" -H "Content-Type: application/json" \
		-w '\n%{http_code}' "$K8S_URL/_fixture/$1") || fail "k8s_ctl $1: fixture unreachable"
	code=$(printf '%s\n' "$out" | tail -1)
	body=$(printf '%s\n' "$out" | sed '$d')
	case "$code" in
	2*) printf '%s\n' "$body" ;;
	*) fail "k8s_ctl $1: HTTP $code: $body" ;;
	esac
}

k8s_api() {
	path=$1
	shift
	curl -sS -m 10 -H "Authorization: Bearer $K8S_TOKEN" "$@" "$K8S_URL$path"
}

# k8s_pods_console: the console on $T/config.yaml (160x40, refresh 1s),
# the Pods panel zoomed, the fixture's pods listed under context fixture.
k8s_pods_console() {
	am_start 160 40 --config "$T/config.yaml" --refresh 1s
	focus pods
	keys z
	wait_for "vehicle-gateway-6b8f9c7d5d-x7m2k" 15
	wait_for "context fixture"
}

# k8s_config: $T/config.yaml with the fixture's kubeconfig and nothing else.
k8s_config() {
	printf 'kubernetes:\n  kubeconfig: %s\n' "$K8S_KUBECONFIG" >"$T/config.yaml"
}

k8s_requests() { curl -sS -m 10 "$K8S_URL/_fixture/requests"; }
k8s_stats() { curl -sS -m 10 "$K8S_URL/_fixture/stats"; }
k8s_stat() {
	k8s_stats | python3 -c 'import json,sys; print(json.load(sys.stdin).get(sys.argv[1], ""))' "$1"
}

# k8s_got METHOD PATH-PART: the fixture has received such a request.
k8s_got() {
	k8s_requests | python3 -c '
import json, sys
m, t = sys.argv[1], sys.argv[2]
sys.exit(0 if any(r["method"] == m and t in r["path"] for r in json.load(sys.stdin)) else 1)' "$1" "$2"
}
k8s_changes() {
	k8s_requests | python3 -c '
import json, sys
print(sum(1 for r in json.load(sys.stdin) if r["method"] in ("DELETE", "PATCH", "PUT")))'
}
k8s_clone_pod() {
	_c=$(k8s_api "/api/v1/namespaces/atlasmesh-prod/pods/$1" | python3 -c '
import json, sys
p = json.load(sys.stdin)
for k in ("uid", "resourceVersion", "creationTimestamp"):
    p["metadata"].pop(k, None)
p["metadata"]["name"] = sys.argv[1]
print(json.dumps(p))' "$2")
	k8s_ctl add "$_c" >/dev/null
}
k8s_wait_request() { wait_until "${3:-10}" "the fixture never received $1 …$2…" k8s_got "$1" "$2"; }

k8s_stop() {
	[ -n "$K8S_PID" ] || return 0
	kill "$K8S_PID" 2>/dev/null
	until_ok 5 exited "$K8S_PID"
	kill -KILL "$K8S_PID" 2>/dev/null
	K8S_PID=""
	rm -f "$K8S_DIR/ready"
}
