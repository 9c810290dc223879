/* tui/theme.c - placeholder until written. */
extern int am_placeholder_theme;
