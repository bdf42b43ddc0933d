/*
 * store.c - the storage layer's common part: backend choice, connection
 * pool, migrations and the db_* entry points of store.h.
 *
 * store_open picks the backend from the URL ("postgres://..." is refused
 * until postgres.c exists; anything else is a SQLite file, "sqlite:"
 * prefix optional) and opens pool_size connections. store_acquire blocks on
 * a condition variable until a connection is free. Everything that differs
 * between databases goes through the store_backend table (backend.h), so
 * nothing here knows SQLite.
 *
 * Migrations: the embedded files "migrations/NNN_name.sql", applied in
 * name order, each inside its own transaction together with its row in
 * schema_migrations(version, name, applied_at). The token %ID% in their
 * text becomes the backend's auto-increment primary key.
 */
#include "store/backend.h"

#include <ctype.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/clock.h"
#include "util/log.h"
#include "util/strbuf.h"

#define STORE_POOL_MAX 256

struct store {
    const store_backend *be;
    pthread_mutex_t lock;
    pthread_cond_t freed;
    int size;
    int nfree;
    store_db **conns;  /* all connections */
    store_db **idle;   /* stack of free ones, nfree deep */
};

static char *store_strdupf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *store_strdupf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    if (vasprintf(&s, fmt, ap) < 0)
        s = NULL;
    va_end(ap);
    return s;
}

int store_fail(store_db *db, int rc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(db->err, sizeof db->err, fmt, ap);
    va_end(ap);
    return rc;
}

/* ---- opening and the pool ---- */

/* The backend for url and the target it connects to, or NULL with *err. */
static const store_backend *store_pick(const char *url, const char **target, char **err)
{
    if (strncmp(url, "postgres://", 11) == 0 || strncmp(url, "postgresql://", 13) == 0) {
        *err = store_strdupf("暂不支持 PostgreSQL：%s", url);
        return NULL;
    }
    const char *path = url;
    if (strncmp(path, "sqlite:", 7) == 0) {
        path += 7;
        if (strncmp(path, "//", 2) == 0)
            path += 2;
    }
    if (*path == '\0') {
        *err = store_strdupf("数据库路径为空");
        return NULL;
    }
    *target = path;
    return &sqlite_backend;
}

store *store_open(const char *url, int pool_size, char **err)
{
    *err = NULL;
    if (!url) {
        *err = store_strdupf("未指定数据库");
        return NULL;
    }
    const char *target = NULL;
    const store_backend *be = store_pick(url, &target, err);
    if (!be)
        return NULL;
    if (pool_size < 1)
        pool_size = 1;
    if (pool_size > STORE_POOL_MAX)
        pool_size = STORE_POOL_MAX;
    if (strcmp(target, ":memory:") == 0)
        pool_size = 1;  /* each connection would be a database of its own */

    store *s = calloc(1, sizeof *s);
    if (!s) {
        *err = store_strdupf("内存不足");
        return NULL;
    }
    s->be = be;
    s->conns = calloc((size_t)pool_size, sizeof *s->conns);
    s->idle = calloc((size_t)pool_size, sizeof *s->idle);
    if (!s->conns || !s->idle) {
        free(s->conns);
        free(s->idle);
        free(s);
        *err = store_strdupf("内存不足");
        return NULL;
    }
    if (pthread_mutex_init(&s->lock, NULL) != 0) {
        free(s->conns);
        free(s->idle);
        free(s);
        *err = store_strdupf("无法初始化连接池");
        return NULL;
    }
    if (pthread_cond_init(&s->freed, NULL) != 0) {
        pthread_mutex_destroy(&s->lock);
        free(s->conns);
        free(s->idle);
        free(s);
        *err = store_strdupf("无法初始化连接池");
        return NULL;
    }
    for (int i = 0; i < pool_size; i++) {
        store_db *db = be->connect(target, err);
        if (!db) {
            store_close(s);
            return NULL;
        }
        s->conns[s->size++] = db;
        s->idle[s->nfree++] = db;
    }
    return s;
}

void store_close(store *s)
{
    if (!s)
        return;
    if (s->nfree != s->size)
        log_warn("store_close: %d 个数据库连接仍在使用", s->size - s->nfree);
    for (int i = 0; i < s->size; i++)
        s->be->disconnect(s->conns[i]);
    pthread_cond_destroy(&s->freed);
    pthread_mutex_destroy(&s->lock);
    free(s->conns);
    free(s->idle);
    free(s);
}

store_db *store_acquire(store *s)
{
    pthread_mutex_lock(&s->lock);
    while (s->nfree == 0)
        pthread_cond_wait(&s->freed, &s->lock);
    store_db *db = s->idle[--s->nfree];
    pthread_mutex_unlock(&s->lock);
    return db;
}

