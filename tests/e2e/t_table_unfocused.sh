# t_table_unfocused.sh - in the grid, a panel without the keyboard marks
# its selected row by underlining it where it stands: the row's text is
# whole (the old '>' marker painted over its first character, so the
# Sources panel read ">ubernetes"), and the focused panel's selection is
# still the highlighted bar.
. tests/e2e/lib.sh
AM_ENV="REDIS_URL=redis://127.0.0.1:1/0" am_start 200 50
wait_for "Sources" 10
wait_for "kubernetes" 10
s=$(screen)
printf '%s\n' "$s" | grep -q '>ubernetes' && fail "the marker painted over the first character"
printf '%s\n' "$s" | grep -qE '│kubernetes +(error|-)' || fail "the Sources panel's first row is not whole"
ok "an unfocused panel's selected row keeps its text"
tm capture-pane -e -p -t am | grep 'kubernetes' | grep -qE "$(printf '\033')\[([0-9;]*;)?4(;[0-9;]*)?m" ||
	fail "the unfocused selection is not underlined"
ok "and is underlined"
keys q
wait_dead
