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
	for p in $(jobs -p) $started; do
		kill "$p" 2>/dev/null
	done
	sleep 0.3
	# Whatever is left of ours carries $T on its command line.
	for p in $(pgrep -f "$T"); do
		kill -KILL "$p" 2>/dev/null
	done
	rm -rf "$T"
}
trap 'cleanup' EXIT
trap 'exit 130' INT TERM HUP

# The peers: Debian packages, installed only when we may.
missing=
command -v htop >/dev/null || missing="$missing htop"
command -v pg_activity >/dev/null || missing="$missing pg-activity"
if [ -n "$missing" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
	echo "   installing peers:$missing" >&2
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing \
		>"$T/apt.log" 2>&1 || echo "   apt-get failed; those peers print n/a" >&2
fi

# The servers. The e2e helpers want lib.sh's fail and cleanup, defined above.
export PGPORT= RPORT=
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
PROM_URL= AM_URL= FAKE_URL=
if command -v prometheus >/dev/null && command -v prometheus-alertmanager >/dev/null; then
	. "$REPO/tests/e2e/prom.sh"
	prom_start
fi

# The Kubernetes rows wait for the backend, the panel and the fixture.
BENCH_K8S=ready
for f in backends/k8s.c panels/pods.c tests/k8s_fixture.py tests/e2e/k8s.sh; do
	if [ ! -f "$f" ]; then
		BENCH_K8S="$f not there yet"
		break
	fi
done
if [ "$BENCH_K8S" = ready ] && grep -q 'not implemented yet' backends/k8s.c; then
	BENCH_K8S="backends/k8s.c not implemented yet"
fi
export BENCH_K8S

{
	[ -n "$PGPORT" ] && printf 'postgres:\n  conninfo: "host=127.0.0.1 port=%s dbname=amtest user=postgres"\n' "$PGPORT"
	[ -n "$RPORT" ] && printf 'redis:\n  instances:\n    - {name: cache, url: "redis://127.0.0.1:%s/0"}\n' "$RPORT"
	[ -n "$KBOOT" ] && printf 'kafka:\n  bootstrap: "%s"\n  groups: [fleet-telemetry-group, keeping-up-group, replay-group]\n' "$KBOOT"
	if [ -n "$AM_URL" ]; then
		printf 'alertmanager:\n  urls: ["%s"]\nprometheus:\n  url: "%s"\n' "$AM_URL" "$PROM_URL"
		printf 'health:\n  - {name: fleet-manager, url: "%s/health"}\n' "$FAKE_URL"
	fi
} >"$T/all.yaml"

AM="$AMCONSOLE" AM_RUNBOOKS="$REPO/runbooks" AM_CONF="$T/all.yaml" BENCH_T="$T" \
	AM_VERSION="$("$AMCONSOLE" --version 2>/dev/null | head -1)" \
	python3 "$REPO/tests/bench/ptybench.py"
