# t_deb.sh - the Debian package: debian/make-deb.sh (make deb) builds it
# from a copy of the tree with dpkg-buildpackage and lintian (no error),
# into $T; dpkg -i installs it on this machine; the installed binary
# reports the Makefile's version, lints the shipped runbooks, finds its
# man page (man -w) and, started without --runbooks, lists the runbooks
# of /usr/share/amconsole; the completions are where bash and zsh look.
# Then dpkg --purge, after which none of the files dpkg -L listed is
# left and dpkg -s says it is not installed. The purge runs whatever
# fails (trap). Needs root or sudo; refuses to run over an amconsole
# package installed by someone else.
. tests/e2e/lib.sh
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo -n"
for tool in dpkg-buildpackage dh lintian fakeroot man; do
	command -v "$tool" >/dev/null 2>&1 || fail "$tool missing (tests/deps.sh installs it)"
done
installed() { dpkg-query -W -f='${Status}' amconsole 2>/dev/null | grep -q "install ok installed"; }
# Known to dpkg in any state but purged ("not-installed").
present() {
	st=$(dpkg-query -W -f='${Status}' amconsole 2>/dev/null) || return 1
	[ -n "$st" ] && [ "${st% not-installed}" = "$st" ]
}
present && fail "an amconsole package is on this machine ($(dpkg-query -W -f='${Status}' amconsole)); this test installs and purges its own: dpkg --purge amconsole first"

purge_pkg() {
	if dpkg-query -W amconsole >/dev/null 2>&1; then
		$SUDO dpkg --purge amconsole >>"$T/purge.log" 2>&1 ||
			echo "not ok - dpkg --purge amconsole failed: $(cat "$T/purge.log")"
	fi
}
trap 'rc=$?; purge_pkg; (exit $rc); cleanup' EXIT
trap 'exit 130' INT TERM HUP

head_before=$(git -C "$REPO" status --porcelain --ignored -- . ':!build' 2>/dev/null | md5sum)
sh "$REPO/debian/make-deb.sh" "$T/deb" >"$T/make-deb.out" 2>&1 ||
	fail "make-deb.sh failed: $(tail -40 "$T/make-deb.out")"
version=$(sed -n 's/^VERSION *= *//p' "$REPO/Makefile")
deb=$(ls "$T"/deb/amconsole_"$version"_*.deb 2>/dev/null)
[ -f "$deb" ] || fail "no amconsole_${version}_*.deb in $T/deb: $(ls "$T/deb")"
grep -q "^E: " "$T/deb/lintian.txt" && fail "lintian errors: $(cat "$T/deb/lintian.txt")"
[ "$(git -C "$REPO" status --porcelain --ignored -- . ':!build' 2>/dev/null | md5sum)" = "$head_before" ] ||
	fail "building the package changed the tree: $(git -C "$REPO" status --short)"
ok "make-deb.sh builds $(basename "$deb"), lintian reports no error, the tree is untouched"

dpkg-deb -f "$deb" Depends >"$T/depends"
for lib in libpq5 libhiredis librdkafka1 libcurl4 libncursesw6 libyaml-0-2 libcjson1 libcmark; do
	grep -q "$lib" "$T/depends" || fail "Depends lacks $lib: $(cat "$T/depends")"
done
ok "Depends comes from the shared libraries: $(cat "$T/depends")"

$SUDO dpkg -i "$deb" >"$T/dpkg-i.log" 2>&1 || fail "dpkg -i: $(cat "$T/dpkg-i.log")"
installed || fail "dpkg -s does not say installed after dpkg -i"
dpkg -L amconsole >"$T/files" || fail "dpkg -L amconsole"
[ "$(command -v amconsole)" = /usr/bin/amconsole ] || fail "amconsole on PATH is $(command -v amconsole)"
[ "$(/usr/bin/amconsole --version)" = "amconsole $version" ] || fail "--version: $(/usr/bin/amconsole --version)"
ok "installed: /usr/bin/amconsole --version says amconsole $version"

/usr/bin/amconsole --lint /usr/share/amconsole/runbooks/*.md >"$T/lint.out" 2>&1 ||
	fail "--lint of the installed runbooks: $(cat "$T/lint.out")"
ls /usr/share/amconsole/themes/light.yaml >/dev/null || fail "themes not installed"
ok "--lint /usr/share/amconsole/runbooks/*.md is clean; themes installed"

manpath=$(man -w amconsole 2>"$T/man.err") || fail "man -w amconsole: $(cat "$T/man.err")"
[ "$manpath" = /usr/share/man/man1/amconsole.1.gz ] || fail "man -w says $manpath"
# man -l: man-db's cat cache may hold an earlier build of the same
# version (the files' times come from debian/changelog).
MANWIDTH=80 man -l "$manpath" 2>/dev/null | grep -q -- "--init-config" ||
	fail "the installed man page lacks --init-config"
ok "man -w amconsole: $manpath"

bash -n /usr/share/bash-completion/completions/amconsole || fail "bash completion: syntax"
grep -q "^#compdef amconsole" /usr/share/zsh/vendor-completions/_amconsole || fail "zsh completion missing"
ok "completions in /usr/share/bash-completion/completions and /usr/share/zsh/vendor-completions"

# The installed binary (DATADIR /usr/share/amconsole) lists the shipped
# runbooks without --runbooks, from any folder.
AMCONSOLE=/usr/bin/amconsole
am_start 160 40
wait_for "Service Startup Issues"
am_quit
ok "the installed console lists the runbooks of /usr/share/amconsole"

$SUDO dpkg --purge amconsole >"$T/purge.log" 2>&1 || fail "dpkg --purge: $(cat "$T/purge.log")"
present && fail "dpkg knows amconsole after purge: $(dpkg-query -W -f='${Status}' amconsole)"
dpkg -s amconsole >/dev/null 2>&1 && fail "dpkg -s amconsole still succeeds after purge"
left=""
while IFS= read -r f; do
	[ "$f" = "/." ] && continue
	[ -e "$f" ] || [ -L "$f" ] || continue
	# A folder that stays must belong to another package (/usr/bin ...).
	[ -d "$f" ] && dpkg -S "$f" >/dev/null 2>&1 && continue
	left="$left $f"
done <"$T/files"
[ -z "$left" ] || fail "left after purge:$left"
[ -e /usr/share/amconsole ] && fail "/usr/share/amconsole left after purge"
ok "dpkg --purge: none of its $(wc -l <"$T/files") paths left (folders shared with other packages aside); dpkg -s: not installed"
