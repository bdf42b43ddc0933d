/*
 * fixture.h - the database set-up the domain unit tests share: a fresh
 * migrated SQLite database in a temporary directory (fx_store_open /
 * fx_store_close), org units (fx_org), the usual tree
 *
 *   河南省 /1/ > 许昌市 /1/2/ > 长葛市 /1/2/3/ (county) > 大周镇 /1/2/3/4/ (乡镇)
 *
 * (fx_county builds the first three, fx_tree all four), demo databases
 * (fx_demo_new), a unit's subtree (fx_scope_of), queries (fx_num, fx_rows, fx_count), schools created as
 * the command line (fx_school) and users as the request would carry them
 * (fx_user) and the teardown of a fixture that
 * starts with its fx_store (fx_store_teardown). Every helper fails the test on
 * an error.
 *
 * Each test is built alone (-Itests/unit), so these are static inline.
 */
#ifndef FIXTURE_H
#define FIXTURE_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "domain/demo.h"
#include "domain/org.h"
#include "domain/schools.h"
#include "io/filestore.h"
#include "store/store.h"

/* The temporary directory, its database and one connection. */
typedef struct fx_store {
    char dir[64];
    char path[128];
    store *s;
    store_db *db;
} fx_store;

/* The tree fx_county / fx_tree build. */
typedef struct fx_tree {
    int64_t province, city, county, town;
    char province_path[32], city_path[32], county_path[32], town_path[32];
} fx_tree;

/* Creates /tmp/edubureau-<tag>-XXXXXX/t.db, migrated, with no connection yet. */
static inline void fx_store_create(fx_store *st, const char *tag)
{
    char *err = NULL;

    snprintf(st->dir, sizeof st->dir, "/tmp/edubureau-%s-XXXXXX", tag);
    assert_non_null(mkdtemp(st->dir));
    snprintf(st->path, sizeof st->path, "%s/t.db", st->dir);
    st->s = store_open(st->path, 1, &err);
    if (!st->s)
        fail_msg("store_open: %s", err ? err : "?");
    if (store_migrate(st->s, &err) != STORE_OK)
        fail_msg("store_migrate: %s", err ? err : "?");
}

/* fx_store_create and a connection; returns the connection. */
static inline store_db *fx_store_open(fx_store *st, const char *tag)
{
    fx_store_create(st, tag);
    st->db = store_acquire(st->s);
    assert_non_null(st->db);
    return st->db;
}

/* A fresh demo database generated with seed and counties (photos under
 * dir/files when files is set); free it with fx_demo_free. */
static inline fx_store *fx_demo_new(const char *tag, uint64_t seed, int counties, int files)
{
    fx_store *st = calloc(1, sizeof *st);
    char *err = NULL, dir[160];

    assert_non_null(st);
    fx_store_create(st, tag);
    if (files) {
        snprintf(dir, sizeof dir, "%s/files", st->dir);
        assert_int_equal(filestore_init(dir), 0);
    }
    if (demo_generate(st->s, seed, counties, &err) != STORE_OK)
        fail_msg("demo_generate: %s", err ? err : "?");
    st->db = store_acquire(st->s);
    assert_non_null(st->db);
    return st;
}

/* Closes the database and removes the whole directory. */
static inline void fx_store_close(fx_store *st)
{
    char cmd[160];

    store_release(st->s, st->db);
    store_close(st->s);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", st->dir);
    assert_int_equal(system(cmd), 0);
}

/* Frees what fx_demo_new made. */
static inline void fx_demo_free(fx_store *st)
{
    fx_store_close(st);
    free(st);
}

/* The cmocka teardown of a state made by fx_demo_new. */
static inline int fx_demo_teardown(void **state)
{
    fx_demo_free(*state);
    return 0;
}

/* An org unit under parent (0 for the root); its path into path_out. */
static inline int64_t fx_org(store_db *db, int64_t parent, const char *level, const char *name,
                             const char *kind, char *path_out)
{
    int64_t id = 0;
    char *path = NULL;

    assert_int_equal(org_create(db, parent, level, name, kind, &id, &path), STORE_OK);
    if (path_out)
        strcpy(path_out, path);
    free(path);
    return id;
}

