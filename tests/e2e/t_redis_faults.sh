# t_redis_faults.sh - RELIABILITY E2: a SIGSTOPped redis-server turns the
# Cache panel STALE within two refresh intervals (the worker's calls time
# out; redis-cli would hang forever) while the keys still answer; after
# SIGCONT it recovers by itself; killed and restarted on the same port,
# it recovers too. Also: the gauge and evictions show under maxmemory.
. tests/e2e/lib.sh
. tests/e2e/redis.sh
redis_start
AM_ENV="REDIS_URL=redis://127.0.0.1:$RPORT/0" am_start 150 40 --refresh 500ms
goto_cache
wait_for "maxmemory (" 20
ok "the memory gauge shows used against maxmemory"
# 2 MB of maxmemory and ~4 MB of writes: allkeys-lru must evict.
redis_fill fleet: 4000 1000
wait_for "evicted/s" 10
wait_until 10 "no evictions shown" shows_re 'evicted [1-9][0-9]*, expired'
ok "evictions show (rate and total)"
kill -STOP "$(rpid)"
t0=$(date +%s.%N)
wait_for "STALE" 10
t1=$(date +%s.%N)
el=$(python3 -c "print('%.2f' % ($t1 - $t0))")
echo "# STALE after ${el}s (refresh 0.5s)"
python3 -c "import sys; sys.exit(0 if $t1 - $t0 < 2.5 else 1)" ||
	fail "STALE took ${el}s"
wait_for "timed out"
wait_for "retry in"
ok "SIGSTOP: STALE within ${el}s, with the timeout and the retry"
keys l
wait_for "SLOWLOG of" 2
keys o
wait_for "memory [" 2
keys '?'
wait_for "Help" 2
keys Escape
ok "keys still answer while the server is stopped"
kill -CONT "$(rpid)"
wait_gone "STALE" 20
wait_for "ok  fetch"
ok "SIGCONT: it recovers by itself"
redis_kill
wait_for "STALE" 10
wait_for "onnection refused" 10
redis_start
wait_gone "STALE" 30
wait_for "ok  fetch"
ok "killed and restarted on the same port: it recovers"
keys q
wait_dead
