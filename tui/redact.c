/* tui/redact.c - placeholder until written. */
extern int am_placeholder_redact;
