/* tui/prompt.c - placeholder until written. */
extern int am_placeholder_prompt;
