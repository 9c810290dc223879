# t_k8s_status.sh - STATUS, READY and RESTARTS exactly as kubectl shows
# them, for the fixture of tricky pods (CrashLoopBackOff, Completed,
# OOMKilled, Init:N/M, Init:CrashLoopBackOff, Terminating, NotReady,
# Evicted, Signal:9 ...): first as the server computes them (the Table
# format), then from plain pod objects (a PodList) with STATUS computed by
# the console; rows are coloured by severity; the pods sorted by STATUS
# come worst first, and / filters.
. tests/e2e/lib.sh
. tests/e2e/k8s.sh
CASES=$REPO/tests/fixtures/k8s/status_cases.json

# check_rows: every pod of the fixture is on screen with kubectl's READY,
# STATUS and RESTARTS count.
check_rows() {
	screen >"$T/screen.txt"
	python3 - "$CASES" "$T/screen.txt" <<'PY' || fail "$1: rows differ from kubectl's (see above)"
import json, re, sys
items = json.load(open(sys.argv[1]))["items"]
lines = open(sys.argv[2]).read().splitlines()
bad = 0
for it in items:
    name = it["pod"]["metadata"]["name"]
    k = it["kubectl"]
    row = [l for l in lines if re.search(r"[│ ]" + re.escape(name) + r" ", l)]
    want = r" %s +%s +%d[ (]" % (re.escape(k["ready"]), re.escape(k["status"]), k["restarts"])
    if len(row) != 1 or not re.search(want, row[0]):
        print("  %s: want READY %s STATUS %s RESTARTS %d; got %r" % (name, k["ready"], k["status"], k["restarts"], row))
        bad += 1
sys.exit(1 if bad else 0)
PY
}

cat >"$T/config.yaml" <<CONF
kubernetes:
  kubeconfig: $T/kubeconfig
CONF

k8s_start --pods "$CASES"
cp "$K8S_KUBECONFIG" "$T/kubeconfig"
am_start 220 50 --config "$T/config.yaml"
focus pods
keys z
wait_for "ledger-4" 15
wait_for "27 pods"
check_rows "Table format"
npods=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["items"]))' "$CASES")
ok "Table format: all $npods pods with kubectl's READY, STATUS and RESTARTS"
screen | grep -qF "STATUS computed here" && fail "the Table format was not used"
screen | grep -q "fleet-api-7d4b9c-abcde .*CrashLoopBackOff *5 ([0-9a-z]* ago)" ||
	fail "RESTARTS lacks the last restart's age"
ok "RESTARTS shows the last restart's age (5 (… ago))"

# Colour by severity: failing, pending, completed and running rows each
# in their own colour (the escapes just before the pod's name).
tm capture-pane -e -p -t am >"$T/colour.txt"
python3 - "$T/colour.txt" <<'PY' || fail "rows are not coloured by severity"
import re, sys
text = open(sys.argv[1], encoding="utf-8", errors="replace").read()
def sgr(name):
    m = re.search(r"((?:\x1b\[[0-9;]*m)*)" + re.escape(name) + r"(?:\x1b| )", text)
    assert m, name
    return m.group(1)
rows = {"failing": "fleet-api-7d4b9c-abcde", "pending": "ledger-0",
        "completed": "report-28599340-6jv2t", "running": "gateway-7d4b9c-x2k9p"}
got = {k: sgr(v) for k, v in rows.items()}
print("# colours:", got)
assert len(set(got.values())) == 4, got
# A coloured row is one run of its colour, gaps included: the terminal
# is told the colour once a row, not again after every column's gap.
line = next(l for l in text.splitlines() if "ledger-0" in l)
row = re.sub(r"(?:\x1b\[[0-9;]*m|\s)+$", "", line[line.index("ledger-0"):].split("\u2502")[0])
assert "\x1b" not in row, "the pending row changes attributes inside: %r" % row
PY
ok "STATUS colours the rows: failing, pending, completed and running each differ, each row in one run"

# Sort: > moves from NAME to READY, then STATUS (worst first).
keys '>'
wait_for "READY^"
keys '>'
wait_for "STATUSv"
screen | grep -A3 "STATUSv" | sed -n 2p | grep -qE "CrashLoopBackOff|Error|ExitCode|Signal|OOMKilled|BackOff|ErrImagePull|Evicted|Unknown" ||
	fail "sorted by STATUS, the first row is not a failing pod"
keys I
wait_for "STATUS^"
screen | grep -A1 "STATUS^" | sed -n 2p | grep -q " Running " || fail "inverted, the first row is not Running"
ok "> and < choose the sort column, STATUS sorts worst first, I inverts"

keys /
type_text ledger
keys Enter
wait_for "5 of 27 match the filter"
screen | grep -q "gateway-7d4b9c" && fail "the filter kept other pods"
keys / C-u Enter
wait_gone "match the filter"
ok "/ filters the pods (5 of 27) and Esc/empty clears it"
keys q
wait_dead
k8s_stop

# The same pods as plain pod objects: STATUS computed by the console.
k8s_start --pods "$CASES" --format list
cp "$K8S_KUBECONFIG" "$T/kubeconfig"
tm kill-server
sleep 0.3
rm -f "$T/exit"
am_start 220 50 --config "$T/config.yaml"
focus pods
keys z
wait_for "ledger-4" 15
wait_for "STATUS computed here"
check_rows "PodList format"
ok "PodList format: all $npods pods with kubectl's READY, STATUS and RESTARTS, computed by the console"
keys q
wait_dead
