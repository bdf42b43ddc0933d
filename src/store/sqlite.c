/*
 * sqlite.c - the SQLite backend of the store (see backend.h).
 *
 * One sqlite_conn per pooled connection, opened without SQLite's own
 * mutex (the pool guarantees one thread per connection at a time), in WAL
 * mode with foreign keys on, a 5 s busy timeout and synchronous=NORMAL.
 *
 * Prepared statements are cached per connection by SQL text: a small array
 * searched by hash, evicting the least recently used entry when full. After
 * every use a statement is reset and its bindings cleared, so a cached
 * statement never holds a read lock or a pointer into a caller's memory.
 *
 * Result codes: SQLITE_CONSTRAINT* -> STORE_CONSTRAINT, SQLITE_BUSY and
 * SQLITE_LOCKED -> STORE_BUSY, anything else -> STORE_ERROR; the text goes
 * to db->err.
 */
#include "store/backend.h"

#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define SQLITE_CACHE_SIZE 128

typedef struct sqlite_cached {
    uint64_t hash;
    char *sql;           /* NULL: free slot */
    sqlite3_stmt *stmt;
    uint64_t last_used;
} sqlite_cached;

typedef struct sqlite_conn {
    struct store_db base;  /* first: a sqlite_conn * is a store_db * */
    sqlite3 *h;
    uint64_t tick;
    sqlite_cached cache[SQLITE_CACHE_SIZE];
} sqlite_conn;

static sqlite_conn *sqlite_of(store_db *db)
{
    return (sqlite_conn *)db;
}

static int sqlite_map(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_OK:
    case SQLITE_ROW:
    case SQLITE_DONE:
        return STORE_OK;
    case SQLITE_CONSTRAINT:
        return STORE_CONSTRAINT;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return STORE_BUSY;
    default:
        return STORE_ERROR;
    }
}

/* Record the connection's current error and return its store code. */
static int sqlite_fail(sqlite_conn *c, int rc)
{
    int mapped = sqlite_map(rc);
    if (mapped == STORE_OK)
        mapped = STORE_ERROR;
    return store_fail(&c->base, mapped, "%s", sqlite3_errmsg(c->h));
}

/* ---- connections ---- */

static void sqlite_disconnect(store_db *db)
{
    if (!db)
        return;
    sqlite_conn *c = sqlite_of(db);
    for (int i = 0; i < SQLITE_CACHE_SIZE; i++) {
        if (c->cache[i].sql) {
            sqlite3_finalize(c->cache[i].stmt);
            free(c->cache[i].sql);
        }
    }
    sqlite3_close_v2(c->h);
    free(c);
}

static char *sqlite_errdup(const char *what, const char *path, const char *why)
{
    char *s = NULL;
    if (asprintf(&s, "%s %s: %s", what, path, why) < 0)
        s = NULL;
    return s;
}

static store_db *sqlite_connect(const char *path, char **err)
{
    sqlite_conn *c = calloc(1, sizeof *c);
    if (!c) {
        *err = sqlite_errdup("无法打开数据库", path, "内存不足");
        return NULL;
    }
    c->base.be = &sqlite_backend;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    int rc = sqlite3_open_v2(path, &c->h, flags, NULL);
    if (rc != SQLITE_OK) {
        *err = sqlite_errdup("无法打开数据库", path, c->h ? sqlite3_errmsg(c->h) : sqlite3_errstr(rc));
        sqlite3_close_v2(c->h);
        free(c);
        return NULL;
    }
    sqlite3_extended_result_codes(c->h, 1);
    rc = sqlite3_busy_timeout(c->h, 5000);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(c->h,
                          "PRAGMA busy_timeout=5000;"
                          "PRAGMA journal_mode=WAL;"
                          "PRAGMA foreign_keys=ON;"
                          "PRAGMA synchronous=NORMAL;",
                          NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        *err = sqlite_errdup("无法设置数据库", path, sqlite3_errmsg(c->h));
        sqlite_disconnect(&c->base);
        return NULL;
    }
    return &c->base;
}

