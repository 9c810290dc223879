/*
 * pods.h - what other panels may ask of the Pods panel (panels/pods.c):
 * the pods it shows, so the runbook pane can offer them as a pick list
 * for a <pod-name> placeholder, failing ones first with their STATUS and
 * RESTARTS. The asker names the instance, which the shell owns
 * (app_panel(app, &pods_panel)). UI thread only.
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

/* The Pods panel's ops, whose instance pods_picks takes. */
struct panel_ops;
extern const struct panel_ops pods_panel;

/* The pods of the last snapshot of the Pods panel pods (its instance, as
 * app_panel gives it; NULL: none), of namespace ns when non-NULL, one
 * per name (the worst when names repeat across namespaces): failing
 * first, then pending, each by most restarts, then by name. Returns the
 * count and sets *out (free with pods_picks_free; NULL when 0). */
size_t pods_picks(const void *pods, const char *ns, struct pods_pick **out);
void pods_picks_free(struct pods_pick *v, size_t n);

/* The choices of the Pods panel pods (as for pods_picks) for :ctx (ns
 * 0: the kubeconfig's contexts) or :ns (ns 1: "all", then the
 * namespaces of the pods listed, the one shown and the configured one),
 * sorted, each once: the count, and *out (free with strv_free; NULL
 * when 0). For the pick lists and Tab completion. */
size_t pods_choices(const void *pods, int ns, char ***out);

#endif
