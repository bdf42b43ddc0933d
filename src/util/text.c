/*
 * text.c - counting, comparing and trimming UTF-8 text; reading JSON
 * fields (see text.h).
 */
#include "util/text.h"

#include <string.h>

#include "util/clock.h"

/* The U+3000 IDEOGRAPHIC SPACE in UTF-8. */
#define TEXT_WIDE_SPACE "\xe3\x80\x80"

size_t text_chars(const char *s)
{
    size_t n = 0;
    for (; s && *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

int text_is(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

int text_in_list(const char *const *list, const char *text)
{
    for (int i = 0; text && list[i]; i++)
        if (strcmp(list[i], text) == 0)
            return 1;
    return 0;
}

/* 1 when c is ASCII white space (a NUL byte inside a JSON string is not). */
static int text_ascii_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

void text_trim(const char **s, size_t *len)
{
    const char *p = *s;
    size_t n = *len;
    for (;;) {
        if (n >= 1 && text_ascii_space(*p)) {
            p++;
            n--;
        } else if (n >= 3 && memcmp(p, TEXT_WIDE_SPACE, 3) == 0) {
            p += 3;
            n -= 3;
        } else {
            break;
        }
    }
    for (;;) {
        if (n >= 1 && text_ascii_space(p[n - 1]))
            n--;
        else if (n >= 3 && memcmp(p + n - 3, TEXT_WIDE_SPACE, 3) == 0)
            n -= 3;
        else
            break;
    }
    *s = p;
    *len = n;
}

json_t *text_trimmed(json_t *v)
{
    const char *s = json_string_value(v);
    size_t len = json_string_length(v);
    if (!s)
        return NULL;
    text_trim(&s, &len);
    return len ? json_stringn(s, len) : NULL;
}

json_t *text_masked_phone(const char *phone)
{
    size_t n = phone ? strlen(phone) : 0;
    char out[48];
    if (n < 8 || n >= 40)
        return json_string("****");
    memcpy(out, phone, 3);
    memcpy(out + 3, "****", 4);
    memcpy(out + 7, phone + n - 4, 5);
    return json_string(out);
}

const char *text_field(json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

const char *text_field_nonempty(json_t *obj, const char *key)
{
    const char *s = text_field(obj, key);
    return s && *s ? s : NULL;
}

int64_t text_field_int(json_t *obj, const char *key)
{
    return (int64_t)json_integer_value(json_object_get(obj, key));
}

void text_set_time(json_t *o, const char *key, int64_t unix_seconds)
{
    char at[20];
    clock_format(unix_seconds, at, sizeof at);
    json_object_set_new(o, key, json_string(at));
}
