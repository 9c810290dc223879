/* tui/options.c - placeholder until written. */
extern int am_placeholder_options;
