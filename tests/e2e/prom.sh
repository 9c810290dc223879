# prom.sh - a real Prometheus and Alertmanager for the alerts tests,
# sourced after lib.sh. Debian's prometheus scrapes itself every second
# and evaluates $PDIR/rules.yml every second: rules that always fire
# (for: 0s) with severities critical, warning and info, HighErrorRate
# (critical, leading to the runbook's "Performance Degradation"), one whose
# annotations hold escape sequences and \r, and the guide's alert rules
# adapted to metrics Prometheus exports itself. It sends to a
# prometheus-alertmanager (clustering off). Both run on free loopback
# ports with their data in $T, so lib.sh's exit trap (which kills what
# has $T on its command line) stops them. A small python3 server
# ($FAKE_URL) answers /health (up while $PDIR/up exists, else 503) and,
# as a fake Alertmanager, proxies to the real one or returns the fault
# named in $PDIR/mode: 500, badjson, empty, huge (50 MB).
command -v prometheus >/dev/null || { echo "ok - skipped: no prometheus"; exit 0; }
command -v prometheus-alertmanager >/dev/null || { echo "ok - skipped: no alertmanager"; exit 0; }
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
PPORT=$(free_port)
APORT=$(free_port)
FPORT=$(free_port)
PDIR="$T/prom"
mkdir -p "$PDIR/tsdb" "$PDIR/am"
PROM_URL="http://127.0.0.1:$PPORT"
AM_URL="http://127.0.0.1:$APORT"
FAKE_URL="http://127.0.0.1:$FPORT"

cat >"$PDIR/prometheus.yml" <<CONF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files: ["$PDIR/rules.yml"]
alerting:
  alertmanagers:
  - static_configs:
    - targets: ["127.0.0.1:$APORT"]
scrape_configs:
- job_name: prometheus
  static_configs:
  - targets: ["127.0.0.1:$PPORT"]
CONF
cat >"$PDIR/rules.yml" <<'CONF'
groups:
- name: always
  rules:
  - alert: AlwaysWarning
    expr: vector(1) > 0
    for: 0s
    labels: {severity: warning, service: vehicle-gateway, namespace: atlasmesh-prod}
    annotations: {summary: "always firing (warning)"}
  - alert: AlwaysCritical
    expr: vector(1) > 0
    for: 0s
    labels: {severity: critical, service: fleet-manager, namespace: atlasmesh-prod}
    annotations:
      summary: "always firing (critical)"
      runbook_url: "https://runbooks.example/performance-degradation"
  - alert: HighErrorRate
    expr: vector(1)
    for: 0s
    labels: {severity: critical, service: api-gateway}
    annotations: {summary: "always firing: the guide's HighErrorRate, for the runbook jump"}
  - alert: AlwaysInfo
    expr: vector(1) > 0
    for: 0s
    labels: {severity: info, service: policy-engine}
    annotations: {summary: "always firing (info)"}
  - alert: HostileAnnotation
    expr: vector(1) > 0
    for: 0s
    labels: {severity: none}
    annotations:
      summary: "\e]0;PWNED\a\e[2J spoof\rOVERWRITE"
      description: "\e]52;c;cm0gLXJmIH4K\a tail"
- name: fleet-os-alerts
  rules:
  - alert: HighErrorRate
    expr: sum(rate(prometheus_http_requests_total{code=~"5.."}[1m])) / sum(rate(prometheus_http_requests_total[1m])) > 0.05
    for: 0s
    labels: {severity: critical}
    annotations: {summary: "High error rate detected"}
  - alert: HighResponseTime
    expr: histogram_quantile(0.95, sum(rate(prometheus_http_request_duration_seconds_bucket[1m])) by (le)) > 2
    for: 0s
    labels: {severity: warning}
    annotations: {summary: "High response time detected"}
  - alert: DatabaseConnectionsHigh
    expr: prometheus_tsdb_head_series / 1e9 > 0.8
    for: 0s
    labels: {severity: warning}
    annotations: {summary: "Database connections approaching limit"}
