# t_redis_steps.sh - native `redis` runbook steps over hiredis against a
# real server: replies are rendered by type like redis-cli (bulk text,
# integer, arrays, nil), and the changing DEL asks for confirmation first
# and is refused in --read-only.
. tests/e2e/lib.sh
RMAXMEM=64mb
. tests/e2e/redis.sh
redis_start
rcli SET fleet:1 a >/dev/null
rcli SET fleet:2 b >/dev/null
rcli RPUSH fleet:list one "two words" >/dev/null
cp tests/fixtures/redis/steps.md "$T/runbooks/"
AM_ENV="REDIS_URL=redis://127.0.0.1:$RPORT/0" am_start 140 40 --runbooks "$T/runbooks"
wait_for "Procedures"
keys Enter
wait_for "Memory section"
keys Enter
wait_for "maxmemory_policy:allkeys-lru" 20
screen | grep -qF "allkeys-lru\\r" && fail "CR shown in a bulk reply"
ok "INFO memory shows the bulk reply as text"
keys j
wait_for "Count the keys"
keys Enter
wait_for "(integer) 3" 20
ok "DBSIZE shows an integer reply"
keys j
keys Enter
wait_for '2) "two words"' 20
screen | grep -qF '1) "one"' || fail "array element 1 missing"
ok "LRANGE shows a numbered array"
keys j
keys Enter
wait_for "(nil)" 20
ok "a missing key shows (nil)"
keys j
wait_for "Drop one fleet key"
keys Enter
wait_for "Run" 10
screen | grep -qE "Changing step|Destructive step" || fail "DEL did not ask for confirmation"
[ "$(rcli EXISTS fleet:1)" = 1 ] || fail "DEL ran before confirmation"
ok "the changing DEL asks for confirmation first"
keys Escape
wait_for "cancelled"
[ "$(rcli EXISTS fleet:1)" = 1 ] || fail "DEL ran after cancel"
ok "cancel leaves the key"
keys q
wait_dead

rm -f "$T/exit"
tm kill-server
AM_ENV="REDIS_URL=redis://127.0.0.1:$RPORT/0" am_start 140 40 --runbooks "$T/runbooks" --read-only
wait_for "Procedures"
keys Enter
wait_for "Drop one fleet key"
keys j j j j
keys Enter
wait_for "read-only mode: refused"
[ "$(rcli EXISTS fleet:1)" = 1 ] || fail "read-only ran DEL"
ok "--read-only refuses the DEL step"
keys q
wait_dead