/* ---- the statement cache ---- */

static uint64_t sqlite_hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

static int sqlite_blank(const char *s)
{
    for (; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r' && *s != ';')
            return 0;
    return 1;
}

/* The cached statement for sql, prepared on first use. */
static int sqlite_prepare(sqlite_conn *c, const char *sql, sqlite3_stmt **out)
{
    uint64_t h = sqlite_hash(sql);
    int free_slot = -1, oldest = 0;
    for (int i = 0; i < SQLITE_CACHE_SIZE; i++) {
        sqlite_cached *e = &c->cache[i];
        if (!e->sql) {
            if (free_slot < 0)
                free_slot = i;
            continue;
        }
        if (e->hash == h && strcmp(e->sql, sql) == 0) {
            e->last_used = ++c->tick;
            *out = e->stmt;
            return STORE_OK;
        }
        if (e->last_used < c->cache[oldest].last_used || !c->cache[oldest].sql)
            oldest = i;
    }
    /* Not cached: take a free slot, else the least recently used one. */
    int victim = free_slot >= 0 ? free_slot : oldest;

    sqlite3_stmt *stmt = NULL;
    const char *tail = NULL;
    int rc = sqlite3_prepare_v3(c->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, &tail);
    if (rc != SQLITE_OK)
        return sqlite_fail(c, rc);
    if (!stmt)
        return store_fail(&c->base, STORE_ERROR, "空语句");
    if (tail && !sqlite_blank(tail)) {
        sqlite3_finalize(stmt);
        return store_fail(&c->base, STORE_ERROR, "一次只能执行一条语句: %s", sql);
    }
    char *copy = strdup(sql);
    if (!copy) {
        sqlite3_finalize(stmt);
        return store_fail(&c->base, STORE_ERROR, "内存不足");
    }
    sqlite_cached *e = &c->cache[victim];
    if (e->sql) {
        sqlite3_finalize(e->stmt);
        free(e->sql);
    }
    e->hash = h;
    e->sql = copy;
    e->stmt = stmt;
    e->last_used = ++c->tick;
    *out = stmt;
    return STORE_OK;
}

/* Give a statement back to the cache in a clean state. */
static void sqlite_done(sqlite3_stmt *stmt)
{
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
}

static int sqlite_bind(sqlite_conn *c, sqlite3_stmt *stmt, const sval *params, int nparams)
{
    int want = sqlite3_bind_parameter_count(stmt);
    if (want != nparams)
        return store_fail(&c->base, STORE_ERROR, "参数个数不符: 语句需要 %d 个, 给了 %d 个: %s",
                          want, nparams, sqlite3_sql(stmt));
    for (int i = 0; i < nparams; i++) {
        const sval *v = &params[i];
        int rc;
        switch (v->type) {
        case SV_INT:
            rc = sqlite3_bind_int64(stmt, i + 1, v->i);
            break;
        case SV_REAL:
            rc = sqlite3_bind_double(stmt, i + 1, v->d);
            break;
        case SV_TEXT:
            rc = v->s ? sqlite3_bind_text(stmt, i + 1, v->s, -1, SQLITE_STATIC)
                      : sqlite3_bind_null(stmt, i + 1);
            break;
        case SV_NULL:
            rc = sqlite3_bind_null(stmt, i + 1);
            break;
        default:
            return store_fail(&c->base, STORE_ERROR, "参数 %d 类型无效", i + 1);
        }
        if (rc != SQLITE_OK)
            return sqlite_fail(c, rc);
    }
    return STORE_OK;
}

/* Prepare (or find) and bind; on failure the statement is already clean. */
static int sqlite_start(sqlite_conn *c, const char *sql, const sval *params, int nparams,
                        sqlite3_stmt **out)
{
    int rc = sqlite_prepare(c, sql, out);
    if (rc != STORE_OK)
        return rc;
    rc = sqlite_bind(c, *out, params, nparams);
    if (rc != STORE_OK)
        sqlite_done(*out);
    return rc;
}

/* ---- statements ---- */

static int sqlite_exec(store_db *db, const char *sql, const sval *params, int nparams)
{
    sqlite_conn *c = sqlite_of(db);
    sqlite3_stmt *stmt;
    int rc = sqlite_start(c, sql, params, nparams, &stmt);
    if (rc != STORE_OK)
        return rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
        ;
    int result = rc == SQLITE_DONE ? STORE_OK : sqlite_fail(c, rc);
    sqlite_done(stmt);
    return result;
}

static int sqlite_script(store_db *db, const char *sql)
{
    sqlite_conn *c = sqlite_of(db);
    char *msg = NULL;
    int rc = sqlite3_exec(c->h, sql, NULL, NULL, &msg);
    if (rc == SQLITE_OK)
        return STORE_OK;
    int mapped = sqlite_map(rc);
    store_fail(db, mapped == STORE_OK ? STORE_ERROR : mapped, "%s",
               msg ? msg : sqlite3_errstr(rc));
    sqlite3_free(msg);
    return mapped == STORE_OK ? STORE_ERROR : mapped;
}

/* One row as a JSON object keyed by column name. */
static int sqlite_row(sqlite_conn *c, sqlite3_stmt *stmt, json_t **out)
{
    json_t *obj = json_object();
    if (!obj)
        return store_fail(&c->base, STORE_ERROR, "内存不足");
    int ncols = sqlite3_column_count(stmt);
    for (int i = 0; i < ncols; i++) {
        const char *name = sqlite3_column_name(stmt, i);
        json_t *v;
        switch (sqlite3_column_type(stmt, i)) {
        case SQLITE_INTEGER:
            v = json_integer((json_int_t)sqlite3_column_int64(stmt, i));
            break;
        case SQLITE_FLOAT:
            v = json_real(sqlite3_column_double(stmt, i));
            break;
        case SQLITE_TEXT: {
            const char *text = (const char *)sqlite3_column_text(stmt, i);
            int len = sqlite3_column_bytes(stmt, i);
            v = text ? json_stringn(text, (size_t)len) : NULL;
            if (!v) {
                json_decref(obj);
                return store_fail(&c->base, STORE_ERROR, "列 %s 不是有效的 UTF-8 文本",
                                  name ? name : "?");
            }
            break;
        }
        default:  /* NULL, and BLOB which no table uses */
            v = json_null();
            break;
        }
        if (!name || !v || json_object_set_new(obj, name, v) != 0) {
            json_decref(obj);
            return store_fail(&c->base, STORE_ERROR, "内存不足");
        }
    }
    *out = obj;
    return STORE_OK;
}

static int sqlite_query(store_db *db, const char *sql, const sval *params, int nparams,
                        int max_rows, json_t **rows)
{
    sqlite_conn *c = sqlite_of(db);
    *rows = NULL;
    sqlite3_stmt *stmt;
    int rc = sqlite_start(c, sql, params, nparams, &stmt);
    if (rc != STORE_OK)
        return rc;
    json_t *list = json_array();
    if (!list) {
        sqlite_done(stmt);
        return store_fail(db, STORE_ERROR, "内存不足");
    }
    int result = STORE_OK;
    for (;;) {
        if (max_rows > 0 && json_array_size(list) >= (size_t)max_rows)
            break;
        rc = sqlite3_step(stmt);
        if (rc == SQLITE_DONE)
            break;
        if (rc != SQLITE_ROW) {
            result = sqlite_fail(c, rc);
            break;
        }
        json_t *row = NULL;
        result = sqlite_row(c, stmt, &row);
        if (result != STORE_OK)
            break;
        if (json_array_append_new(list, row) != 0) {
            result = store_fail(db, STORE_ERROR, "内存不足");
            break;
        }
    }
    sqlite_done(stmt);
    if (result != STORE_OK) {
        json_decref(list);
        return result;
    }
    *rows = list;
    return STORE_OK;
}

/* Column i of the current row as a typed value (text owned by SQLite). */
static sval sqlite_column(sqlite3_stmt *stmt, int i)
{
    switch (sqlite3_column_type(stmt, i)) {
    case SQLITE_INTEGER:
        return SV_I(sqlite3_column_int64(stmt, i));
    case SQLITE_FLOAT:
        return SV_R(sqlite3_column_double(stmt, i));
    case SQLITE_TEXT: {
        const char *text = (const char *)sqlite3_column_text(stmt, i);
        return SV_T(text);
    }
    default:  /* NULL, and BLOB which no table uses */
        return SV_NUL;
    }
}

#define SQLITE_EACH_COLS 16

static int sqlite_each(store_db *db, const char *sql, const sval *params, int nparams,
                       db_row_fn fn, void *ctx)
{
    sqlite_conn *c = sqlite_of(db);
    sqlite3_stmt *stmt;
    int rc = sqlite_start(c, sql, params, nparams, &stmt);
    if (rc != STORE_OK)
        return rc;
    int ncols = sqlite3_column_count(stmt);
    sval few[SQLITE_EACH_COLS], *cols = few;
    if (ncols > SQLITE_EACH_COLS && !(cols = malloc(sizeof *cols * (size_t)ncols))) {
        sqlite_done(stmt);
        return store_fail(db, STORE_ERROR, "内存不足");
    }
    int result = STORE_OK;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        for (int i = 0; i < ncols; i++)
            cols[i] = sqlite_column(stmt, i);
        if (fn(ctx, ncols, cols) != 0)
            break;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        result = sqlite_fail(c, rc);
    if (cols != few)
        free(cols);
    sqlite_done(stmt);
    return result;
}

static int sqlite_query_int(store_db *db, const char *sql, const sval *params, int nparams,
                            int64_t *out)
{
    sqlite_conn *c = sqlite_of(db);
    sqlite3_stmt *stmt;
    int rc = sqlite_start(c, sql, params, nparams, &stmt);
    if (rc != STORE_OK)
        return rc;
    int result;
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_DONE) {
        result = STORE_NOTFOUND;
    } else if (rc != SQLITE_ROW) {
        result = sqlite_fail(c, rc);
    } else if (sqlite3_column_count(stmt) < 1 || sqlite3_column_type(stmt, 0) == SQLITE_NULL) {
        result = STORE_NOTFOUND;
    } else {
        *out = (int64_t)sqlite3_column_int64(stmt, 0);
        result = STORE_OK;
        /* A write (INSERT ... RETURNING of several rows) runs to the end so
         * that a late error is not lost; a read stops at the first row. */
        if (!sqlite3_stmt_readonly(stmt)) {
            while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
                ;
            if (rc != SQLITE_DONE)
                result = sqlite_fail(c, rc);
        }
    }
    sqlite_done(stmt);
    return result;
}

static int sqlite_changes(store_db *db)
{
    return sqlite3_changes(sqlite_of(db)->h);
}

static int sqlite_begin(store_db *db)
{
    return sqlite_exec(db, "BEGIN IMMEDIATE", NULL, 0);
}

static int sqlite_in_transaction(store_db *db)
{
    return !sqlite3_get_autocommit(sqlite_of(db)->h);
}

const store_backend sqlite_backend = {
    .name = "sqlite",
    .id_sql = "INTEGER PRIMARY KEY AUTOINCREMENT",
    .connect = sqlite_connect,
    .disconnect = sqlite_disconnect,
    .script = sqlite_script,
    .exec = sqlite_exec,
    .query = sqlite_query,
    .each = sqlite_each,
    .query_int = sqlite_query_int,
    .changes = sqlite_changes,
    .begin = sqlite_begin,
    .in_transaction = sqlite_in_transaction,
};
