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
for t in "$BUILD"/tests/unit/test_*; do
	case "$t" in *.o|*.d) continue ;; esac
	[ -x "$t" ] || continue
	name=$(basename "$t")
	if "$t" >"$logdir/$name.log" 2>&1; then
		pass=$((pass + 1))
		echo "ok   unit/$name ($(grep -c '^\[       OK \]' "$logdir/$name.log") cases)"
	else
		fail=$((fail + 1))
		failed="$failed unit/$name"
		echo "FAIL unit/$name"
		tail -30 "$logdir/$name.log"
	fi
done
# check NAME: run tests/NAME.sh, a checker that prints "ok ..." lines.
check() {
	if sh "tests/$1.sh" >"$logdir/$1.log" 2>&1; then
		pass=$((pass + 1))
		echo "ok   check/$1 ($(grep -c '^ok ' "$logdir/$1.log") checks)"
	else
		fail=$((fail + 1))
		failed="$failed check/$1"
		echo "FAIL check/$1"
		grep -v '^ok ' "$logdir/$1.log"
	fi
}
# Every RELIABILITY.md case has a row in tests/README.md naming its tests.
check relmap-check
# The README and the man page list exactly the binary's : commands and
# global keys.
check docs-check
for t in tests/e2e/t_*.sh; do
	name=$(basename "$t" .sh)
	if timeout 300 sh "$t" >"$logdir/$name.log" 2>&1; then
		pass=$((pass + 1))
		echo "ok   e2e/$name ($(grep -c '^ok ' "$logdir/$name.log") checks)"
	else
		fail=$((fail + 1))
		failed="$failed e2e/$name"
		echo "FAIL e2e/$name"
		tail -40 "$logdir/$name.log"
	fi
done
[ -n "$failed" ] && echo "failed:$failed"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
