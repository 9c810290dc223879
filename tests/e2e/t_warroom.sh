#!/bin/sh
# t_warroom.sh - a war room through a real redis-server: a presenter at
# 200x55 with a Redis source, followers at 120x40 and 80x24 with no
# source of their own. The followers show the presenter's data (the
# Cache panel's figures), follow its focus and its incident, look around
# on their own with f; a follower's note lands in the presenter's
# timeline under its name; a follower's Enter on a step runs nothing; a
# late follower catches up; a forged message is refused and counted; the
# engine stopped and started again: both sides say so and resume by
# themselves; the presenter's quit is announced.
. tests/e2e/lib.sh
RMAXMEM=64mb
. tests/e2e/redis.sh
redis_start
redis_fill fleet: 300 100
use_shipped_runbooks
cat >"$T/runbooks/zz.md" <<'MD'
# Zz

## Zz drill

```bash
# Zz step
echo warroom-step-42
```
MD
printf '%s\n' "bridge-secret-0123456789abcdef" >"$T/secret"
chmod 600 "$T/secret"
WR="redis://127.0.0.1:$RPORT/1"

cat >"$T/p.yaml" <<CONF
redis:
  instances:
    - {name: fleet-cache, url: "redis://127.0.0.1:$RPORT/0"}
warroom:
  redis: "$WR"
  secret_file: "$T/secret"
  name: alice
CONF
for who in bob carol; do
	cat >"$T/$who.yaml" <<CONF
warroom:
  redis: "$WR"
  secret_file: "$T/secret"
  name: $who
CONF
done

# on SOCKET: the lib's helpers act on that console's tmux from now on.
on() { SOCK=$1; }
am_start 200 55 --present bridge --config "$T/p.yaml" --runbooks "$T/runbooks" --refresh 1s
P=$SOCK
wait_for "presenting bridge" 15
focus cache
wait_for "db0=300 keys" 15
ok "the presenter presents bridge, its Cache panel live"

am_start 120 40 --follow bridge --config "$T/bob.yaml" --runbooks "$T/runbooks"
B=$SOCK
wait_for "following alice in bridge" 25
wait_for "READ-ONLY" 5
wait_for "db0=300 keys" 15
ok "bob follows alice: read-only, the Cache panel shows the presenter's Redis (300 keys) with no source of its own"

on "$P"
wait_for "1 following: bob" 10
ok "the presenter's top line says who follows"

# The focus follows; f looks around; f again follows.
on "$P"
focus runbook
on "$B"
wait_re "Runbook" 5
on "$P"
focus cache
on "$B"
wait_for "MemKeys" 5
keys f
wait_for "looking around" 5
on "$P"
focus runbook
sleep 2
on "$B"
shows "MemKeys" || fail "bob, looking around, was moved off the Cache panel"
keys f
wait_gone "MemKeys" 10
ok "bob follows alice's focus; with f he stays where he looks, f again follows"

# The incident and a note.
on "$P"
keys '!'
wait_for "Incident severity"
keys 1
wait_for "P1 High"
on "$B"
wait_for "P1 High" 10
keys n
type_text "cache hit ratio looks fine"
keys Enter
# (said, then replaced by the note as alice's timeline shows it)
wait_re "(note sent to alice|note from bob: cache hit ratio looks fine)" 5
on "$P"
wait_for "note from bob: cache hit ratio looks fine" 10
TL=$(ls "$XDG_STATE_HOME"/amconsole/incident-*.jsonl | head -1)
grep -q '"kind":"note".*"who":"bob".*cache hit ratio looks fine' "$TL" ||
	grep -q '"who":"bob".*"kind":"note"' "$TL" || fail "the note is not in the timeline as bob's: $(cat "$TL")"
on "$P"
keys :
type_text "note rolling back the gateway"
keys Enter
on "$B"
wait_for "note from alice: rolling back the gateway" 10
focus timeline
wait_for "Incident timeline" 5
wait_re "note +alice +rolling back the gateway" 5
keys Escape
ok "the incident shows on bob's top line; bob's note lands in alice's timeline under his name, alice's shows on bob's screen and in his :timeline"

# The presenter opens a symptom and runs a step: the follower's pane
# shows the same entry, the step's status and its output.
on "$P"
run_zz_drill
on "$B"
wait_for "Zz step" 10
wait_for "warroom-step-42" 10
wait_re "1 +ok " 5
ok "alice runs a step: bob's runbook pane shows the entry, the step ok and its output"
on "$P"
keys BSpace
keys /
keys Escape

# A follower runs no step.
on "$B"
keys f
focus runbook
keys BSpace
keys /
type_text "Startup"
keys Enter
keys Enter
wait_for "Check pod status" 5
keys Enter
wait_for "a war-room follower runs nothing: alice runs the steps" 5
grep -q "get pods" "$AUDIT" 2>/dev/null && fail "a console ran the step: $(grep "get pods" "$AUDIT")"
keys BSpace
keys /
keys Escape
keys f
ok "a follower's Enter on a step runs nothing, and says so"

