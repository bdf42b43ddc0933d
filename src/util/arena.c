/*
 * arena.c - per-request memory arena (see arena.h).
 *
 * Memory comes from a chain of blocks; a request allocates by bumping a
 * pointer and releases everything at once with arena_free. Large requests get
 * a block of their own. Pointers handed over with arena_own are free()d with
 * the arena.
 */
#include "util/arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_BLOCK 8192
#define ARENA_ALIGN 16

typedef struct arena_block {
    struct arena_block *next;
    size_t used;
    size_t cap;
    _Alignas(ARENA_ALIGN) unsigned char data[];
} arena_block;

typedef struct arena_owned {
    struct arena_owned *next;
    void *ptr;
} arena_owned;

struct arena {
    arena_block *blocks;
    arena_owned *owned;
};

static void *arena_xmalloc(size_t n)
{
    void *p = malloc(n);
    if (!p) {
        fputs("edubureau: 内存不足\n", stderr);
        abort();
    }
    return p;
}

arena *arena_new(void)
{
    arena *a = arena_xmalloc(sizeof *a);
    a->blocks = NULL;
    a->owned = NULL;
    return a;
}

void arena_free(arena *a)
{
    if (!a)
        return;
    for (arena_owned *o = a->owned; o;) {
        arena_owned *next = o->next;
        free(o->ptr);
        o = next;
    }
    for (arena_block *b = a->blocks; b;) {
        arena_block *next = b->next;
        free(b);
        b = next;
    }
    free(a);
}

static arena_block *arena_block_new(size_t cap)
{
    arena_block *b = arena_xmalloc(sizeof *b + cap);
    b->next = NULL;
    b->used = 0;
    b->cap = cap;
    return b;
}

void *arena_alloc(arena *a, size_t n)
{
    if (n == 0)
        n = 1;
    if (n > SIZE_MAX - ARENA_ALIGN - sizeof(arena_block)) {
        fputs("edubureau: 内存不足\n", stderr);
        abort();
    }
    size_t need = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    arena_block *b = a->blocks;
    if (!b || b->cap - b->used < need) {
        if (need > ARENA_BLOCK / 4) {
            /* A big allocation gets its own block, kept behind the current one. */
            arena_block *big = arena_block_new(need);
            big->used = need;
            if (b) {
                big->next = b->next;
                b->next = big;
            } else {
                a->blocks = big;
            }
            memset(big->data, 0, need);
            return big->data;
        }
        b = arena_block_new(ARENA_BLOCK);
        b->next = a->blocks;
        a->blocks = b;
    }
    void *p = b->data + b->used;
    b->used += need;
    memset(p, 0, need);
    return p;
}

char *arena_strndup(arena *a, const char *s, size_t n)
{
    if (!s)
        return NULL;
    char *p = arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *arena_strdup(arena *a, const char *s)
{
    if (!s)
        return NULL;
    return arena_strndup(a, s, strlen(s));
}

char *arena_printf(arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return arena_strdup(a, "");
    char *p = arena_alloc(a, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

void arena_own(arena *a, void *malloced)
{
    if (!malloced)
        return;
    arena_owned *o = arena_alloc(a, sizeof *o);
    o->ptr = malloced;
    o->next = a->owned;
    a->owned = o;
}
