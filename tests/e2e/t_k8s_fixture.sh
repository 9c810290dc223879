# t_k8s_fixture.sh - the Kubernetes fixture API server itself, with curl
# (no console, no kubectl), so a broken fixture fails here rather than in
# the pods panel's tests: bearer tokens are required (401 Status without
# or with a wrong one); a paginated list (limit=2) walks every pod once
# with continue tokens and remainingItemCount; the Table format has the
# pod printer's columns and the recorded STATUS; gzip; a watch gets an
# ADDED pushed while the stream is open after /_fixture/add, a delete
# gives MODIFIED (Terminating) then DELETED, bookmarks arrive; after
# /_fixture/expire a watch from an older resourceVersion gets HTTP 200
# with one ERROR event holding a 410 Status and the stream ends; faults;
# denied verbs; on the TLS port a client certificate from the test CA
# authenticates as its CN and one from another CA is refused.
. tests/e2e/lib.sh
. tests/e2e/k8s.sh
if command -v openssl >/dev/null; then
	k8s_start --tls
else
	k8s_start
fi

# py EXPR FILE: evaluate a Python expression over the JSON in FILE (d).
py() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(($1))" "$2"; }
auth="Authorization: Bearer $K8S_TOKEN"
NS=atlasmesh-prod

code=$(curl -s -o "$T/r.json" -w '%{http_code}' "$K8S_URL/api/v1/pods")
[ "$code" = 401 ] || fail "no token: HTTP $code"
[ "$(py 'd["kind"], d["reason"], d["code"]' "$T/r.json")" = "('Status', 'Unauthorized', 401)" ] ||
	fail "no token: not a 401 Status: $(cat "$T/r.json")"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer wrong" "$K8S_URL/api/v1/pods")
[ "$code" = 401 ] || fail "wrong token: HTTP $code"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "$auth" "$K8S_URL/readyz")
[ "$code" = 200 ] || fail "token: /readyz HTTP $code"
ok "a bearer token is required: 401 Status without one and with a wrong one"

# The whole list, then page by page with limit=2.
k8s_api "/api/v1/pods" >"$T/all.json"
total=$(py 'len(d["items"])' "$T/all.json")
[ "$total" -ge 30 ] || fail "only $total pods in the fixture"
k8s_api "/api/v1/namespaces/$NS/pods?limit=2" >"$T/p.json"
[ "$(py 'len(d["items"])' "$T/p.json")" = 2 ] || fail "limit=2 gave $(py 'len(d["items"])' "$T/p.json") items"
nsall=$(py "sum(1 for i in d['items'] if i['metadata']['namespace'] == '$NS')" "$T/all.json")
[ "$(py 'd["metadata"]["remainingItemCount"]' "$T/p.json")" = $((nsall - 2)) ] ||
	fail "remainingItemCount $(py 'd["metadata"].get("remainingItemCount")' "$T/p.json"), want $((nsall - 2))"
: >"$T/names"
cont=""
pages=0
while :; do
	k8s_api "/api/v1/pods?limit=2${cont:+&continue=$cont}" >"$T/p.json"
	py '"\n".join(i["metadata"]["namespace"] + "/" + i["metadata"]["name"] for i in d["items"])' "$T/p.json" >>"$T/names"
	pages=$((pages + 1))
	cont=$(py 'd["metadata"].get("continue", "")' "$T/p.json")
	[ -n "$cont" ] || break
	[ "$pages" -lt 100 ] || fail "pagination never ends"
done
[ "$(sort -u "$T/names" | grep -c .)" = "$total" ] || fail "pages held $(sort -u "$T/names" | grep -c .) distinct pods, want $total"
[ "$(grep -c . "$T/names")" = "$total" ] || fail "pages repeated pods"
[ "$pages" = $(((total + 1) / 2)) ] || fail "$pages pages for $total pods"
ok "limit=2 + continue: $pages pages hold all $total pods once; remainingItemCount right"

TABLE="application/json;as=Table;v=v1;g=meta.k8s.io"
k8s_api "/api/v1/namespaces/$NS/pods" -H "Accept: $TABLE, application/json" -D "$T/h" >"$T/t.json"
grep -qi "^content-type: application/json;as=Table;v=v1;g=meta.k8s.io" "$T/h" || fail "Table content type: $(cat "$T/h")"
[ "$(py '[c["name"] for c in d["columnDefinitions"]]' "$T/t.json")" = \
	"['Name', 'Ready', 'Status', 'Restarts', 'Age', 'IP', 'Node', 'Nominated Node', 'Readiness Gates']" ] ||
	fail "columns: $(py '[c["name"] for c in d["columnDefinitions"]]' "$T/t.json")"
