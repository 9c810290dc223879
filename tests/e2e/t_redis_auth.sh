# t_redis_auth.sh - a redis-server with requirepass, reached through a
# --config file: first with password_file (mode 0600; the file's first
# line is the password, as the README says), then with password_env over
# TCP and over the unix socket (unix:///path?db=N and the plain path).
# The panel connects and shows used memory and the keyspace; the metrics
# runner, the job runner (top keys, invalidation) and a runbook `redis`
# step all authenticate; the password never shows on the screen (capture
# and raw pane bytes), in --print-config, in the audit log, on stderr or
# in /proc/<console pid>/cmdline. Wrong or missing passwords show the
# server's WRONGPASS/NOAUTH text or the config problem, and nothing
# crashes.
. tests/e2e/lib.sh
RMAXMEM=64mb
# A space, '#' and '%' in it: AUTH must send it as one argument, as is.
RPASS='Zq8 #w1%xK9-amc'
. tests/e2e/redis.sh
redis_start
env -u REDISCLI_AUTH timeout 10 redis-cli -h 127.0.0.1 -p "$RPORT" DBSIZE 2>&1 |
	grep -qF NOAUTH || fail "the server does not require the password"
redis_fill fleet: 50 8
redis_fill vehicle: 20 8
rcli -n 2 MSET vehicle:a 1 vehicle:b 2 vehicle:c 3 >/dev/null
cp tests/fixtures/redis/steps.md "$T/runbooks/"

# no_secret WHERE FILE...: the password appears in none of the files.
no_secret() {
	where=$1
	shift
	for f in "$@"; do
		[ -e "$f" ] || continue
		grep -aqF -- "$RPASS" "$f" && fail "the password appears in $where ($f)"
	done
	return 0
}
# no_secret_anywhere: screen, raw pane bytes, audit, stderr, cmdline.
no_secret_anywhere() {
	screen >"$T/screen.txt"
	pid=$(am_pid)
	[ -n "$pid" ] || fail "no console pid"
	tr '\0' ' ' <"/proc/$pid/cmdline" >"$T/cmdline.txt"
	grep -qF amconsole "$T/cmdline.txt" || fail "not the console's cmdline: $(cat "$T/cmdline.txt")"
	no_secret "the screen" "$T/screen.txt"
	no_secret "the pane output" "$T/raw"
	no_secret "the audit log" "$AUDIT"
	no_secret "stderr" "$T/stderr"
	no_secret "the console's cmdline" "$T/cmdline.txt"
}
# block NAME: the instance's lines in the overview (header and 5 more).
block() { screen | grep -A5 -E "^│[> ] $1 "; }

# --- 1: password_file, its first line --------------------------------
printf '%s\n# rotated by ops, second line ignored\n' "$RPASS" >"$T/redis.pass"
chmod 600 "$T/redis.pass"
cat >"$T/file.yaml" <<YAML
redis:
  instances:
    - name: authed
      url: "redis://127.0.0.1:$RPORT/0"
      password_file: $T/redis.pass
YAML
"$AMCONSOLE" --config "$T/file.yaml" --print-config >"$T/print1.txt" 2>&1 ||
	fail "--print-config failed: $(cat "$T/print1.txt")"
grep -qF "password_file: \"$T/redis.pass\"" "$T/print1.txt" ||
	grep -qF "password_file: $T/redis.pass" "$T/print1.txt" ||
	fail "--print-config does not show the password_file path: $(cat "$T/print1.txt")"
no_secret "--print-config" "$T/print1.txt"
ok "--print-config shows the password_file path, not the password"
am_start 150 40 --config "$T/file.yaml" --refresh 1s --runbooks "$T/runbooks"
goto_cache
wait_for "db0=70 keys (0 expire)*" 20
block authed | grep -qE 'memory \[.*\] [0-9.]+[KMG] / 64.0M maxmemory' || fail "no memory gauge"
block authed | grep -qF "ok  fetch" || fail "not ok"
ok "password_file: the panel connects and shows used memory and the keyspace"
keys m
wait_for "Top keys by memory on authed"
wait_for "done: scanned 70 of 70 keys" 20
screen | grep -qE '^│ *1 +[0-9.]+[BK] +(fleet|vehicle):' || fail "no top keys"
keys o
ok "the job runner authenticates too (top keys)"
keys i
wait_for "Keys to invalidate"
type_text 'fleet:*'
keys Enter
wait_for "50 keys match (of 70 in the db)" 20
type_text 'fleet:*'
keys Enter
wait_for "invalidate pattern on authed ok: removed 50 keys" 20
[ "$(rcli DBSIZE)" = 20 ] || fail "DBSIZE $(rcli DBSIZE), want 20"
grep -q '"event":"end".*invalidate pattern.*"status":"ok"' "$AUDIT" || fail "no audit end line"
ok "an invalidation over the authenticated job connection removes the 50 fleet:* keys"
focus runbook
wait_for "Procedures"
keys Enter
wait_for "Memory section"
keys Enter
wait_for "maxmemory_policy:allkeys-lru" 20
keys j
keys Enter
wait_for "(integer) 20" 20
ok "runbook redis steps authenticate from the same config (INFO, DBSIZE)"
no_secret_anywhere
ok "the password is not on the screen, in the pane bytes, audit log, stderr or cmdline"
keys q
wait_dead
[ "$(pane_status)" = 0 ] || fail "exit status $(pane_status)"
tm kill-server
rm -f "$T/exit"

