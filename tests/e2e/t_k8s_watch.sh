# t_k8s_watch.sh - the Pods panel follows the API server's watch: a pod
# added, changed and deleted on the server shows up without a relist (the
# fixture's list count stays put), the selection stays on its pod (by
# UID) when rows are added above it, and once the server compacts its
# history (410 Gone on the resumed watch) the panel relists and is right.
. tests/e2e/lib.sh
. tests/e2e/k8s.sh
k8s_start
k8s_config
# A pod shaped like the fixture's first one, under another name.
newpod() { # name status ready restarts
	python3 - "$REPO/tests/fixtures/k8s/atlasmesh.json" "$@" <<'PY'
import json, sys
src, name, status, ready, restarts = sys.argv[1:6]
pod = json.load(open(src))["items"][0]["pod"]
meta = pod["metadata"]
for k in ("uid", "resourceVersion", "creationTimestamp"):
    meta.pop(k, None)
meta["name"] = name
print(json.dumps({"pod": pod, "kubectl": {"status": status, "ready": ready, "restarts": int(restarts)}}))
PY
}

am_start 160 40 --config "$T/config.yaml" --refresh 1s
focus pods
keys z
wait_for "vehicle-gateway-6b8f9c7d5d-x7m2k" 15
wait_for "watching" 10
lists=$(k8s_stat lists)
[ "$lists" -ge 1 ] || fail "the fixture saw no list"

# Select kafka-1, then add pods that sort above it.
keys /
type_text kafka-1
keys Enter
keys / C-u Enter
wait_gone "match the filter"
k8s_ctl add "$(newpod aaa-watch-added-0 Running 1/1 0)" >/dev/null
k8s_ctl add "$(newpod aab-watch-added-1 ContainerCreating 0/1 0)" >/dev/null
wait_for "aaa-watch-added-0" 10
wait_for "aab-watch-added-1"
screen | grep -q "aab-watch-added-1 .* ContainerCreating " || fail "the added pod's STATUS is wrong"
[ "$(k8s_stat lists)" = "$lists" ] || fail "the added pods came by a relist ($lists -> $(k8s_stat lists))"
ok "pods added on the server appear without a relist (lists stays $lists)"
keys Enter
wait_for "Describe atlasmesh-prod/kafka-1" 10
keys Escape
wait_for "Pods, trouble first"
ok "the selection stays on its pod (kafka-1) when rows are added above it"

k8s_ctl "modify?merge=1" "$(newpod aab-watch-added-1 CrashLoopBackOff 0/1 4)" >/dev/null
wait_re "aab-watch-added-1 .* CrashLoopBackOff *4 " 10
k8s_ctl "delete?ns=atlasmesh-prod&name=aaa-watch-added-0" >/dev/null
wait_gone "aaa-watch-added-0" 10
[ "$(k8s_stat lists)" = "$lists" ] || fail "a change came by a relist"
ok "MODIFIED and DELETED events update the rows, still without a relist"

# Compact the history: the resumed watch gets 410 Gone; meanwhile a pod
# changed, and a relist must bring it.
k8s_ctl expire >/dev/null
k8s_ctl add "$(newpod aac-after-expire-2 Running 1/1 0)" >/dev/null
k8s_ctl "delete?ns=atlasmesh-prod&name=aab-watch-added-1" >/dev/null
wait_for "aac-after-expire-2" 15
wait_gone "aab-watch-added-1" 10
n2=$(k8s_stat lists)
[ "$n2" -gt "$lists" ] || fail "no relist after the history was compacted (lists $n2)"
wait_for "list #2" 10
screen | grep -q "STALE" && fail "the relist left the panel STALE"
ok "410 Gone (history compacted) -> relist ($lists -> $n2 lists), rows right"
keys q
wait_dead
