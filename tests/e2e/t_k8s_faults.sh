# t_k8s_faults.sh - RELIABILITY E1/E5 on the Pods panel: an API server
# answering 500, garbage (an HTML page with escape sequences), a huge
# body, or hanging, and one that is gone (connection refused): each shows
# the error and the age of the data, keeps the pods it had marked STALE
# (never "no pods"), keeps answering keys, and recovers by itself.
. tests/e2e/lib.sh
. tests/e2e/k8s.sh
k8s_start
k8s_config
am_start 200 30 --config "$T/config.yaml" --refresh 1s
focus pods
keys z
wait_for "clickhouse-0" 15
wait_for "ok watching" 10

# stale TEXT SECONDS: STALE with TEXT and an age, the pods kept, keys answered.
stale() {
	wait_for "STALE" "$2"
	wait_for "$1" 10
	s=$(screen)
	printf '%s\n' "$s" | grep -qE "stale [0-9]+s" || fail "$1: no age"
	# The pods stay listed (a screenful of rows: NAME READY ...).
	[ "$(printf '%s\n' "$s" | grep -cE "^│[a-z][a-z0-9-]+ +[0-9]+/[0-9]+ ")" -ge 10 ] ||
		fail "$1: the pods are gone"
	printf '%s\n' "$s" | grep -qi "no pods" && fail "$1: says no pods"
	keys '>'
	wait_for "READY^" 2
	keys '<'
	wait_for "NAME^" 2
}
fault() { # mode text seconds
	k8s_ctl "mode?m=$1" >/dev/null
	stale "$2" "$3"
	k8s_ctl "mode?m=ok" >/dev/null
	wait_gone "STALE" 20
	wait_for "ok watching" 10
	ok "$1: STALE with \"$2\" and its age, pods kept, keys answered; recovers by itself"
}
fault 500 "500 Internal Server Error" 10
fault garbage "invalid JSON" 10
grep -aq "pwned" "$T/raw" && fail "the garbage's escape sequence reached the terminal"
fault huge "larger than" 10
fault hang "timeout" 40

port=${K8S_URL##*:}
k8s_stop
stale "onnect" 20
python3 "$REPO/tests/k8s_fixture.py" --dir "$K8S_DIR" --port "$port" --token "$K8S_TOKEN" \
	>>"$K8S_DIR/stderr" 2>&1 &
wait_gone "STALE" 30
wait_for "ok watching" 10
ok "the API server gone (connection refused): STALE, pods kept; back on its port, recovers"
keys q
wait_dead
