/*
 * static.c - serving the embedded web UI (see static.h).
 *
 * Assets are compiled into the binary by tools/embed.c with a strong ETag
 * and, when it helps, a gzip version. Responses carry Cache-Control:
 * no-cache so browsers revalidate each time and get 304 while the binary is
 * unchanged.
 */
#include "http/static.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "http/assets.h"

#define STATIC_MAX_PATH 512

static const struct {
    const char *ext;
    const char *type;
} static_types[] = {
    {"html", "text/html; charset=utf-8"},
    {"js", "text/javascript; charset=utf-8"},
    {"mjs", "text/javascript; charset=utf-8"},
    {"css", "text/css; charset=utf-8"},
    {"svg", "image/svg+xml; charset=utf-8"},
    {"json", "application/json; charset=utf-8"},
    {"txt", "text/plain; charset=utf-8"},
    {"map", "application/json; charset=utf-8"},
    {"png", "image/png"},
    {"jpg", "image/jpeg"},
    {"jpeg", "image/jpeg"},
    {"gif", "image/gif"},
    {"webp", "image/webp"},
    {"ico", "image/x-icon"},
    {"woff2", "font/woff2"},
    {"woff", "font/woff"},
};

const char *static_content_type(const char *name)
{
    const char *slash = strrchr(name, '/');
    const char *dot = strrchr(slash ? slash : name, '.');
    if (dot) {
        for (size_t i = 0; i < sizeof static_types / sizeof static_types[0]; i++) {
            if (strcasecmp(dot + 1, static_types[i].ext) == 0)
                return static_types[i].type;
        }
    }
    return "application/octet-stream";
}

/* The next item of a header list at *p: separators (comma, space, tab)
 * are skipped, the item runs to the first of stops. Returns its start and
 * sets *len and *p past it, or NULL at the end of the header. */
static const char *static_next_item(const char **p, const char *stops, size_t *len)
{
    while (**p == ' ' || **p == '\t' || **p == ',')
        (*p)++;
    if (!**p)
        return NULL;
    const char *item = *p;
    *len = strcspn(item, stops);
    *p += *len;
    return item;
}

/* 1 when the comma-separated header list has token (case-insensitive) with
 * a non-zero q value. */
static int static_accepts(const char *header, const char *token)
{
    size_t tlen = strlen(token), len;
    const char *p = header ? header : "", *item;
    while ((item = static_next_item(&p, ",", &len))) {
        const char *item_end = item + len;
        const char *name_end = item;
        while (name_end < item_end && *name_end != ';' && *name_end != ' ' && *name_end != '\t')
            name_end++;
        size_t nlen = (size_t)(name_end - item);
        int match = (nlen == tlen && strncasecmp(item, token, tlen) == 0) ||
                    (nlen == 1 && item[0] == '*');
        if (match) {
            const char *q = name_end;
            while (q < item_end && (*q == ' ' || *q == ';' || *q == '\t'))
                q++;
            if (q + 2 <= item_end && (q[0] == 'q' || q[0] == 'Q') && q[1] == '=') {
                const char *v = q + 2;
                int zero = 1;
                for (; v < item_end && *v != ' ' && *v != ';'; v++) {
                    if (*v >= '1' && *v <= '9')
                        zero = 0;
                }
                if (zero)
                    continue;
            }
            return 1;
        }
    }
    return 0;
}

/* 1 when If-None-Match lists etag (weak comparison) or is "*". */
static int static_etag_matches(const char *header, const char *etag)
{
    size_t elen = strlen(etag), len;
    const char *p = header ? header : "", *item;
    while ((item = static_next_item(&p, ", \t", &len))) {
        if (*item == '*')
            return 1;
        if (len >= 2 && item[0] == 'W' && item[1] == '/') {
            item += 2;
            len -= 2;
        }
        if (len == elen && memcmp(item, etag, elen) == 0)
            return 1;
    }
    return 0;
}

/* 1 when the last segment of path has a dot (looks like a file name). */
static int static_has_extension(const char *path)
{
    const char *slash = strrchr(path, '/');
    return strchr(slash ? slash : path, '.') != NULL;
}

int static_resolve(const char *path, const char *accept_encoding, const char *if_none_match,
                   static_reply *out)
{
    char name[STATIC_MAX_PATH];
    if (!path || path[0] != '/' || strlen(path) + 4 >= sizeof name)
        return -1;
    const asset *a = NULL;
    if (strcmp(path, "/") != 0 && !strstr(path, "..")) {
        snprintf(name, sizeof name, "web%s", path);
        a = asset_find(name);
    }
    if (!a) {
        if (strcmp(path, "/") != 0 && static_has_extension(path))
            return -1;
        a = asset_find("web/index.html");
        if (!a)
            return -1;
    }
    memset(out, 0, sizeof *out);
    out->content_type = static_content_type(a->path);
    out->etag = a->etag;
    out->has_gzip = a->gz != NULL;
    if (static_etag_matches(if_none_match, a->etag)) {
        out->status = 304;
        return 0;
    }
    out->status = 200;
    if (a->gz && static_accepts(accept_encoding, "gzip")) {
        out->data = a->gz;
        out->len = a->gz_len;
        out->gzip = 1;
    } else {
        out->data = a->data;
        out->len = a->len;
    }
    return 0;
}
