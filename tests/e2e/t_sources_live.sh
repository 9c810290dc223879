# t_sources_live.sh - the Sources panel lists every running backend with
# its live state from the mailbox, not just its configuration: a Redis
# that is down shows as an error with the reason, turns ok by itself
# once the server answers, and shows STALE with the age of its data when
# it goes away again. Sources with nothing running say how to configure
# them.
. tests/e2e/lib.sh
. tests/e2e/redis.sh
# redis_row_is STATE [seconds]: wait until the redis row's state is STATE.
redis_row_is() { wait_until "${2:-10}" "the redis row never became $1" shows_re "│redis +$1 "; }
AM_ENV="REDIS_URL=redis://127.0.0.1:$RPORT/0" am_start 140 30 --refresh 500ms
focus sources
redis_row_is error 10
screen | grep -E "│redis " | grep -q "disconnected: connect" || fail "no reason on the redis row"
ok "a backend that cannot connect shows as an error with the reason"
screen | grep -q "not configured: set postgres.conninfo" || fail "no configure hint for postgres"
screen | grep "postgres" | grep -q "^.*│postgres *-" || fail "postgres shown as running"
ok "sources with nothing running say how to configure them"
redis_start
redis_row_is ok 15
screen | grep -E "│redis " | grep -q "polled every 500ms" || fail "the ok row does not say how often"
ok "it turns ok by itself when the server answers"
redis_kill
redis_row_is STALE 15
screen | grep -E "│redis " | grep -q "stale [0-9]" || fail "the STALE row has no age"
ok "a source that goes away keeps its age and shows STALE"
keys q
wait_dead
