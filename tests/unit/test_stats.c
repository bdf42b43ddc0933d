/*
 * test_stats.c - the 基表 core (domain/stats.c): value kinds as people type
 * them, the rule engine (sum, le, class size with and without an
 * explanation, change at 29% and 31%), the form of a combined school, and
 * records: save merges and audits the changed fields only, a wrong kind is
 * refused naming the field, submission needs a clean record, an approved
 * record is locked, a submitted one is closed to its school.
 *
 * Tree: 河南省 > 许昌市 > 长葛市 (county) > 大周镇 (town) > a 小学 and a
 * 九年一贯制学校. The catalogue is the real one (006_stats_catalogue.sql).
 */
#include "fixture.h"

#include "domain/stats.h"

typedef struct fixture {
    fx_store st;
    store_db *db;
    fx_tree tree;
    int64_t primary, nine;
    char primary_path[48];
    user_ctx admin, dept, school;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->db = fx_store_open(&f->st, "stats");
    fx_tree_build(f->db, &f->tree);
    f->primary = fx_school(f->db, f->tree.town, "4110000001", "大周镇中心小学", "小学", f->primary_path);
    f->nine = fx_school(f->db, f->tree.town, "4110000002", "大周镇第一学校", "九年一贯制学校", NULL);
    f->admin = fx_user(1, "admin", ROLE_ADMIN, f->tree.county_path, NULL, 0);
    f->dept = fx_user(4, "jijiao", ROLE_DEPT, f->tree.county_path, "schools,stats", 0);
    f->school = fx_user(6, "s4110000001", ROLE_SCHOOL, f->primary_path, NULL, f->primary);
    *state = f;
    return 0;
}

/* The field key of the 2021 小学 form. */
static json_t *fx_field(fixture *f, const char *type, const char *key)
{
    json_t *fields = NULL, *found = NULL;
    size_t i;
    json_t *field;
    assert_int_equal(stats_fields(f->db, 2021, type, &fields), STORE_OK);
    json_array_foreach(fields, i, field) if (strcmp(json_string_value(json_object_get(field, "key")),
                                                    key) == 0) found = json_incref(field);
    json_decref(fields);
    if (!found)
        fail_msg("no field %s", key);
    return found;
}

/* ------------------------------------------------------------- value kinds */

static void test_value_kinds(void **state)
{
    fixture *f = *state;
    const char *reason = NULL;
    json_t *pupils = fx_field(f, "小学", "primary_pupils_g1");
    json_t *area = fx_field(f, "小学", "building_area");
    json_t *canteen = fx_field(f, "小学", "has_canteen");
    json_t *lunch = fx_field(f, "小学", "lunch_mode");
    json_t *v;

    assert_null(stats_value_parse(pupils, "-1", &reason));
    assert_string_equal(reason, "应为非负整数");
    assert_null(stats_value_parse(pupils, "abc", &reason));
    assert_string_equal(reason, "应为非负整数");
    assert_null(stats_value_parse(pupils, "12.5", &reason));
    assert_string_equal(reason, "应为非负整数");
    assert_null(stats_value_parse(pupils, "1,23", &reason));
    v = stats_value_parse(pupils, "1,234", &reason);
    assert_true(json_is_integer(v) && json_integer_value(v) == 1234);
    json_decref(v);
    v = stats_value_parse(pupils, "12.0", &reason);
    assert_true(json_is_integer(v) && json_integer_value(v) == 12);
    json_decref(v);
    v = stats_value_parse(pupils, "\xe3\x80\x80\xef\xbc\x91\xef\xbc\x92\xef\xbc\x93 ", &reason);
    assert_true(json_is_integer(v) && json_integer_value(v) == 123); /* full-width 123 */
    json_decref(v);
    v = stats_value_parse(pupils, "  ", &reason);
    assert_true(json_is_null(v));
    json_decref(v);

    v = stats_value_parse(area, "1,234.5", &reason);
    assert_true(json_is_real(v) && json_real_value(v) == 1234.5);
    json_decref(v);
    assert_null(stats_value_parse(area, "-0.5", &reason));
    assert_string_equal(reason, "应为非负数");

    v = stats_value_parse(canteen, "是", &reason);
    assert_int_equal(json_integer_value(v), 1);
    json_decref(v);
    v = stats_value_parse(canteen, "FALSE", &reason);
    assert_true(json_is_integer(v) && json_integer_value(v) == 0);
    json_decref(v);
    assert_null(stats_value_parse(canteen, "也许", &reason));

    v = stats_value_parse(lunch, "第三方配餐", &reason);
    assert_string_equal(json_string_value(v), "第三方配餐");
    json_decref(v);
    assert_null(stats_value_parse(lunch, "外卖", &reason));
    assert_non_null(strstr(reason, "自办食堂"));

    /* JSON values */
    json_t *real = json_real(12.0), *half = json_real(12.5), *yes = json_true();
    v = stats_value_check(pupils, real, &reason);
    assert_true(json_is_integer(v) && json_integer_value(v) == 12);
    json_decref(v);
    assert_null(stats_value_check(pupils, half, &reason));
    assert_null(stats_value_check(pupils, yes, &reason));
    v = stats_value_check(canteen, yes, &reason);
    assert_int_equal(json_integer_value(v), 1);
    json_decref(v);
    json_decref(real);
    json_decref(half);
    json_decref(yes);
    json_decref(pupils);
    json_decref(area);
    json_decref(canteen);
    json_decref(lunch);
}

