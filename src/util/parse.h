/*
 * parse.h - reading numbers that people type: ids in paths, query strings
 * and command-line options. One definition of "a positive id", so that
 * every entry point accepts and refuses the same text.
 */
#ifndef EDU_PARSE_H
#define EDU_PARSE_H

#include <stdint.h>

/* text as a positive decimal id ("17"), or 0 when it is NULL, empty, has
 * anything but digits (no sign, no spaces), is 0 or overflows. */
int64_t parse_id(const char *text);

#endif
