# t_alerts_kafka_ping.sh - the health strip's Kafka cell: a metadata
# request to librdkafka's mock cluster (kafka.sh) shows up with its
# latency, and h lists the broker count; with every broker down the cell
# turns red, and the client kept between pings finds them again when they
# come back.
. tests/e2e/lib.sh
. tests/e2e/kafka.sh
kafka_start
AM_ENV="KAFKA_BOOTSTRAP_SERVERS=$KBOOT" am_start 200 40 --refresh 500ms --config "$KCONF"
focus alerts
keys z
wait_for "[kafka up" 20
screen | grep -qE "\[kafka up [0-9]+ms\]" || fail "no latency"
ok "kafka metadata cell up with latency"
keys h
wait_for "broker(s)" 5
ok "detail: $(screen | grep -o 'metadata: [0-9]* broker(s)' | head -1)"
keys h
kcmd down 1
kcmd down 2
kcmd down 3
wait_for "[kafka DOWN" 30
ok "every broker down: the kafka cell is red"
kcmd up 1
kcmd up 2
kcmd up 3
wait_for "[kafka up" 40
ok "brokers back: the cell is green again by itself"
keys q
wait_dead