/* 河南省 > 许昌市 > 长葛市. */
static inline void fx_county(store_db *db, fx_tree *t)
{
    t->province = fx_org(db, 0, "province", "河南省", NULL, t->province_path);
    t->city = fx_org(db, t->province, "city", "许昌市", NULL, t->city_path);
    t->county = fx_org(db, t->city, "county", "长葛市", NULL, t->county_path);
}

/* 河南省 > 许昌市 > 长葛市 > 大周镇. */
static inline void fx_tree_build(store_db *db, fx_tree *t)
{
    fx_county(db, t);
    t->town = fx_org(db, t->county, "town", "大周镇", "乡镇", t->town_path);
}

/* A 公办 乡村 school of type in town, created as the command line; its
 * path into path_out. */
static inline int64_t fx_school(store_db *db, int64_t town, const char *code, const char *name,
                                const char *type, char *path_out)
{
    refusal e = {0};
    int64_t id = 0;
    json_t *rec = json_pack("{ss ss ss ss ss sI}", "code", code, "name", name, "type", type,
                            "nature", "公办", "area", "乡村", "town_id", (json_int_t)town);
    assert_non_null(rec);
    int rc = schools_create(db, NULL, NULL, rec, "1990-09-01", 0, &id, &e);
    json_decref(rec);
    if (rc != STORE_OK)
        fail_msg("schools_create %s: %d %s", code, rc, e.status ? e.message : db_errmsg(db));
    if (path_out) {
        json_t *row = NULL;
        sval p[] = {SV_I(id)};
        assert_int_equal(db_query_one(db, "SELECT path FROM schools WHERE id = ?", p, 1, &row),
                         STORE_OK);
        strcpy(path_out, json_string_value(json_object_get(row, "path")));
        json_decref(row);
    }
    return id;
}

/* The integer result of sql with no parameter. */
static inline int64_t fx_num(store_db *db, const char *sql)
{
    int64_t n = -1;

    if (db_query_int(db, sql, NULL, 0, &n) != STORE_OK)
        fail_msg("%s: %s", sql, db_errmsg(db));
    return n;
}

/* The rows of sql with no parameter. */
static inline json_t *fx_rows(store_db *db, const char *sql)
{
    json_t *out = NULL;

    if (db_query(db, sql, NULL, 0, &out) != STORE_OK)
        fail_msg("%s: %s", sql, db_errmsg(db));
    return out;
}

/* The subtree of the org unit called name (e.g. the demo's 长葛市): its id,
 * its path and the exclusive upper bound of the paths below it. */
typedef struct fx_scope {
    int64_t id;
    char path[64], path_hi[64];
} fx_scope;

static inline fx_scope fx_scope_of(store_db *db, const char *name)
{
    fx_scope sc = {0};
    json_t *row = NULL;
    sval p[] = {SV_T(name)};

    assert_int_equal(db_query_one(db, "SELECT id, path FROM org_units WHERE name = ?", p, 1, &row),
                     STORE_OK);
    sc.id = json_integer_value(json_object_get(row, "id"));
    snprintf(sc.path, sizeof sc.path, "%s", json_string_value(json_object_get(row, "path")));
    json_decref(row);
    arena *a = arena_new();
    assert_non_null(a);
    snprintf(sc.path_hi, sizeof sc.path_hi, "%s", org_scope_upper(a, sc.path));
    arena_free(a);
    return sc;
}

/* The integer result of sql with one integer parameter. */
static inline int64_t fx_count(store_db *db, const char *sql, int64_t id)
{
    int64_t n = -1;
    sval p[] = {SV_I(id)};

    assert_int_equal(db_query_int(db, sql, p, 1, &n), STORE_OK);
    return n;
}

/* The cmocka teardown of a calloc'ed fixture whose first member is its
 * fx_store. */
static inline int fx_store_teardown(void **state)
{
    fx_store_close(*state);
    free(*state);
    return 0;
}

/* A signed-in user as the request carries it. */
static inline user_ctx fx_user(int64_t id, const char *username, const char *role,
                               const char *scope, const char *modules, int64_t school_id)
{
    user_ctx u;

    memset(&u, 0, sizeof u);
    u.id = id;
    u.username = username;
    u.name = username;
    u.role = role;
    u.scope_path = scope;
    u.dept_modules = modules;
    u.school_id = school_id;
    return u;
}

#endif
