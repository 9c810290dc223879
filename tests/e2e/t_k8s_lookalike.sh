# t_k8s_lookalike.sh - a pod whose name has a Cyrillic "а" (U+0430) in
# place of a Latin "a" (issue 21, item 4) next to the pod it imitates:
# the row spells the character out ("k\u0430fka-1") in the error colour,
# the key bar hides Delete, Restart, Scale and Shell for that row (and
# shows them again on its neighbour), and D is refused with the name
# spelled out; nothing reaches the server.
. tests/e2e/lib.sh
. tests/e2e/k8s.sh
k8s_start
k8s_config
# The lookalike: kafka-1 with its first "a" Cyrillic.
k8s_clone_pod kafka-1 "$(printf 'k\320\260fka-1')"
k8s_api /api/v1/namespaces/atlasmesh-prod/pods | grep -q 'k\\u0430fka-1' || fail "the fixture does not serve the lookalike"

am_start 180 45 --config "$T/config.yaml"
focus pods
keys z
wait_for "vehicle-gateway-6b8f9c7d5d-x7m2k" 15
wait_for 'k\u0430fka-1' 5
screen | grep -q "kаfka-1" && fail "the lookalike is shown as it is"
# Colour: the escape is drawn with another attribute than the letters
# around it, the same as the error colour of a refusal (below).
row=$(tm capture-pane -p -e -t am | grep -F 'u0430' | head -1)
esc_sgr=$(printf '%s\n' "$row" | python3 -c '
import re, sys
line = sys.stdin.read()
m = re.search(r"k((?:\x1b\[[0-9;]*m)+)\\u0430((?:\x1b\[[0-9;]*m)+)fka-1", line)
print(m.group(1) if m else "")')
[ -n "$esc_sgr" ] || fail "the escape is not in its own colour: $(printf '%s' "$row" | od -c | head -5)"
ok "the lookalike row spells the character out (k\\u0430fka-1) in its own colour"

pick 'u0430fka'
bar=$(screen | tail -1)
for k in DDelete RRestart SScale sShell; do
	printf '%s\n' "$bar" | grep -q "$k" && fail "the key bar offers $k for the lookalike: $bar"
done
keys D
wait_for 'refused: atlasmesh-prod/k\u0430fka-1 is not a valid Kubernetes name' 5
screen | grep -q "Delete pod" && fail "D opened a dialog for the lookalike"
keys s
wait_for 'not a valid Kubernetes name' 5
msg_sgr=$(tm capture-pane -p -e -t am | python3 -c '
import re, sys
m = re.search(r"((?:\x1b\[[0-9;]*m)+)refused: atlasmesh-prod/k", sys.stdin.read())
print(m.group(1) if m else "")')
[ -n "$msg_sgr" ] || fail "no refusal message found"
case "$esc_sgr" in
*"$msg_sgr"*) ;;
*) fail "the escape's colour ($(printf '%s' "$esc_sgr" | od -An -c)) is not the error colour ($(printf '%s' "$msg_sgr" | od -An -c))" ;;
esac
sleep 0.5
[ "$(k8s_changes)" = 0 ] || fail "a request for the lookalike reached the server"
ok "the lookalike's row: D, R, S, s hidden from the key bar; D refused with the name spelled out, in the error colour"

pick 'kafka-1'
bar=$(screen | tail -1)
for k in DDelete RRestart SScale; do
	printf '%s\n' "$bar" | grep -q "$k" || fail "the key bar lost $k on the real kafka-1: $bar"
done
ok "its neighbour, the real kafka-1, keeps every key"
keys q
wait_dead
