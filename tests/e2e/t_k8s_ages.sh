# t_k8s_ages.sh - ages keep moving on a quiet watch: with no watch event
# and no metrics (so the worker publishes nothing new), a young pod's AGE
# and its last restart's age ("2 (13s ago)") still count up on screen
# (the Pods panel's age tick sets those cells in place), and the status
# line's event count shows that no snapshot brought them.
. tests/e2e/lib.sh
. tests/e2e/k8s.sh
k8s_start --no-metrics
k8s_config
am_start 160 40 --config "$T/config.yaml" --refresh 1s
focus pods
keys z
wait_for "vehicle-gateway-6b8f9c7d5d-x7m2k" 15
wait_for "watching" 10

# A pod created now whose container has restarted twice, the last time
# now.
k8s_ctl add "$(python3 - "$REPO/tests/fixtures/k8s/atlasmesh.json" <<'PY'
import json, sys, time
pod = json.load(open(sys.argv[1]))["items"][0]["pod"]
meta = pod["metadata"]
for k in ("uid", "resourceVersion", "creationTimestamp"):
    meta.pop(k, None)
meta["name"] = "aaa-ages-0"
ts = lambda t: time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))
cs = pod["status"]["containerStatuses"][0]
cs["restartCount"] = 2
cs["lastState"] = {"terminated": {"exitCode": 1, "reason": "Error",
                                  "startedAt": ts(time.time() - 20), "finishedAt": ts(time.time())}}
for c in pod["status"]["containerStatuses"][1:]:
    c["restartCount"] = 0
print(json.dumps({"pod": pod, "kubectl": {"status": "Running", "ready": "1/1", "restarts": 2}}))
PY
)" >/dev/null
wait_re "aaa-ages-0 .* 2 \([0-9]+s ago\) +[0-9]+s " 10

# ages: "RESTART-AGE AGE EVENTS" in seconds, from the screen.
ages() {
	screen | python3 -c '
import re, sys
text = sys.stdin.read()
row = re.search(r"aaa-ages-0 .* 2 \(([0-9]+)s ago\) +([0-9]+)s ", text)
ev = re.search(r"list #[0-9]+, ([0-9]+) events", text)
print(row.group(1) if row else -1, row.group(2) if row else -1, ev.group(1) if ev else -1)'
}
set -- $(ages)
r0=$1 a0=$2 e0=$3
[ "$a0" -ge 0 ] && [ "$e0" -ge 0 ] || fail "cannot read the new pod's ages or the event count"
# Six seconds on (more than one tick of five), with nothing sent.
sleep 6.5
later() {
	set -- $(ages)
	[ "$1" -ge $((r0 + 5)) ] && [ "$2" -ge $((a0 + 5)) ]
}
wait_until 6 "the ages stood still on a quiet watch ($r0 s, $a0 s: $(ages))" later
set -- $(ages)
[ "$3" = "$e0" ] || fail "a watch event came meanwhile ($e0 -> $3 events): not a quiet watch"
[ "$1" -le $((r0 + 20)) ] && [ "$2" -le $((a0 + 20)) ] ||
	fail "the ages ran ahead of the clock ($r0 -> $1 s, $a0 -> $2 s)"
ok "a quiet watch: the pod's AGE ($a0 -> $2 s) and last restart ($r0 -> $1 s ago) move, no event"
