/*
 * safety.c - step safety (see safety.h, DESIGN.md "Step safety"): shell
 * text is split into simple commands the way a shell would (quotes
 * removed, continuations joined, $(...) and here-documents followed,
 * comments already blanked by the runbook scanner), and each command is
 * judged by its program and arguments: kubectl verbs after any global
 * flags, helm, redis-cli commands, Kafka's admin scripts, psql -c text,
 * pg_restore, HTTP clients with a writing method, find -delete, rm and
 * friends. Wrappers (sudo, env, timeout, xargs, watch), kubectl exec/run
 * "-- cmd", docker exec, ssh and sh -c are looked through. SQL is judged
 * by each statement's first keyword and by the server functions that
 * act (pg_terminate_backend ...); redis steps by their command words.
 * When in doubt a command counts as changing. Pure functions.
 */
#include "core/safety.h"

#include "lib/util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SAFETY_MAX_DEPTH 8

struct safety_ctx {
	struct safety_verdict *v;
	int depth;
	const char *pod; /* the pod of a surrounding kubectl exec */
	char *pattern;   /* the last redis-cli --pattern seen */
};

static void safety_words(struct safety_ctx *cx, char **w, size_t n, int stdin_fed);
static void safety_shell(struct safety_ctx *cx, const char *text);
static void safety_sql(struct safety_ctx *cx, const char *sql);

/* ------------------------------------------------------------------ */
/* Splitting shell text into simple commands                           */

struct safety_split {
	void (*fn)(const struct safety_simple *sc, void *arg);
	void *arg;
	int depth;
	struct safety_simple sc;
	struct strbuf word;
	int inword;
	char redir[4];      /* operator waiting for its target word */
	struct strbuf body; /* the current command's last here-document */
	int hd_pending;     /* bodies to skip at the end of this line */
	size_t hd_line_end; /* the newline after which the bodies start */
	size_t hd_resume;   /* the newline ending the last delimiter line */
};

static void safety_split_text(const char *t, size_t n,
			      void (*fn)(const struct safety_simple *, void *), void *arg,
			      int depth);

static void safety_push(char ***arr, size_t *n, char *s)
{
	*arr = xrealloc(*arr, (*n + 1) * sizeof(**arr));
	(*arr)[(*n)++] = s;
}

static void safety_end_word(struct safety_split *sp)
{
	char *w;

	if (!sp->inword)
		return;
	w = strbuf_detach(&sp->word);
	if (sp->redir[0] != '\0') {
		char *r = xasprintf("%s%s", sp->redir, w);

		free(w);
		safety_push(&sp->sc.redirs, &sp->sc.nredirs, r);
		sp->redir[0] = '\0';
	} else {
		safety_push(&sp->sc.words, &sp->sc.nwords, w);
	}
	sp->inword = 0;
}

static void safety_end_cmd(struct safety_split *sp)
{
	size_t i;

	safety_end_word(sp);
	sp->redir[0] = '\0';
	if (sp->sc.nwords > 0 || sp->sc.nredirs > 0) {
		sp->sc.heredoc = sp->body.buf;
		sp->fn(&sp->sc, sp->arg);
	}
	for (i = 0; i < sp->sc.nwords; i++)
		free(sp->sc.words[i]);
	for (i = 0; i < sp->sc.nredirs; i++)
		free(sp->sc.redirs[i]);
	free(sp->sc.words);
	free(sp->sc.redirs);
	memset(&sp->sc, 0, sizeof(sp->sc));
	strbuf_free(&sp->body);
}

/* Index of the ')' closing the '(' at t[open], or n. */
static size_t safety_close_paren(const char *t, size_t n, size_t open)
{
	int depth = 0;
	size_t j;

	for (j = open; j < n; j++) {
		char c = t[j];

		if (c == '\\') {
			j++;
		} else if (c == '\'' || c == '"') {
			size_t k = j + 1;

			while (k < n && t[k] != c) {
				if (c == '"' && t[k] == '\\')
					k++;
				k++;
			}
			j = k;
		} else if (c == '(') {
			depth++;
		} else if (c == ')' && --depth == 0) {
			return j;
		}
	}
	return n;
}

/* A nested $(...) or `...` at t[s..e): report its commands, keep its
 * raw text in the current word. */
static void safety_nested(struct safety_split *sp, const char *t, size_t s, size_t e, size_t raw_s,
			  size_t raw_e)
{
	if (sp->depth < SAFETY_MAX_DEPTH && e > s)
		safety_split_text(t + s, e - s, sp->fn, sp->arg, sp->depth + 1);
	strbuf_append(&sp->word, t + raw_s, raw_e - raw_s);
	sp->inword = 1;
}

/* The here-document operator at t[i] ("<<" or "<<-"): reads its body
 * (the lines after the current one, up to the delimiter) into the current
 * command and returns the index after the delimiter word. */
static size_t safety_heredoc_op(struct safety_split *sp, const char *t, size_t n, size_t i)
{
	size_t j = i + 2, k;
	struct strbuf d = { 0 };
	int strip = 0;

	if (j < n && t[j] == '-') {
		strip = 1;
		j++;
	}
	while (j < n && (t[j] == ' ' || t[j] == '\t'))
		j++;
	while (j < n && !isspace((unsigned char)t[j]) && strchr(";&|()<>", t[j]) == NULL) {
		if (t[j] != '\'' && t[j] != '"' && t[j] != '\\')
			strbuf_putc(&d, t[j]);
		j++;
	}
	if (d.len == 0) {
		strbuf_free(&d);
		return j;
	}
	safety_push(&sp->sc.redirs, &sp->sc.nredirs, xasprintf("<<%s", d.buf));
	if (!sp->hd_pending) {
		const char *nl = memchr(t + j, '\n', n - j);

		sp->hd_line_end = nl != NULL ? (size_t)(nl - t) : n;
		sp->hd_resume = sp->hd_line_end;
		sp->hd_pending = 1;
	}
	strbuf_reset(&sp->body);
	k = sp->hd_resume < n ? sp->hd_resume + 1 : n;
	while (k < n) {
		size_t eol = k, s = k;

		while (eol < n && t[eol] != '\n')
			eol++;
		if (strip)
			while (s < eol && t[s] == '\t')
				s++;
		if (eol - s == d.len && memcmp(t + s, d.buf, d.len) == 0) {
			k = eol;
			break;
		}
		strbuf_append(&sp->body, t + s, eol - s);
		strbuf_putc(&sp->body, '\n');
		k = eol < n ? eol + 1 : n;
	}
	sp->hd_resume = k;
	strbuf_free(&d);
	return j;
}

