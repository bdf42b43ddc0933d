/*
 * test_demo.c - the demo county generator (domain/demo.c): the same seed
 * gives the same county, another seed another one; the county has what
 * the issue asks for (16 towns, ~360 schools, the named schools, 4 撤并
 * in 2021, groups, a 学校管理员 per school, the bureau's users), and extra
 * counties for the benchmark get unique codes and no users.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/password.h"
#include "domain/demo.h"
#include "store/store.h"

typedef struct demo_db {
    char dir[64];
    char path[128];
    store *s;
    store_db *db;
} demo_db;

/* A fresh database generated with seed and counties. */
static demo_db *demo_db_new(uint64_t seed, int counties)
{
    demo_db *d = calloc(1, sizeof *d);
    char *err = NULL;
    assert_non_null(d);
    strcpy(d->dir, "/tmp/edubureau-demo-XXXXXX");
    assert_non_null(mkdtemp(d->dir));
    snprintf(d->path, sizeof d->path, "%s/t.db", d->dir);
    d->s = store_open(d->path, 1, &err);
    if (!d->s || store_migrate(d->s, &err) != STORE_OK)
        fail_msg("store: %s", err ? err : "?");
    if (demo_generate(d->s, seed, counties, &err) != STORE_OK)
        fail_msg("demo_generate: %s", err ? err : "?");
    d->db = store_acquire(d->s);
    return d;
}

static void demo_db_free(demo_db *d)
{
    char name[160];
    const char *suffixes[] = {"", "-wal", "-shm"};
    store_release(d->s, d->db);
    store_close(d->s);
    for (size_t i = 0; i < 3; i++) {
        snprintf(name, sizeof name, "%s%s", d->path, suffixes[i]);
        unlink(name);
    }
    rmdir(d->dir);
    free(d);
}

static int64_t num(demo_db *d, const char *sql)
{
    int64_t n = -1;
    if (db_query_int(d->db, sql, NULL, 0, &n) != STORE_OK)
        fail_msg("%s: %s", sql, db_errmsg(d->db));
    return n;
}

static json_t *rows(demo_db *d, const char *sql)
{
    json_t *out = NULL;
    if (db_query(d->db, sql, NULL, 0, &out) != STORE_OK)
        fail_msg("%s: %s", sql, db_errmsg(d->db));
    return out;
}

static int setup(void **state)
{
    (void)state;
    assert_int_equal(password_init(), 0);
    return 0;
}

static void test_same_seed_same_county(void **state)
{
    (void)state;
    demo_db *a = demo_db_new(2021, 1), *b = demo_db_new(2021, 1), *c = demo_db_new(7, 1);
    const char *sql = "SELECT code, name, type, nature, area, head, phone, founded_year, status "
                      "FROM schools ORDER BY code";
    json_t *ra = rows(a, sql), *rb = rows(b, sql), *rc = rows(c, sql);
    assert_true(json_array_size(ra) > 0);
    assert_true(json_equal(ra, rb));
    assert_false(json_equal(ra, rc));
    json_decref(ra);
    json_decref(rb);
    json_decref(rc);
    demo_db_free(a);
    demo_db_free(b);
    demo_db_free(c);
}

