/*
 * kubeconfig_int.h - what the kubeconfig files share (kubeconfig.c,
 * kubeconfig_file.c, kubeconfig_exec.c) and nothing else includes:
 * limits, the merged set of files and its entries, and the helpers they
 * use. Not an interface: see kubeconfig.h for that.
 */
#ifndef AM_KUBECONFIG_INT_H
#define AM_KUBECONFIG_INT_H

#include <stddef.h>

#include "backends/k8s/kubeconfig.h"
#include "lib/util.h"
#include "lib/yaml.h"

#define KC_MAX_FILE ((size_t)4 << 20) /* biggest kubeconfig, certificate or token file */
#define KC_MAX_OUT ((size_t)1 << 20)  /* an exec plugin's stdout */
#define KC_MAX_ERR 4096               /* of its stderr, kept for the message */
#define KC_EARLY 10.0                 /* refresh an exec credential this early */
#define KC_DEFAULT_TIMEOUT 30.0
#define KC_DRAIN 0.5 /* reading on after the plugin exits */
#define KC_TICK_MS 100
#define KC_SA_DIR "/var/run/secrets/kubernetes.io/serviceaccount"
#define KC_API_V1 "client.authentication.k8s.io/v1"
#define KC_API_V1BETA1 "client.authentication.k8s.io/v1beta1"

/* What every merged entry starts with. */
struct kc_head {
	char *name;
	int file;           /* index into kc_set.files: precedence */
	unsigned long line; /* of the list item */
};

struct kc_cluster {
	struct kc_head h;
	char *server;
	char *ca; /* absolute */
	char *ca_data;
	int insecure;
	char *tls_server_name;
	char *proxy_url;
};

struct kc_user {
	struct kc_head h;
	char *token;
	char *token_file; /* absolute */
	char *username;
	char *password;
	char *cert, *cert_data; /* cert, key: absolute */
	char *key, *key_data;
	char *auth_provider; /* its name; "" when it has none */
	struct kube_exec *exec;
	char *exec_mode; /* interactiveMode as written */
	size_t nexec_env;
	int exec_env_unnamed;
};

struct kc_context {
	struct kc_head h;
	char *cluster;
	char *user;
	char *namespace;
};

/* The merged content of every file read. */
struct kc_set {
	char **files; /* paths as given, in list order */
	size_t nfiles;
	struct kc_cluster *clusters;
	size_t nclusters;
	struct kc_user *users;
	size_t nusers;
	struct kc_context *contexts;
	size_t ncontexts;
	char *current; /* the first file's non-empty current-context */
};

/* One file being walked. */
struct kc_loader {
	struct yaml_loader y; /* file, document, error buffer */
	char *dir;            /* the file's directory, absolute */
	int index;
	struct kc_set *set;
};

/* kubeconfig.c: small helpers. */

/* 1 if s is neither NULL nor "". */
int kc_nonempty(const char *s);

/* Overwrite a secret string with zeros, then free it (NULL is fine). */
void kc_wipe_free(char *s);

/* Free a NULL-terminated string vector and its strings. */
void kc_strv_free(char **v);

/* Append s (now owned) to the NULL-terminated vector *v. */
void kc_strv_push(char ***v, char *s);

/* Free an exec plugin's settings and e itself (NULL is fine). */
void kc_exec_free(struct kube_exec *e);

/* kubeconfig_file.c: load one file into the set. 1 loaded, 0 missing
 * (ENOENT), -1 with err filled. */
int kc_load_file(struct kc_set *set, const char *path, char *err, size_t errlen);

/* Free everything the set holds and clear it. */
void kc_set_free(struct kc_set *set);

/* kubeconfig_exec.c: run kc's exec plugin; its stdout in out on
 * success. 0, or -1 with err filled. */
int kc_plugin_run(struct kubeconfig *kc, double timeout, struct strbuf *out, char *err,
		  size_t errlen);

#endif
