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
# Every RELIABILITY.md case has a row in tests/README.md naming its tests.
if sh tests/relmap-check.sh >"$logdir/relmap-check.log" 2>&1; then
	pass=$((pass + 1))
	echo "ok   check/relmap-check ($(grep -c '^ok ' "$logdir/relmap-check.log") checks)"
else
	fail=$((fail + 1))
	failed="$failed check/relmap-check"
	echo "FAIL check/relmap-check"
	grep -v '^ok ' "$logdir/relmap-check.log"
fi
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
