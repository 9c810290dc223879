# t_redis_cancel.sh - cancelling a pattern invalidation with x while its
# UNLINK batches run, on a real redis-server: enough fleet:* keys that the
# UNLINK phase takes visible time; x pressed once the progress line shows
# keys removed; then the panel says cancelled, some but not all fleet:*
# keys are gone (counted here with DBSIZE and SCAN, and equal to what the
# panel and the audit log say were removed), vehicle:* are untouched, and
# the audit log holds the run line and an end line with status cancelled.
# No timing is asserted: if the run ends before x lands (a very fast
# machine), that outcome is checked as a complete invalidation and the
# test tries again with the keys put back, up to three times; it fails if
# it never catches the run in progress. A second invalidation then
# removes the rest.
. tests/e2e/lib.sh
RMAXMEM=1gb
. tests/e2e/redis.sh
redis_start
NF=${NF:-600000} # fleet keys: about 1.5 s of UNLINK batches here
NV=1000
redis_fill vehicle: $NV 8
AM_ENV="REDIS_URL=redis://127.0.0.1:$RPORT/0" am_start 160 40 --refresh 1s
goto_cache

nfleet() { redis_count 'fleet:*'; }
nvehicle() { redis_count 'vehicle:*'; }
# The last audit line of an event for the invalidation.
audit_last() { grep "\"event\":\"$1\".*invalidate pattern" "$AUDIT" | tail -1; }

# cancel_on PROGRESS_RE ENDED: press x as soon as the screen matches
# PROGRESS_RE (the run in progress); give up when it matches ENDED (the run
# finished first) or after 600 looks. 0 when x was pressed.
cancel_on() {
	_c_n=0
	while [ "$_c_n" -lt 600 ]; do
		_c_s=$(screen)
		if printf '%s\n' "$_c_s" | grep -qE -- "$1"; then
			tm send-keys -t am x
			return 0
		fi
		printf '%s\n' "$_c_s" | grep -qE -- "$2" && return 1
		sleep 0.02
		_c_n=$((_c_n + 1))
	done
	return 1
}

# try_3 WHAT FN: run FN, which sets caught=1 when it caught WHAT in
# progress, up to three times (attempt counts them); fail if it never did.
try_3() {
	attempt=0
	caught=0
	while [ "$attempt" -lt 3 ] && [ "$caught" = 0 ]; do
		attempt=$((attempt + 1))
		"$2"
	done
	[ "$caught" = 1 ] || fail "never caught $1 in progress in $attempt attempts"
}

invalidate_once() {
	redis_fill fleet: "$NF" 8
	total=$((NF + NV))
	[ "$(rcli DBSIZE)" = "$total" ] || fail "fixture: $(rcli DBSIZE) keys, want $total"
	wait_for "db0=$total keys" 20
	keys i
	wait_for "Keys to invalidate"
	type_text 'fleet:*'
	keys Enter
	wait_for "$NF keys match (of $total in the db)" 30
	type_text 'fleet:*'
	keys Enter
	# Press x as soon as the progress line shows keys removed.
	seen=0
	cancel_on 'fleet:\* running \(x cancels\): removed [1-9]' "invalidate pattern on redis ok" && seen=1
	until_ok 30 shows_re "invalidate pattern on redis (ok|cancelled|failed):"
	msg=$(screen | grep -oE "invalidate pattern on redis (ok|cancelled|failed): removed [0-9]+ keys.*")
	[ -n "$msg" ] || fail "attempt $attempt: the invalidation did not end"
	removed=$(printf '%s\n' "$msg" | sed -E 's/.*removed ([0-9]+) keys.*/\1/')
	left=$(nfleet)
	[ "$(nvehicle)" = "$NV" ] || fail "attempt $attempt: vehicle:* keys were touched"
	case "$msg" in
	*" cancelled: "*)
		caught=1
		{ [ "$removed" -gt 0 ] && [ "$left" -gt 0 ]; } ||
			fail "cancelled, but removed $removed and $left fleet:* keys left"
		[ $((removed + left)) = "$NF" ] ||
			fail "the panel says $removed removed, $left left of $NF"
		[ "$(rcli DBSIZE)" = $((left + NV)) ] || fail "DBSIZE $(rcli DBSIZE), want $((left + NV))"
		;;
	*" ok: "*)
		# The run beat the key press: it must be a complete one.
		{ [ "$removed" = "$NF" ] && [ "$left" = 0 ]; } ||
			fail "ok, but removed $removed and $left fleet:* keys left"
		echo "# attempt $attempt: the run ended before x took effect (saw progress: $seen); again"
		;;
	*)
		fail "attempt $attempt: $msg"
		;;
	esac
}
try_3 "the invalidation" invalidate_once
echo "# attempt $attempt: cancelled after $removed of $NF keys"
ok "x during the UNLINK batches cancels: the panel says cancelled, $removed of $NF fleet:* keys removed"
screen | grep -qE "invalidate fleet:\* cancelled: removed $removed," ||
	fail "the progress line does not say cancelled"
