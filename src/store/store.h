/*
 * store.h - the storage interface every domain module uses.
 *
 * Domain code never sees SQLite or PostgreSQL. It acquires a connection
 * (store_db) from the pool, runs portable SQL with '?' placeholders and
 * typed parameters (sval), and gets rows back as jansson objects whose keys
 * are the column names, or one at a time as typed values (db_each). The backend translates placeholders ('?' -> '$n' for
 * PostgreSQL) in exactly one place: its prepare function.
 *
 * Portable SQL rules for domain code:
 *   - '?' placeholders only; never format a value into SQL text;
 *   - times are INTEGER Unix seconds, booleans INTEGER 0/1;
 *   - new ids come back through "INSERT ... RETURNING id" (db_insert);
 *   - no SQLite-only functions (use COALESCE, CASE, standard aggregates).
 *
 * Migrations are numbered files in migrations/ (001_platform.sql, ...),
 * embedded in the binary and applied in order at start-up (store_migrate).
 * In migration text, the token %ID% stands for the backend's auto-increment
 * primary key ("INTEGER PRIMARY KEY" / "BIGSERIAL PRIMARY KEY").
 */
#ifndef EDU_STORE_H
#define EDU_STORE_H

#include <stdint.h>
#include <jansson.h>

typedef enum { SV_NULL = 0, SV_INT, SV_REAL, SV_TEXT } sval_type;

typedef struct sval {
    sval_type type;
    int64_t i;
    double d;
    const char *s;  /* not copied: must outlive the call */
} sval;

#define SV_I(x) ((sval){.type = SV_INT, .i = (int64_t)(x)})
#define SV_R(x) ((sval){.type = SV_REAL, .d = (double)(x)})
#define SV_T(x) ((sval){.type = (x) ? SV_TEXT : SV_NULL, .s = (x)})
#define SV_NUL ((sval){.type = SV_NULL})

/* The number in a column that db_each delivers (an integer or a real), or
 * if_null for NULL and text. */
static inline double sval_num(const sval *v, double if_null)
{
    return v->type == SV_INT ? (double)v->i : v->type == SV_REAL ? v->d : if_null;
}

/* Every db_* call returns one of these. */
typedef enum {
    STORE_OK = 0,
    STORE_NOTFOUND,    /* db_query_one / db_query_int found no row */
    STORE_CONSTRAINT,  /* UNIQUE / FOREIGN KEY / CHECK violated */
    STORE_BUSY,        /* could not get the lock in time */
    STORE_ERROR        /* anything else; see db_errmsg */
} store_rc;

typedef struct store store;        /* the backend and its connection pool */
typedef struct store_db store_db;  /* one connection, used by one thread */

/* Open "path/to/file.db" (SQLite) or, later, "postgresql://..." with a pool
 * of pool_size connections. On failure returns NULL and *err (malloced). */
store *store_open(const char *url, int pool_size, char **err);
void store_close(store *s);

/* Apply the embedded migrations not yet applied, each in a transaction.
 * Returns STORE_OK or an error with *err (malloced). */
int store_migrate(store *s, char **err);

/* Take a connection from the pool (blocks until one is free); give it back. */
store_db *store_acquire(store *s);
void store_release(store *s, store_db *db);

/* Statements. Prepared statements are cached per connection by SQL text. */
int db_exec(store_db *db, const char *sql, const sval *params, int nparams);
int db_changes(store_db *db);  /* rows changed by the last db_exec */
/* Run "INSERT ... RETURNING id" and return the id. */
int db_insert(store_db *db, const char *sql, const sval *params, int nparams, int64_t *id);
/* All rows as a new JSON array of objects (caller owns the reference). */
int db_query(store_db *db, const char *sql, const sval *params, int nparams, json_t **rows);
/* The first row as a new JSON object, or STORE_NOTFOUND. */
int db_query_one(store_db *db, const char *sql, const sval *params, int nparams, json_t **row);
/* The first column of the first row as an integer, or STORE_NOTFOUND. */
int db_query_int(store_db *db, const char *sql, const sval *params, int nparams, int64_t *out);

/* Every row handed to fn as it is read, without JSON: cols[0..ncols-1] are
 * typed values (SV_INT, SV_REAL, SV_TEXT, SV_NULL; the text is valid during
 * the call only). fn returns non-zero to stop early, which is not an error.
 * fn must not use db (the statement is still running). STORE_OK, or a
 * store error (of the statement; a stop leaves it STORE_OK). For large
 * reads: memory stays one row, whatever the result's size. */
typedef int (*db_row_fn)(void *ctx, int ncols, const sval *cols);
int db_each(store_db *db, const char *sql, const sval *params, int nparams, db_row_fn fn,
            void *ctx);

/* Transactions. db_begin takes the write lock at once (BEGIN IMMEDIATE on
 * SQLite) so that a read-then-write transaction cannot deadlock. */
int db_begin(store_db *db);
int db_commit(store_db *db);
int db_rollback(store_db *db);

const char *db_errmsg(store_db *db);  /* last error text, for logs only */
const char *db_backend(store_db *db); /* "sqlite" or "postgres" */

#endif