static void safety_split_text(const char *t, size_t n,
			      void (*fn)(const struct safety_simple *, void *), void *arg,
			      int depth)
{
	struct safety_split sp;
	size_t i = 0;

	memset(&sp, 0, sizeof(sp));
	sp.fn = fn;
	sp.arg = arg;
	sp.depth = depth;
	while (i < n) {
		char c = t[i];
		char nx = i + 1 < n ? t[i + 1] : '\0';

		if (c == '\\') {
			if (nx != '\n' && i + 1 < n) {
				strbuf_putc(&sp.word, nx);
				sp.inword = 1;
			}
			i += 2;
		} else if (c == '\'') {
			size_t j = i + 1;

			while (j < n && t[j] != '\'')
				j++;
			strbuf_append(&sp.word, t + i + 1, j - i - 1);
			sp.inword = 1;
			i = j < n ? j + 1 : n;
		} else if (c == '"') {
			size_t j = i + 1;

			while (j < n && t[j] != '"') {
				if (t[j] == '\\' && j + 1 < n &&
				    strchr("\"\\$`\n", t[j + 1]) != NULL) {
					if (t[j + 1] != '\n')
						strbuf_putc(&sp.word, t[j + 1]);
					j += 2;
				} else if (t[j] == '$' && j + 1 < n && t[j + 1] == '(') {
					size_t k = safety_close_paren(t, n, j + 1);

					safety_nested(&sp, t, j + 2, k, j, k < n ? k + 1 : n);
					j = k < n ? k + 1 : n;
				} else if (t[j] == '`') {
					size_t k = j + 1;

					while (k < n && t[k] != '`')
						k++;
					safety_nested(&sp, t, j + 1, k, j, k < n ? k + 1 : n);
					j = k < n ? k + 1 : n;
				} else {
					strbuf_putc(&sp.word, t[j++]);
				}
			}
			sp.inword = 1;
			i = j < n ? j + 1 : n;
		} else if (c == '$' && nx == '(') {
			size_t k = safety_close_paren(t, n, i + 1);

			safety_nested(&sp, t, i + 2, k, i, k < n ? k + 1 : n);
			i = k < n ? k + 1 : n;
		} else if (c == '`') {
			size_t k = i + 1;

			while (k < n && t[k] != '`')
				k++;
			safety_nested(&sp, t, i + 1, k, i, k < n ? k + 1 : n);
			i = k < n ? k + 1 : n;
		} else if (c == ' ' || c == '\t' || c == '\r') {
			safety_end_word(&sp);
			i++;
		} else if (c == '\n') {
			safety_end_word(&sp);
			if (sp.hd_pending && i == sp.hd_line_end)
				i = sp.hd_resume;
			sp.hd_pending = 0;
			i++;
			safety_end_cmd(&sp);
		} else if (c == '<' && runbook_placeholder_len(t, n, i) > 0) {
			size_t len = runbook_placeholder_len(t, n, i);

			strbuf_append(&sp.word, t + i, len);
			sp.inword = 1;
			i += len;
		} else if ((c == '&' && nx == '>') || c == '<' || c == '>') {
			size_t j = i;
			int fd = sp.inword && sp.word.len > 0 &&
				 strspn(sp.word.buf, "0123456789") == sp.word.len;

			if (fd) {
				strbuf_reset(&sp.word);
				sp.inword = 0;
			} else {
				safety_end_word(&sp);
			}
			if (c == '<' && nx == '<' && (i + 2 >= n || t[i + 2] != '<')) {
				i = safety_heredoc_op(&sp, t, n, i);
				continue;
			}
			while (j < n && j - i < 3 && strchr("<>&|", t[j]) != NULL)
				j++;
			memcpy(sp.redir, t + i, j - i);
			sp.redir[j - i] = '\0';
			i = j;
		} else if (strchr(";&|()", c) != NULL) {
			int piped = c == '|' && nx != '|';

			safety_end_cmd(&sp);
			i++;
			if ((c == '&' || c == '|' || c == ';') && nx == c)
				i++;
			else if (c == '|' && nx == '&')
				i++;
			sp.sc.piped_in = piped;
		} else {
			strbuf_putc(&sp.word, c);
			sp.inword = 1;
			i++;
		}
	}
	safety_end_cmd(&sp);
	strbuf_free(&sp.word);
	strbuf_free(&sp.body);
}

void safety_each_command(const char *text, void (*fn)(const struct safety_simple *sc, void *arg),
			 void *arg)
{
	safety_split_text(text, strlen(text), fn, arg, 0);
}

/* ------------------------------------------------------------------ */
/* Verdicts                                                            */

static void safety_mark(struct safety_ctx *cx, int destructive, const char *why, const char *target)
{
	struct safety_verdict *v = cx->v;

	v->changing = 1;
	if (destructive && !v->destructive) {
		v->destructive = 1;
		free(v->why);
		v->why = xstrdup(why);
		if (target != NULL && *target != '\0') {
			free(v->target);
			v->target = xstrdup(target);
		}
	} else if (v->why == NULL) {
		v->why = xstrdup(why);
	}
}

static int safety_in(const char *w, const char *const *list)
{
	size_t i;

	for (i = 0; list[i] != NULL; i++)
		if (strcmp(w, list[i]) == 0)
			return 1;
	return 0;
}

static int safety_in_case(const char *w, const char *const *list)
{
	size_t i;

	for (i = 0; list[i] != NULL; i++)
		if (strcasecmp(w, list[i]) == 0)
			return 1;
	return 0;
}

/* The program name: basename, without ".sh". */
static void safety_prog(const char *w, char *out, size_t outlen)
{
	const char *b = strrchr(w, '/');
	size_t n;

	b = b != NULL ? b + 1 : w;
	n = strlen(b);
	if (n > 3 && strcmp(b + n - 3, ".sh") == 0)
		n -= 3;
	if (n >= outlen)
		n = outlen - 1;
	memcpy(out, b, n);
	out[n] = '\0';
}

