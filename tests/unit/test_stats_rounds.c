/*
 * test_stats_rounds.c - the data-collection rounds (domain/stats_rounds.c):
 * the pure helpers (the '|' list of school types, lateness on the deadline
 * day and the day after, today in UTC+8, dates) and the records: who may
 * open a round and for which unit, every validation error, the 409 of an
 * overlapping 进行中 round (also when one is reopened), edits and audit.
 *
 * Tree: 河南省 /1/ > 许昌市 /1/2/ > 长葛市 /1/2/3/ > 大周镇 (4);
 *       许昌市 > 禹州市 /1/2/5/.
 */
#include "fixture.h"

#include "domain/stats_rounds.h"
#include "util/clock.h"

/* ------------------------------------------------------------ the helpers */

static void test_has_type(void **state)
{
    (void)state;
    assert_true(stats_rounds_has_type("小学|初中", "小学"));
    assert_true(stats_rounds_has_type("小学|初中", "初中"));
    assert_true(stats_rounds_has_type("幼儿园", "幼儿园"));
    assert_false(stats_rounds_has_type("小学|初中", "初"));
    assert_false(stats_rounds_has_type("小学|初中", "小学|初中"));
    assert_false(stats_rounds_has_type("九年一贯制学校", "学校"));
    assert_false(stats_rounds_has_type("小学|初中", ""));
    assert_false(stats_rounds_has_type("", "小学"));
    assert_false(stats_rounds_has_type(NULL, "小学"));
    assert_false(stats_rounds_has_type("小学", NULL));
    assert_true(stats_rounds_has_type("|小学||初中|", "初中"));
}

static void test_types_array(void **state)
{
    (void)state;
    json_t *a = stats_rounds_types_array("小学|初中|九年一贯制学校");
    assert_int_equal(json_array_size(a), 3);
    assert_string_equal(json_string_value(json_array_get(a, 0)), "小学");
    assert_string_equal(json_string_value(json_array_get(a, 2)), "九年一贯制学校");
    json_decref(a);
    a = stats_rounds_types_array("|小学||初中|");
    assert_int_equal(json_array_size(a), 2);
    assert_string_equal(json_string_value(json_array_get(a, 1)), "初中");
    json_decref(a);
    a = stats_rounds_types_array("");
    assert_int_equal(json_array_size(a), 0);
    json_decref(a);
    a = stats_rounds_types_array(NULL);
    assert_int_equal(json_array_size(a), 0);
    json_decref(a);
}

static void test_late(void **state)
{
    (void)state;
    const char *due = "2022-09-25";
    /* before and on the deadline day nobody is late */
    assert_false(stats_rounds_is_late(due, "2022-09-24", NULL));
    assert_false(stats_rounds_is_late(due, "2022-09-25", NULL));
    assert_false(stats_rounds_is_late(due, "2022-09-25", "已退回"));
    /* the day after: not submitted (未填报, 草稿) and returned are late */
    assert_true(stats_rounds_is_late(due, "2022-09-26", NULL));
    assert_true(stats_rounds_is_late(due, "2022-09-26", "未填报"));
    assert_true(stats_rounds_is_late(due, "2022-09-26", "草稿"));
    assert_true(stats_rounds_is_late(due, "2022-09-26", "已退回"));
    assert_false(stats_rounds_is_late(due, "2022-09-26", "已提交"));
    assert_false(stats_rounds_is_late(due, "2022-09-26", "已通过"));
    /* across a month and a year */
    assert_true(stats_rounds_is_late("2022-09-30", "2022-10-01", NULL));
    assert_true(stats_rounds_is_late("2022-12-31", "2023-01-01", "草稿"));
    assert_false(stats_rounds_is_late(NULL, "2023-01-01", NULL));
}

static void test_today_utc8(void **state)
{
    char today[11];
    (void)state;
    /* 2022-09-25 15:59:59 UTC is still the 25th... */
    setenv("EDUBUREAU_NOW", "1664121599", 1);
    clock_today(today);
    assert_string_equal(today, "2022-09-25");
    /* ...and 16:00 UTC is midnight of the 26th in UTC+8 */
    setenv("EDUBUREAU_NOW", "1664121600", 1);
    clock_today(today);
    assert_string_equal(today, "2022-09-26");
    assert_true(stats_rounds_is_late("2022-09-25", today, NULL));
    unsetenv("EDUBUREAU_NOW");
}