/* ------------------------------------------------------------ rule engine */

/* The problem of rule on field in problems, or NULL. */
static json_t *fx_problem(json_t *problems, const char *field, const char *rule)
{
    size_t i;
    json_t *p;
    json_array_foreach(problems, i, p) {
        if (strcmp(json_string_value(json_object_get(p, "field")), field) == 0 &&
            strcmp(json_string_value(json_object_get(p, "rule")), rule) == 0)
            return p;
    }
    return NULL;
}

/* A consistent 小学 record: 6 grades of 40 pupils in 1 class each. */
static json_t *fx_clean_values(void)
{
    json_t *v = json_object();
    char key[64];
    for (int g = 1; g <= 6; g++) {
        snprintf(key, sizeof key, "primary_pupils_g%d", g);
        json_object_set_new(v, key, json_integer(40));
        snprintf(key, sizeof key, "primary_classes_g%d", g);
        json_object_set_new(v, key, json_integer(1));
    }
    json_object_set_new(v, "primary_pupils", json_integer(240));
    json_object_set_new(v, "primary_classes", json_integer(6));
    json_object_set_new(v, "primary_girls", json_integer(110));
    json_object_set_new(v, "staff_total", json_integer(20));
    json_object_set_new(v, "teachers_total", json_integer(18));
    json_object_set_new(v, "teachers_bachelor", json_integer(10));
    json_object_set_new(v, "teachers_college", json_integer(8));
    json_object_set_new(v, "teachers_pe", json_integer(2));
    return v;
}

static void fx_check(fixture *f, json_t *values, json_t *previous, json_t *explanations,
                     json_t **problems, int *errors)
{
    assert_int_equal(stats_check(f->db, 2021, "小学", values, previous, explanations, problems,
                                 errors),
                     STORE_OK);
}

static void test_rules_sum_le(void **state)
{
    fixture *f = *state;
    json_t *values = fx_clean_values(), *problems = NULL;
    int errors = -1;

    fx_check(f, values, NULL, NULL, &problems, &errors);
    assert_int_equal(errors, 0);
    assert_int_equal(json_array_size(problems), 0);
    json_decref(problems);

    json_object_set_new(values, "primary_pupils", json_integer(241));    /* sum broken */
    json_object_set_new(values, "primary_girls", json_integer(300));     /* girls > pupils */
    json_object_set_new(values, "teachers_pe", json_integer(19));        /* > teachers_total */
    json_object_set_new(values, "teachers_college", json_integer(7));    /* 学历 sum 17 != 18 */
    fx_check(f, values, NULL, NULL, &problems, &errors);
    json_t *p = fx_problem(problems, "primary_pupils", "sum");
    assert_non_null(p);
    assert_string_equal(json_string_value(json_object_get(p, "severity")), "error");
    assert_string_equal(json_string_value(json_object_get(p, "message")),
                        "「小学在校生数」应等于各年级学生数之和");
    assert_string_equal(json_string_value(json_object_get(p, "label")), "小学在校生数");
    assert_non_null(fx_problem(problems, "primary_girls", "le"));
    assert_non_null(fx_problem(problems, "teachers_pe", "le"));
    assert_non_null(fx_problem(problems, "teachers_total", "sum"));
    assert_int_equal(errors, 4);
    assert_int_equal(json_array_size(problems), 4);
    json_decref(problems);

    /* an explanation does not excuse an error that is not explainable */
    json_t *expl = json_pack("{ss}", "primary_pupils", "统计口径");
    json_object_set_new(values, "primary_girls", json_integer(100));
    json_object_set_new(values, "teachers_pe", json_integer(2));
    json_object_set_new(values, "teachers_college", json_integer(8));
    fx_check(f, values, NULL, expl, &problems, &errors);
    assert_int_equal(errors, 1);
    assert_false(json_is_true(json_object_get(fx_problem(problems, "primary_pupils", "sum"),
                                              "explained")));
    json_decref(problems);
    json_decref(expl);

    /* a wrong kind is a problem too */
    json_object_set_new(values, "primary_pupils", json_integer(240));
    json_object_set_new(values, "books", json_string("很多"));
    fx_check(f, values, NULL, NULL, &problems, &errors);
    assert_int_equal(errors, 1);
    assert_non_null(fx_problem(problems, "books", "kind"));
    json_decref(problems);
    json_decref(values);
}

