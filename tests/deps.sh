#!/bin/sh
# Install the Debian packages amconsole needs to build and test, if any
# are missing (dpkg-dev, debhelper, fakeroot and lintian: `make deb` and
# tests/e2e/t_deb.sh; bash-completion and zsh: tests/e2e/t_completions.sh;
# strace: tests/e2e/t_frames.sh). What only `make bench` uses (htop,
# pg_activity, sshd for its frames through a loopback sshd) the bench
# installs itself, so a test machine gets no sshd service.
# Used by `make run` (README's first command) and .ci/run.
set -eu
PKGS="build-essential pkg-config libncurses-dev libcmark-dev libyaml-dev
libcjson-dev libcmocka-dev tmux clang libclang-rt-14-dev man-db groff-base
python3 ncurses-term bc valgrind openssl curl faketime
libssl-dev libpq-dev postgresql postgresql-contrib libhiredis-dev redis-server
librdkafka-dev libcurl4-openssl-dev prometheus prometheus-alertmanager
openjdk-17-jre-headless strace
dpkg-dev debhelper fakeroot lintian bash-completion zsh asciinema"
# npm fetches the Kafka broker's jars (tests/kafka_broker.sh). Debian's
# npm conflicts with a Node.js from elsewhere (NodeSource's provides its
# own npm): ask for it only when there is no npm at all.
command -v npm >/dev/null 2>&1 || PKGS="$PKGS npm"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "installing:$missing"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
