# t_pg_deltas.sh - per-interval deltas right for every statement (issue
# #21 item 1) against a real PostgreSQL 15 with pg_stat_statements.max
# 5000 and 1,200 distinct statements, each slower in total than the
# quiet one: a statement with 1,001 calls, outside the top 500 by total
# time at the previous refresh, runs 2,000 more times and the interval
# shows 2000 calls (not 3001, nor nothing); a statement first seen in
# the interval says "new"; pg_stat_statements_reset() restarts the
# deltas with a note. The 2,000 runs sleep 1 ms each (the same queryid),
# so the statement then tops the total time and the old top-500 fetch
# showed it as "3001" calls in the interval. Refreshes are taken with r (--refresh 1h), so each
# interval holds exactly the statements run in it.
. tests/e2e/lib.sh
. tests/e2e/pg.sh
pg_setup --max 5000
pg_distinct 1200 0.02 10
repeat() { # N SQL: the statement N times, for psql -f
	python3 -c 'import sys; sys.stdout.write((sys.argv[2] + ";\n") * int(sys.argv[1]))' "$1" "$2"
}
repeat 1001 "SELECT pg_sleep(0.0) AS amtarget" >"$T/target.sql"
pq -f "$T/target.sql" >/dev/null || fail "target workload"
n=$(pq -At -c "SELECT count(*) FROM pg_stat_statements")
[ "$n" -gt 1200 ] || fail "only $n statements in pg_stat_statements"
above=$(pq -At -c "SELECT count(*) FROM pg_stat_statements WHERE total_exec_time >
	(SELECT max(total_exec_time) FROM pg_stat_statements WHERE query LIKE '%amtarget%')")
[ "$above" -ge 500 ] || fail "the quiet statement is in the top 500 by total ($above above it)"
calls=$(pq -At -c "SELECT sum(calls) FROM pg_stat_statements WHERE query LIKE '%amtarget%'")
[ "$calls" = 1001 ] || fail "the quiet statement has $calls calls"
ok "$n statements; the quiet one (1001 calls) has $above above it by total time"

# The numbers of the target's row: CALLS is the first cell.
row_calls() { screen | grep "AS amtarget" | sed 's/^│//' | awk '{print $1, $2}'; }
# Take a refresh (r) and wait until the interval line (its length and
# counts) says another thing.
interval_line() { screen | grep -o "statements in the last .* in all"; }
new_sample() { now=$(interval_line) && [ "$now" != "$before" ]; }
refresh() {
	before=$(interval_line)
	keys r
	wait_until 10 "no new sample after r" new_sample
}

am_start 180 50 --config "$T/pg.yaml" --refresh 1h
focus slowq
keys z
wait_for "ok, fetched" 15
keys p
wait_for "first sample taken" 5
refresh
ok "per interval: a second sample over every statement"

repeat 2000 "SELECT pg_sleep(0.001) AS amtarget" >"$T/target2.sql"
pq -f "$T/target2.sql" >/dev/null || fail "target workload"
for i in 1 2 3; do pq -c "SELECT 1 AS amfresh, 2, 3, 4" >/dev/null; done
refresh
wait_for "AS amtarget" 5
got=$(row_calls)
echo "# target row: $got"
[ "${got%% *}" = 2000 ] || fail "the quiet statement shows '$got' calls in the interval, not 2000"
ok "a statement outside the previous top 500 shows its 2000 calls of the interval, not 3001"
fresh=$(screen | grep "AS amfresh" | sed 's/^│//' | awk '{print $1, $2}')
[ "$fresh" = "3 new" ] || fail "a statement first seen in the interval shows '$fresh', not '3 new'"
screen | grep -q "statements in the last.* [1-9][0-9]* new, [0-9]* in all" ||
	fail "the header does not count the new statements"
ok "a statement first seen in the interval says new"

pq -c "SELECT pg_stat_statements_reset()" >/dev/null || fail "reset"
pq -f "$T/target.sql" >/dev/null || fail "target workload"
refresh
wait_for "pg_stat_statements was reset at" 5
got=$(row_calls)
[ "$got" = "1001 new" ] || fail "after a reset the quiet statement shows '$got', not '1001 new'"
ok "pg_stat_statements_reset(): the deltas restart from the reset, with a note"
keys p
wait_for "statements since the stats reset" 5
keys q
wait_dead