void store_release(store *s, store_db *db)
{
    if (!db)
        return;
    /* A handler that forgot to finish its transaction must not hand the
     * lock (and its half-done writes) to the next request. */
    if (s->be->in_transaction(db)) {
        log_warn("store_release: 连接归还时事务未结束，已回滚");
        if (db_rollback(db) != STORE_OK)
            log_error("store_release: 回滚失败: %s", db->err);
    }
    pthread_mutex_lock(&s->lock);
    s->idle[s->nfree++] = db;
    pthread_cond_signal(&s->freed);
    pthread_mutex_unlock(&s->lock);
}

/* ---- statements ---- */

static int store_check_args(store_db *db, const char *sql, const sval *params, int nparams)
{
    if (!sql)
        return store_fail(db, STORE_ERROR, "SQL 为空");
    if (nparams < 0 || (nparams > 0 && !params))
        return store_fail(db, STORE_ERROR, "参数个数无效: %d", nparams);
    return STORE_OK;
}

int db_exec(store_db *db, const char *sql, const sval *params, int nparams)
{
    int rc = store_check_args(db, sql, params, nparams);
    if (rc != STORE_OK)
        return rc;
    return db->be->exec(db, sql, params, nparams);
}

int db_changes(store_db *db)
{
    return db->be->changes(db);
}

int db_insert(store_db *db, const char *sql, const sval *params, int nparams, int64_t *id)
{
    int rc = db_query_int(db, sql, params, nparams, id);
    if (rc == STORE_NOTFOUND)
        return store_fail(db, STORE_ERROR, "INSERT 没有返回 id（缺少 RETURNING id？）: %s", sql);
    return rc;
}

int db_query(store_db *db, const char *sql, const sval *params, int nparams, json_t **rows)
{
    *rows = NULL;
    int rc = store_check_args(db, sql, params, nparams);
    if (rc != STORE_OK)
        return rc;
    return db->be->query(db, sql, params, nparams, 0, rows);
}

int db_query_one(store_db *db, const char *sql, const sval *params, int nparams, json_t **row)
{
    *row = NULL;
    int rc = store_check_args(db, sql, params, nparams);
    if (rc != STORE_OK)
        return rc;
    json_t *rows = NULL;
    rc = db->be->query(db, sql, params, nparams, 1, &rows);
    if (rc != STORE_OK)
        return rc;
    if (json_array_size(rows) == 0) {
        json_decref(rows);
        return store_fail(db, STORE_NOTFOUND, "没有找到记录");
    }
    *row = json_incref(json_array_get(rows, 0));
    json_decref(rows);
    return STORE_OK;
}

int db_query_int(store_db *db, const char *sql, const sval *params, int nparams, int64_t *out)
{
    int rc = store_check_args(db, sql, params, nparams);
    if (rc != STORE_OK)
        return rc;
    rc = db->be->query_int(db, sql, params, nparams, out);
    if (rc == STORE_NOTFOUND)
        store_fail(db, STORE_NOTFOUND, "没有找到记录");
    return rc;
}

int db_each(store_db *db, const char *sql, const sval *params, int nparams, db_row_fn fn,
            void *ctx)
{
    int rc = store_check_args(db, sql, params, nparams);
    if (rc != STORE_OK)
        return rc;
    if (!fn)
        return store_fail(db, STORE_ERROR, "db_each: 没有回调函数");
    return db->be->each(db, sql, params, nparams, fn, ctx);
}

int db_begin(store_db *db)
{
    return db->be->begin(db);
}

int db_commit(store_db *db)
{
    return db->be->exec(db, "COMMIT", NULL, 0);
}

/* A no-op outside a transaction: some errors end the transaction by
 * themselves, and callers roll back on every failure path. */
int db_rollback(store_db *db)
{
    if (!db->be->in_transaction(db))
        return STORE_OK;
    return db->be->exec(db, "ROLLBACK", NULL, 0);
}

const char *db_errmsg(store_db *db)
{
    return db->err;
}

const char *db_backend(store_db *db)
{
    return db->be->name;
}

/* ---- migrations ---- */

static int store_asset_cmp(const void *a, const void *b)
{
    const asset *x = *(const asset *const *)a, *y = *(const asset *const *)b;
    return strcmp(x->path, y->path);
}

static int store_is_migration(const char *path)
{
    size_t n = strlen(path);
    return strncmp(path, "migrations/", 11) == 0 && n > 15 && strcmp(path + n - 4, ".sql") == 0;
}