CONF
cat >"$PDIR/am.yml" <<'CONF'
route:
  receiver: "null"
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
- name: "null"
CONF
cat >"$PDIR/fake.py" <<'PY'
import http.server, os, sys, urllib.request
port, pdir, am = int(sys.argv[1]), sys.argv[2], sys.argv[3]
class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass
    def send(self, code, body, ctype="application/json"):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except OSError:
            pass
    def handle_any(self):
        if self.path.startswith("/health"):
            up = os.path.exists(os.path.join(pdir, "up"))
            return self.send(200 if up else 503, b"ok\n" if up else b"down\n", "text/plain")
        try:
            mode = open(os.path.join(pdir, "mode")).read().strip()
        except OSError:
            mode = "proxy"
        if mode == "500":
            return self.send(500, b"internal error\n", "text/plain")
        if mode == "badjson":
            return self.send(200, b'[{"labels": {"alertname": "X"')
        if mode == "empty":
            return self.send(200, b"")
        if mode == "huge":
            return self.send(200, b"[" + b" " * (50 << 20) + b"]")
        n = int(self.headers.get("Content-Length") or 0)
        data = self.rfile.read(n) if n else None
        req = urllib.request.Request(am + self.path, data=data, method=self.command,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=5) as r:
                return self.send(r.status, r.read())
        except urllib.error.HTTPError as e:
            return self.send(e.code, e.read())
    do_GET = do_POST = do_DELETE = handle_any
http.server.ThreadingHTTPServer(("127.0.0.1", port), H).serve_forever()
PY

# prom_start: start all three and wait until they answer.
prom_start() {
	prometheus-alertmanager --config.file="$PDIR/am.yml" --storage.path="$PDIR/am" \
		--web.listen-address="127.0.0.1:$APORT" --cluster.listen-address= \
		>"$PDIR/am.log" 2>&1 &
	python3 "$PDIR/fake.py" "$FPORT" "$PDIR" "$AM_URL" >"$PDIR/fake.log" 2>&1 &
	touch "$PDIR/up"
	# The Alertmanager first: alerts Prometheus fails to deliver wait
	# for the resend delay (made 1s here too).
	prom_wait "$AM_URL/-/ready"
	prometheus --config.file="$PDIR/prometheus.yml" --storage.tsdb.path="$PDIR/tsdb" \
		--web.listen-address="127.0.0.1:$PPORT" --rules.alert.resend-delay=1s \
		>"$PDIR/prom.log" 2>&1 &
	prom_wait "$PROM_URL/-/ready"
	prom_wait "$FAKE_URL/health"
}

# prom_wait URL: until it answers (any status), or fail.
prom_wait() {
	until_ok 30 curl -s -o /dev/null "$1" 2>/dev/null && return 0
	tail -20 "$PDIR/am.log" "$PDIR/prom.log"
	fail "$1 did not answer"
}

# prom_wait_up: until Prometheus has scraped itself (up is 1), so that a
# query of up has its series, or fail.
prom_up() { curl -s "$PROM_URL/api/v1/query?query=up" | grep -q '"1"'; }
prom_wait_up() { wait_until 30 "Prometheus never scraped itself" prom_up; }

# am_pidof: the Alertmanager's pid.
am_pidof() { pgrep -f "prometheus-alertmanager --config.file=$PDIR/am.yml"; }

# wait_alerts N: until the Alertmanager holds N alerts (the always-firing ones).
am_holds() {
	c=$(curl -s "$AM_URL/api/v2/alerts" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))' 2>/dev/null)
	[ "${c:-0}" -ge "$1" ]
}
wait_alerts() { wait_until 30 "the Alertmanager never held $1 alerts" am_holds "$1"; }

# goto_alerts: focus the Alerts panel (found by its key bar).
goto_alerts() { goto_panel Silences "Alerts"; }
