# writes.sh - for the tests that count the console's write()s to the
# terminal (t_frames, t_sync), sourced after lib.sh: the console runs
# under strace (every write, with the file each descriptor names, strings
# whole) into $T/st, and tty_writes prints the writes to the terminal.
command -v strace >/dev/null || fail "strace is missing (tests/deps.sh installs it)"
REAL=$AMCONSOLE
# LeakSanitizer cannot run under ptrace: the leak check is left to every
# other test (the sanitizer build's other checks stay on).
cat >"$T/traced" <<SH
#!/bin/sh
ASAN_OPTIONS="\${ASAN_OPTIONS:+\$ASAN_OPTIONS:}detect_leaks=0"
export ASAN_OPTIONS
exec strace -y -s 200000 -o '$T/st' -e trace=write -- '$REAL' "\$@"
SH
chmod +x "$T/traced"
AMCONSOLE="$T/traced"
# The writes to the terminal (strace -y names the descriptor's file).
tty_writes() { grep -E '^write\([0-9]+</dev/(pts/[0-9]+|tty[^>]*)>,' "$T/st"; }