static void test_date_valid(void **state)
{
    (void)state;
    assert_true(clock_date_valid("2022-09-30"));
    assert_true(clock_date_valid("2024-02-29"));
    assert_false(clock_date_valid("2022-02-30"));
    assert_false(clock_date_valid("2023-02-29"));
    assert_false(clock_date_valid("2022-9-30"));
    assert_false(clock_date_valid("2022/09/30"));
    assert_false(clock_date_valid("2022-09-30 08:00"));
    assert_false(clock_date_valid("+022-09-30"));
    assert_false(clock_date_valid(""));
    assert_false(clock_date_valid(NULL));
}

/* ------------------------------------------------------------ the records */

typedef struct fixture {
    fx_store st;
    store_db *db;
    fx_tree tree;
    int64_t other_county;
    user_ctx admin, dept, dept_other, leader, school, town_dept;
} fixture;

/* A user named after its role, scoped to the unit org (scope its path). */
static user_ctx role_user(int64_t id, const char *role, int64_t org, const char *scope,
                          const char *modules)
{
    user_ctx u = fx_user(id, role, role, scope, modules, 0);
    u.scope_org_id = org;
    return u;
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->db = fx_store_open(&f->st, "rounds");
    fx_tree_build(f->db, &f->tree);
    f->other_county = fx_org(f->db, f->tree.city, "county", "禹州市", NULL, NULL);
    f->admin = role_user(1, ROLE_ADMIN, f->tree.province, f->tree.province_path, NULL);
    f->dept = role_user(2, ROLE_DEPT, f->tree.county, f->tree.county_path, "schools,stats");
    f->dept_other = role_user(3, ROLE_DEPT, f->tree.county, f->tree.county_path, "safety");
    f->leader = role_user(4, ROLE_LEADER, f->tree.county, f->tree.county_path, NULL);
    f->school = role_user(5, ROLE_SCHOOL, f->tree.town, f->tree.town_path, NULL);
    f->town_dept = role_user(6, ROLE_DEPT, f->tree.town, f->tree.town_path, "stats");
    *state = f;
    return 0;
}

static json_t *round_body(const char *name, int year, const char *types, const char *deadline)
{
    json_t *in = json_pack("{ss si ss}", "name", name, "year", year, "deadline", deadline);
    json_object_set_new(in, "school_types", stats_rounds_types_array(types));
    return in;
}

/* stats_rounds_create as u; returns the refusal status (0 = created). */
static int try_create(fixture *f, const user_ctx *u, json_t *in, const char **field,
                      int64_t *id)
{
    refusal e;
    int64_t created = 0;
    int rc = stats_rounds_create(f->db, u, "127.0.0.1", 0, in, 1, &created, &e);
    json_decref(in);
    if (field)
        *field = rc == REFUSED ? e.field : NULL;
    if (id)
        *id = created;
    if (rc == REFUSED)
        return e.status;
    assert_int_equal(rc, STORE_OK);
    return 0;
}

static void test_create_who(void **state)
{
    fixture *f = *state;
    int64_t id = 0;
    json_t *o = NULL;
    char *path = NULL;

    assert_int_equal(try_create(f, &f->school, round_body("任务", 2022, "小学", "2022-10-01"),
                                NULL, NULL), 403);
    assert_int_equal(try_create(f, &f->leader, round_body("任务", 2022, "小学", "2022-10-01"),
                                NULL, NULL), 403);
    assert_int_equal(try_create(f, &f->dept_other,
                                round_body("任务", 2022, "小学", "2022-10-01"), NULL, NULL),
                     403);
    /* a 股室 scoped to a town is below a county */
    assert_int_equal(try_create(f, &f->town_dept,
                                round_body("任务", 2022, "小学", "2022-10-01"), NULL, NULL),
                     403);
    assert_int_equal(try_create(f, &f->dept, round_body("任务", 2022, "小学|初中", "2022-10-01"),
                                NULL, &id), 0);
    assert_int_equal(stats_rounds_load(f->db, id, &o, &path), STORE_OK);
    assert_string_equal(path, f->tree.county_path);
    assert_int_equal(json_integer_value(json_object_get(o, "county_org_id")), f->tree.county);
    assert_string_equal(json_string_value(json_object_get(o, "status")), "进行中");
    assert_int_equal(json_array_size(json_object_get(o, "school_types")), 2);
    json_decref(o);
    free(path);
    assert_int_equal(fx_count(f->db, "SELECT COUNT(*) FROM audit_log WHERE entity = 'stat_round' AND "
                              "entity_id = ? AND action = 'create'",
                           id),
                     1);
    /* the 系统管理员 scoped to the province opens a province round */
    assert_int_equal(try_create(f, &f->admin, round_body("全省", 2022, "幼儿园", "2022-10-01"),
                                NULL, &id), 0);
    assert_int_equal(stats_rounds_load(f->db, id, &o, &path), STORE_OK);
    assert_string_equal(path, f->tree.province_path);
    json_decref(o);
    free(path);
}

