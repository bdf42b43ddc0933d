/*
 * text.h - the small questions every module asks of UTF-8 text: how many
 * characters (a Chinese name of "at most 30 字" counts characters, not
 * bytes), is it one of a list, is it equal, and the text without the spaces
 * people type around it (ASCII white space, and the full-width U+3000 that
 * Chinese input methods type). One definition, so that every form and every
 * import counts and trims the same way.
 *
 * Also the reading of a JSON object's fields (rows from store.h, bodies
 * from req.h): text_field and friends, NULL-safe; and the two ways an
 * object shows a value to people: a time as text, a phone number masked.
 */
#ifndef EDU_TEXT_H
#define EDU_TEXT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* Number of UTF-8 characters (code points) in s; 0 for NULL. */
size_t text_chars(const char *s);

/* 1 when a and b are both non-NULL and equal. */
int text_is(const char *a, const char *b);

/* 1 when text (may be NULL) is one of list, which ends with NULL. */
int text_in_list(const char *const *list, const char *text);

/* Narrow s[0..*len) to the text without surrounding ASCII white space
 * (" \t\r\n") and U+3000: moves *s forward and shortens *len. */
void text_trim(const char **s, size_t *len);

/* A phone number as those who may not see it are shown it, as a new JSON
 * string: "13812345678" -> "138****5678"; shorter than 8 or 40 bytes or
 * longer: "****". */
json_t *text_masked_phone(const char *phone);

/* The JSON string v without surrounding spaces (text_trim) as a new JSON
 * string; NULL when v is no string or nothing is left. */
json_t *text_trimmed(json_t *v);

/* The string value of obj's field key, or NULL (absent, null, not text). */
const char *text_field(json_t *obj, const char *key);

/* Like text_field, and NULL for "" too (optional fields). */
const char *text_field_nonempty(json_t *obj, const char *key);

/* Set o's field key to the time text of unix_seconds ("2021-09-01
 * 08:30:00" in UTC+8, clock_format): how every object shows a time. */
void text_set_time(json_t *o, const char *key, int64_t unix_seconds);

/* The integer value of obj's field key, 0 when absent or not an integer. */
int64_t text_field_int(json_t *obj, const char *key);

#endif
