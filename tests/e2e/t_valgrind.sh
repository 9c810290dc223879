# t_valgrind.sh - F4: the console under valgrind (memcheck) over the evil
# fixture: the CLI paths (--lint, --dump-runbook, --print-config) and a
# whole session that runs the hostile step, resizes and quits report 0
# errors and nothing definitely or indirectly lost. Under make check the
# binary carries ASan (which valgrind cannot run); that build's own leak
# and error checks cover it there, so this test checks the plain build.
. tests/e2e/lib.sh
VG="valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect"
BIN=$AMCONSOLE
if nm "$BIN" 2>/dev/null | grep -q __asan_init; then
	BIN=$REPO/build/amconsole
	[ -x "$BIN" ] || { echo "ok - the plain build is checked by make test"; exit 0; }
fi
command -v valgrind >/dev/null || fail "valgrind is not installed (tests/deps.sh installs it)"
for args in "--lint $AM_SEED" "--dump-runbook $AM_SEED $REPO/tests/fixtures/e2e/ops.md" "--print-config"; do
	$VG --log-file="$T/vg.cli" "$BIN" $args >/dev/null 2>&1
	rc=$?
	[ "$rc" -ne 99 ] || fail "valgrind errors in $args: $(grep -A5 'ERROR SUMMARY\|definitely' "$T/vg.cli")"
	grep -q "ERROR SUMMARY: 0 errors" "$T/vg.cli" || fail "valgrind summary for $args"
done
ok "the CLI paths: 0 errors, nothing lost"

cp tests/fixtures/e2e/ops.md "$T/runbooks/"
AMCONSOLE_VG="$VG --log-file=$T/vg.tui"
tm -f /dev/null new-session -d -s am -x 150 -y 44 \
	"env LANG=C.UTF-8 TERM=screen-256color $AMCONSOLE_VG '$BIN' --audit-log '$AUDIT' --runbooks '$T/runbooks'; echo \$? >'$T/exit'"
wait_for "Pod Trouble" 60
keys Enter
wait_for "Print hostile text" 30
keys Enter
wait_for "step 1: ok" 60
resize 60 20
resize 20 5
resize 150 44
keys Escape
keys q
wait_dead 120
[ "$(pane_status)" = 0 ] || fail "exit $(pane_status): $(grep -B2 -A20 'ERROR SUMMARY\|definitely\|Invalid' "$T/vg.tui" | head -60)"
grep -q "ERROR SUMMARY: 0 errors" "$T/vg.tui" || fail "$(tail -20 "$T/vg.tui")"
ok "a session over the hostile fixture: 0 errors, nothing definitely or indirectly lost"
