# t_runbook_guide.sh - runbooks that lead (#15) on a real PostgreSQL:
# a sql step's "capture DB=column:datname" feeds the next <db>
# placeholder's pick list (captured values first); an "expect value<1"
# that does not hold marks the step "expect failed" with the reason and
# moves the selection to its next-on-fail step; `A` asks the shared
# <region> placeholder once, runs the read-only diagnosis steps in order,
# stops at the first failed expectation with that step selected, and
# never runs the changing step.
. tests/e2e/lib.sh
. tests/e2e/pg.sh
pg_setup
pq -c "CREATE DATABASE fleet_east" >/dev/null
use_shipped_runbooks
cat >"$T/runbooks/guide.md" <<'MD'
# Guide fixture

## Zz capture

### Symptoms

- capture

### Diagnostic Steps

<!-- amconsole: capture DB=column:datname -->
```sql
-- List databases
SELECT datname FROM pg_database WHERE NOT datistemplate AND datname LIKE 'fleet%' ORDER BY datname;
```

```bash
# Use a database
echo "using <db>"
```

<!-- amconsole: expect value<1 next-on-fail="Zz target" -->
```sql
-- Count sessions
SELECT count(*) AS n FROM pg_stat_activity;
```

```bash
# Between
echo between
```

```bash
# Zz target
echo target reached
```

## Zz guided

### Symptoms

- guided

### Diagnostic Steps

<!-- amconsole: expect output~/one/ -->
```bash
# First region
echo "one <region>"
```

<!-- amconsole: expect value<3 -->
```sql
-- Five is too many
SELECT 5 AS n;
```

```bash
# Third region
echo "three <region>"
```

```bash
# Delete a pod
kubectl delete pod x
```
MD
am_start 140 45 --runbooks "$T/runbooks" --config "$T/pg.yaml" --refresh 500ms
wait_for "Zz capture"
keys /
type_text "zz capture"
keys Enter
keys Enter
wait_for "List databases"
keys Enter
wait_for "fleet_east" 15
wait_for "(1 row)" 10
keys j
keys Enter
wait_for "captured by step 1" 10
screen | grep -q "fleet_east.*captured by step 1" || fail "the captured value is not offered"
ok "a sql step's capture feeds the next placeholder's pick list"
keys Enter
wait_for "using fleet_east" 10
ok "the picked captured value runs in the step"
keys j
keys Enter
wait_for "expect failed" 15
wait_re "expect failed: value [0-9]+ ≥ 1: next, Zz target" 5
ok "a failed expectation shows its reason and names the next step"
# The detail pane shows the selected step: the selection moved to 5.
wait_for "echo target reached" 5
screen | grep -q "3 expect failed" || fail "step 3's status is not 'expect failed'"
ok "the selection moved to the next-on-fail step, the status column says expect failed"
# A: the guided run.
keys BSpace
keys /
keys C-u
type_text "zz guided"
keys Enter
keys Enter
wait_for "First region"
keys A
wait_for "A: region (1/1" 5
type_text "eu-1"
keys Enter
wait_re "A stopped at step 2: expect failed: value 5 ≥ 3" 20
screen | grep -q "1 ok " || fail "step 1 did not run ok"
screen | grep -q "2 expect failed" || fail "step 2 is not 'expect failed'"
screen | grep -q "3 not run" || fail "A ran past the failed step"
screen | grep -q "4 not run" || fail "A touched the changing step"
wait_for "SELECT 5 AS n" 5
ok "A asked <region> once, ran step 1 and stopped at step 2 (selected), steps 3 and 4 not run"
keys k
keys o
wait_for "one eu-1" 5
ok "the value given up front reached the step"
keys o
keys w
wait_for "transcript written to" 10
f=$(ls "$XDG_STATE_HOME"/amconsole/*.md 2>/dev/null | head -1)
[ -n "$f" ] && grep -q "Expectation failed: value 5 ≥ 3" "$f" || fail "the transcript does not say which expectation failed"
ok "the transcript records the failed expectation"
# The shipped guide's connection check holds on a quiet server.
keys BSpace
keys /
keys C-u
type_text "database performance"
keys Enter
keys Enter
wait_for "Connections as a share of max_connections"
# It is the second step: the detail pane shows its query once selected.
n=2
keys j
wait_for "AS pct_of_max_connections" 5
keys Enter
wait_for "pct_of_max_connections" 15
wait_for "step $n: ok" 10
ok "the shipped 'Connections as a share of max_connections' step meets its expectation (value<80)"
keys ?
wait_for "Diagnose" 5
i=0
while [ "$i" -lt 40 ] && ! shows "capture NAME=column:COL"; do
	tm send-keys -t am j
	i=$((i + 1))
done
wait_for "capture NAME=column:COL" 5
ok "? lists A and the expect/capture/next-on annotations"
keys Escape
keys q
wait_dead
