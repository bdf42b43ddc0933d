/*
 * users_fixture.h - a fresh migrated SQLite database with a small org tree
 * and accounts, for test_session.c and test_users.c.
 *
 *   河南省 (root, /1/)
 *     许昌市 (/1/2/)
 *       长葛市 (county, /1/2/3/)  - department 基础教育股 (modules "schools")
 *         长葛市第一小学 (school unit, /1/2/3/4/) - schools row code 4110000001
 *       禹州市 (county, /1/2/5/)
 * Accounts: "admin" (admin, scope 长葛市, password FIXTURE_PASSWORD).
 */
#ifndef USERS_FIXTURE_H
#define USERS_FIXTURE_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/password.h"
#include "domain/org.h"
#include "domain/users.h"
#include "store/store.h"
#include "util/log.h"

#define FIXTURE_PASSWORD "Right@2021"
#define FIXTURE_NOW ((int64_t)1700000000)

typedef struct fixture {
    char dir[64];
    char path[128];
    store *s;
    store_db *db;
    arena *a;
    int64_t province, city, county, school_unit, other_county, dept, school, admin;
} fixture;

static int64_t fixture_org(fixture *f, int64_t parent, const char *level, const char *name)
{
    int64_t id = 0;
    assert_int_equal(org_create(f->db, parent, level, name, NULL, &id, NULL), STORE_OK);
    return id;
}

static int fixture_setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    char *err = NULL;

    assert_non_null(f);
    assert_int_equal(password_init(), 0);
    log_set_quiet(1);
    strcpy(f->dir, "/tmp/edubureau-users-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->path, sizeof f->path, "%s/t.db", f->dir);
    f->s = store_open(f->path, 1, &err);
    if (!f->s)
        fail_msg("store_open: %s", err ? err : "?");
    if (store_migrate(f->s, &err) != STORE_OK)
        fail_msg("store_migrate: %s", err ? err : "?");
    f->db = store_acquire(f->s);
    f->a = arena_new();

    assert_int_equal(db_begin(f->db), STORE_OK);
    f->province = fixture_org(f, 0, "province", "河南省");
    f->city = fixture_org(f, f->province, "city", "许昌市");
    f->county = fixture_org(f, f->city, "county", "长葛市");
    f->school_unit = fixture_org(f, f->county, "school", "长葛市第一小学");
    f->other_county = fixture_org(f, f->city, "county", "禹州市");
    sval dept[] = {SV_I(f->county)};
    assert_int_equal(db_insert(f->db,
                               "INSERT INTO departments (org_id, code, name, modules) "
                               "VALUES (?, 'jijiao', '基础教育股', 'schools') RETURNING id",
                               dept, 1, &f->dept),
                     STORE_OK);
    sval school[] = {SV_I(f->school_unit), SV_T("/1/2/3/4/"), SV_I(FIXTURE_NOW), SV_I(FIXTURE_NOW)};
    assert_int_equal(db_insert(f->db,
                               "INSERT INTO schools (org_id, path, code, name, type, nature, area, "
                               "created_at, updated_at) VALUES (?, ?, '4110000001', '长葛市第一小学', "
                               "'小学', '公办', '城区', ?, ?) RETURNING id",
                               school, 4, &f->school),
                     STORE_OK);
    assert_int_equal(users_create(f->db, NULL, NULL, "admin", "管理员", "admin", 0, f->county, 0,
                                  FIXTURE_PASSWORD, 0, &f->admin),
                     USERS_OK);
    assert_int_equal(db_commit(f->db), STORE_OK);
    *state = f;
    return 0;
}

static int fixture_teardown(void **state)
{
    fixture *f = *state;
    char name[160];
    const char *suffixes[] = {"", "-wal", "-shm", "-journal"};

    arena_free(f->a);
    store_release(f->s, f->db);
    store_close(f->s);
    for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++) {
        snprintf(name, sizeof name, "%s%s", f->path, suffixes[i]);
        unlink(name);
    }
    rmdir(f->dir);
    free(f);
    return 0;
}

/* The integer result of a one-parameter query (text parameter or none). */
static int64_t fixture_int(fixture *f, const char *sql, const char *param)
{
    int64_t out = -1;
    sval p[] = {SV_T(param)};
    assert_int_equal(db_query_int(f->db, sql, p, param ? 1 : 0, &out), STORE_OK);
    return out;
}

#endif
