/*
 * initconfig.c - the starter configuration of `amconsole --init-config`
 * (see initconfig.h). Each section is written from the variable its
 * ecosystem already uses, or as a commented example naming the variable
 * that was not set, so the file says where every value came from. Once
 * written, the file is loaded with the real configuration loader: a
 * starter file that amconsole itself refuses is reported as the bug it
 * is, never left for the operator to find.
 */
#include "app/initconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backends/k8s/kubeconfig.h"
#include "core/config.h"
#include "lib/util.h"

static const char *initconfig_env(const char *name)
{
	const char *v = getenv(name);

	return v != NULL && v[0] != '\0' ? v : NULL;
}

/* s as a YAML double-quoted scalar: any byte the environment holds
 * stays what it was. */
static void initconfig_quote(struct strbuf *sb, const char *s)
{
	strbuf_putc(sb, '"');
	for (; *s != '\0'; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			strbuf_printf(sb, "\\%c", ch);
		else if (ch < 0x20 || ch == 0x7f)
			strbuf_printf(sb, "\\x%02x", ch);
		else
			strbuf_putc(sb, (char)ch);
	}
	strbuf_putc(sb, '"');
}

/* One line of a comment: control characters (a newline would end the
 * comment and start YAML) become '?'. */
static void initconfig_comment(struct strbuf *sb, const char *s)
{
	for (; *s != '\0'; s++)
		strbuf_putc(sb, (unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s);
}

/* url without the password of its userinfo ("redis://u:pw@h" ->
 * "redis://u@h", "redis://:pw@h" -> "redis://h"); *had is set when
 * there was one. Fresh string. */
static char *initconfig_strip_password(const char *url, int *had)
{
	const char *auth = strstr(url, "://");
	const char *end, *at, *colon;

	*had = 0;
	if (auth == NULL)
		return xstrdup(url);
	auth += 3;
	end = auth + strcspn(auth, "/?#");
	at = NULL;
	for (const char *p = auth; p < end; p++)
		if (*p == '@')
			at = p;
	if (at == NULL)
		return xstrdup(url);
	colon = memchr(auth, ':', (size_t)(at - auth));
	if (colon == NULL)
		return xstrdup(url);
	*had = 1;
	if (colon == auth) /* no user name: drop the whole userinfo */
		return xasprintf("%.*s%s", (int)(auth - url), url, at + 1);
	return xasprintf("%.*s%s", (int)(colon - url), url, at);
}

static void initconfig_header(struct strbuf *sb)
{
	strbuf_puts(
		sb,
		"# amconsole configuration, started by `amconsole --init-config` from the\n"
		"# environment it found. Every section is optional: a panel whose source\n"
		"# is not set here falls back to the environment (KUBECONFIG, REDIS_URL,\n"
		"# ...) and says how to configure it. Flags override this file. Check\n"
		"# the result with `amconsole --print-config`; see amconsole(1).\n"
		"# Secrets are never written here: use password files.\n"
		"\n"
		"theme: default                 # or light, high-contrast, mono, a file\n"
		"refresh: 2s                    # default interval for every panel\n"
		"read_only: false               # true: refuse every step that changes something\n"
		"# runbooks: [~/runbooks]       # extra runbook directories\n"
		"# environment: {name: prod, color: red}   # named on the top line\n");
}

static void initconfig_kubernetes(struct strbuf *sb, const char *home)
{
	const char *env = initconfig_env("KUBECONFIG");
	char *def = xasprintf("%s/.kube/config", home);
	const char *paths = env != NULL ? env : access(def, R_OK) == 0 ? def : NULL;
	struct kubeconfig *kc = NULL;
	char err[512];

	strbuf_puts(sb, "\nkubernetes:\n");
	if (paths == NULL) {
		strbuf_puts(sb, "  # KUBECONFIG was not set and ~/.kube/config does not exist.\n"
				"  # kubeconfig: ~/.kube/config\n"
				"  # context: prod\n"
				"  # namespace: atlasmesh-prod   # else the context's, else all\n");
		free(def);
		return;
	}
	strbuf_puts(sb, env != NULL ? "  # From KUBECONFIG.\n" : "  # KUBECONFIG was not set.\n");
	strbuf_puts(sb, "  kubeconfig: ");
	initconfig_quote(sb, paths);
	strbuf_putc(sb, '\n');
	if (kubeconfig_load(paths, NULL, NULL, &kc, err, sizeof err) < 0) {
		strbuf_puts(sb, "  # No current context: ");
		initconfig_comment(sb, err);
		strbuf_puts(sb, "\n  # context: prod\n");
	} else {
		strbuf_puts(sb, "  # The current-context when this file was written; without\n"
				"  # this line amconsole follows current-context.\n"
				"  context: ");
		initconfig_quote(sb, kc->context);
		strbuf_putc(sb, '\n');
		kubeconfig_free(kc);
	}
	strbuf_puts(sb, "  # namespace: atlasmesh-prod   # else the context's, else all\n");
	free(def);
}

/* value as a conninfo value: quoted when it needs it. */
static void initconfig_conninfo_value(struct strbuf *sb, const char *v)
{
	if (v[0] != '\0' && strpbrk(v, " \t\n'\\") == NULL) {
		strbuf_puts(sb, v);
		return;
	}
	strbuf_putc(sb, '\'');
	for (; *v != '\0'; v++) {
		if (*v == '\'' || *v == '\\')
			strbuf_putc(sb, '\\');
		strbuf_putc(sb, *v);
	}
	strbuf_putc(sb, '\'');
}

static void initconfig_postgres(struct strbuf *sb, const char *home)
{
	static const char *const vars[][2] = {
		{ "PGHOST", "host" },         { "PGHOSTADDR", "hostaddr" },
		{ "PGPORT", "port" },         { "PGDATABASE", "dbname" },
		{ "PGUSER", "user" },         { "PGSERVICE", "service" },
		{ "PGSSLMODE", "sslmode" },   { "PGSSLROOTCERT", "sslrootcert" },
		{ "PGPASSFILE", "passfile" }, { "PGCONNECT_TIMEOUT", "connect_timeout" },
	};
	struct strbuf ci = { 0 };
	const char *pw = initconfig_env("PGPASSWORD");
	size_t i;

	for (i = 0; i < sizeof vars / sizeof vars[0]; i++) {
		const char *v = initconfig_env(vars[i][0]);

		if (v == NULL)
			continue;
		strbuf_printf(&ci, "%s%s=", ci.len > 0 ? " " : "", vars[i][1]);
		initconfig_conninfo_value(&ci, v);
	}
	if (pw != NULL && initconfig_env("PGPASSFILE") == NULL) {
		char *pass = xasprintf("%s/.pgpass", home);

		strbuf_printf(&ci, "%spassfile=", ci.len > 0 ? " " : "");
		initconfig_conninfo_value(&ci, pass);
		free(pass);
	}
	strbuf_puts(sb, "\npostgres:\n");
	if (ci.len == 0) {
		strbuf_puts(
			sb,
			"  # No PG* variable was set (PGHOST, PGPORT, PGDATABASE, PGUSER ...).\n"
			"  # conninfo: \"host=db port=5432 dbname=atlasmesh_fleet\"\n");
	} else {
		strbuf_puts(
			sb,
			"  # From the PG* variables; libpq still reads those not named here.\n");
		if (pw != NULL)
			strbuf_puts(
				sb,
				"  # PGPASSWORD is set but not copied: put the password in the\n"
				"  # passfile below (host:port:dbname:user:password, mode "
				"0600).\n");
		strbuf_puts(sb, "  conninfo: ");
		initconfig_quote(sb, ci.buf);
		strbuf_putc(sb, '\n');
	}
	strbuf_free(&ci);
}

static void initconfig_redis(struct strbuf *sb, const char *dir)
{
	const char *v = initconfig_env("REDIS_URL");
	char *url;
	int had;

	strbuf_puts(sb, "\nredis:\n  instances:\n");
	if (v == NULL) {
		strbuf_puts(sb, "    # REDIS_URL was not set.\n"
				"    # - {name: cache, url: \"redis://10.0.0.5:6379/0\", "
				"password_file: ~/.redis-pass}\n");
		return;
	}
	url = initconfig_strip_password(v, &had);
	strbuf_puts(sb, "    # From REDIS_URL.\n");
	if (had)
		strbuf_puts(sb, "    # Its password is not copied: put it in the file named below\n"
				"    # (mode 0600).\n");
	strbuf_puts(sb, "    - name: redis\n      url: ");
	initconfig_quote(sb, url);
	if (had)
		strbuf_printf(sb, "\n      password_file: \"%s/redis-password\"", dir);
	strbuf_putc(sb, '\n');
	free(url);
}

static void initconfig_kafka(struct strbuf *sb)
{
	const char *v = initconfig_env("KAFKA_BOOTSTRAP_SERVERS");

	strbuf_puts(sb, "\nkafka:\n");
	if (v == NULL) {
		strbuf_puts(sb, "  # KAFKA_BOOTSTRAP_SERVERS was not set.\n"
				"  # bootstrap: \"kafka-0:9092\"\n");
	} else {
		strbuf_puts(sb, "  # From KAFKA_BOOTSTRAP_SERVERS.\n  bootstrap: ");
		initconfig_quote(sb, v);
		strbuf_putc(sb, '\n');
	}
	strbuf_puts(sb,
		    "  # groups: [fleet-telemetry-group]   # when the brokers cannot list groups\n"
		    "  # properties: {security.protocol: SASL_SSL}   # passed to librdkafka\n");
}

/* One URL variable into "  key: ..." (a list when list is set, split at
 * commas as the environment fallback does); passwords stripped. */
static void initconfig_url(struct strbuf *sb, const char *section, const char *key, const char *var,
			   const char *example, int list)
{
	const char *v = initconfig_env(var);
	const char *p;
	int had = 0, first = 1;

	strbuf_printf(sb, "\n%s:\n", section);
	if (v == NULL) {
		strbuf_printf(sb, "  # %s was not set.\n  # %s: %s%s%s\n", var, key,
			      list ? "[\"" : "\"", example, list ? "\"]" : "\"");
		return;
	}
	strbuf_printf(sb, "  # From %s.\n  %s: %s", var, key, list ? "[" : "");
	for (p = v; *p != '\0';) {
		size_t n = list ? strcspn(p, ",") : strlen(p);
		char *one = xstrndup(p, n), *s = one, *e = one + n;
		char *url;
		int h;

		while (*s == ' ' || *s == '\t')
			s++;
		while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
			*--e = '\0';
		if (*s != '\0') {
			url = initconfig_strip_password(s, &h);
			had |= h;
			strbuf_puts(sb, first ? "" : ", ");
			initconfig_quote(sb, url);
			first = 0;
			free(url);
		}
		free(one);
		p += n + (p[n] == ',');
	}
	strbuf_printf(sb, "%s\n", list ? "]" : "");
	if (had)
		strbuf_printf(sb, "  # %s held a password, not copied here.\n", var);
}

char *initconfig_text(const char *home, const char *dir)
{
	struct strbuf sb = { 0 };

	initconfig_header(&sb);
	initconfig_kubernetes(&sb, home);
	initconfig_postgres(&sb, home);
	initconfig_redis(&sb, dir);
	initconfig_kafka(&sb);
	initconfig_url(&sb, "alertmanager", "urls", "ALERTMANAGER_URL", "http://alertmanager:9093",
		       1);
	initconfig_url(&sb, "prometheus", "url", "PROMETHEUS_URL", "http://prometheus:9090", 0);
	strbuf_puts(&sb,
		    "\n# health:   # HTTP checks on the Sources panel\n"
		    "#   - {name: fleet-manager, url: \"http://fleet-manager:8080/health\"}\n");
	return strbuf_detach(&sb);
}

/* Write text to a new file at path (never over one). 0, or -1 + err. */
static int initconfig_create(const char *path, const char *text, char *err, size_t errlen)
{
	size_t len = strlen(text), off = 0;
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

	if (fd < 0) {
		if (errno == EEXIST)
			snprintf(err, errlen,
				 "%s already exists; not overwritten (edit it, or move it away "
				 "first)",
				 path);
		else
			snprintf(err, errlen, "cannot create %s: %s", path, strerror(errno));
		return -1;
	}
	while (off < len) {
		ssize_t n = write(fd, text + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
			close(fd);
			unlink(path);
			return -1;
		}
		off += (size_t)n;
	}
	if (close(fd) != 0) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
		unlink(path);
		return -1;
	}
	return 0;
}

