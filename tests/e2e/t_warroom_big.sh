#!/bin/sh
# t_warroom_big.sh - a war room whose data outgrows a message: the
# presenter watches 15,000 pods (the fixture's --generate, every
# namespace), a snapshot of several MB, over the 4 MiB a war-room
# message may carry. It is not sent, nor counted as sent: the follower's
# Pods panel says the presenter's Kubernetes data is too big to share
# (and keeps following the rest), and the presenter's top line names the
# source that is not shared. Through a real redis-server.
. tests/e2e/lib.sh
. tests/e2e/redis.sh
. tests/e2e/k8s.sh
redis_start
k8s_start --generate 15000
printf '%s\n' "bridge-secret-0123456789abcdef" >"$T/secret"
chmod 600 "$T/secret"
WR="redis://127.0.0.1:$RPORT/1"
cat >"$T/p.yaml" <<CONF
kubernetes:
  kubeconfig: $K8S_KUBECONFIG
  context: fixture-all
warroom:
  redis: "$WR"
  secret_file: "$T/secret"
  name: alice
CONF
cat >"$T/bob.yaml" <<CONF
warroom:
  redis: "$WR"
  secret_file: "$T/secret"
  name: bob
CONF

on() { SOCK=$1; }
am_start 200 50 --present bridge --config "$T/p.yaml" --refresh 1s --log "$T/p.log"
P=$SOCK
wait_for "presenting bridge" 15
focus pods
wait_re "1[0-9],[0-9]{3} pods|1[0-9][0-9]{3} pods" 60
wait_for "kubernetes too big to share" 20
screen | grep -qE "kubernetes too big to share \([4-9][0-9.]* MB\)" ||
	fail "the presenter's top line does not give the size: $(screen | head -1)"
ok "the presenter's top line names the source too big to share, with its size"

am_start 160 40 --follow bridge --config "$T/bob.yaml"
B=$SOCK
wait_for "following alice in bridge" 25
on "$P"
wait_for "1 following: bob" 10
on "$B"
wait_for "Pods" 10
wait_for "too big to share in the war room" 20
ok "the follower's Pods panel says the presenter's data is too big to share"
on "$B"
screen | grep -qF "following alice in bridge" || fail "the follower stopped following"
on "$P"
keys q
wait_dead
on "$B"
wait_for "presenter quit" 20
ok "the room goes on around it: the follower follows until the presenter quits"
keys q
wait_dead