[ "$(py '[c["priority"] for c in d["columnDefinitions"]]' "$T/t.json")" = "[0, 0, 0, 0, 0, 1, 1, 1, 1]" ] ||
	fail "column priorities"
row=$(py '[r["cells"][:4] + [r["object"]["kind"]] for r in d["rows"] if r["cells"][0].startswith("vehicle-gateway") and r["cells"][2] != "Running"]' "$T/t.json")
case "$row" in
"[['vehicle-gateway-"*"', '0/1', 'CrashLoopBackOff', '7 ("*" ago)', 'PartialObjectMetadata']]") ;;
*) fail "CrashLoopBackOff row: $row" ;;
esac
ok "as=Table: the pod printer's columns, the recorded STATUS, \"7 (… ago)\" restarts, PartialObjectMetadata"

curl -sS -H "$auth" -H "Accept-Encoding: gzip" -D "$T/h" -o "$T/gz" "$K8S_URL/api/v1/pods"
grep -qi "^content-encoding: gzip" "$T/h" || fail "no gzip"
[ "$(gzip -dc "$T/gz" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["items"]))')" = "$total" ] ||
	fail "gzip body"
ok "gzip when asked"

# A watch from the list's resourceVersion sees an added pod while open.
rv=$(py 'd["metadata"]["resourceVersion"]' "$T/all.json")
curl -sS -N -H "$auth" "$K8S_URL/api/v1/namespaces/$NS/pods?watch=1&resourceVersion=$rv&timeoutSeconds=30&allowWatchBookmarks=true" \
	-D "$T/wh" >"$T/w.out" 2>&1 &
wpid=$!
sleep 0.5
k8s_ctl add '{"pod": {"metadata": {"name": "probe-pod", "namespace": "atlasmesh-prod"},
	"spec": {"containers": [{"name": "c", "image": "busybox"}], "nodeName": "node-a"},
	"status": {"phase": "Running", "containerStatuses": [{"name": "c", "ready": true, "restartCount": 0,
	"state": {"running": {"startedAt": "2025-01-01T00:00:00Z"}}, "image": "busybox", "imageID": ""}]}}}' >/dev/null
t0=$(date +%s%N)
until_ok 5 grep -q '"type":"ADDED".*"name":"probe-pod"' "$T/w.out" ||
	fail "no ADDED event: $(cat "$T/w.out")"
kill -0 "$wpid" 2>/dev/null || fail "the watch stream ended instead of pushing the event"
echo "# ADDED seen $((($(date +%s%N) - t0) / 1000000)) ms after the add returned (polled every 100 ms)"
grep -qi "^transfer-encoding: chunked" "$T/wh" || fail "watch not chunked"
ok "a watch gets ADDED pushed on its open chunked stream"

k8s_api "/api/v1/namespaces/$NS/pods/probe-pod" -X DELETE >/dev/null
until_ok 10 grep -q '"type":"DELETED".*"name":"probe-pod"' "$T/w.out" ||
	fail "no DELETED event: $(tail -3 "$T/w.out")"
grep '"type":"MODIFIED".*"name":"probe-pod"' "$T/w.out" | grep -q deletionTimestamp ||
	fail "no MODIFIED event with deletionTimestamp before DELETED"
ok "delete: MODIFIED with deletionTimestamp, then DELETED"
wait_until 6 "no BOOKMARK" grep -q '"type":"BOOKMARK"' "$T/w.out"
kill "$wpid" 2>/dev/null
ok "bookmarks with allowWatchBookmarks"

# After expire, resuming from the old resourceVersion: one ERROR event
# with a 410 Status, then the stream ends (HTTP 200, as a real server).
k8s_ctl expire >/dev/null
code=$(curl -sS -m 10 -H "$auth" -o "$T/g.out" -w '%{http_code}' \
	"$K8S_URL/api/v1/namespaces/$NS/pods?watch=true&resourceVersion=$rv") || fail "the 410 watch did not end"
