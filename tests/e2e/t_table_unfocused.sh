# t_table_unfocused.sh - in the grid, a panel without the keyboard marks
# its selected row by underlining it where it stands: the row's text is
# whole (the old '>' marker painted over its first character, so the
# Sources panel read ">ubernetes" or ">ealth checks"), and the focused
# panel's selection is still the highlighted bar.
. tests/e2e/lib.sh
AM_ENV="REDIS_URL=redis://127.0.0.1:1/0" am_start 200 50
wait_for "Sources" 10
wait_for "health checks" 10
screen | grep -qE '│>[a-z]' && fail "a marker painted over a row's first character"
ok "an unfocused panel's selected row keeps its text"
esc=$(printf '\033')
tm capture-pane -e -p -t am | grep -E "${esc}\[([0-9;]*;)?4(;[0-9;]*)?m" |
	sed "s/${esc}\[[0-9;]*m//g" | grep -qE '│(health checks|redis|kubernetes) ' ||
	fail "the unfocused selection is not underlined, or not whole"
ok "and is underlined, whole"
keys q
wait_dead
