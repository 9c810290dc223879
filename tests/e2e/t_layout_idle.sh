# t_layout_idle.sh - no jitter (#13): with a source refreshing every
# 200ms whose data does not change (a fake Alertmanager that always
# answers the same alerts), 20 refreshes write 0 bytes to the terminal in
# the grid: no cell moves, and no readout (fetch time, health latency,
# age) is redrawn with noise.
. tests/e2e/lib.sh
command -v python3 >/dev/null || { echo "ok - skipped: no python3"; exit 0; }
FPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$T/am.py" <<'PY'
import http.server, json, sys, time
# Started 3 days and half an hour ago: the ages shown ("3d00h") stay put
# for half an hour.
t = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 3 * 86400 - 1800))
def alert(name, sev, svc):
    return {"labels": {"alertname": name, "severity": sev, "service": svc},
            "annotations": {"summary": name + " is firing"}, "startsAt": t,
            "endsAt": "2099-01-01T00:00:00Z", "fingerprint": name.lower(),
            "status": {"state": "active", "silencedBy": [], "inhibitedBy": []},
            "receivers": [{"name": "null"}], "updatedAt": t}
ALERTS = json.dumps([alert("DiskFull", "critical", "ledger"),
                     alert("QueueBacklog", "warning", "billing")]).encode()
count = sys.argv[2]
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_GET(self):
        body = b"OK"
        if self.path.startswith("/api/v2/alerts"):
            body = ALERTS
            with open(count, "a") as f:
                f.write("x\n")
        elif self.path.startswith("/api/v2/silences"):
            body = b"[]"
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PY
: >"$T/polls"
python3 "$T/am.py" "$FPORT" "$T/polls" &
until_ok 5 curl -sf -o /dev/null "http://127.0.0.1:$FPORT/-/healthy" 2>/dev/null
cat >"$T/config.yaml" <<YAML
alertmanager:
  urls: ["http://127.0.0.1:$FPORT"]
YAML
polls() { wc -l <"$T/polls"; }
use_shipped_runbooks
am_start 200 55 --config "$T/config.yaml" --runbooks "$T/runbooks" --refresh 200ms
wait_for "QueueBacklog" 15
wait_for "alertmanager ok" 10
# The first readouts settle: the first health ping and fetch pay for
# connecting (and, on a loaded machine, for start-up), and the steadied
# readout moves once to the warm figure. Wait until the terminal has
# been quiet for 1.5 s (at most 12 tries) before measuring.
quiet() {
	q0=$(wc -c <"$T/raw")
	sleep 1.5
	[ "$(wc -c <"$T/raw")" -eq "$q0" ]
}
tries=12
until quiet || [ "$tries" -eq 0 ]; do tries=$((tries - 1)); done
# One window of 20 refreshes. A readout that really moves (three slow
# fetches in a row while the machine is loaded) may redraw once; jitter
# redraws in every window, so the test takes the best of three.
window() {
	before=$(wc -c <"$T/raw")
	screen >"$T/before.txt"
	p0=$(polls)
	until_ok 15 refreshed
	[ $(($(polls) - p0)) -ge 20 ] || fail "the source did not refresh 20 times ($(($(polls) - p0)))"
	sleep 0.3
	after=$(wc -c <"$T/raw")
	screen >"$T/after.txt"
	cmp -s "$T/before.txt" "$T/after.txt" && [ "$after" -eq "$before" ]
}
refreshed() { [ $(($(polls) - p0)) -ge 20 ]; }
w=1
until window; do
	echo "# window $w: $((after - before)) bytes written"
	diff "$T/before.txt" "$T/after.txt" | sed 's/^/# /'
	[ "$w" -lt 3 ] || {
		tail -c $((after - before)) "$T/raw" | od -c | head -20
		fail "$((after - before)) bytes written for unchanged data, in each of 3 windows"
	}
	w=$((w + 1))
done
ok "$(($(polls) - p0)) refreshes of unchanged data: 0 bytes written, the screen unchanged"
keys q
wait_dead
