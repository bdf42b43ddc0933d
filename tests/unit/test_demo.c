/*
 * test_demo.c - the demo county generator (domain/demo.c): the same seed
 * gives the same county, another seed another one; the county has what
 * the issue asks for (16 towns, ~360 schools, the named schools, 4 撤并
 * in 2021, groups, a 学校管理员 per school, the bureau's users), and extra
 * counties for the benchmark get unique codes and no users.
 */
#include "fixture.h"

#include "auth/password.h"

typedef fx_store demo_db;

/* A fresh database generated with seed and counties. */
static demo_db *demo_db_new(uint64_t seed, int counties)
{
    return fx_demo_new("demo", seed, counties, 0);
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
    json_t *ra = fx_rows(a->db, sql), *rb = fx_rows(b->db, sql), *rc = fx_rows(c->db, sql);
    assert_true(json_array_size(ra) > 0);
    assert_true(json_equal(ra, rb));
    assert_false(json_equal(ra, rc));
    json_decref(ra);
    json_decref(rb);
    json_decref(rc);
    fx_demo_free(a);
    fx_demo_free(b);
    fx_demo_free(c);
}

static void test_county_contents(void **state)
{
    (void)state;
    demo_db *d = demo_db_new(2021, 1);

    assert_int_equal(fx_num(d->db, "SELECT COUNT(*) FROM org_units WHERE level = 'town'"), 16);
    assert_int_equal(fx_num(d->db, "SELECT COUNT(*) FROM org_units WHERE level = 'town' AND kind = '街道'"), 4);
    assert_int_equal(fx_num(d->db, "SELECT COUNT(*) FROM org_units WHERE level = 'county' AND name = '长葛市'"), 1);
    int64_t schools = fx_num(d->db, "SELECT COUNT(*) FROM schools");
    assert_in_range(schools, 340, 380);
    assert_int_equal(fx_num(d->db, "SELECT COUNT(DISTINCT code) FROM schools"), schools);
    assert_int_equal(fx_num(d->db, "SELECT COUNT(*) FROM schools WHERE LENGTH(code) <> 10"), 0);
    assert_int_equal(fx_num(d->db, "SELECT COUNT(*) FROM schools WHERE status = '撤并' AND closed_on >= '2021-01-01' "
                            "AND closed_on <= '2021-12-31' AND merged_into IS NOT NULL"), 4);
    assert_int_equal(fx_num(d->db, "SELECT COUNT(*) FROM school_events WHERE event = '并入'"), 4);
    assert_int_equal(fx_num(d->db, "SELECT COUNT(*) FROM schools WHERE name IN ('长葛市第一高级中学', "
                            "'长葛市第二高级中学', '长葛市实验中学', '长葛市第三实验高级中学', "
                            "'长葛市陈寔路学校')"), 5);
    assert_int_equal(fx_num(d->db, "SELECT COUNT(*) FROM schools WHERE name = '长葛市陈寔路学校' "
                            "AND type = '九年一贯制学校' AND area = '城区'"), 1);
    /* Proportions: kindergartens, primary schools, one of each rare type. */
    assert_in_range(fx_num(d->db, "SELECT COUNT(*) FROM schools WHERE type = '幼儿园'"), 130, 170);
    assert_in_range(fx_num(d->db, "SELECT COUNT(*) FROM schools WHERE type = '小学'"), 115, 150);
    assert_int_equal(fx_num(d->db, "SELECT COUNT(*) FROM schools WHERE type = '高级中学'"), 5);
    assert_int_equal(fx_num(d->db, "SELECT COUNT(*) FROM schools WHERE type = '特殊教育学校'"), 1);
    assert_int_equal(fx_num(d->db, "SELECT COUNT(*) FROM schools WHERE nature = '普惠性民办' AND type <> '幼儿园'"), 0);
    assert_int_equal(fx_num(d->db, "SELECT COUNT(*) FROM schools s JOIN org_units o ON o.id = s.org_id "
                            "WHERE o.path <> s.path OR o.parent_id <> s.town_id"), 0);
    assert_in_range(fx_num(d->db, "SELECT COUNT(*) FROM school_groups"), 3, 4);
    assert_int_equal(fx_num(d->db, "SELECT COUNT(*) FROM departments"), 7);
    /* Users: one 学校管理员 per school, s + code, and the six bureau logins. */
    assert_int_equal(fx_num(d->db, "SELECT COUNT(*) FROM users u JOIN schools s ON s.id = u.school_id "
                            "WHERE u.role = 'school' AND u.username = 's' || s.code "
                            "AND u.scope_org_id = s.org_id"), schools);
    assert_int_equal(fx_num(d->db, "SELECT COUNT(*) FROM users WHERE username IN ('admin', 'leader', 'jijiao', "
                            "'anquan', 'renshi', 'audit') AND must_change = 0"), 6);
    assert_int_equal(fx_num(d->db, "SELECT COUNT(*) FROM users u JOIN departments d ON d.id = u.dept_id "
                            "WHERE u.username = 'jijiao' AND d.modules = 'schools,stats'"), 1);
    /* The summary audit rows say what they are. */
    assert_true(fx_num(d->db, "SELECT COUNT(*) FROM audit_log WHERE action = 'import' AND entity = 'school'") == 1);
    json_t *pw = fx_rows(d->db, "SELECT password_hash FROM users WHERE username = 'leader'");
    assert_int_equal(password_verify(json_string_value(json_object_get(json_array_get(pw, 0),
                                                                       "password_hash")),
                                     DEMO_PASSWORD),
                     1);
    json_decref(pw);
    fx_demo_free(d);
}

static void test_more_counties(void **state)
{
    (void)state;
    demo_db *d = demo_db_new(2021, 3);
    int64_t schools = fx_num(d->db, "SELECT COUNT(*) FROM schools");
    assert_in_range(schools, 3 * 340, 3 * 380);
    assert_int_equal(fx_num(d->db, "SELECT COUNT(DISTINCT code) FROM schools"), schools);
    assert_int_equal(fx_num(d->db, "SELECT COUNT(*) FROM org_units WHERE level = 'county'"), 3);
    assert_int_equal(fx_num(d->db, "SELECT COUNT(*) FROM org_units WHERE level = 'province'"), 1);
    assert_int_equal(fx_num(d->db, "SELECT COUNT(*) FROM org_units WHERE level = 'county' AND name = '模拟县002'"), 1);
    /* No users for the synthetic counties. */
    assert_int_equal(fx_num(d->db, "SELECT COUNT(*) FROM users u JOIN schools s ON s.id = u.school_id "
                            "WHERE s.code NOT LIKE '411082%'"), 0);
    /* The 长葛市 part is the same as on its own. */
    demo_db *one = demo_db_new(2021, 1);
    const char *sql = "SELECT code, name FROM schools WHERE code LIKE '411082%' ORDER BY code";
    json_t *ra = fx_rows(d->db, sql), *rb = fx_rows(one->db, sql);
    assert_true(json_equal(ra, rb));
    json_decref(ra);
    json_decref(rb);
    fx_demo_free(one);
    fx_demo_free(d);
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
