#!/bin/sh
# relmap-check.sh - the RELIABILITY.md case map in tests/README.md stays
# whole: every case id of ../shared/RELIABILITY.md (the shared folder
# beside the checkout, as AM_SEED in tests/run.sh) has a row in the
# table ("| A1 | ..."), and every test file the table names in backticks
# (`tests/...`) exists. Prints "ok N - ..." / "not ok - ..." lines like
# the e2e tests and exits 1 on any problem. Without the shared folder it
# says so and exits 0. RELIABILITY=FILE points at another copy.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
rel=${RELIABILITY:-$root/../shared/RELIABILITY.md}
map=$root/tests/README.md
checks=0
bad=0

ok() {
	checks=$((checks + 1))
	echo "ok $checks - $*"
}
notok() {
	bad=$((bad + 1))
	echo "not ok - $*"
}

if [ ! -r "$rel" ]; then
	echo "ok - skipped: $rel not found (no shared folder beside the checkout)"
	exit 0
fi
[ -r "$map" ] || { echo "not ok - $map not found"; exit 1; }

# Case ids: the first cell of a table row, A1 ... or G-a ...
ids() {
	sed -n 's/^| *\([A-Z][0-9][0-9]*\) *|.*/\1/p; s/^| *\([A-Z]-[a-z][a-z]*\) *|.*/\1/p' "$1"
}

n=0
for id in $(ids "$rel"); do
	n=$((n + 1))
	grep -qE "^\| *$id *\|" "$map" || notok "case $id of RELIABILITY.md has no row in tests/README.md"
done
[ "$n" -gt 0 ] || notok "no case ids found in $rel"
[ "$bad" -eq 0 ] && ok "all $n cases of RELIABILITY.md have a row in tests/README.md"

# Rows for cases RELIABILITY.md no longer has: a note, not a failure.
for id in $(ids "$map"); do
	grep -qE "^\| *$id *\|" "$rel" || echo "# note: tests/README.md has a row for $id, which RELIABILITY.md does not list"
done

# Files the table names: backticked paths under tests/.
before=$bad
nf=0
for f in $(grep -E '^\| *([A-Z][0-9]+|[A-Z]-[a-z]+) *\|' "$map" |
	grep -oE '`tests/[^`[:space:]]*`' | tr -d '`' | sort -u); do
	nf=$((nf + 1))
	[ -e "$root/$f" ] || notok "tests/README.md names $f, which does not exist"
done
[ "$bad" -eq "$before" ] && ok "all $nf test files named in the table exist"

[ "$bad" -eq 0 ]
