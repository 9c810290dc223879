#!/bin/sh
# demo.sh - `make demo`: the AtlasMesh stack in trouble, live, on this
# machine, and the console open on it. Everything runs on 127.0.0.1, on
# free ports, in one temporary directory:
#
#   PostgreSQL 15   atlasmesh_fleet (demo/schema.sql) with pg_stat_statements,
#                   vehicle_telemetry without the index its hot query needs
#   Redis           fleet:* and vehicle:* keys at maxmemory, evicting
#   Kafka           the librdkafka mock cluster (build/tests/kafka_mock):
#                   vehicle-telemetry, fleet-telemetry-group lagging; with
#                   DEMO_KAFKA=broker a real Kafka 0.9.0.1 broker and its
#                   ZooKeeper instead (demo/kafka_broker.sh; Java, and the
#                   jars fetched once by npm), the group with a member
#   Prometheus      the guide's alert rules (demo/rules.yml), firing, sent
#   Alertmanager    to an Alertmanager
#   Kubernetes      the fixture API server (tests/k8s_fixture.py), namespace
#                   atlasmesh-prod with a pod in CrashLoopBackOff
#   demo/load.py    the load that keeps the trouble going, the services'
#                   metrics and health endpoints
#
# then writes a config.yaml for all of it and runs build/amconsole on it
# (arguments to this script go to the console). Quitting the console stops
# everything; so do Ctrl-C, SIGTERM and SIGHUP, and a watchdog does it if
# this script is killed outright. One demo at a time per user: a lock
# file holds the running demo's pid.
#
# Environment: DEMO_NO_CONSOLE=1 starts everything, prints the config's
# path and waits (until Ctrl-C or SIGTERM) instead of opening the console;
# $DIR/env then holds the ports and URLs as shell assignments. DEMO_ROWS
# (telemetry rows, 400000), DEMO_KEEP=1 (keep the directory and its logs),
# DEMO_KAFKA (mock, the default, or broker), AMCONSOLE, KMOCK, KCONS (the
# broker's client, build/tests/kafka_consumer), PGBIN, BUILD, TMPDIR,
# XDG_RUNTIME_DIR (the lock's place).
set -u
umask 077

REPO=$(cd "$(dirname "$0")/.." && pwd)
DEMO=$REPO/demo
# The throw-away CA for the Kubernetes fixture's https port.
. "$REPO/tests/e2e/pki.sh"
BUILD=${BUILD:-build}
AMCONSOLE=${AMCONSOLE:-$REPO/$BUILD/amconsole}
KMOCK=${KMOCK:-$REPO/$BUILD/tests/kafka_mock}
KCONS=${KCONS:-$REPO/$BUILD/tests/kafka_consumer}
KAFKA_MODE=${DEMO_KAFKA:-mock}
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
ROWS=${DEMO_ROWS:-400000}
LOCKDIR=${XDG_RUNTIME_DIR:-/tmp}
[ -d "$LOCKDIR" ] && [ -w "$LOCKDIR" ] || LOCKDIR=/tmp
LOCK=$LOCKDIR/amconsole-demo-$(id -u).lock

say() { printf '%s\n' "$*"; }
die() {
	say "demo: $*" >&2
	exit 1
}

# as_pg CMD...: run a PostgreSQL server program as the cluster's owner
# (initdb and postgres refuse to run as root).
as_pg() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

# free_ports N: N distinct free loopback ports (bound together, then let
# go: the servers bind them a moment later).
free_ports() {
	python3 -c 'import socket, sys
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))' "$1"
}

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# owned PID DIR: PID is alive and its command line names DIR (so a pid
# reused by another program is never signalled).
owned() {
	kill -0 "$1" 2>/dev/null || return 1
	[ -r "/proc/$1/cmdline" ] || return 0
	tr '\0' ' ' <"/proc/$1/cmdline" | grep -qF -- "$2"
}

