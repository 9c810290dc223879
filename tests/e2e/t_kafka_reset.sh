# t_kafka_reset.sh - the lag panel's offset reset against librdkafka's
# mock cluster: a dry-run preview with the right numbers (replay-group
# sits at offset 5 on every partition), nothing changes without the typed
# group id, the confirmed reset moves the committed offsets (checked from
# the helper) with run/end audit lines, and --read-only refuses with a
# message and an audit line.
. tests/e2e/lib.sh
. tests/e2e/kafka.sh
kafka_console
wait_for "replay-group " 20
at_five() { [ "$(koffsets replay-group | awk '$2 == 5' | wc -l)" = 6 ]; }
until_ok 40 at_five
kcmd pause
# Select replay-group with the filter: the only row left.
keys /
type_text "replay"
keys Enter
wait_gone "keeping-up-group"
screen | sed 's/│/ /g' | grep -qE '^ *>?.?eplay-group ' || fail "replay-group is not shown"
keys R
wait_for "Topic to reset"
wait_for "vehicle-telemetry"
keys Enter
wait_for "Reset to:"
type_text "shift -2"
keys Enter
wait_for "Reset consumer group offsets" 20
wait_for "PARTITION"
for p in 0 1 2 3 4 5; do
	screen | grep -qE "(^|[ │])$p +5 +3 +replay 2" || fail "preview row for partition $p"
done
wait_for "In all: 0 messages skipped, 12 replayed."
ok "the preview shows partition, current 5, new 3, replay 2 for each partition"
keys Enter
keys y
[ "$(koffsets replay-group | awk '$2 == 5' | wc -l)" = 6 ] || fail "offsets moved without the typed group id"
keys BSpace
ok "Enter and y without the typed group id change nothing"
paste_never_confirms replay-group
[ "$(koffsets replay-group | awk '$2 == 5' | wc -l)" = 6 ] || fail "a pasted group id with a newline moved offsets"
ok "G-a the group id pasted with a newline (bracketed, or in one burst) changes nothing"
type_text "replay-group"
keys Enter
wait_for "offsets of replay-group on vehicle-telemetry reset to shift" 20
koffsets replay-group >"$T/after"
[ "$(awk '$2 == 3' "$T/after" | wc -l)" = 6 ] || fail "committed after the reset: $(cat "$T/after")"
ok "the confirmed reset moved the committed offsets to 3 (helper: $(head -1 "$T/after"))"
audited run 'reset offsets.*replay-group'
audited end 'reset offsets.*replay-group.*"status":"ok"'
ok "audit lines before and after"
# A second preview, to earliest: replay 3 per partition.
keys R
wait_for "Topic to reset"
keys Enter
wait_for "Reset to:"
type_text "earliest"
keys Enter
wait_for "Reset consumer group offsets" 20
screen | grep -qE "(^|[ │])0 +3 +0 +replay 3" || fail "earliest preview"
keys Escape
wait_for "cancelled: no offsets were changed"
[ "$(koffsets replay-group | awk '$2 == 3' | wc -l)" = 6 ] || fail "a cancelled reset changed offsets"
ok "to earliest: preview right, cancel changes nothing"
keys q
wait_dead
# --read-only refuses.
tm kill-server
sleep 0.3
rm -f "$T/exit"
AM_ENV="KAFKA_BOOTSTRAP_SERVERS=$KBOOT" am_start 160 40 --refresh 500ms --config "$KCONF" --read-only
goto_lag
wait_for "replay-group " 20
keys R
wait_for "read-only mode: refused reset offsets"
screen | grep -qF "Topic to reset" && fail "read-only asked for a topic"
audited refused 'reset offsets'
[ "$(koffsets replay-group | awk '$2 == 3' | wc -l)" = 6 ] || fail "read-only changed offsets"
ok "--read-only refuses the reset, with a message and an audit line"
keys q
wait_dead
