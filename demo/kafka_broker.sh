#!/bin/sh
# kafka_broker.sh - the Kafka of `make demo` with DEMO_KAFKA=broker: a real
# Apache Kafka 0.9.0.1 broker with its ZooKeeper (tests/kafka_broker.sh
# starts them, as for the end-to-end tests), on free loopback ports, every
# file in DIR. It makes the topic vehicle-telemetry (6 partitions), then,
# through tests/kafka_consumer:
#
#   fleet-telemetry-group  a member (client fleet-telemetry-worker) that
#                          committed offset 5 and pauses: Stable, and its
#                          lag grows with the producer
#   replay-group           committed offset 5 and left: a 0.9 broker calls
#                          it Dead and does not list it (the demo's config
#                          names it in kafka.groups)
#   the producer           10 messages per partition every 2 s
#
# It prints "BOOTSTRAP host:port" once all of that is up, and runs until
# SIGTERM, SIGINT or SIGHUP, when it stops the JVMs by PID (demo.sh also
# signals its whole process group).
#
# Usage: kafka_broker.sh DIR KAFKA_CONSUMER   (start, as above)
#        kafka_broker.sh --install DIR        (fetch the jars once, and exit)
set -u
REPO=$(cd "$(dirname "$0")/.." && pwd)
fail() {
	printf 'kafka broker: %s\n' "$*" >&2
	exit 1
}
if [ "${1:-}" = --install ]; then
	T=$2
	. "$REPO/tests/kafka_broker.sh"
	kbroker_install
	exit 0
fi
T=$1
KCONS=$2
[ -x "$KCONS" ] || fail "$KCONS is missing (make builds it)"
. "$REPO/tests/e2e/wait.sh"
. "$REPO/tests/kafka_broker.sh"
trap 'exit 0' TERM INT HUP
trap 'exec 5>&-; kbroker_stop' EXIT

kbroker_start
kbroker_topic 6 vehicle-telemetry
"$KCONS" produce "$KBOOT" vehicle-telemetry 20 "$T" >/dev/null || fail "the first messages were not produced"
"$KCONS" member "$KBOOT" replay-group vehicle-telemetry 5 replay-worker "$T" </dev/null \
	>"$T/replay.out" 2>&1 || fail "replay-group: $(cat "$T/replay.out")"
# The member keeps its place in the group until its input ends (fd 5,
# closed when this script exits).
mkfifo "$T/member.in"
"$KCONS" member "$KBOOT" fleet-telemetry-group vehicle-telemetry 5 fleet-telemetry-worker "$T" \
	<"$T/member.in" >"$T/member.out" 2>&1 &
exec 5>"$T/member.in"
wait_until 60 "fleet-telemetry-group did not join: $(cat "$T/member.out")" \
	grep -q '^joined' "$T/member.out"
printf 'BOOTSTRAP %s\n' "$KBOOT"
while :; do
	"$KCONS" produce "$KBOOT" vehicle-telemetry 10 "$T" >/dev/null 2>&1
	sleep 2 &
	wait $!
done
