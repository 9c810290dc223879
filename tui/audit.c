/* tui/audit.c - placeholder until written. */
extern int am_placeholder_audit;
