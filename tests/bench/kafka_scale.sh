#!/bin/sh
# kafka_scale.sh - the Kafka backend at scale (issue 5: "200 groups x 50
# partitions refresh within one interval"): starts tests/kafka_mock
# --scale 5 10 200 (5 topics x 10 partitions, 200 groups with committed
# offsets on all of them), writes the config naming the 200 groups, and
# runs bench_kafka against it: ms per refresh, requests per refresh, and
# refreshes with brokers down. Figures only, never asserted.
set -u
BUILD=${BUILD:-build}
TOPICS=${KAFKA_SCALE_TOPICS:-5}
PARTS=${KAFKA_SCALE_PARTS:-10}
NGROUPS=${KAFKA_SCALE_GROUPS:-200}
POLLS=${KAFKA_SCALE_POLLS:-10}
T=$(mktemp -d "${TMPDIR:-/tmp}/am-kbench.XXXXXX")
KPID=
trap '[ -n "$KPID" ] && kill "$KPID" 2>/dev/null; rm -rf "$T"' EXIT INT TERM

mkfifo "$T/in"
"$BUILD/tests/kafka_mock" --scale "$TOPICS" "$PARTS" "$NGROUPS" "$T/mock" \
	<"$T/in" >"$T/out" 2>"$T/err" &
KPID=$!
exec 3>"$T/in"
n=300
boot=
while [ "$n" -gt 0 ]; do
	boot=$(sed -n 's/^BOOTSTRAP //p' "$T/out")
	[ -n "$boot" ] && break
	kill -0 "$KPID" 2>/dev/null || break
	sleep 0.1
	n=$((n - 1))
done
if [ -z "$boot" ]; then
	echo "kafka_mock --scale did not start: $(cat "$T/err")"
	exit 0
fi
{
	printf 'kafka:\n  bootstrap: "%s"\n  groups:\n' "$boot"
	g=0
	while [ "$g" -lt "$NGROUPS" ]; do
		printf '    - scale-group-%d\n' "$g"
		g=$((g + 1))
	done
} >"$T/kafka.yaml"
echo "$TOPICS topics x $PARTS partitions, $NGROUPS groups (librdkafka mock, 3 brokers)"
"${BENCH_KAFKA:-$BUILD/tests/bench/bench_kafka}" "$T/kafka.yaml" "$POLLS" "$T/in"
