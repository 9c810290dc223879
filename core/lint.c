/*
 * lint.c - runbook lint (see lint.h, DESIGN.md "Runbook lint"): the
 * known pitfalls of the AtlasMesh guide, looked for in each step's text
 * with comments blanked and, for shell, word by word in each simple
 * command (safety_each_command): DEL given a glob, pg_stat_statements
 * columns renamed in PostgreSQL 13, pg_restore fed a plain .sql dump,
 * the removed kafka-preferred-replica-election.sh, FLUSHALL/FLUSHDB and
 * consumer offset resets without a confirmation note, a shell block
 * that is a checklist rather than commands, and a PromQL ratio of a
 * filtered rate over the same unfiltered rate with nothing aggregated
 * (each series meets only itself: always 1), and the $-references a
 * sql or promql step leaves alone ($1, '$HOME', $__interval). --lint prints what the
 * parser attached to every step. Pure functions, plus lint_files' I/O.
 */
#include "core/lint.h"

#include "core/safety.h"
#include "lib/util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

struct lint_ctx {
	struct step *st;
	int del_glob;
	int flush;
	int reset;
	int to_latest;
	int pg_restore_sql;
};

static void lint_add(struct step *st, char *msg)
{
	size_t i;

	for (i = 0; i < st->nwarnings; i++)
		if (strcmp(st->warnings[i], msg) == 0) {
			free(msg);
			return;
		}
	st->warnings = xrealloc(st->warnings, (st->nwarnings + 1) * sizeof(*st->warnings));
	st->warnings[st->nwarnings++] = msg;
}

static int lint_has_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

/* A redis command (words w[0..n)) from redis-cli or a redis step. */
static void lint_redis(struct lint_ctx *lx, char **w, size_t n)
{
	size_t i;

	if (n == 0)
		return;
	if (strcasecmp(w[0], "DEL") == 0 && !lx->del_glob) {
		for (i = 1; i < n; i++)
			if (lint_has_glob(w[i])) {
				lint_add(lx->st,
					 xasprintf("DEL does not expand patterns like \"%.60s\"; "
						   "use SCAN MATCH with UNLINK",
						   w[i]));
				lx->del_glob = 1;
				break;
			}
	}
	if ((strcasecmp(w[0], "FLUSHALL") == 0 || strcasecmp(w[0], "FLUSHDB") == 0) &&
	    !lx->st->confirm_note && !lx->flush) {
		lint_add(lx->st,
			 xasprintf("%s loses all keys; add a confirmation note "
				   "(<!-- amconsole: confirm -->)",
				   strcasecmp(w[0], "FLUSHALL") == 0 ? "FLUSHALL" : "FLUSHDB"));
		lx->flush = 1;
	}
}

static void lint_redis_cli(struct lint_ctx *lx, char **w, size_t n)
{
	size_t i = 0;

	/* Options and their values come before the redis command. */
	while (i < n && w[i][0] == '-' && w[i][1] != '\0')
		i += safety_redis_cli_takes_value(w[i]) ? 2 : 1;
	if (i < n)
		lint_redis(lx, w + i, n - i);
}

static const char *lint_base(const char *w)
{
	const char *b = strrchr(w, '/');

	return b != NULL ? b + 1 : w;
}

static void lint_on_command(const struct safety_simple *sc, void *arg)
{
	struct lint_ctx *lx = arg;
	char **w = sc->words;
	size_t n = sc->nwords;
	int reset = 0, execute = 0, latest = 0;
	size_t i, k;

	for (i = 0; i < n; i++) {
		const char *b = lint_base(w[i]);

		if (strcmp(b, "redis-cli") == 0 || strcmp(b, "valkey-cli") == 0)
			lint_redis_cli(lx, w + i + 1, n - i - 1);
		if (strcmp(b, "pg_restore") == 0 && !lx->pg_restore_sql) {
			for (k = i + 1; k < n; k++) {
				size_t len = strlen(w[k]);

				if (len > 4 && strcasecmp(w[k] + len - 4, ".sql") == 0)
					lx->pg_restore_sql = 1;
			}
			for (k = 0; k < sc->nredirs; k++) {
				size_t len = strlen(sc->redirs[k]);

				if (sc->redirs[k][0] == '<' && len > 4 &&
				    strcasecmp(sc->redirs[k] + len - 4, ".sql") == 0)
					lx->pg_restore_sql = 1;
			}
			if (lx->pg_restore_sql)
				lint_add(lx->st, xstrdup("pg_restore cannot read a plain SQL dump; "
							 "use psql -f"));
		}
		if (strcmp(w[i], "--reset-offsets") == 0)
			reset = 1;
		if (strcmp(w[i], "--execute") == 0)
			execute = 1;
		if (strcmp(w[i], "--to-latest") == 0)
			latest = 1;
	}
	if (reset && execute && !lx->st->confirm_note && !lx->reset) {
		lint_add(lx->st, xstrdup("--reset-offsets --execute moves the group's committed "
					 "offsets and can lose data; add a confirmation note "
					 "(<!-- amconsole: confirm -->)"));
		if (latest)
			lint_add(lx->st, xstrdup("--to-latest skips every unconsumed message"));
		lx->reset = 1;
	}
}

