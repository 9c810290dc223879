# t_frames.sh - a frame leaves in one write() (#17): ncurses 6.4 flushes
# after every cursor movement inside doupdate() until it has been through
# endwin() once, so a keypress went out as ~8 writes and the first frame
# as ~80 (on a slow link from a bastion, a frame in pieces reaches the
# terminal torn). Counted with strace on the console's fd 1: the first
# frame, then 10 keypresses on the runbook list (each one a frame), with
# room for the clock's once-a-second ticks.
. tests/e2e/lib.sh
command -v strace >/dev/null || fail "strace is missing (tests/deps.sh installs it)"
REAL=$AMCONSOLE
# LeakSanitizer cannot run under ptrace: the leak check is left to every
# other test (the sanitizer build's other checks stay on).
cat >"$T/traced" <<SH
#!/bin/sh
ASAN_OPTIONS="\${ASAN_OPTIONS:+\$ASAN_OPTIONS:}detect_leaks=0"
export ASAN_OPTIONS
exec strace -o '$T/st' -e trace=write -- '$REAL' "\$@"
SH
chmod +x "$T/traced"
AMCONSOLE="$T/traced"
use_shipped_runbooks
am_start 120 40 --runbooks "$T/runbooks"
wait_for "Service Startup Issues"
sleep 1
writes() { grep -c '^write(1,' "$T/st"; }
first=$(writes)
[ "$first" -le 12 ] || fail "the first frame took $first writes"
ok "the first frame: $first write(s)"
t0=$(date +%s)
n0=$(writes)
for i in 1 2 3 4 5 6 7 8 9 10; do keys j; done
sleep 0.5
n=$(($(writes) - n0))
secs=$(($(date +%s) - t0 + 1))
[ "$n" -ge 10 ] || fail "10 keypresses made only $n writes: the selection did not move?"
[ "$n" -le $((10 + secs)) ] || fail "10 keypresses took $n writes in ${secs}s (one a frame, and a tick a second, at most)"
ok "10 keypresses, 10 frames: $n writes in ${secs}s"
keys q
wait_dead