# stop_all DIR: stop what a demo in DIR started (listed in DIR/pids as
# "PID NAME", each the leader of its own process group; the watchdog
# is left to its caller): TERM to every group and pg_ctl stop, up to 10 s
# for them to go, then KILL.
stop_all() {
	d=$1
	[ -f "$d/pids" ] || return 0
	while read -r pid name; do
		case $name in watchdog | postgres) continue ;; esac
		owned "$pid" "$d" && kill -TERM "-$pid" 2>/dev/null
	done <"$d/pids"
	if [ -f "$d/pg/data/postmaster.pid" ]; then
		as_pg "$PGBIN/pg_ctl" -D "$d/pg/data" -m fast -w -t 10 stop >/dev/null 2>&1
	fi
	n=100
	while [ "$n" -gt 0 ]; do
		left=""
		while read -r pid name; do
			[ "$name" != watchdog ] && owned "$pid" "$d" && left="$left $name"
		done <"$d/pids"
		[ -z "$left" ] && return 0
		sleep 0.1
		n=$((n - 1))
	done
	say "demo: killing what did not stop:$left" >&2
	while read -r pid name; do
		[ "$name" != watchdog ] && owned "$pid" "$d" && kill -KILL "-$pid" "$pid" 2>/dev/null
	done <"$d/pids"
	return 0
}

# The watchdog: `demo.sh --watchdog PID DIR` waits for PID to vanish,
# then stops what the demo in DIR started (for a demo killed with -9).
if [ "${1:-}" = --watchdog ]; then
	trap '' INT HUP
	trap 'exit 0' TERM
	while kill -0 "$2" 2>/dev/null; do sleep 1; done
	stop_all "$3"
	[ "$(cut -d' ' -f1 "$LOCK" 2>/dev/null)" = "$2" ] && rm -f "$LOCK"
	[ "${DEMO_KEEP:-0}" = 1 ] || rm -rf "$3"
	exit 0
fi

# ---- checks ---------------------------------------------------------------

need() { command -v "$1" >/dev/null 2>&1 || die "$1 is missing: run 'make deps' (or 'make demo')"; }
for c in python3 curl redis-server redis-cli prometheus prometheus-alertmanager psql setsid; do
	need "$c"
done
[ -x "$PGBIN/initdb" ] || die "$PGBIN/initdb is missing: run 'make deps' (PostgreSQL 15)"
[ -x "$AMCONSOLE" ] || die "$AMCONSOLE is missing: run 'make demo' (or 'make')"
case $KAFKA_MODE in
mock) [ -x "$KMOCK" ] || die "$KMOCK is missing: run 'make demo' (or 'make $BUILD/tests/kafka_mock')" ;;
broker)
	[ -x "$KCONS" ] || die "$KCONS is missing: run 'make demo' (or 'make $BUILD/tests/kafka_consumer')"
	need java
	;;
*) die "DEMO_KAFKA is '$KAFKA_MODE': mock (the default) or broker" ;;
esac
if [ "$(id -u)" = 0 ]; then
	id postgres >/dev/null 2>&1 || die "running as root needs the postgres user (Debian's postgresql package)"
fi
K8S_FIXTURE=$REPO/tests/k8s_fixture.py
[ -f "$K8S_FIXTURE" ] || die "$K8S_FIXTURE is missing: this checkout is incomplete"

# ---- one demo at a time -----------------------------------------------------

# alive_demo PID: PID is a running demo.sh (not a reused pid).
alive_demo() {
	kill -0 "$1" 2>/dev/null || return 1
	[ -r "/proc/$1/cmdline" ] || return 0
	tr '\0' ' ' <"/proc/$1/cmdline" | grep -q 'demo\.sh'
}

