/* tui/sanitize.c - placeholder until written. */
extern int am_placeholder_sanitize;
