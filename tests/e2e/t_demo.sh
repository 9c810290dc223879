#!/bin/sh
# t_demo.sh - `make demo` end to end: demo/demo.sh (with the built binary,
# as make demo runs it) in the private tmux. It takes over a stale lock;
# every panel shows live data from the servers it started; the runbook's
# kubectl step reaches the fixture; a second demo is refused while it
# runs and starts nothing; quitting the console stops
# every process the demo started and frees every port it listened on;
# and a demo killed with SIGKILL is cleaned up by its watchdog.
. tests/e2e/lib.sh
KMOCK=${KMOCK:-$(dirname "$AMCONSOLE")/tests/kafka_mock}
[ -x "$KMOCK" ] || { echo "ok - skipped: no $KMOCK (make it first)"; exit 0; }
for c in prometheus prometheus-alertmanager redis-server psql; do
	command -v "$c" >/dev/null || { echo "ok - skipped: no $c"; exit 0; }
done
AMBIN=$AMCONSOLE
DEMO_SH=$REPO/demo/demo.sh
# The lock and the demo's directory live under $T, apart from a real demo.
mkdir -p "$T/run" "$T/tmp" "$T/tmp2" "$T/tmp3"
# PostgreSQL runs as postgres when we are root: it must get through $T.
chmod 711 "$T" "$T/tmp" "$T/tmp2" "$T/tmp3"
LOCKF="$T/run/amconsole-demo-$(id -u).lock"
DEMO_ENV="AMCONSOLE='$AMBIN' KMOCK='$KMOCK' XDG_RUNTIME_DIR='$T/run' DEMO_ROWS=200000"

# running PID: alive and not a zombie waiting for init to reap it.
running() {
	st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)
	[ -n "$st" ] && [ "$st" != Z ]
}

# wait_match EXTENDED-REGEX SECONDS WHAT: until a screen line matches.
wait_match() { wait_until "$2" "$3" shows_re "$1"; }

# A stale lock: its pid is gone.
sh -c 'exit 0' &
dead=$!
wait "$dead"
echo "$dead $T/tmp/amconsole-demo.gone" >"$LOCKF"

# am_start runs $AMCONSOLE with the audit log option: demo.sh passes its
# arguments to the console.
AMCONSOLE=$DEMO_SH
AM_ENV="$DEMO_ENV TMPDIR='$T/tmp'"
am_start 160 45

# The demo's directory, and its env file once everything is up.
n=1200
while [ "$n" -gt 0 ]; do
	DDIR=$(ls -d "$T"/tmp/amconsole-demo.* 2>/dev/null | head -1)
	[ -n "$DDIR" ] && [ -s "$DDIR/env" ] && break
	pane_dead && { cat "$T/stderr"; fail "the demo exited while starting"; }
	sleep 0.1
	n=$((n - 1))
done
[ -s "${DDIR:-/nonexistent}/env" ] || { cat "$T/stderr"; fail "the demo did not come up in 120 s"; }
cp "$DDIR/pids" "$T/pids"
cp "$DDIR/env" "$T/env"
. "$T/env"
grep -q "removing a stale lock" "$T/raw" || fail "the stale lock was not reported"
[ "$(cut -d' ' -f1 "$LOCKF")" = "$DEMO_PID" ] ||
	fail "the lock does not name the running demo: $(cat "$LOCKF")"
ok "a stale lock is taken over; the demo is up"
for name in prometheus alertmanager redis kafka k8s postgres load watchdog; do
	grep -q " $name\$" "$T/pids" || fail "no $name in the demo's pids file"
done

# Every panel, live. Generous waits: the alerts need two scrapes and their
# `for`, the lag status a window of polls.
wait_for "Database Performance Issues" 30
ok "the runbook pane has the shipped guide"

focus alerts
keys z
wait_for "HighErrorRate" 90
wait_for "DatabaseConnectionsHigh" 60
wait_for "RedisEvictingKeys" 60
wait_for "HighResponseTime" 60
# Restarts counted from the fixture's pods (its churn restarts the
# CrashLoopBackOff pod).
wait_for "PodCrashLooping" 90
screen | grep -F "HighErrorRate" | grep -qF firing || fail "HighErrorRate is not firing"
wait_for "vehicle-gateway DOWN" 30
ok "alerts: the guide's rules fire from the demo's metrics; the health strip shows the down service"
keys z

focus slowq
keys z
wait_for "FROM vehicle_telemetry WHERE vehicle_id" 60
wait_match "conns 1[6-9]/20" 30 "the connection gauge does not show the leaking pool"
ok "slow queries: the unindexed telemetry query, connections near max_connections"
keys z

