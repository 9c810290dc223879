/*
 * test_safety.c - unit tests of step safety (core/safety*.c): a table
 * of commands of every kind with the verdict each must get (changing,
 * destructive, interactive, target, reason), and the simple-command
 * splitter that lint shares.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/safety.h"
#include "lib/util.h"
#include "tests/unit/testhelp.h"

struct test_safety_case {
	enum step_kind kind;
	const char *cmd;
	int changing;
	int destructive;
	int interactive;
	const char *target; /* NULL: none expected */
	const char *why;    /* NULL: not checked */
};

static const struct test_safety_case test_safety_cases[] = {
	/* kubectl */
	{ STEP_SHELL, "kubectl get pods -n atlasmesh-prod", 0, 0, 0, NULL, NULL },
	{ STEP_SHELL, "kubectl describe pod <pod-name> -n atlasmesh-prod", 0, 0, 0, NULL, NULL },
	{ STEP_SHELL, "kubectl logs <pod-name> -n x --previous", 0, 0, 0, NULL, NULL },
	{ STEP_SHELL, "kubectl top pods -n x", 0, 0, 0, NULL, NULL },
	{ STEP_SHELL, "kubectl auth can-i get pods --as=system:serviceaccount:a:b", 0, 0, 0, NULL,
	  NULL },
	{ STEP_SHELL, "kubectl explain pods", 0, 0, 0, NULL, NULL },
	{ STEP_SHELL, "kubectl delete pod <pod-name> -n atlasmesh-prod", 1, 1, 0, "<pod-name>",
	  "kubectl delete" },
	{ STEP_SHELL, "kubectl -n x delete pod y", 1, 1, 0, "y", "kubectl delete" },
	{ STEP_SHELL, "kubectl --context prod -n x delete deployment/web", 1, 1, 0, "web", NULL },
	{ STEP_SHELL, "kubectl delete -f bad.yaml", 1, 1, 0, "bad.yaml", NULL },
	{ STEP_SHELL, "kubectl scale deployment x --replicas=5 -n y", 1, 0, 0, NULL,
	  "kubectl scale" },
	{ STEP_SHELL, "kubectl rollout restart deployment/coredns -n kube-system", 1, 0, 0, NULL,
	  "kubectl rollout restart" },
	{ STEP_SHELL, "kubectl rollout undo deployment/x", 1, 0, 0, NULL, NULL },
	{ STEP_SHELL, "kubectl rollout status deployment/x", 0, 0, 0, NULL, NULL },
	{ STEP_SHELL, "kubectl patch pvc data -p '{\"spec\":{}}'", 1, 0, 0, NULL, "kubectl patch" },
	{ STEP_SHELL, "kubectl apply -f x.yaml", 1, 0, 0, NULL, NULL },
	{ STEP_SHELL, "kubectl create token fleet-operator -n x --duration=24h", 1, 0, 0, NULL,
	  "kubectl create token" },
	{ STEP_SHELL, "kubectl drain node-1 --ignore-daemonsets", 1, 0, 0, NULL, NULL },
	{ STEP_SHELL, "kubectl cordon node-1", 1, 0, 0, NULL, NULL },
	{ STEP_SHELL, "kubectl label pod x a=b", 1, 0, 0, NULL, NULL },
	{ STEP_SHELL, "kubectl set image deployment/x c=img:2", 1, 0, 0, NULL, NULL },
	{ STEP_SHELL, "kubectl edit deployment x", 1, 0, 1, NULL, NULL },
	{ STEP_SHELL, "kubectl cp ./fix.sh x-0:/tmp/fix.sh", 1, 0, 0, NULL, NULL },
	{ STEP_SHELL, "kubectl cp x-0:/tmp/out.log ./out.log", 0, 0, 0, NULL, NULL },
	{ STEP_SHELL, "kubectl run t --image=busybox --rm -it -- nslookup x", 1, 0, 1, NULL,
	  "kubectl run" },
	{ STEP_SHELL, "kubectl exec -it kafka-0 -n p -- kafka-topics.sh --list", 0, 0, 1, NULL,
	  NULL },
	{ STEP_SHELL, "kubectl exec -ti kafka-0 -- ls", 0, 0, 1, NULL, NULL },
	{ STEP_SHELL, "kubectl exec -i -t kafka-0 -- ls", 0, 0, 1, NULL, NULL },
	{ STEP_SHELL, "kubectl exec --stdin --tty kafka-0 -- ls", 0, 0, 1, NULL, NULL },
	{ STEP_SHELL, "kubectl exec -i kafka-0 -- ls", 0, 0, 0, NULL, NULL },
	{ STEP_SHELL, "kubectl exec kafka-0 -- kafka-topics.sh --list", 0, 0, 0, NULL, NULL },
	/* helm */
	{ STEP_SHELL, "helm upgrade fleet ./chart", 1, 0, 0, NULL, "helm upgrade" },
	{ STEP_SHELL, "helm uninstall fleet", 1, 1, 0, "fleet", NULL },
	{ STEP_SHELL, "helm list -A", 0, 0, 0, NULL, NULL },
	/* redis */
	{ STEP_SHELL, "kubectl exec -it redis-0 -n p -- redis-cli FLUSHALL", 1, 1, 1, "redis-0",
	  "redis FLUSHALL" },
	{ STEP_SHELL, "redis-cli -h cache -n 2 flushdb", 1, 1, 0, "cache", "redis FLUSHDB" },
	{ STEP_SHELL, "kubectl exec redis-0 -- redis-cli DEL \"fleet:*\" \"vehicle:*\"", 1, 1, 0,
	  "fleet:*", "redis DEL" },
	{ STEP_SHELL, "redis-cli --scan --pattern 'fleet:*' | xargs -r redis-cli UNLINK", 1, 1, 0,
	  "fleet:*", "redis UNLINK" },
	{ STEP_SHELL, "redis-cli SET k v", 1, 0, 0, NULL, "redis SET" },
	{ STEP_SHELL, "redis-cli expire k 10", 1, 0, 0, NULL, NULL },
	{ STEP_SHELL, "redis-cli CONFIG SET maxmemory 2gb", 1, 0, 0, NULL, "redis CONFIG SET" },
	{ STEP_SHELL, "redis-cli CONFIG GET maxmemory", 0, 0, 0, NULL, NULL },
	{ STEP_SHELL, "redis-cli SHUTDOWN NOSAVE", 1, 0, 0, NULL, NULL },
	{ STEP_SHELL, "redis-cli info memory", 0, 0, 0, NULL, NULL },
	{ STEP_SHELL, "redis-cli --scan --pattern 'fleet:*'", 0, 0, 0, NULL, NULL },
	{ STEP_SHELL, "redis-cli -h cache", 0, 0, 1, NULL, NULL },
	{ STEP_SHELL, "redis-cli < cmds.txt", 0, 0, 0, NULL, NULL },
	{ STEP_REDIS, "INFO memory\nGET k", 0, 0, 0, NULL, NULL },
	{ STEP_REDIS, "# drop it\nFLUSHALL", 1, 1, 0, "FLUSHALL", "redis FLUSHALL" },
	{ STEP_REDIS, "del session:1", 1, 1, 0, "session:1", NULL },
	{ STEP_REDIS, "HSET h f v", 1, 0, 0, NULL, NULL },
	/* kafka */
	{ STEP_SHELL,
	  "kubectl exec -it kafka-0 -- kafka-consumer-groups.sh --bootstrap-server l:9092 "
	  "--group fleet-telemetry-group --reset-offsets --to-latest --topic t --execute",
	  1, 1, 1, "fleet-telemetry-group", NULL },
	{ STEP_SHELL,
	  "kafka-consumer-groups.sh --bootstrap-server l:9092 --group=g1 --reset-offsets "
	  "--to-earliest --all-topics",
	  0, 0, 0, NULL, NULL },
	{ STEP_SHELL, "kafka-consumer-groups --bootstrap-server l:9092 --group g --describe", 0, 0,
	  0, NULL, NULL },
	{ STEP_SHELL, "kafka-consumer-groups.sh --bootstrap-server l:9092 --delete --group g", 1, 1,
	  0, "g", NULL },
	{ STEP_SHELL, "kafka-topics.sh --bootstrap-server l:9092 --list", 0, 0, 0, NULL, NULL },
	{ STEP_SHELL, "kafka-topics.sh --bootstrap-server l:9092 --topic t --describe", 0, 0, 0,
	  NULL, NULL },
	{ STEP_SHELL, "kafka-topics.sh --bootstrap-server l:9092 --create --topic t", 1, 0, 0, NULL,
	  NULL },
	{ STEP_SHELL, "kafka-topics.sh --bootstrap-server l:9092 --delete --topic t", 1, 1, 0, "t",
	  NULL },
	{ STEP_SHELL, "kafka-topics --bootstrap-server l:9092 --alter --topic t --partitions 6", 1,
	  0, 0, NULL, NULL },
	{ STEP_SHELL,
	  "kafka-leader-election.sh --bootstrap-server l:9092 --election-type preferred", 1, 0, 0,
	  NULL, NULL },
	{ STEP_SHELL, "/opt/kafka/bin/kafka-preferred-replica-election.sh --bootstrap-server l", 1,
	  0, 0, NULL, NULL },
	{ STEP_SHELL, "kafka-reassign-partitions.sh --reassignment-json-file r.json --execute", 1,
	  0, 0, NULL, NULL },
	{ STEP_SHELL, "kafka-reassign-partitions.sh --reassignment-json-file r.json --verify", 0, 0,
	  0, NULL, NULL },
	/* PostgreSQL */
	{ STEP_SQL, "SELECT count(*) FROM pg_stat_activity WHERE state = 'active';", 0, 0, 0, NULL,
	  NULL },
	{ STEP_SQL, "-- Add missing indexes\nCREATE INDEX CONCURRENTLY i ON t (a);", 1, 0, 0, NULL,
	  "SQL CREATE" },
	{ STEP_SQL, "ANALYZE vehicle_telemetry;", 1, 0, 0, NULL, "SQL ANALYZE" },
	{ STEP_SQL, "VACUUM ANALYZE vehicle_telemetry;", 1, 0, 0, NULL, "SQL VACUUM" },
	{ STEP_SQL, "reindex table t;", 1, 0, 0, NULL, NULL },
	{ STEP_SQL, "SELECT 1; DROP TABLE IF EXISTS public.old_rows;", 1, 1, 0, "public.old_rows",
	  "SQL DROP" },
	{ STEP_SQL, "TRUNCATE TABLE ONLY events;", 1, 1, 0, "events", NULL },
	{ STEP_SQL, "DELETE FROM sessions WHERE expires < now();", 1, 1, 0, "sessions",
	  "SQL DELETE FROM" },
	{ STEP_SQL, "UPDATE vehicles SET status = 'x';", 1, 0, 0, NULL, NULL },
	{ STEP_SQL, "INSERT INTO t VALUES (1);", 1, 0, 0, NULL, NULL },
	{ STEP_SQL, "ALTER TABLE t ADD COLUMN c int;", 1, 0, 0, NULL, NULL },
	{ STEP_SQL, "GRANT SELECT ON t TO r;", 1, 0, 0, NULL, NULL },
	{ STEP_SQL, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity;", 1, 0, 0, NULL,
	  "pg_terminate_backend" },
	{ STEP_SQL, "select pg_cancel_backend(42);", 1, 0, 0, NULL, NULL },
	{ STEP_SQL, "SELECT 'DROP TABLE x; DELETE FROM y' AS text;", 0, 0, 0, NULL, NULL },
	{ STEP_SQL, "-- DROP TABLE x;\nSELECT 1;", 0, 0, 0, NULL, NULL },
	{ STEP_SQL, "WITH d AS (DELETE FROM t RETURNING *) SELECT count(*) FROM d;", 1, 1, 0, "t",
	  NULL },
	{ STEP_SQL, "EXPLAIN SELECT * FROM t;", 0, 0, 0, NULL, NULL },
	{ STEP_SQL, "EXPLAIN ANALYZE UPDATE t SET a = 1;", 1, 0, 0, NULL, NULL },
	{ STEP_SQL, "SELECT query, calls FROM pg_stat_statements ORDER BY calls DESC;", 0, 0, 0,
	  NULL, NULL },
	{ STEP_SHELL, "kubectl exec -it postgres-0 -- psql -U postgres -d db -c \"ANALYZE;\"", 1, 0,
	  1, NULL, "SQL ANALYZE" },
	{ STEP_SHELL, "psql -U postgres -d db -c \"REINDEX DATABASE db;\"", 1, 0, 0, NULL,
	  "SQL REINDEX" },
	{ STEP_SHELL,
	  "psql -d db -c \"\n  SELECT COUNT(*) FROM vehicles WHERE status = 'active';\"", 0, 0, 0,
	  NULL, NULL },
	{ STEP_SHELL, "psql --command='DROP DATABASE old'", 1, 1, 0, "old", NULL },
	{ STEP_SHELL, "psql -h db -U postgres -d atlasmesh_fleet", 0, 0, 1, NULL, NULL },
	{ STEP_SHELL, "psql -d db < fix.sql", 0, 0, 0, NULL, NULL },
	{ STEP_SHELL, "psql -d db -f fix.sql", 1, 0, 0, NULL, "psql -f" },
	{ STEP_SHELL, "psql -d db <<EOF\nDELETE FROM t;\nEOF", 1, 1, 0, "t", NULL },
	{ STEP_SHELL, "pg_restore -U postgres -d atlasmesh_fleet /backups/latest.dump", 1, 1, 0,
	  "atlasmesh_fleet", "pg_restore" },
	{ STEP_SHELL, "pg_restore --dbname=fleet x.dump", 1, 1, 0, "fleet", NULL },
	{ STEP_SHELL, "pg_dump -d db > out.sql", 0, 0, 0, NULL, NULL },
	{ STEP_SHELL, "pg_isready", 0, 0, 0, NULL, NULL },
	/* HTTP */
	{ STEP_SHELL, "curl http://x/health", 0, 0, 0, NULL, NULL },
	{ STEP_SHELL, "curl -H \"Authorization: Bearer $TOKEN\" http://x/validate", 0, 0, 0, NULL,
	  NULL },
	{ STEP_SHELL, "curl -X POST http://x/sync -H \"A: b\"", 1, 0, 0, NULL, "HTTP POST" },
	{ STEP_SHELL, "curl -XDELETE http://x/y", 1, 0, 0, NULL, "HTTP DELETE" },
	{ STEP_SHELL, "curl --request=PUT http://x/y", 1, 0, 0, NULL, "HTTP PUT" },
	{ STEP_SHELL, "curl -X GET http://x/y", 0, 0, 0, NULL, NULL },
	{ STEP_SHELL, "curl -sd '{}' http://x/y", 1, 0, 0, NULL, "HTTP POST" },
	{ STEP_SHELL, "curl --data-raw x http://x/y", 1, 0, 0, NULL, NULL },
	{ STEP_SHELL, "curl -F file=@a http://x/y", 1, 0, 0, NULL, NULL },
	{ STEP_SHELL, "curl -G -d q=1 http://x/search", 0, 0, 0, NULL, NULL },
	{ STEP_SHELL, "wget --post-data=x http://x/y", 1, 0, 0, NULL, NULL },
	{ STEP_SHELL, "wget -qO- http://x/y", 0, 0, 0, NULL, NULL },
	{ STEP_SHELL, "http POST http://x/y a=b", 1, 0, 0, NULL, NULL },
	/* files and services */
	{ STEP_SHELL, "kubectl exec -it p -- find /var/log -name \"*.log\" -mtime +7 -delete", 1, 1,
	  1, "/var/log", "find -delete" },
	{ STEP_SHELL, "find /tmp -name '*.tmp' -exec rm -f {} \\;", 1, 1, 0, "/tmp",
	  "find -exec rm" },
	{ STEP_SHELL, "find /var/log -name '*.log' -mtime +7", 0, 0, 0, NULL, NULL },
	{ STEP_SHELL, "rm -rf /data/cache", 1, 1, 0, "/data/cache", "rm -r" },
	{ STEP_SHELL, "rm /tmp/x", 1, 0, 0, NULL, "rm" },
	{ STEP_SHELL, "mv a b", 1, 0, 0, NULL, NULL },
	{ STEP_SHELL, "dd if=/dev/zero of=/x bs=1M count=1", 1, 0, 0, NULL, NULL },
	{ STEP_SHELL, "truncate -s 0 /var/log/x.log", 1, 0, 0, NULL, NULL },
	{ STEP_SHELL, "sudo systemctl restart kubelet", 1, 0, 0, NULL, "systemctl restart" },
	{ STEP_SHELL, "systemctl status kubelet", 0, 0, 0, NULL, NULL },
	{ STEP_SHELL, "docker rm -f c1", 1, 1, 0, "c1", NULL },
	{ STEP_SHELL, "docker ps -a", 0, 0, 0, NULL, NULL },
	{ STEP_SHELL, "grep -E \"(401|unauthorized)\" <log-file>", 0, 0, 0, NULL, NULL },
	{ STEP_SHELL, "echo 'kubectl delete pod x'", 0, 0, 0, NULL, NULL },
	{ STEP_SHELL, "# kubectl delete pod x\nkubectl get pods # then delete", 0, 0, 0, NULL,
	  NULL },
	{ STEP_SHELL, "echo $(kubectl delete pod x)", 1, 1, 0, "x", NULL },
	{ STEP_SHELL, "sh -c \"redis-cli FLUSHALL\"", 1, 1, 0, "sh", "redis FLUSHALL" },
	{ STEP_SHELL, "timeout 10 kubectl delete pod x", 1, 1, 0, "x", NULL },
	{ STEP_SHELL, "FOO=1 env BAR=2 kubectl delete pod x", 1, 1, 0, "x", NULL },
	{ STEP_SHELL, "watch kubectl get pods", 0, 0, 1, NULL, NULL },
	{ STEP_SHELL, "top", 0, 0, 1, NULL, NULL },
	{ STEP_SHELL, "kubectl logs x | less", 0, 0, 1, NULL, NULL },
	{ STEP_SHELL, "vi /etc/hosts", 0, 0, 1, NULL, NULL },
	{ STEP_SHELL, "if ! kubectl exec postgres-0 -- pg_isready; then echo no; fi", 0, 0, 0, NULL,
	  NULL },
	{ STEP_SHELL, "for s in a b; do curl -f http://$s/health; done", 0, 0, 0, NULL, NULL },
	{ STEP_SHELL,
	  "kubectl patch secret t --type='json' -p='[{\"v\":\"'$(echo -n $T | base64)'\"}]'", 1, 0,
	  0, NULL, "kubectl patch" },
	{ STEP_SHELL, "- Update system packages\n- Rotate logs", 0, 0, 0, NULL, NULL },
	/* other kinds */
	{ STEP_PROMQL, "rate(http_requests_total[5m])", 0, 0, 0, NULL, NULL },
	{ STEP_YAML, "resources:\n  limits:\n    cpu: 2", 0, 0, 0, NULL, NULL },
};

