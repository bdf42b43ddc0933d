/*
 * test_store.c - the store (store.c, sqlite.c) and settings.c.
 *
 * Each test opens a fresh SQLite file in its own temporary directory,
 * migrated with the embedded migrations, and removes it afterwards.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "domain/settings.h"
#include "store/backend.h"
#include "store/store.h"
#include "util/log.h"

typedef struct fixture {
    char dir[64];
    char path[128];
    store *s;
    store_db *db;
} fixture;

static void fixture_remove_files(fixture *f)
{
    char name[160];
    const char *suffixes[] = {"", "-wal", "-shm", "-journal"};
    for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++) {
        snprintf(name, sizeof name, "%s%s", f->path, suffixes[i]);
        unlink(name);
    }
    rmdir(f->dir);
}

static fixture *fixture_new(int pool_size, int migrate)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    strcpy(f->dir, "/tmp/edubureau-test-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->path, sizeof f->path, "%s/t.db", f->dir);
    char *err = NULL;
    f->s = store_open(f->path, pool_size, &err);
    if (!f->s)
        fail_msg("store_open: %s", err ? err : "?");
    if (migrate) {
        int rc = store_migrate(f->s, &err);
        if (rc != STORE_OK)
            fail_msg("store_migrate: %s", err ? err : "?");
    }
    return f;
}

static int setup(void **state)
{
    fixture *f = fixture_new(2, 1);
    f->db = store_acquire(f->s);
    int rc = db_exec(f->db,
                     "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, "
                     "n INTEGER, x REAL, note TEXT)",
                     NULL, 0);
    assert_int_equal(rc, STORE_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    if (f->db)
        store_release(f->s, f->db);
    store_close(f->s);
    fixture_remove_files(f);
    free(f);
    return 0;
}

static int64_t count_rows(store_db *db, const char *table)
{
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM %s", table);
    int64_t n = -1;
    assert_int_equal(db_query_int(db, sql, NULL, 0, &n), STORE_OK);
    return n;
}

static size_t migration_files(void)
{
    size_t n = 0;
    for (size_t i = 0; i < assets_count; i++) {
        size_t len = strlen(assets[i].path);
        if (strncmp(assets[i].path, "migrations/", 11) == 0 && len > 4 &&
            strcmp(assets[i].path + len - 4, ".sql") == 0)
            n++;
    }
    return n;
}

static void test_migrate_twice(void **state)
{
    fixture *f = *state;
    char *err = NULL;
    /* setup migrated once; again is a no-op */
    int64_t settings = count_rows(f->db, "settings");
    store_release(f->s, f->db);
    f->db = NULL;
    assert_int_equal(store_migrate(f->s, &err), STORE_OK);
    assert_null(err);
    f->db = store_acquire(f->s);
    assert_true(migration_files() >= 1);
    assert_int_equal(count_rows(f->db, "schema_migrations"), (int64_t)migration_files());
    assert_true(settings >= 3);
    assert_int_equal(count_rows(f->db, "settings"), settings);  /* seeded once, not twice */
    json_t *row = NULL;
    assert_int_equal(db_query_one(f->db, "SELECT version, name FROM schema_migrations "
                                         "ORDER BY version LIMIT 1", NULL, 0, &row),
                     STORE_OK);
    assert_int_equal(json_integer_value(json_object_get(row, "version")), 1);
    assert_string_equal(json_string_value(json_object_get(row, "name")), "001_platform.sql");
    json_decref(row);
    assert_string_equal(db_backend(f->db), "sqlite");
}