focus cache
keys z
wait_for "fleet-cache" 30
wait_match "\(evicted [1-9][0-9]*," 60 "no evictions on the Cache panel"
wait_for "policy allkeys-lru" 10
ok "cache: Redis at maxmemory, evicting"
keys z

focus lag
keys z
wait_for "leet-telemetry-group" 30
# (the selected row's first character is the selection mark)
wait_match "leet-telemetry-group +-? +-? +[1-9][0-9]* .* WARN " 90 \
	"fleet-telemetry-group is not shown lagging (WARN)"
ok "consumer lag: fleet-telemetry-group lags and its lag grows"
keys z

focus pods
keys z
wait_for "CrashLoopBackOff" 60
wait_for "ns atlasmesh-prod" 10
ok "pods: the fixture's atlasmesh-prod pods, one in CrashLoopBackOff"
keys z

# The runbook's kubectl steps reach the fixture (https, the demo's
# KUBECONFIG), not whatever cluster the environment names.
if command -v kubectl >/dev/null; then
	focus runbook
	keys z
	type_text "/"
	type_text "Startup"
	keys Enter # ends the filter
	keys Enter # opens the symptom
	wait_for "Check pod status" 10
	keys Enter
	wait_for "output: ok" 60
	# kubectl's READY and STATUS columns, as only its output has them
	wait_match "[0-9]/[0-9] +CrashLoopBackOff +[0-9]" 10 \
		"kubectl get pods did not list the CrashLoopBackOff pod"
	ok "the runbook's 'kubectl get pods -n atlasmesh-prod' lists the fixture's pods"
	keys BSpace
	keys z
else
	ok "# skip: no kubectl for the runbook's kubectl steps"
fi

# #13: the first glance says what is wrong, at a war-room size (the grid)
# and at 120x40 (tabs): the top line counts the findings, the Triage view
# lists the crashing pod, the lagging group, the connection gauge, the
# evictions and the firing alerts, and Enter on the crashing pod opens
# Service Startup Issues with <pod-name> already that pod.
triage_checks() { # SIZE
	wait_match "triage: [0-9]+ critical" 30 "$1: no findings count on the top line"
	focus triage
	keys z
	# (Esc in the filter clears it: the last round filtered this list)
	keys /
	keys Escape
	# (a narrow view drops SEV, SINCE and SOURCE: rows are matched on
	# OBJECT and WHAT, which always show)
	wait_match "atlasmesh-prod/vehicle-gateway-[a-z0-9-]+ +CrashLoopBackOff" 30 \
		"$1: the crashing pod is not in the Triage view"
	wait_match "fleet-telemetry-group +(WARN|STALL|STOP): lag [0-9]+" 60 \
		"$1: the lagging group is not in the Triage view"
	wait_match "connections +[0-9]+ of 20 connections in use" 30 \
		"$1: the connection gauge is not in the Triage view"
	wait_match "fleet-cache +evicting [0-9]+ keys/s" 30 \
		"$1: the evictions are not in the Triage view"
	wait_match "HighErrorRate .*critical" 30 "$1: the firing alert is not in the Triage view"
	ok "$1: the top line counts the findings; Triage lists the crashing pod, the lagging group, the connection gauge, the evictions, the firing alerts"
	keys /
	keys C-u
	type_text "CrashLoopBackOff"
	keys Enter
	keys Enter
	wait_for "Service Startup Issues" 10
	POD=$(screen | grep -oE "from the finding: pod-name=vehicle-gateway-[a-z0-9-]+" | head -1 | sed 's/.*=//')
	[ -n "$POD" ] || fail "$1: the runbook does not show the finding's pod"
	keys /
	keys C-u
	type_text "Describe problematic pod"
	keys Enter
	keys Enter
	wait_match "(pick a pod|pod-name)" 10 "$1: the step did not ask for its pod"
	keys Enter
	# The audit line of the run has the command with its value (kubectl
	# itself may be missing: the step then fails, the line is there).
	n=100
	while [ "$n" -gt 0 ] && ! grep -q "describe pod $POD -n atlasmesh-prod" "$AUDIT"; do
		sleep 0.1
		n=$((n - 1))
	done
	grep -q "describe pod $POD -n atlasmesh-prod" "$AUDIT" ||
		fail "$1: the step did not run on the finding's pod: $(grep describe "$AUDIT" | tail -1)"
	wait_match "^│ *[0-9]+ (ok|failed)" 30 "$1: the step did not finish"
	ok "$1: Enter on the crashing pod opens Service Startup Issues with <pod-name> = $POD"
	keys Escape
	keys BSpace
	# p: the finding's row in its own panel (the key bar is the panel's).
	focus triage
	keys /
	keys C-u
	type_text "fleet-telemetry-group"
	keys Enter
	keys p
	wait_for "ByLag" 5
	keys z
	wait_for "Consumer groups" 5
	screen | grep -qF "fleet-telemetry-group" ||
		fail "$1: p did not bring the group's row into view in the Consumer lag panel"
	ok "$1: p on the lagging group's finding jumps to its row in the Consumer lag panel"
	keys z
	focus triage
	keys /
	keys Escape
}
resize 200 55
triage_checks 200x55
resize 120 40
triage_checks 120x40
resize 160 45