TEST(test_safety_table)
{
	size_t i;

	for (i = 0; i < sizeof(test_safety_cases) / sizeof(test_safety_cases[0]); i++) {
		const struct test_safety_case *c = &test_safety_cases[i];
		struct safety_verdict v;

		safety_classify(c->kind, c->cmd, &v);
		if (v.changing != c->changing || v.destructive != c->destructive ||
		    v.interactive != c->interactive || (c->target == NULL) != (v.target == NULL) ||
		    (c->target != NULL && strcmp(c->target, v.target) != 0) ||
		    (c->why != NULL && (v.why == NULL || strcmp(c->why, v.why) != 0)) ||
		    (v.changing && v.why == NULL) || (!v.changing && v.why != NULL)) {
			print_error("case %zu: %s\n  got changing=%d destructive=%d interactive=%d "
				    "target=%s why=%s\n",
				    i, c->cmd, v.changing, v.destructive, v.interactive,
				    v.target != NULL ? v.target : "(null)",
				    v.why != NULL ? v.why : "(null)");
			safety_verdict_free(&v);
			fail();
		}
		safety_verdict_free(&v);
	}
}

TEST(test_safety_fallback_target)
{
	struct safety_verdict v;

	/* FLUSHALL without a pod or host: the first word of the command */
	safety_classify(STEP_SHELL, "  redis-cli FLUSHALL", &v);
	assert_true(v.destructive);
	assert_string_equal(v.target, "redis-cli");
	safety_verdict_free(&v);
	safety_classify(STEP_SHELL, NULL, &v);
	assert_false(v.changing);
	safety_verdict_free(&v);
	safety_verdict_free(NULL);
}

