/*
 * clock.h - the one source of "now" and of date formatting.
 *
 * Times are stored as Unix seconds (INTEGER) in every table so that SQL stays
 * portable between SQLite and PostgreSQL. Dates shown to users are in China
 * Standard Time (UTC+8, no daylight saving), formatted here.
 *
 * Tests may fix "now": when the environment variable EDUBUREAU_NOW holds a
 * Unix time in seconds (e.g. EDUBUREAU_NOW=1630456200), clock_now returns
 * it instead of the system clock (to test session expiry and lockout).
 */
#ifndef EDU_CLOCK_H
#define EDU_CLOCK_H

#include <stdint.h>
#include <stddef.h>

int64_t clock_now(void);
/* "2021-09-01 08:30:00" in UTC+8; out must hold 20 bytes. */
void clock_format(int64_t unix_seconds, char *out, size_t outsz);
/* Parse "YYYY-MM-DD" (start of that day, UTC+8) or "YYYY-MM-DD HH:MM[:SS]".
 * Returns 0 and sets *out, or -1 on a malformed or impossible date. */
int clock_parse(const char *text, int64_t *out);
/* Today's date "YYYY-MM-DD" in UTC+8 (of clock_now). */
void clock_today(char out[11]);
/* 1 for a well-formed, possible date "YYYY-MM-DD" (nothing else: no time,
 * no sign, two-digit month and day); 0 otherwise or for NULL. */
int clock_date_valid(const char *text);
/* "YYYY-MM-DD" of the day that is days after 1970-01-01 (negative:
 * before); out must hold 11 bytes. For dates counted in days, such as a
 * spreadsheet's serial dates. */
void clock_date_of_days(int64_t days, char out[11]);

#endif
