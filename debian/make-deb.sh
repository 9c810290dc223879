#!/bin/sh
# make-deb.sh [OUTDIR] - `make deb`: build the Debian package with
# dpkg-buildpackage -us -uc -b from a copy of the tree's files (tracked,
# plus new ones git does not ignore) in a temporary directory, so the
# working tree and its build/ are never touched; then lintian, which must
# report no error. The .deb and the logs land in OUTDIR (default
# build/deb). Needs dpkg-dev, debhelper, fakeroot and lintian
# (tests/deps.sh installs them) and the build dependencies of
# debian/control.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/build/deb}
mkdir -p "$out"
out=$(cd "$out" && pwd)
cd "$root"
git rev-parse --git-dir >/dev/null 2>&1 || {
	echo "make deb: $root is not a git checkout (the package is built from its files)" >&2
	exit 2
}
version=$(dpkg-parsechangelog -l debian/changelog -S Version)
mkver=$(sed -n 's/^VERSION *= *//p' Makefile)
[ "$version" = "$mkver" ] || {
	echo "make deb: debian/changelog says $version, the Makefile's VERSION $mkver" >&2
	exit 1
}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/amconsole-deb.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM HUP
src="$tmp/amconsole-$version"
mkdir "$src"
git ls-files --cached --others --exclude-standard | while IFS= read -r f; do
	[ -e "$f" ] && printf '%s\n' "$f"
done | tar -cf - -T - | tar -xf - -C "$src"
rm -f "$out"/amconsole_*.deb
echo "make deb: building amconsole $version in $src (log: $out/build.log)"
if ! (cd "$src" && DEB_BUILD_OPTIONS="parallel=$(nproc)" dpkg-buildpackage -us -uc -b) \
	>"$out/build.log" 2>&1; then
	tail -40 "$out/build.log"
	echo "make deb: dpkg-buildpackage failed (log: $out/build.log)" >&2
	exit 1
fi
cp "$tmp"/amconsole_"$version"_*.deb "$out"/
# lintian: errors fail the build; warnings are printed (see the comments
# in debian/ on the ones that stay).
lintian --fail-on error --info "$tmp"/amconsole_"$version"_*.changes >"$out/lintian.txt" 2>&1 ||
	{ cat "$out/lintian.txt"; echo "make deb: lintian reports errors" >&2; exit 1; }
cat "$out/lintian.txt"
ls "$out"/amconsole_"$version"_*.deb
