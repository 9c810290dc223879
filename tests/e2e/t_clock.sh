# t_clock.sh - #12 item 4: the incident timer counts by the monotonic
# clock. The console runs under libfaketime with a wall clock the test
# steps (monotonic time left alone): an hour back, the timer keeps
# counting (it used to stop at 00:00:00); two hours forward, it does not
# claim the response target passed.
. tests/e2e/lib.sh
FAKETIME_LIB=$(ls /usr/lib/*/faketime/libfaketime.so.1 2>/dev/null | head -1)
[ -n "$FAKETIME_LIB" ] || fail "libfaketime is not installed (tests/deps.sh installs faketime)"
use_shipped_runbooks
echo "+0" >"$T/faketime"
# ASan must come first among the preloaded libraries unless told otherwise.
AM_ENV="LD_PRELOAD=$FAKETIME_LIB FAKETIME_TIMESTAMP_FILE=$T/faketime FAKETIME_NO_CACHE=1 DONT_FAKE_MONOTONIC=1 ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
	am_start 120 30 --runbooks "$T/runbooks"
wait_for "Service Startup Issues"
keys '!'
wait_for "Incident severity"
keys 1
wait_for "P1 High  00:00:0"
sleep 2

# The wall clock steps back an hour.
echo "-1h" >"$T/faketime"
sleep 2.5
timer() { screen | head -1 | grep -oE '[0-9]{2}:[0-9]{2}:[0-9]{2} /' | tr -d ' /'; }
secs() { echo "$1" | awk -F: '{ print $1 * 3600 + $2 * 60 + $3 }'; }
t=$(timer)
[ -n "$t" ] || fail "no incident timer on the top line"
[ "$(secs "$t")" -ge 3 ] && [ "$(secs "$t")" -lt 60 ] ||
	fail "after the wall clock stepped back an hour the timer shows $t (want 4-6 s)"
sleep 1.2
t2=$(timer)
[ "$(secs "$t2")" -gt "$(secs "$t")" ] || fail "the timer stopped at $t2"
ok "the wall clock an hour back: the timer keeps counting ($t, then $t2)"

# And two hours forward (an hour past the real time): P1's target is 1 h.
echo "+1h" >"$T/faketime"
sleep 2
t=$(timer)
screen | head -1 | grep -q "RESPONSE TARGET PASSED" && fail "a clock step claimed the response target passed"
[ "$(secs "$t")" -lt 60 ] || fail "after the wall clock stepped forward the timer shows $t"
ok "the wall clock two hours forward: the timer shows $t, the target is not claimed passed"
keys q
wait_dead