static void lint_on_redis(const struct safety_simple *sc, void *arg)
{
	lint_redis(arg, sc->words, sc->nwords);
}

/* word occurs in s as a whole identifier ([A-Za-z0-9_] boundaries). */
static int lint_word(const char *s, const char *word)
{
	size_t m = strlen(word);
	const char *p = s;

	while ((p = strstr(p, word)) != NULL) {
		int before = p > s && (isalnum((unsigned char)p[-1]) || p[-1] == '_');
		int after = isalnum((unsigned char)p[m]) || p[m] == '_';

		if (!before && !after)
			return 1;
		p += m;
	}
	return 0;
}

static void lint_pg_stat_statements(struct step *st, const char *text)
{
	static const char *const cols[] = {
		"total_time", "mean_time", "min_time", "max_time", "stddev_time", NULL,
	};
	struct strbuf old = { 0 }, renamed = { 0 };
	size_t i;

	if (!lint_word(text, "pg_stat_statements"))
		return;
	for (i = 0; cols[i] != NULL; i++) {
		size_t len = strlen(cols[i]);

		if (!lint_word(text, cols[i]))
			continue;
		if (old.len > 0) {
			strbuf_puts(&old, ", ");
			strbuf_puts(&renamed, ", ");
		}
		strbuf_puts(&old, cols[i]);
		strbuf_append(&renamed, cols[i], len - 5);
		strbuf_puts(&renamed, "_exec_time");
	}
	if (old.len > 0)
		lint_add(st, xasprintf("pg_stat_statements %s: renamed %s in PostgreSQL 13",
				       old.buf, renamed.buf));
	strbuf_free(&old);
	strbuf_free(&renamed);
}

static void lint_preferred_election(struct step *st, const char *text)
{
	const char *name = "kafka-preferred-replica-election";
	const char *p = text;

	while ((p = strstr(p, name)) != NULL) {
		if (p == text || !(isalnum((unsigned char)p[-1]) || p[-1] == '_' || p[-1] == '-')) {
			lint_add(st, xstrdup("kafka-preferred-replica-election.sh was removed in "
					     "Kafka 3.0; use kafka-leader-election.sh "
					     "--election-type preferred"));
			return;
		}
		p += strlen(name);
	}
}

/* In [p, end): the metric inside the first rate(, irate( or increase(;
 * its name into name, and whether a {selector} follows. 0 if none. */
static int lint_rate_metric(const char *p, const char *end, char *name, size_t namelen,
			    int *selector)
{
	static const char *const fns[] = { "irate(", "rate(", "increase(", NULL };
	const char *best = NULL;
	size_t i, n = 0;

	for (i = 0; fns[i] != NULL; i++) {
		const char *q = p;
		size_t l = strlen(fns[i]);

		while (q + l <= end && strncmp(q, fns[i], l) != 0)
			q++;
		if (q + l <= end && (best == NULL || q < best))
			best = q + l;
	}
	if (best == NULL)
		return 0;
	while (best < end && *best == ' ')
		best++;
	while (best + n < end &&
	       (isalnum((unsigned char)best[n]) || best[n] == '_' || best[n] == ':'))
		n++;
	if (n == 0 || n >= namelen)
		return 0;
	memcpy(name, best, n);
	name[n] = '\0';
	*selector = best + n < end && best[n] == '{';
	return 1;
}

/* rate(M{status=~"5.."}[5m]) / rate(M[5m]), with no aggregation and no
 * on()/ignoring(): one-to-one vector matching pairs series with the same
 * labels, so each 5xx series is divided by itself and the "error rate"
 * is 1 whenever any request fails (the guide's own Application Metrics
 * query sums by service first). One line at a time; PromQL steps and the
 * expr: of alert rules. */