static void test_insert_query(void **state)
{
    fixture *f = *state;
    int64_t id1 = 0, id2 = 0;
    sval a[] = {SV_T("甲"), SV_I(7)};
    assert_int_equal(db_insert(f->db, "INSERT INTO t (name, n) VALUES (?, ?) RETURNING id", a, 2, &id1),
                     STORE_OK);
    sval b[] = {SV_T("乙"), SV_I(8)};
    assert_int_equal(db_insert(f->db, "INSERT INTO t (name, n) VALUES (?, ?) RETURNING id", b, 2, &id2),
                     STORE_OK);
    assert_true(id1 > 0);
    assert_int_equal(id2, id1 + 1);

    json_t *rows = NULL;
    assert_int_equal(db_query(f->db, "SELECT id, name, n FROM t ORDER BY id", NULL, 0, &rows), STORE_OK);
    assert_int_equal(json_array_size(rows), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 1), "name")), "乙");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(rows, 0), "n")), 7);
    json_decref(rows);

    json_t *row = NULL;
    sval key[] = {SV_I(id2)};
    assert_int_equal(db_query_one(f->db, "SELECT name FROM t WHERE id = ?", key, 1, &row), STORE_OK);
    assert_string_equal(json_string_value(json_object_get(row, "name")), "乙");
    json_decref(row);

    int64_t n = 0;
    assert_int_equal(db_query_int(f->db, "SELECT SUM(n) FROM t", NULL, 0, &n), STORE_OK);
    assert_int_equal(n, 15);

    sval upd[] = {SV_I(100)};
    assert_int_equal(db_exec(f->db, "UPDATE t SET n = ?", upd, 1), STORE_OK);
    assert_int_equal(db_changes(f->db), 2);

    /* Empty result: an empty array, not an error. */
    sval none[] = {SV_I(-1)};
    assert_int_equal(db_query(f->db, "SELECT * FROM t WHERE id = ?", none, 1, &rows), STORE_OK);
    assert_int_equal(json_array_size(rows), 0);
    json_decref(rows);
}

/* What db_each handed over: the rows as text, and where to stop. */
typedef struct each_seen {
    int rows;
    int stop_after;  /* 0: never */
    int ncols;
    char text[256];
} each_seen;

static int each_collect(void *ctx, int ncols, const sval *cols)
{
    each_seen *seen = ctx;
    seen->rows++;
    seen->ncols = ncols;
    size_t used = strlen(seen->text);
    for (int i = 0; i < ncols && used < sizeof seen->text; i++) {
        const sval *v = &cols[i];
        int n = v->type == SV_INT    ? snprintf(seen->text + used, sizeof seen->text - used, "i%lld,", (long long)v->i)
                : v->type == SV_REAL ? snprintf(seen->text + used, sizeof seen->text - used, "r%g,", v->d)
                : v->type == SV_TEXT ? snprintf(seen->text + used, sizeof seen->text - used, "t%s,", v->s)
                                     : snprintf(seen->text + used, sizeof seen->text - used, "null,");
        used += n > 0 ? (size_t)n : 0;
    }
    if (used < sizeof seen->text - 1)
        strcat(seen->text, ";");
    return seen->stop_after > 0 && seen->rows >= seen->stop_after;
}

