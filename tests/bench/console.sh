#!/bin/sh
# console.sh - the console-against-its-peers half of make bench: starts
# real servers the way the end-to-end tests do (tests/e2e/pg.sh, redis.sh,
# kafka.sh, prom.sh; the Kubernetes fixture when it exists) on free
# loopback ports in a temp dir, writes a config with every panel live,
# installs the peers (htop, pg-activity) when running as root with apt,
# and runs tests/bench/ptybench.py, which prints the table. Everything it
# started is stopped on exit (by pid; anything left with the temp dir on
# its command line too). Figures only, never asserted.
#   BENCH_QUICK=1  short windows (a smoke run, under a minute)
#   BENCH_LONG=1   also the resident memory after 10 minutes
#   BENCH_MD=FILE  also write the table as Markdown
#   BENCH_ONLY=pods  only the Pods rows (one row changed, 10,000 pods)
#   BENCH_PODS=N     the big fixture serves N pods (default 10000; the
#                    issue's 50,000-pod rows: BENCH_PODS=50000)
#   BENCH_ONLY=wire  only write()s per frame, frames through a loopback
#                    sshd, idle CPU and wake-ups (tests/bench/wire.py)
#   BENCH_ONLY=share only the war room's and the recording's cost
#                    (tests/bench/share.py)
set -u
BUILD=${BUILD:-build}
REPO=$PWD
AMCONSOLE=$REPO/$BUILD/amconsole
T=$(mktemp -d "${TMPDIR:-/tmp}/am-bench.XXXXXX")
chmod 755 "$T"
KPID=
RDIR=
started=

fail() {
	echo "bench: $*" >&2
	exit 1
}

cleanup() {
	[ -n "$KPID" ] && kill "$KPID" 2>/dev/null
	command -v pg_stop >/dev/null 2>&1 && pg_stop
	if [ -n "$RDIR" ] && [ -f "$RDIR/redis.pid" ]; then
		kill "$(cat "$RDIR/redis.pid")" 2>/dev/null
	fi
	for p in $(jobs -p) $started ${K8S_PID:-}; do
		kill "$p" 2>/dev/null
	done
	# pg_activity run through the loopback sshd outlives the session it
	# was started in (sshd gone, it ignores the hangup) and names no $T:
	# it names our PostgreSQL's port.
	[ -n "${PGPORT:-}" ] && pkill -f "pg_activity -h 127.0.0.1 -p $PGPORT " 2>/dev/null
	# Whatever is left of ours carries $T on its command line (ptybench.py
	# too: it stops the programs it runs when it gets SIGTERM).
	for p in $(pgrep -f "$T"); do
		kill "$p" 2>/dev/null
	done
	sleep 0.5
	for p in $(pgrep -f "$T"); do
		kill -KILL "$p" 2>/dev/null
	done
	rm -rf "$T"
}
. "$REPO/tests/e2e/wait.sh"
trap 'cleanup' EXIT
trap 'exit 130' INT TERM HUP

