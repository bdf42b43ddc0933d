/*
 * static.h - the embedded web UI (web/ assets) as HTTP answers.
 *
 * static_resolve maps a GET/HEAD path outside /api to an embedded asset:
 * "/" and any extension-less path that is not a file (client-side routes)
 * give web/index.html. It picks the gzip body when the client accepts it
 * and answers 304 when If-None-Match carries the asset's ETag. server.c
 * sends the result with the security headers.
 */
#ifndef EDU_STATIC_H
#define EDU_STATIC_H

#include <stddef.h>

typedef struct static_reply {
    int status;                  /* 200 or 304 */
    const unsigned char *data;   /* body (embedded, never freed); NULL for 304 */
    size_t len;
    const char *content_type;
    const char *etag;
    int gzip;                    /* body is gzip: send Content-Encoding: gzip */
    int has_gzip;                /* a gzip version exists: send Vary: Accept-Encoding */
} static_reply;

/* 0 and *out filled, or -1 when there is no such file (404). */
int static_resolve(const char *path, const char *accept_encoding, const char *if_none_match,
                   static_reply *out);
/* Content type for a file name by its extension (with charset on text). */
const char *static_content_type(const char *name);

#endif
