/*
 * options.c - command-line parsing for the shell (see options.h). One
 * table, options_table[], names every option with its argument and help
 * line; parsing, --help and the man page's option list all read it. The
 * order of precedence is the configuration file, then the environment,
 * then flags, so argv is read twice: once to find --config and check
 * every option, once after loading to apply the flags. Main thread only.
 */
#include "app/options.h"

#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/util.h"

const struct options_def options_table[] = {
	{ "config", "FILE", "read this configuration file instead of the default",
	  OPTIONS_OPT_CONFIG, OPTIONS_SET_NONE, 0 },
	{ "runbooks", "DIR", "also load runbooks from DIR (repeatable)", OPTIONS_OPT_RUNBOOKS,
	  OPTIONS_SET_NONE, 0 },
	{ "theme", "NAME", "colour theme: default, light, high-contrast, mono or a file",
	  OPTIONS_OPT_THEME, OPTIONS_SET_STRING, offsetof(struct config, theme) },
	{ "read-only", NULL, "refuse every step that changes something", OPTIONS_OPT_READ_ONLY,
	  OPTIONS_SET_FLAG, offsetof(struct config, read_only) },
	{ "incident", "resume",
	  "reopen the newest incident (after a crash or restart): its timeline goes on",
	  OPTIONS_OPT_INCIDENT, OPTIONS_SET_NONE, 0 },
	{ "present", "ROOM", "present this session in war room ROOM (warroom in the config)",
	  OPTIONS_OPT_PRESENT, OPTIONS_SET_STRING, offsetof(struct config, warroom_present) },
	{ "follow", "ROOM", "follow the presenter of war room ROOM, read-only", OPTIONS_OPT_FOLLOW,
	  OPTIONS_SET_STRING, offsetof(struct config, warroom_follow) },
	{ "own-data", NULL, "with --follow: show your own sources, follow only the view",
	  OPTIONS_OPT_OWN_DATA, OPTIONS_SET_FLAG, offsetof(struct config, warroom_own_data) },
	{ "warroom", "URL", "where war rooms meet: a redis:// URL or a PostgreSQL conninfo",
	  OPTIONS_OPT_WARROOM, OPTIONS_SET_NONE, 0 },
	{ "warroom-secret", "FILE", "the war room's shared secret (first line of FILE)",
	  OPTIONS_OPT_WARROOM_SECRET, OPTIONS_SET_PATH,
	  offsetof(struct config, warroom_secret_file) },
	{ "record", "FILE", "record the panels' data and the view to FILE (for --replay)",
	  OPTIONS_OPT_RECORD, OPTIONS_SET_PATH, offsetof(struct config, record_file) },
	{ "replay", "FILE",
	  "show a recording again, with no server (space, Left, Right, +, -, g, G)",
	  OPTIONS_OPT_REPLAY, OPTIONS_SET_PATH, offsetof(struct config, replay_file) },
	{ "asciicast", "FILE",
	  "also write the terminal output as an asciicast v2 file (asciinema play), steps marked",
	  OPTIONS_OPT_ASCIICAST, OPTIONS_SET_PATH, offsetof(struct config, asciicast_file) },
	{ "context", "NAME", "use this kubeconfig context instead of current-context",
	  OPTIONS_OPT_CONTEXT, OPTIONS_SET_STRING, offsetof(struct config, kube_context) },
	{ "namespace", "NAME", "show this Kubernetes namespace (\"all\" for every namespace)",
	  OPTIONS_OPT_NAMESPACE, OPTIONS_SET_STRING, offsetof(struct config, kube_namespace) },
	{ "refresh", "DURATION", "default refresh interval (2s, 500ms, 1m)", OPTIONS_OPT_REFRESH,
	  OPTIONS_SET_DURATION, offsetof(struct config, refresh) },
	{ "audit-log", "FILE", "append the audit log to FILE", OPTIONS_OPT_AUDIT_LOG,
	  OPTIONS_SET_PATH, offsetof(struct config, audit_log) },
	{ "log", "FILE", "write the debug log to FILE (also AMCONSOLE_LOG)", OPTIONS_OPT_LOG,
	  OPTIONS_SET_PATH, offsetof(struct config, log_file) },
	{ "step-timeout", "DURATION", "stop a running step after DURATION (default 300s)",
	  OPTIONS_OPT_STEP_TIMEOUT, OPTIONS_SET_DURATION, offsetof(struct config, step_timeout) },
	{ "ascii", NULL, "draw lines with ASCII characters", OPTIONS_OPT_ASCII, OPTIONS_SET_FLAG,
	  offsetof(struct config, ascii) },
	{ "no-mouse", NULL, "do not capture the mouse", OPTIONS_OPT_NO_MOUSE, OPTIONS_SET_FLAG,
	  offsetof(struct config, no_mouse) },
	{ "print-config", NULL, "print the effective configuration, secrets masked, and exit",
	  OPTIONS_OPT_PRINT_CONFIG, OPTIONS_SET_NONE, 0 },
	{ "lint", NULL, "check the runbook FILEs given as operands and exit", OPTIONS_OPT_LINT,
	  OPTIONS_SET_NONE, 0 },
	{ "dump-runbook", NULL, "print the steps parsed from the runbook FILEs and exit",
	  OPTIONS_OPT_DUMP_RUNBOOK, OPTIONS_SET_NONE, 0 },
	{ "init-config", NULL,
	  "write a commented starter configuration file from the environment and exit",
	  OPTIONS_OPT_INIT_CONFIG, OPTIONS_SET_NONE, 0 },
	{ "version", NULL, "print the version and exit", OPTIONS_OPT_VERSION, OPTIONS_SET_NONE, 0 },
	{ "help", NULL, "print this help and exit", OPTIONS_OPT_HELP, OPTIONS_SET_NONE, 0 },
	/* Hidden (no help line): the tables tests/docs-check.sh holds the
	 * README and the man page to. */
	{ "list-commands", NULL, NULL, OPTIONS_OPT_LIST_COMMANDS, OPTIONS_SET_NONE, 0 },
	{ "list-keys", NULL, NULL, OPTIONS_OPT_LIST_KEYS, OPTIONS_SET_NONE, 0 },
	/* Hidden: the kubeconfig's contexts for the shell completions. */
	{ "list-contexts", NULL, NULL, OPTIONS_OPT_LIST_CONTEXTS, OPTIONS_SET_NONE, 0 },
	{ NULL, NULL, NULL, 0, OPTIONS_SET_NONE, 0 },
};

