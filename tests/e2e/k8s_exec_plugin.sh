#!/bin/sh
# k8s_exec_plugin.sh - a client-go exec credential plugin for the k8s
# fixture (the way EKS, GKE and AKS clusters hand out tokens). The
# kubeconfig's exec.env gives K8S_FIXTURE_DIR (the fixture's $T/k8s).
# Prints an ExecCredential (the apiVersion KUBERNETES_EXEC_INFO asks for,
# client.authentication.k8s.io/v1 by default) holding the fixture's
# current token (DIR/token, or DIR/exec-token when a test wants another
# one) that expires in an hour (DIR/exec-ttl: seconds, to test expiry),
# and appends a line to DIR/exec-runs so tests can count the runs. With
# DIR/exec-fail present it fails as a plugin does: a message on stderr
# and exit status 1.
set -eu
dir=${K8S_FIXTURE_DIR:?K8S_FIXTURE_DIR is not set}
echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) pid=$$" >>"$dir/exec-runs"
if [ -e "$dir/exec-fail" ]; then
	echo "fixture exec plugin: $(head -1 "$dir/exec-fail")" >&2
	exit 1
fi
if [ -e "$dir/exec-token" ]; then
	token=$(head -1 "$dir/exec-token")
else
	token=$(head -1 "$dir/token")
fi
ttl=3600
[ -e "$dir/exec-ttl" ] && ttl=$(head -1 "$dir/exec-ttl")
exp=$(date -u -d "@$(($(date +%s) + ttl))" +%Y-%m-%dT%H:%M:%SZ)
api=client.authentication.k8s.io/v1
case "${KUBERNETES_EXEC_INFO:-}" in
*client.authentication.k8s.io/v1beta1*) api=client.authentication.k8s.io/v1beta1 ;;
esac
printf '{"apiVersion":"%s","kind":"ExecCredential","status":{"token":"%s","expirationTimestamp":"%s"}}\n' \
	"$api" "$token" "$exp"