static void test_each(void **state)
{
    fixture *f = *state;
    sval a[] = {SV_T("甲"), SV_I(7), SV_R(1.5), SV_NUL};
    assert_int_equal(db_exec(f->db, "INSERT INTO t (name, n, x, note) VALUES (?, ?, ?, ?)", a, 4), STORE_OK);
    sval b[] = {SV_T("乙"), SV_NUL, SV_R(-2), SV_T("备注")};
    assert_int_equal(db_exec(f->db, "INSERT INTO t (name, n, x, note) VALUES (?, ?, ?, ?)", b, 4), STORE_OK);
    sval c[] = {SV_T("丙"), SV_I(9)};
    assert_int_equal(db_exec(f->db, "INSERT INTO t (name, n) VALUES (?, ?)", c, 2), STORE_OK);

    /* every row, typed */
    each_seen seen = {0};
    const char *sql = "SELECT name, n, x, note FROM t ORDER BY id";
    assert_int_equal(db_each(f->db, sql, NULL, 0, each_collect, &seen), STORE_OK);
    assert_int_equal(seen.rows, 3);
    assert_int_equal(seen.ncols, 4);
    assert_string_equal(seen.text, "t甲,i7,r1.5,null,;t乙,null,r-2,t备注,;t丙,i9,null,null,;");

    /* a stop is not an error, and the statement is clean for the next call */
    each_seen first = {.stop_after = 1};
    assert_int_equal(db_each(f->db, sql, NULL, 0, each_collect, &first), STORE_OK);
    assert_int_equal(first.rows, 1);
    assert_string_equal(first.text, "t甲,i7,r1.5,null,;");
    assert_int_equal(db_exec(f->db, "UPDATE t SET n = 1", NULL, 0), STORE_OK);

    /* parameters, and no row */
    each_seen some = {0}, none = {0};
    sval min[] = {SV_I(8)};
    assert_int_equal(db_each(f->db, "SELECT name FROM t WHERE n >= ? OR n IS NULL", min, 1,
                             each_collect, &some), STORE_OK);
    assert_int_equal(some.rows, 0);
    sval key[] = {SV_T("丁")};
    assert_int_equal(db_each(f->db, "SELECT id FROM t WHERE name = ?", key, 1, each_collect, &none),
                     STORE_OK);
    assert_int_equal(none.rows, 0);

    /* more columns than the backend keeps on its stack */
    each_seen wide = {0};
    assert_int_equal(db_each(f->db, "SELECT 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18",
                             NULL, 0, each_collect, &wide), STORE_OK);
    assert_int_equal(wide.ncols, 18);
    assert_string_equal(wide.text, "i1,i2,i3,i4,i5,i6,i7,i8,i9,i10,i11,i12,i13,i14,i15,i16,i17,i18,;");

    /* errors: bad SQL, wrong parameter count, no callback */
    each_seen unused = {0};
    assert_int_equal(db_each(f->db, "SELECT nope FROM t", NULL, 0, each_collect, &unused), STORE_ERROR);
    assert_int_equal(db_each(f->db, "SELECT id FROM t WHERE id = ?", NULL, 0, each_collect, &unused),
                     STORE_ERROR);
    assert_int_equal(db_each(f->db, "SELECT id FROM t", NULL, 0, NULL, NULL), STORE_ERROR);
    assert_int_equal(unused.rows, 0);
}

static void test_notfound(void **state)
{
    fixture *f = *state;
    json_t *row = (json_t *)1;
    sval key[] = {SV_I(12345)};
    assert_int_equal(db_query_one(f->db, "SELECT * FROM t WHERE id = ?", key, 1, &row), STORE_NOTFOUND);
    assert_null(row);
    int64_t n = 0;
    assert_int_equal(db_query_int(f->db, "SELECT n FROM t WHERE id = ?", key, 1, &n), STORE_NOTFOUND);
    /* NULL is not an integer */
    assert_int_equal(db_query_int(f->db, "SELECT MAX(n) FROM t", NULL, 0, &n), STORE_NOTFOUND);
    /* an insert without RETURNING gives no id */
    int64_t id = 0;
    assert_int_equal(db_insert(f->db, "INSERT INTO t (name) VALUES ('x')", NULL, 0, &id), STORE_ERROR);
    assert_non_null(strstr(db_errmsg(f->db), "RETURNING"));
}

static void test_constraint(void **state)
{
    fixture *f = *state;
    sval a[] = {SV_T("重复")};
    assert_int_equal(db_exec(f->db, "INSERT INTO t (name) VALUES (?)", a, 1), STORE_OK);
    assert_int_equal(db_exec(f->db, "INSERT INTO t (name) VALUES (?)", a, 1), STORE_CONSTRAINT);
    assert_non_null(strstr(db_errmsg(f->db), "UNIQUE"));
    int64_t id = 0;
    assert_int_equal(db_insert(f->db, "INSERT INTO t (name) VALUES (?) RETURNING id", a, 1, &id),
                     STORE_CONSTRAINT);
    /* foreign keys are on */
    sval d[] = {SV_I(999), SV_T("jj"), SV_T("基础教育股")};
    assert_int_equal(db_exec(f->db, "INSERT INTO departments (org_id, code, name) VALUES (?, ?, ?)", d, 3),
                     STORE_CONSTRAINT);
    /* CHECK constraints */
    sval o[] = {SV_T("planet"), SV_T("x"), SV_T("/9/"), SV_I(0)};
    assert_int_equal(db_exec(f->db, "INSERT INTO org_units (level, name, path, created_at) "
                                    "VALUES (?, ?, ?, ?)", o, 4),
                     STORE_CONSTRAINT);
    /* the statement still works after a failure */
    sval b[] = {SV_T("另一个")};
    assert_int_equal(db_exec(f->db, "INSERT INTO t (name) VALUES (?)", b, 1), STORE_OK);
    assert_int_equal(count_rows(f->db, "t"), 2);
}