static void test_rules_class_size(void **state)
{
    fixture *f = *state;
    json_t *values = fx_clean_values(), *problems = NULL;
    int errors = -1;

    json_object_set_new(values, "primary_classes_66plus", json_integer(1));
    json_object_set_new(values, "primary_classes_56_65", json_integer(2));
    fx_check(f, values, NULL, NULL, &problems, &errors);
    json_t *big = fx_problem(problems, "primary_classes_66plus", "class_size");
    json_t *large = fx_problem(problems, "primary_classes_56_65", "class_size");
    assert_non_null(big);
    assert_non_null(large);
    assert_string_equal(json_string_value(json_object_get(big, "severity")), "error");
    assert_string_equal(json_string_value(json_object_get(large, "severity")), "warning");
    assert_int_equal(errors, 2); /* the error and the unexplained warning */
    json_decref(problems);

    json_t *expl = json_pack("{ss ss}", "primary_classes_66plus", "新校舍明年投入使用",
                             "primary_classes_56_65", "学区人口增长");
    fx_check(f, values, NULL, expl, &problems, &errors);
    big = fx_problem(problems, "primary_classes_66plus", "class_size");
    assert_string_equal(json_string_value(json_object_get(big, "severity")), "warning");
    assert_true(json_is_true(json_object_get(big, "explained")));
    assert_true(json_is_true(
        json_object_get(fx_problem(problems, "primary_classes_56_65", "class_size"), "explained")));
    assert_int_equal(errors, 0);
    json_decref(problems);

    /* a blank explanation explains nothing */
    json_object_set_new(expl, "primary_classes_66plus", json_string(" \xe3\x80\x80 "));
    fx_check(f, values, NULL, expl, &problems, &errors);
    assert_int_equal(errors, 1);
    json_decref(problems);
    json_decref(expl);
    json_decref(values);
}

static void test_rules_change(void **state)
{
    fixture *f = *state;
    json_t *values = fx_clean_values(), *previous = json_object(), *problems = NULL;
    int errors = -1;

    /* 240 now: 29% up from 186.05..., 31% up from 183.2 */
    json_object_set_new(previous, "primary_pupils", json_integer(186)); /* +29.03% */
    fx_check(f, values, previous, NULL, &problems, &errors);
    assert_null(fx_problem(problems, "primary_pupils", "change"));
    assert_int_equal(errors, 0);
    json_decref(problems);

    json_object_set_new(previous, "primary_pupils", json_integer(183)); /* +31.1% */
    fx_check(f, values, previous, NULL, &problems, &errors);
    json_t *p = fx_problem(problems, "primary_pupils", "change");
    assert_non_null(p);
    assert_string_equal(json_string_value(json_object_get(p, "severity")), "warning");
    assert_int_equal(errors, 1);
    json_decref(problems);

    /* down 31%: 240 from 348 */
    json_object_set_new(previous, "primary_pupils", json_integer(348));
    json_t *expl = json_pack("{ss}", "primary_pupils", "撤并后学生分流");
    fx_check(f, values, previous, expl, &problems, &errors);
    assert_true(json_is_true(json_object_get(fx_problem(problems, "primary_pupils", "change"),
                                             "explained")));
    assert_int_equal(errors, 0);
    json_decref(problems);
    json_decref(expl);
    json_decref(previous);
    json_decref(values);
}