# --- 2: password_env; TCP, unix:// with a db, and the plain socket path
export AM_TEST_REDIS_PW="$RPASS"
cat >"$T/env.yaml" <<YAML
redis:
  instances:
    - {name: tcp, url: "redis://127.0.0.1:$RPORT/0", password_env: AM_TEST_REDIS_PW}
    - {name: sock, url: "unix://$RSOCK?db=2", password_env: AM_TEST_REDIS_PW}
    - {name: path, url: "$RSOCK", password_env: AM_TEST_REDIS_PW}
YAML
"$AMCONSOLE" --config "$T/env.yaml" --print-config >"$T/print2.txt" 2>&1 ||
	fail "--print-config failed: $(cat "$T/print2.txt")"
grep -qF "AM_TEST_REDIS_PW" "$T/print2.txt" || fail "--print-config does not name the variable"
no_secret "--print-config" "$T/print2.txt"
ok "--print-config names password_env, not its value"
# The variable reaches the console through tmux's environment, so it is
# in no command line, not even the pane's shell's.
am_start 150 40 --config "$T/env.yaml" --refresh 1s
goto_cache
wait_for "db0=20 keys (0 expire)*" 20
three_fetch() { [ "$(screen | grep -c 'ok  fetch')" = 3 ]; }
until_ok 10 three_fetch
[ "$(screen | grep -c 'ok  fetch')" = 3 ] || fail "not all three instances connected"
block tcp | grep -qF "db0=20 keys (0 expire)*" || fail "tcp: no db0 keyspace"
block tcp | grep -qE 'memory \[.*\] [0-9.]+[KMG] / 64.0M maxmemory' || fail "tcp: no gauge"
ok "password_env over TCP: connects, shows used memory and the keyspace"
block sock | grep -qF "ok  fetch" || fail "sock: not ok"
block sock | grep -qE 'memory \[.*\] [0-9.]+[KMG] / 64.0M maxmemory' || fail "sock: no gauge"
block sock | grep -qF "db2=3 keys (0 expire)*" || fail "sock: db2 not the selected db"
block path | grep -qF "ok  fetch" || fail "path: not ok"
block path | grep -qF "db0=20 keys (0 expire)*" || fail "path: db0 not the selected db"
ok "unix:///...?db=2 and the plain socket path connect and show data (db2 and db0 selected)"
# The job runner on the socket instance works in db 2 only.
keys j
block sock | grep -qE '^│> sock ' || fail "sock not selected"
keys i
wait_for "Keys to invalidate"
type_text 'vehicle:*'
keys Enter
wait_for "3 keys match (of 3 in the db)" 20
type_text 'vehicle:*'
keys Enter
wait_for "invalidate pattern on sock ok: removed 3 keys" 20
[ "$(rcli -n 2 DBSIZE)" = 0 ] || fail "db2 still has $(rcli -n 2 DBSIZE) keys"
[ "$(rcli -n 0 DBSIZE)" = 20 ] || fail "db0 was touched: $(rcli -n 0 DBSIZE) keys"
ok "an invalidation over the unix socket removes db2's vehicle:* and leaves db0's"
no_secret_anywhere
ok "password_env: the password is nowhere on screen, in the audit log, stderr or cmdline"
keys q
wait_dead
[ "$(pane_status)" = 0 ] || fail "exit status $(pane_status)"
tm kill-server
rm -f "$T/exit"
unset AM_TEST_REDIS_PW

# --- 3: wrong, missing and unset passwords -----------------------------
printf 'not-the-password\n' >"$T/wrong.pass"
chmod 600 "$T/wrong.pass"
cat >"$T/bad.yaml" <<YAML
redis:
  instances:
    - {name: wrong, url: "redis://127.0.0.1:$RPORT/0", password_file: $T/wrong.pass}
    - {name: none, url: "redis://127.0.0.1:$RPORT/0"}
    - {name: unset, url: "unix://$RSOCK", password_env: AM_TEST_REDIS_PW_UNSET}
    - {name: nofile, url: "$RSOCK", password_file: $T/no-such.pass}
YAML
am_start 170 40 --config "$T/bad.yaml" --refresh 1s
goto_cache
wait_for "WRONGPASS" 20
block wrong | grep -qF "disconnected: AUTH: WRONGPASS invalid username-password pair" ||
	fail "wrong: no WRONGPASS text"
ok "a wrong password shows the server's WRONGPASS text"
block none | grep -qF "NOAUTH Authentication required" || fail "none: no NOAUTH text"
ok "no password shows the server's NOAUTH text"
block unset | grep -qF "password_env AM_TEST_REDIS_PW_UNSET is not set" ||
	fail "unset: no clear error"
ok "password_env naming an unset variable says so"
block nofile | grep -qF "cannot read password_file: No such file or directory" ||
	fail "nofile: no clear error"
ok "a missing password_file says so"
keys m
wait_for "wrong: AUTH: WRONGPASS" 10
keys o
ok "the job runner reports WRONGPASS too"
grep -aqF "not-the-password" "$T/raw" && fail "the wrong password shows on screen"
no_secret_anywhere
sleep 2.5 # a few reconnect rounds
pane_dead && fail "the console died"
block wrong | grep -qF "WRONGPASS" || fail "wrong: error gone"
keys q
wait_dead
[ "$(pane_status)" = 0 ] || fail "exit status $(pane_status)"
ok "still running after a few failed rounds, and exits 0"
