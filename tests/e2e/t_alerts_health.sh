# t_alerts_health.sh - the health strip on the Alerts panel's top line:
# one cell per `health` endpoint and per HTTP source, with latency; a
# test endpoint going up -> down -> up turns its cell green -> red ->
# green; h lists the checks with status and latency.
. tests/e2e/lib.sh
. tests/e2e/prom.sh
prom_start
cat >"$T/config.yaml" <<CONF
health:
  - {name: fleet-manager, url: "$FAKE_URL/health"}
  - {name: nowhere, url: "http://127.0.0.1:1/health"}
CONF
AM_ENV="ALERTMANAGER_URL=$AM_URL PROMETHEUS_URL=$PROM_URL" am_start 200 40 --refresh 500ms --config "$T/config.yaml"
goto_alerts
wait_for "[fleet-manager up" 20
wait_for "[alertmanager up" 10
wait_for "[prometheus up" 10
wait_for "[nowhere DOWN]" 10
screen | grep -qE "\[fleet-manager up [0-9]+ms\]" || fail "no latency in the cell"
ok "one cell per check with latency; an unreachable one is DOWN"
rm -f "$PDIR/up"
wait_for "[fleet-manager DOWN]" 10
ok "the endpoint going down turns its cell DOWN"
keys h
wait_for "Health checks" 5
screen | grep -F "fleet-manager" | grep -qF "HTTP 503" || fail "no status in the details"
ok "h lists the checks with their HTTP status"
keys o
touch "$PDIR/up"
wait_for "[fleet-manager up" 10
ok "and back up"
keys q
wait_dead
