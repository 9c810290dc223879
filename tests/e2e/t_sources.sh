# t_sources.sh - the runner and mailbox, live: a selftest source polls on
# its own thread; while its fail file exists the Sources panel shows it
# STALE with the error and the retry, and it recovers by itself when the
# file goes. Unconfigured sources say how to configure them, and r on an
# unconfigured panel says so on the message line.
. tests/e2e/lib.sh
AM_ENV="AMCONSOLE_SELFTEST_FILE=$T/fail" am_start 120 30 --refresh 500ms
focus sources
wait_for "selftest"
wait_for "snapshot #"
ok "the selftest source delivers snapshots"
screen | grep -q "not configured: set postgres.conninfo" || fail "no configure hint"
ok "unconfigured sources say how to configure them"
# An action on an unconfigured panel says, on the message line, what to set.
focus lag
keys r
screen | tail -2 | grep -qF "not configured: set kafka.bootstrap or KAFKA_BOOTSTRAP_SERVERS" ||
	fail "r on the unconfigured Consumer lag panel does not say what to set"
ok "r on an unconfigured panel says what to set"
focus sources
touch "$T/fail"
wait_for "STALE" 10
wait_for "selftest: simulated failure"
wait_for "retry in"
ok "a failing source shows STALE, the error and the retry"
rm -f "$T/fail"
wait_gone "STALE" 15
wait_for "snapshot #"
ok "it recovers by itself"
keys q
wait_dead
