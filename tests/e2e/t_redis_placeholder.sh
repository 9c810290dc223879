# t_redis_placeholder.sh - a placeholder in a native `redis` step
# (issue 15): the step asks for $ORDER_ID, the confirmation shows the
# command as it will be sent (UNLINK "idem:a b"), and the value reaches
# the server inside one argument: answered `a b`, exactly the key
# `idem:a b` goes (redis-cli and MONITOR say so), not `idem:a`, not `b`,
# not the literal `idem:$ORDER_ID`. A value is judged with the step: a
# `$VERB` answered DEL asks for the typed confirmation, and --read-only
# refuses it.
. tests/e2e/lib.sh
. tests/e2e/redis.sh
redis_start
for k in 'idem:a b' 'idem:a' 'b' 'idem:$ORDER_ID' 'idem:a b:x'; do
	rcli SET "$k" v >/dev/null
done
cat >"$T/runbooks/idem.md" <<'MD'
# Idempotency

## Forget an order

```redis
# Forget one idempotency key
UNLINK idem:$ORDER_ID
```

```redis
# Any verb on the kept key
$VERB idem:a
```
MD
timeout 120 redis-cli -h 127.0.0.1 -p "$RPORT" MONITOR >"$T/monitor.log" 2>&1 &
MONPID=$!
AM_ENV="REDIS_URL=redis://127.0.0.1:$RPORT/0" am_start 140 40 --runbooks "$T/runbooks"
wait_for "Forget an order"
keys Enter
wait_for "Forget one idempotency key"
keys Enter
wait_for "ORDER_ID (1/1)"
ok "the redis step asks for \$ORDER_ID"
type_text "a b"
keys Enter
wait_for "Destructive step"
shows 'UNLINK "idem:a b"' || fail "the confirmation does not show the command as sent"
[ "$(rcli EXISTS 'idem:a b')" = 1 ] || fail "UNLINK ran before confirmation"
ok "the confirmation shows UNLINK \"idem:a b\" as it will be sent"
type_text "idem:a b"
keys Enter
wait_for "(integer) 1" 20
[ "$(rcli EXISTS 'idem:a b')" = 0 ] || fail "the key idem:a b is still there"
for k in 'idem:a' 'b' 'idem:$ORDER_ID' 'idem:a b:x'; do
	[ "$(rcli EXISTS "$k")" = 1 ] || fail "the key '$k' was touched"
done
ok "exactly the key 'idem:a b' is gone; idem:a, b, idem:\$ORDER_ID stay"
wait_until 10 "MONITOR did not see the UNLINK" grep -q '"UNLINK"' "$T/monitor.log"
grep '"UNLINK"' "$T/monitor.log" | grep -qF '"UNLINK" "idem:a b"' || fail "MONITOR saw: $(grep UNLINK "$T/monitor.log")"
[ "$(grep -c '"UNLINK"' "$T/monitor.log")" = 1 ] || fail "more than one UNLINK sent: $(grep UNLINK "$T/monitor.log")"
ok "MONITOR saw one UNLINK with the single argument \"idem:a b\""
grep -qF 'UNLINK \"idem:a b\"' "$AUDIT" || fail "the audit log lacks the command as sent: $(tail -3 "$AUDIT")"
ok "the audit log records the command as sent"
keys j
wait_for "Any verb on the kept key"
keys Enter
wait_for "VERB (1/1)"
type_text "DEL"
keys Enter
wait_for "Destructive step"
keys Escape
wait_for "cancelled"
[ "$(rcli EXISTS 'idem:a')" = 1 ] || fail "DEL ran without its confirmation"
ok "a \$VERB answered DEL asks for the destructive step's confirmation"
keys q
wait_dead

rm -f "$T/exit"
tm kill-server
AM_ENV="REDIS_URL=redis://127.0.0.1:$RPORT/0" am_start 140 40 --runbooks "$T/runbooks" --read-only
wait_for "Forget an order"
keys Enter
wait_for "Any verb on the kept key"
keys j
keys Enter
wait_for "VERB (1/1)"
type_text "DEL"
keys Enter
wait_for "read-only mode: with these values the step changes" 10
[ "$(rcli EXISTS 'idem:a')" = 1 ] || fail "--read-only ran DEL"
ok "--read-only refuses a step its values make changing"
keys q
wait_dead
kill "$MONPID" 2>/dev/null
