# t_redact_wrapped.sh - word-wrapped text (the runbook picker's preview of
# reference sections and symptoms) is redacted like every other row: the
# passwords in a connection string long enough to wrap never reach the
# screen or the terminal's bytes, whichever row the wrap puts them on.
. tests/e2e/lib.sh
cp tests/fixtures/e2e/wrapped_secrets.md "$T/runbooks/"
am_start 100 30 --runbooks "$T/runbooks"
wait_for "Replica Reference"
wait_for "sslmode=require" 5
s=$(screen)
printf '%s\n' "$s" | grep -qF 'postgres://reporting:***@' || fail "the replica password is not masked"
printf '%s\n' "$s" | grep -qF 'redis://:***@redis-0' || fail "the redis password is not masked"
ok "passwords in wrapped reference text are masked"
printf '%s\n' "$s" | grep -qE 'S3cr3t|hunter2' && fail "a password is on screen"
grep -qaE 'S3cr3t|hunter2' "$T/raw" && fail "a password reached the terminal"
ok "no password on screen or in the bytes sent to the terminal"
keys q
wait_dead