static int safety_is_assignment(const char *w)
{
	size_t i = 0;

	if (!isalpha((unsigned char)w[0]) && w[0] != '_')
		return 0;
	while (isalnum((unsigned char)w[i]) || w[i] == '_')
		i++;
	return w[i] == '=' || (w[i] == '+' && w[i + 1] == '=');
}

/* Value of option opt in w[0..n): "opt VALUE", "opt=VALUE" or, for a
 * short option, "-oVALUE". */
static const char *safety_opt(char **w, size_t n, const char *opt)
{
	size_t len = strlen(opt);
	size_t i;

	for (i = 0; i < n; i++) {
		if (strcmp(w[i], "--") == 0)
			break;
		if (strcmp(w[i], opt) == 0)
			return i + 1 < n ? w[i + 1] : NULL;
		if (strncmp(w[i], opt, len) == 0 && w[i][len] == '=')
			return w[i] + len + 1;
		if (len == 2 && opt[1] != '-' && strncmp(w[i], opt, 2) == 0 && w[i][2] != '\0')
			return w[i] + 2;
	}
	return NULL;
}

static int safety_has(char **w, size_t n, const char *word)
{
	size_t i;
	size_t len = strlen(word);

	for (i = 0; i < n; i++)
		if (strcmp(w[i], word) == 0 || (strncmp(w[i], word, len) == 0 && w[i][len] == '='))
			return 1;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Programs                                                            */

static const char *const safety_kubectl_valued[] = {
	"-n",
	"--namespace",
	"--context",
	"--kubeconfig",
	"--cluster",
	"--user",
	"--as",
	"--as-group",
	"--as-uid",
	"-s",
	"--server",
	"--token",
	"--request-timeout",
	"-v",
	"--cache-dir",
	"-l",
	"--selector",
	"-f",
	"--filename",
	"-o",
	"--output",
	"-c",
	"--container",
	"--field-selector",
	"--grace-period",
	"--timeout",
	"--image",
	"--replicas",
	"--type",
	"-p",
	"--patch",
	"--patch-file",
	"--duration",
	"--for",
	"--overrides",
	"--restart",
	"--port",
	"--env",
	"--labels",
	"--from-literal",
	"--from-file",
	"--sort-by",
	"--since",
	"--tail",
	"--template",
	"-k",
	"--kustomize",
	"--cascade",
	"--pod-running-timeout",
	"--limits",
	"--requests",
	"--to-revision",
	NULL,
};

/* Positional arguments of w[0..n) (flags and their values skipped),
 * up to "--"; returns their count and fills pos. */
static size_t safety_positional(char **w, size_t n, const char *const *valued, char **pos,
				size_t max, size_t *dashdash)
{
	size_t i, k = 0;

	*dashdash = n;
	for (i = 0; i < n; i++) {
		if (strcmp(w[i], "--") == 0) {
			*dashdash = i;
			break;
		}
		if (w[i][0] == '-' && w[i][1] != '\0') {
			if (strchr(w[i], '=') == NULL && safety_in(w[i], valued))
				i++;
			continue;
		}
		if (k < max)
			pos[k++] = w[i];
	}
	return k;
}

static int safety_tty_flags(char **w, size_t n)
{
	int in = 0, tty = 0;
	size_t i;

	for (i = 0; i < n && strcmp(w[i], "--") != 0; i++) {
		const char *a = w[i];

		if (strcmp(a, "--stdin") == 0 || strcmp(a, "--stdin=true") == 0 ||
		    strcmp(a, "--interactive") == 0)
			in = 1;
		else if (strcmp(a, "--tty") == 0 || strcmp(a, "--tty=true") == 0)
			tty = 1;
		else if (a[0] == '-' && a[1] != '-' && a[1] != '\0' &&
			 strspn(a + 1, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") ==
				 strlen(a + 1)) {
			if (strchr(a + 1, 'i') != NULL)
				in = 1;
			if (strchr(a + 1, 't') != NULL)
				tty = 1;
		}
	}
	return in && tty;
}

static void safety_kubectl(struct safety_ctx *cx, char **w, size_t n)
{
	static const char *const changing[] = {
		"scale",     "patch",    "apply", "create",      "replace",  "edit", "drain",
		"cordon",    "uncordon", "taint", "label",       "annotate", "set",  "run",
		"autoscale", "expose",   "debug", "certificate", "delete",   NULL,
	};
	static const char *const rollout[] = { "restart", "undo", "pause", "resume", NULL };
	static const char *const config[] = {
		"set",
		"set-context",
		"set-cluster",
		"set-credentials",
		"use-context",
		"use",
		"delete-context",
		"delete-cluster",
		"delete-user",
		"rename-context",
		"unset",
		NULL,
	};
	char *pos[8];
	size_t np, dd, i = 0;
	const char *verb;
	char why[96];

	while (i < n && w[i][0] == '-') {
		if (strchr(w[i], '=') == NULL && safety_in(w[i], safety_kubectl_valued))
			i++;
		i++;
	}
	if (i >= n)
		return;
	verb = w[i];
	w += i + 1;
	n -= i + 1;
	np = safety_positional(w, n, safety_kubectl_valued, pos, 8, &dd);
	if (strcmp(verb, "exec") == 0 || strcmp(verb, "run") == 0 || strcmp(verb, "attach") == 0 ||
	    strcmp(verb, "debug") == 0) {
		if (safety_tty_flags(w, dd))
			cx->v->interactive = 1;
	}
	if (strcmp(verb, "delete") == 0) {
		const char *target = NULL;

		if (np >= 2)
			target = pos[1];
		else if (np == 1 && strchr(pos[0], '/') != NULL)
			target = strchr(pos[0], '/') + 1;
		else if ((target = safety_opt(w, dd, "-f")) == NULL &&
			 (target = safety_opt(w, dd, "--filename")) == NULL &&
			 (target = safety_opt(w, dd, "-l")) == NULL &&
			 (target = safety_opt(w, dd, "--selector")) == NULL && np > 0)
			target = pos[0];
		safety_mark(cx, 1, "kubectl delete", target);
	} else if (strcmp(verb, "rollout") == 0) {
		if (np > 0 && safety_in(pos[0], rollout)) {
			snprintf(why, sizeof(why), "kubectl rollout %s", pos[0]);
			safety_mark(cx, 0, why, NULL);
		}
	} else if (strcmp(verb, "config") == 0) {
		if (np > 0 && safety_in(pos[0], config)) {
			snprintf(why, sizeof(why), "kubectl config %s", pos[0]);
			safety_mark(cx, 0, why, NULL);
		}
	} else if (strcmp(verb, "cp") == 0) {
		if (np >= 2 && strchr(pos[np - 1], ':') != NULL)
			safety_mark(cx, 0, "kubectl cp into a pod", NULL);
	} else if (safety_in(verb, changing)) {
		if (strcmp(verb, "create") == 0 && np > 0)
			snprintf(why, sizeof(why), "kubectl create %s", pos[0]);
		else
			snprintf(why, sizeof(why), "kubectl %s", verb);
		safety_mark(cx, 0, why, NULL);
		if (strcmp(verb, "edit") == 0)
			cx->v->interactive = 1;
	}
	if ((strcmp(verb, "exec") == 0 || strcmp(verb, "run") == 0 || strcmp(verb, "debug") == 0) &&
	    dd + 1 < n) {
		const char *saved = cx->pod;

		if (strcmp(verb, "exec") == 0 && np > 0) {
			const char *slash = strchr(pos[0], '/');

			cx->pod = slash != NULL ? slash + 1 : pos[0];
		}
		safety_words(cx, w + dd + 1, n - dd - 1, 1);
		cx->pod = saved;
	}
}

static void safety_redis(struct safety_ctx *cx, char **w, size_t n, const char *host)
{
	static const char *const changing[] = {
		"SET",
		"SETEX",
		"PSETEX",
		"SETNX",
		"MSET",
		"MSETNX",
		"GETSET",
		"GETDEL",
		"GETEX",
		"APPEND",
		"INCR",
		"INCRBY",
		"INCRBYFLOAT",
		"DECR",
		"DECRBY",
		"EXPIRE",
		"EXPIREAT",
		"PEXPIRE",
		"PEXPIREAT",
		"PERSIST",
		"RENAME",
		"RENAMENX",
		"MOVE",
		"COPY",
		"RESTORE",
		"MIGRATE",
		"HSET",
		"HSETNX",
		"HMSET",
		"HDEL",
		"HINCRBY",
		"HINCRBYFLOAT",
		"LPUSH",
		"RPUSH",
		"LPUSHX",
		"RPUSHX",
		"LPOP",
		"RPOP",
		"LSET",
		"LREM",
		"LTRIM",
		"LINSERT",
		"LMOVE",
		"BLMOVE",
		"BLPOP",
		"BRPOP",
		"RPOPLPUSH",
		"BRPOPLPUSH",
		"LMPOP",
		"BLMPOP",
		"SADD",
		"SREM",
		"SPOP",
		"SMOVE",
		"SINTERSTORE",
		"SUNIONSTORE",
		"SDIFFSTORE",
		"ZADD",
		"ZREM",
		"ZINCRBY",
		"ZPOPMIN",
		"ZPOPMAX",
		"BZPOPMIN",
		"BZPOPMAX",
		"ZMPOP",
		"BZMPOP",
		"ZREMRANGEBYSCORE",
		"ZREMRANGEBYRANK",
		"ZREMRANGEBYLEX",
		"ZUNIONSTORE",
		"ZINTERSTORE",
		"ZDIFFSTORE",
		"ZRANGESTORE",
		"XADD",
		"XDEL",
		"XTRIM",
		"XGROUP",
		"XACK",
		"XCLAIM",
		"XAUTOCLAIM",
		"XSETID",
		"PFADD",
		"PFMERGE",
		"SETBIT",
		"SETRANGE",
		"BITOP",
		"BITFIELD",
		"GEOADD",
		"EVAL",
		"EVALSHA",
		"FCALL",
		"SHUTDOWN",
		"SAVE",
		"BGSAVE",
		"BGREWRITEAOF",
		"DEBUG",
		"REPLICAOF",
		"SLAVEOF",
		"FAILOVER",
		"SWAPDB",
		"PUBLISH",
		"SPUBLISH",
		NULL,
	};
	static const struct {
		const char *cmd;
		const char *const subs[14];
	} subs[] = {
		{ "CONFIG", { "SET", "REWRITE", "RESETSTAT", NULL } },
		{ "CLIENT", { "KILL", "PAUSE", "UNPAUSE", "NO-EVICT", NULL } },
		{ "SCRIPT", { "FLUSH", "LOAD", "KILL", NULL } },
		{ "FUNCTION", { "DELETE", "FLUSH", "LOAD", "RESTORE", "KILL", NULL } },
		{ "CLUSTER",
		  { "ADDSLOTS", "ADDSLOTSRANGE", "BUMPEPOCH", "DELSLOTS", "DELSLOTSRANGE",
		    "FAILOVER", "FLUSHSLOTS", "FORGET", "MEET", "REPLICATE", "RESET", "SAVECONFIG",
		    "SETSLOT", NULL } },
		{ "ACL", { "SETUSER", "DELUSER", "LOAD", "SAVE", NULL } },
		{ "MODULE", { "LOAD", "LOADEX", "UNLOAD", NULL } },
		{ "MEMORY", { "PURGE", NULL } },
		{ "SLOWLOG", { "RESET", NULL } },
		{ "LATENCY", { "RESET", NULL } },
	};
	char why[96];
	size_t i;

	if (n == 0)
		return;
	if (strcasecmp(w[0], "FLUSHALL") == 0 || strcasecmp(w[0], "FLUSHDB") == 0) {
		snprintf(why, sizeof(why), "redis %s",
			 strcasecmp(w[0], "FLUSHALL") == 0 ? "FLUSHALL" : "FLUSHDB");
		safety_mark(cx, 1, why, cx->pod != NULL ? cx->pod : host);
		return;
	}
	if (strcasecmp(w[0], "DEL") == 0 || strcasecmp(w[0], "UNLINK") == 0) {
		snprintf(why, sizeof(why), "redis %s",
			 strcasecmp(w[0], "DEL") == 0 ? "DEL" : "UNLINK");
		safety_mark(cx, 1, why, n > 1 ? w[1] : cx->pattern);
		return;
	}
	if (safety_in_case(w[0], changing)) {
		char up[32];

		snprintf(up, sizeof(up), "%s", w[0]);
		for (i = 0; up[i] != '\0'; i++)
			up[i] = (char)toupper((unsigned char)up[i]);
		snprintf(why, sizeof(why), "redis %s", up);
		safety_mark(cx, 0, why, NULL);
		return;
	}
	for (i = 0; i < sizeof(subs) / sizeof(subs[0]); i++) {
		if (strcasecmp(w[0], subs[i].cmd) == 0 && n > 1 &&
		    safety_in_case(w[1], (const char *const *)subs[i].subs)) {
			snprintf(why, sizeof(why), "redis %s %s", subs[i].cmd, w[1]);
			safety_mark(cx, 0, why, NULL);
			return;
		}
	}
}

/* The redis-cli options that take a value, for every reader of a
 * redis-cli command line (here and lint.c): one list, so the two never
 * disagree on where the options end and the redis command starts. */
static const char *const safety_redis_cli_valued[] = {
	"-h",
	"-p",
	"-s",
	"-a",
	"-u",
	"-n",
	"-r",
	"-i",
	"-d",
	"-D",
	"--user",
	"--pass",
	"--pattern",
	"--count",
	"--cacert",
	"--cacertdir",
	"--cert",
	"--key",
	"--sni",
	"--tls-ciphers",
	"--tls-ciphersuites",
	"--rdb",
	"--functions-rdb",
	"--pipe-timeout",
	"--quoted-pattern",
	"--memkeys-samples",
	"--intrinsic-latency",
	"--eval",
	NULL,
};

int safety_redis_cli_takes_value(const char *opt)
{
	return safety_in(opt, safety_redis_cli_valued);
}

static void safety_redis_cli(struct safety_ctx *cx, char **w, size_t n, int stdin_fed)
{
	static const char *const modes[] = {
		"--scan",
		"--bigkeys",
		"--memkeys",
		"--hotkeys",
		"--stat",
		"--latency",
		"--latency-history",
		"--latency-dist",
		"--lru-test",
		"--pipe",
		"--rdb",
		"--functions-rdb",
		"--replica",
		"--slave",
		"--intrinsic-latency",
		"--eval",
		"--cluster",
		NULL,
	};
	static const char *const cluster_changing[] = {
		"create", "fix",         "reshard", "rebalance", "add-node", "del-node",
		"import", "set-timeout", "call",    "backup",    NULL,
	};
	const char *host = NULL;
	int mode = 0;
	size_t i = 0;

	while (i < n) {
		const char *a = w[i];

		if (a[0] != '-' || a[1] == '\0')
			break;
		if (safety_in(a, modes))
			mode = 1;
		if (strcmp(a, "--cluster") == 0) {
			if (i + 1 < n && safety_in(w[i + 1], cluster_changing)) {
				char why[96];

				snprintf(why, sizeof(why), "redis-cli --cluster %s", w[i + 1]);
				safety_mark(cx, 0, why, NULL);
			}
			return;
		}
		if (strcmp(a, "--eval") == 0)
			safety_mark(cx, 0, "redis EVAL", NULL);
		if (safety_redis_cli_takes_value(a) && i + 1 < n) {
			if (strcmp(a, "-h") == 0)
				host = w[i + 1];
			if (strcmp(a, "--pattern") == 0) {
				free(cx->pattern);
				cx->pattern = xstrdup(w[i + 1]);
			}
			i += 2;
			continue;
		}
		i++;
	}
	if (i < n)
		safety_redis(cx, w + i, n - i, host);
	else if (!mode && !stdin_fed)
		cx->v->interactive = 1;
}

static void safety_psql(struct safety_ctx *cx, char **w, size_t n, int stdin_fed,
			const char *heredoc)
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

static void safety_curl(struct safety_ctx *cx, char **w, size_t n)
{
	static const char *const writing[] = { "POST", "PUT", "PATCH", "DELETE", NULL };
	const char *method = NULL;
	int data = 0, upload = 0, get = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		const char *a = w[i];

		if (strcmp(a, "-X") == 0 || strcmp(a, "--request") == 0) {
			if (i + 1 < n)
				method = w[++i];
		} else if (strncmp(a, "--request=", 10) == 0) {
			method = a + 10;
		} else if (strncmp(a, "--data", 6) == 0 || strcmp(a, "--json") == 0 ||
			   strncmp(a, "--form", 6) == 0) {
			data = 1;
		} else if (strcmp(a, "--upload-file") == 0) {
			upload = 1;
		} else if (strcmp(a, "--get") == 0) {
			get = 1;
		} else if (a[0] == '-' && a[1] != '-' && a[1] != '\0') {
			const char *p;

			for (p = a + 1; *p != '\0'; p++) {
				if (*p == 'X') {
					method = p[1] != '\0' ? p + 1 : i + 1 < n ? w[++i] : NULL;
					break;
				}
				if (*p == 'd' || *p == 'F')
					data = 1;
				if (*p == 'T')
					upload = 1;
				if (*p == 'G')
					get = 1;
				if (strchr("dFTHuoeAbcwxmKErYyzCPQU", *p) != NULL) {
					if (p[1] == '\0')
						i++;
					break;
				}
			}
		}
	}
	if (method != NULL && safety_in_case(method, writing)) {
		char why[48];
		char up[16];
		size_t k;

		snprintf(up, sizeof(up), "%s", method);
		for (k = 0; up[k] != '\0'; k++)
			up[k] = (char)toupper((unsigned char)up[k]);
		snprintf(why, sizeof(why), "HTTP %s", up);
		safety_mark(cx, 0, why, NULL);
	} else if (method == NULL && upload) {
		safety_mark(cx, 0, "HTTP PUT", NULL);
	} else if (method == NULL && data && !get) {
		safety_mark(cx, 0, "HTTP POST", NULL);
	}
}

static void safety_wget(struct safety_ctx *cx, char **w, size_t n)
{
	static const char *const writing[] = { "POST", "PUT", "PATCH", "DELETE", NULL };
	const char *m = safety_opt(w, n, "--method");
	size_t i;

	if (m != NULL && safety_in_case(m, writing)) {
		safety_mark(cx, 0, "HTTP request with wget --method", NULL);
		return;
	}
	for (i = 0; i < n; i++)
		if (strncmp(w[i], "--post-", 7) == 0 || strncmp(w[i], "--body-", 7) == 0) {
			safety_mark(cx, 0, "HTTP POST", NULL);
			return;
		}
}

static void safety_kafka(struct safety_ctx *cx, const char *prog, char **w, size_t n)
{
	const char *group = safety_opt(w, n, "--group");
	const char *topic = safety_opt(w, n, "--topic");

	if (strcmp(prog, "kafka-consumer-groups") == 0) {
		if (safety_has(w, n, "--reset-offsets") && safety_has(w, n, "--execute"))
			safety_mark(cx, 1, "kafka reset-offsets --execute", group);
		else if (safety_has(w, n, "--delete") || safety_has(w, n, "--delete-offsets"))
			safety_mark(cx, 1, "kafka-consumer-groups --delete", group);
	} else if (strcmp(prog, "kafka-topics") == 0) {
		if (safety_has(w, n, "--delete"))
			safety_mark(cx, 1, "kafka-topics --delete", topic);
		else if (safety_has(w, n, "--create"))
			safety_mark(cx, 0, "kafka-topics --create", NULL);
		else if (safety_has(w, n, "--alter"))
			safety_mark(cx, 0, "kafka-topics --alter", NULL);
	} else if (strcmp(prog, "kafka-leader-election") == 0) {
		safety_mark(cx, 0, "kafka leader election", NULL);
	} else if (strcmp(prog, "kafka-preferred-replica-election") == 0) {
		safety_mark(cx, 0, "kafka preferred replica election", NULL);
	} else if (strcmp(prog, "kafka-reassign-partitions") == 0) {
		if (safety_has(w, n, "--execute") || safety_has(w, n, "--cancel"))
			safety_mark(cx, 0, "kafka-reassign-partitions --execute", NULL);
	} else if (strcmp(prog, "kafka-configs") == 0) {
		if (safety_has(w, n, "--alter"))
			safety_mark(cx, 0, "kafka-configs --alter", NULL);
	} else if (strcmp(prog, "kafka-acls") == 0) {
		if (safety_has(w, n, "--add") || safety_has(w, n, "--remove"))
			safety_mark(cx, 0, "kafka-acls", NULL);
	} else if (strcmp(prog, "kafka-delete-records") == 0) {
		safety_mark(cx, 1, "kafka-delete-records", topic);
	}
}

static void safety_find(struct safety_ctx *cx, char **w, size_t n)
{
	const char *path = NULL;
	size_t i;

	for (i = 0; i < n; i++) {
		const char *a = w[i];

		if (path == NULL && a[0] != '-' && a[0] != '(' && a[0] != '!')
			path = a;
		if (a[0] == '-' || a[0] == '(' || a[0] == '!')
			break;
	}
	for (; i < n; i++) {
		const char *a = w[i];

		if (strcmp(a, "-delete") == 0) {
			safety_mark(cx, 1, "find -delete", path);
		} else if (strcmp(a, "-exec") == 0 || strcmp(a, "-execdir") == 0 ||
			   strcmp(a, "-ok") == 0 || strcmp(a, "-okdir") == 0) {
			size_t s = i + 1, e = s;
			char prog[64];

			while (e < n && strcmp(w[e], ";") != 0 && strcmp(w[e], "+") != 0)
				e++;
			if (s < e) {
				safety_prog(w[s], prog, sizeof(prog));
				if (strcmp(prog, "rm") == 0)
					safety_mark(cx, 1, "find -exec rm", path);
				else
					safety_words(cx, w + s, e - s, 1);
			}
			i = e;
		}
	}
}

static void safety_rm(struct safety_ctx *cx, char **w, size_t n)
{
	const char *target = NULL;
	int recursive = 0, opts = 1;
	size_t i;

	for (i = 0; i < n; i++) {
		const char *a = w[i];

		if (opts && strcmp(a, "--") == 0) {
			opts = 0;
		} else if (opts && strcmp(a, "--recursive") == 0) {
			recursive = 1;
		} else if (opts && a[0] == '-' && a[1] != '-' && a[1] != '\0') {
			if (strchr(a, 'r') != NULL || strchr(a, 'R') != NULL)
				recursive = 1;
		} else if (opts && a[0] == '-' && a[1] == '-') {
			continue;
		} else if (target == NULL) {
			target = a;
		}
	}
	if (recursive)
		safety_mark(cx, 1, "rm -r", target);
	else
		safety_mark(cx, 0, "rm", NULL);
}

static void safety_docker(struct safety_ctx *cx, const char *prog, char **w, size_t n)
{
	static const char *const changing[] = {
		"rm",      "rmi",    "stop",   "kill",  "restart", "run",    "start", "pause",
		"unpause", "update", "create", "prune", "cp",      "commit", "push",  NULL,
	};
	static const char *const groups[] = {
		"system", "volume", "image", "container", "network", "builder", NULL,
	};
	static const char *const group_changing[] = {
		"rm", "prune", "create", "stop", "kill", "restart", "start", NULL,
	};
	char why[96];
	size_t i = 0;

	while (i < n && w[i][0] == '-')
		i++;
	if (i >= n)
		return;
	if (strcmp(w[i], "exec") == 0 || strcmp(w[i], "run") == 0) {
		size_t k = i + 1;

		if (safety_tty_flags(w + i + 1, n - i - 1))
			cx->v->interactive = 1;
		while (k < n && w[k][0] == '-') {
			if (strcmp(w[k], "-e") == 0 || strcmp(w[k], "-u") == 0 ||
			    strcmp(w[k], "-w") == 0 || strcmp(w[k], "--name") == 0 ||
			    strcmp(w[k], "-v") == 0 || strcmp(w[k], "-p") == 0 ||
			    strcmp(w[k], "--env") == 0 || strcmp(w[k], "--user") == 0)
				k++;
			k++;
		}
		if (k + 1 < n)
			safety_words(cx, w + k + 1, n - k - 1, 1);
	}
	if (safety_in(w[i], changing)) {
		snprintf(why, sizeof(why), "%s %s", prog, w[i]);
		safety_mark(cx, strcmp(w[i], "rm") == 0 || strcmp(w[i], "rmi") == 0, why,
			    i + 1 < n ? w[n - 1] : NULL);
	} else if (safety_in(w[i], groups) && i + 1 < n && safety_in(w[i + 1], group_changing)) {
		snprintf(why, sizeof(why), "%s %s %s", prog, w[i], w[i + 1]);
		safety_mark(cx, 0, why, NULL);
	}
}

static void safety_shell_prog(struct safety_ctx *cx, char **w, size_t n, int stdin_fed)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (strcmp(w[i], "-c") == 0 && i + 1 < n) {
			if (cx->depth < SAFETY_MAX_DEPTH) {
				cx->depth++;
				safety_shell(cx, w[i + 1]);
				cx->depth--;
			}
			return;
		}
		if (w[i][0] != '-')
			return; /* a script file: judged by its name only */
	}
	if (!stdin_fed)
		cx->v->interactive = 1;
}