/* Split "--name[=value]" and find name in the table; NULL if unknown. */
static const struct options_def *options_lookup(const char *arg, const char **inline_value)
{
	const char *name = arg + 2;
	size_t n = strcspn(name, "=");
	const struct options_def *d;

	*inline_value = name[n] == '=' ? name + n + 1 : NULL;
	for (d = options_table; d->name != NULL; d++)
		if (strlen(d->name) == n && strncmp(d->name, name, n) == 0)
			return d;
	return NULL;
}

/* Fetch the option at argv[*i] and its value; advances *i past a
 * separate value. 0, or -1 + err. */
static int options_next(int argc, char **argv, int *i, const struct options_def **def,
			const char **value, char *err, size_t errlen)
{
	const char *arg = argv[*i];
	const char *inline_value;

	*def = options_lookup(arg, &inline_value);
	*value = NULL;
	if (*def == NULL) {
		int n = (int)strcspn(arg, "=");

		snprintf(err, errlen, "unknown option '%.*s' (see --help)", n, arg);
		return -1;
	}
	if ((*def)->arg == NULL) {
		if (inline_value != NULL) {
			snprintf(err, errlen, "option '--%s' takes no argument", (*def)->name);
			return -1;
		}
		return 0;
	}
	if (inline_value != NULL) {
		*value = inline_value;
	} else if (*i + 1 < argc) {
		*value = argv[++*i];
	} else {
		snprintf(err, errlen, "option '--%s' needs an argument (%s)", (*def)->name,
			 (*def)->arg);
		return -1;
	}
	return 0;
}

static int options_is_option(const char *arg)
{
	return arg[0] == '-' && arg[1] != '\0';
}

static int options_duration(const struct options_def *d, const char *value, double *out, char *err,
			    size_t errlen)
{
	double v;

	if (util_parse_duration(value, &v) < 0 || !(v > 0) || !isfinite(v)) {
		snprintf(err, errlen,
			 "--%s: bad duration '%s' (a positive number of seconds, or 2s, 500ms, 1m)",
			 d->name, value);
		return -1;
	}
	*out = v;
	return 0;
}

