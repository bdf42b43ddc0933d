/*
 * assets.h - files embedded in the binary at build time by tools/embed.c:
 * everything under web/ (served at "/...") and migrations/ (read by the
 * store). Each has a gzip version (when smaller) and a strong ETag.
 */
#ifndef EDU_ASSETS_H
#define EDU_ASSETS_H

#include <stddef.h>

typedef struct asset {
    const char *path;             /* "web/index.html", "migrations/001_platform.sql" */
    const unsigned char *data;
    size_t len;
    const unsigned char *gz;      /* NULL when gzip would not help */
    size_t gz_len;
    const char *etag;             /* "\"<hex>\"" */
} asset;

extern const asset assets[];
extern const size_t assets_count;

const asset *asset_find(const char *path);

#endif