take_lock() {
	(set -C && say "$$ $DIR" >"$LOCK") 2>/dev/null && return 0
	read -r opid odir <"$LOCK" 2>/dev/null || opid=""
	if [ -n "$opid" ] && alive_demo "$opid"; then
		say "demo: a demo is already running (pid $opid, in ${odir:-?})." >&2
		say "demo: quit its console (q) first, or stop it: kill $opid" >&2
		rm -rf "$DIR"
		exit 2
	fi
	say "demo: removing a stale lock (pid ${opid:-?} is gone)"
	case ${odir:-} in
	*/amconsole-demo.*) [ -d "$odir" ] && stop_all "$odir" && rm -rf "$odir" ;;
	esac
	rm -f "$LOCK"
	(set -C && say "$$ $DIR" >"$LOCK") 2>/dev/null || {
		rm -rf "$DIR"
		die "cannot take the lock $LOCK"
	}
}

DIR=$(mktemp -d "${TMPDIR:-/tmp}/amconsole-demo.XXXXXX") || die "mktemp failed"
take_lock

CONSOLE=""
SLEEPER=""
WATCHDOG=""
cleanup() {
	rc=$?
	trap - EXIT INT TERM HUP
	if [ -n "$CONSOLE" ] && kill -0 "$CONSOLE" 2>/dev/null; then
		kill -TERM "$CONSOLE" 2>/dev/null
		wait "$CONSOLE" 2>/dev/null
	fi
	[ -n "$SLEEPER" ] && kill "$SLEEPER" 2>/dev/null
	[ -n "$WATCHDOG" ] && kill -TERM "-$WATCHDOG" 2>/dev/null
	say "demo: stopping everything it started…"
	exec 3>&-
	stop_all "$DIR"
	[ "$(cut -d' ' -f1 "$LOCK" 2>/dev/null)" = "$$" ] && rm -f "$LOCK"
	if [ "${DEMO_KEEP:-0}" = 1 ]; then
		say "demo: kept $DIR"
	else
		rm -rf "$DIR"
	fi
	say "demo: stopped"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

T0=$(now)
: >"$DIR/pids"
# The watchdog, for a demo killed without a chance to clean up.
setsid sh "$0" --watchdog "$$" "$DIR" </dev/null >/dev/null 2>&1 &
WATCHDOG=$!
say "$WATCHDOG watchdog" >>"$DIR/pids"
# PostgreSQL runs as postgres: it must get through the directory.
if [ "$(id -u)" = 0 ]; then
	chmod 711 "$DIR"
	runuser -u postgres -- test -x "$DIR" ||
		die "the postgres user cannot reach $DIR: set TMPDIR to a directory it can traverse"
fi

# spawn NAME LOG CMD...: start CMD in a session of its own (so Ctrl-C in
# the console's terminal never reaches it, and one kill stops its whole
# process group) and record it in $DIR/pids; $! is its pid afterwards.
spawn() {
	name=$1 log=$2
	shift 2
	setsid "$@" </dev/null >"$log" 2>&1 3>&- &
	say "$! $name" >>"$DIR/pids"
}

# fail NAME LOG WHY: say what failed with the last lines of its log.
fail() {
	say "failed"
	say "demo: $1 $3; the end of $2:" >&2
	tail -n 20 "$2" >&2 2>/dev/null
	exit 1
}

# ready NAME PID LOG CHECK...: wait up to 60 s for CHECK to succeed,
# failing early if PID dies.
ready() {
	name=$1 pid=$2 log=$3
	shift 3
	n=600
	while [ "$n" -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		kill -0 "$pid" 2>/dev/null || fail "$name" "$log" "exited"
		sleep 0.1
		n=$((n - 1))
	done
	fail "$name" "$log" "did not answer within 60 s"
}

starting() { printf 'starting %s… ' "$1"; }

# ---- start the servers ------------------------------------------------------
# The slow ones first, without waiting; PostgreSQL in the meantime.

# shellcheck disable=SC2046
set -- $(free_ports 7) "$@"
PG_PORT=$1 REDIS_PORT=$2 PROM_PORT=$3 AM_PORT=$4 LOAD_PORT=$5 K8S_PORT=$6 K8S_TLS_PORT=$7
shift 7

render() { # TEMPLATE OUT
	sed -e "s|@DIR@|$DIR|g" -e "s|@DEMO@|$DEMO|g" \
		-e "s|@PG_PORT@|$PG_PORT|g" -e "s|@REDIS_PORT@|$REDIS_PORT|g" \
		-e "s|@PROM_PORT@|$PROM_PORT|g" -e "s|@AM_PORT@|$AM_PORT|g" \
		-e "s|@LOAD_PORT@|$LOAD_PORT|g" -e "s|@K8S_SERVER@|${K8S_SERVER:-}|g" \
		-e "s|@K8S_CA_DATA@|${K8S_CA_DATA:-}|g" -e "s|@K8S_TOKEN@|${K8S_TOKEN:-}|g" \
		-e "s|@KAFKA_BOOTSTRAP@|${KAFKA_BOOTSTRAP:-}|g" "$1" >"$2"
}

# k8s_pki: a throw-away CA and a certificate for 127.0.0.1, so that the
# fixture also serves https: kubectl sends a bearer token only over TLS,
# and the runbook's kubectl steps run against the fixture.
k8s_pki() {
	p=$DIR/k8s-pki
	pki_conf "$p"
	{
		pki_ca openssl "$p" ca amconsole-demo-ca 2 &&
			pki_leaf openssl "$p" server /CN=127.0.0.1 ca 2
	} >"$p/log" 2>&1
}

mkdir -p "$DIR/prom/tsdb" "$DIR/am" "$DIR/redis" "$DIR/kafka" "$DIR/k8s"
render "$DEMO/prometheus.yml.in" "$DIR/prom/prometheus.yml"
render "$DEMO/redis.conf.in" "$DIR/redis/redis.conf"

spawn alertmanager "$DIR/am/log" prometheus-alertmanager \
	--config.file="$DEMO/alertmanager.yml" --storage.path="$DIR/am" \
	--web.listen-address="127.0.0.1:$AM_PORT" --cluster.listen-address=
PID_alertmanager=$!
spawn prometheus "$DIR/prom/log" prometheus \
	--config.file="$DIR/prom/prometheus.yml" --storage.tsdb.path="$DIR/prom/tsdb" \
	--storage.tsdb.retention.time=1d --web.listen-address="127.0.0.1:$PROM_PORT" \
	--rules.alert.resend-delay=1s
PID_prometheus=$!
spawn redis "$DIR/redis/stdout" redis-server "$DIR/redis/redis.conf"
PID_redis=$!

if [ "$KAFKA_MODE" = broker ]; then
	# The broker's jars, fetched once (npm) into the build tree.
	sh "$DEMO/kafka_broker.sh" --install "$DIR/kafka" >"$DIR/kafka/install.log" 2>&1 ||
		fail "the Kafka broker" "$DIR/kafka/install.log" "could not be installed"
	spawn kafka "$DIR/kafka/out" sh "$DEMO/kafka_broker.sh" "$DIR/kafka" "$KCONS"
	PID_kafka=$!
else
	# The mock cluster exits at the end of its input: this script holds
	# the fifo open on fd 3 until it stops (children get 3>&- from spawn).
	mkfifo "$DIR/kafka/in"
	setsid "$KMOCK" "$DIR/kafka" <"$DIR/kafka/in" >"$DIR/kafka/out" 2>"$DIR/kafka/log" &
	say "$! kafka" >>"$DIR/pids"
	PID_kafka=$!
	exec 3>"$DIR/kafka/in"
fi

# The fixture's pods (tests/fixtures/k8s/atlasmesh.json), one changed
# every 5 s; it acts as the workload controllers too (a deleted pod is
# replaced). A fresh token, also in a file for the load generator, which
# uses the plain port; the console and kubectl use https when openssl
# could make the certificates.
K8S_TOKEN=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
say "$K8S_TOKEN" >"$DIR/k8s.token"
K8S_SERVER=http://127.0.0.1:$K8S_PORT
if command -v openssl >/dev/null 2>&1 && k8s_pki; then
	K8S_SERVER=https://127.0.0.1:$K8S_TLS_PORT
	K8S_CA_DATA=$(base64 <"$DIR/k8s-pki/ca.crt" | tr -d '\n')
	spawn k8s "$DIR/k8s/stdout" python3 "$K8S_FIXTURE" --dir "$DIR/k8s" \
		--port "$K8S_PORT" --token "$K8S_TOKEN" --churn 5 --tls-port "$K8S_TLS_PORT" \
		--ca-cert "$DIR/k8s-pki/ca.crt" --cert "$DIR/k8s-pki/server.crt" \
		--key "$DIR/k8s-pki/server.key"
else
	say "demo: no openssl: the Kubernetes fixture serves plain http only (kubectl steps will be refused)"
	spawn k8s "$DIR/k8s/stdout" python3 "$K8S_FIXTURE" --dir "$DIR/k8s" \
		--port "$K8S_PORT" --token "$K8S_TOKEN" --churn 5
fi
PID_k8s=$!

starting PostgreSQL
mkdir -p "$DIR/pg/run"
[ "$(id -u)" = 0 ] && chown postgres "$DIR/pg" "$DIR/pg/run"
as_pg "$PGBIN/initdb" -D "$DIR/pg/data" -U postgres -A trust >"$DIR/pg/initdb.log" 2>&1 ||
	fail PostgreSQL "$DIR/pg/initdb.log" "initdb failed"
cat >>"$DIR/pg/data/postgresql.conf" <<CONF
# amconsole demo
port = $PG_PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$DIR/pg/run'
max_connections = 20
shared_preload_libraries = 'pg_stat_statements'
max_parallel_workers_per_gather = 0
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
as_pg "$PGBIN/pg_ctl" -D "$DIR/pg/data" -l "$DIR/pg/run/log" -w -t 60 start >/dev/null 2>&1 ||
	fail PostgreSQL "$DIR/pg/run/log" "did not start"
say "$(head -1 "$DIR/pg/data/postmaster.pid") postgres" >>"$DIR/pids"
say "ok (127.0.0.1:$PG_PORT)"

printf 'loading the AtlasMesh schema (%s telemetry rows)… ' "$ROWS"
t=$(now)
pq() { psql -X -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 "$@"; }
{ pq -d postgres -c "CREATE DATABASE atlasmesh_fleet" &&
	pq -d atlasmesh_fleet -v rows="$ROWS" -f "$DEMO/schema.sql"; } >"$DIR/pg/schema.log" 2>&1 ||
	fail "the schema" "$DIR/pg/schema.log" "failed to load"
say "ok ($(since "$t") s)"

starting Redis
ready redis "$PID_redis" "$DIR/redis/redis.log" \
	sh -c "redis-cli -h 127.0.0.1 -p $REDIS_PORT ping | grep -q PONG"
say "ok (127.0.0.1:$REDIS_PORT)"

if [ "$KAFKA_MODE" = broker ]; then
	starting "ZooKeeper and the Kafka broker"
	ready kafka "$PID_kafka" "$DIR/kafka/out" grep -q '^BOOTSTRAP ' "$DIR/kafka/out"
else
	starting "the Kafka mock cluster"
	ready kafka "$PID_kafka" "$DIR/kafka/log" grep -q '^BOOTSTRAP ' "$DIR/kafka/out"
fi
KAFKA_BOOTSTRAP=$(sed -n 's/^BOOTSTRAP //p' "$DIR/kafka/out")
say "ok ($KAFKA_BOOTSTRAP)"

starting Alertmanager
ready alertmanager "$PID_alertmanager" "$DIR/am/log" curl -fs "http://127.0.0.1:$AM_PORT/-/ready"
say "ok (127.0.0.1:$AM_PORT)"

starting Prometheus
ready prometheus "$PID_prometheus" "$DIR/prom/log" curl -fs "http://127.0.0.1:$PROM_PORT/-/ready"
say "ok (127.0.0.1:$PROM_PORT)"

starting "the Kubernetes fixture API"
ready k8s "$PID_k8s" "$DIR/k8s/stdout" test -f "$DIR/k8s/ready"
render "$DEMO/kubeconfig.in" "$DIR/kubeconfig"
[ -z "${K8S_CA_DATA:-}" ] && sed -i '/certificate-authority-data/d' "$DIR/kubeconfig"
say "ok ($K8S_SERVER)"

starting "the load generator"
spawn load "$DIR/load.log" python3 "$DEMO/load.py" --dir "$DIR" --parent "$$" \
	--pg-port "$PG_PORT" --redis-port "$REDIS_PORT" --http-port "$LOAD_PORT" \
	--k8s-url "http://127.0.0.1:$K8S_PORT" --k8s-token-file "$DIR/k8s.token"
PID_load=$!
ready load "$PID_load" "$DIR/load.log" curl -fs "http://127.0.0.1:$LOAD_PORT/ready"
say "ok (slow queries, blocked sessions, Redis evictions, Kafka lag)"

render "$DEMO/config.yaml.in" "$DIR/config.yaml"
if [ "$KAFKA_MODE" = broker ]; then
	# A broker lists its groups, but not the Dead ones; it is older than
	# 0.10 (no ApiVersions request).
	sed -i -e '/^  # The mock cluster does not answer ListGroups/d' \
		-e 's/^  groups: .*/  # A 0.9 broker lists its groups but not the Dead ones: name those.\
  groups: [replay-group]\
  properties:\
    api.version.request: "false"\
    broker.version.fallback: "0.9.0.1"/' "$DIR/config.yaml"
fi
cat >"$DIR/env" <<ENV
DEMO_DIR='$DIR'
DEMO_CONFIG='$DIR/config.yaml'
DEMO_PID=$$
PG_PORT=$PG_PORT
PG_CONNINFO='host=127.0.0.1 port=$PG_PORT dbname=atlasmesh_fleet user=postgres'
REDIS_PORT=$REDIS_PORT
KAFKA_BOOTSTRAP='$KAFKA_BOOTSTRAP'
KAFKA_MODE=$KAFKA_MODE
PROM_URL=http://127.0.0.1:$PROM_PORT
AM_URL=http://127.0.0.1:$AM_PORT
LOAD_URL=http://127.0.0.1:$LOAD_PORT
K8S_URL=http://127.0.0.1:$K8S_PORT
K8S_SERVER=$K8S_SERVER
KUBECONFIG='$DIR/kubeconfig'
ENV
say "demo: up in $(since "$T0") s; everything is in $DIR"

if [ "${DEMO_NO_CONSOLE:-0}" = 1 ]; then
	say "config: $DIR/config.yaml"
	say "env: $DIR/env"
	say "run:  KUBECONFIG=$DIR/kubeconfig $AMCONSOLE --config $DIR/config.yaml --runbooks $REPO/runbooks"
	say "stop: Ctrl-C, or kill $$"
	while :; do
		sleep 1 &
		SLEEPER=$!
		wait "$SLEEPER"
	done
fi

# The console runs in the background of this script, with the terminal
# as its input, so that a signal to this script stops it too (a shell
# runs no trap while it waits for a foreground command). KUBECONFIG: the
# runbook's kubectl steps reach the fixture, never a cluster of yours.
exec 4<&0
KUBECONFIG="$DIR/kubeconfig" "$AMCONSOLE" --config "$DIR/config.yaml" \
	--runbooks "$REPO/runbooks" --audit-log "$DIR/audit.log" "$@" <&4 4<&- 3>&- &
CONSOLE=$!
exec 4<&-
wait "$CONSOLE"
rc=$?
CONSOLE=""
exit "$rc"
