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
 * When in doubt a command counts as changing. Pure functions. The
 * splitting lives in safety_split.c, the SQL and psql judge in
 * safety_sql.c, the Redis judge in safety_redis.c; this file holds the
 * shell programs' judges and the entry points.
 */
#include "core/safety.h"

#include "core/safety_int.h"
#include "lib/util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Verdicts                                                            */

void safety_mark(struct safety_ctx *cx, int destructive, const char *why, const char *target)
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

/* 1 if w is equal, by cmp, to one of the NULL-terminated list. */
static int safety_in_by(const char *w, const char *const *list,
			int (*cmp)(const char *, const char *))
{
	size_t i;

	for (i = 0; list[i] != NULL; i++)
		if (cmp(w, list[i]) == 0)
			return 1;
	return 0;
}

int safety_in(const char *w, const char *const *list)
{
	return safety_in_by(w, list, strcmp);
}

int safety_in_case(const char *w, const char *const *list)
{
	return safety_in_by(w, list, strcasecmp);
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

/* Look through shell keywords, assignments and wrappers (sudo, env,
 * nohup, nice, timeout, xargs, watch) to the program that runs: its
 * name in prog and its index in *at. Returns 0 when there is none to
 * judge (or watch's command was judged as shell text). */
static int safety_unwrap(struct safety_ctx *cx, char **w, size_t n, char *prog, size_t proglen,
			 size_t *at, int *stdin_fed, const char **heredoc)
{
	static const char *const keywords[] = {
		"if",    "then", "else", "elif", "fi",   "do",   "done", "while",
		"until", "!",    "{",    "}",    "time", "esac", NULL,
	};
	static const char *const headers[] = { "for", "select", "case", "[", "[[", "test", NULL };
	size_t k = 0;

	for (;;) {
		while (k < n && safety_in(w[k], keywords))
			k++;
		if (k < n && safety_in(w[k], headers))
			return 0;
		while (k < n && safety_is_assignment(w[k]))
			k++;
		if (k >= n)
			return 0;
		safety_prog(w[k], prog, proglen);
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
			*stdin_fed = 0;
			*heredoc = NULL;
		} else if (strcmp(prog, "watch") == 0) {
			cx->v->interactive = 1;
			k = safety_skip_opts(w, n, k + 1, "nq");
			if (k + 1 == n && strchr(w[k], ' ') != NULL) {
				if (cx->depth < SAFETY_MAX_DEPTH) {
					cx->depth++;
					safety_shell(cx, w[k]);
					cx->depth--;
				}
				return 0;
			}
		} else {
			*at = k;
			return 1;
		}
	}
}

static void safety_helm(struct safety_ctx *cx, char **w, size_t n)
{
	char *pos[4];
	char why[96];
	size_t dd, np = safety_positional(w, n, safety_kubectl_valued, pos, 4, &dd);

	if (np > 0 && (strcmp(pos[0], "uninstall") == 0 || strcmp(pos[0], "delete") == 0 ||
		       strcmp(pos[0], "del") == 0 || strcmp(pos[0], "un") == 0)) {
		safety_mark(cx, 1, "helm uninstall", np > 1 ? pos[1] : NULL);
	} else if (np > 0 && (strcmp(pos[0], "install") == 0 || strcmp(pos[0], "upgrade") == 0 ||
			      strcmp(pos[0], "rollback") == 0)) {
		snprintf(why, sizeof(why), "helm %s", pos[0]);
		safety_mark(cx, 0, why, NULL);
	}
}

/* The first word of w in list makes "PROG WORD" a change. */
static void safety_sub_word(struct safety_ctx *cx, const char *prog, char **w, size_t n,
			    const char *const *list)
{
	char why[96];
	size_t i;

	for (i = 0; i < n; i++)
		if (safety_in(w[i], list)) {
			snprintf(why, sizeof(why), "%s %s", prog, w[i]);
			safety_mark(cx, 0, why, NULL);
			return;
		}
}

/* httpie and xh: the method is the first word that is no option. */
static void safety_httpie(struct safety_ctx *cx, char **w, size_t n)
{
	char why[96];
	size_t i = 0;

	while (i < n && w[i][0] == '-')
		i++;
	if (i < n && (strcmp(w[i], "POST") == 0 || strcmp(w[i], "PUT") == 0 ||
		      strcmp(w[i], "PATCH") == 0 || strcmp(w[i], "DELETE") == 0)) {
		snprintf(why, sizeof(why), "HTTP %s", w[i]);
		safety_mark(cx, 0, why, NULL);
	}
}

/* sed and perl edit files in place with -i. */
static void safety_in_place(struct safety_ctx *cx, const char *prog, char **w, size_t n)
{
	char why[96];
	size_t i;

	for (i = 0; i < n; i++)
		if (strncmp(w[i], "-i", 2) == 0 || strcmp(w[i], "--in-place") == 0) {
			snprintf(why, sizeof(why), "%s -i", prog);
			safety_mark(cx, 0, why, NULL);
			return;
		}
}

static void safety_words_sc(struct safety_ctx *cx, char **w, size_t n, int stdin_fed,
			    const char *heredoc)
{
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
	static const char *const pg_ctl_subs[] = { "stop",   "restart", "promote",
						   "reload", "kill",    NULL };
	static const char *const systemctl_subs[] = {
		"restart", "stop",     "start",         "reload",      "kill",
		"disable", "enable",   "mask",          "unmask",      "isolate",
		"reboot",  "poweroff", "daemon-reload", "try-restart", "reload-or-restart",
		NULL,
	};
	char prog[64];
	size_t k = 0;

	if (!safety_unwrap(cx, w, n, prog, sizeof(prog), &k, &stdin_fed, &heredoc))
		return;
	w += k + 1;
	n -= k + 1;
	if (strcmp(prog, "kubectl") == 0 || strcmp(prog, "oc") == 0) {
		safety_kubectl(cx, w, n);
	} else if (strcmp(prog, "helm") == 0) {
		safety_helm(cx, w, n);
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
		safety_sub_word(cx, prog, w, n, pg_ctl_subs);
	} else if (strncmp(prog, "kafka-", 6) == 0) {
		safety_kafka(cx, prog, w, n);
	} else if (strcmp(prog, "curl") == 0) {
		safety_curl(cx, w, n);
	} else if (strcmp(prog, "wget") == 0) {
		safety_wget(cx, w, n);
	} else if (strcmp(prog, "http") == 0 || strcmp(prog, "https") == 0 ||
		   strcmp(prog, "xh") == 0) {
		safety_httpie(cx, w, n);
	} else if (strcmp(prog, "find") == 0) {
		safety_find(cx, w, n);
	} else if (strcmp(prog, "rm") == 0 || strcmp(prog, "rmdir") == 0) {
		safety_rm(cx, w, n);
	} else if (strcmp(prog, "sed") == 0 || strcmp(prog, "perl") == 0) {
		safety_in_place(cx, prog, w, n);
	} else if (strcmp(prog, "systemctl") == 0 || strcmp(prog, "service") == 0) {
		safety_sub_word(cx, prog, w, n, systemctl_subs);
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

void safety_words(struct safety_ctx *cx, char **w, size_t n, int stdin_fed)
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

void safety_shell(struct safety_ctx *cx, const char *text)
{
	char *stripped = runbook_strip_comments(STEP_SHELL, text);

	safety_each_command(stripped, safety_on_command, cx);
	free(stripped);
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
	if (v->destructive && v->target == NULL)
		v->target = runbook_first_word(kind, command);
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
