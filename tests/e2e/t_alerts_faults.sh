# t_alerts_faults.sh - RELIABILITY E5 on the Alerts panel: an
# Alertmanager answering HTTP 500, invalid JSON, an empty body or a 50 MB
# body (through the fake in prom.sh), and a stopped one, each shows the
# error and the age of the data, keeps the previous alerts marked STALE,
# never says "no alerts", and recovers by itself.
. tests/e2e/lib.sh
. tests/e2e/prom.sh
prom_start
wait_alerts 4
echo proxy >"$PDIR/mode"
AM_ENV="ALERTMANAGER_URL=$FAKE_URL" am_start 200 40 --refresh 500ms
goto_alerts
wait_for "AlwaysCritical" 20
wait_for "ok  fetch" 10
fault() { # mode text
	echo "$1" >"$PDIR/mode"
	wait_for "STALE" 15
	wait_for "$2" 10
	s=$(screen)
	printf '%s\n' "$s" | grep -qE "stale [0-9]+s" || fail "$1: no age"
	printf '%s\n' "$s" | grep -qF "AlwaysCritical" || fail "$1: previous alerts gone"
	printf '%s\n' "$s" | grep -qi "no alerts" && fail "$1: says no alerts"
	echo proxy >"$PDIR/mode"
	wait_gone "STALE" 20
	wait_for "AlwaysCritical" 5
	ok "$1: error and age shown, previous data STALE, never 'no alerts'; recovers"
}
fault 500 "HTTP 500"
fault badjson "invalid JSON"
fault empty "empty response body"
fault huge "larger than 8 MiB"
# The Alertmanager URL stops answering (the process behind it is gone),
# then comes back on the same port.
fpid=$(pgrep -f "$PDIR/fake.py")
kill "$fpid"
wait_for "STALE" 15
wait_for "onnect" 10
screen | grep -qi "no alerts" && fail "stopped: says no alerts"
python3 "$PDIR/fake.py" "$FPORT" "$PDIR" "$AM_URL" >>"$PDIR/fake.log" 2>&1 &
wait_gone "STALE" 20
ok "Alertmanager URL stopped: STALE with the error, never 'no alerts'; recovers when back"
kill "$(am_pidof)"
wait_for "STALE" 15
screen | grep -qi "no alerts" && fail "stopped: says no alerts"
screen | grep -qF "AlwaysCritical" || fail "previous alerts gone"
ok "the Alertmanager process stopped: STALE, previous alerts kept"
keys q
wait_dead