[ "$code" = 200 ] || fail "410 watch: HTTP $code"
[ "$(grep -c . "$T/g.out")" = 1 ] || fail "410 watch sent: $(cat "$T/g.out")"
[ "$(py 'd["type"], d["object"]["kind"], d["object"]["code"], d["object"]["reason"]' "$T/g.out")" = \
	"('ERROR', 'Status', 410, 'Expired')" ] || fail "410 event: $(cat "$T/g.out")"
grep -q "too old resource version" "$T/g.out" || fail "410 message: $(cat "$T/g.out")"
ok "expire: a watch from an older resourceVersion gets an ERROR 410 event and ends"

# Faults, denied verbs, the request log.
k8s_ctl "mode?m=500" >/dev/null
code=$(curl -s -o "$T/r.json" -w '%{http_code}' -H "$auth" "$K8S_URL/api/v1/pods")
[ "$code" = 500 ] && [ "$(py 'd["reason"]' "$T/r.json")" = InternalError ] || fail "mode 500: $code"
k8s_ctl "mode?m=garbage" >/dev/null
code=$(curl -s -o "$T/r.json" -w '%{http_code}' -H "$auth" "$K8S_URL/api/v1/pods")
[ "$code" = 200 ] && ! python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$T/r.json" 2>/dev/null ||
	fail "mode garbage"
k8s_ctl "mode?m=hang" >/dev/null
code=$(curl -s -m 1 -o /dev/null -w '%{http_code}' -H "$auth" "$K8S_URL/api/v1/pods")
[ "$code" = 000 ] || fail "mode hang answered $code"
k8s_ctl "mode?m=ok" >/dev/null
k8s_ctl "deny?verb=delete&resource=pods" >/dev/null
code=$(curl -s -o "$T/r.json" -w '%{http_code}' -X DELETE -H "$auth" "$K8S_URL/api/v1/namespaces/$NS/pods/redis-0")
[ "$code" = 403 ] && [ "$(py 'd["reason"]' "$T/r.json")" = Forbidden ] || fail "denied delete: $code"
k8s_api "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews" -X POST -H "Content-Type: application/json" \
	-d '{"kind":"SelfSubjectAccessReview","apiVersion":"authorization.k8s.io/v1","spec":{"resourceAttributes":{"namespace":"atlasmesh-prod","verb":"delete","resource":"pods"}}}' >"$T/r.json"
[ "$(py 'd["status"]["allowed"]' "$T/r.json")" = False ] || fail "access review: $(cat "$T/r.json")"
k8s_requests >"$T/req.json"
[ "$(py '[(r["method"], r["user"]) for r in d if r["path"].endswith("/pods/redis-0")]' "$T/req.json")" = \
	"[('DELETE', '$K8S_USER')]" ] || fail "request log: $(cat "$T/req.json")"
ok "faults (500, garbage, hang), a denied verb (403, allowed:false) and the request log"

# TLS: a client certificate from the test CA authenticates as its CN.
if [ -z "$K8S_TLS_URL" ]; then
	echo "ok - skipped: TLS checks (no openssl)"
	k8s_stop
	exit 0
fi
code=$(curl -sS -o /dev/null -w '%{http_code}' --cacert "$K8S_CA" --cert "$K8S_CLIENT_CERT" --key "$K8S_CLIENT_KEY" \
	"$K8S_TLS_URL/api/v1/namespaces/$NS/pods?limit=1")
[ "$code" = 200 ] || fail "client certificate: HTTP $code"
[ "$(k8s_stats | python3 -c 'import json,sys; print(json.load(sys.stdin)["users"].get(sys.argv[1], 0))' "$K8S_CERT_USER")" -ge 1 ] ||
	fail "the certificate's CN was not the user"
code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$K8S_CA" "$K8S_TLS_URL/api/v1/pods")
[ "$code" = 401 ] || fail "TLS without credentials: HTTP $code"
code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$K8S_CA" -H "$auth" "$K8S_TLS_URL/api/v1/pods?limit=1")
[ "$code" = 200 ] || fail "TLS with the token: HTTP $code"
if curl -s -o /dev/null --cacert "$K8S_CA" --cert "$K8S_BAD_CERT" --key "$K8S_BAD_KEY" "$K8S_TLS_URL/api/v1/pods"; then
	fail "a certificate from another CA was accepted"
fi
ok "TLS: the test CA's client certificate is user $K8S_CERT_USER; no credentials 401; another CA's refused"
k8s_stop
