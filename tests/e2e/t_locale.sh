# t_locale.sh - terminals that cannot do everything: in a non-UTF-8
# locale the console draws ASCII lines and sends no UTF-8 bytes; with
# NO_COLOR it sends no colour at all (the mono theme).
. tests/e2e/lib.sh
use_shipped_runbooks
printf '# Extra\n\n## Caf\303\251 Trouble \342\200\256 x\n\n### Symptoms\n\n- slow\n\n### Diagnostic Steps\n\n```bash\necho hi\n```\n' \
	>"$T/runbooks/zz-cafe.md"
AM_ENV="LANG=C LC_ALL=C" am_start 100 30 --runbooks "$T/runbooks"
wait_for "Service Startup Issues"
keys G
wait_for "Caf<U+00E9> Trouble <U+202E> x"
ok "non-ASCII text in the C locale shows as visible placeholders, not as ?"
screen | grep -q "^+- 1 Runbook -*+$" || fail "no ASCII border"
python3 - "$T/raw" <<'PY' || fail "UTF-8 bytes sent in the C locale"
import sys
raw = open(sys.argv[1], 'rb').read()
assert all(b < 0x80 for b in raw), [hex(b) for b in raw if b >= 0x80][:10]
PY
ok "the C locale gets ASCII line drawing and only ASCII bytes"
keys q
wait_dead
rm -f "$T/exit" "$T/raw"
tm kill-server
AM_ENV="NO_COLOR=1" am_start 100 30 --runbooks "$T/runbooks"
wait_for "Service Startup Issues"
tm capture-pane -e -p -t am >"$T/attrs"
python3 - "$T/attrs" <<'PY' || fail "colours sent with NO_COLOR"
import re, sys
for sgr in re.findall(rb'\x1b\[([0-9;]*)m', open(sys.argv[1], 'rb').read()):
    params = [p for p in sgr.split(b';') if p]
    for i, p in enumerate(params):
        n = int(p)
        # 39 and 49 mean the default colour, which is no colour.
        assert not (30 <= n <= 38 or 40 <= n <= 48 or 90 <= n <= 107), sgr

PY
grep -q "$(printf '\033')\[[0-9;]*7m" "$T/attrs" || fail "mono has no reverse video for the selection"
ok "NO_COLOR gives the mono theme: attributes only, no colour"
keys q
wait_dead

# TERM=dumb (no cursor addressing) and an unknown TERM: a clear refusal,
# exit 2, nothing smeared over the terminal.
for term in dumb no-such-terminal; do
	rm -f "$T/exit" "$T/raw" "$T/stderr"
	tm kill-server
	AM_ENV="TERM=$term" am_start 100 30 --runbooks "$T/runbooks"
	wait_dead
	[ "$(pane_status)" = 2 ] || fail "TERM=$term: exit status $(pane_status), want 2"
	grep -q "TERM=$term" "$T/stderr" || fail "TERM=$term: no message naming it: $(cat "$T/stderr")"
	grep -q "Runbook" "$T/raw" 2>/dev/null && fail "TERM=$term: it drew anyway"
	ok "TERM=$term is refused with a message and exit status 2: $(head -c 60 "$T/stderr")..."
done