/* "migrations/002_schools.sql" -> 2, or -1 when the name does not start
 * with a number. */
static int64_t store_migration_version(const char *path)
{
    const char *p = path + 11;
    if (!isdigit((unsigned char)*p))
        return -1;
    int64_t v = 0;
    for (; isdigit((unsigned char)*p); p++) {
        v = v * 10 + (*p - '0');
        if (v > 1000000000)
            return -1;
    }
    return v;
}

/* The file's text with %ID% replaced (malloced, NUL-terminated). */
static char *store_migration_text(const asset *f, const char *id_sql)
{
    strbuf sb = STRBUF_INIT;
    const char *p = (const char *)f->data, *end = p + f->len;
    while (p < end) {
        const char *tok = memmem(p, (size_t)(end - p), "%ID%", 4);
        if (!tok) {
            sb_appendn(&sb, p, (size_t)(end - p));
            break;
        }
        sb_appendn(&sb, p, (size_t)(tok - p));
        sb_append(&sb, id_sql);
        p = tok + 4;
    }
    sb_append(&sb, "");  /* an empty file still yields "" */
    return sb_steal(&sb);
}

/* Apply one migration unless already applied; 1 when applied, 0 when it
 * was there already, -1 on error (*err set). */
static int store_apply(store_db *db, const asset *f, int64_t version, char **err)
{
    int rc = db_begin(db);
    if (rc != STORE_OK) {
        *err = store_strdupf("迁移 %s 失败: 无法开始事务: %s", f->path, db->err);
        return -1;
    }
    int64_t found = 0;
    sval key[] = {SV_I(version)};
    rc = db_query_int(db, "SELECT version FROM schema_migrations WHERE version = ?", key, 1, &found);
    if (rc == STORE_OK) {
        db_rollback(db);
        return 0;
    }
    if (rc != STORE_NOTFOUND) {
        *err = store_strdupf("迁移 %s 失败: %s", f->path, db->err);
        db_rollback(db);
        return -1;
    }
    char *text = store_migration_text(f, db->be->id_sql);
    rc = db->be->script(db, text);
    free(text);
    if (rc != STORE_OK) {
        *err = store_strdupf("迁移 %s 失败: %s", f->path, db->err);
        db_rollback(db);
        return -1;
    }
    const char *name = f->path + 11;
    sval row[] = {SV_I(version), SV_T(name), SV_I(clock_now())};
    rc = db_exec(db, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                 row, 3);
    if (rc == STORE_OK)
        rc = db_commit(db);
    if (rc != STORE_OK) {
        *err = store_strdupf("迁移 %s 失败: %s", f->path, db->err);
        db_rollback(db);
        return -1;
    }
    return 1;
}

int store_migrate_files(store *s, const asset *files, size_t nfiles, char **err)
{
    *err = NULL;
    const asset **list = calloc(nfiles ? nfiles : 1, sizeof *list);
    if (!list) {
        *err = store_strdupf("内存不足");
        return STORE_ERROR;
    }
    size_t n = 0;
    for (size_t i = 0; i < nfiles; i++)
        if (store_is_migration(files[i].path))
            list[n++] = &files[i];
    qsort(list, n, sizeof *list, store_asset_cmp);

    int result = STORE_OK;
    int64_t prev = -1;
    for (size_t i = 0; i < n; i++) {
        int64_t v = store_migration_version(list[i]->path);
        if (v < 0) {
            *err = store_strdupf("迁移文件名须以编号开头: %s", list[i]->path);
            result = STORE_ERROR;
            break;
        }
        if (v <= prev) {
            *err = store_strdupf("迁移编号重复或顺序错误: %s", list[i]->path);
            result = STORE_ERROR;
            break;
        }
        prev = v;
    }
    if (result != STORE_OK) {
        free(list);
        return result;
    }

    store_db *db = store_acquire(s);
    int rc = db_exec(db,
                     "CREATE TABLE IF NOT EXISTS schema_migrations ("
                     "version INTEGER PRIMARY KEY, name TEXT, applied_at INTEGER)",
                     NULL, 0);
    if (rc != STORE_OK) {
        *err = store_strdupf("无法创建 schema_migrations: %s", db->err);
        result = rc;
    }
    for (size_t i = 0; result == STORE_OK && i < n; i++) {
        int applied = store_apply(db, list[i], store_migration_version(list[i]->path), err);
        if (applied < 0)
            result = STORE_ERROR;
        else if (applied > 0)
            log_info("已应用数据库迁移 %s", list[i]->path);
    }
    store_release(s, db);
    free(list);
    return result;
}

int store_migrate(store *s, char **err)
{
    return store_migrate_files(s, assets, assets_count, err);
}
