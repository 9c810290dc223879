# t_alerts_runbook.sh - from an alert to its runbook symptom, against a
# real Prometheus and Alertmanager and a copy of the shipped runbooks:
# HighErrorRate (named by the alerts= annotation of "Performance
# Degradation") shows its symptom in the details, and Enter there, or b
# on the list, opens that symptom with its steps in the runbook pane;
# an alert whose runbook_url names a symptom opens it too; an alert with
# neither says so and stays put; an annotation added to another file's
# symptom maps a new alert without any code.
. tests/e2e/lib.sh
. tests/e2e/prom.sh
prom_start
wait_alerts 5
use_shipped_runbooks
cat >"$T/runbooks/extra.md" <<'MD'
# Extra

## Policy Engine Noise
<!-- amconsole: alerts=AlwaysWarning -->

### Symptoms
- the policy engine logs warnings

### Diagnostic Steps
```bash
# Policy engine pods
kubectl get pods -l app=policy-engine
```
MD
# Below the grid size (160x45): one panel at a time, so the Triage
# panel, which lists the same alerts, does not show beside the Alerts one.
AM_ENV="ALERTMANAGER_URL=$AM_URL" am_start 159 45 --refresh 500ms --runbooks "$T/runbooks"
focus alerts
wait_for "HighErrorRate" 20
keys /
type_text "alertname=HighErrorRate"
keys Enter
wait_gone "AlwaysCritical" 5
keys Enter
wait_for "runbook symptom Performance Degradation" 5
ok "the details name the symptom from the runbook's alerts= annotation"
keys Enter
wait_for "High CPU usage" 5
shows "Performance Degradation" || fail "the symptom title is not shown"
shows "Memory usage" || fail "the symptom's steps are not listed"
ok "Enter in the details opens Performance Degradation in the runbook pane"
focus alerts
keys o
keys /
keys C-u
type_text "alertname=AlwaysWarning"
keys Enter
wait_gone "HighErrorRate" 5
keys b
wait_for "Policy engine pods" 5
wait_gone "High CPU usage" 5
screen | grep -qF "Policy Engine Noise" || fail "the extra file's symptom is not open"
ok "an alerts= annotation in another runbook file maps AlwaysWarning"
focus alerts
keys /
keys C-u
type_text "alertname=AlwaysCritical"
keys Enter
wait_gone "AlwaysWarning" 5
keys b
wait_for "High CPU usage" 5
screen | grep -qF "Performance Degradation" || fail "runbook_url did not open its symptom"
ok "b opens the symptom a runbook_url names (.../performance-degradation)"
focus alerts
keys /
keys C-u
type_text "alertname=AlwaysInfo"
keys Enter
wait_gone "AlwaysCritical" 5
keys b
wait_for "AlwaysInfo: no runbook symptom names it" 5
screen | grep -qF "Silences" || fail "focus left the Alerts panel"
ok "an alert with no mapping says so and stays in the Alerts panel"
keys q
wait_dead
