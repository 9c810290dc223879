# t_kafka_lag.sh - the Consumer lag panel against librdkafka's mock
# cluster (tests/kafka_mock.c): the groups come from kafka.groups with the
# note that the brokers do not list them; the lagging group turns WARN
# while the keeping-up group stays OK; a group that stops committing
# turns STOP; with production paused, each partition's lag on screen is
# the helper's end minus committed; the topic view shows leaders,
# replicas and ISR; in the grid, GROUP is whole and the groups come
# trouble first until L sorts them by lag.
. tests/e2e/lib.sh
. tests/e2e/kafka.sh
kafka_console
wait_for "groups from configuration: the brokers do not list groups" 20
wait_for "keeping-up-group" 20
ok "groups from kafka.groups, with the note"
# The grid (200x55): the Consumer lag cell lists trouble first and shows
# each GROUP whole, not cut to make room for STATE or MEMBERS.
tm resize-window -t am -x 200 -y 55
# (the header reads the same in tabs: wait for the grid itself)
wait_for "1 Runbook ─" 10
wait_for "Consumer groups, trouble first" 10
for g in fleet-telemetry-group keeping-up-group replay-group; do
	until_ok 5 shows_re "│$g  *[A-Za-z-]"
	screen | grep -q "│$g  *[A-Za-z-]" || fail "grid: GROUP $g is cut: $(screen | grep -F "${g%-group}" | head -1)"
done
ok "grid 200x55: GROUP whole in the Consumer lag cell, trouble first in the header"
tm resize-window -t am -x 160 -y 40
wait_gone "Runbook ─" 5
# in_state GROUP STATE: the group's row shows STATE.
in_state() { lag_row "$1" | grep -q " $2 "; }
wait_until 30 "fleet-telemetry-group is not WARN" in_state fleet-telemetry-group WARN
ok "the lagging group turns WARN"
for i in 1 2 3 4 5 6 7 8 9 10; do
	in_state keeping-up-group OK || fail "keeping-up-group is not OK: $(lag_row keeping-up-group)"
	sleep 0.3
done
ok "the keeping-up group stays OK"
kcmd stopcommit keeping-up-group
wait_until 40 "keeping-up-group did not turn STOP" in_state keeping-up-group STOP
ok "a group that stops committing turns STOP"
# Freeze the cluster, then compare every partition with the helper.
kcmd pause
sleep 3
keys L
koffsets replay-group >"$T/want"
[ "$(wc -l <"$T/want")" = 6 ] || fail "helper offsets: $(cat "$T/want")"
# replay-group lags most: the first row under "by lag".
lag_row replay-group >/dev/null
# Found with the filter, which stays with the groups list: the partition
# view shows every partition of the group.
keys /
type_text "replay"
keys Enter
wait_for "filter: replay"
keys Enter
wait_for "Partitions of replay-group"
hides "filter: replay" || fail "the groups' filter is shown over the partitions"
screen | sed 's/│/ /g' | awk '$1 == "vehicle-telemetry" { print $2, $3, $4, $5 }' >"$T/got"
[ "$(wc -l <"$T/got")" = 6 ] || fail "partition rows: $(cat "$T/got")"
while read -r p c e; do
	grep -qx "$p $c $e $((e - c))" "$T/got" ||
		fail "partition $p: want committed $c end $e lag $((e - c)), got: $(grep "^$p " "$T/got")"
done <"$T/want"
ok "each partition's lag equals end - committed as the helper reports ($(head -1 "$T/want"))"
keys t
wait_for "Topics: leader, replicas, in-sync replicas"
wait_for "fleet-commands"
screen | grep -qE 'vehicle-telemetry +5 +[123] +[123],[123],[123] +[123],[123],[123] +ok' ||
	fail "no topic row with leader, replicas and ISR"
ok "the topic view shows partitions, leader, replicas and ISR"
keys o
wait_for "Consumer groups, by lag"
wait_for "filter: replay"
hides "keeping-up-group" || fail "back on the groups list, its filter no longer applies"
ok "the / filter is each list's own: the groups' filter stays with the groups"
keys q
wait_dead
