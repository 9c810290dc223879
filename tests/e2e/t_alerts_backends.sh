# t_alerts_backends.sh - the health strip pings the configured data
# backends: a real redis-server (PING, with a password) and a real
# PostgreSQL cluster (PQping) each get a cell with its latency, with no
# Alertmanager or health URL configured at all; killing redis turns its
# cell DOWN (red) with the error in the h list, restarting it brings it
# back up; the password never reaches the screen, the log or the audit.
# The pings keep their connections: a refresh opens no new one, and
# PostgreSQL forks no new backend.
. tests/e2e/lib.sh
RPASS="s3cret-ping-pw"
. tests/e2e/redis.sh
[ -x "${PGBIN:-/usr/lib/postgresql/15/bin}/initdb" ] || { echo "ok - skipped: no PostgreSQL"; exit 0; }
. tests/e2e/pg.sh
redis_start
pg_setup --no-extension
cat >"$T/config.yaml" <<CONF
postgres:
  conninfo: "host=127.0.0.1 port=$PGPORT dbname=amtest user=postgres"
redis:
  instances:
    - {name: cache, url: "redis://127.0.0.1:$RPORT/0", password_env: AM_TEST_REDIS_PW}
CONF
AM_ENV="AM_TEST_REDIS_PW=$RPASS" am_start 200 40 --refresh 500ms --config "$T/config.yaml" --log "$T/am.log"
focus alerts
keys z
wait_for "[redis:cache up" 20
wait_for "[postgres up" 10
s=$(screen)
printf '%s\n' "$s" | grep -qE "\[redis:cache up [0-9]+ms\]" || fail "no latency in the redis cell"
printf '%s\n' "$s" | grep -qE "\[postgres up [0-9]+ms\]" || fail "no latency in the postgres cell"
ok "redis (PING with AUTH) and postgres (PQping) cells show with latency"
# Connections the servers accepted over six refreshes: our psql and
# redis-cli count one each; a ping that connected would add six.
pg_sessions() { pq -At -c "SELECT sum(sessions) FROM pg_stat_database"; }
redis_conns() { rcli INFO stats | tr -d '\r' | sed -n 's/^total_connections_received://p'; }
s0=$(pg_sessions)
r0=$(redis_conns)
sleep 3
s1=$(pg_sessions)
r1=$(redis_conns)
[ -n "$s0" ] && [ -n "$r0" ] || fail "could not read the servers' connection counts"
[ $((s1 - s0)) -le 2 ] || fail "PostgreSQL saw $((s1 - s0)) new sessions in 3 s of pings"
[ $((r1 - r0)) -le 2 ] || fail "redis saw $((r1 - r0)) new connections in 3 s of pings"
ok "the pings reuse their connections (new: postgres $((s1 - s0)), redis $((r1 - r0)))"
redis_kill
wait_for "[redis:cache DOWN]" 15
screen | grep -qF "[postgres up" || fail "postgres went down with redis"
keys h
wait_for "LATENCY" 5
screen | grep -F "redis:cache" | grep -qiE "connect|refused" || fail "no error for redis in the details"
screen | grep -F "postgres" | grep -qF "accepting connections" || fail "no PQping detail"
ok "killing redis turns its cell DOWN; h shows the connect error"
keys o
redis_start
wait_for "[redis:cache up" 15
ok "restarting redis turns it back up"
pg_stop
wait_for "[postgres DOWN]" 20
ok "stopping PostgreSQL turns its cell DOWN"
grep -rqF "$RPASS" "$T/raw" "$T/am.log" "$AUDIT" 2>/dev/null && fail "the redis password leaked"
ok "the password reaches neither the screen nor the log"
keys q
wait_dead
