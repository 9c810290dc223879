# t_alerts_silence.sh - silences from the Alerts panel against a real
# Alertmanager: s on an alert pre-fills matchers from its labels, asks a
# duration (1h default) and a required comment, confirms, and the
# silence then exists in Alertmanager's API with those matchers and
# createdBy $USER; the alert shows as silenced; S lists it with its
# expiry countdown; e expires it (confirmed) and the alert fires again.
# Both actions are audited before and after. Two Alertmanager URLs
# reach the same Alertmanager (the second through a proxy), as HA peers
# share silences: the silence is created once, on the first.
. tests/e2e/lib.sh
. tests/e2e/prom.sh
prom_start
wait_alerts 5
cat >"$T/config.yaml" <<CONF
alertmanager:
  urls: ["$AM_URL", "$FAKE_URL"]
CONF
AM_ENV="USER=e2e-operator" am_start 200 40 --refresh 500ms --config "$T/config.yaml"
goto_alerts
wait_for "AlwaysWarning" 20
# Past the two critical rows (AlwaysCritical and HighErrorRate).
keys j
keys j
keys s
wait_for 'alertname="AlwaysWarning"' 5
screen | grep -qF 'service="vehicle-gateway"' || fail "service not pre-filled"
keys Enter
wait_for "Duration" 5
keys Enter
wait_for "Comment" 5
keys Enter
wait_for "a comment is required" 5
ok "an empty comment is refused"
keys s
wait_for 'alertname="AlwaysWarning"' 5
keys Enter
wait_for "Duration" 5
keys Enter
wait_for "Comment" 5
type_text "e2e maintenance window"
keys Enter
wait_for "Create silence" 5
[ "$(curl -s "$AM_URL/api/v2/silences" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" = 0 ] ||
	fail "a silence exists before confirmation"
paste_never_answers
[ "$(curl -s "$AM_URL/api/v2/silences" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" = 0 ] ||
	fail "a paste or a burst created the silence"
ok "G-a a paste, or Right+Enter in one burst, does not create the silence"
keys Right
keys Enter
wait_for "silence" 5
n=0
while [ "$n" -lt 100 ]; do
	curl -s "$AM_URL/api/v2/silences" | grep -q AlwaysWarning && break
	sleep 0.1
	n=$((n + 1))
done
curl -s "$AM_URL/api/v2/silences" | python3 -c '
import json, sys
s = [x for x in json.load(sys.stdin) if x["status"]["state"] == "active"]
assert len(s) == 1, s
m = {x["name"]: x["value"] for x in s[0]["matchers"]}
assert m == {"alertname": "AlwaysWarning", "severity": "warning", "service": "vehicle-gateway", "namespace": "atlasmesh-prod"}, m
assert all(x["isEqual"] and not x["isRegex"] for x in s[0]["matchers"])
assert s[0]["createdBy"] == "e2e-operator", s[0]["createdBy"]
assert s[0]["comment"] == "e2e maintenance window"
' || fail "the silence in Alertmanager is not the one asked for"
ok "the silence exists once in Alertmanager with the alert's matchers, createdBy and comment"
wait_for "created on $AM_URL" 10
wait_gone "AlwaysWarning" 10
wait_for "1 silenced/inhibited" 5
keys a
wait_for "silenced by" 5
screen | grep -F "AlwaysWarning" | grep -qF "silenced by" || fail "not shown as silenced"
ok "the alert shows as silenced (a shows suppressed alerts)"
keys S
wait_for "e2e-operator" 5
screen | grep -qE "active +(59m|1h)" || fail "no countdown"
ok "the silences view shows it with its countdown"
keys e
wait_for "Expire silence" 5
paste_never_answers
curl -s "$AM_URL/api/v2/silences" | grep -q '"state":"active"' || fail "a paste or a burst expired the silence"
ok "G-a a paste, or Right+Enter in one burst, does not expire the silence"
keys Right
keys Enter
wait_for "expired on $AM_URL" 10
curl -s "$AM_URL/api/v2/silences" | python3 -c '
import json, sys
s = json.load(sys.stdin)
assert all(x["status"]["state"] == "expired" for x in s), s
' || fail "the silence is not expired in Alertmanager"
ok "e expires it in Alertmanager"
keys o
wait_for "0 silenced/inhibited" 10
screen | grep -F "AlwaysWarning" | grep -q "firing" || fail "the alert is not firing again"
ok "the alert fires again"
for ev in run end; do
	[ "$(grep -c "\"event\":\"$ev\".*silence" "$AUDIT")" -ge 2 ] || fail "audit $ev missing"
done
grep -q "expire silence" "$AUDIT" || fail "no expire audit"
ok "both actions audited before and after"
keys q
wait_dead
