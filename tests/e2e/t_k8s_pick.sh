# t_k8s_pick.sh - choices from live data are pick lists (issue 21, item
# 3). With a kubeconfig of 200 contexts: :ctx alone opens a scrollable
# list with the context in use marked and selected; typing filters it to
# a few, Enter switches (the header names the context, its pods are
# listed); Esc cancels without switching; Tab on the `:` line completes a
# context's name (as far as the matches agree, then in full); :ns alone
# lists "all" and the namespaces of the pods listed; :theme alone lists
# the themes; a click on a row picks it.
. tests/e2e/lib.sh
. tests/e2e/k8s.sh
k8s_start
KC="$T/kubeconfig-200"
K8S_KC_CONTEXTS="$(k8s_many_contexts 196)
"
k8s_kubeconfig >"$KC"
n=$(grep -c '^  context:$' "$KC")
[ "$n" -ge 200 ] || fail "the kubeconfig has $n contexts, not 200"
chmod 600 "$KC"
printf 'kubernetes:\n  kubeconfig: %s\n' "$KC" >"$T/config.yaml"

k8s_pods_console

keys :
type_text "ctx"
keys Enter
wait_for "Kubeconfig context" 5
wait_for "of $n  Enter picks" 5
shows_re "[*] fixture +│" || fail "the context in use is not marked: $(screen)"
shows "ctx-000" && fail "the list did not start at the context in use"
type_text "CTX-15"
wait_for "of 10  Enter picks" 5
ok ":ctx: a list of all $n contexts, fixture marked; typing CTX-15 filters it to 10"

type_text "7"
wait_for "1 of 1  Enter picks" 5
keys Enter
wait_gone "Kubeconfig context" 5
wait_for "context ctx-157" 5
wait_for "vehicle-gateway-6b8f9c7d5d-x7m2k" 10
ok "Enter switches to the context picked: the header names ctx-157, pods listed"

keys :
type_text "ctx"
keys Enter
wait_for "Kubeconfig context" 5
keys j
keys G
keys Escape
wait_gone "Kubeconfig context" 5
sleep 1.5
shows "context ctx-157" || fail "Esc switched away: $(screen | head -5)"
shows "switching" && fail "Esc started a switch"
ok "Esc cancels the list without switching"

keys :
type_text "ctx fix"
keys Tab
wait_for ":ctx fixture" 5
wait_re "[0-9]+ match: fixture, fixture-all" 5
keys -l -- "-a"
keys Tab
wait_for ":ctx fixture-all" 5
keys Enter
wait_for "context fixture-all" 5
wait_for "vehicle-gateway-6b8f9c7d5d-x7m2k" 10
ok ":ctx fix<Tab> completes to fixture and lists the matches; -a<Tab> to fixture-all"

keys :
type_text "ns"
keys Enter
wait_for "Namespace" 5
shows_re "[*] all +│" || fail "all (in use) is not marked: $(screen)"
shows "atlasmesh-prod" || fail "the namespace of the pods listed is not offered"
type_text "atlasmesh-pr"
keys Enter
wait_for "ns atlasmesh-prod" 10
ok ":ns lists all and the pods' namespaces; picking one shows it"

keys :
type_text "ns atl"
keys Tab
wait_for ":ns atlasmesh-prod" 5
keys Escape

keys :
type_text "ctx"
keys Enter
wait_for "Kubeconfig context" 5
type_text "ctx-00"
wait_for "of 10  Enter picks" 5
line=$(screen | grep -n "ctx-004" | head -1 | cut -d: -f1)
col=$(screen | sed -n "${line}p" | awk '{ print index($0, "ctx-004") }')
[ -n "$line" ] && [ -n "$col" ] || fail "ctx-004 is not in the list: $(screen)"
mouse "$col" $((line - 1)) 0
wait_gone "Kubeconfig context" 5
wait_for "context ctx-004" 5
ok "a click on a row of the list picks it"

keys :
type_text "theme"
keys Enter
wait_for "Theme (" 5
shows "high-contrast" || fail "the built-in themes are not offered"
type_text "mono"
keys Enter
wait_for "theme mono" 5
ok ":theme lists the themes; picking mono applies it"
am_quit
