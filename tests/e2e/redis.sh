# redis.sh - a real redis-server for the Redis end-to-end tests, sourced
# after lib.sh: on a free loopback port, with its config, data directory
# and log in $T (so lib.sh's exit trap, which kills processes whose
# command line holds $T, stops it: the proc title template keeps the
# config path in it, since redis-server rewrites its command line), a unix
# socket at $RSOCK, no persistence, maxmemory with an LRU policy so that
# writes evict. With RPASS set, the server requires that password (the
# helpers here pass it through the environment, never in argv).
command -v redis-server >/dev/null || { echo "ok - skipped: no redis-server"; exit 0; }
RPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
RDIR="$T/redis"
RSOCK="$RDIR/redis.sock"
RPASS=${RPASS:-}
mkdir -p "$RDIR"
cat >"$RDIR/redis.conf" <<CONF
bind 127.0.0.1
port $RPORT
unixsocket $RSOCK
unixsocketperm 700
proc-title-template "{title} {listen-addr} {config-file}"
dir $RDIR
save ""
appendonly no
maxmemory ${RMAXMEM:-2mb}
maxmemory-policy allkeys-lru
logfile $RDIR/redis.log
CONF
if [ -n "$RPASS" ]; then
	printf 'requirepass "%s"\n' "$RPASS" >>"$RDIR/redis.conf"
fi

# redis_start: start (or restart) the server and wait until it answers.
redis_start() {
	redis-server "$RDIR/redis.conf" --daemonize yes --pidfile "$RDIR/redis.pid"
	wait_until 10 "redis-server did not start on port $RPORT" redis_pongs
}

rpid() { cat "$RDIR/redis.pid"; }

# redis_kill: stop it hard and wait until the port is free.
redis_kill() {
	p=$(rpid)
	kill -CONT "$p" 2>/dev/null
	kill -KILL "$p" 2>/dev/null
	until_ok 5 exited "$p"
	rm -f "$RDIR/redis.pid"
}

# rcli ARGS: redis-cli against the test server, with a timeout (a
# stopped server makes redis-cli wait forever).
redis_pongs() { rcli PING 2>/dev/null | grep -q PONG; }
rcli() {
	if [ -n "$RPASS" ]; then
		REDISCLI_AUTH=$RPASS timeout 10 redis-cli -h 127.0.0.1 -p "$RPORT" "$@"
	else
		timeout 10 redis-cli -h 127.0.0.1 -p "$RPORT" "$@"
	fi
}

# redis_fill PREFIX COUNT SIZE: COUNT keys PREFIX1..N of SIZE bytes each.
redis_fill() {
	RPASS=$RPASS python3 - "$RPORT" "$1" "$2" "$3" <<'PY'
import os, socket, sys
port, prefix, count, size = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
s = socket.create_connection(("127.0.0.1", port), timeout=30)
val = b"x" * size
def cmd(*args):
    out = b"*%d\r\n" % len(args)
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    return out
buf = b"".join(cmd("SET", "%s%d" % (prefix, i), val) for i in range(count))
if os.environ.get("RPASS"):
    buf = cmd("AUTH", os.environ["RPASS"]) + buf
    count += 1
s.sendall(buf)
got, last = 0, b""
while got < count:
    chunk = s.recv(65536)
    if not chunk:
        break
    got += (last + chunk).count(b"\r\n")
    last = chunk[-1:]
s.close()
PY
}

# goto_cache: focus the Cache panel (its tab number depends on the
# registry, so look for its key bar).
goto_cache() { goto_panel MemKeys "Cache"; }

# redis_count PATTERN: how many keys match, by SCAN MATCH (COUNT 1000;
# redis-cli --scan walks 10 slots a call, too slow for big fixtures).
redis_count() {
	RPASS=$RPASS python3 - "$RPORT" "$1" <<'PY'
import os, socket, sys
port, pattern = int(sys.argv[1]), sys.argv[2].encode()
s = socket.create_connection(("127.0.0.1", port), timeout=30)
f = s.makefile("rb")
def call(*args):
    out = b"*%d\r\n" % len(args)
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    s.sendall(out)
    return read()
def read():
    line = f.readline()
    t, rest = line[:1], line[1:-2]
    if t in (b"+", b":"):
        return rest
    if t == b"-":
        sys.exit("redis: " + rest.decode())
    if t == b"$":
        n = int(rest)
        return None if n < 0 else f.read(n + 2)[:-2]
    return [read() for _ in range(int(rest))]
if os.environ.get("RPASS"):
    call("AUTH", os.environ["RPASS"])
cursor, n = b"0", 0
while True:
    cursor, keys = call("SCAN", cursor, "MATCH", pattern, "COUNT", 1000)
    n += len(keys)
    if cursor == b"0":
        break
print(n)
PY
}
