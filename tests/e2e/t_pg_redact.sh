# t_pg_redact.sh - G-b for SQL (issue #12): password literals against a
# real PostgreSQL 15, which keeps them in pg_stat_statements (utility
# statements such as ALTER ROLE ... PASSWORD '...' are not normalised to
# $1) and in pg_stat_activity. A planted password shows as '***', and
# never in full, in the Slow queries list, its full-text view (a
# statement written over three lines, drawn a line at a time), the
# activity view and its cancel dialog, a runbook sql step's dialog, the
# audit log, the incident transcript, the console's log and the bytes
# sent to the terminal.
. tests/e2e/lib.sh
. tests/e2e/pg.sh
pg_setup
SECRET=S3cretPlanted
pq -c "CREATE ROLE planted LOGIN ENCRYPTED PASSWORD '${SECRET}1'" -c "CREATE ROLE sleeper" \
	>/dev/null || fail "create role"
printf "ALTER USER planted WITH\n  PASSWORD\n  '%s2';\n" "$SECRET" | pq >/dev/null ||
	fail "alter user"
n=$(pq -At -c "SELECT count(*) FROM pg_stat_statements WHERE query LIKE '%${SECRET}%'")
[ "$n" -ge 2 ] || fail "pg_stat_statements does not hold the literals ($n rows)"
ok "the server keeps the password literals in pg_stat_statements"
# A session that changes a password and then runs on: pg_stat_activity
# shows the whole string while it sleeps (another role: its transaction
# keeps the role's row locked).
psql -X -q -h 127.0.0.1 -p "$PGPORT" -U postgres -d amtest \
	-c "ALTER ROLE sleeper PASSWORD '${SECRET}3'; SELECT pg_sleep(60)" >"$T/sleeper.out" 2>&1 &
cat >"$T/runbooks/rotate.md" <<MD
# Credentials

## Zz rotate the app role

#### Diagnostic Queries
\`\`\`sql
-- Rotate the app password
ALTER ROLE planted PASSWORD '${SECRET}4';
\`\`\`
MD
masked() { # what the screen must show, and the secret nowhere on it
	wait_for "$1" 10
	screen | grep -qF "$SECRET" && fail "the password is on screen ($2)"
	return 0
}

am_start 160 45 --runbooks "$T/runbooks" --config "$T/pg.yaml" --refresh 500ms \
	--log "$T/amconsole.log"
wait_for "Zz rotate" 10
keys z
keys /
type_text "zz rotate"
keys Enter
keys Enter
wait_for "Rotate the app password" 10
masked "ALTER ROLE planted PASSWORD '***'" "runbook step"
keys Enter
wait_for "Changing step" 10
masked "ALTER ROLE planted PASSWORD '***'" "confirmation"
keys Tab
keys Enter
wait_for "step 1: ok" 15
ok "the sql step's command is masked in the runbook and its confirmation"
keys w
wait_for "transcript written" 10
keys z

focus slowq
keys z
wait_for "conns " 15
keys /
type_text planted
keys Enter
masked "CREATE ROLE planted LOGIN ENCRYPTED PASSWORD '***'" "statements"
masked "ALTER USER planted WITH PASSWORD '***'" "statements"
ok "the Slow queries list shows CREATE/ALTER ROLE ... PASSWORD '***'"
keys /
keys C-u
type_text "alter user"
keys Enter
keys g
keys Enter
wait_for "full query text" 5
masked "  '***'" "full text"
screen | grep -qx "[│ ]*  PASSWORD *[│ ]*" || fail "the full text is not drawn line by line"
ok "the full-text view masks a literal on its own line"
keys Escape
wait_gone "full query text" 5
keys /
keys C-u
keys Enter
keys a
masked "ALTER ROLE sleeper PASSWORD '***'; SELECT pg_sleep(60)" "activity"
ok "the activity view shows the running statement masked"
keys g
keys Enter
wait_for "full query text" 5
masked "ALTER ROLE sleeper PASSWORD '***'; SELECT pg_sleep(60)" "activity full text"
keys Escape
wait_gone "full query text" 5
keys c
wait_for "Cancel the running query of" 5
masked "PASSWORD '***'" "cancel dialog"
keys Escape
wait_for "cancelled: nothing was sent" 5
ok "the session's full text and the cancel dialog are masked"
keys q
wait_dead

grep -q "PASSWORD '\*\*\*'" "$AUDIT" || fail "the audit log lacks the masked command"
ls "$XDG_STATE_HOME"/amconsole/incident-*.md >/dev/null 2>&1 || fail "no transcript"
grep -q "PASSWORD '\*\*\*'" "$XDG_STATE_HOME"/amconsole/incident-*.md ||
	fail "the transcript lacks the masked command"
ok "the audit log and the transcript record the command masked"
if grep -rlF "$SECRET" "$XDG_STATE_HOME" "$HOME" "$XDG_CONFIG_HOME" "$T/amconsole.log" \
	"$T/raw" "$T/stderr" 2>/dev/null; then
	fail "the password is in a file the console wrote or in the terminal's bytes"
fi
ok "the password is in no file the console wrote and never reached the terminal"