ok "the progress line shows the cancelled state and the count"
ok "$left fleet:* keys remain (SCAN from here), DBSIZE agrees, all $NV vehicle:* keys stay"
run=$(audit_last run)
end=$(audit_last end)
printf '%s\n' "$run" | grep -qF 'fleet:*' || fail "no run audit line: $run"
printf '%s\n' "$end" | grep -qF '"status":"cancelled"' || { cat "$AUDIT"; fail "no cancelled end line"; }
printf '%s\n' "$end" | grep -qF "removed $removed keys" || fail "end line count: $end"
[ "$(grep -c '"event":"run".*invalidate pattern' "$AUDIT")" = "$attempt" ] ||
	fail "want $attempt run audit lines"
[ "$(grep -c '"event":"end".*invalidate pattern' "$AUDIT")" = "$attempt" ] ||
	fail "want $attempt end audit lines"
ok "the audit log has the run line and an end line with status cancelled and the count"
keys x
wait_for "nothing is running on redis"
ok "x with nothing running says so"

# x while the preview is still counting: nothing is asked or removed, and
# the panel is free again (the next i prompts). Same honesty as above: a
# preview that ends before x lands opens the confirmation, which Escape
# closes, and the test tries again.
preview_once() {
	keys i
	wait_for "Keys to invalidate"
	type_text 'fleet:*'
	tm send-keys -t am Enter
	seen=0
	cancel_on 'counting keys matching the pattern: [1-9]' "Invalidate keys" && seen=1
	until_ok 30 shows_re "Invalidate keys|preview cancelled"
	if screen | grep -qF "Invalidate keys"; then
		echo "# preview attempt $attempt: the count ended before x took effect (saw progress: $seen); again"
		keys Escape
		wait_for "cancelled: nothing was removed"
	elif screen | grep -qF "preview cancelled"; then
		caught=1
	else
		fail "x during the preview: no outcome"
	fi
}
try_3 "the preview" preview_once
wait_for "invalidate fleet:*: preview cancelled, nothing was removed"
[ "$(nfleet)" = "$left" ] || fail "keys went during a cancelled preview"
keys i
wait_for "Keys to invalidate"
keys Escape
wait_for "cancelled: nothing was removed"
ok "x during the preview count: nothing removed, and the panel takes the next i"

# x during the top-keys scan: the header says cancelled, not done.
topkeys_once() {
	keys m
	cancel_on 'scanning: scanned [1-9]' ' done: scanned'
	until_ok 10 hides "scanning: scanned"
	if screen | grep -qE ' cancelled: scanned [0-9]+ of'; then
		caught=1
	elif screen | grep -qE ' done: scanned'; then
		echo "# top keys attempt $attempt: the scan ended before x took effect; again"
	else
		fail "x during the top-keys scan: no outcome"
	fi
	keys o
}
try_3 "the top-keys scan" topkeys_once
ok "x during the top-keys scan: the header says cancelled"

keys i
wait_for "Keys to invalidate"
type_text 'fleet:*'
keys Enter
wait_for "$left keys match (of $((left + NV)) in the db)" 30
type_text 'fleet:*'
keys Enter
wait_for "invalidate pattern on redis ok: removed $left keys" 60
[ "$(nfleet)" = 0 ] || fail "fleet:* keys remain after the second run"
[ "$(rcli DBSIZE)" = "$NV" ] || fail "DBSIZE $(rcli DBSIZE), want $NV"
audit_last end | grep -qF '"status":"ok"' || fail "no ok end line for the second run"
ok "a second invalidation removes the remaining $left; vehicle:* stay"
keys q
wait_dead
[ "$(pane_status)" = 0 ] || fail "exit status $(pane_status)"
ok "the console exits 0"
