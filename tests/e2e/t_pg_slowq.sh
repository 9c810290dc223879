# t_pg_slowq.sh - the Slow queries panel against a real PostgreSQL 15:
# the slow statement (pg_sleep) tops the statements since reset (by mean
# until T M C R sort them; in the grid too) and shows
# in the per-interval mode when it runs again; a statement whose comment
# holds escape sequences is drawn harmlessly (raw bytes checked, title
# unchanged); table sizes and index usage (unused first) on demand; Enter
# shows the full text.
. tests/e2e/lib.sh
. tests/e2e/pg.sh
pg_setup
pq -c "SELECT pg_sleep(1.2)" >/dev/null
for i in 1 2 3 4 5; do pq -c "SELECT count(*) FROM t WHERE id = $i" >/dev/null; done
printf '/* \033[2J\033]0;pwned\007 */ SELECT 1\n' | pq >/dev/null
tm_title_before=""
am_start 160 40 --config "$T/pg.yaml" --refresh 500ms
tm_title_before=$(tm display -p -t am '#{pane_title}')
focus slowq
keys z
wait_for "pg_sleep" 15
ok "the slow statement appears in slowq"
screen | grep -q "conns [0-9]*/20" || fail "no connection gauge"
ok "the header shows connections against max_connections"
screen | grep -q "oldest xact" || fail "no oldest xact"
# Trouble first, slowest mean: pg_sleep is the first statement row.
screen | grep -q "by mean, slowest first" || fail "the header does not say slowest first"
first=$(screen | sed 's/^│//' | grep -E '^ *[0-9]+ +[0-9.]+(ms|s) ' | head -1)
echo "$first" | grep -q pg_sleep || fail "pg_sleep is not first by mean: $first"
ok "by mean time until the operator sorts: the slow statement comes first"
# The grid (200x55): the Slow queries cell, slowest first, QUERY whole.
keys z
tm resize-window -t am -x 200 -y 55
wait_for "Runbook ─" 5
first=$(screen | sed 's/^.*││//' | grep -E '^ *[0-9]+ +[0-9.]+(ms|s) ' | head -1)
echo "$first" | grep -q "SELECT pg_sleep(\$1) *│" || fail "grid: the first row is not pg_sleep's whole QUERY: $first"
ok "grid 200x55: the slowest statement first in the Slow queries cell, its QUERY whole"
tm resize-window -t am -x 160 -y 40
wait_gone "Runbook ─" 5
keys z
sleep 1
grep -q "$(printf '\033]0;pwned')" "$T/raw" && fail "the title escape reached the terminal"
[ "$(tm display -p -t am '#{pane_title}')" = "$tm_title_before" ] || fail "pane title changed"
screen | grep -qF "]0;pwned" || fail "the hostile statement is not listed (as escaped text)"
ok "a statement with escape sequences in its comment is drawn harmlessly"
keys p
pq -c "SELECT pg_sleep(0.6)" >/dev/null
wait_for "statements in the last" 10
wait_for "pg_sleep" 10
ok "per-interval mode shows the statement that ran in the interval"
keys p
keys T
keys /
type_text pg_sleep
keys Enter
keys g
keys Enter
wait_for "full query text" 5
wait_for "pg_sleep" 5
keys Escape
wait_gone "full query text" 5
ok "Enter shows the full query text, Esc goes back"
keys /
keys C-u
keys Enter
keys S
wait_for "public.t" 10
ok "table sizes on demand"
keys I
wait_for "t_v_unused" 10
ok "index usage on demand (unused index listed)"
keys Escape
wait_for "statements since the stats reset" 5
keys q
wait_dead