static void test_create_validation(void **state)
{
    fixture *f = *state;
    const char *field = NULL;
    json_t *in;

    assert_int_equal(try_create(f, &f->dept, round_body(" \u3000 ", 2022, "小学", "2022-10-01"),
                                &field, NULL), 400);
    assert_string_equal(field, "name");
    assert_int_equal(try_create(f, &f->dept, round_body("任务", 1999, "小学", "2022-10-01"),
                                &field, NULL), 400);
    assert_string_equal(field, "year");
    assert_int_equal(try_create(f, &f->dept, round_body("任务", 2101, "小学", "2022-10-01"),
                                &field, NULL), 400);
    assert_string_equal(field, "year");
    assert_int_equal(try_create(f, &f->dept, round_body("任务", 2022, "", "2022-10-01"), &field,
                                NULL), 400);
    assert_string_equal(field, "school_types");
    assert_int_equal(try_create(f, &f->dept, round_body("任务", 2022, "小学|大学", "2022-10-01"),
                                &field, NULL), 400);
    assert_string_equal(field, "school_types");
    assert_int_equal(try_create(f, &f->dept, round_body("任务", 2022, "小学", "2022-02-30"),
                                &field, NULL), 400);
    assert_string_equal(field, "deadline");
    in = round_body("任务", 2022, "小学", "2022-10-01");
    json_object_set_new(in, "school_types", json_string("小学"));
    assert_int_equal(try_create(f, &f->dept, in, &field, NULL), 400);
    assert_string_equal(field, "school_types");
    in = round_body("任务", 2022, "小学", "2022-10-01");
    json_object_set_new(in, "year", json_string("2022"));
    assert_int_equal(try_create(f, &f->dept, in, &field, NULL), 400);
    assert_string_equal(field, "year");
    in = round_body("任务", 2022, "小学", "2022-10-01");
    json_object_set_new(in, "note", json_integer(1));
    assert_int_equal(try_create(f, &f->dept, in, &field, NULL), 400);
    assert_string_equal(field, "note");
    assert_int_equal(fx_count(f->db, "SELECT COUNT(*) FROM stat_rounds WHERE id > ?", 0), 0);
}

static void test_overlap(void **state)
{
    fixture *f = *state;
    const char *field = NULL;
    int64_t first = 0, id = 0;
    refusal e;

    /* a repeated type counts once */
    assert_int_equal(try_create(f, &f->dept, round_body("一", 2022, "小学|初中|小学",
                                                        "2022-10-01"), NULL, &first), 0);
    assert_int_equal(fx_count(f->db, "SELECT COUNT(*) FROM stat_rounds WHERE id = ? AND "
                              "school_types = '小学|初中'",
                           first),
                     1);
    assert_int_equal(try_create(f, &f->dept, round_body("二", 2022, "初中", "2022-10-01"), &field,
                                NULL), 409);
    assert_string_equal(field, "school_types");
    /* other types, another year, or another county do not conflict */
    assert_int_equal(try_create(f, &f->dept, round_body("三", 2022, "幼儿园", "2022-10-01"), NULL,
                                NULL), 0);
    assert_int_equal(try_create(f, &f->dept, round_body("四", 2023, "小学", "2023-10-01"), NULL,
                                NULL), 0);
    json_t *in = round_body("五", 2022, "小学", "2022-10-01");
    assert_int_equal(stats_rounds_create(f->db, NULL, NULL, f->other_county, in, 1, &id, &e),
                     STORE_OK);
    json_decref(in);
    /* once the first round has ended a new one may cover its types... */
    in = json_pack("{ss}", "status", "已结束");
    assert_int_equal(stats_rounds_patch(f->db, &f->dept, NULL, first, in, &e), STORE_OK);
    json_decref(in);
    assert_int_equal(try_create(f, &f->dept, round_body("六", 2022, "小学", "2022-11-01"), NULL,
                                &id), 0);
    /* ...and the first cannot be reopened while it overlaps */
    in = json_pack("{ss}", "status", "进行中");
    assert_int_equal(stats_rounds_patch(f->db, &f->dept, NULL, first, in, &e), REFUSED);
    assert_int_equal(e.status, 409);
    assert_string_equal(e.field, "school_types");
    json_decref(in);
}

