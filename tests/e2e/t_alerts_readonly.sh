# t_alerts_readonly.sh - in --read-only the Alerts panel refuses to
# create a silence and to expire one: a message, an audit "refused"
# line each, and nothing changes in Alertmanager.
. tests/e2e/lib.sh
. tests/e2e/prom.sh
prom_start
wait_alerts 4
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
end=$(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%SZ)
curl -sf -X POST -H 'Content-Type: application/json' "$AM_URL/api/v2/silences" -d \
	"{\"matchers\":[{\"name\":\"alertname\",\"value\":\"AlwaysInfo\",\"isRegex\":false,\"isEqual\":true}],\"startsAt\":\"$now\",\"endsAt\":\"$end\",\"createdBy\":\"test\",\"comment\":\"pre-existing\"}" >/dev/null ||
	fail "could not create the fixture silence"
AM_ENV="ALERTMANAGER_URL=$AM_URL" am_start 200 40 --refresh 500ms --read-only
goto_alerts
wait_for "AlwaysCritical" 20
keys s
wait_for "read-only mode: refused create silence" 5
screen | grep -qF "Silence matchers" && fail "a prompt opened in read-only mode"
ok "s is refused in --read-only"
keys S
wait_for "pre-existing" 10
keys e
wait_for "read-only mode: refused expire silence" 5
screen | grep -qF "Expire silence" && fail "a confirmation opened in read-only mode"
ok "e is refused in --read-only"
[ "$(grep -c '"event":"refused"' "$AUDIT")" = 2 ] || fail "expected two refused audit lines"
curl -s "$AM_URL/api/v2/silences" | python3 -c '
import json, sys
s = json.load(sys.stdin)
assert len(s) == 1 and s[0]["status"]["state"] == "active", s
' || fail "Alertmanager's silences changed"
ok "both audited as refused; Alertmanager unchanged"
keys q
wait_dead
