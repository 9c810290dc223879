# t_prom_placeholder.sh - a placeholder in a native `promql` step (issue
# 15) against a real Prometheus: $JOB in a label matcher is asked for and
# sent escaped as a PromQL string, so `prometheus` gets that job's series
# and `x"} or vector(7) #` is a job name that matches nothing (no 7, no
# parse error); in a =~ matcher the value is a literal regex (`.*` matches
# no job); a placeholder outside a string is refused with the reason.
. tests/e2e/lib.sh
. tests/e2e/prom.sh
prom_start
cat >"$T/runbooks/promph.md" <<'MD'
# Prom placeholders

## Job health

```promql
# Targets of one job
up{job="$JOB"}
```

```promql
# Targets by regex
up{job=~"$JOB"}
```

```promql
# Rate over a window
rate(prometheus_http_requests_total[<window>])
```
MD
AM_ENV="PROMETHEUS_URL=$PROM_URL" am_start 240 40 --runbooks "$T/runbooks"
wait_for "Job health"
keys Enter
wait_for "Targets of one job"
prom_wait_up
keys Enter
wait_for "JOB (1/1)"
ok "the promql step asks for \$JOB"
type_text "prometheus"
keys Enter
wait_for 'job="prometheus"}' 20
screen | grep -F "up{instance=\"127.0.0.1:$PPORT\", job=\"prometheus\"}" | grep -qE '(│| )1 {8,}' ||
	fail "no value 1 for the prometheus job's up series"
shows '> up{job="prometheus"}' || fail "the query as sent is not shown"
ok "answered prometheus, the step gets up{job=\"prometheus\"} from Prometheus"
keys Enter
wait_for "JOB (1/1)"
type_text 'x"} or vector(7) #'
keys Enter
wait_for "(empty result: no series)" 20
shows 'up{job="x\"} or vector(7) #"}' || fail "the escaped query is not shown"
hides "bad_data" || fail "the value broke the query"
screen | grep -qE '(│| )7 {8,}' && fail "vector(7) was evaluated"
ok "answered x\"} or vector(7) #, the value stays a label value: no series, no 7"
keys j
wait_for "Targets by regex"
keys Enter
wait_for "JOB (1/1)"
type_text '.*'
keys Enter
wait_for '> up{job=~"' 20
wait_for "(empty result: no series)" 20
hides 'job="prometheus"}' || fail ".* matched the prometheus job"
ok "in a =~ matcher the value is a literal regex: .* matches no job"
keys j
wait_for "Rate over a window"
keys Enter
wait_for "window (1/1)"
type_text "5m"
keys Enter
wait_for "not run:" 10
shows "stands outside a PromQL string" || fail "no reason given"
ok "a placeholder outside a string refuses the step with the reason"
keys q
wait_dead
