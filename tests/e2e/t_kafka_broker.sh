# t_kafka_broker.sh - the Consumer lag panel against a real Apache Kafka
# 0.9.0.1 broker (tests/kafka_broker.sh; the mock cluster answers neither
# ListGroups nor DescribeGroups), started once for the whole file. Groups
# on topic orders (3 partitions, 20 messages each), through
# tests/kafka_consumer: billing has a member (client billing-worker) at
# offset 5 and is named nowhere; shipping has a member at offset 10 and is
# in kafka.groups; archive committed 8 and left (a 0.9 broker calls a
# group without members Dead and does not list it) and is in
# kafka.groups. Checks: without api.version.request=false the error says
# what it likely means; with it, billing is discovered, Stable with 1
# member and lag 45, and its partitions show their owner
# billing-worker//127.0.0.1; archive is shown Dead with lag 36; the reset
# of shipping is refused while its member is there, then previewed and
# applied after the member leaves, and the offsets read back from the
# broker equal the preview; the broker killed: STALE with the age;
# restarted: it recovers by itself.
. tests/e2e/lib.sh
KCONS=${KCONS:-$(dirname "$AMCONSOLE")/tests/kafka_consumer}
[ -x "$KCONS" ] || fail "no $KCONS (make builds it before the tests)"
. tests/kafka_broker.sh
. tests/e2e/kafka.sh # goto_lag (the mock itself is not started)
kbroker_start
kbroker_topic 3 orders
ok "ZooKeeper and a Kafka $KBROKER_VERSION broker up in ${KBROKER_START_S}s on $KBOOT"
"$KCONS" produce "$KBOOT" orders 20 "$T" >/dev/null || fail "produce"
"$KCONS" member "$KBOOT" archive orders 8 archive-worker "$T" </dev/null >"$T/archive.out" ||
	fail "archive: $(cat "$T/archive.out")"
# member NAME OFFSET: a member of group NAME in the background, told to
# leave through fd 4 (billing) or 5 (shipping).
mkfifo "$T/billing.in" "$T/shipping.in"
"$KCONS" member "$KBOOT" billing orders 5 billing-worker "$T" <"$T/billing.in" >"$T/billing.out" 2>&1 &
exec 4>"$T/billing.in"
"$KCONS" member "$KBOOT" shipping orders 10 shipping-worker "$T" <"$T/shipping.in" >"$T/shipping.out" 2>&1 &
exec 5>"$T/shipping.in"
joined() { grep -q "^joined" "$T/$1.out"; }
wait_until 60 "billing did not join: $(cat "$T/billing.out")" joined billing
wait_until 60 "shipping did not join: $(cat "$T/shipping.out")" joined shipping
ok "billing and shipping have a member each, archive has none"
# only GROUP: filter the groups down to GROUP's row.
only() {
	keys /
	keys C-u
	type_text "$1"
	keys Enter
	wait_for "filter: $1"
}

# Without the two properties a 0.9 broker drops the connection.
cat >"$T/k.yaml" <<CONF
kafka:
  bootstrap: "$KBOOT"
CONF
am_start 160 40 --refresh 500ms --config "$T/k.yaml"
goto_lag
wait_for "broker older than 0.10? set kafka.properties api.version.request: false" 20
ok "without api.version.request=false: the error says the broker is likely older than 0.10"
am_quit

cat >"$T/k.yaml" <<CONF
kafka:
  bootstrap: "$KBOOT"
  groups: [archive, shipping]
$KBROKER_YAML
CONF
am_start 160 40 --refresh 500ms --config "$T/k.yaml"
goto_lag
wait_re "billing +Stable +1 +45 " 30
ok "billing discovered (not in kafka.groups): Stable, 1 member, lag 45"
wait_re "archive +Dead +0 +36 " 10
ok "archive, named in kafka.groups, shown Dead with its lag 36"
hides "groups from configuration" || fail "the note says the groups come from configuration"
only billing
keys Enter
wait_for "Partitions of billing"
for p in 0 1 2; do
	wait_re "orders +$p +5 +20 +15 .*billing-worker//127\.0\.0\.1" 5
done
ok "the partition view shows each partition's owner billing-worker//127.0.0.1"
keys o
wait_for "Consumer groups, "

# The reset: refused while shipping has its member.
only shipping
wait_re "shipping +Stable +1 +30 " 10
keys R
wait_for "refused: group shipping has 1 active member(s); stop the consumers first"
ok "the reset of shipping is refused while it has a member"
echo leave >&5
wait_until 20 "shipping's member did not leave" grep -q "^left" "$T/shipping.out"
wait_re "shipping +Dead +0 +30 " 20
keys R
wait_for "Topic to reset"
wait_for "orders"
keys Enter
wait_for "Reset to:"
type_text "shift -3"
keys Enter
wait_for "Reset consumer group offsets" 20
wait_for "In all: 0 messages skipped, 9 replayed."
screen | sed 's/│/ /g' | awk '$1 ~ /^[0-9]+$/ && $4 == "replay" { print $1, $3 }' | sort >"$T/preview"
[ "$(wc -l <"$T/preview")" = 3 ] || fail "preview rows: $(cat "$T/preview")"
ok "the preview: 10 to 7 on each partition ($(tr '\n' ' ' <"$T/preview"))"
type_text "shipping"
keys Enter
wait_for "offsets of shipping on orders reset to shift" 20
"$KCONS" offsets "$KBOOT" shipping orders "$T" | awk '$1 != "done" { print $1, $2 }' | sort >"$T/after"
cmp -s "$T/preview" "$T/after" || fail "committed offsets $(cat "$T/after") differ from the preview $(cat "$T/preview")"
ok "the committed offsets read back from the broker equal the preview"
wait_re "shipping +Dead +0 +39 " 10
ok "the panel shows the new lag 39"

# The broker killed, then restarted.
wait_for "ok  fetch" 10
kbroker_kill
wait_for "STALE" 30
wait_re "stale [0-9]+s" 5
ok "broker killed: STALE with the age"
kbroker_restart
wait_gone "STALE" 60
wait_for "ok  fetch" 10
wait_re "shipping +Dead +0 +39 " 30
ok "broker restarted: it recovers by itself"
echo leave >&4
keys q
wait_dead
kbroker_stop
grep -q "Assertion" "$T/stderr" && fail "librdkafka assertion: $(cat "$T/stderr")"
ok "the console exits cleanly"
