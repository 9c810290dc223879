# t_readonly.sh - D1: with --read-only the badge shows, every changing
# step is refused with a message and an audit line, and the stub is never
# invoked; read-only steps still run.
. tests/e2e/lib.sh
cp tests/fixtures/e2e/ops.md "$T/runbooks/"
stub kubectl 'echo ran'
am_start 120 40 --runbooks "$T/runbooks" --read-only
wait_for "READ-ONLY"
ok "the read-only badge is on the top line"
keys Enter
wait_for "Print hostile text"
keys G
wait_for "Force pod recreation"
keys Enter
wait_for "read-only mode: refused"
keys k
keys Enter
wait_for "read-only mode: refused"
[ -s "$STUBLOG" ] && fail "a stub ran: $(cat "$STUBLOG")"
ok "changing steps are refused and nothing runs"
n=$(grep -c '"event":"refused"' "$AUDIT")
[ "$n" -eq 2 ] || fail "expected 2 refusal audit lines, got $n"
ok "each refusal is audit-logged"
keys g
keys Enter
wait_for "step 1: ok"
ok "read-only steps still run"
keys q
wait_dead
