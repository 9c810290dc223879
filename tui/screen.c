/* tui/screen.c - placeholder until written. */
extern int am_placeholder_screen;