# A late follower at 80x24.
am_start 80 24 --follow bridge --config "$T/carol.yaml" --runbooks "$T/runbooks"
C=$SOCK
wait_for "following alice" 25
on "$P"
focus cache
on "$C"
wait_re "fleet-cache" 15
ok "a late follower (80x24) catches up: alice's view and data"

# A forged message: dropped, counted.
rcli -n 1 PUBLISH amconsole:warroom:bridge:down "AMWR1 $(printf '0%.0s' $(seq 64)) {\"v\":1,\"room\":\"bridge\"}" >/dev/null
on "$B"
wait_for "1 refused" 10
ok "a forged message (redis-cli PUBLISH) is refused and counted on the follower's top line"

# The engine stopped, then back.
redis_kill
on "$B"
wait_for "war room unreachable" 20
on "$P"
wait_for "war room unreachable" 20
ok "Redis stopped: presenter and follower say the war room is unreachable"
redis_start
redis_fill fleet: 300 100 # (it keeps nothing across a restart)
on "$B"
wait_for "following alice in bridge" 30
on "$P"
wait_for "presenting bridge" 30
focus runbook
on "$B"
wait_gone "MemKeys" 15
ok "Redis back: both resume by themselves, and the view follows again"

# The presenter quits.
on "$P"
keys q
sleep 1
on "$B"
wait_re "presenter (quit|gone)" 20
ok "the presenter's quit is announced on the follower"

# A handover: alice offers control to bob, who follows with his own data
# (his config has the Redis source) and takes it with H; then bob
# presents and alice follows him, and the audit log says who ran what.
on "$B"
tm kill-server
on "$C"
tm kill-server
cat "$T/p.yaml" >"$T/bob-own.yaml"
sed -i 's/name: alice/name: bob/' "$T/bob-own.yaml"
AM_ENV="USER=alice" am_start 200 55 --present relay --config "$T/p.yaml" --runbooks "$T/runbooks"
P=$SOCK
wait_for "presenting relay" 15
AM_ENV="USER=bob" am_start 120 40 --follow relay --own-data --config "$T/bob-own.yaml" --runbooks "$T/runbooks"
B=$SOCK
wait_for "following alice in relay" 25
on "$P"
wait_for "1 following" 10
focus runbook
keys :
type_text "handover carol"
keys Enter
wait_for "handover: carol is not following (following: bob)" 5
keys :
type_text "handover bob"
keys Enter
wait_for "control offered to bob" 5
on "$B"
wait_for "alice offers you control of relay: H takes it" 10
keys H
wait_for "presenting relay" 10
on "$P"
wait_for "following bob in relay" 15
on "$B"
wait_for "1 following" 15
ok "a handover: alice offers control, bob takes it with H; bob presents, alice follows him"
grep -q '"event":"handover".*control from alice to bob' "$AUDIT" || fail "no handover in the audit log: $(tail -3 "$AUDIT")"
run_zz_drill
grep '"event":"run"' "$AUDIT" | grep -q '"warroom":"relay","role":"presenter","as":"bob"' ||
	fail "the step's run is not bob's: $(grep '"event":"run"' "$AUDIT")"
on "$P"
wait_for "warroom-step-42" 10
ok "the audit log has the handover, and the step bob then ran as his; alice sees its output"
on "$P"
tm kill-server
on "$B"
tm kill-server

# The same room through PostgreSQL: a presenter and a follower meeting in
# the table amconsole_warroom and pg_notify.
. tests/e2e/pg.sh
pg_setup --no-preload --no-extension
WP="host=127.0.0.1 port=$PGPORT dbname=amtest user=postgres"
sed -e "s|redis: \"$WR\"|postgres: \"$WP\"|" "$T/p.yaml" >"$T/pp.yaml"
sed -e "s|redis: \"$WR\"|postgres: \"$WP\"|" "$T/bob.yaml" >"$T/pbob.yaml"
am_start 200 55 --present ops --config "$T/pp.yaml" --runbooks "$T/runbooks" --refresh 1s
P=$SOCK
wait_for "presenting ops" 15
focus cache
am_start 120 40 --follow ops --config "$T/pbob.yaml" --runbooks "$T/runbooks"
B=$SOCK
wait_for "following alice in ops" 25
wait_for "db0=300 keys" 15
on "$P"
wait_for "1 following" 10
focus runbook
on "$B"
wait_gone "MemKeys" 10
ok "postgres: bob follows alice through PostgreSQL: her Redis data, her focus; her top line counts him"
keys n
type_text "seen from postgres"
keys Enter
on "$P"
wait_for "bob: seen from postgres" 10
ok "postgres: bob's note reaches alice"
echo "INSERT INTO amconsole_warroom (room, dir, msg) VALUES ('ops', 'down', 'AMWR1 forged');
	SELECT pg_notify('amconsole_warroom', 'ops:down')" | pq >/dev/null || fail "forge"
on "$B"
wait_for "1 refused" 10
ok "postgres: a forged row (psql INSERT + pg_notify) is refused and counted"
