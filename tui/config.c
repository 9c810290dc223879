/* tui/config.c - placeholder until written. */
extern int am_placeholder_config;
