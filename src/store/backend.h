/*
 * backend.h - what a storage backend provides (internal to src/store/).
 *
 * store.c owns everything that is the same for every database: the
 * connection pool, the migrations, the db_* entry points of store.h and
 * their argument checks. A backend (sqlite.c today, postgres.c later)
 * fills one store_backend table with the few things that differ: how to
 * connect, how to prepare and run a statement with sval parameters, how
 * to turn a row into JSON, how to start a write transaction.
 *
 * Each backend's connection struct starts with a `struct store_db` (the
 * common part below), so store.c can hold any connection as a store_db *
 * and the backend casts it back to its own type.
 *
 * Domain code never includes this file; unit tests of the store may.
 */
#ifndef EDU_STORE_BACKEND_H
#define EDU_STORE_BACKEND_H

#include <stddef.h>
#include "store/store.h"
#include "http/assets.h"

typedef struct store_backend store_backend;

/* The part of a connection that store.c sees. */
struct store_db {
    const store_backend *be;
    char err[512];  /* last error text (db_errmsg), NUL-terminated */
};

struct store_backend {
    const char *name;    /* "sqlite", "postgres": db_backend() */
    const char *id_sql;  /* replaces %ID% in migration text */

    /* Open one connection to target (a file path, a conninfo string).
     * On failure returns NULL and *err (malloced). */
    store_db *(*connect)(const char *target, char **err);
    void (*disconnect)(store_db *db);

    /* Several ';'-separated statements without parameters (migrations). */
    int (*script)(store_db *db, const char *sql);
    /* One statement, run to completion, rows discarded. */
    int (*exec)(store_db *db, const char *sql, const sval *params, int nparams);
    /* One statement; up to max_rows rows (0: all) as a new JSON array of
     * objects keyed by column name. */
    int (*query)(store_db *db, const char *sql, const sval *params, int nparams,
                 int max_rows, json_t **rows);
    /* One statement; each row to fn as typed values (db_each). */
    int (*each)(store_db *db, const char *sql, const sval *params, int nparams, db_row_fn fn,
                void *ctx);
    /* One statement; the first column of the first row as an integer.
     * STORE_NOTFOUND when there is no row or the value is NULL. */
    int (*query_int)(store_db *db, const char *sql, const sval *params, int nparams,
                     int64_t *out);
    int (*changes)(store_db *db);
    /* Start a transaction that holds the write lock at once. */
    int (*begin)(store_db *db);
    /* 1 while a transaction is open on this connection. */
    int (*in_transaction)(store_db *db);
};

extern const store_backend sqlite_backend;

/* Set db->err (printf-style); returns rc, so that `return store_fail(...)`
 * reads naturally. */
int store_fail(store_db *db, int rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* store_migrate over an explicit list of files (paths "migrations/NNN_*.sql";
 * other paths are ignored). store_migrate passes the embedded assets; tests
 * pass their own. */
int store_migrate_files(store *s, const asset *files, size_t nfiles, char **err);

#endif
