# t_runbook_caps.sh - a runbook over the parser's caps is never cut
# silently (#21 item 5): 10,001 sections keep 10,000, and both --lint
# (a FILE:LINE: warning at the first heading left out, exit 1) and the
# runbook pane ("not all loaded: big.md:40001 ...") say where; a step with
# 65 placeholders keeps 64 and lint says so; a file under the caps is
# clean.
. tests/e2e/lib.sh
mkdir -p "$T/big" "$T/ok"
python3 - "$T/big/big.md" "$T/ok/wide.md" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    for i in range(10001):
        f.write("## Section %d\n\nText.\n\n" % i)
with open(sys.argv[2], "w") as f:
    f.write("## Wide\n\n```bash\necho %s\n```\n" % " ".join("<p%d>" % i for i in range(65)))
PY
"$AMCONSOLE" --lint "$T/big/big.md" >"$T/lint.out" 2>&1
rc=$?
[ $rc -eq 1 ] || fail "--lint over the entry cap exited $rc: $(cat "$T/lint.out")"
grep -qF "$T/big/big.md:40001: warning: more than 10000 symptoms and sections" "$T/lint.out" ||
	fail "no cut warning at line 40001: $(head -3 "$T/lint.out")"
ok "--lint: 10,001 sections warn at the line of the first one left out (exit 1)"
"$AMCONSOLE" --lint "$T/ok/wide.md" >"$T/lint2.out" 2>&1
[ $? -eq 1 ] || fail "--lint of 65 placeholders exited 0"
grep -qF "$T/ok/wide.md:4: warning: more than 64 placeholders: the rest are not asked for" \
	"$T/lint2.out" || fail "no placeholder cap warning: $(cat "$T/lint2.out")"
ok "--lint: a step with 65 placeholders says the rest are not asked for"

am_start 160 40 --runbooks "$T/big"
wait_for "10000 of 10000" 20
wait_for "not all loaded: big.md:40001, see --lint" 5
ok "the runbook pane says where the file was cut"
