/*
 * pods.c - the Pods panel (being written): Kubernetes pods as
 * `kubectl get pods -o wide` shows them, from backends/k8s.c.
 */
#include <stdlib.h>

#include "backends/util.h"
#include "panel.h"
#include "tui/app.h"

static const struct keymap_entry pods_keys[] = {
	{ 0, 0, NULL, NULL, NULL, 0 },
};

struct pods_panel {
	struct app *app;
};

static void *pods_create(struct app *app)
{
	struct pods_panel *pp = xcalloc(1, sizeof *pp);

	pp->app = app;
	return pp;
}

static void pods_destroy(void *self)
{
	free(self);
}

static int pods_update(void *self)
{
	(void)self;
	return 0;
}

static void pods_draw(void *self, const struct view *v, int focused)
{
	(void)self, (void)focused;
	draw_text(v, 0, 1, ROLE_DIM, "Kubernetes: not available yet", v->w - 2);
}

static int pods_action(void *self, int action)
{
	(void)self, (void)action;
	return 0;
}

static int pods_key(void *self, int key)
{
	(void)self, (void)key;
	return 0;
}

static int pods_click(void *self, int y, int x)
{
	(void)self, (void)y, (void)x;
	return 0;
}

static void pods_filter(void *self, const char *text)
{
	(void)self, (void)text;
}

static int pods_busy(void *self)
{
	(void)self;
	return 0;
}

const struct panel_ops pods_panel = {
	.name = "pods",
	.title = "Pods",
	.keys = pods_keys,
	.create = pods_create,
	.destroy = pods_destroy,
	.update = pods_update,
	.draw = pods_draw,
	.action = pods_action,
	.key = pods_key,
	.click = pods_click,
	.filter = pods_filter,
	.busy = pods_busy,
};
