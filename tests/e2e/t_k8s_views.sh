# t_k8s_views.sh - the Pods panel trouble first (the crashing pod on
# screen in the grid's Pods cell at 200x55 and first at 120x40), its text
# views and namespace switch:
# describe (Enter) ends with the pod's events; logs (l) show the
# container's lines, p switches to --previous and back, c asks for
# another container, / searches (n moves on), w wraps long lines, f
# follows new lines without a key; :ns kube-system and :ns all switch
# what is listed.
. tests/e2e/lib.sh
. tests/e2e/k8s.sh
k8s_start
k8s_config
NS=atlasmesh-prod
CRASH=vehicle-gateway-6b8f9c7d5d-x7m2k
FM=fleet-manager-7c9d8b6f54-4xkqz
# The grid (200x55): the Pods cell lists trouble first, so the crashing
# pod is on screen, and its last line counts the hidden rows.
am_start 200 55 --config "$T/config.yaml" --refresh 1s
wait_for "Pods, trouble first" 15
wait_for "$CRASH" 15
screen | grep -q "│$CRASH  *0/1  *CrashLoopBackOff " || fail "the crashing pod's row is cut"
screen | grep -qE "│\+[0-9]+ more, 0 failing " || fail "no '+N more, 0 failing' line in the Pods cell"
ok "grid 200x55: the crashing pod is on screen in the Pods cell; '+N more, 0 failing' below"
# 120x40 (tabs): the crashing pod is the first row, its NAME whole.
tm resize-window -t am -x 120 -y 40
focus pods
wait_for "Pods, trouble first" 5
screen | sed -n 7p | grep -q "^│$CRASH  *0/1  *CrashLoopBackOff " ||
	fail "120x40: the first row is not the crashing pod: $(screen | sed -n 7p)"
ok "120x40: the crashing pod is the first row, NAME and STATUS whole"
keys z
wait_for "clickhouse-0" 15

pick "$CRASH"
keys Enter
wait_for "Describe $NS/$CRASH" 5
wait_for "Name:" 10
keys G
wait_for "Back-off restarting failed container" 5
keys q
wait_for "Pods, trouble first" 5
ok "Enter describes the pod; its events are at the end (Back-off restarting failed container)"

keys l
wait_for "Logs $NS/$CRASH" 5
wait_for "session store unavailable" 10
wait_gone "exiting with status 1" 2
keys w
wait_for "exiting with status 1" 5
keys w
wait_gone "exiting with status 1" 5
keys Escape
wait_for "Pods, trouble first" 5
ok "l shows a crashed container's log; w wraps a line longer than the view (its end shows), and unwraps"

pick kafka-1
k8s_ctl "log?ns=$NS&pod=kafka-1&container=kafka" "marker: only in the current container's log" >/dev/null
keys l
wait_for "Logs $NS/kafka-1" 5
wait_for "marker: only in the current" 10
keys p
wait_for "PREVIOUS" 5
wait_gone "marker: only in the current" 10
screen | grep -q ' INFO ' || fail "the previous container's log is empty"
keys p
wait_for "marker: only in the current" 10
ok "p switches to the previous container's log (--previous: the marker goes) and back"

keys f
wait_for "following" 5
k8s_ctl "log?ns=$NS&pod=kafka-1&container=kafka" "followed: a line written after f" >/dev/null
wait_for "followed: a line written after f" 10
keys f
keys Escape
wait_for "Pods, trouble first" 5
ok "f follows: a new line appears without a key"

pick "$FM"
keys l
wait_for "Logs $NS/$FM" 5
keys c
wait_for "container:" 5
keys C-u
type_text otel-collector
keys Enter
wait_for '"service":"otel-collector"' 10
wait_for "container otel-collector" 5
word=$(k8s_api "/api/v1/namespaces/$NS/pods/$FM/log?container=otel-collector&tailLines=200" |
	sed -n 3p | sed 's/.*"ts":"\([^"]*\)".*/\1/')
[ -n "$word" ] || fail "no third log line from the API"
keys /
type_text "$word"
keys Enter
screen | sed -n 6p | grep -qF "$word" || fail "the search did not bring $word to the top"
keys n
wait_for "no further line matches" 5
ok "c asks for another container (otel-collector); / brings the match to the top, n says when none is left"
keys q
keys / C-u Enter

keys :
type_text "ns kube-system"
keys Enter
wait_for "ns kube-system" 10
wait_for "coredns-5c6d8f9b7d-8wl2m" 10
screen | grep -q "clickhouse-0" && fail ":ns kube-system still lists atlasmesh-prod"
keys :
type_text "ns all"
keys Enter
wait_for "ns all" 10
wait_for "NAMESPACE" 10
wait_for "clickhouse-0" 10
screen | grep -q "^│kube-system  *coredns" || fail ":ns all lacks kube-system's pods"
keys :
type_text 'ns Bad_Name$(id)'
keys Enter
wait_for "not a valid namespace name" 5
ok ":ns kube-system and :ns all switch the listing (NAMESPACE shown for all); a bad name is refused"
keys q
wait_dead