static void test_rollback(void **state)
{
    fixture *f = *state;
    assert_int_equal(db_begin(f->db), STORE_OK);
    sval a[] = {SV_T("回滚")};
    assert_int_equal(db_exec(f->db, "INSERT INTO t (name) VALUES (?)", a, 1), STORE_OK);
    assert_int_equal(count_rows(f->db, "t"), 1);
    assert_int_equal(db_rollback(f->db), STORE_OK);
    assert_int_equal(count_rows(f->db, "t"), 0);
    /* outside a transaction rollback is a no-op, commit an error */
    assert_int_equal(db_rollback(f->db), STORE_OK);
    assert_int_equal(db_commit(f->db), STORE_ERROR);

    assert_int_equal(db_begin(f->db), STORE_OK);
    assert_int_equal(db_exec(f->db, "INSERT INTO t (name) VALUES (?)", a, 1), STORE_OK);
    assert_int_equal(db_commit(f->db), STORE_OK);
    assert_int_equal(count_rows(f->db, "t"), 1);

    /* A connection given back mid-transaction is rolled back. */
    assert_int_equal(db_begin(f->db), STORE_OK);
    sval b[] = {SV_T("遗忘")};
    assert_int_equal(db_exec(f->db, "INSERT INTO t (name) VALUES (?)", b, 1), STORE_OK);
    store_release(f->s, f->db);
    f->db = store_acquire(f->s);
    assert_int_equal(count_rows(f->db, "t"), 1);
    assert_int_equal(db_begin(f->db), STORE_OK);
    assert_int_equal(db_rollback(f->db), STORE_OK);
}

static void test_param_types(void **state)
{
    fixture *f = *state;
    const char *chinese = "长葛市第一高级中学（“实验”）";
    const char *none = NULL;
    sval p[] = {SV_T(chinese), SV_I(-9007199254740993LL), SV_R(3.25), SV_NUL};
    int64_t id = 0;
    assert_int_equal(db_insert(f->db, "INSERT INTO t (name, n, x, note) VALUES (?, ?, ?, ?) RETURNING id",
                               p, 4, &id),
                     STORE_OK);
    sval q[] = {SV_T("b"), SV_NUL, SV_NUL, SV_T(none)};
    assert_int_equal(db_exec(f->db, "INSERT INTO t (name, n, x, note) VALUES (?, ?, ?, ?)", q, 4),
                     STORE_OK);

    json_t *row = NULL;
    sval key[] = {SV_T(chinese)};
    assert_int_equal(db_query_one(f->db, "SELECT * FROM t WHERE name = ?", key, 1, &row), STORE_OK);
    assert_string_equal(json_string_value(json_object_get(row, "name")), chinese);
    assert_true(json_is_integer(json_object_get(row, "n")));
    assert_true(json_integer_value(json_object_get(row, "n")) == -9007199254740993LL);
    assert_true(json_is_real(json_object_get(row, "x")));
    assert_true(json_real_value(json_object_get(row, "x")) == 3.25);
    assert_true(json_is_null(json_object_get(row, "note")));
    json_decref(row);

    sval k2[] = {SV_T("b")};
    assert_int_equal(db_query_one(f->db, "SELECT n, x, note FROM t WHERE name = ?", k2, 1, &row), STORE_OK);
    assert_true(json_is_null(json_object_get(row, "n")));
    assert_true(json_is_null(json_object_get(row, "x")));
    assert_true(json_is_null(json_object_get(row, "note")));
    json_decref(row);

    /* IS NULL through a NULL text parameter */
    int64_t n = 0;
    sval k3[] = {SV_T(none)};
    assert_int_equal(db_query_int(f->db, "SELECT COUNT(*) FROM t WHERE ? IS NULL", k3, 1, &n), STORE_OK);
    assert_int_equal(n, 2);
}

