#!/bin/sh
# make bench: figures for the notes, never asserted. Runs the real binary
# in a private tmux server (torn down on exit) for the terminal figures.
set -u
BUILD=${BUILD:-build}
AM="$PWD/$BUILD/amconsole"
SEED="${AM_SEED:-$PWD/../shared/seeds/000_87ab7a3ebe0b4121.txt}"
T=$(mktemp -d "${TMPDIR:-/tmp}/am-bench.XXXXXX")
SOCK="$T/tmux.sock"
trap 'tmux -S "$SOCK" kill-server 2>/dev/null; rm -rf "$T"' EXIT INT TERM

echo "== sanitiser"
"$BUILD/tests/bench/bench_sanitize"

echo "== kafka: one refresh of 200 groups x 50 partitions (mock cluster)"
BUILD="$BUILD" ./tests/bench/kafka_scale.sh

echo "== runbook parse (--dump-runbook of the guide, whole process)"
n=200
t0=$(date +%s.%N)
i=0
while [ $i -lt $n ]; do "$AM" --dump-runbook "$SEED" >/dev/null; i=$((i + 1)); done
t1=$(date +%s.%N)
echo "$n runs: $(echo "($t1 - $t0) * 1000 / $n" | bc -l | cut -c1-5) ms per run"
if command -v valgrind >/dev/null; then
	valgrind --tool=callgrind --callgrind-out-file="$T/cg" "$AM" --dump-runbook "$SEED" \
		>/dev/null 2>"$T/cg.err"
	echo "instructions (callgrind): $(grep -o 'Collected : [0-9]*' "$T/cg.err" | cut -d' ' -f3)"
fi

echo "== terminal: start-up, bytes per key, idle bytes, memory (80x24)"
mkdir -p "$T/state"
printf 'set -g status off\nset -g default-terminal screen-256color\n' >"$T/tmux.conf"
t0=$(date +%s.%N)
tmux -S "$SOCK" -f "$T/tmux.conf" new-session -d -s b -x 80 -y 24 \
	"env XDG_STATE_HOME='$T/state' LANG=C.UTF-8 TERM=screen-256color '$AM' --runbooks runbooks"
tmux -S "$SOCK" pipe-pane -O -t b "cat >>'$T/raw'"
until tmux -S "$SOCK" capture-pane -p -t b | grep -q "Service Startup Issues"; do sleep 0.01; done
t1=$(date +%s.%N)
echo "first full frame after: $(echo "($t1 - $t0) * 1000" | bc -l | cut -c1-5) ms (incl. tmux start)"
sleep 0.5
b0=$(wc -c <"$T/raw")
for i in 1 2 3 4 5 6 7 8 9 10; do tmux -S "$SOCK" send-keys -t b j; sleep 0.1; done
for i in 1 2 3 4 5 6 7 8 9 10; do tmux -S "$SOCK" send-keys -t b k; sleep 0.1; done
sleep 0.3
b1=$(wc -c <"$T/raw")
echo "bytes sent per j/k keypress: $(( (b1 - b0) / 20 ))"
sleep 5
b2=$(wc -c <"$T/raw")
echo "bytes sent while idle for 5 s: $((b2 - b1))"
pid=$(tmux -S "$SOCK" display -p -t b '#{pane_pid}')
echo "resident memory with the guide loaded: $(ps -o rss= -p "$pid") KiB"
