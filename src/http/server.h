/*
 * server.h - the HTTP server (libmicrohttpd, thread pool).
 */
#ifndef EDU_SERVER_H
#define EDU_SERVER_H

#include <stddef.h>
#include "store/store.h"

typedef struct server_config {
    const char *bind;      /* "127.0.0.1" by default */
    int port;              /* 8080; 0 picks a free port (printed) */
    int threads;           /* thread-pool size (default: 2 x cores, at least 4) */
    size_t max_body;       /* bytes; larger bodies get 413 (default 10 MiB) */
    int timeout_seconds;   /* idle connection timeout (default 30) */
    int quiet;             /* no access log */
    void (*on_ready)(int port);  /* called once listening, may be NULL */
} server_config;

void server_config_defaults(server_config *cfg);
/* Serve until SIGINT or SIGTERM, then finish in-flight requests and return 0.
 * Returns -1 when the server cannot start. */
int server_run(store *s, const server_config *cfg);

#endif
