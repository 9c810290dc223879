/*
 * initconfig.h - `amconsole --init-config`: a commented starter
 * configuration file written from what the environment already says
 * (KUBECONFIG and its current context, libpq's PG* variables, REDIS_URL,
 * KAFKA_BOOTSTRAP_SERVERS, ALERTMANAGER_URL, PROMETHEUS_URL). Secrets are
 * never copied: a password in a URL or PGPASSWORD becomes a
 * password_file/passfile placeholder and a comment. Main thread only,
 * before the terminal is set up.
 */
#ifndef AM_INITCONFIG_H
#define AM_INITCONFIG_H

#include <stddef.h>

/* The starter file's text for the current environment (fresh string;
 * caller frees). home holds ~/.pgpass, dir (the file's folder) the
 * Redis password file the text names as placeholders. */
char *initconfig_text(const char *home, const char *dir);
/* Write the starter file to path (NULL: the default path,
 * $XDG_CONFIG_HOME/amconsole/config.yaml), creating its folder (0700);
 * the file is created 0600 and never overwritten. On success *written
 * is the path used (caller frees). 0, or -1 + err (the file exists, or
 * an I/O error). */
int initconfig_write(const char *path, char **written, char *err, size_t errlen);

#endif
