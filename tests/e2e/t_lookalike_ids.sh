# t_lookalike_ids.sh - identifiers that are ASCII by rule (#21 item 4),
# on real servers: a Kafka consumer group "rеplay-group" with a Cyrillic
# "е" (U+0435) on librdkafka's mock cluster, and a Redis instance named
# "cаche" with a Cyrillic "а" (U+0430) on a real redis-server. The lag
# panel spells the group id out (r\u0435play-group) with the escape in
# the error colour; the reset's typed confirmation wants that spelling
# (the Latin look-alike it shows is refused, nothing moves), and the
# spelled-out text confirms. The Cache panel, its FLUSHDB confirmation
# and its messages spell the instance out the same way.
. tests/e2e/lib.sh
. tests/e2e/kafka.sh
. tests/e2e/redis.sh
LOOK=$(printf 'r\320\265play-group') # r, Cyrillic ie, "play-group"
cat >>"$KCONF" <<CONF
    - $LOOK
CONF
kafka_start
kcmd commit "$LOOK" 7
at_seven() { [ "$(koffsets "$LOOK" | awk '$2 == 7' | wc -l)" = 6 ]; }
until_ok 20 at_seven || fail "the mock did not commit for the lookalike group"
AM_ENV="KAFKA_BOOTSTRAP_SERVERS=$KBOOT" am_start 160 40 --refresh 500ms --config "$KCONF"
goto_lag
wait_for 'r\u0435play-group' 20
# The escape is drawn in another colour than the letters around it: in
# tmux's capture with attributes, a colour change comes right before it
# and another right after.
tm capture-pane -p -e -t am | grep 'u0435' | grep 'play-group' >"$T/attrs"
grep -qE "$(printf 'r(\033\\[[0-9;]*m)+\\\\u0435(\033\\[[0-9;]*m)+play')" "$T/attrs" ||
	{ od -c "$T/attrs" | head; fail "the escape is not set apart by colour"; }
ok "the lag panel spells the lookalike group id out: r\\u0435play-group"
keys /
type_text "u0435"
keys Enter
wait_gone "keeping-up-group"
keys R
wait_for "Topic to reset"
keys Enter
wait_for "Reset to:"
type_text "shift -2"
keys Enter
wait_for "Reset consumer group offsets" 20
wait_for 'Group r\u0435play-group, topic vehicle-telemetry'
wait_for "Not ASCII: spelled out as"
screen | grep -qF 'Type r\u0435play-group to confirm' || fail "the typed confirmation does not show the spelling"
ok "the reset preview and its typed confirmation spell the group id out"
type_text "replay-group"
keys Enter
wait_for "the typed text does not match"
[ "$(koffsets "$LOOK" | awk '$2 == 7' | wc -l)" = 6 ] || fail "the Latin look-alike moved offsets"
ok "typing the Latin look-alike is refused; nothing moves"
for i in 1 2 3 4 5 6 7 8 9 10 11 12; do keys BSpace; done
type_text 'r\u0435play-group'
keys Enter
wait_for 'offsets of r\u0435play-group on vehicle-telemetry reset to shift' 20
[ "$(koffsets "$LOOK" | awk '$2 == 5' | wc -l)" = 6 ] || fail "the confirmed reset did not move offsets to 5"
ok "the spelled-out group id confirms, and the reset moves the lookalike group to 5"
keys q
wait_dead
# Redis: an instance named with a Cyrillic "а".
tm kill-server
sleep 0.3
rm -f "$T/exit"
redis_start
rcli SET k1 v >/dev/null
INST=$(printf 'c\320\260che')
cat >"$T/redis.yaml" <<YAML
redis:
  instances:
    - {name: "$INST", url: "redis://127.0.0.1:$RPORT/0"}
YAML
am_start 160 40 --refresh 500ms --config "$T/redis.yaml"
goto_cache
wait_for 'c\u0430che' 20
keys f
wait_for 'Type c\u0430che to confirm'
type_text "cache"
keys Enter
wait_for "the typed text does not match"
[ "$(rcli DBSIZE)" = 1 ] || fail "FLUSHDB ran on the Latin look-alike"
for i in 1 2 3 4 5; do keys BSpace; done
type_text 'c\u0430che'
keys Enter
wait_for 'FLUSHDB on c\u0430che ok' 20
[ "$(rcli DBSIZE)" = 0 ] || fail "FLUSHDB did not flush"
ok "the Cache panel and FLUSHDB spell the instance out; only the spelling confirms"
keys q
wait_dead