/* ----------------------------------------------------------------- form */

static void test_schema_combined(void **state)
{
    fixture *f = *state;
    json_t *schema = NULL;
    assert_int_equal(stats_schema(f->db, 2021, "九年一贯制学校", &schema), STORE_OK);
    json_t *sections = json_object_get(schema, "sections");
    assert_int_equal(json_array_size(sections), 3);
    assert_string_equal(json_string_value(json_object_get(json_array_get(sections, 0), "key")),
                        "primary");
    assert_string_equal(json_string_value(json_object_get(json_array_get(sections, 1), "key")),
                        "junior");
    assert_string_equal(json_string_value(json_object_get(json_array_get(sections, 2), "key")),
                        "base");
    json_t *group = json_array_get(json_object_get(json_array_get(sections, 0), "groups"), 0);
    json_t *first = json_array_get(json_object_get(group, "fields"), 0);
    assert_string_equal(json_string_value(json_object_get(first, "key")), "primary_classes_g1");
    assert_string_equal(json_string_value(json_object_get(first, "unit")), "个");
    json_decref(schema);

    /* before the catalogue's first year there is no form */
    assert_int_equal(stats_schema(f->db, 2018, "小学", &schema), STORE_OK);
    assert_int_equal(json_array_size(json_object_get(schema, "sections")), 0);
    json_decref(schema);

    json_t *rules = NULL;
    assert_int_equal(stats_rules(f->db, 2021, "幼儿园", &rules), STORE_OK);
    size_t i;
    json_t *rule;
    json_array_foreach(rules, i, rule)
        assert_null(strstr(json_string_value(json_object_get(rule, "field")), "primary"));
    assert_true(json_array_size(rules) > 0);
    json_decref(rules);
}

/* ---------------------------------------------------------------- records */

static int64_t fx_audits(fixture *f, int64_t record_id)
{
    int64_t n = -1;
    sval p[] = {SV_I(record_id)};
    assert_int_equal(db_query_int(f->db,
                                  "SELECT COUNT(*) FROM audit_log WHERE entity = 'stat_record' "
                                  "AND entity_id = ?",
                                  p, 1, &n),
                     STORE_OK);
    return n;
}

static int fx_save(fixture *f, const user_ctx *u, const char *json, refusal *e)
{
    json_t *values = json_loads(json, 0, NULL);
    assert_non_null(values);
    int rc = stats_record_save(f->db, u, "127.0.0.1", f->primary, 2021, values, NULL, 1, e);
    json_decref(values);
    return rc;
}

