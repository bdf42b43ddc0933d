/*
 * strbuf.h - the one growable string builder.
 *
 * Used for SQL fragments (never values: values always go through
 * placeholders), file names, log lines and text output. A strbuf is a plain
 * struct on the stack; sb_free releases it, sb_steal hands over the buffer.
 */
#ifndef EDU_STRBUF_H
#define EDU_STRBUF_H

#include <stddef.h>

typedef struct strbuf {
    char *buf;      /* always NUL-terminated once anything is appended */
    size_t len;
    size_t cap;
} strbuf;

#define STRBUF_INIT {NULL, 0, 0}

void sb_append(strbuf *sb, const char *s);
void sb_appendn(strbuf *sb, const char *s, size_t n);
void sb_appendc(strbuf *sb, char c);
void sb_appendf(strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *sb_str(strbuf *sb);   /* "" when empty, never NULL */
char *sb_steal(strbuf *sb);       /* caller frees; sb is reset */
void sb_reset(strbuf *sb);        /* len = 0, keeps capacity */
void sb_free(strbuf *sb);

#endif