static int options_nonempty(const struct options_def *d, const char *value, char *err,
			    size_t errlen)
{
	if (value[0] == '\0') {
		snprintf(err, errlen, "--%s: the %s must not be empty", d->name, d->arg);
		return -1;
	}
	return 0;
}

/* Replace the string *field by value (~ expanded when expand is set);
 * an empty value is an error. */
static int options_string(const struct options_def *d, const char *value, char **field, int expand,
			  char *err, size_t errlen)
{
	if (options_nonempty(d, value, err, errlen) < 0)
		return -1;
	free(*field);
	*field = expand ? util_expand_home(value) : xstrdup(value);
	return 0;
}

/* Apply one flag over the loaded configuration: the table's set and
 * field columns for most, a case of their own for the rest. */
static int options_apply(const struct options_def *d, const char *value, struct config *c,
			 char *err, size_t errlen)
{
	void *field = (char *)c + d->field;

	switch (d->set) {
	case OPTIONS_SET_FLAG:
		*(int *)field = 1;
		return 0;
	case OPTIONS_SET_STRING:
	case OPTIONS_SET_PATH:
		return options_string(d, value, field, d->set == OPTIONS_SET_PATH, err, errlen);
	case OPTIONS_SET_DURATION:
		return options_duration(d, value, field, err, errlen);
	case OPTIONS_SET_NONE:
		break;
	}
	switch (d->id) {
	case OPTIONS_OPT_RUNBOOKS:
		if (options_nonempty(d, value, err, errlen) < 0)
			return -1;
		config_add_runbook_dir(c, value);
		break;
	case OPTIONS_OPT_INCIDENT:
		if (value == NULL || strcmp(value, "resume") != 0) {
			snprintf(err, errlen, "--incident: the only action is \"resume\"");
			return -1;
		}
		c->incident_resume = 1;
		break;
	case OPTIONS_OPT_WARROOM:
		if (options_nonempty(d, value, err, errlen) < 0)
			return -1;
		free(c->warroom_redis);
		free(c->warroom_postgres);
		c->warroom_redis = c->warroom_postgres = NULL;
		if (strncmp(value, "redis://", 8) == 0 || strncmp(value, "rediss://", 9) == 0 ||
		    strncmp(value, "unix://", 7) == 0)
			c->warroom_redis = xstrdup(value);
		else
			c->warroom_postgres = xstrdup(value);
		break;
	default:
		break; /* handled by the first pass */
	}
	return 0;
}

/* 1 if argv[i] is a known option that takes its value from argv[i+1]. */
static int options_takes_next(int argc, char **argv, int i)
{
	const struct options_def *d;
	const char *iv;

	if (argv[i][1] != '-' || i + 1 >= argc)
		return 0;
	d = options_lookup(argv[i], &iv);
	return d != NULL && d->arg != NULL && iv == NULL;
}

/* Move operands to the end of argv, keeping both groups in order, as GNU
 * getopt does; returns the number of operands. */
static int options_permute(int argc, char **argv)
{
	char **tmp = xcalloc((size_t)argc, sizeof(*tmp));
	int i, pass, n = 0, nops = 0;

	for (pass = 0; pass < 2; pass++) {
		int end = 0;

		for (i = 1; i < argc; i++) {
			int operand = end || !options_is_option(argv[i]);
			int skip = !operand && options_takes_next(argc, argv, i);

			if (!operand && strcmp(argv[i], "--") == 0)
				end = 1;
			if (operand == pass) {
				tmp[n++] = argv[i];
				if (skip)
					tmp[n++] = argv[i + 1];
			}
			nops += pass && operand;
			i += skip;
		}
	}
	memcpy(argv + 1, tmp, (size_t)(argc - 1) * sizeof(*argv));
	free(tmp);
	return nops;
}

/* The mode a mode option selects (those that need the configuration). */
static enum options_mode options_mode_of(enum options_id id)
{
	switch (id) {
	case OPTIONS_OPT_LINT:
		return OPTIONS_LINT;
	case OPTIONS_OPT_DUMP_RUNBOOK:
		return OPTIONS_DUMP_RUNBOOK;
	case OPTIONS_OPT_LIST_CONTEXTS:
		return OPTIONS_LIST_CONTEXTS;
	default:
		return OPTIONS_PRINT_CONFIG;
	}
}

