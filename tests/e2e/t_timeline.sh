# t_timeline.sh - the incident record (#19): against a real Prometheus and
# Alertmanager (five always-firing alerts), an incident opened with !
# records the firing alerts, a step run, a note (n) and the three marks
# in its timeline file; :postmortem's times to detect, mitigate and
# resolve are the marks' distances from the opening (the wall clock
# stepped by libfaketime between marks); kill -9 of the console and
# `--incident resume` lose no event and the timeline goes on.
. tests/e2e/lib.sh
. tests/e2e/prom.sh
FAKETIME_LIB=$(ls /usr/lib/*/faketime/libfaketime.so.1 2>/dev/null | head -1)
[ -n "$FAKETIME_LIB" ] || fail "libfaketime is not installed (tests/deps.sh installs faketime)"
prom_start
wait_alerts 5
cat >"$T/runbooks/zz.md" <<'MD'
# Zz

## Zz check

```bash
# Zz step
echo checked
```
MD
echo "+0" >"$T/faketime"
FAKE="LD_PRELOAD=$FAKETIME_LIB FAKETIME_TIMESTAMP_FILE=$T/faketime FAKETIME_NO_CACHE=1 DONT_FAKE_MONOTONIC=1 ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
ENVS="ALERTMANAGER_URL=$AM_URL PROMETHEUS_URL=$PROM_URL"
AM_ENV="$FAKE $ENVS" am_start 160 45 --runbooks "$T/runbooks" --refresh 500ms
wait_for "Zz check"
wait_re "triage: [0-9]+ critical" 20
keys '!'
wait_for "Incident severity"
keys 1
wait_for "P1 High"
file() { ls "$XDG_STATE_HOME"/amconsole/incident-*.jsonl 2>/dev/null | head -1; }
wait_until 5 "no timeline file" test -n "$(file)"
TL=$(file)
grep -q '"kind":"open".*P1 High' "$TL" || fail "no open event: $(cat "$TL")"
wait_until 10 "the firing alerts are not in the timeline" grep -q '"kind":"finding".*AlwaysCritical' "$TL"
ok "! opened the incident's timeline with the firing alerts in it"
keys /
type_text "zz check"
keys Enter
keys Enter
wait_for "Zz step"
keys Enter
wait_for "step 1: ok" 10
wait_until 5 "the step is not in the timeline" grep -q '"kind":"step".*Zz step: ok, exit 0' "$TL"
ok "the step run is in the timeline with its result"
keys Escape
keys Escape
keys n
wait_for "note for the timeline"
type_text "rolled back ingest 1.4.2"
keys Enter
wait_for "note added to the timeline"
echo "+5m" >"$T/faketime"
sleep 1.2
focus "mark detected"
wait_for "marked detected"
echo "+40m" >"$T/faketime"
sleep 1.2
focus "mark mitigated"
wait_for "marked mitigated"
echo "+3h" >"$T/faketime"
sleep 1.2
focus "mark resolved"
wait_for "marked resolved"
wait_until 5 "marks missing" test "$(grep -c '"kind":"mark"' "$TL")" = 3
grep -q '"kind":"note".*rolled back ingest 1.4.2' "$TL" || fail "the note is not in the file"
ok "the note and the three marks are in the file as they happen"
focus "timeline"
wait_for "Incident timeline"
wait_re "mark +[a-z]+ +resolved"
shows "rolled back ingest 1.4.2" || fail ":timeline does not list the note"
ok ":timeline lists the events, newest last"
# Enter on the step's output event: the output in full, in a dialog.
type_text "bytes of output"
keys Enter
wait_for "q/Esc closes, j/k scroll"
# (inside the dialog's box: the columns under its top border)
screen | python3 -c '
import sys
lines = sys.stdin.read().split("\n")
top = next(i for i, l in enumerate(lines) if "q/Esc closes, j/k scroll" in l)
left = lines[top].rfind("┌", 0, lines[top].index("q/Esc closes"))
right = lines[top].index("┐", left)
inside = [l[left + 1:right] for l in lines[top + 1:] if len(l) > right]
sys.exit(0 if any("checked" in l for l in inside) else 1)' ||
	fail "the dialog does not show the step's output"
keys Escape
wait_gone "q/Esc closes, j/k scroll"
ok ":timeline: Enter on a step's output event shows the output"
focus "postmortem"
wait_for "postmortem written to"
PM="${TL%.jsonl}.postmortem.md"
[ -s "$PM" ] || fail "no postmortem at $PM"
# The times the document gives are the marks' distances from the opening.
expect=$(python3 - "$TL" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
t0 = ev[0]["t"]
def fmt(s):
    s = int(s)
    if s < 60: return "%ds" % s
    if s < 3600: return "%dm%02ds" % (s // 60, s % 60)
    return "%dh%02dm" % (s // 3600, s % 3600 // 60)
for m, label in (("detected", "detect"), ("mitigated", "mitigate"), ("resolved", "resolve")):
    t = [e["t"] for e in ev if e["kind"] == "mark" and e["text"] == m][0]
    print("- Time to %s: %s" % (label, fmt(t - t0)))
PY
)
printf '%s\n' "$expect" | while read -r line; do
	grep -qF -- "$line" "$PM" || fail "the postmortem lacks '$line': $(grep 'Time to' "$PM")"
done
grep -q '^# Postmortem: incident of 20[0-9]\{6\}$' "$PM" || fail "the title does not give the day: $(head -1 "$PM")"
grep -q "Time to detect: 5m" "$PM" || fail "detected is not 5 minutes after the opening: $(grep 'Time to' "$PM")"
grep -q "Time to resolve: 3h00m" "$PM" || fail "resolved is not 3 hours after the opening"
grep -q "AlwaysCritical" "$PM" && grep -q "Zz step: ok" "$PM" && grep -q "rolled back ingest" "$PM" &&
	grep -q "^  checked$" "$PM" &&
	grep -q "## Follow-ups" "$PM" || fail "the postmortem lacks an alert, the step or its output, the note or Follow-ups"
ok "the postmortem: $(grep 'Time to' "$PM" | tr '\n' ' ')"
# kill -9: nothing already recorded is lost; --incident resume goes on.
before=$(wc -l <"$TL")
kill -9 "$(am_pid)"
wait_dead
[ "$(wc -l <"$TL")" -eq "$before" ] || fail "the file changed after the kill"
tail -c 1 "$TL" | od -c | grep -q '\\n' || fail "the file ends mid-line"
tm kill-server
sleep 0.3
rm -f "$T/exit"
AM_ENV="$FAKE $ENVS" am_start 160 45 --runbooks "$T/runbooks" --refresh 500ms --incident resume
wait_for "incident resumed: $before events" 10
wait_for "P1 High"
keys n
wait_for "note for the timeline"
type_text "after the restart"
keys Enter
wait_for "note added to the timeline"
focus "timeline"
wait_for "Incident timeline"
shows "rolled back ingest 1.4.2" || fail "the note from before the kill is gone"
keys Escape
[ "$(wc -l <"$TL")" -gt "$before" ] || fail "the resumed timeline is not appended to the same file"
grep -q "after the restart" "$TL" || fail "the new note is not in the file"
ok "kill -9 lost no event; --incident resume reopened the incident ($before events) and goes on in the same file"
keys q
wait_dead
