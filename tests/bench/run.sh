#!/bin/sh
# make bench: figures for the notes, never asserted. The parts: the
# sanitiser's throughput, the Alerts panel's UI-thread time per refresh
# at 10,000 and 12,000 alerts (bench_alerts), of the Pods panel at 10,000
# pods (bench_pods) and of the Slow queries panel at 20,000 statements
# (bench_slowq), the Kafka backend at scale (kafka_scale.sh),
# runbook parsing, then the console against the tools operators use
# instead (console.sh + ptybench.py: first frame, memory, idle CPU and
# wake-ups, bytes per refresh, keystroke latency with every backend hung,
# write()s per frame and frames through a loopback sshd (wire.py), 10,000
# pods).
#   BENCH_QUICK=1  a smoke run: short windows, no Kafka scale, no callgrind
#   BENCH_LONG=1   adds the resident memory after 10 minutes
#   BENCH_MD=FILE  also writes the console table as Markdown
set -u
BUILD=${BUILD:-build}
AM="$PWD/$BUILD/amconsole"
SEED="${AM_SEED:-$PWD/../shared/seeds/000_87ab7a3ebe0b4121.txt}"
QUICK=${BENCH_QUICK:-0}
T=$(mktemp -d "${TMPDIR:-/tmp}/am-bench.XXXXXX")
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT TERM HUP
start=$(date +%s)

echo "== sanitiser"
"$BUILD/tests/bench/bench_sanitize"

echo "== alerts: the UI thread's share of a refresh at 10,000 and 12,000 alerts"
"$BUILD/tests/bench/bench_alerts" "$([ "$QUICK" = 1 ] && echo 5 || echo 15)"

echo "== pods: the UI thread's share of a refresh at 10,000 pods"
"$BUILD/tests/bench/bench_pods" "$([ "$QUICK" = 1 ] && echo 7 || echo 31)"

echo "== slow queries: the UI thread's share of a refresh at 20,000 statements"
"$BUILD/tests/bench/bench_slowq" "$([ "$QUICK" = 1 ] && echo 7 || echo 31)"

echo "== kafka: one refresh of 200 groups x 50 partitions (mock cluster)"
if [ "$QUICK" = 1 ]; then
	echo "skipped (BENCH_QUICK=1)"
else
	BUILD="$BUILD" ./tests/bench/kafka_scale.sh
fi

echo "== runbook parse (--dump-runbook of the guide, whole process)"
if [ -r "$SEED" ]; then
	n=200
	[ "$QUICK" = 1 ] && n=20
	t0=$(date +%s.%N)
	i=0
	while [ $i -lt $n ]; do "$AM" --dump-runbook "$SEED" >/dev/null; i=$((i + 1)); done
	t1=$(date +%s.%N)
	echo "$n runs: $(echo "($t1 - $t0) * 1000 / $n" | bc -l | cut -c1-5) ms per run"
	if [ "$QUICK" != 1 ] && command -v valgrind >/dev/null; then
		valgrind --tool=callgrind --callgrind-out-file="$T/cg" "$AM" --dump-runbook "$SEED" \
			>/dev/null 2>"$T/cg.err"
		echo "instructions (callgrind): $(grep -o 'Collected : [0-9]*' "$T/cg.err" | cut -d' ' -f3)"
	fi
else
	echo "skipped: no guide at $SEED (set AM_SEED)"
fi

echo "== console and peers (120x40, refresh 2 s, through a pty)"
BUILD="$BUILD" ./tests/bench/console.sh
echo "make bench took $(($(date +%s) - start)) s"
