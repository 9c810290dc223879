# t_pg_sqlstep.sh - runbook sql steps run natively over libpq against a
# real PostgreSQL 15: the guide's "Check active connections" prints its
# result as a table with "(1 row)"; an error is shown as PostgreSQL
# reports it; a pre-13 pg_stat_statements query gets the lint note and
# the corrected query; a long statement is cancelled with x.
. tests/e2e/lib.sh
. tests/e2e/pg.sh
pg_setup
use_shipped_runbooks
cat >"$T/runbooks/pgfix.md" <<'MD'
# PG fixture

## Zz pg checks

#### Diagnostic Queries
```sql
-- Old column names
SELECT query, calls, total_time, mean_time FROM pg_stat_statements ORDER BY total_time DESC LIMIT 3;

-- Missing table
SELECT * FROM no_such_table;

-- Sleep long
SELECT pg_sleep(60);
```
MD
am_start 140 45 --runbooks "$T/runbooks" --config "$T/pg.yaml" --refresh 500ms
wait_for "Database Performance"
keys z
keys /
type_text "database performance"
keys Enter
keys Enter
wait_for "Check active connections"
keys Enter
wait_for "active_connections" 15
wait_for "(1 row)" 10
wait_for "step 1: ok" 10
ok "the guide's 'Check active connections' sql step shows its result table"
grep -q '"event":"run"' "$AUDIT" || fail "the sql step was not audited"
ok "the sql step is audited"
keys Escape
keys Escape
keys /
keys C-u
type_text "zz pg"
keys Enter
keys Enter
wait_for "Old column names"
keys Enter
wait_for "were renamed" 15
wait_for "Corrected query" 5
wait_for "SELECT query, calls, total_exec_time, mean_exec_time FROM" 5
wait_for 'column "total_time" does not exist' 5
ok "a pre-13 column query on 15 shows the lint note, the corrected query and PostgreSQL's error"
keys j
keys Enter
wait_for 'relation "no_such_table" does not exist' 15
ok "errors are shown as PostgreSQL reports them"
keys j
keys Enter
wait_for "running step 3" 10
sleep 1
keys x
wait_for "canceling statement due to user request" 15
n=$(pq -At -c "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(60)%'")
[ "$n" = 0 ] || fail "the statement still runs on the server"
ok "x cancels a running sql step with PQcancel"
keys q
wait_dead
