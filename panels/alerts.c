/* panels/alerts.c - placeholder until written. */
extern int am_placeholder_panels_alerts;
