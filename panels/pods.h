/*
 * pods.h - what other panels may ask of the Pods panel (panels/pods.c):
 * the names of the pods it shows, so the runbook pane can offer them as
 * a pick list for a <pod-name> placeholder. UI thread only.
 */
#ifndef AM_PODS_H
#define AM_PODS_H

#include <stddef.h>

/* The names of the pods in the Pods panel's last snapshot, sorted and
 * without duplicates; only those of namespace ns when ns is non-NULL.
 * *out gets a NULL-terminated array (free it with pods_names_free), or
 * NULL when the count is 0 (no panel, no data yet, or no pod of ns). */
size_t pods_names(const char *ns, char ***out);
void pods_names_free(char **names);

#endif
