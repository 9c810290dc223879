# redis.sh - a real redis-server for the Redis end-to-end tests, sourced
# after lib.sh: on a free loopback port, with its config, data directory
# and log in $T (so lib.sh's exit trap, which kills processes whose
# command line holds $T, stops it), no persistence, maxmemory with an LRU
# policy so that writes evict.
command -v redis-server >/dev/null || { echo "ok - skipped: no redis-server"; exit 0; }
RPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
RDIR="$T/redis"
mkdir -p "$RDIR"
cat >"$RDIR/redis.conf" <<CONF
bind 127.0.0.1
port $RPORT
dir $RDIR
save ""
appendonly no
maxmemory ${RMAXMEM:-2mb}
maxmemory-policy allkeys-lru
logfile $RDIR/redis.log
CONF

# redis_start: start (or restart) the server and wait until it answers.
redis_start() {
	redis-server "$RDIR/redis.conf" --daemonize yes --pidfile "$RDIR/redis.pid"
	n=100
	while [ "$n" -gt 0 ]; do
		rcli PING 2>/dev/null | grep -q PONG && return 0
		sleep 0.1
		n=$((n - 1))
	done
	fail "redis-server did not start on port $RPORT"
}

rpid() { cat "$RDIR/redis.pid"; }

# redis_kill: stop it hard and wait until the port is free.
redis_kill() {
	p=$(rpid)
	kill -CONT "$p" 2>/dev/null
	kill -KILL "$p" 2>/dev/null
	n=50
	while [ "$n" -gt 0 ] && kill -0 "$p" 2>/dev/null; do
		sleep 0.1
		n=$((n - 1))
	done
	rm -f "$RDIR/redis.pid"
}

# rcli ARGS: redis-cli against the test server, with a timeout (a
# stopped server makes redis-cli wait forever).
rcli() { timeout 10 redis-cli -h 127.0.0.1 -p "$RPORT" "$@"; }

# redis_fill PREFIX COUNT SIZE: COUNT keys PREFIX1..N of SIZE bytes each.
redis_fill() {
	python3 - "$RPORT" "$1" "$2" "$3" <<'PY'
import socket, sys
port, prefix, count, size = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
s = socket.create_connection(("127.0.0.1", port), timeout=10)
val = b"x" * size
def cmd(*args):
    out = b"*%d\r\n" % len(args)
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    return out
buf = b"".join(cmd("SET", "%s%d" % (prefix, i), val) for i in range(count))
s.sendall(buf)
got = 0
data = b""
while got < count:
    chunk = s.recv(65536)
    if not chunk:
        break
    data += chunk
    got = data.count(b"\r\n")
s.close()
PY
}

# goto_cache: focus the Cache panel (its tab number depends on the
# registry, so look for its key bar).
goto_cache() {
	for d in 1 2 3 4 5 6 7 8 9; do
		keys "$d"
		screen | grep -qF "MemKeys" && return 0
	done
	fail "no Cache panel"
}