struct test_safety_collect {
	struct strbuf out;
};

static void test_safety_collect_fn(const struct safety_simple *sc, void *arg)
{
	struct test_safety_collect *c = arg;
	size_t i;

	strbuf_putc(&c->out, '[');
	if (sc->piped_in)
		strbuf_puts(&c->out, "|");
	for (i = 0; i < sc->nwords; i++)
		strbuf_printf(&c->out, "%s%s", i ? " " : "", sc->words[i]);
	for (i = 0; i < sc->nredirs; i++)
		strbuf_printf(&c->out, " {%s}", sc->redirs[i]);
	if (sc->heredoc != NULL)
		strbuf_printf(&c->out, " <%s>", sc->heredoc);
	strbuf_putc(&c->out, ']');
}

TEST(test_safety_split)
{
	static const struct {
		const char *in;
		const char *out;
	} cases[] = {
		{ "a b  c", "[a b c]" },
		{ "a 'b c' \"d $e\" f\\ g", "[a b c d $e f g]" },
		{ "a | b && c; d || e & f", "[a][|b][c][d][e][f]" },
		{ "kubectl exec x -- \\\n  ls -l", "[kubectl exec x -- ls -l]" },
		{ "grep x <log-file> 2>&1 >/dev/null", "[grep x <log-file> {>&1} {>/dev/null}]" },
		{ "echo $(kubectl get pods | wc -l) done",
		  "[kubectl get pods][|wc -l][echo $(kubectl get pods | wc -l) done]" },
		{ "cat <<EOF | psql\nSELECT 1;\nEOF\nls",
		  "[cat {<<EOF} <SELECT 1;\n>][|psql][ls]" },
		{ "", "" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct test_safety_collect c = { { 0 } };

		safety_each_command(cases[i].in, test_safety_collect_fn, &c);
		assert_string_equal(c.out.buf != NULL ? c.out.buf : "", cases[i].out);
		strbuf_free(&c.out);
	}
}
