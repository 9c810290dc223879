# t_layout.sh - the grid gives space by need (#13 Layout): the runbook
# pane is a narrow column on the symptom list and grows with a symptom
# open; Sources keeps just its rows while a panel with more rows takes the
# rest; :layout panels, tall, runbook and auto each change what the
# operator sees; :layout names the current preset and an unknown name is
# refused with the presets listed; Tab completes :lay; ? describes the
# presets; layout: in the config applies at start.
. tests/e2e/lib.sh
. tests/e2e/redis.sh
redis_start
stub kubectl 'echo "NAME          READY   STATUS"; echo "fleet-api-0   0/1     CrashLoopBackOff"'

use_shipped_runbooks
cat >"$T/config.yaml" <<YAML
redis:
  instances:
    - {name: main, url: "redis://127.0.0.1:$RPORT/0"}
YAML
# Width of the box whose top-left corner starts line 2 (the first cell).
first_width() { screen | sed -n 2p | python3 -c 'import sys; l = sys.stdin.read(); print(l.find("\u2510") + 1)'; }
# Height of the cell titled $1 (its border rows included).
cell_height() {
	screen | python3 -c '
import sys
lines = sys.stdin.read().splitlines()
title = sys.argv[1]
top = next(i for i, l in enumerate(lines) if title in l)
col = lines[top].index(title)
col = lines[top].rfind("\u250c", 0, col)
bot = next(i for i in range(top + 1, len(lines)) if len(lines[i]) > col and lines[i][col] == "\u2514")
print(bot - top + 1)' "$1"
}
am_start 200 55 --config "$T/config.yaml" --runbooks "$T/runbooks" --refresh 500ms
wait_for "Service Startup Issues"
wait_for "redis main    ok" 10
w=$(first_width)
[ "$w" -ge 34 ] && [ "$w" -le 60 ] || fail "the runbook column is $w wide on the symptom list"
screen | grep -qF "Authentication & Authorization Issues" || fail "a symptom title is cut"
ok "on the symptom list the runbook column is narrow ($w of 200) and shows whole titles"
hs=$(cell_height "8 Sources")
hc=$(cell_height "6 Cache")
[ "$hs" -le 12 ] || fail "Sources is $hs lines high with 7 rows"
[ "$hc" -gt "$hs" ] || fail "Cache ($hc) is not given the rest (Sources $hs)"
ok "Sources keeps its rows ($hs lines); Cache takes the rest ($hc)"
keys /
type_text "crash"
keys Enter
keys Enter
wait_for "Check pod status"
w2=$(first_width)
[ "$w2" -ge $((w + 30)) ] || fail "the runbook column is $w2 wide with a symptom open"
ok "with a symptom open it grows ($w2 of 200)"
keys Enter
wait_for "fleet-api-0   0/1" 10
w3=$(first_width)
[ "$w3" -eq 120 ] || fail "with output the runbook column is $w3 wide"
ok "once a step has output it takes three fifths ($w3 of 200)"
w2=$w3
focus "layout"
wait_for "layout: auto (auto, runbook, panels or tall)"
ok ":layout names the current preset"
focus "layout runbook"
wait_for "layout runbook"
[ "$(first_width)" -eq 133 ] || fail "runbook: the runbook column is $(first_width) wide"
ok ":layout runbook: the runbook pane takes two thirds"
focus sources
focus "layout panels"
wait_for "layout panels"
screen | grep -qF "1 Runbook" && fail "panels: the runbook is still on screen"
screen | sed -n 2p | grep -qF "2 Triage" || fail "panels: Triage does not start the grid"
[ "$(first_width)" -eq 200 ] || fail "panels: the cells are $(first_width) wide"
ok ":layout panels: no runbook column, the panels take the whole width"
focus "layout tall"
wait_for "layout tall"
screen | sed -n 2p | grep -qF "1 Runbook" || fail "tall: the runbook does not come first"
[ "$(first_width)" -eq 200 ] || fail "tall: the runbook cell is $(first_width) wide"
screen | grep -q "^┌─ 8 Sources" || fail "tall: Sources is not in the one column"
ok ":layout tall: one column, the runbook on top"
focus "layout auto"
wait_for "layout auto"
[ "$(first_width)" -eq "$w2" ] || fail "auto: the open symptom lost its width"
focus runbook
keys BSpace
wait_for " of 17 "
[ "$(first_width)" -le 60 ] || fail "auto: back on the list the column is $(first_width) wide"
ok ":layout auto: back to space by need (narrow again on the list)"
focus "layout sideways"
wait_for "unknown layout 'sideways': auto (space by need), runbook (runbook wide), panels (no runbook column) or tall (one column)"
ok "an unknown preset is refused with the presets listed"
keys : l a y Tab
wait_for ":layout"
screen | grep -qx ":layout *" || fail "Tab did not complete :lay: $(screen | tail -2 | head -1)"
tm send-keys -t am tall Enter
wait_for "layout tall"
ok "Tab on the command line completes a command's name (:lay to :layout)"
focus "layout auto"
wait_for "layout auto"
keys ?
wait_for "presets: auto (by need), runbook (wide), panels (no runbook), tall (1 column)"
screen | grep -qF ":layout NAME" || fail "the help lacks :layout NAME"
keys q
ok "? describes the layout presets"
keys q
wait_dead

# layout: in the config is the default.
tm kill-server
rm -f "$T/exit" "$T/raw"
printf 'layout: tall\n' >>"$T/config.yaml"
am_start 200 55 --config "$T/config.yaml" --runbooks "$T/runbooks"
wait_for "Service Startup Issues"
screen | grep -q "^┌─ 8 Sources" || fail "layout: tall in the config did not stack the panels"
[ "$(first_width)" -eq 200 ] || fail "layout: tall: the runbook cell is $(first_width) wide"
focus layout
wait_for "layout: tall"
ok "layout: tall in the config applies at start"
keys q
wait_dead
