/*
 * audit.c - the append-only audit log (see audit.h). Each event is one
 * JSON object built with cJSON on one line, written with a single
 * write() to a file opened O_APPEND (0600, in a 0700 directory) and
 * fsync'd before audit_write returns, so a crash or an SSH drop right
 * after a step still leaves its line. Who, from where and on which tty
 * are looked up once at open; every text field is redacted and sanitised
 * on the way in, so neither secrets nor terminal escapes reach the file.
 */
#include "core/audit.h"

#include <cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/util.h"
#include "lib/redact.h"
#include "lib/sanitize.h"

static pthread_mutex_t audit_lock = PTHREAD_MUTEX_INITIALIZER;
static int audit_fd = -1;
static char *audit_file;
static char *audit_user;
static char audit_room[96], audit_role[16], audit_as[64]; /* audit_set_warroom */
static char *audit_origin;
static char *audit_tty;

static char *audit_default_path(void)
{
	const char *state = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");
	struct passwd pw, *res = NULL;
	char buf[4096];

	/* The XDG spec says relative values are to be ignored. */
	if (state != NULL && state[0] == '/')
		return xasprintf("%s/amconsole/audit.log", state);
	if (home == NULL || home[0] == '\0') {
		if (getpwuid_r(getuid(), &pw, buf, sizeof buf, &res) != 0 || res == NULL)
			return NULL;
		home = pw.pw_dir;
	}
	return xasprintf("%s/.local/state/amconsole/audit.log", home);
}

static char *audit_lookup_user(void)
{
	struct passwd pw, *res = NULL;
	const char *name;
	char buf[4096];

	if (getpwuid_r(getuid(), &pw, buf, sizeof buf, &res) == 0 && res != NULL)
		return xstrdup(pw.pw_name);
	name = getenv("LOGNAME");
	if (name == NULL || *name == '\0')
		name = getenv("USER");
	if (name != NULL && *name != '\0')
		return xstrdup(name);
	return xasprintf("uid:%ld", (long)getuid());
}

static char *audit_lookup_origin(void)
{
	const char *ssh = getenv("SSH_CLIENT");
	size_t n;

	if (ssh == NULL || *ssh == '\0')
		return xstrdup("local");
	n = strcspn(ssh, " ");
	return xstrndup(ssh, n);
}

static char *audit_lookup_tty(void)
{
	char buf[256];

	if (isatty(STDIN_FILENO) && ttyname_r(STDIN_FILENO, buf, sizeof buf) == 0)
		return xstrdup(buf);
	return NULL;
}

/* Free everything open; with the lock held or before threads. */
static void audit_reset(void)
{
	if (audit_fd >= 0)
		close(audit_fd);
	audit_fd = -1;
	free(audit_file);
	free(audit_user);
	free(audit_origin);
	free(audit_tty);
	audit_file = audit_user = audit_origin = audit_tty = NULL;
}

int audit_open(const char *path, char *err, size_t errlen)
{
	char *file, *dir, *slash;
	int fd;

	file = path != NULL ? util_expand_home(path) : audit_default_path();
	if (file == NULL) {
		snprintf(err, errlen, "audit log: no home directory");
		return -1;
	}
	dir = xstrdup(file);
	slash = strrchr(dir, '/');
	if (slash != NULL && slash != dir) {
		*slash = '\0';
		if (util_mkdirs(dir, 0700) != 0) {
			snprintf(err, errlen, "audit log: %s: %s", dir, strerror(errno));
			free(dir);
			free(file);
			return -1;
		}
	}
	free(dir);
	fd = open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		snprintf(err, errlen, "audit log: %s: %s", file, strerror(errno));
		free(file);
		return -1;
	}
	/* An older file created with a looser mode is tightened. */
	fchmod(fd, 0600);

	pthread_mutex_lock(&audit_lock);
	audit_reset();
	audit_fd = fd;
	audit_file = file;
	audit_user = audit_lookup_user();
	audit_origin = audit_lookup_origin();
	audit_tty = audit_lookup_tty();
	pthread_mutex_unlock(&audit_lock);
	return 0;
}

static void audit_time(char *buf, size_t n)
{
	struct timespec ts;
	struct tm tm;
	char base[32];
	int ms;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
	ms = (int)(ts.tv_nsec / 1000000L) % 1000;
	snprintf(buf, n, "%s.%03dZ", base, ms);
}

/* Add s redacted and sanitised; NULL adds nothing. */
static void audit_add_text(cJSON *o, const char *key, const char *s)
{
	char *red, *clean;

	if (s == NULL)
		return;
	red = redact(s);
	clean = sanitize_str(red);
	cJSON_AddStringToObject(o, key, clean);
	free(clean);
	free(red);
}

static int audit_write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int audit_write(const struct audit_event *ev)
{
	char stamp[64], *json, *line;
	cJSON *o;
	int rc = -1;

	pthread_mutex_lock(&audit_lock);
	if (audit_fd < 0 || ev == NULL) {
		pthread_mutex_unlock(&audit_lock);
		return -1;
	}
	o = cJSON_CreateObject();
	if (o == NULL)
		util_die("out of memory (audit)");
	audit_time(stamp, sizeof stamp);
	cJSON_AddStringToObject(o, "time", stamp);
	audit_add_text(o, "event", ev->event != NULL ? ev->event : "event");
	cJSON_AddStringToObject(o, "user", audit_user);
	cJSON_AddStringToObject(o, "origin", audit_origin);
	if (audit_tty != NULL)
		cJSON_AddStringToObject(o, "tty", audit_tty);
	cJSON_AddNumberToObject(o, "pid", (double)getpid());
	if (audit_room[0] != '\0') {
		audit_add_text(o, "warroom", audit_room);
		audit_add_text(o, "role", audit_role);
		audit_add_text(o, "as", audit_as);
	}
	audit_add_text(o, "runbook", ev->runbook);
	audit_add_text(o, "step", ev->step);
	audit_add_text(o, "command", ev->command);
	audit_add_text(o, "target", ev->target);
	audit_add_text(o, "status", ev->status);
	if (ev->exit_code != -1)
		cJSON_AddNumberToObject(o, "exit_code", ev->exit_code);
	if (ev->duration >= 0)
		cJSON_AddNumberToObject(o, "duration_s",
					(double)(long)(ev->duration * 1000) / 1000.0);
	audit_add_text(o, "reason", ev->reason);

	json = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (json == NULL)
		util_die("out of memory (audit)");
	line = xasprintf("%s\n", json);
	cJSON_free(json);
	if (audit_write_all(audit_fd, line, strlen(line)) == 0 && fsync(audit_fd) == 0)
		rc = 0;
	free(line);
	pthread_mutex_unlock(&audit_lock);
	return rc;
}

void audit_set_warroom(const char *room, const char *role, const char *name)
{
	pthread_mutex_lock(&audit_lock);
	snprintf(audit_room, sizeof audit_room, "%s", room != NULL ? room : "");
	snprintf(audit_role, sizeof audit_role, "%s", role != NULL ? role : "");
	snprintf(audit_as, sizeof audit_as, "%s", name != NULL ? name : "");
	pthread_mutex_unlock(&audit_lock);
}

const char *audit_path(void)
{
	return audit_file;
}

void audit_close(void)
{
	pthread_mutex_lock(&audit_lock);
	audit_reset();
	pthread_mutex_unlock(&audit_lock);
}
