# t_pg_faults.sh - E1/E3 against a real PostgreSQL 15: the server stopped
# mid-session shows the error and the data's age in slowq within two
# refresh intervals (plus a margin for a loaded machine) while the other
# panels keep working; started again, slowq recovers with no key
# pressed. A listener that accepts and never answers: the error (a
# timeout) is shown and the UI still answers keys meanwhile.
. tests/e2e/lib.sh
. tests/e2e/pg.sh
pg_setup
AM_ENV="AMCONSOLE_SELFTEST_FILE=$T/nofail" am_start 160 40 --config "$T/pg.yaml" --refresh 500ms
focus slowq
keys z
wait_for "ok, fetched in" 15
ok "slowq is connected"
t0=$(date +%s.%N)
pg_stop
wait_for "stale " 10
t1=$(date +%s.%N)
wait_for "retry in" 2
echo "# time to error: $(echo "$t1 - $t0" | bc)s"
screen | grep -E "stale [0-9]+s — " >/dev/null || fail "no data age with the error"
ok "server stopped: the error and the data's age are shown"
keys z
focus sources
keys z
wait_for "snapshot #" 5
a=$(screen | grep -o "snapshot #[0-9]*" | head -1)
sleep 1.5
b=$(screen | grep -o "snapshot #[0-9]*" | head -1)
[ "$a" != "$b" ] || fail "the selftest source stopped updating ($a)"
ok "other panels are unaffected"
keys z
focus slowq
keys z
pg_start
wait_for "ok, fetched in" 20
ok "server started again: slowq recovers with no key pressed"
am_quit

# A listener that accepts and never answers.
BPORT=$(free_port)
cat >"$T/blackhole.py" <<PY
import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", $BPORT)); s.listen(16)
conns = []
while True:
    c, _ = s.accept(); conns.append(c)
PY
python3 "$T/blackhole.py" &
echo $! >"$T/blackhole.pid"
sleep 0.5
cat >"$T/bh.yaml" <<YAML
postgres:
  conninfo: "host=127.0.0.1 port=$BPORT dbname=x user=postgres"
YAML
am_start 160 40 --config "$T/bh.yaml" --refresh 500ms
focus slowq
keys z
wait_for "connecting to PostgreSQL" 5
keys '?'
wait_for "focus the next panel" 2
keys q
sleep 0.3
keys a
wait_for "activity:" 2
ok "the UI answers keys while the server does not answer"
wait_for "disconnected: " 20
wait_for "timed out" 2
ok "a listener that never answers: the timeout is shown"
keys q
wait_dead
kill "$(cat "$T/blackhole.pid")" 2>/dev/null
exit 0
