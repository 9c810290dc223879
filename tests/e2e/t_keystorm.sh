# t_keystorm.sh - F3: a bounded storm of random keys (every control key,
# ESC prefixes, function keys, pastes) with q left out so the console
# keeps running: it is never killed by a signal, answers afterwards, and
# no destructive stub ran (nothing typed the target name). The quitting
# keys (q, F10, and : which could spell :q) are left out of the storm.
. tests/e2e/lib.sh
cp tests/fixtures/e2e/ops.md "$T/runbooks/"
use_shipped_runbooks
stub kubectl 'echo stub'
stub redis-cli 'echo stub'
am_start 120 40 --runbooks "$T/runbooks"
wait_for "Service Startup Issues"
python3 - "$SOCK" <<'PY'
import random, subprocess, sys, time
sock = sys.argv[1]
rnd = random.Random(4711)
named = ['Enter', 'Escape', 'Tab', 'BTab', 'Up', 'Down', 'Left', 'Right', 'PPage', 'NPage',
         'Home', 'End', 'BSpace', 'DC', 'IC', 'Space'] + ['F%d' % i for i in range(1, 13) if i != 10] + \
        ['C-%s' % c for c in 'abcdefghijklmnoprstuvwxyz'] + ['M-a', 'M-x', 'M-[']
deadline = time.time() + 20
n = 0
while time.time() < deadline and n < 1500:
    r = rnd.random()
    if r < 0.5:
        args = ['-l', ''.join(rnd.choice('abcdefghijklmnoprstuvwxyz0123456789/!?zjkgGsdnxcwoe ')
                              for _ in range(rnd.randint(1, 4)))]
    elif r < 0.85:
        args = [rnd.choice(named)]
    else:
        args = ['-l', rnd.choice(['\x1b[?61;4;6c', '\x1b]11;rgb:0/0/0\x07', '\x1b[200~paste\x1b[201~',
                                  '\x1b', '\x1bO', '\x1b[1;5A', bytes(range(1, 32)).decode()])]
    subprocess.run(['tmux', '-S', sock, 'send-keys', '-t', 'am'] + args, check=False)
    n += 1
    time.sleep(0.01)
print('sent', n)
PY
sleep 1
pane_dead && fail "the console died: status $(pane_status)"
ok "alive after the key storm"
keys Escape Escape Escape
keys C-l
keys :
type_text "runbook"
keys Enter
sleep 0.3
pane_dead && fail "died"
grep -q " | delete | " "$STUBLOG" && fail "a destructive step ran during the storm"
ok "no destructive step ran"
