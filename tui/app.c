/* tui/app.c - placeholder until written. */
extern int am_placeholder_app;