static void test_county_contents(void **state)
{
    (void)state;
    demo_db *d = demo_db_new(2021, 1);

    assert_int_equal(num(d, "SELECT COUNT(*) FROM org_units WHERE level = 'town'"), 16);
    assert_int_equal(num(d, "SELECT COUNT(*) FROM org_units WHERE level = 'town' AND kind = '街道'"), 4);
    assert_int_equal(num(d, "SELECT COUNT(*) FROM org_units WHERE level = 'county' AND name = '长葛市'"), 1);
    int64_t schools = num(d, "SELECT COUNT(*) FROM schools");
    assert_in_range(schools, 340, 380);
    assert_int_equal(num(d, "SELECT COUNT(DISTINCT code) FROM schools"), schools);
    assert_int_equal(num(d, "SELECT COUNT(*) FROM schools WHERE LENGTH(code) <> 10"), 0);
    assert_int_equal(num(d, "SELECT COUNT(*) FROM schools WHERE status = '撤并' AND closed_on >= '2021-01-01' "
                            "AND closed_on <= '2021-12-31' AND merged_into IS NOT NULL"), 4);
    assert_int_equal(num(d, "SELECT COUNT(*) FROM school_events WHERE event = '并入'"), 4);
    assert_int_equal(num(d, "SELECT COUNT(*) FROM schools WHERE name IN ('长葛市第一高级中学', "
                            "'长葛市第二高级中学', '长葛市实验中学', '长葛市第三实验高级中学', "
                            "'长葛市陈寔路学校')"), 5);
    assert_int_equal(num(d, "SELECT COUNT(*) FROM schools WHERE name = '长葛市陈寔路学校' "
                            "AND type = '九年一贯制学校' AND area = '城区'"), 1);
    /* Proportions: kindergartens, primary schools, one of each rare type. */
    assert_in_range(num(d, "SELECT COUNT(*) FROM schools WHERE type = '幼儿园'"), 130, 170);
    assert_in_range(num(d, "SELECT COUNT(*) FROM schools WHERE type = '小学'"), 115, 150);
    assert_int_equal(num(d, "SELECT COUNT(*) FROM schools WHERE type = '高级中学'"), 5);
    assert_int_equal(num(d, "SELECT COUNT(*) FROM schools WHERE type = '特殊教育学校'"), 1);
    assert_int_equal(num(d, "SELECT COUNT(*) FROM schools WHERE nature = '普惠性民办' AND type <> '幼儿园'"), 0);
    assert_int_equal(num(d, "SELECT COUNT(*) FROM schools s JOIN org_units o ON o.id = s.org_id "
                            "WHERE o.path <> s.path OR o.parent_id <> s.town_id"), 0);
    assert_in_range(num(d, "SELECT COUNT(*) FROM school_groups"), 3, 4);
    assert_int_equal(num(d, "SELECT COUNT(*) FROM departments"), 7);
    /* Users: one 学校管理员 per school, s + code, and the six bureau logins. */
    assert_int_equal(num(d, "SELECT COUNT(*) FROM users u JOIN schools s ON s.id = u.school_id "
                            "WHERE u.role = 'school' AND u.username = 's' || s.code "
                            "AND u.scope_org_id = s.org_id"), schools);
    assert_int_equal(num(d, "SELECT COUNT(*) FROM users WHERE username IN ('admin', 'leader', 'jijiao', "
                            "'anquan', 'renshi', 'audit') AND must_change = 0"), 6);
    assert_int_equal(num(d, "SELECT COUNT(*) FROM users u JOIN departments d ON d.id = u.dept_id "
                            "WHERE u.username = 'jijiao' AND d.modules = 'schools,stats'"), 1);
    /* The summary audit rows say what they are. */
    assert_true(num(d, "SELECT COUNT(*) FROM audit_log WHERE action = 'import' AND entity = 'school'") == 1);
    json_t *pw = rows(d, "SELECT password_hash FROM users WHERE username = 'leader'");
    assert_int_equal(password_verify(json_string_value(json_object_get(json_array_get(pw, 0),
                                                                       "password_hash")),
                                     DEMO_PASSWORD),
                     1);
    json_decref(pw);
    demo_db_free(d);
}

static void test_more_counties(void **state)
{
    (void)state;
    demo_db *d = demo_db_new(2021, 3);
    int64_t schools = num(d, "SELECT COUNT(*) FROM schools");
    assert_in_range(schools, 3 * 340, 3 * 380);
    assert_int_equal(num(d, "SELECT COUNT(DISTINCT code) FROM schools"), schools);
    assert_int_equal(num(d, "SELECT COUNT(*) FROM org_units WHERE level = 'county'"), 3);
    assert_int_equal(num(d, "SELECT COUNT(*) FROM org_units WHERE level = 'province'"), 1);
    assert_int_equal(num(d, "SELECT COUNT(*) FROM org_units WHERE level = 'county' AND name = '模拟县002'"), 1);
    /* No users for the synthetic counties. */
    assert_int_equal(num(d, "SELECT COUNT(*) FROM users u JOIN schools s ON s.id = u.school_id "
                            "WHERE s.code NOT LIKE '411082%'"), 0);
    /* The 长葛市 part is the same as on its own. */
    demo_db *one = demo_db_new(2021, 1);
    const char *sql = "SELECT code, name FROM schools WHERE code LIKE '411082%' ORDER BY code";
    json_t *ra = rows(d, sql), *rb = rows(one, sql);
    assert_true(json_equal(ra, rb));
    json_decref(ra);
    json_decref(rb);
    demo_db_free(one);
    demo_db_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_seed_same_county),
        cmocka_unit_test(test_county_contents),
        cmocka_unit_test(test_more_counties),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