static void test_save_merges_and_audits(void **state)
{
    fixture *f = *state;
    refusal e = {0};
    json_t *rec = NULL;

    assert_int_equal(stats_record_load(f->db, f->primary, 2021, &rec), STORE_NOTFOUND);
    assert_int_equal(fx_save(f, &f->school, "{\"primary_pupils_g1\": 40, \"lunch_mode\": "
                                            "\"自办食堂\"}",
                             &e),
                     STORE_OK);
    assert_int_equal(fx_save(f, &f->school, "{\"primary_pupils_g2\": \"1,234\"}", &e), STORE_OK);
    assert_int_equal(stats_record_load(f->db, f->primary, 2021, &rec), STORE_OK);
    json_t *values = json_object_get(rec, "values");
    assert_int_equal(json_integer_value(json_object_get(values, "primary_pupils_g1")), 40);
    assert_int_equal(json_integer_value(json_object_get(values, "primary_pupils_g2")), 1234);
    assert_string_equal(json_string_value(json_object_get(values, "lunch_mode")), "自办食堂");
    assert_string_equal(json_string_value(json_object_get(rec, "status")), "草稿");
    int64_t id = json_integer_value(json_object_get(rec, "id"));
    json_decref(rec);
    assert_int_equal(fx_audits(f, id), 2);

    /* the second audit row holds only the changed field */
    json_t *row = NULL;
    sval p[] = {SV_I(id)};
    assert_int_equal(db_query_one(f->db,
                                  "SELECT action, before_json, after_json FROM audit_log WHERE "
                                  "entity = 'stat_record' AND entity_id = ? ORDER BY id DESC",
                                  p, 1, &row),
                     STORE_OK);
    assert_string_equal(json_string_value(json_object_get(row, "action")), "update");
    json_t *after = json_loads(json_string_value(json_object_get(row, "after_json")), 0, NULL);
    json_t *before = json_loads(json_string_value(json_object_get(row, "before_json")), 0, NULL);
    assert_int_equal(json_integer_value(json_object_get(after, "primary_pupils_g2")), 1234);
    assert_null(json_object_get(after, "primary_pupils_g1"));
    assert_true(json_is_null(json_object_get(before, "primary_pupils_g2")));
    json_decref(after);
    json_decref(before);
    json_decref(row);

    /* the same value again changes nothing and writes no audit row */
    assert_int_equal(fx_save(f, &f->school, "{\"primary_pupils_g1\": 40.0}", &e), STORE_OK);
    assert_int_equal(fx_audits(f, id), 2);

    /* null removes a value */
    assert_int_equal(fx_save(f, &f->school, "{\"primary_pupils_g2\": null}", &e), STORE_OK);
    assert_int_equal(stats_record_load(f->db, f->primary, 2021, &rec), STORE_OK);
    assert_null(json_object_get(json_object_get(rec, "values"), "primary_pupils_g2"));
    json_decref(rec);
    assert_int_equal(fx_audits(f, id), 3);

    /* a wrong kind names the field; an unknown field is refused */
    assert_int_equal(fx_save(f, &f->school, "{\"primary_pupils_g3\": \"12.5\"}", &e), REFUSED);
    assert_int_equal(e.status, 400);
    assert_string_equal(e.field, "primary_pupils_g3");
    assert_string_equal(e.message, "「三年级学生数」应为非负整数");
    assert_int_equal(fx_save(f, &f->school, "{\"junior_pupils_g7\": 1}", &e), REFUSED);
    assert_int_equal(e.status, 400);
    assert_int_equal(fx_save(f, &f->school, "{\"lunch_mode\": \"外卖\"}", &e), REFUSED);
    assert_string_equal(e.field, "lunch_mode");

    /* explanations are merged and audited */
    json_t *expl = json_pack("{ss}", "primary_pupils", " 学区调整 ");
    assert_int_equal(stats_record_save(f->db, &f->school, NULL, f->primary, 2021, NULL, expl, 1, &e),
                     STORE_OK);
    json_decref(expl);
    assert_int_equal(stats_record_load(f->db, f->primary, 2021, &rec), STORE_OK);
    assert_string_equal(json_string_value(json_object_get(json_object_get(rec, "explanations"),
                                                          "primary_pupils")),
                        "学区调整");
    json_decref(rec);
    assert_int_equal(fx_audits(f, id), 4);

    /* the command line (u NULL) saves without audit when asked */
    json_t *books = json_pack("{si}", "books", 5000);
    assert_int_equal(stats_record_save(f->db, NULL, NULL, f->primary, 2021, books, NULL, 0, &e),
                     STORE_OK);
    json_decref(books);
    assert_int_equal(fx_audits(f, id), 4);
}

static void test_scope_and_roles(void **state)
{
    fixture *f = *state;
    refusal e = {0};
    json_t *v = json_pack("{si}", "books", 1);
    /* a school administrator may not touch another school: 404 */
    assert_int_equal(stats_record_save(f->db, &f->school, NULL, f->nine, 2021, v, NULL, 1, &e),
                     REFUSED);
    assert_int_equal(e.status, 404);
    /* the department may */
    assert_int_equal(stats_record_save(f->db, &f->dept, NULL, f->nine, 2021, v, NULL, 1, &e),
                     STORE_OK);
    json_decref(v);
}