# A second demo while this one runs: refused, and nothing started.
out=$(env AMCONSOLE="$AMBIN" KMOCK="$KMOCK" XDG_RUNTIME_DIR="$T/run" TMPDIR="$T/tmp2" \
	DEMO_NO_CONSOLE=1 timeout 60 sh "$DEMO_SH" 2>&1)
rc=$?
[ "$rc" = 2 ] || fail "a second demo exited $rc, not 2: $out"
echo "$out" | grep -qF "already running (pid $DEMO_PID" || fail "a second demo said: $out"
[ -z "$(ls "$T/tmp2")" ] || fail "a refused demo left $(ls "$T/tmp2")"
pgrep -f "$T/tmp2" >/dev/null && fail "a refused demo left processes running"
ok "a second demo is refused while one runs: $(echo "$out" | head -1)"

# Quit: the console, then everything the demo started.
keys q
wait_dead 60
[ "$(pane_status)" = 0 ] || fail "the demo exited $(pane_status)"
wait_for "demo: stopped" 5

# Nothing the demo started is alive or listening.
while read -r pid name; do
	running "$pid" && fail "$name (pid $pid) is still running"
done <"$T/pids"
pgrep -f "$DDIR" >/dev/null && fail "processes naming $DDIR remain: $(pgrep -af "$DDIR")"
ports="$PG_PORT $REDIS_PORT ${PROM_URL##*:} ${AM_URL##*:} ${LOAD_URL##*:} ${K8S_URL##*:} ${K8S_SERVER##*:} $(echo "$KAFKA_BOOTSTRAP" | tr ',' '\n' | sed 's/.*://' | tr '\n' ' ')"
for p in $ports; do
	python3 -c 'import socket, sys
s = socket.socket()
s.settimeout(2)
sys.exit(0 if s.connect_ex(("127.0.0.1", int(sys.argv[1]))) == 0 else 1)' "$p" &&
		fail "port $p is still listening"
done
[ -e "$DDIR" ] && fail "the demo's directory $DDIR is still there"
[ -e "$LOCKF" ] && fail "the lock is still there: $(cat "$LOCKF")"
ok "quitting stopped all $(wc -l <"$T/pids") processes, freed ports $ports, removed the directory and the lock"

# A demo killed outright (SIGKILL, no trap runs): its watchdog stops it.
env AMCONSOLE="$AMBIN" KMOCK="$KMOCK" XDG_RUNTIME_DIR="$T/run" TMPDIR="$T/tmp3" \
	DEMO_NO_CONSOLE=1 DEMO_ROWS=1000 sh "$DEMO_SH" >"$T/demo3.out" 2>&1 &
d3=$!
n=1200
while [ "$n" -gt 0 ]; do
	D3=$(ls -d "$T"/tmp3/amconsole-demo.* 2>/dev/null | head -1)
	[ -n "$D3" ] && [ -s "$D3/env" ] && break
	kill -0 "$d3" 2>/dev/null || { cat "$T/demo3.out"; fail "the third demo exited"; }
	sleep 0.1
	n=$((n - 1))
done
[ -s "${D3:-/nonexistent}/env" ] || { cat "$T/demo3.out"; fail "the third demo did not come up"; }
cp "$D3/pids" "$T/pids3"
kill -KILL "$d3"
n=300
while [ "$n" -gt 0 ]; do
	pgrep -f "$D3" >/dev/null || break
	sleep 0.1
	n=$((n - 1))
done
[ "$n" -gt 0 ] || fail "after SIGKILL, processes remain: $(pgrep -af "$D3")"
while read -r pid name; do
	running "$pid" && fail "after SIGKILL, $name (pid $pid) is still running"
done <"$T/pids3"
[ -e "$LOCKF" ] && fail "after SIGKILL, the lock is still there"
ok "a demo killed with SIGKILL is stopped by its watchdog, lock removed"
