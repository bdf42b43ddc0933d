/*
 * parse.c - reading numbers that people type (see parse.h).
 */
#include "util/parse.h"

#include <errno.h>
#include <stdlib.h>

int64_t parse_id(const char *text)
{
    char *end;
    long long v;
    if (!text || *text < '0' || *text > '9')
        return 0;
    errno = 0;
    v = strtoll(text, &end, 10);
    if (errno || *end || v <= 0)
        return 0;
    return (int64_t)v;
}
