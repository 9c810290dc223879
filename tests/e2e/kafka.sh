# kafka.sh - the Kafka mock cluster for the Kafka end-to-end tests,
# sourced after lib.sh: tests/kafka_mock (librdkafka's mock cluster, 3
# brokers, producing and committing; see tests/kafka_mock.c) started with
# a $T path in its argv, so lib.sh's exit trap stops it, reading commands
# from a fifo in $T. kafka_start sets KBOOT to its bootstrap string and
# writes $KCONF, a config naming the three groups (Debian's librdkafka
# 2.0.2 mock does not answer ListGroups).
KMOCK=${KMOCK:-$(dirname "$AMCONSOLE")/tests/kafka_mock}
[ -x "$KMOCK" ] || { echo "ok - skipped: no $KMOCK (make it first)"; exit 0; }
KDIR="$T/kafka"
KCONF="$T/kafka.yaml"
mkdir -p "$KDIR"
mkfifo "$KDIR/in"
cat >"$KCONF" <<CONF
kafka:
  groups:
    - fleet-telemetry-group
    - keeping-up-group
    - replay-group
CONF

kafka_start() {
	"$KMOCK" "$KDIR/mock" <"$KDIR/in" >"$KDIR/out" 2>"$KDIR/err" &
	KPID=$!
	exec 3>"$KDIR/in"
	until_ok 10 kafka_booted && return 0
	fail "kafka_mock did not start: $(cat "$KDIR/err")"
}
kafka_booted() {
	KBOOT=$(sed -n 's/^BOOTSTRAP //p' "$KDIR/out")
	[ -n "$KBOOT" ]
}

# kafka_console: the mock cluster up, and the console on it (160x40,
# refresh 500ms) with the Consumer lag panel focused.
kafka_console() {
	kafka_start
	AM_ENV="KAFKA_BOOTSTRAP_SERVERS=$KBOOT" am_start 160 40 --refresh 500ms --config "$KCONF"
	goto_lag
}

# kcmd WORDS: send one command to the mock.
kcmd() { echo "$*" >&3; }

# koffsets GROUP: print "partition committed end" for vehicle-telemetry.
# (A fresh tag each call: it often runs in a $(...) subshell.)
koffsets() {
	tag="Q$(date +%s%N)"
	kcmd offsets "$1" "$tag"
	until_ok 10 grep -q "^$tag done" "$KDIR/out"
	grep "^$tag vehicle-telemetry " "$KDIR/out" | awk '{print $3, $4, $5}'
}

# goto_lag: focus the Consumer lag panel (look for its key bar).
goto_lag() { goto_panel ByLag "Consumer lag"; }

# lag_row GROUP: the group's row on screen.
lag_row() { screen | grep -F "$1 " | head -1; }
