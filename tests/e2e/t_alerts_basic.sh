# t_alerts_basic.sh - the Alerts panel against a real Prometheus and
# Alertmanager: the always-firing alerts appear in severity order
# (critical, warning, info, other) with their labels; the / filter works
# on label words (severity=critical); Enter shows labels and annotations;
# an annotation holding escape sequences and \r is drawn harmlessly; in
# the grid, ALERT and SUMMARY are whole.
. tests/e2e/lib.sh
. tests/e2e/prom.sh
prom_start
wait_alerts 5
AM_ENV="ALERTMANAGER_URL=$AM_URL PROMETHEUS_URL=$PROM_URL" am_start 200 40 --refresh 500ms
goto_alerts
wait_for "AlwaysCritical" 20
wait_for "HostileAnnotation" 10
s=$(screen)
order=$(printf '%s\n' "$s" | grep -oE "AlwaysCritical|AlwaysWarning|AlwaysInfo|HostileAnnotation" | tr '\n' ' ')
[ "$order" = "AlwaysCritical AlwaysWarning AlwaysInfo HostileAnnotation " ] || fail "order: $order"
ok "alerts in severity order: $order"
printf '%s\n' "$s" | grep -F "AlwaysCritical" | grep -qF "fleet-manager" || fail "key labels missing"
printf '%s\n' "$s" | grep -qF "5 firing" || fail "no count"
ok "key labels and the count show"
# The grid (200x55): ALERT and SUMMARY, the key columns, are whole in
# the Alerts cell; columns of lower priority give way first.
tm resize-window -t am -x 200 -y 55
wait_for "Runbook ─" 5
s=$(screen | sed 's/^.*││/│/')
printf '%s\n' "$s" | grep -q "AlwaysCritical  *always firing (critical) " ||
	fail "grid: ALERT or SUMMARY cut: $(printf '%s\n' "$s" | grep -F AlwaysCrit)"
printf '%s\n' "$s" | grep -q "AlwaysWarning  *always firing (warning) " || fail "grid: AlwaysWarning cut"
ok "grid 200x55: ALERT and SUMMARY whole in the Alerts cell"
tm resize-window -t am -x 200 -y 40
wait_gone "Runbook ─" 5
keys /
type_text "severity=critical"
keys Enter
wait_gone "AlwaysWarning" 5
screen | grep -qF "AlwaysCritical" || fail "filter hid the critical alert"
ok "the / filter matches label words (severity=critical)"
keys /
keys C-u
type_text 'alertname=~Always(Warning|Info)'
keys Enter
wait_gone "AlwaysCritical" 5
shows AlwaysWarning || fail "regex matcher hid AlwaysWarning"
shows AlwaysInfo || fail "regex matcher hid AlwaysInfo"
hides HighErrorRate || fail "regex matcher is not anchored on alertname"
ok "alertname=~Always(Warning|Info) keeps exactly the matching alerts"
keys /
keys C-u
type_text 'severity!=critical'
keys Enter
wait_gone "AlwaysCritical" 5
screen | grep -qF "AlwaysInfo" || fail "!= hid a non-critical alert"
ok "severity!=critical hides the critical alerts"
keys /
keys C-u
keys Escape
wait_for "AlwaysCritical" 5
keys g
keys Enter
wait_for "ANNOTATIONS" 5
wait_for "runbook_url" 5
screen | grep -qF "namespace = atlasmesh-prod" || fail "labels missing in details"
ok "Enter shows labels and annotations"
keys o
wait_for "AlwaysInfo" 5
# The hostile alert: escapes shown as placeholders, never raw.
# Two critical rows (AlwaysCritical, HighErrorRate), warning, info.
for i in 1 2 3 4; do keys j; done
keys Enter
wait_for "PWNED" 5
wait_for "tail" 5
grep -q "$(printf '\033]0;PWNED')" "$T/raw" && fail "raw OSC title reached the terminal"
grep -q "$(printf '\033]52;c')" "$T/raw" && fail "raw OSC 52 reached the terminal"
grep -q "$(printf '\033\\[2J spoof')" "$T/raw" && fail "raw CSI 2J reached the terminal"
grep -q "$(printf 'spoof\rOVER')" "$T/raw" && fail "raw CR reached the terminal"
ok "an annotation with escape sequences and CR is drawn harmlessly"
keys o
keys q
wait_dead