static void test_bad_statements(void **state)
{
    fixture *f = *state;
    sval one[] = {SV_I(1)};
    /* wrong parameter count */
    assert_int_equal(db_exec(f->db, "SELECT ?, ?", one, 1), STORE_ERROR);
    assert_non_null(strstr(db_errmsg(f->db), "参数个数"));
    /* several statements */
    assert_int_equal(db_exec(f->db, "SELECT 1; SELECT 2", NULL, 0), STORE_ERROR);
    /* trailing semicolon and spaces are fine */
    assert_int_equal(db_exec(f->db, "SELECT 1;  \n", NULL, 0), STORE_OK);
    /* syntax error */
    assert_int_equal(db_exec(f->db, "SELEKT 1", NULL, 0), STORE_ERROR);
    assert_true(strlen(db_errmsg(f->db)) > 0);
    /* empty */
    assert_int_equal(db_exec(f->db, "  ", NULL, 0), STORE_ERROR);
    assert_int_equal(db_exec(f->db, NULL, NULL, 0), STORE_ERROR);
    assert_int_equal(db_exec(f->db, "SELECT ?", NULL, 1), STORE_ERROR);
}

static void test_statement_cache(void **state)
{
    fixture *f = *state;
    char sql[64];
    /* Many more distinct statements than the cache holds, twice over, and
     * the first ones again after they have been evicted. */
    for (int round = 0; round < 2; round++) {
        for (int i = 0; i < 400; i++) {
            snprintf(sql, sizeof sql, "SELECT ? + %d", i);
            sval p[] = {SV_I(round * 1000)};
            int64_t n = -1;
            assert_int_equal(db_query_int(f->db, sql, p, 1, &n), STORE_OK);
            assert_int_equal(n, round * 1000 + i);
        }
    }
    /* A hot statement stays correct while others churn. */
    sval name[] = {SV_T("热")};
    assert_int_equal(db_exec(f->db, "INSERT INTO t (name) VALUES (?)", name, 1), STORE_OK);
    for (int i = 0; i < 300; i++) {
        snprintf(sql, sizeof sql, "SELECT COUNT(*) + %d FROM t", i);
        int64_t n = -1;
        assert_int_equal(db_query_int(f->db, sql, NULL, 0, &n), STORE_OK);
        assert_int_equal(n, 1 + i);
        assert_int_equal(db_query_int(f->db, "SELECT COUNT(*) FROM t WHERE name = ?", name, 1, &n),
                         STORE_OK);
        assert_int_equal(n, 1);
    }
}

/* ---- the pool ---- */

typedef struct pool_state {
    store *s;
    pthread_mutex_t lock;
    store_db *held[8];
    int nheld;
    int max_held;
    int overlap;  /* a connection handed to two threads at once */
    int errors;
} pool_state;