/* A binary run from a checkout (build/amconsole, build/san/amconsole)
 * finds the tree's runbooks/ as an installed one finds DATADIR's: the
 * first of its folder's parents (up to three) that holds runbooks/ and
 * app/main.c is the source tree. Adds that runbooks/ to c: 1, else 0. */
static int options_source_tree(struct config *c)
{
	char exe[4096], probe[4200];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	struct stat st;
	int up;

	if (n <= 0)
		return 0;
	exe[n] = '\0';
	for (up = 0; up < 3; up++) {
		char *slash = strrchr(exe, '/');

		if (slash == NULL || slash == exe)
			return 0;
		*slash = '\0'; /* exe is now the folder one level up */
		snprintf(probe, sizeof probe, "%s/app/main.c", exe);
		if (stat(probe, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		snprintf(probe, sizeof probe, "%s/runbooks", exe);
		if (stat(probe, &st) == 0 && S_ISDIR(st.st_mode)) {
			config_add_runbook_dir(c, probe);
			return 1;
		}
	}
	return 0;
}

/* Load the configuration file: file if not NULL, else the default path
 * when it exists (a missing default file is normal; a broken one is
 * not). 0, or -1 + err. */
static int options_load(struct config *c, const char *file, char *err, size_t errlen)
{
	char *def;
	struct stat st;
	int rc = 0;

	if (file != NULL)
		return config_load_file(c, file, err, errlen);
	def = config_default_path();
	if (def != NULL && stat(def, &st) == 0)
		rc = config_load_file(c, def, err, errlen);
	free(def);
	return rc < 0 ? -1 : 0;
}

/* --present, --follow and --own-data together make sense, and name a
 * place to meet. 0, or -1 + err. */
static int options_check_warroom(const struct config *c, char *err, size_t errlen)
{
	if (c->warroom_present != NULL && c->warroom_follow != NULL) {
		snprintf(err, errlen, "--present and --follow cannot be combined");
		return -1;
	}
	if (c->warroom_own_data && c->warroom_follow == NULL) {
		snprintf(err, errlen, "--own-data goes with --follow ROOM");
		return -1;
	}
	if (c->replay_file != NULL &&
	    (c->warroom_present != NULL || c->warroom_follow != NULL || c->record_file != NULL)) {
		snprintf(err, errlen,
			 "--replay goes alone: not with --present, --follow or --record");
		return -1;
	}
	if ((c->warroom_present != NULL || c->warroom_follow != NULL) && c->warroom_redis == NULL &&
	    c->warroom_postgres == NULL) {
		snprintf(err, errlen,
			 "a war room needs somewhere to meet: --warroom URL, warroom.redis or "
			 "warroom.postgres in the config, or AMCONSOLE_WARROOM_URL");
		return -1;
	}
	return 0;
}

int options_parse(int argc, char **argv, struct config *c, struct options_result *res, char *err,
		  size_t errlen)
{
	const struct options_def *d;
	const char *value, *config_file = NULL;
	int i, nops, nopt, help = 0, end = 0, runbooks_flag = 0;
	enum options_mode quick = OPTIONS_RUN; /* --version, --list-*: no configuration */
	const char *mode_name = NULL;

	memset(res, 0, sizeof(*res));
	res->mode = OPTIONS_RUN;

	/* First pass: check every option, find --config and the mode. */
	for (i = 1; i < argc; i++) {
		if (end || !options_is_option(argv[i]))
			continue;
		if (strcmp(argv[i], "--") == 0) {
			end = 1;
			continue;
		}
		if (argv[i][1] != '-') {
			snprintf(err, errlen, "unknown option '%s' (see --help)", argv[i]);
			return -1;
		}
		if (options_next(argc, argv, &i, &d, &value, err, errlen) < 0)
			return -1;
		switch (d->id) {
		case OPTIONS_OPT_CONFIG:
			if (options_nonempty(d, value, err, errlen) < 0)
				return -1;
			config_file = value;
			break;
		case OPTIONS_OPT_HELP:
			help = 1;
			break;
		case OPTIONS_OPT_VERSION:
			quick = OPTIONS_VERSION;
			break;
		case OPTIONS_OPT_LIST_COMMANDS:
			quick = OPTIONS_LIST_COMMANDS;
			break;
		case OPTIONS_OPT_LIST_KEYS:
			quick = OPTIONS_LIST_KEYS;
			break;
		case OPTIONS_OPT_INIT_CONFIG:
			quick = OPTIONS_INIT_CONFIG;
			break;
		case OPTIONS_OPT_PRINT_CONFIG:
		case OPTIONS_OPT_LINT:
		case OPTIONS_OPT_LIST_CONTEXTS:
		case OPTIONS_OPT_DUMP_RUNBOOK: {
			enum options_mode m = options_mode_of(d->id);

			if (mode_name != NULL && res->mode != m) {
				snprintf(err, errlen, "--%s and --%s cannot be combined", mode_name,
					 d->name);
				return -1;
			}
			res->mode = m;
			mode_name = d->name;
			break;
		}
		default:
			break;
		}
	}
	if (help) {
		res->mode = OPTIONS_HELP;
		return 0;
	}
	res->config_file = config_file;
	if (quick == OPTIONS_INIT_CONFIG && mode_name != NULL) {
		snprintf(err, errlen, "--init-config and --%s cannot be combined", mode_name);
		return -1;
	}
	if (quick == OPTIONS_INIT_CONFIG && (nops = options_permute(argc, argv)) > 0) {
		snprintf(err, errlen, "unexpected argument '%s' (see --help)", argv[argc - nops]);
		return -1;
	}
	if (quick != OPTIONS_RUN) {
		res->mode = quick;
		return 0;
	}

	nops = options_permute(argc, argv);
	nopt = argc - 1 - nops;
	if (res->mode == OPTIONS_LINT || res->mode == OPTIONS_DUMP_RUNBOOK) {
		if (nops == 0) {
			snprintf(err, errlen, "--%s needs at least one FILE", mode_name);
			return -1;
		}
		res->files = argv + 1 + nopt;
		res->nfiles = nops;
	} else if (nops > 0) {
		snprintf(err, errlen, "unexpected argument '%s' (see --help)", argv[1 + nopt]);
		return -1;
	}

	if (options_load(c, config_file, err, errlen) < 0)
		return -1;
	config_apply_env(c);

	/* Second pass: flags over file and environment. */
	for (i = 1; i <= nopt; i++) {
		if (strcmp(argv[i], "--") == 0)
			continue;
		if (options_next(argc, argv, &i, &d, &value, err, errlen) < 0)
			return -1;
		if (options_apply(d, value, c, err, errlen) < 0)
			return -1;
		runbooks_flag |= d->id == OPTIONS_OPT_RUNBOOKS;
	}
	if (c->log_file == NULL && (value = getenv("AMCONSOLE_LOG")) != NULL && value[0] != '\0')
		c->log_file = xstrdup(value);
	if (options_check_warroom(c, err, errlen) < 0)
		return -1;
	if (!runbooks_flag)
		res->source_tree = options_source_tree(c);
	return 0;
}

void options_usage(FILE *out)
{
	const struct options_def *d;
	int width = 0;

	for (d = options_table; d->name != NULL; d++) {
		int w;

		if (d->help == NULL)
			continue;
		w = 2 + (int)strlen(d->name) + (d->arg != NULL ? 1 + (int)strlen(d->arg) : 0);

		if (w > width)
			width = w;
	}
	fputs("Usage: amconsole [OPTION]...\n"
	      "       amconsole --lint FILE...\n"
	      "       amconsole --dump-runbook FILE...\n"
	      "An operator console for the AtlasMesh fleet: live panels and guided runbooks.\n"
	      "Configuration: the YAML file, then the environment, then these flags.\n"
	      "\n"
	      "Options (--opt VALUE or --opt=VALUE):\n",
	      out);
	for (d = options_table; d->name != NULL; d++) {
		char left[64];

		if (d->help == NULL)
			continue; /* hidden */
		snprintf(left, sizeof(left), "--%s%s%s", d->name, d->arg != NULL ? " " : "",
			 d->arg != NULL ? d->arg : "");
		fprintf(out, "  %-*s  %s\n", width, left, d->help);
	}
}
