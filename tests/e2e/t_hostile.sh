# t_hostile.sh - RELIABILITY A1-A3, A5, A7, A9-A11, A13-A15: a step whose
# output is hostile. The screen shows each control as a visible escape,
# the raw bytes sent to the terminal carry none of them, the pane title
# and the clipboard stay untouched, and a 10 MB line is truncated with a
# marker while the UI keeps answering.
. tests/e2e/lib.sh
cp tests/fixtures/e2e/ops.md "$T/runbooks/"
am_start 150 44 --runbooks "$T/runbooks"
wait_for "Pod Trouble"
title_before=$(tm display -p -t am '#{pane_title}')
keys Enter
wait_for "Print hostile text"
keys Enter
wait_for "step 1: ok"
s=$(screen)
printf "%s\n" "$s" | grep -qF 'A1 \e[2J\e[3J\e[1;1H\e[m spoofed \e[60C. Done' || fail "A1 not shown escaped"
ok "A1 screen-clearing CSI shown as text on one row"
printf "%s\n" "$s" | grep -qF 'A2 \e]52;c;cm0gLXJmIH4K\x07 osc52' || fail "A2 not shown escaped"
[ -z "$(tm list-buffers)" ] || fail "A2 reached the clipboard: $(tm list-buffers)"
ok "A2 OSC 52 shown escaped; tmux paste buffers empty"
printf "%s\n" "$s" | grep -qF 'A3 \e]0;PROD-OK\x07 and \e]2;TITLE2\e\ title' || fail "A3 not shown escaped"
[ "$(tm display -p -t am '#{pane_title}')" = "$title_before" ] || fail "A3 changed the title"
ok "A3 title OSC shown, pane title unchanged"
# The rest: each line below is the text the screen must show, a tab, and
# what that proves.
while IFS='	' read -r want what; do
	printf "%s\n" "$s" | grep -qF -- "$want" || fail "not shown: $want ($what)"
	ok "$what"
done <<'EOF'
A5 <U+009B>2J c1 and \x9B raw	A5 C1 CSI in both forms shown as visible escapes
A7 IJK\b\b\bL	A7 backspaces shown, not applied
A9 prod<U+202E>txt.exe <U+2066>x<U+2069>	A9 bidi overrides shown as <U+...>
A10 pay<U+200B>ments bom<U+FEFF> tag<U+E0041>	A10 zero-width, BOM and tag characters shown
A11 \xFF \xED\xA0\x80 \xC0\xAF end	A11 invalid UTF-8 shown as \xNN
A13 literal ^[[31m and \\x1b next to \e real	A13 a literal \x1b and a real ESC look different
A14 [red::b]X[-] {"a":["b"]} match[] %s%n%x	A14 markup and format strings shown literally
EOF
printf "%s\n" "$s" | grep -qF 'C3 DATABASE_URL=postgres://app:***@db/x redis://:***@h password="***"' || fail "C3 secrets not masked"
printf "%s\n" "$s" | grep -qE 'S3cr3t|hunter2' && fail "C3 a secret is on screen"
ok "C3 passwords in URLs and password= values are masked on screen"
python3 - "$T/raw" <<'PY' || fail "raw output carries hostile bytes"
import sys
raw = open(sys.argv[1], 'rb').read()
for bad in (b'\x1b]52', b'\x1b]0;', b'\x1b]2;', b'\x1b[3J', b'\x1b[60C', b'\xc2\x9b',
            b'\xe2\x80\xae', b'\xe2\x81\xa6', b'\xe2\x80\x8b', b'\xef\xbb\xbf',
            b'\xf3\xa0\x81\x81', b'\xff', b'\xed\xa0\x80', b'IJK\x08'):
    assert bad not in raw, bad
PY
ok "no hostile byte sequence reached the terminal (pipe-pane)"

keys j
wait_for "Print a 10 MB line"
keys Enter
wait_for "step 2: ok" 30
wait_for "bytes)"
wait_for "earlier bytes dropped"
keys k
wait_for "Print hostile text"
ok "A15 a 10 MB line is capped with a marker; keys still answer"
keys q
wait_dead
[ "$(pane_status)" = 0 ] || fail "exit status $(pane_status)"
ok "quit cleanly"
