/*
 * registry.c - the panels, in tab order. Adding a panel is one file, one
 * line here, its colour roles, its man page section and its tests.
 */
#include "panels/panel.h"

extern const struct panel_ops runbook_panel;
extern const struct panel_ops triage_panel;
extern const struct panel_ops pods_panel;
extern const struct panel_ops alerts_panel;
extern const struct panel_ops slowq_panel;
extern const struct panel_ops cache_panel;
extern const struct panel_ops lag_panel;
extern const struct panel_ops sources_panel;

/* One panel per line. */
// clang-format off
const struct panel_ops *const panel_registry[] = {
	&runbook_panel,
	&triage_panel,
	&pods_panel,
	&alerts_panel,
	&slowq_panel,
	&cache_panel,
	&lag_panel,
	&sources_panel,
	NULL,
};
// clang-format on
