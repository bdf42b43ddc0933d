/*
 * arena.h - per-request memory arena.
 *
 * Everything a request handler allocates comes from its request's arena and
 * is released at once when the reply has been sent (arena_free). Allocation
 * never returns NULL: on out-of-memory the process aborts, because a web
 * request that cannot allocate a few bytes cannot do anything useful.
 */
#ifndef EDU_ARENA_H
#define EDU_ARENA_H

#include <stddef.h>

typedef struct arena arena;

arena *arena_new(void);
void arena_free(arena *a);

/* Zeroed memory of n bytes, aligned for any type. */
void *arena_alloc(arena *a, size_t n);
char *arena_strdup(arena *a, const char *s);         /* NULL -> NULL */
char *arena_strndup(arena *a, const char *s, size_t n);
char *arena_printf(arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Remember a pointer from malloc() (or a jansson reference via arena_json)
 * to be released with the arena. */
void arena_own(arena *a, void *malloced);

#endif
