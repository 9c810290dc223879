# t_pg_cancel.sh - cancel (c in the activity view) against a real
# PostgreSQL 15: a background psql runs SELECT pg_sleep(60); once it is
# listed as long-running, --read-only refuses c (message + "refused"
# audit line, the query runs on); without it the confirmation appears,
# its default is Cancel (a bare Enter sends nothing), and choosing
# "Cancel query" cancels the statement: psql exits with "canceling
# statement due to user request" (not a terminate), the session leaves
# the long-running list, and the action is audited before and after.
. tests/e2e/lib.sh
. tests/e2e/pg.sh
pg_setup

psql -X -q -h 127.0.0.1 -p "$PGPORT" -U postgres -d amtest \
	-c "SELECT pg_sleep(60) AS amtest_sleeper" >"$T/sleeper.out" 2>&1 &
sleeper=$!
spid=""
n=0
while [ -z "$spid" ]; do
	n=$((n + 1)); [ $n -lt 50 ] || fail "the sleeper did not start"; sleep 0.1
	spid=$(pq -At -c "SELECT pid FROM pg_stat_activity WHERE query LIKE '%amtest_sleeper%'
		AND pid <> pg_backend_pid()")
done
running() { [ "$(pq -At -c "SELECT count(*) FROM pg_stat_activity WHERE pid = $spid
	AND state = 'active' AND query LIKE '%pg_sleep(60)%'")" = 1 ]; }
alive() { kill -0 "$sleeper" 2>/dev/null; }

# Read-only first: refused, nothing sent.
am_start 160 40 --config "$T/pg.yaml" --refresh 500ms --read-only
focus slowq
keys z
wait_for "conns " 15
keys a
# Listed once it has run longer than the 5 s threshold.
wait_for "pg_sleep(60)" 15
keys g
screen | grep -E "^│ *$spid +active" >/dev/null || fail "the sleeper's row is not selected/listed"
ok "the sleeping session is listed as long-running"
keys c
wait_for "read-only mode: refused pg_cancel_backend($spid)" 5
grep '"event":"refused"' "$AUDIT" | grep -q "pg_cancel_backend" || fail "no refusal audit line"
screen | grep -qF "Cancel query" && fail "a confirmation in --read-only"
sleep 1
running || fail "the query did not survive the refusal"
alive || fail "psql exited"
ok "--read-only refuses cancel with a message and a refused audit line; the query runs on"
am_quit

am_start 160 40 --config "$T/pg.yaml" --refresh 500ms
focus slowq
keys z
keys a
wait_for "pg_sleep(60)" 15
keys g
keys c
wait_for "Cancel the running query of backend $spid" 5
wait_for "The session stays; its statement is cancelled." 2
ok "the confirmation appears, naming the backend"
keys Enter
wait_for "cancelled: nothing was sent" 5
sleep 1
running || fail "a bare Enter cancelled the query"
grep '"event":"cancelled"' "$AUDIT" | grep -q "pg_cancel_backend" || fail "no cancelled audit line"
grep '"event":"run"' "$AUDIT" && fail "a run audit line for a bare Enter"
ok "a bare Enter (default Cancel) sends nothing"

keys c
wait_for "Cancel the running query of backend $spid" 5
paste_never_answers
sleep 1
running || fail "a paste or a burst cancelled the query"
ok "G-a a paste, or Right+Enter in one burst, does not confirm the cancel"
keys Tab
keys Enter
wait_for "pg_cancel_backend($spid): done" 10
n=0
while alive; do
	n=$((n + 1)); [ $n -lt 50 ] || fail "psql still running after cancel"; sleep 0.1
done
wait "$sleeper"
rc=$?
[ "$rc" != 0 ] || fail "psql exited 0 after cancel"
grep -q "canceling statement due to user request" "$T/sleeper.out" ||
	{ cat "$T/sleeper.out"; fail "psql did not report the cancel"; }
grep -q "terminating connection" "$T/sleeper.out" && fail "terminated, not cancelled"
ok "confirming cancels the query: psql exits (status $rc) with the cancel error"
wait_gone "pg_sleep(60)" 10
ok "the session leaves the long-running list"
grep '"event":"run"' "$AUDIT" | grep -q "pg_cancel_backend" || fail "no run audit line"
grep '"event":"end"' "$AUDIT" | grep "pg_cancel_backend" | grep -q '"status":"ok"' ||
	fail "no end audit line"
# Before, then after: the run line precedes the end line.
run=$(grep -n '"event":"run"' "$AUDIT" | head -1 | cut -d: -f1)
end=$(grep -n '"event":"end"' "$AUDIT" | head -1 | cut -d: -f1)
[ "$run" -lt "$end" ] || fail "audit lines out of order"
ok "cancel is audited before (run) and after (end, ok)"
keys q
wait_dead