static void safety_ssh(struct safety_ctx *cx, char **w, size_t n, int stdin_fed)
{
	static const char *const valued[] = {
		"-i", "-p", "-l", "-o", "-F", "-J", "-L", "-R", "-D", "-b", "-c",
		"-E", "-e", "-I", "-m", "-O", "-Q", "-S", "-W", "-w", NULL,
	};
	struct strbuf sb = { 0 };
	size_t i = 0;

	while (i < n && w[i][0] == '-') {
		if (safety_in(w[i], valued))
			i++;
		i++;
	}
	if (i + 1 >= n) {
		if (!stdin_fed)
			cx->v->interactive = 1;
		return;
	}
	for (i++; i < n; i++) {
		if (sb.len > 0)
			strbuf_putc(&sb, ' ');
		strbuf_puts(&sb, w[i]);
	}
	if (cx->depth < SAFETY_MAX_DEPTH) {
		cx->depth++;
		safety_shell(cx, sb.buf);
		cx->depth--;
	}
	strbuf_free(&sb);
}

/* Skip a wrapper's options; returns the index of the wrapped program. */
static size_t safety_skip_opts(char **w, size_t n, size_t i, const char *valued)
{
	while (i < n && w[i][0] == '-' && w[i][1] != '\0') {
		if (strcmp(w[i], "--") == 0)
			return i + 1;
		if (w[i][1] != '-' && w[i][2] == '\0' && strchr(valued, w[i][1]) != NULL)
			i++;
		i++;
	}
	return i;
}