static void *pool_worker(void *arg)
{
    pool_state *ps = arg;
    for (int i = 0; i < 50; i++) {
        store_db *db = store_acquire(ps->s);
        pthread_mutex_lock(&ps->lock);
        for (int k = 0; k < ps->nheld; k++)
            if (ps->held[k] == db)
                ps->overlap++;
        ps->held[ps->nheld++] = db;
        if (ps->nheld > ps->max_held)
            ps->max_held = ps->nheld;
        pthread_mutex_unlock(&ps->lock);

        sval p[] = {SV_I(i)};
        if (db_begin(db) != STORE_OK || db_exec(db, "INSERT INTO t (n) VALUES (?)", p, 1) != STORE_OK ||
            db_commit(db) != STORE_OK) {
            db_rollback(db);
            pthread_mutex_lock(&ps->lock);
            ps->errors++;
            pthread_mutex_unlock(&ps->lock);
        }
        usleep(100);

        pthread_mutex_lock(&ps->lock);
        for (int k = 0; k < ps->nheld; k++) {
            if (ps->held[k] == db) {
                ps->held[k] = ps->held[--ps->nheld];
                break;
            }
        }
        pthread_mutex_unlock(&ps->lock);
        store_release(ps->s, db);
    }
    return NULL;
}

static void test_pool_threads(void **state)
{
    fixture *f = *state;
    store_release(f->s, f->db);
    f->db = NULL;
    pool_state ps = {.s = f->s};
    pthread_mutex_init(&ps.lock, NULL);
    pthread_t threads[4];
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&threads[i], NULL, pool_worker, &ps), 0);
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_join(threads[i], NULL), 0);
    pthread_mutex_destroy(&ps.lock);
    assert_int_equal(ps.overlap, 0);
    assert_int_equal(ps.errors, 0);
    assert_true(ps.max_held <= 2);  /* the pool has two connections */
    f->db = store_acquire(f->s);
    assert_int_equal(count_rows(f->db, "t"), 200);
}

/* ---- opening and migrations ---- */

static void test_open_urls(void **state)
{
    (void)state;
    char *err = NULL;
    assert_null(store_open("postgres://u@h/db", 2, &err));
    assert_non_null(err);
    assert_non_null(strstr(err, "暂不支持 PostgreSQL"));
    free(err);
    err = NULL;
    assert_null(store_open("postgresql://u@h/db", 2, &err));
    assert_non_null(strstr(err, "PostgreSQL"));
    free(err);
    err = NULL;
    assert_null(store_open("/nonexistent-dir/x/y.db", 1, &err));
    assert_non_null(err);
    free(err);

    char dir[] = "/tmp/edubureau-url-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char url[128], path[128];
    snprintf(url, sizeof url, "sqlite:%s/u.db", dir);
    snprintf(path, sizeof path, "%s/u.db", dir);
    store *s = store_open(url, 3, &err);
    assert_non_null(s);
    store_db *db = store_acquire(s);
    assert_int_equal(db_exec(db, "CREATE TABLE x (a INTEGER)", NULL, 0), STORE_OK);
    json_t *row = NULL;
    assert_int_equal(db_query_one(db, "PRAGMA journal_mode", NULL, 0, &row), STORE_OK);
    assert_string_equal(json_string_value(json_object_get(row, "journal_mode")), "wal");
    json_decref(row);
    int64_t fk = 0;
    assert_int_equal(db_query_int(db, "PRAGMA foreign_keys", NULL, 0, &fk), STORE_OK);
    assert_int_equal(fk, 1);
    store_release(s, db);
    store_close(s);
    assert_int_equal(access(path, F_OK), 0);
    char name[160];
    snprintf(name, sizeof name, "%s-wal", path);
    unlink(name);
    snprintf(name, sizeof name, "%s-shm", path);
    unlink(name);
    unlink(path);
    rmdir(dir);
}

#define TEXT_ASSET(p, t) {.path = (p), .data = (const unsigned char *)(t), .len = sizeof(t) - 1}

