# t_alerts_promql.sh - native `promql` runbook steps against a real
# Prometheus: an instant vector shows as a table (value, a 30-minute
# sparkline from query_range, the series' labels), a scalar as a value,
# and a bad query shows the error as Prometheus reports it.
. tests/e2e/lib.sh
. tests/e2e/prom.sh
prom_start
cp tests/fixtures/prom/steps.md "$T/runbooks/"
AM_ENV="PROMETHEUS_URL=$PROM_URL" am_start 160 40 --runbooks "$T/runbooks"
wait_for "Procedures"
keys Enter
wait_for "Targets up"
prom_wait_up
keys Enter
wait_for 'up{instance="127.0.0.1:' 20
screen | grep -F 'up{instance=' | grep -qE '^.*1 ' || fail "no value for up"
ok "up shows a value per series"
keys j
wait_for "Build info"
keys Enter
wait_for "prometheus_build_info{" 20
screen | grep -qF 'branch="debian' || fail "build info labels missing"
ok "prometheus_build_info shows its labels"
keys j
keys Enter
wait_for "scalar 42" 20
ok "a scalar shows its value"
keys j
keys Enter
wait_for "error: bad_data" 20
ok "a bad query shows Prometheus' error"
keys q
wait_dead
