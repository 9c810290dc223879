#!/bin/sh
# t_demo_broker.sh - `DEMO_KAFKA=broker make demo`: demo/demo.sh with a
# real Kafka 0.9.0.1 broker (demo/kafka_broker.sh) instead of the mock
# cluster, started with DEMO_NO_CONSOLE=1; a console on the config it
# wrote finds fleet-telemetry-group by itself (the config names only
# replay-group), Stable with one member whose lag grows, its partitions
# owned by fleet-telemetry-worker, and replay-group Dead with its lag; a
# SIGTERM to the demo stops the broker, ZooKeeper and the group's member.
. tests/e2e/lib.sh
KCONS=${KCONS:-$(dirname "$AMCONSOLE")/tests/kafka_consumer}
[ -x "$KCONS" ] || fail "no $KCONS (make builds it before the tests)"
for c in prometheus prometheus-alertmanager redis-server psql java; do
	command -v "$c" >/dev/null || fail "no $c: run tests/deps.sh"
done
. tests/e2e/kafka.sh # goto_lag
mkdir -p "$T/run" "$T/tmp"
# PostgreSQL runs as postgres when we are root: it must get through $T.
chmod 711 "$T" "$T/tmp"
XDG_RUNTIME_DIR="$T/run" TMPDIR="$T/tmp" DEMO_ROWS=20000 DEMO_NO_CONSOLE=1 DEMO_KAFKA=broker \
	AMCONSOLE="$AMCONSOLE" KCONS="$KCONS" setsid sh demo/demo.sh >"$T/demo.out" 2>&1 &
DEMO=$!
# demo_up: its env file is written (the demo failing to start fails the
# test at once, with its output).
demo_up() {
	kill -0 "$DEMO" 2>/dev/null || fail "the demo exited: $(tail -20 "$T/demo.out")"
	DDIR=$(ls -d "$T"/tmp/amconsole-demo.* 2>/dev/null | head -1)
	[ -n "$DDIR" ] && [ -s "$DDIR/env" ]
}
wait_until 180 "the demo did not come up: $(tail -5 "$T/demo.out")" demo_up
. "$DDIR/env"
[ "$KAFKA_MODE" = broker ] || fail "the demo's Kafka is $KAFKA_MODE"
grep -q "starting ZooKeeper and the Kafka broker… ok (127.0.0.1:" "$T/demo.out" ||
	fail "the demo did not say it started the broker: $(cat "$T/demo.out")"
ok "the demo is up with a real broker at $KAFKA_BOOTSTRAP"

am_start 160 40 --refresh 1s --config "$DEMO_CONFIG"
goto_lag
wait_re "fleet-telemetry-group +Stable +1 +[0-9]+ " 60
lag1=$(screen | grep -oE "fleet-telemetry-group +Stable +1 +[0-9]+" | awk '{ print $4 }')
wait_re "replay-group +Dead +0 +[0-9]+ " 10
ok "fleet-telemetry-group discovered, Stable with 1 member (lag $lag1); replay-group, named in the config, Dead"
grown() {
	l=$(screen | grep -oE "fleet-telemetry-group +Stable +1 +[0-9]+" | awk '{ print $4 }')
	[ -n "$l" ] && [ "$l" -gt "$lag1" ]
}
wait_until 20 "the lag of fleet-telemetry-group did not grow from $lag1" grown
ok "its lag grows with the demo's producer"
keys /
type_text "fleet-telemetry-group"
keys Enter
keys Enter
wait_for "Partitions of fleet-telemetry-group" 10
wait_re "vehicle-telemetry +0 +5 .*fleet-telemetry-worker//127\.0\.0\.1" 10
ok "its partitions are owned by fleet-telemetry-worker//127.0.0.1"
am_quit

# The demo stopped: nothing it started is left.
kill -TERM "$DEMO"
wait_until 30 "the demo did not stop" exited "$DEMO"
left() { pgrep -f "$DDIR" >/dev/null; }
wait_until 15 "left running: $(pgrep -af "$DDIR")" eval '! left'
grep -q "demo: stopped" "$T/demo.out" || fail "the demo did not say it stopped: $(tail -5 "$T/demo.out")"
ok "SIGTERM to the demo stops the broker, ZooKeeper and the group's member"
