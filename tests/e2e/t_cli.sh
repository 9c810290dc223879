# t_cli.sh - the commands that need no terminal: --lint on the shipped
# runbook (clean) and on the original guide (its mistakes found),
# --dump-runbook, --help against the man page, --print-config masking,
# and configuration errors naming file, line and key.
. tests/e2e/lib.sh
"$AMCONSOLE" --lint "$REPO"/runbooks/*.md >"$T/lint.out" 2>&1
[ $? -eq 0 ] || fail "shipped runbook not lint-clean: $(cat "$T/lint.out")"
ok "--lint runbooks/*.md is clean (exit 0)"
"$AMCONSOLE" --lint "$AM_SEED" >"$T/lint.out" 2>&1
[ $? -eq 1 ] || fail "lint of the guide did not exit 1"
for pat in 'DEL' 'total_exec_time' 'pg_restore' 'kafka-leader-election' 'FLUSHALL' 'reset-offsets'; do
	grep -q "$pat" "$T/lint.out" || fail "lint missed $pat: $(cat "$T/lint.out")"
done
grep -q "^$AM_SEED:[0-9]*: warning: " "$T/lint.out" || fail "lint format"
ok "--lint on the guide reports its mistakes as FILE:LINE: warning:"
"$AMCONSOLE" --lint "$T/nonexistent.md" >/dev/null 2>&1
[ $? -eq 2 ] || fail "unreadable file must exit 2"
ok "--lint exits 2 on an unreadable file"

"$AMCONSOLE" --dump-runbook "$AM_SEED" >"$T/dump.json" || fail "dump failed"
python3 - "$T/dump.json" <<'PY' || fail "dump content"
import json, sys
d = json.load(open(sys.argv[1]))
by = {r['title']: r for r in d['runbooks']}
assert len(by['Service Startup Issues']['steps']) == 10
assert len(by['Database Performance Issues']['steps']) == 8
sym = [r for r in d['runbooks'] if r['symptoms']]
assert len(sym) == 8, len(sym)
s = by['Service Startup Issues']['steps'][0]
assert s['kind'] == 'shell' and s['command'] == 'kubectl get pods -n atlasmesh-prod' and not s['changing']
PY
ok "--dump-runbook: 8 symptoms; Service Startup 10 steps, Database Performance 8"

"$AMCONSOLE" --help >"$T/help.out" || fail "--help failed"
for opt in $(grep -o -- '^  --[a-z][a-z-]*' "$T/help.out" | sort -u); do
	grep -q -- "$(echo "$opt" | sed 's/-/\\\\-/g')" "$REPO/man/amconsole.1" ||
		grep -qF -- "$opt" "$REPO/man/amconsole.1" || fail "man page lacks $opt"
	grep -qF -- "$opt" "$REPO/README.md" || fail "README lacks $opt"
done
ok "every --help option is in the man page and the README"
MANWIDTH=80 man -l "$REPO/man/amconsole.1" >"$T/man.txt" 2>"$T/man.err" || fail "man: $(cat "$T/man.err")"
grep -q "amconsole" "$T/man.txt" || fail "man renders nothing"
ok "man ./man/amconsole.1 renders"

cat >"$T/config.yaml" <<'YAML'
theme: light
postgres:
  conninfo: "host=db port=5432 dbname=atlasmesh_fleet password=S3cr3t"
redis:
  instances:
    - {name: cache, url: "redis://:hunter2@127.0.0.1:6379/0"}
YAML
"$AMCONSOLE" --config "$T/config.yaml" --print-config >"$T/pc.out" || fail "--print-config failed"
grep -q "S3cr3t\|hunter2" "$T/pc.out" && fail "secrets printed: $(cat "$T/pc.out")"
grep -q "theme: light" "$T/pc.out" || fail "print-config lacks theme"
ok "--print-config shows the effective configuration with secrets masked"
printf 'theme: light\nrefresh: 2s\nkubernetes:\n  namespace: x\n  colour: red\n' >"$T/bad.yaml"
"$AMCONSOLE" --config "$T/bad.yaml" --print-config >/dev/null 2>"$T/bad.err"
[ $? -eq 2 ] || fail "bad config must exit 2"
grep -q "bad.yaml:5:.*kubernetes.colour" "$T/bad.err" || fail "error lacks file:line:key: $(cat "$T/bad.err")"
ok "an unknown key is an error naming file, line and key"
"$AMCONSOLE" --version | grep -q "^amconsole [0-9]" || fail "--version"
ok "--version"
