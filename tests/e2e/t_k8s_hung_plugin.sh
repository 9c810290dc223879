# t_k8s_hung_plugin.sh - an exec credential plugin that never answers
# never holds the Pods panel hostage (issue 21, item 2). With a
# kubeconfig of 200 contexts, one of them ("hung") authenticating with a
# plugin that sleeps forever: :ctx hung names hung in the header and says
# "switching…"; :ctx fixture right after is not refused, kills the
# plugin and lists the fixture's pods within a couple of seconds; left
# to fail, the hung context's error shows under its own name; q while the
# plugin hangs ends the process at once and leaves no plugin behind, also
# the one the health strip's ping runs on another worker.
. tests/e2e/lib.sh
. tests/e2e/k8s.sh
k8s_start
HUNG="$T/hung-plugin.sh"
cat >"$HUNG" <<'SH'
#!/bin/sh
# Starts, says so, and never answers (a child holds the pipes too).
echo "$$" >>"$HUNG_DIR/hung-pids"
sleep 86399 &
wait
SH
KC="$T/kubeconfig-200"
K8S_KC_USERS="- name: hung
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: sh
      args:
      - $HUNG
      env:
      - name: HUNG_DIR
        value: $T
      interactiveMode: Never
"
K8S_KC_CONTEXTS="- name: hung
  context:
    cluster: fixture
    user: hung
    namespace: atlasmesh-prod
$(k8s_many_contexts 195)
"
k8s_kubeconfig >"$KC"
[ "$(grep -c '^  context:$' "$KC")" = 200 ] || fail "the kubeconfig does not have 200 contexts"
chmod 600 "$KC"
printf 'kubernetes:\n  kubeconfig: %s\n' "$KC" >"$T/config.yaml"

# Milliseconds since the epoch.
now_ms() { date +%s%3N; }
# A process of group $1 is alive (zombies left to the reaper do not count).
group_alive() { ps -eo pgid=,stat= | awk -v g="$1" '$1 == g && $2 !~ /^Z/ { f = 1 } END { exit !f }'; }
group_gone() { ! group_alive "$1"; }
# The newest plugin run is still running.
plugin_running() { [ -s "$T/hung-pids" ] && group_alive "$(tail -1 "$T/hung-pids")"; }

k8s_pods_console

keys :
type_text "ctx hung"
keys Enter
wait_for "context hung" 5
wait_for "switching…" 5
wait_until 5 "the hung plugin never started" plugin_running
shows "vehicle-gateway-6b8f9c7d5d-x7m2k" && fail "the pods of the context left shown under hung"
ok ":ctx hung: the header names hung and says switching…, no rows of the context left"

pid=$(head -1 "$T/hung-pids")
keys :
type_text "ctx fixture"
t0=$(now_ms)
tm send-keys -t am Enter
wait_for "vehicle-gateway-6b8f9c7d5d-x7m2k" 10
wait_for "context fixture" 5
t1=$(now_ms)
echo "# :ctx fixture while the plugin hangs: pods listed after $((t1 - t0)) ms"
[ $((t1 - t0)) -lt 3000 ] || fail ":ctx fixture took $((t1 - t0)) ms"
shows "waiting for the previous request" && fail "the switch back was refused"
shows "switching…" && fail "still switching"
wait_until 2 "the hung plugin (group $pid) was not killed" group_gone "$pid"
ok ":ctx fixture while the plugin hangs: not refused, plugin killed, pods in $((t1 - t0)) ms"

# A delete waiting for its answer is let finish (its result and audit
# line are not lost): a switch asked meanwhile goes right after it.
pick kafka-2
keys D
wait_for "Delete pod"
k8s_ctl "mode?m=hang" >/dev/null
type_text kafka-2
keys Enter
sleep 0.5
keys :
type_text "ctx ctx-001"
keys Enter
wait_for "context ctx-001 once delete pod is answered" 5
shows "context fixture" || fail "the header left fixture before the delete was answered"
k8s_ctl "mode?m=ok" >/dev/null
wait_for "context ctx-001" 10
keys /
keys C-u
keys Enter
wait_for "vehicle-gateway-6b8f9c7d5d-x7m2k" 10
grep -q '"event":"end".*"step":"delete pod".*"status":"ok"' "$AUDIT" ||
	fail "the delete's end is not audited: $(tail -3 "$AUDIT")"
ok "a switch asked while a delete waits goes after its answer (audited ok)"

keys :
type_text "ctx hung"
keys Enter
wait_for "context hung" 5
wait_for "no answer in 10s" 20
shows "switching…" && fail "still switching after the error"
shows "vehicle-gateway-6b8f9c7d5d-x7m2k" && fail "rows of another context shown under hung"
ok "left to fail, hung's error shows under its own name"

# The retry runs the plugin again: quit while it hangs.
wait_until 15 "the hung plugin did not run again" plugin_running
pid=$(tail -1 "$T/hung-pids")
t0=$(now_ms)
tm send-keys -t am q
wait_dead 10
t1=$(now_ms)
echo "# q while the plugin hangs: exited after $((t1 - t0)) ms"
[ "$(pane_status)" = 0 ] || fail "exit status $(pane_status)"
[ $((t1 - t0)) -lt 2000 ] || fail "q took $((t1 - t0)) ms"
wait_until 1 "the hung plugin (group $pid) outlived the console" group_gone "$pid"
ok "q while the plugin hangs: exit 0 in $((t1 - t0)) ms, the plugin killed"

# Started on the hung context, the health strip's ping runs the plugin
# too (its own credential cache, on another worker): q kills them all.
tm kill-server 2>/dev/null
sleep 0.3
rm -f "$T/exit"
: >"$T/hung-pids"
am_start 160 40 --config "$T/config.yaml" --refresh 1s --context hung
focus pods
wait_until 10 "the hung plugin never started" plugin_running
sleep 1.5
t0=$(now_ms)
tm send-keys -t am q
wait_dead 10
t1=$(now_ms)
echo "# q with $(wc -l <"$T/hung-pids") plugin run(s) hanging: exited after $((t1 - t0)) ms"
[ "$(pane_status)" = 0 ] || fail "exit status $(pane_status)"
[ $((t1 - t0)) -lt 2000 ] || fail "q took $((t1 - t0)) ms"
for pid in $(cat "$T/hung-pids"); do
	wait_until 1 "a hung plugin (group $pid) outlived the console" group_gone "$pid"
done
ok "started on the hung context: q exits in $((t1 - t0)) ms and no plugin outlives it"