static void test_workflow_and_lock(void **state)
{
    fixture *f = *state;
    refusal e = {0};
    json_t *problems = NULL, *rec = NULL;
    json_t *values = fx_clean_values();

    json_object_set_new(values, "primary_classes_66plus", json_integer(1));
    assert_int_equal(stats_record_save(f->db, &f->school, NULL, f->primary, 2021, values, NULL, 1,
                                       &e),
                     STORE_OK);
    /* submission refuses the unexplained 66+ classes */
    assert_int_equal(stats_record_transition(f->db, &f->school, NULL, f->primary, 2021, "submit",
                                             NULL, &problems, &e),
                     REFUSED);
    assert_int_equal(e.status, 400);
    assert_string_equal(e.code, "validation_failed");
    assert_non_null(fx_problem(problems, "primary_classes_66plus", "class_size"));
    json_decref(problems);

    json_t *expl = json_pack("{ss}", "primary_classes_66plus", "新校舍明年投入使用");
    assert_int_equal(stats_record_save(f->db, &f->school, NULL, f->primary, 2021, NULL, expl, 1,
                                       &e),
                     STORE_OK);
    json_decref(expl);
    assert_int_equal(stats_record_transition(f->db, &f->school, NULL, f->primary, 2021, "submit",
                                             NULL, &problems, &e),
                     STORE_OK);
    assert_null(problems);

    /* submitted: closed to the school, open to the department */
    json_t *v = json_pack("{si}", "books", 3);
    assert_int_equal(stats_record_save(f->db, &f->school, NULL, f->primary, 2021, v, NULL, 1, &e),
                     REFUSED);
    assert_int_equal(e.status, 409);
    assert_string_equal(e.code, "submitted");
    /* the school may not approve; approving twice is an invalid move */
    assert_int_equal(stats_record_transition(f->db, &f->school, NULL, f->primary, 2021, "approve",
                                             NULL, NULL, &e),
                     REFUSED);
    assert_int_equal(e.status, 403);
    assert_int_equal(stats_record_transition(f->db, &f->dept, NULL, f->primary, 2021, "return",
                                             "  ", NULL, &e),
                     REFUSED);
    assert_int_equal(e.status, 400);
    assert_string_equal(e.field, "comment");
    assert_int_equal(stats_record_transition(f->db, &f->dept, NULL, f->primary, 2021, "approve",
                                             NULL, NULL, &e),
                     STORE_OK);
    assert_int_equal(stats_record_transition(f->db, &f->dept, NULL, f->primary, 2021, "approve",
                                             NULL, NULL, &e),
                     REFUSED);
    assert_int_equal(e.status, 409);
    assert_string_equal(e.code, "invalid_transition");

    /* approved: locked for everybody, the command line too */
    assert_int_equal(stats_record_save(f->db, &f->dept, NULL, f->primary, 2021, v, NULL, 1, &e),
                     REFUSED);
    assert_int_equal(e.status, 409);
    assert_string_equal(e.code, "locked");
    assert_int_equal(stats_record_save(f->db, NULL, NULL, f->primary, 2021, v, NULL, 0, &e),
                     REFUSED);
    assert_string_equal(e.code, "locked");

    /* reopen needs a reason, then the record is 已退回 with it */
    assert_int_equal(stats_record_transition(f->db, &f->dept, NULL, f->primary, 2021, "reopen",
                                             NULL, NULL, &e),
                     REFUSED);
    assert_string_equal(e.field, "reason");
    assert_int_equal(stats_record_transition(f->db, &f->dept, NULL, f->primary, 2021, "reopen",
                                             "数据有误", NULL, &e),
                     STORE_OK);
    assert_int_equal(stats_record_load(f->db, f->primary, 2021, &rec), STORE_OK);
    assert_string_equal(json_string_value(json_object_get(rec, "status")), "已退回");
    assert_string_equal(json_string_value(json_object_get(rec, "review_comment")), "数据有误");
    json_decref(rec);
    assert_int_equal(stats_record_save(f->db, &f->school, NULL, f->primary, 2021, v, NULL, 1, &e),
                     STORE_OK);
    json_decref(v);
    json_decref(values);
}

static void test_school_year(void **state)
{
    (void)state;
    assert_int_equal(stats_school_year(1630425600), 2021);      /* 2021-09-01 00:00 +8 */
    assert_int_equal(stats_school_year(1630425600 - 60), 2020); /* 2021-08-31 23:59 +8 */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_value_kinds, setup, fx_store_teardown),
        cmocka_unit_test_setup_teardown(test_rules_sum_le, setup, fx_store_teardown),
        cmocka_unit_test_setup_teardown(test_rules_class_size, setup, fx_store_teardown),
        cmocka_unit_test_setup_teardown(test_rules_change, setup, fx_store_teardown),
        cmocka_unit_test_setup_teardown(test_schema_combined, setup, fx_store_teardown),
        cmocka_unit_test_setup_teardown(test_save_merges_and_audits, setup, fx_store_teardown),
        cmocka_unit_test_setup_teardown(test_scope_and_roles, setup, fx_store_teardown),
        cmocka_unit_test_setup_teardown(test_workflow_and_lock, setup, fx_store_teardown),
        cmocka_unit_test_setup_teardown(test_school_year, setup, fx_store_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
