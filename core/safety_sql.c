/*
 * safety_sql.c - the SQL judge of step safety (see safety.h): each
 * statement by its first keyword and the server functions that act
 * (pg_terminate_backend ...), over text already scanned by the runbook
 * scanner so that quotes and comments are not read as code; and psql,
 * whose -c text, -f input or here-document is such SQL. Pure functions,
 * any thread.
 */
#include "core/safety.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/runbook.h"
#include "core/safety_int.h"
#include "lib/util.h"

void safety_psql(struct safety_ctx *cx, char **w, size_t n, int stdin_fed, const char *heredoc)
{
	static const char *const valued[] = {
		"-d",     "-h",         "-p",         "-U",     "-v",       "--set",      "-P",
		"-o",     "-L",         "-T",         "-F",     "-R",       "--dbname",   "--host",
		"--port", "--username", "--variable", "--pset", "--output", "--log-file", NULL,
	};
	int acted = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		const char *a = w[i];

		if (strcmp(a, "-c") == 0 || strcmp(a, "--command") == 0) {
			if (i + 1 < n)
				safety_sql(cx, w[++i]);
			acted = 1;
		} else if (strncmp(a, "--command=", 10) == 0) {
			safety_sql(cx, a + 10);
			acted = 1;
		} else if (strncmp(a, "-c", 2) == 0 && a[2] != '\0') {
			safety_sql(cx, a + 2);
			acted = 1;
		} else if (strcmp(a, "-f") == 0 || strcmp(a, "--file") == 0 ||
			   strncmp(a, "--file=", 7) == 0 ||
			   (strncmp(a, "-f", 2) == 0 && a[2] != '\0')) {
			safety_mark(cx, 0, "psql -f", NULL);
			acted = 1;
			if (strcmp(a, "-f") == 0 || strcmp(a, "--file") == 0)
				i++;
		} else if (strcmp(a, "-l") == 0 || strcmp(a, "--list") == 0 ||
			   strcmp(a, "-V") == 0 || strcmp(a, "--version") == 0 ||
			   strcmp(a, "--help") == 0) {
			acted = 1;
		} else if (safety_in(a, valued)) {
			i++;
		}
	}
	if (heredoc != NULL) {
		safety_sql(cx, heredoc);
		acted = 1;
	}
	if (!acted && !stdin_fed)
		cx->v->interactive = 1;
}

/* ------------------------------------------------------------------ */
/* SQL                                                                 */

struct safety_tok {
	const char *s;
	size_t n;
};

static int safety_tok_is(const struct safety_tok *t, const char *w)
{
	return strlen(w) == t->n && strncasecmp(t->s, w, t->n) == 0;
}

static int safety_tok_in(const struct safety_tok *t, const char *const *list)
{
	size_t i;

	for (i = 0; list[i] != NULL; i++)
		if (safety_tok_is(t, list[i]))
			return 1;
	return 0;
}