static void safety_words_sc(struct safety_ctx *cx, char **w, size_t n, int stdin_fed,
			    const char *heredoc)
{
	static const char *const keywords[] = {
		"if",    "then", "else", "elif", "fi",   "do",   "done", "while",
		"until", "!",    "{",    "}",    "time", "esac", NULL,
	};
	static const char *const headers[] = { "for", "select", "case", "[", "[[", "test", NULL };
	static const char *const simple_changing[] = {
		"mv",         "dd",       "truncate", "shred",    "chmod",     "chown",
		"chgrp",      "kill",     "pkill",    "killall",  "reboot",    "shutdown",
		"halt",       "poweroff", "createdb", "vacuumdb", "reindexdb", "clusterdb",
		"createuser", "dropuser", "mkfs",     "iptables", NULL,
	};
	static const char *const pager[] = {
		"top",  "htop", "atop",  "less", "more", "most", "vi",     "vim",
		"nvim", "nano", "emacs", "man",  "k9s",  "tmux", "screen", NULL,
	};
	char prog[64];
	char why[96];
	size_t k = 0;

	for (;;) {
		while (k < n && safety_in(w[k], keywords))
			k++;
		if (k < n && safety_in(w[k], headers))
			return;
		while (k < n && safety_is_assignment(w[k]))
			k++;
		if (k >= n)
			return;
		safety_prog(w[k], prog, sizeof(prog));
		if (strcmp(prog, "sudo") == 0 || strcmp(prog, "doas") == 0) {
			k = safety_skip_opts(w, n, k + 1, "ugCDhpUrt");
		} else if (strcmp(prog, "env") == 0) {
			k = safety_skip_opts(w, n, k + 1, "uCS");
		} else if (strcmp(prog, "nohup") == 0 || strcmp(prog, "exec") == 0 ||
			   strcmp(prog, "command") == 0 || strcmp(prog, "builtin") == 0 ||
			   strcmp(prog, "stdbuf") == 0 || strcmp(prog, "unbuffer") == 0) {
			k = safety_skip_opts(w, n, k + 1, "ioe");
		} else if (strcmp(prog, "nice") == 0 || strcmp(prog, "ionice") == 0) {
			k = safety_skip_opts(w, n, k + 1, "ncp");
		} else if (strcmp(prog, "timeout") == 0) {
			k = safety_skip_opts(w, n, k + 1, "sk");
			if (k < n)
				k++;
		} else if (strcmp(prog, "xargs") == 0) {
			k = safety_skip_opts(w, n, k + 1, "IinPLdsEa");
			stdin_fed = 0;
			heredoc = NULL;
		} else if (strcmp(prog, "watch") == 0) {
			cx->v->interactive = 1;
			k = safety_skip_opts(w, n, k + 1, "nq");
			if (k + 1 == n && strchr(w[k], ' ') != NULL) {
				if (cx->depth < SAFETY_MAX_DEPTH) {
					cx->depth++;
					safety_shell(cx, w[k]);
					cx->depth--;
				}
				return;
			}
		} else {
			break;
		}
	}
	w += k + 1;
	n -= k + 1;
	if (strcmp(prog, "kubectl") == 0 || strcmp(prog, "oc") == 0) {
		safety_kubectl(cx, w, n);
	} else if (strcmp(prog, "helm") == 0) {
		char *pos[4];
		size_t dd, np = safety_positional(w, n, safety_kubectl_valued, pos, 4, &dd);

		if (np > 0 && (strcmp(pos[0], "uninstall") == 0 || strcmp(pos[0], "delete") == 0 ||
			       strcmp(pos[0], "del") == 0 || strcmp(pos[0], "un") == 0)) {
			safety_mark(cx, 1, "helm uninstall", np > 1 ? pos[1] : NULL);
		} else if (np > 0 &&
			   (strcmp(pos[0], "install") == 0 || strcmp(pos[0], "upgrade") == 0 ||
			    strcmp(pos[0], "rollback") == 0)) {
			snprintf(why, sizeof(why), "helm %s", pos[0]);
			safety_mark(cx, 0, why, NULL);
		}
	} else if (strcmp(prog, "redis-cli") == 0 || strcmp(prog, "valkey-cli") == 0) {
		safety_redis_cli(cx, w, n, stdin_fed || heredoc != NULL);
	} else if (strcmp(prog, "psql") == 0) {
		safety_psql(cx, w, n, stdin_fed, heredoc);
	} else if (strcmp(prog, "pg_restore") == 0) {
		const char *db = safety_opt(w, n, "-d");

		if (db == NULL)
			db = safety_opt(w, n, "--dbname");
		safety_mark(cx, 1, "pg_restore", db);
	} else if (strcmp(prog, "dropdb") == 0) {
		safety_mark(cx, 1, "dropdb", n > 0 ? w[n - 1] : NULL);
	} else if (strcmp(prog, "pg_ctl") == 0 || strcmp(prog, "pg_ctlcluster") == 0) {
		size_t i;

		for (i = 0; i < n; i++)
			if (strcmp(w[i], "stop") == 0 || strcmp(w[i], "restart") == 0 ||
			    strcmp(w[i], "promote") == 0 || strcmp(w[i], "reload") == 0 ||
			    strcmp(w[i], "kill") == 0) {
				snprintf(why, sizeof(why), "%s %s", prog, w[i]);
				safety_mark(cx, 0, why, NULL);
				break;
			}
	} else if (strncmp(prog, "kafka-", 6) == 0) {
		safety_kafka(cx, prog, w, n);
	} else if (strcmp(prog, "curl") == 0) {
		safety_curl(cx, w, n);
	} else if (strcmp(prog, "wget") == 0) {
		safety_wget(cx, w, n);
	} else if (strcmp(prog, "http") == 0 || strcmp(prog, "https") == 0 ||
		   strcmp(prog, "xh") == 0) {
		size_t i = 0;

		while (i < n && w[i][0] == '-')
			i++;
		if (i < n && (strcmp(w[i], "POST") == 0 || strcmp(w[i], "PUT") == 0 ||
			      strcmp(w[i], "PATCH") == 0 || strcmp(w[i], "DELETE") == 0)) {
			snprintf(why, sizeof(why), "HTTP %s", w[i]);
			safety_mark(cx, 0, why, NULL);
		}
	} else if (strcmp(prog, "find") == 0) {
		safety_find(cx, w, n);
	} else if (strcmp(prog, "rm") == 0 || strcmp(prog, "rmdir") == 0) {
		safety_rm(cx, w, n);
	} else if (strcmp(prog, "sed") == 0 || strcmp(prog, "perl") == 0) {
		size_t i;

		for (i = 0; i < n; i++)
			if (strncmp(w[i], "-i", 2) == 0 || strcmp(w[i], "--in-place") == 0) {
				snprintf(why, sizeof(why), "%s -i", prog);
				safety_mark(cx, 0, why, NULL);
				break;
			}
	} else if (strcmp(prog, "systemctl") == 0 || strcmp(prog, "service") == 0) {
		static const char *const subs[] = {
			"restart", "stop",     "start",         "reload",      "kill",
			"disable", "enable",   "mask",          "unmask",      "isolate",
			"reboot",  "poweroff", "daemon-reload", "try-restart", "reload-or-restart",
			NULL,
		};
		size_t i;

		for (i = 0; i < n; i++)
			if (safety_in(w[i], subs)) {
				snprintf(why, sizeof(why), "%s %s", prog, w[i]);
				safety_mark(cx, 0, why, NULL);
				break;
			}
	} else if (strcmp(prog, "docker") == 0 || strcmp(prog, "podman") == 0 ||
		   strcmp(prog, "nerdctl") == 0) {
		safety_docker(cx, prog, w, n);
	} else if (strcmp(prog, "sh") == 0 || strcmp(prog, "bash") == 0 ||
		   strcmp(prog, "zsh") == 0 || strcmp(prog, "dash") == 0 ||
		   strcmp(prog, "ksh") == 0 || strcmp(prog, "ash") == 0) {
		safety_shell_prog(cx, w, n, stdin_fed || heredoc != NULL);
	} else if (strcmp(prog, "ssh") == 0) {
		safety_ssh(cx, w, n, stdin_fed);
	} else if (safety_in(prog, simple_changing) || strncmp(prog, "mkfs.", 5) == 0) {
		safety_mark(cx, 0, prog, NULL);
	} else if (safety_in(prog, pager)) {
		cx->v->interactive = 1;
	}
}

