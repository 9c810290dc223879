/*
 * colour.h - colour names as the configuration and themes spell them.
 * Pure text, no curses: the configuration (core/) checks an
 * environment's colour with it and the theme loader (ui/) reads styles.
 */
#ifndef AM_COLOUR_H
#define AM_COLOUR_H

/* Parse a colour: "default" (-1), black..white (0..7), bright-black..
 * bright-white (8..15) or 0..255. 0, or -1 if unknown. */
int colour_parse(const char *s, short *out);

#endif
