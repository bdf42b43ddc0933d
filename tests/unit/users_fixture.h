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

#include "fixture.h"

#include "auth/password.h"
#include "domain/users.h"
#include "util/log.h"

#define FIXTURE_PASSWORD "Right@2021"
#define FIXTURE_NOW ((int64_t)1700000000)

typedef struct fixture {
    fx_store st;
    store_db *db;
    arena *a;
    int64_t province, city, county, school_unit, other_county, dept, school, admin;
} fixture;

static int fixture_setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);

    assert_non_null(f);
    assert_int_equal(password_init(), 0);
    log_set_quiet(1);
    f->db = fx_store_open(&f->st, "users");
    f->a = arena_new();

    assert_int_equal(db_begin(f->db), STORE_OK);
    f->province = fx_org(f->db, 0, "province", "河南省", NULL, NULL);
    f->city = fx_org(f->db, f->province, "city", "许昌市", NULL, NULL);
    f->county = fx_org(f->db, f->city, "county", "长葛市", NULL, NULL);
    f->school_unit = fx_org(f->db, f->county, "school", "长葛市第一小学", NULL, NULL);
    f->other_county = fx_org(f->db, f->city, "county", "禹州市", NULL, NULL);
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

    arena_free(f->a);
    return fx_store_teardown(state);
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
