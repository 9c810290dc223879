# t_redis_invalidate.sh - pattern invalidation on a real redis-server,
# the guide's DEL "fleet:*" done right: the preview counts the matching
# keys and shows samples, Enter without the typed pattern does nothing,
# the typed pattern removes exactly the fleet:* keys (checked with
# DBSIZE and SCAN from here), vehicle:* stay, both ends are audited;
# FLUSHDB wants the instance name; --read-only refuses both.
. tests/e2e/lib.sh
RMAXMEM=64mb
. tests/e2e/redis.sh
redis_start
redis_fill fleet: 1200 20
redis_fill vehicle: 300 20
rcli SET "fleetX" keep >/dev/null
[ "$(rcli DBSIZE)" = 1501 ] || fail "fixture: $(rcli DBSIZE) keys"
AM_ENV="REDIS_URL=redis://127.0.0.1:$RPORT/0" am_start 140 40 --refresh 1s
goto_cache
wait_for "db0=1501 keys" 20
keys i
wait_for "Keys to invalidate"
type_text 'fleet:*'
keys Enter
wait_for "Invalidate keys" 20
wait_for "1200 keys match (of 1501 in the db)"
screen | grep -qE '^.*  fleet:[0-9]+' || fail "no sample keys in the preview"
ok "the preview counts the 1200 matching keys and shows samples"
keys Enter
wait_for "does not match"
keys y
keys Space
keys Enter
[ "$(rcli DBSIZE)" = 1501 ] || fail "keys went without the typed pattern"
keys BSpace
keys BSpace
ok "Enter, y and Space without the typed pattern remove nothing"
paste_never_confirms 'fleet:*'
[ "$(rcli DBSIZE)" = 1501 ] || fail "a pasted pattern with a newline removed keys"
ok "G-a the pattern pasted with a newline (bracketed, or in one burst) removes nothing"
type_text 'fleet:*'
keys Enter
wait_for "invalidate pattern on redis ok: removed 1200 keys" 30
[ "$(rcli DBSIZE)" = 301 ] || fail "DBSIZE is $(rcli DBSIZE), want 301"
[ -z "$(rcli --scan --pattern 'fleet:*')" ] || fail "fleet:* keys remain"
[ "$(rcli --scan --pattern 'vehicle:*' | wc -l)" = 300 ] || fail "vehicle:* keys were touched"
[ "$(rcli GET fleetX)" = keep ] || fail "fleetX (no colon) was removed"
ok "exactly the fleet:* keys are gone; vehicle:* and fleetX stay"
audited run 'invalidate pattern.*fleet:\*'
audited end 'invalidate pattern.*"status":"ok".*removed 1200 keys'
ok "the invalidation is audited before and after"
keys i
wait_for "Keys to invalidate"
type_text 'nomatch:*'
keys Enter
wait_for "no keys match nomatch:*" 20
ok "a pattern with no keys says so and asks nothing"
keys f
wait_for "Type the instance name"
keys Enter
keys Escape
wait_for "cancelled: nothing was removed"
[ "$(rcli DBSIZE)" = 301 ] || fail "FLUSHDB ran without the typed name"
keys f
wait_for "Type the instance name"
paste_never_confirms redis
[ "$(rcli DBSIZE)" = 301 ] || fail "a pasted instance name with a newline flushed the db"
ok "G-a the instance name pasted with a newline (bracketed, or in one burst) does not FLUSHDB"
type_text redis
keys Enter
wait_for "FLUSHDB on redis ok" 20
[ "$(rcli DBSIZE)" = 0 ] || fail "FLUSHDB did not flush"
ok "FLUSHDB runs only after the instance name is typed"
keys q
wait_dead

# --read-only: both refused, with a message and an audit line.
rm -f "$T/exit"
tm kill-server
redis_fill fleet: 10 20
AM_ENV="REDIS_URL=redis://127.0.0.1:$RPORT/0" am_start 140 40 --refresh 1s --read-only
goto_cache
wait_for "db0=10 keys" 20
keys i
wait_for "read-only mode: refused invalidate pattern"
screen | grep -qF "Keys to invalidate" && fail "read-only asked for a pattern"
keys F
wait_for "read-only mode: refused FLUSHALL"
[ "$(rcli DBSIZE)" = 10 ] || fail "read-only removed keys"
audited refused 'invalidate pattern'
audited refused FLUSHALL
ok "--read-only refuses invalidation and FLUSHALL, with audit lines"
keys q
wait_dead