/* The home directory the placeholders are written under: $HOME, else
 * the password database's (libpq does not expand "~" in passfile). */
static char *initconfig_home(void)
{
	const char *h = getenv("HOME");
	struct passwd *pw;

	if (h != NULL && h[0] != '\0')
		return xstrdup(h);
	pw = getpwuid(getuid());
	return xstrdup(pw != NULL && pw->pw_dir != NULL ? pw->pw_dir : "/");
}

int initconfig_write(const char *path, char **written, char *err, size_t errlen)
{
	char *p = path != NULL ? util_expand_home(path) : config_default_path();
	char *home, *text, *dir, *slash;
	struct config check;
	char lerr[512];
	int rc;

	*written = NULL;
	if (p == NULL) {
		snprintf(err, errlen, "no home directory: give the file with --config FILE");
		return -1;
	}
	slash = strrchr(p, '/');
	dir = slash == NULL ? xstrdup(".")
	      : slash == p  ? xstrdup("/")
			    : xstrndup(p, (size_t)(slash - p));
	if (slash != NULL && slash != p && util_mkdirs(dir, 0700) < 0) {
		snprintf(err, errlen, "cannot create %s: %s", dir, strerror(errno));
		free(dir), free(p);
		return -1;
	}
	home = initconfig_home();
	text = initconfig_text(home, dir);
	free(home);
	free(dir);
	rc = initconfig_create(p, text, err, errlen);
	free(text);
	if (rc == 0) {
		config_defaults(&check);
		if (config_load_file(&check, p, lerr, sizeof lerr) < 0) {
			snprintf(err, errlen, "wrote %s, but it does not load (a bug): %s", p,
				 lerr);
			rc = -1;
		}
		config_free(&check);
	}
	if (rc == 0)
		*written = p;
	else
		free(p);
	return rc;
}
