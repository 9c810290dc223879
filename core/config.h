/*
 * config.h - the effective configuration: the YAML file
 * ($XDG_CONFIG_HOME/amconsole/config.yaml or --config), then the
 * environment each ecosystem already uses, then flags. Every key of
 * DESIGN.md "Configuration" is accepted and validated; an unknown key or
 * a bad value is an error naming the file, line and key. Loaded once on
 * the main thread before anything starts; read-only afterwards.
 */
#ifndef AM_CONFIG_H
#define AM_CONFIG_H

#include <stddef.h>

struct config_redis {
	char *name;
	char *url; /* redis://[user[:password]@]host[:port][/db] or a socket path */
	char *password_file;
	char *password_env; /* name of an environment variable holding it */
};

struct config_health {
	char *name;
	char *url;
};

/* environment: what the top line names, so nobody takes production for
 * staging on a shared screen; per kubeconfig context, or for all. */
struct config_env {
	char *name;    /* "prod" */
	char *color;   /* a theme colour name or number, or NULL: the theme's */
	char *context; /* the kubeconfig context it is for, NULL: any */
};

/* The grid's layout presets: layout: in the file, :layout NAME on the
 * command line. auto gives space by need (a narrow runbook column while
 * it lists symptoms); runbook keeps the runbook pane wide; panels has no
 * runbook column; tall stacks everything in one column. */
enum config_layout {
	CONFIG_LAYOUT_AUTO,
	CONFIG_LAYOUT_RUNBOOK,
	CONFIG_LAYOUT_PANELS,
	CONFIG_LAYOUT_TALL,
};

/* The presets' names, indexed by enum config_layout, NULL-terminated:
 * the loader, :layout and the help agree on them. */
extern const char *const config_layout_names[];

struct config {
	char *theme;    /* "default", "light", "high-contrast", "mono" or a file */
	int layout;     /* enum config_layout, default auto */
	double refresh; /* seconds, default 2 */
	int read_only;
	int incident_resume; /* --incident resume: reopen the newest incident */
	char **runbooks;     /* extra runbook directories (expanded ~) */
	size_t nrunbooks;

	char *kubeconfig; /* kubernetes.kubeconfig, else KUBECONFIG */
	char *kube_context;
	char *kube_namespace;

	char *pg_conninfo; /* postgres.conninfo; NULL: libpq's environment */

	struct config_redis *redis; /* redis.instances; else REDIS_URL */
	size_t nredis;

	char *kafka_bootstrap; /* kafka.bootstrap, else KAFKA_BOOTSTRAP_SERVERS */
	char **kafka_groups;
	size_t nkafka_groups;
	char **kafka_prop_keys; /* kafka.properties, passed as is */
	char **kafka_prop_values;
	size_t nkafka_props;

	char **alertmanager_urls; /* else ALERTMANAGER_URL */
	size_t nalertmanager_urls;
	char *prometheus_url; /* else PROMETHEUS_URL */

	struct config_health *health;
	size_t nhealth;

	struct config_env *envs; /* environment: one map, or a list by context */
	size_t nenvs;

	/* warroom: where a war room meets (one of the two; else the
	 * environment's AMCONSOLE_WARROOM_URL), the room's secret, and the
	 * name others see (default $USER). */
	char *warroom_redis;
	char *warroom_postgres;
	char *warroom_secret_file;
	char *warroom_name;
	/* From flags only. */
	char *warroom_present; /* --present ROOM */
	char *warroom_follow;  /* --follow ROOM */
	int warroom_own_data;  /* --own-data: a follower with its own sources */
	char *record_file;     /* --record FILE */
	char *replay_file;     /* --replay FILE */
	char *asciicast_file;  /* --asciicast FILE */
	char *config_path;     /* the file loaded, or NULL */
	char *audit_log;       /* --audit-log; NULL: default */
	char *log_file;        /* --log or AMCONSOLE_LOG */
	int ascii;             /* --ascii: force ASCII line drawing */
	int no_mouse;          /* --no-mouse */
	double step_timeout;   /* --step-timeout, default 300 s */
};

/* The environment to show for kubeconfig context ctx (NULL: none known):
 * the first entry naming ctx, else the first naming no context; NULL
 * when none applies. */
const struct config_env *config_environment(const struct config *c, const char *ctx);
/* The layout preset called name (enum config_layout), or -1. */
int config_layout_find(const char *name);
/* Fill the built-in defaults. */
void config_defaults(struct config *c);
/* Load one YAML file over c (keys it sets replace what c had; sets
 * c->config_path). 0, or -1 with err "FILE:LINE: key: problem". */
int config_load_file(struct config *c, const char *path, char *err, size_t errlen);
/* The default file path ($XDG_CONFIG_HOME or ~/.config), fresh string;
 * NULL if no home directory is known. */
char *config_default_path(void);
/* Fill what the file left unset from the environment (KUBECONFIG,
 * REDIS_URL, KAFKA_BOOTSTRAP_SERVERS, ALERTMANAGER_URL, PROMETHEUS_URL,
 * NO_COLOR is the theme's business). */
void config_apply_env(struct config *c);
/* The effective configuration as YAML with secrets masked (passwords in
 * URLs and conninfo, sasl.password/ssl.key.password properties). Caller
 * frees. */
char *config_print(const struct config *c);
/* Free every field and zero c (config_defaults() makes it usable again). */
void config_free(struct config *c);
/* Append a runbook directory (~ expanded), as --runbooks does. */
void config_add_runbook_dir(struct config *c, const char *dir);
/* 1 if a kafka property's value is a secret config_print masks
 * (password, secret, sasl.jaas.config, ssl.key..., token). */
int config_is_secret_property(const char *key);

#endif