static void lint_promql_ratio(struct step *st, const char *text)
{
	static const char *const agg[] = { "sum", "avg",     "min", "max",      "count",
					   "by",  "without", "on",  "ignoring", NULL };
	const char *p = text;

	while (*p != '\0') {
		const char *eol = p + strcspn(p, "\n");
		const char *slash = memchr(p, '/', (size_t)(eol - p));
		char line[512], lname[128], rname[128];
		int lsel, rsel, skip = 0;
		size_t i;

		snprintf(line, sizeof line, "%.*s", (int)(eol - p), p);
		for (i = 0; agg[i] != NULL && !skip; i++)
			skip = lint_word(line, agg[i]);
		if (!skip && slash != NULL &&
		    lint_rate_metric(p, slash, lname, sizeof lname, &lsel) &&
		    lint_rate_metric(slash + 1, eol, rname, sizeof rname, &rsel) &&
		    strcmp(lname, rname) == 0 && lsel && !rsel) {
			lint_add(st, xasprintf("%s{…} / %s divides each selected series by itself "
					       "(same labels), so the result is 1 wherever one "
					       "exists; aggregate both sides: sum by (service) "
					       "(rate(…)) / sum by (service) (rate(…))",
					       lname, rname));
			return;
		}
		p = *eol != '\0' ? eol + 1 : eol;
	}
}

static void lint_checklist(struct step *st)
{
	const char *p = st->command;
	int lines = 0;

	while (*p != '\0') {
		const char *nl = strchr(p, '\n');
		size_t n = nl != NULL ? (size_t)(nl - p) : strlen(p);
		size_t i = 0;

		while (i < n && (p[i] == ' ' || p[i] == '\t'))
			i++;
		if (i < n) {
			if (!(i + 1 < n && (p[i] == '-' || p[i] == '*') && p[i + 1] == ' '))
				return;
			lines++;
		}
		p += n;
		if (*p == '\n')
			p++;
	}
	if (lines > 0)
		lint_add(st, xstrdup("looks like a checklist, not commands; write it as prose "
				     "or as real commands"));
}

/* The $-references a sql or promql step's rules leave alone, and why:
 * the author sees that $1 or '$HOME' will not be asked for. */
static void lint_left_alone(struct step *st)
{
	char *notes[8];
	size_t n = runbook_left_alone(st->kind, st->command, notes, 8), i;

	for (i = 0; i < n; i++)
		lint_add(st, notes[i]);
}

void lint_step(struct step *st)
{
	struct lint_ctx lx;
	char *text;

	memset(&lx, 0, sizeof(lx));
	lx.st = st;
	if (st->command == NULL)
		return;
	lint_left_alone(st);
	text = runbook_strip_comments(st->kind, st->command);
	switch (st->kind) {
	case STEP_SHELL:
		safety_each_command(text, lint_on_command, &lx);
		lint_pg_stat_statements(st, text);
		lint_preferred_election(st, text);
		lint_checklist(st);
		break;
	case STEP_SQL:
		lint_pg_stat_statements(st, text);
		break;
	case STEP_REDIS:
		safety_each_command(text, lint_on_redis, &lx);
		break;
	case STEP_PROMQL:
	case STEP_YAML:
		lint_promql_ratio(st, text);
		break;
	}
	free(text);
}

/* Print s with control characters (C0, DEL, C1) shown as '?': the text
 * comes from the file and goes to a terminal. */
static void lint_put_clean(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f) {
			fputc('?', f);
		} else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			fputc('?', f);
			p++;
		} else {
			fputc(*p, f);
		}
	}
}

int lint_files(char *const *files, int nfiles, FILE *out, FILE *err)
{
	int rc = 0;
	int i;

	for (i = 0; i < nfiles; i++) {
		struct runbook_set set = { 0 };
		char msg[1024];
		size_t e, s, w;

		if (runbook_load_file(&set, files[i], msg, sizeof(msg)) != 0) {
			fputs("amconsole: ", err);
			lint_put_clean(err, msg);
			fputc('\n', err);
			rc = 2;
			continue;
		}
		for (e = 0; e < set.ncuts; e++) {
			lint_put_clean(out, set.cuts[e].file);
			fprintf(out, ":%d: warning: ", set.cuts[e].line);
			lint_put_clean(out, set.cuts[e].what);
			fputc('\n', out);
			rc = rc == 0 ? 1 : rc;
		}
		for (e = 0; e < set.nentries; e++) {
			const struct runbook_entry *en = &set.entries[e];

			for (s = 0; s < en->nsteps; s++) {
				const struct step *st = &en->steps[s];

				for (w = 0; w < st->nwarnings; w++) {
					lint_put_clean(out, files[i]);
					fprintf(out, ":%d: warning: ", st->line);
					lint_put_clean(out, st->warnings[w]);
					fputc('\n', out);
					if (rc == 0)
						rc = 1;
				}
			}
		}
		runbook_set_free(&set);
	}
	fflush(out);
	return rc;
}
