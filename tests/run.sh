#!/bin/sh
# Run every unit test binary and every end-to-end script; print one
# closing line "N passed, N failed". BUILD selects the build directory
# (build, or build/san under make check).
set -u
BUILD=${BUILD:-build}
export AMCONSOLE="$PWD/$BUILD/amconsole"
export AM_SEED="${AM_SEED:-$PWD/../shared/seeds/000_87ab7a3ebe0b4121.txt}"
# Library-internal leaks only (librdkafka); see the file.
export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
pass=0
fail=0
failed=""
logdir="$BUILD/test-logs"
mkdir -p "$logdir"
# record LABEL LOG OK NOUN SHOW CMD...: run CMD with its output in LOG;
# on success count it passed and say "ok   LABEL (N NOUN)", N the lines
# of LOG that match OK; else count it failed and say "FAIL LABEL" and
# what the command SHOW (its words, then LOG) prints of the log.
record() {
	label=$1 log=$2 okre=$3 noun=$4 show=$5
	shift 5
	if "$@" >"$log" 2>&1; then
		pass=$((pass + 1))
		echo "ok   $label ($(grep -c "$okre" "$log") $noun)"
	else
		fail=$((fail + 1))
		failed="$failed $label"
		echo "FAIL $label"
		$show "$log"
	fi
}
# not_ok LOG: a checker's lines other than its "ok ..." ones.
not_ok() { grep -v '^ok ' "$1"; }
for t in "$BUILD"/tests/unit/test_*; do
	case "$t" in *.o|*.d) continue ;; esac
	[ -x "$t" ] || continue
	name=$(basename "$t")
	record "unit/$name" "$logdir/$name.log" '^\[       OK \]' cases "tail -30" "$t"
done
# check NAME: run tests/NAME.sh, a checker that prints "ok ..." lines.
check() {
	record "check/$1" "$logdir/$1.log" '^ok ' checks not_ok sh "tests/$1.sh"
}
# Every RELIABILITY.md case has a row in tests/README.md naming its tests.
check relmap-check
# The README and the man page list exactly the binary's : commands and
# global keys.
check docs-check
for t in tests/e2e/t_*.sh; do
	name=$(basename "$t" .sh)
	record "e2e/$name" "$logdir/$name.log" '^ok ' checks "tail -40" timeout 300 sh "$t"
done
[ -n "$failed" ] && echo "failed:$failed"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
