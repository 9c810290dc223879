# t_redis_keys.sh - the top-keys sub-view (SCAN + MEMORY USAGE with
# progress) ranks the big keys first, the SLOWLOG sub-view lists entries,
# and key names carrying escape sequences, control characters and
# newlines are drawn as placeholders: nothing of them reaches the
# terminal raw.
. tests/e2e/lib.sh
RMAXMEM=64mb
. tests/e2e/redis.sh
redis_start
redis_fill small: 200 10
rcli SET big:one "$(head -c 50000 /dev/zero | tr '\0' y)" >/dev/null
python3 - "$RPORT" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
def cmd(*args):
    out = b"*%d\r\n" % len(args)
    for a in args:
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    return out
v = b"z" * 20000
s.sendall(cmd(b"SET", b"evil\x1b]0;PWNED\x07\x1b[2Jkey\nNEXTLINE", v))
s.sendall(cmd(b"SET", b"bell\x07\x1b[31mred", v))
s.recv(100)
PY
rcli CONFIG SET slowlog-log-slower-than 0 >/dev/null
rcli DBSIZE >/dev/null
AM_ENV="REDIS_URL=redis://127.0.0.1:$RPORT/0" am_start 150 40 --refresh 1s
goto_cache
wait_for "db0=203 keys" 20
keys m
wait_for "Top keys by memory on redis"
wait_for "done: scanned 203 of 203 keys" 20
screen | grep -E '^\S*\s+1\s' | grep -q 'big:one' || screen | grep -qE '1 +[0-9.]+K +big:one' ||
	fail "big:one is not first"
ok "top keys: scanned all keys, the biggest first"
wait_for "evil"
screen | grep -F "evil" | grep -qF "NEXTLINE" || fail "the newline in a key name broke the row"
if grep -aqF "$(printf '\033]0;PWNED')" "$T/raw"; then fail "an OSC from a key name reached the terminal"; fi
if grep -aqF "$(printf '\033[31mred')" "$T/raw"; then fail "SGR from a key name reached the terminal"; fi
screen | grep -qF "bell" || fail "the second hostile key is not shown"
ok "key names with ESC, BEL and newline are drawn as placeholders on one row"
keys l
wait_for "SLOWLOG of redis"
wait_for "MICROS"
wait_for "MEMORY USAGE" 10
ok "the SLOWLOG sub-view lists entries"
keys o
wait_for "memory ["
keys q
wait_dead