static void safety_sql_stmt(struct safety_ctx *cx, const char *s, const unsigned char *ctx,
			    size_t n)
{
	static const char *const changing[] = {
		"VACUUM",  "REINDEX",  "CREATE",   "ANALYZE",    "ANALYSE", "ALTER",
		"UPDATE",  "INSERT",   "GRANT",    "REVOKE",     "CLUSTER", "REFRESH",
		"COMMENT", "SECURITY", "LOCK",     "MERGE",      "CALL",    "DO",
		"IMPORT",  "LOAD",     "REASSIGN", "CHECKPOINT", NULL,
	};
	static const char *const dml[] = { "INSERT", "UPDATE", "DELETE", "MERGE", NULL };
	static const char *const skip_drop[] = {
		"TABLE",        "INDEX",     "DATABASE",  "SCHEMA",      "VIEW",
		"MATERIALIZED", "SEQUENCE",  "FUNCTION",  "ROLE",        "USER",
		"EXTENSION",    "TYPE",      "TRIGGER",   "IF",          "EXISTS",
		"CONCURRENTLY", "POLICY",    "RULE",      "PUBLICATION", "SUBSCRIPTION",
		"TABLESPACE",   "OWNED",     "BY",        "FOREIGN",     "SERVER",
		"DOMAIN",       "COLLATION", "AGGREGATE", "OPERATOR",    "PROCEDURE",
		"GROUP",        "CAST",      "LANGUAGE",  "STATISTICS",  "EVENT",
		"ONLY",         "FROM",      NULL,
	};
	struct safety_tok toks[32];
	size_t nt = 0, i = 0, k;
	char why[64], target[128];

	while (i < n && nt < 32) {
		size_t st = i;

		if (ctx[i] == RB_CODE && (isalnum((unsigned char)s[i]) || s[i] == '_')) {
			while (i < n && ctx[i] == RB_CODE &&
			       (isalnum((unsigned char)s[i]) || strchr("_.$", s[i]) != NULL))
				i++;
			toks[nt].s = s + st;
			toks[nt++].n = i - st;
		} else if (ctx[i] == RB_DQ) {
			while (i < n && ctx[i] == RB_DQ)
				i++;
			while (i < n && ctx[i] == RB_CODE && s[i] == '.' && i + 1 < n &&
			       (isalnum((unsigned char)s[i + 1]) || s[i + 1] == '_' ||
				ctx[i + 1] == RB_DQ)) {
				i++;
				while (i < n && (ctx[i] == RB_DQ ||
						 (ctx[i] == RB_CODE &&
						  (isalnum((unsigned char)s[i]) || s[i] == '_'))))
					i++;
			}
			toks[nt].s = s + st;
			toks[nt++].n = i - st;
		} else {
			i++;
		}
	}
	if (nt == 0)
		return;
	k = 0;
	if (safety_tok_is(&toks[0], "EXPLAIN")) {
		int analyze = 0;

		for (k = 1; k < nt && k < 4; k++)
			if (safety_tok_is(&toks[k], "ANALYZE") ||
			    safety_tok_is(&toks[k], "ANALYSE"))
				analyze = 1;
		if (!analyze)
			return;
		for (k = 1;
		     k < nt && !safety_tok_in(&toks[k], dml) &&
		     !safety_tok_is(&toks[k], "CREATE") && !safety_tok_is(&toks[k], "SELECT");
		     k++)
			;
		if (k >= nt)
			return;
	}
	if (safety_tok_is(&toks[k], "WITH")) {
		for (k = k + 1; k < nt && !safety_tok_in(&toks[k], dml); k++)
			;
		if (k >= nt)
			return;
	}
	snprintf(why, sizeof(why), "SQL %.*s", (int)(toks[k].n > 20 ? 20 : toks[k].n), toks[k].s);
	for (i = 4; why[i] != '\0'; i++)
		why[i] = (char)toupper((unsigned char)why[i]);
	if (safety_tok_is(&toks[k], "DROP") || safety_tok_is(&toks[k], "TRUNCATE") ||
	    safety_tok_is(&toks[k], "DELETE")) {
		size_t j = k + 1;

		while (j < nt && safety_tok_in(&toks[j], skip_drop))
			j++;
		target[0] = '\0';
		if (j < nt)
			snprintf(target, sizeof(target), "%.*s",
				 (int)(toks[j].n > 120 ? 120 : toks[j].n), toks[j].s);
		if (safety_tok_is(&toks[k], "DELETE"))
			snprintf(why, sizeof(why), "SQL DELETE FROM");
		safety_mark(cx, 1, why, target);
	} else if (safety_tok_in(&toks[k], changing)) {
		safety_mark(cx, 0, why, NULL);
	} else if (safety_tok_is(&toks[k], "COPY")) {
		for (i = k + 1; i < nt; i++)
			if (safety_tok_is(&toks[i], "FROM")) {
				safety_mark(cx, 0, "SQL COPY FROM", NULL);
				break;
			}
	}
}

void safety_sql(struct safety_ctx *cx, const char *sql)
{
	static const char *const funcs[] = {
		"pg_cancel_backend",
		"pg_terminate_backend",
		"pg_reload_conf",
		"pg_rotate_logfile",
		"pg_stat_reset",
		"pg_stat_reset_shared",
		"pg_stat_statements_reset",
		"setval",
		"pg_drop_replication_slot",
		"pg_switch_wal",
		"pg_promote",
		"pg_create_restore_point",
		"lo_unlink",
		NULL,
	};
	size_t n = strlen(sql);
	unsigned char *ctx = runbook_scan(STEP_SQL, sql, n);
	size_t i = 0, start = 0;

	while (i < n) {
		if (ctx[i] == RB_CODE && (isalpha((unsigned char)sql[i]) || sql[i] == '_') &&
		    (i == 0 || !(isalnum((unsigned char)sql[i - 1]) || sql[i - 1] == '_'))) {
			size_t s = i;
			size_t f;

			while (i < n && (isalnum((unsigned char)sql[i]) || sql[i] == '_'))
				i++;
			for (f = 0; funcs[f] != NULL; f++)
				if (strlen(funcs[f]) == i - s &&
				    strncasecmp(sql + s, funcs[f], i - s) == 0)
					safety_mark(cx, 0, funcs[f], NULL);
			continue;
		}
		i++;
	}
	for (i = 0; i <= n; i++) {
		if (i == n || (sql[i] == ';' && ctx[i] == RB_CODE)) {
			safety_sql_stmt(cx, sql + start, ctx + start, i - start);
			start = i + 1;
		}
	}
	free(ctx);
}
