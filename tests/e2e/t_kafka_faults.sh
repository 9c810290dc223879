# t_kafka_faults.sh - all three mock brokers set down
# (rd_kafka_mock_broker_set_down): the lag panel shows the error and the
# age of its data within a few refresh intervals (every librdkafka call
# has a timeout) while the keys still answer; set up again, it recovers
# by itself.
. tests/e2e/lib.sh
. tests/e2e/kafka.sh
kafka_console
wait_for "fleet-telemetry-group " 20
wait_for "ok  fetch" 10
kcmd down 1
kcmd down 2
kcmd down 3
wait_for "STALE" 30
wait_for "stale " 5
wait_for "retry in" 5
ok "brokers down: STALE with the age, the error and the retry"
keys t
wait_for "Topics: leader, replicas, in-sync replicas" 3
keys o
wait_for "Consumer groups, " 3
keys '?'
wait_for "Help" 3
keys Escape
ok "keys still answer while the brokers are down"
kcmd up 1
kcmd up 2
kcmd up 3
wait_gone "STALE" 60
wait_for "ok  fetch" 10
ok "brokers up: it recovers by itself"
keys q
wait_dead
grep -q "Assertion" "$T/stderr" && fail "librdkafka assertion: $(cat "$T/stderr")"
ok "the console exits cleanly"
