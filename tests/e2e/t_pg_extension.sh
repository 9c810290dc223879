# t_pg_extension.sh - the Slow queries panel's guidance about
# pg_stat_statements against a real PostgreSQL 15, never an SQL error:
# a cluster started without shared_preload_libraries (extension not
# created, then created), the same seen by a role that cannot read the
# setting, then preloaded but no CREATE EXTENSION, then the extension
# at version 1.7 (the pre-13 total_time columns, as on a server upgraded
# without ALTER EXTENSION UPDATE), ALTER EXTENSION UPDATE and DROP
# EXTENSION while the console runs. At 100 columns, so the advice must
# wrap to be read whole.
. tests/e2e/lib.sh
. tests/e2e/pg.sh
pg_setup --no-preload --no-extension

# The panel's text with the borders off and the lines joined, so that
# advice wrapped over several lines reads as one.
panel_text() { screen | sed -e 's/^│//' -e 's/│ *$//' -e 's/ *$//' | tr '\n' ' '; }
panel_has() { panel_text | grep -qF -- "$1"; }
wait_text() { wait_until "${2:-10}" "timed out waiting for: $1" panel_has "$1"; } # TEXT [seconds]
no_sql_error() {
	panel_text | grep -qE "ERROR|must be loaded|does not exist|disconnected|stale" &&
		fail "an SQL error on screen instead of the advice"
	return 0
}
PRELOAD="set shared_preload_libraries = 'pg_stat_statements' in postgresql.conf and restart the server"
CREATE="run CREATE EXTENSION pg_stat_statements; in database amtest"

am_start 100 30 --config "$T/pg.yaml" --refresh 500ms
focus slowq
wait_text "$PRELOAD" 15
wait_text "$CREATE" 5
no_sql_error
ok "not preloaded, not created: both steps shown whole (preload + restart, CREATE EXTENSION)"

# CREATE EXTENSION succeeds without the preload; reading the view then
# fails on the server ("must be loaded via shared_preload_libraries").
pq -c "CREATE EXTENSION pg_stat_statements" || fail "create extension"
wait_gone "CREATE EXTENSION" 10
wait_text "$PRELOAD" 5
no_sql_error
ok "created but not preloaded: only the preload + restart step, no SQL error"
am_quit

# A plain role cannot read shared_preload_libraries: current_setting()
# would fail the whole poll; the panel must still say what to do.
pq -c "CREATE ROLE mon LOGIN" >/dev/null || fail "create role"
sed 's/user=postgres/user=mon/' "$T/pg.yaml" >"$T/mon.yaml"
am_start 100 30 --config "$T/mon.yaml" --refresh 500ms
focus slowq
wait_text "pg_stat_statements is not loaded: $PRELOAD" 15
wait_for "ok, fetched" 5
no_sql_error
ok "a role without pg_read_all_settings gets the same advice and live data"
am_quit

# Preloaded, extension not created in this database.
pq -c "DROP EXTENSION pg_stat_statements" || fail "drop extension"
pg_preload
pg_stop
pg_start
am_start 100 30 --config "$T/pg.yaml" --refresh 500ms
focus slowq
wait_text "pg_stat_statements is not available: $CREATE" 15
panel_text | grep -q "shared_preload_libraries" && fail "preloaded, yet told to preload"
no_sql_error
ok "preloaded, not created: says to run CREATE EXTENSION pg_stat_statements"

# The pre-13 columns on a real server: version 1.7 has total_time and no
# total_exec_time. The panel follows with no key pressed.
pq -c "CREATE EXTENSION pg_stat_statements VERSION '1.7'" || fail "create 1.7"
[ "$(pq -At -c "SELECT string_agg(attname, ',' ORDER BY attname) FROM pg_attribute
	WHERE attrelid = 'pg_stat_statements'::regclass AND attname LIKE 'total%time'")" = total_time ] ||
	fail "version 1.7 does not have the old columns only"
pq -c "SELECT pg_sleep(0.3)" >/dev/null
wait_for "pg_sleep(\$1)" 10
screen | grep -F "pg_sleep(\$1)" | grep -qE " 3[0-9]{2}\.[0-9]ms " || fail "no ~300ms total for pg_sleep(0.3)"
no_sql_error
ok "extension 1.7 (total_time/mean_time only): statements with their times"

# ALTER EXTENSION UPDATE renames the columns under a running console.
pq -c "ALTER EXTENSION pg_stat_statements UPDATE" || fail "alter extension"
pq -c "SELECT pg_sleep(0.2), 'after update'" >/dev/null
wait_for "pg_sleep(\$1), \$2" 10
no_sql_error
ok "ALTER EXTENSION UPDATE (total_exec_time now) followed without an error"

# DROP EXTENSION under a running console: back to the advice.
pq -c "DROP EXTENSION pg_stat_statements" || fail "drop extension"
wait_text "pg_stat_statements is not available: $CREATE" 10
no_sql_error
ok "DROP EXTENSION while running: the advice again"

# Whatever was drawn in between (raw bytes): never the server's errors.
grep -aE "must be loaded|does not exist|must be superuser" "$T/raw" &&
	fail "an SQL error was drawn at some point"
ok "no SQL error was ever drawn"
keys q
wait_dead