static void test_patch(void **state)
{
    fixture *f = *state;
    int64_t id = 0;
    refusal e;
    json_t *in, *o = NULL;

    assert_int_equal(try_create(f, &f->dept, round_body("任务", 2022, "小学", "2022-10-01"), NULL,
                                &id), 0);
    in = json_pack("{ss ss s:n}", "name", " 新名称 ", "deadline", "2022-10-15", "note");
    assert_int_equal(stats_rounds_patch(f->db, &f->dept, "127.0.0.1", id, in, &e), STORE_OK);
    json_decref(in);
    assert_int_equal(stats_rounds_load(f->db, id, &o, NULL), STORE_OK);
    assert_string_equal(json_string_value(json_object_get(o, "name")), "新名称");
    assert_string_equal(json_string_value(json_object_get(o, "deadline")), "2022-10-15");
    json_decref(o);
    assert_int_equal(fx_count(f->db, "SELECT COUNT(*) FROM audit_log WHERE entity = 'stat_round' AND "
                              "entity_id = ? AND action = 'update'",
                           id),
                     1);
    /* no change, no audit row */
    in = json_pack("{ss}", "deadline", "2022-10-15");
    assert_int_equal(stats_rounds_patch(f->db, &f->dept, NULL, id, in, &e), STORE_OK);
    json_decref(in);
    assert_int_equal(fx_count(f->db, "SELECT COUNT(*) FROM audit_log WHERE entity = 'stat_round' AND "
                              "entity_id = ? AND action = 'update'",
                           id),
                     1);
    const struct {
        const char *json;
        int status;
        const char *field;
    } bad[] = {
        {"{\"status\":\"暂停\"}", 400, "status"},   {"{\"status\":null}", 400, "status"},
        {"{\"deadline\":\"2022-13-01\"}", 400, "deadline"}, {"{\"deadline\":5}", 400, "deadline"},
        {"{\"deadline\":\"\"}", 400, "deadline"},   {"{\"name\":\"\"}", 400, "name"},
        {"{\"name\":1}", 400, "name"},              {"{\"note\":[]}", 400, "note"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        in = json_loads(bad[i].json, 0, NULL);
        assert_non_null(in);
        assert_int_equal(stats_rounds_patch(f->db, &f->dept, NULL, id, in, &e), REFUSED);
        assert_int_equal(e.status, bad[i].status);
        assert_string_equal(e.field, bad[i].field);
        json_decref(in);
    }
    in = json_pack("{ss}", "deadline", "2022-10-20");
    /* a school or a leader may not; the 系统管理员 above may */
    assert_int_equal(stats_rounds_patch(f->db, &f->school, NULL, id, in, &e), REFUSED);
    assert_int_equal(e.status, 403);
    assert_int_equal(stats_rounds_patch(f->db, &f->leader, NULL, id, in, &e), REFUSED);
    assert_int_equal(e.status, 403);
    assert_int_equal(stats_rounds_patch(f->db, &f->admin, NULL, id, in, &e), STORE_OK);
    assert_int_equal(stats_rounds_patch(f->db, &f->admin, NULL, 999, in, &e), REFUSED);
    assert_int_equal(e.status, 404);
    json_decref(in);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_has_type),
        cmocka_unit_test(test_types_array),
        cmocka_unit_test(test_late),
        cmocka_unit_test(test_today_utc8),
        cmocka_unit_test(test_date_valid),
        cmocka_unit_test_setup_teardown(test_create_who, setup, fx_store_teardown),
        cmocka_unit_test_setup_teardown(test_create_validation, setup, fx_store_teardown),
        cmocka_unit_test_setup_teardown(test_overlap, setup, fx_store_teardown),
        cmocka_unit_test_setup_teardown(test_patch, setup, fx_store_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
