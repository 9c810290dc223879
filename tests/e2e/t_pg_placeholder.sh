# t_pg_placeholder.sh - a placeholder in a native `sql` step (issue 15)
# against a real PostgreSQL: the value is a bind parameter, never text
# in the statement. '<order-id>' answered `a` finds the row; answered
# `x'); DROP TABLE orders;--` it finds nothing and drops nothing (the table
# and its rows are still there, and the server saw $1, not the value);
# a placeholder where a parameter cannot stand (a table name) refuses
# the step with the reason and runs nothing.
. tests/e2e/lib.sh
. tests/e2e/pg.sh
pg_setup
pq -c "CREATE TABLE orders (id text PRIMARY KEY, note text); INSERT INTO orders VALUES ('a', 'first row'), ('b', 'second row')"
cat >"$T/runbooks/orders.md" <<'MD'
# Orders

## Order lookup

```sql
-- Find one order
SELECT id, note FROM orders WHERE id = '<order-id>';
```

```sql
-- Count a table
SELECT count(*) FROM <table-name>;
```
MD
am_start 140 45 --runbooks "$T/runbooks" --config "$T/pg.yaml" --refresh 500ms
wait_for "Order lookup"
keys Enter
wait_for "Find one order"
keys Enter
wait_for "order-id (1/1)"
ok "the sql step asks for <order-id>"
type_text "a"
keys Enter
wait_for "first row" 15
wait_for "(1 row)" 10
ok "answered a, the bound query finds the row"
keys Enter
wait_for "order-id (1/1)"
type_text "x'); DROP TABLE orders;--"
keys Enter
wait_for "(0 rows)" 15
[ "$(pq -At -c "SELECT count(*) FROM orders")" = 2 ] || fail "table orders lost rows or is gone"
ok "answered x'); DROP TABLE orders;-- it finds nothing and drops nothing"
grep -F '"event":"run"' "$AUDIT" | grep -qF "WHERE id = 'x''); DROP TABLE orders;--'" ||
	fail "the audit log lacks the statement with the value in place: $(grep -F '"event":"run"' "$AUDIT" | tail -1)"
ok "the audit log shows the statement with the value in place, quoted"
n=$(pq -At -c "SELECT count(*) FROM pg_stat_statements WHERE query LIKE 'SELECT id, note FROM orders WHERE id = \$1%'")
[ "$n" -ge 1 ] || fail "the server never saw the statement with \$1"
ok "the server saw WHERE id = \$1 (pg_stat_statements)"
keys j
wait_for "Count a table"
keys Enter
wait_for "table-name (1/1)"
type_text "orders"
keys Enter
wait_for "not run:" 10
shows "stands where a bind parameter cannot" || fail "no reason given"
ok "a placeholder in a table name's place refuses the step with the reason"
keys q
wait_dead