# The peers, and sshd for the frames through a loopback sshd: Debian
# packages, installed only when we may (not by tests/deps.sh: a test
# machine gets no sshd service).
missing=
command -v htop >/dev/null || missing="$missing htop"
command -v pg_activity >/dev/null || missing="$missing pg-activity"
[ -x /usr/sbin/sshd ] || missing="$missing openssh-server"
command -v ssh >/dev/null || missing="$missing openssh-client"
command -v ss >/dev/null || missing="$missing iproute2"
if [ -n "$missing" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
	echo "   installing peers:$missing" >&2
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing \
		>"$T/apt.log" 2>&1 || echo "   apt-get failed; those peers print n/a" >&2
fi

# The servers; the e2e helpers want lib.sh's fail and cleanup, defined
# above. Kubernetes first: the fixture API server (tests/e2e/k8s.sh) with
# the AtlasMesh pods for "every panel live", and a second one serving
# 10,000 more for the 10,000-pod rows, whose list pages are recorded for
# bench_k8s.
BENCH_K8S=ready
for f in backends/k8s/backend.c panels/pods.c tests/k8s_fixture.py tests/e2e/k8s.sh; do
	if [ ! -f "$f" ]; then
		BENCH_K8S="$f not there yet"
		break
	fi
done
if [ "$BENCH_K8S" = ready ] && grep -q 'not implemented yet' backends/k8s/backend.c; then
	BENCH_K8S="backends/k8s/backend.c not implemented yet"
fi
export K8S_URL='' K8S_KUBECONFIG='' K8S_BIG_KUBECONFIG='' BENCH_K8S_POD='' BENCH_K8S_PARSE=''
if [ "$BENCH_K8S" = ready ]; then
	. "$REPO/tests/e2e/k8s.sh"
	k8s_start --tls
	export K8S_KUBECTL_CONTEXT=fixture-tls-token
	# One Running pod, whose restart count the "one row changed" window bumps.
	BENCH_K8S_POD=$(k8s_api "/api/v1/namespaces/atlasmesh-prod/pods" | python3 -c '
import json, sys
pods = [p for p in json.load(sys.stdin)["items"] if p["status"].get("phase") == "Running"
        and all(c.get("ready") for c in p["status"].get("containerStatuses", []))]
print(json.dumps(pods[0]) if pods else "")')
fi
# The 10,000-pod server, on the same certificates; it takes a few seconds
# to make its pods, so it starts before the other servers.
[ "${BENCH_ONLY:-}" = wire ] && [ "$BENCH_K8S" = ready ] && BENCH_K8S=small
[ "${BENCH_ONLY:-}" = share ] && [ "$BENCH_K8S" = ready ] && BENCH_K8S=small
BENCH_PODS=${BENCH_PODS:-10000}
case $BENCH_PODS in
'' | *[!0-9]*) fail "BENCH_PODS=$BENCH_PODS is not a number of pods" ;;
esac
export BENCH_PODS
if [ "$BENCH_K8S" = ready ]; then
	big="$T/k8sbig"
	mkdir -p "$big"
	python3 "$REPO/tests/k8s_fixture.py" --dir "$big" --port 0 --token "$K8S_TOKEN" \
		--tls-port 0 --ca-cert "$K8S_CA" --cert "$K8S_DIR/pki/server.crt" \
		--key "$K8S_DIR/pki/server.key" --generate "$BENCH_PODS" >"$big/stderr" 2>&1 &
	started="$started $!"
fi

export PGPORT='' RPORT=''
if [ -x /usr/lib/postgresql/15/bin/initdb ] || [ -n "${PGBIN:-}" ]; then
	. "$REPO/tests/e2e/pg.sh"
	pg_setup
	trap 'cleanup' EXIT
	trap 'exit 130' INT TERM HUP
fi
if command -v redis-server >/dev/null; then
	. "$REPO/tests/e2e/redis.sh"
	redis_start
	redis_fill "fleet:vehicle:" 200 64 >/dev/null
fi
KBOOT=
if [ -x "$BUILD/tests/kafka_mock" ]; then
	. "$REPO/tests/e2e/kafka.sh"
	kafka_start
fi
PROM_URL='' AM_URL='' FAKE_URL=''
if command -v prometheus >/dev/null && command -v prometheus-alertmanager >/dev/null; then
	. "$REPO/tests/e2e/prom.sh"
	prom_start
fi

if [ "$BENCH_K8S" = ready ]; then
	# A minute for 10,000 pods, as long again for each 10,000 more.
	n=$((600 * (BENCH_PODS / 10000 + 1)))
	while [ ! -s "$big/ready" ] && [ "$n" -gt 0 ]; do
		sleep 0.1
		n=$((n - 1))
	done
	if [ -s "$big/ready" ]; then
		bport=$(sed -n 's/^port=//p' "$big/ready")
		btls=$(sed -n 's/^tls_port=//p' "$big/ready")
		K8S_BIG_KUBECONFIG="$big/kubeconfig"
		cat >"$K8S_BIG_KUBECONFIG" <<YAML
apiVersion: v1
kind: Config
current-context: big
clusters:
- name: big
  cluster:
    server: http://127.0.0.1:$bport
- name: big-tls
  cluster:
    server: https://127.0.0.1:$btls
    certificate-authority-data: $(k8s_b64 "$K8S_CA")
users:
- name: token
  user:
    token: $K8S_TOKEN
contexts:
- name: big
  context: {cluster: big, user: token}
- name: big-tls
  context: {cluster: big-tls, user: token}
YAML
		chmod 600 "$K8S_BIG_KUBECONFIG"
		# Record the list as the console asks for it (limit=500 pages),
		# as a Table and as a PodList, and time parsing it.
		python3 - "http://127.0.0.1:$bport" "$K8S_TOKEN" "$big" <<'PY'
import json, os, sys, urllib.parse, urllib.request
url, token, out = sys.argv[1:4]
for kind, accept in (("table", "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"),
                     ("list", "application/json")):
    os.makedirs(os.path.join(out, kind), exist_ok=True)
    cont, i = None, 0
    while True:
        q = {"limit": "500"}
        if cont:
            q["continue"] = cont
        req = urllib.request.Request(url + "/api/v1/pods?" + urllib.parse.urlencode(q),
                                     headers={"Authorization": "Bearer " + token, "Accept": accept})
        body = urllib.request.urlopen(req, timeout=120).read()
        with open(os.path.join(out, kind, "page-%03d.json" % i), "wb") as f:
            f.write(body)
        i += 1
        cont = json.loads(body).get("metadata", {}).get("continue")
        if not cont:
            break
PY
		if [ -x "$BUILD/tests/bench/bench_k8s" ]; then
			sets="$big/table $big/list"
			reps=11
			if [ "${BENCH_QUICK:-0}" = 1 ]; then
				sets="$big/table"
				reps=3
			fi
			# shellcheck disable=SC2086
			"$BUILD/tests/bench/bench_k8s" "$reps" $sets >"$big/parse" 2>&1
			sed 's/^/   /' "$big/parse" >&2
			BENCH_K8S_PARSE=$(sed -n 's/^relist Table: \([0-9]*\) pods, median \([0-9.]*\) ms.*(\([0-9]*\) runs)/\2 ms (\1 pods, median of \3)/p' "$big/parse")
			BENCH_K8S_PARSE_LIST=$(sed -n 's/^relist PodList: \([0-9]*\) pods, median \([0-9.]*\) ms.*(\([0-9]*\) runs)/\2 ms (\1 pods, median of \3)/p' "$big/parse")
			export BENCH_K8S_PARSE_LIST
		fi
	else
		echo "   the $BENCH_PODS-pod fixture did not start: $(tail -3 "$big/stderr")" >&2
		BENCH_K8S="the $BENCH_PODS-pod fixture, which did not start"
	fi
fi
export BENCH_K8S

# One config per data source (for the per-source idle rows), and all of
# them together (every panel live).
parts=
part() { # NAME: $T/only-NAME.yaml holds the section
	cat "$T/only-$1.yaml" >>"$T/all.yaml"
	parts="$parts $1=$T/only-$1.yaml"
}
: >"$T/all.yaml"
if [ -n "$PGPORT" ]; then
	printf 'postgres:\n  conninfo: "host=127.0.0.1 port=%s dbname=amtest user=postgres"\n' \
		"$PGPORT" >"$T/only-postgres.yaml"
	part postgres
fi
if [ -n "$RPORT" ]; then
	printf 'redis:\n  instances:\n    - {name: cache, url: "redis://127.0.0.1:%s/0"}\n' \
		"$RPORT" >"$T/only-redis.yaml"
	part redis
fi
if [ -n "$KBOOT" ]; then
	printf 'kafka:\n  bootstrap: "%s"\n  groups: [fleet-telemetry-group, keeping-up-group, replay-group]\n' \
		"$KBOOT" >"$T/only-kafka.yaml"
	part kafka
fi
if [ -n "$K8S_KUBECONFIG" ]; then
	printf 'kubernetes:\n  kubeconfig: %s\n  context: fixture\n' "$K8S_KUBECONFIG" \
		>"$T/only-kubernetes.yaml"
	part kubernetes
fi
if [ -n "$AM_URL" ]; then
	{
		printf 'alertmanager:\n  urls: ["%s"]\nprometheus:\n  url: "%s"\n' "$AM_URL" "$PROM_URL"
		printf 'health:\n  - {name: fleet-manager, url: "%s/health"}\n' "$FAKE_URL"
	} >"$T/only-alerts.yaml"
	part alerts
fi
export AM_CONF_PARTS="$parts"

AM="$AMCONSOLE" AM_RUNBOOKS="$REPO/runbooks" AM_CONF="$T/all.yaml" BENCH_T="$T" \
	AM_VERSION="$("$AMCONSOLE" --version 2>/dev/null | head -1)" \
	python3 "$REPO/tests/bench/ptybench.py" "$T"
