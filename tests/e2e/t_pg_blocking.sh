# t_pg_blocking.sh - the activity view against a real PostgreSQL 15: two
# psql sessions conflict on a row lock; the view shows the blocker with
# the blocked session indented under it and its Lock wait event. With
# --read-only the terminate key is refused (message + audit line, the
# blocker lives on); without it, terminate needs the pid typed, ends the
# blocker, which disappears, and is audited before and after.
. tests/e2e/lib.sh
. tests/e2e/pg.sh
pg_setup
start_lock() {
	# The blocker holds the row in an open transaction; the blocked waits.
	# (its stdin is a fifo we hold open: no stray sleeper outlives the test).
	mkfifo "$T/lock.fifo"
	psql -X -q -h 127.0.0.1 -p "$PGPORT" -U postgres -d amtest <"$T/lock.fifo" >/dev/null 2>&1 &
	echo $! >"$T/blocker.pid"
	exec 3>"$T/lock.fifo"
	echo "BEGIN; UPDATE t SET v = 1 WHERE id = 1;" >&3
	sleep 1
	psql -X -q -h 127.0.0.1 -p "$PGPORT" -U postgres -d amtest \
		-c "UPDATE t SET v = 2 WHERE id = 1" >/dev/null 2>&1 &
	echo $! >"$T/blocked.pid"
}
end_lock() {
	kill "$(cat "$T/blocker.pid")" "$(cat "$T/blocked.pid")" 2>/dev/null
	exec 3>&-
	return 0
}
start_lock
bpid=$(pq -At -c "SELECT pid FROM pg_stat_activity WHERE state LIKE 'idle in transaction%' LIMIT 1")
[ -n "$bpid" ] || fail "no blocker session"

# Read-only first: refused.
am_start 160 40 --config "$T/pg.yaml" --refresh 500ms --read-only
focus slowq
keys z
wait_for "conns " 15
keys a
wait_for "Lock:transactionid" 15
wait_for "$bpid" 5
screen | grep -qE "(└|\`-) *[0-9]+ " || fail "the blocked session is not indented under the blocker"
ok "the activity view shows the blocker and the blocked session under it"
# Select the blocker (a root row: its pid at the start of the cell).
keys g
screen | grep -E "^│ *$bpid " >/dev/null || fail "blocker row not found"
keys K
wait_for "read-only mode: refused" 5
grep -q '"event":"refused"' "$AUDIT" || fail "no refusal audit line"
[ "$(pq -At -c "SELECT count(*) FROM pg_stat_activity WHERE pid = $bpid")" = 1 ] || fail "blocker gone"
ok "--read-only refuses terminate, with a message and an audit line"
am_quit

am_start 160 40 --config "$T/pg.yaml" --refresh 500ms
focus slowq
keys z
keys a
wait_for "Lock:transactionid" 15
keys g
keys K
wait_for "Terminate backend" 5
keys Enter
sleep 0.5
[ "$(pq -At -c "SELECT count(*) FROM pg_stat_activity WHERE pid = $bpid")" = 1 ] || fail "Enter alone terminated"
ok "the confirmation does not accept a bare Enter"
type_text "$bpid"
keys Enter
wait_for "pg_terminate_backend($bpid): done" 10
wait_gone "Lock:transactionid" 10
n=0
while [ "$(pq -At -c "SELECT count(*) FROM pg_stat_activity WHERE pid = $bpid")" != 0 ]; do
	n=$((n + 1)); [ $n -lt 50 ] || fail "blocker still alive"; sleep 0.1
done
ok "terminate (pid typed) ends the blocker and it disappears"
grep '"event":"run"' "$AUDIT" | grep -q "pg_terminate_backend" || fail "no run audit line"
grep '"event":"end"' "$AUDIT" | grep -q '"status":"ok"' || fail "no end audit line"
ok "terminate is audited before and after"
end_lock
keys q
wait_dead
