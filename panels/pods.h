/*
 * pods.h - what other panels may ask of the Pods panel (panels/pods.c):
 * the pods it shows, so the runbook pane can offer them as a pick list
 * for a <pod-name> placeholder, failing ones first with their STATUS and
 * RESTARTS. UI thread only.
 */
#ifndef AM_PODS_H
#define AM_PODS_H

#include <stddef.h>
#include "ui/screen.h"

/* One pod of a pick list. */
struct pods_pick {
	char *name, *status, *restarts; /* as the Pods panel shows them */
	enum role role;                 /* its row colour there */
	long rank;                      /* > 0: failing (2) or pending (1) */
};

/* The pods of the Pods panel's last snapshot (of namespace ns when
 * non-NULL), one per name (the worst when names repeat across
 * namespaces): failing first, then pending, each by most restarts, then
 * by name. Returns the count and sets *out (free with pods_picks_free;
 * NULL when 0). */
size_t pods_picks(const char *ns, struct pods_pick **out);
void pods_picks_free(struct pods_pick *v, size_t n);

#endif
