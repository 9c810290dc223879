# t_mouse.sh - the mouse, as an xterm reports it (X10 encoding sent into
# the pane): a click on a tab focuses that panel, a click on a row selects
# it, the wheel moves the selection.
. tests/e2e/lib.sh
use_shipped_runbooks
am_start 100 30 --runbooks "$T/runbooks"
wait_for "Service Startup Issues"
x=$(screen | sed -n 2p | awk '{ print index($0, "Sources") }')
mouse "$x" 1 0
wait_for "Sources ────"
ok "a click on a tab focuses that panel"
mouse 3 1 0
wait_for "┌─ 1 Runbook"
# Rows: 0 top line, 1 tabs, 2 border, 3 heading, 4 column titles, 5.. entries.
line=$(screen | grep -n "Database Performance Issues" | head -1 | cut -d: -f1)
mouse 5 $((line - 1)) 0
keys Enter
wait_for "Check active connections"
ok "a click selects the row under the pointer"
keys h
wait_for "Quick Reference"
mouse 5 10 65
mouse 5 10 65
keys Enter
wait_for "Test DNS resolution"
ok "the wheel moves the selection one row per notch"
keys q
wait_dead
