/*
 * main.c - amconsole's entry point: parse options and configuration,
 * answer the commands that need no terminal (--help, --version,
 * --print-config, --lint, --dump-runbook), else load the runbooks and the
 * theme, open the audit log and run the shell.
 */
#include <errno.h>
#include <locale.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/app.h"
#include "app/initconfig.h"
#include "backends/k8s.h"
#include "backends/k8s/kubeconfig.h"
#include "core/audit.h"
#include "core/lint.h"
#include "lib/log.h"
#include "core/runbook.h"
#include "lib/util.h"
#include "core/config.h"
#include "app/options.h"
#include "ui/screen.h"
#include "ui/theme.h"

static int main_dump(char *const *files, int n)
{
	struct runbook_set set = { 0 };
	char err[512];
	char *json;
	int i;

	for (i = 0; i < n; i++) {
		if (runbook_load_file(&set, files[i], err, sizeof err) != 0) {
			fprintf(stderr, "amconsole: %s\n", err);
			runbook_set_free(&set);
			return 2;
		}
	}
	json = runbook_dump_json(&set);
	puts(json);
	free(json);
	runbook_set_free(&set);
	return 0;
}

static int main_init_config(const char *path)
{
	char err[1024];
	char *written;

	if (initconfig_write(path, &written, err, sizeof err) != 0) {
		fprintf(stderr, "amconsole: --init-config: %s\n", err);
		return 1;
	}
	printf("wrote %s\nedit it, then check it with: amconsole --print-config\n", written);
	free(written);
	return 0;
}

/* The kubeconfig's context names, one a line (the shell completions'
 * --context); nothing when there is no kubeconfig. */
static int main_list_contexts(const struct config *c)
{
	struct kubeconfig *kc;
	char err[512];
	size_t i;

	if (kubeconfig_load(c->kubeconfig, NULL, NULL, &kc, err, sizeof err) != 0 &&
	    kubeconfig_load(c->kubeconfig, c->kube_context, NULL, &kc, err, sizeof err) != 0)
		return 1;
	for (i = 0; i < kc->ncontexts; i++)
		puts(kc->contexts[i]);
	kubeconfig_free(kc);
	return 0;
}

static int main_is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Installed runbooks first (unless the source tree's stand in for
 * them), then the configured and --runbooks dirs. Problems are kept for
 * the first screen, never fatal. */
static void main_load_runbooks(const struct config *c, int source_tree, struct runbook_set *set,
			       char *note, size_t notelen)
{
	char err[512];
	size_t i;

	note[0] = '\0';
	if (!source_tree && main_is_dir(AM_DATADIR "/runbooks") &&
	    runbook_load_dir(set, AM_DATADIR "/runbooks", err, sizeof err) < 0)
		snprintf(note, notelen, "%s", err);
	for (i = 0; i < c->nrunbooks; i++) {
		err[0] = '\0';
		if (runbook_load_dir(set, c->runbooks[i], err, sizeof err) < 0 || err[0] != '\0')
			snprintf(note, notelen, "runbooks: %s", err);
	}
}

/* Blocks from 128 KiB up (a 10,000-pod page or metrics body, row arrays)
 * are mapped apart and unmapped when freed. glibc's sliding threshold
 * would move them into the heap after the first such free, and a worker
 * thread's heap never gives its free top back (not even to malloc_trim):
 * about 6 MB resident for nothing at 10,000 pods. */
static void main_heap_init(void)
{
#if defined(__GLIBC__)
	mallopt(M_MMAP_THRESHOLD, 128 * 1024);
#endif
}

int main(int argc, char **argv)
{
	struct config cfg, fcfg;
	struct options_result res = { 0 };
	struct app_warroom *wr;
	struct runbook_set set = { 0 };
	struct theme theme;
	struct app *app;
	char err[1024], note[600];
	int status;

	setlocale(LC_ALL, "");
	main_heap_init();
	/* cJSON's allocator hooks, set before any thread uses cJSON. */
	k8s_json_init();
	config_defaults(&cfg);
	if (options_parse(argc, argv, &cfg, &res, err, sizeof err) != 0) {
		fprintf(stderr, "amconsole: %s\n", err);
		config_free(&cfg);
		return 2;
	}
	switch (res.mode) {
	case OPTIONS_HELP:
		options_usage(stdout);
		config_free(&cfg);
		return 0;
	case OPTIONS_VERSION:
		printf("amconsole %s\n", AM_VERSION);
		config_free(&cfg);
		return 0;
	case OPTIONS_PRINT_CONFIG: {
		char *text = config_print(&cfg);

		fputs(text, stdout);
		free(text);
		config_free(&cfg);
		return 0;
	}
	case OPTIONS_LINT:
		status = lint_files(res.files, res.nfiles, stdout, stderr);
		config_free(&cfg);
		return status;
	case OPTIONS_DUMP_RUNBOOK:
		status = main_dump(res.files, res.nfiles);
		config_free(&cfg);
		return status;
	case OPTIONS_LIST_COMMANDS:
		app_list_commands(stdout);
		config_free(&cfg);
		return 0;
	case OPTIONS_LIST_KEYS:
		app_list_keys(stdout);
		config_free(&cfg);
		return 0;
	case OPTIONS_INIT_CONFIG:
		status = main_init_config(res.config_file);
		config_free(&cfg);
		return status;
	case OPTIONS_LIST_CONTEXTS:
		status = main_list_contexts(&cfg);
		config_free(&cfg);
		return status;
	case OPTIONS_RUN:
		break;
	}
	if (isatty(STDOUT_FILENO) && screen_check_terminal(err, sizeof err) != 0) {
		fprintf(stderr, "amconsole: %s\n", err);
		config_free(&cfg);
		return 2;
	}

	if (cfg.log_file != NULL && log_open(cfg.log_file) != 0)
		fprintf(stderr, "amconsole: cannot open log %s: %s\n", cfg.log_file,
			strerror(errno));
	if (audit_open(cfg.audit_log, err, sizeof err) != 0) {
		fprintf(stderr, "amconsole: audit log: %s\n", err);
		config_free(&cfg);
		return 1;
	}
	if (getenv("NO_COLOR") != NULL && strcmp(cfg.theme, "default") == 0) {
		theme_builtin("mono", &theme);
	} else if (app_theme_load(cfg.theme, &theme, err, sizeof err) != 0) {
		fprintf(stderr, "amconsole: theme: %s\n", err);
		config_free(&cfg);
		return 2;
	}
	memset(&fcfg, 0, sizeof fcfg);
	wr = app_warroom_start(&cfg, &fcfg, err, sizeof err);
	if (wr == NULL && err[0] != '\0') {
		fprintf(stderr, "amconsole: %s\n", err);
		config_free(&cfg);
		return 1;
	}
	main_load_runbooks(&cfg, res.source_tree, &set, note, sizeof note);
	log_msg("start: %zu runbook entries, theme %s%s", set.nentries, theme.name,
		cfg.read_only ? ", read-only" : "");

	/* A follower runs on its presenter's configuration. */
	app = app_new(fcfg.config_path != NULL ? &fcfg : &cfg, &theme, &set, err, sizeof err);
	if (app == NULL) {
		fprintf(stderr, "amconsole: %s\n", err);
		runbook_set_free(&set);
		config_free(&fcfg);
		config_free(&cfg);
		return 1;
	}
	app_warroom_attach(app, wr);
	if (note[0] != '\0')
		app_message(app, ROLE_WARN, "%s", note);
	status = app_run(app);
	app_free(app);
	audit_close();
	log_close();
	runbook_set_free(&set);
	config_free(&fcfg);
	config_free(&cfg);
	return status;
}