static void safety_words(struct safety_ctx *cx, char **w, size_t n, int stdin_fed)
{
	safety_words_sc(cx, w, n, stdin_fed, NULL);
}

static void safety_on_command(const struct safety_simple *sc, void *arg)
{
	struct safety_ctx *cx = arg;
	int fed = sc->piped_in;
	size_t i;

	for (i = 0; i < sc->nredirs; i++)
		if (sc->redirs[i][0] == '<')
			fed = 1;
	safety_words_sc(cx, sc->words, sc->nwords, fed, sc->heredoc);
}

static void safety_shell(struct safety_ctx *cx, const char *text)
{
	char *stripped = runbook_strip_comments(STEP_SHELL, text);

	safety_each_command(stripped, safety_on_command, cx);
	free(stripped);
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

static void safety_sql(struct safety_ctx *cx, const char *sql)
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

/* ------------------------------------------------------------------ */

static void safety_on_redis(const struct safety_simple *sc, void *arg)
{
	struct safety_ctx *cx = arg;

	safety_redis(cx, sc->words, sc->nwords, NULL);
}

void safety_classify(enum step_kind kind, const char *command, struct safety_verdict *v)
{
	struct safety_ctx cx;
	char *stripped;

	memset(v, 0, sizeof(*v));
	memset(&cx, 0, sizeof(cx));
	cx.v = v;
	if (command == NULL)
		return;
	switch (kind) {
	case STEP_SHELL:
		safety_shell(&cx, command);
		break;
	case STEP_SQL:
		stripped = runbook_strip_comments(STEP_SQL, command);
		safety_sql(&cx, stripped);
		free(stripped);
		break;
	case STEP_REDIS:
		stripped = runbook_strip_comments(STEP_REDIS, command);
		safety_each_command(stripped, safety_on_redis, &cx);
		free(stripped);
		break;
	case STEP_PROMQL:
	case STEP_YAML:
		break;
	}
	free(cx.pattern);
	if (v->destructive && v->target == NULL) {
		char *text = runbook_strip_comments(kind, command);
		const char *p = text;
		size_t n;

		while (isspace((unsigned char)*p))
			p++;
		n = strcspn(p, " \t\n");
		v->target = xstrndup(p, n);
		free(text);
	}
	if (!v->destructive) {
		free(v->target);
		v->target = NULL;
	}
}

void safety_verdict_free(struct safety_verdict *v)
{
	if (v == NULL)
		return;
	free(v->target);
	free(v->why);
	v->target = v->why = NULL;
}
