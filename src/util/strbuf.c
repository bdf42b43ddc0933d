/*
 * strbuf.c - the one growable string builder (see strbuf.h).
 *
 * Growth doubles the capacity; out of memory aborts like the arena does.
 */
#include "util/strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void sb_grow(strbuf *sb, size_t extra)
{
    size_t need = sb->len + extra + 1;
    if (need <= sb->cap)
        return;
    size_t cap = sb->cap ? sb->cap : 64;
    while (cap < need)
        cap *= 2;
    char *p = realloc(sb->buf, cap);
    if (!p) {
        fputs("edubureau: 内存不足\n", stderr);
        abort();
    }
    sb->buf = p;
    sb->cap = cap;
}

void sb_appendn(strbuf *sb, const char *s, size_t n)
{
    sb_grow(sb, n);
    if (n)
        memcpy(sb->buf + sb->len, s, n);
    sb->len += n;
    sb->buf[sb->len] = '\0';
}

void sb_append(strbuf *sb, const char *s)
{
    if (s)
        sb_appendn(sb, s, strlen(s));
}

void sb_appendc(strbuf *sb, char c)
{
    sb_appendn(sb, &c, 1);
}

void sb_appendf(strbuf *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    sb_grow(sb, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    sb->len += (size_t)n;
}

const char *sb_str(strbuf *sb)
{
    return sb->buf ? sb->buf : "";
}

char *sb_steal(strbuf *sb)
{
    char *p = sb->buf;
    if (!p) {
        p = malloc(1);
        if (!p) {
            fputs("edubureau: 内存不足\n", stderr);
            abort();
        }
        p[0] = '\0';
    }
    sb->buf = NULL;
    sb->len = sb->cap = 0;
    return p;
}

void sb_reset(strbuf *sb)
{
    sb->len = 0;
    if (sb->buf)
        sb->buf[0] = '\0';
}

void sb_free(strbuf *sb)
{
    free(sb->buf);
    sb->buf = NULL;
    sb->len = sb->cap = 0;
}