static void test_migration_errors(void **state)
{
    (void)state;
    fixture *f = fixture_new(1, 0);
    /* out of order on purpose: they are applied by name */
    const asset files[] = {
        TEXT_ASSET("migrations/002_bad.sql", "CREATE TABLE b (id %ID%, v TEXT);\nCREATE TABLE oops (;"),
        TEXT_ASSET("web/index.html", "<p>not a migration</p>"),
        TEXT_ASSET("migrations/001_a.sql", "CREATE TABLE a (id %ID%, v TEXT);\n"
                                           "INSERT INTO a (v) VALUES ('一');"),
        TEXT_ASSET("migrations/README.md", "ignored"),
    };
    char *err = NULL;
    assert_int_equal(store_migrate_files(f->s, files, 4, &err), STORE_ERROR);
    assert_non_null(err);
    assert_non_null(strstr(err, "migrations/002_bad.sql"));
    free(err);
    err = NULL;

    store_db *db = store_acquire(f->s);
    assert_int_equal(count_rows(db, "schema_migrations"), 1);
    assert_int_equal(count_rows(db, "a"), 1);
    /* 002 rolled back as a whole: table b does not exist */
    int64_t n = 0;
    assert_int_equal(db_query_int(db, "SELECT COUNT(*) FROM b", NULL, 0, &n), STORE_ERROR);
    /* %ID% became an auto-increment key */
    sval v[] = {SV_T("二")};
    int64_t id = 0;
    assert_int_equal(db_insert(db, "INSERT INTO a (v) VALUES (?) RETURNING id", v, 1, &id), STORE_OK);
    assert_int_equal(id, 2);
    store_release(f->s, db);

    /* A file name without a number is refused, naming the file. */
    const asset unnumbered[] = {TEXT_ASSET("migrations/extra.sql", "SELECT 1;")};
    assert_int_equal(store_migrate_files(f->s, unnumbered, 1, &err), STORE_ERROR);
    assert_non_null(strstr(err, "migrations/extra.sql"));
    free(err);
    err = NULL;

    /* Fixed, the set applies; applying again changes nothing. */
    const asset fixed[] = {
        TEXT_ASSET("migrations/001_a.sql", "CREATE TABLE a (id %ID%, v TEXT);"),
        TEXT_ASSET("migrations/002_b.sql", "CREATE TABLE b (id %ID%, v TEXT);"),
    };
    assert_int_equal(store_migrate_files(f->s, fixed, 2, &err), STORE_OK);
    assert_int_equal(store_migrate_files(f->s, fixed, 2, &err), STORE_OK);
    db = store_acquire(f->s);
    assert_int_equal(count_rows(db, "schema_migrations"), 2);
    assert_int_equal(count_rows(db, "b"), 0);
    store_release(f->s, db);

    store_close(f->s);
    fixture_remove_files(f);
    free(f);
}

static void test_settings(void **state)
{
    fixture *f = *state;
    assert_int_equal(settings_int(f->db, "session_idle_minutes", 99), 30);
    assert_int_equal(settings_int(f->db, "lockout_failures", 99), 5);
    assert_int_equal(settings_int(f->db, "no_such_key", 42), 42);
    sval p[] = {SV_T("weird"), SV_T("12abc")};
    assert_int_equal(db_exec(f->db, "INSERT INTO settings (key, value) VALUES (?, ?)", p, 2), STORE_OK);
    assert_int_equal(settings_int(f->db, "weird", 7), 7);
    sval q[] = {SV_T(" 60 "), SV_T("lockout_minutes")};
    assert_int_equal(db_exec(f->db, "UPDATE settings SET value = ? WHERE key = ?", q, 2), STORE_OK);
    assert_int_equal(settings_int(f->db, "lockout_minutes", 15), 60);
}

int main(void)
{
    log_set_quiet(1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_migrate_twice, setup, teardown),
        cmocka_unit_test_setup_teardown(test_insert_query, setup, teardown),
        cmocka_unit_test_setup_teardown(test_each, setup, teardown),
        cmocka_unit_test_setup_teardown(test_notfound, setup, teardown),
        cmocka_unit_test_setup_teardown(test_constraint, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rollback, setup, teardown),
        cmocka_unit_test_setup_teardown(test_param_types, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_statements, setup, teardown),
        cmocka_unit_test_setup_teardown(test_statement_cache, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pool_threads, setup, teardown),
        cmocka_unit_test_setup_teardown(test_settings, setup, teardown),
        cmocka_unit_test(test_open_urls),
        cmocka_unit_test(test_migration_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
