# t_resize.sh - F1: a resize storm between 20x10 and 300x100, and a 1x1
# terminal: no crash, "terminal too small" when below the minimum, a
# correct redraw after; the grid appears at 160x45 and tabs below.
. tests/e2e/lib.sh
use_shipped_runbooks
am_start 100 30 --runbooks "$T/runbooks"
wait_for "Service Startup Issues"
wait_for "1 Runbook"
wait_for "Sources |"
ok "below 160x45 one panel shows under a tab bar"
sleep 1
before=$(wc -c <"$T/raw")
sleep 3
after=$(wc -c <"$T/raw")
[ "$before" -eq "$after" ] || fail "an idle console sent $((after - before)) bytes in 3 s"
ok "an idle console sends 0 bytes to the terminal"
for i in 1 2 3 4 5 6 7 8 9 10; do
	tm resize-window -t am -x 20 -y 10
	tm resize-window -t am -x 300 -y 100
	tm resize-window -t am -x 37 -y 9
	tm resize-window -t am -x 81 -y 24
done
resize 1 1
sleep 0.3
pane_dead && fail "died at 1x1"
resize 20 5
wait_for "too small"
ok "the storm and 1x1 leave it alive; 20x5 says the terminal is too small"
resize 170 50
wait_for "Service Startup Issues"
wait_for "not configured"
ok "at 170x50 the grid shows the runbook pane beside the Sources panel"
resize 80 24
wait_for "Service Startup Issues"
screen | grep -q "not configured" && fail "the grid stayed at 80x24"
ok "80x24 is back to one panel and fully drawn"
keys Tab
wait_for "┌─ 2 "
keys 3
wait_for "┌─ 3 "
focus sources
wait_for "Sources ────"
keys 1
wait_for "Service Startup Issues"
ok "Tab and digits move between panels"
keys :
type_text "theme light"
keys Enter
wait_for "theme light"
keys :
type_text "theme nosuch"
keys Enter
wait_for "nosuch"
pane_dead && fail "died on a bad theme"
ok ":theme switches themes and reports an unknown one"
keys q
wait_dead
[ "$(pane_status)" = 0 ] || fail "exit status $(pane_status)"
