/*
 * kubeconfig.h - how to reach a Kubernetes API server, read the way
 * kubectl reads it (backends/k8s/kubeconfig.c, libyaml): KUBECONFIG with
 * several files merged (the first file to set a map key wins, as
 * kubectl's loading rules say), current-context or a named context, the
 * context's namespace, and every way a cluster authenticates: bearer
 * token or tokenFile, basic auth, client certificate and key (files or
 * -data), certificate-authority(-data), insecure-skip-tls-verify,
 * tls-server-name, and exec credential plugins (client.authentication.
 * k8s.io/v1 and v1beta1), whose credential is cached until its
 * expirationTimestamp. Without a kubeconfig, inside a pod, the service
 * account (KUBERNETES_SERVICE_HOST/PORT and /var/run/secrets/
 * kubernetes.io/serviceaccount). Certificates and keys are kept in
 * memory and handed to libcurl as blobs: no temporary files.
 */
#ifndef AM_KUBECONFIG_H
#define AM_KUBECONFIG_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <sys/types.h>

/* A way to make an exec plugin (and the transfers of its owner) give up
 * from another thread: the owner's worker runs the plugin, the UI thread
 * sets the flag (kube_cancel_set), which kills the plugin's process group
 * at once and refuses to start another until cleared. */
struct kube_cancel {
	atomic_int on;
	pthread_mutex_t lock; /* guards pgid */
	pid_t pgid;           /* the plugin running now (its group), 0 none */
};

/* Set up c (nothing cancelled). */
void kube_cancel_init(struct kube_cancel *c);
void kube_cancel_destroy(struct kube_cancel *c);
/* on 1: cancel (and SIGKILL the plugin running, if any); 0: work again.
 * Any thread; never blocks for long (one mutex held around kill(2)). */
void kube_cancel_set(struct kube_cancel *c, int on);
/* 1 while cancelled. c may be NULL (never). Any thread. */
int kube_cancel_on(struct kube_cancel *c);

/* An exec credential plugin (users[].user.exec). */
struct kube_exec {
	char *api_version; /* client.authentication.k8s.io/v1 or v1beta1 */
	char *command;
	char **args; /* NULL-terminated */
	char **env;  /* NULL-terminated "NAME=value" */
	char *install_hint;
	int interactive; /* interactiveMode: Always (never run: no terminal) */
};

/* A PEM blob (certificate, key or CA bundle), in memory. */
struct kube_blob {
	char *data;
	size_t len;
};

struct kubeconfig {
	char *source;       /* the files read, ':'-joined, or "in-cluster" */
	char *context;      /* the context in use */
	char *cluster_name; /* its cluster and user entries */
	char *user_name;
	char *server;    /* "https://127.0.0.1:6443", no trailing '/' */
	char *namespace; /* --namespace, else the context's, else NULL: all */

	struct kube_blob ca;   /* certificate-authority(-data); empty: system CAs */
	struct kube_blob cert; /* client-certificate(-data) */
	struct kube_blob key;  /* client-key(-data) */
	int insecure;          /* insecure-skip-tls-verify */
	char *tls_server_name; /* tls-server-name: server then names this host,
				* and connect_to says where to really connect */
	char *connect_to;      /* "NAME:PORT:HOST:PORT" for CURLOPT_CONNECT_TO, or NULL */
	void *connect_to_list; /* its curl_slist, kept for the transfers */

	char *token;      /* user.token */
	char *token_file; /* user.tokenFile (re-read on every kubeconfig_token) */
	char *username;   /* basic auth */
	char *password;
	struct kube_exec *exec; /* NULL when no plugin */

	char **contexts; /* every context name in the merged files, sorted */
	size_t ncontexts;

	/* The exec plugin's cached credential. */
	char *exec_token;
	struct kube_blob exec_cert, exec_key;
	double exec_expiry; /* epoch seconds; 0: no expiry given */

	char *file_token; /* tokenFile's content as last read by kubeconfig_token */
	struct kube_cancel *cancel; /* borrowed, or NULL: a plugin run can be
				     * cut short through it */
	char *proxy_url;  /* cluster.proxy-url (CURLOPT_PROXY), or NULL */
};

/* Load the configuration. paths: a ':'-separated list (kubernetes.
 * kubeconfig or KUBECONFIG); NULL or "" means ~/.kube/config, and when
 * that does not exist either, the in-cluster service account. context:
 * NULL for current-context. ns: NULL for the context's namespace; "all"
 * (or "") for every namespace. Reads files only (no network, no plugin
 * run). 0, or -1 + err naming the file and problem ("~/.kube/config:
 * context \"prod\" not found"). */
int kubeconfig_load(const char *paths, const char *context, const char *ns, struct kubeconfig **out,
		    char *err, size_t errlen);
void kubeconfig_free(struct kubeconfig *kc);

/* The bearer token to send now, or NULL for none (client certificates or
 * basic auth): token, else tokenFile's content, else the exec plugin's
 * credential — run (argv, never a shell; its stdin closed; its stderr
 * kept for the error; at most timeout seconds) when there is none cached
 * or it has expired. An exec plugin may return a client certificate and
 * key instead (status.clientCertificateData/clientKeyData), stored in
 * exec_cert/exec_key. The result points into kc. 0, or -1 + err ("exec
 * plugin aws: exit 1: <stderr first line>"). Worker thread. */
int kubeconfig_token(struct kubeconfig *kc, double timeout, const char **token, char *err,
		     size_t errlen);
/* Forget the exec plugin's cached credential (after a 401). */
void kubeconfig_expire(struct kubeconfig *kc);

/* Apply the TLS and authentication settings to a libcurl easy handle
 * (CURLOPT_CAINFO_BLOB, CURLOPT_SSLCERT_BLOB, CURLOPT_SSLKEY_BLOB,
 * verification, basic auth) and append the Authorization header to
 * *headers (a struct curl_slist **). Calls kubeconfig_token. 0, or
 * -1 + err. Worker thread. */
int kubeconfig_curl(struct kubeconfig *kc, void *curl, void *headers, double timeout, char *err,
		    size_t errlen);

/* Parse an ExecCredential JSON (a plugin's stdout) into kc's cache. 0, or
 * -1 + err. Exported for the unit tests. */
int kubeconfig_parse_exec_credential(struct kubeconfig *kc, const char *json, size_t len, char *err,
				     size_t errlen);

#endif
