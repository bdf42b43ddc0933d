/*
 * test_hazards.c - the hazard register (domain/hazards.c): the loop's
 * whole table of steps for each kind of user, overdue around the deadline,
 * create validation naming fields, the loop through the database (steps,
 * audit, 退回 needs a comment, 销号 needs the plan and for 重大 a 整改后
 * photo), edits, scope, and photos.
 *
 * Tree: 河南省 > 许昌市 > 长葛市 (county) > 大周镇 (town) > two schools
 * (A, B) and a third that is 停办.
 */
#include "fixture.h"

#include "domain/hazards.h"
#include "io/filestore.h"
#include "util/clock.h"

typedef struct fixture {
    fx_store st;
    char files[128];
    store_db *db;
    fx_tree tree;
    int64_t school_a, school_b, school_closed, category;
    char path_a[48], path_b[48];
    user_ctx admin, leader, auditor, dept, other_dept, school, school_other;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->db = fx_store_open(&f->st, "hazards");
    snprintf(f->files, sizeof f->files, "%s/files", f->st.dir);
    assert_int_equal(filestore_init(f->files), 0);
    unsetenv("EDUBUREAU_NOW");
    fx_tree_build(f->db, &f->tree);
    f->school_a = fx_school(f->db, f->tree.town, "4110000001", "大周镇中心小学", "小学", f->path_a);
    f->school_b = fx_school(f->db, f->tree.town, "4110000002", "大周镇王庄小学", "小学", f->path_b);
    f->school_closed = fx_school(f->db, f->tree.town, "4110000003", "大周镇李庄小学", "小学", NULL);
    refusal e;
    assert_int_equal(schools_set_status(f->db, NULL, NULL, f->school_closed, "停办", "2020-07-01",
                                        NULL, &e),
                     STORE_OK);
    assert_int_equal(db_query_int(f->db, "SELECT id FROM hazard_categories WHERE name = '消防'",
                                  NULL, 0, &f->category),
                     STORE_OK);
    f->admin = fx_user(1, "admin", ROLE_ADMIN, f->tree.county_path, NULL, 0);
    f->leader = fx_user(2, "leader", ROLE_LEADER, f->tree.county_path, NULL, 0);
    f->auditor = fx_user(3, "audit", ROLE_AUDITOR, f->tree.county_path, NULL, 0);
    f->dept = fx_user(4, "anquan", ROLE_DEPT, f->tree.county_path, "safety", 0);
    f->other_dept = fx_user(5, "jijiao", ROLE_DEPT, f->tree.county_path, "schools", 0);
    f->school = fx_user(6, "s4110000001", ROLE_SCHOOL, f->path_a, NULL, f->school_a);
    f->school_other = fx_user(7, "s4110000002", ROLE_SCHOOL, f->path_b, NULL, f->school_b);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    unsetenv("EDUBUREAU_NOW");
    fx_store_close(&f->st);
    free(f);
    return 0;
}

static const char *text_of(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* A valid hazard body for school_id; found 2021-09-01, due 2021-09-30. */
static json_t *body_new(fixture *f, int64_t school_id, const char *grade)
{
    json_t *in = json_pack("{sI sI ss ss ss ss ss ss ss sf ss ss}", "school_id", (json_int_t)school_id,
                           "category_id", (json_int_t)f->category, "grade", grade, "description",
                           "教学楼二楼消防通道堆放杂物", "location", "教学楼二楼", "found_on",
                           "2021-09-01", "found_by", "张三", "measures", "清理杂物", "responsible",
                           "李四", "funds", 500.0, "deadline", "2021-09-30", "interim", "设置警戒线");
    assert_non_null(in);
    return in;
}

/* Create as u (1 = must succeed); returns the id. */
static int64_t mk_hazard(fixture *f, const user_ctx *u, int64_t school_id, const char *grade)
{
    refusal e;
    int64_t id = 0;
    json_t *in = body_new(f, school_id, grade);
    int rc = hazards_create(f->db, u, "127.0.0.1", in, 1, &id, &e);
    json_decref(in);
    if (rc != STORE_OK)
        fail_msg("hazards_create: %d %s", rc, e.status ? e.message : db_errmsg(f->db));
    return id;
}

static int step(fixture *f, const user_ctx *u, int64_t id, const char *to, const char *comment,
                refusal *e)
{
    return hazards_transition(f->db, u, "127.0.0.1", id, to, comment, NULL, clock_now(), 1, e);
}

static json_t *load(fixture *f, const user_ctx *u, int64_t id)
{
    json_t *o = NULL;
    assert_int_equal(hazards_load(f->db, u, id, 1, &o), STORE_OK);
    return o;
}

/* ------------------------------------------------------------ the table */

/* Expected outcome of every (from, to) for: a school on its own 一般
 * hazard, the same school on a 重大 one, 安全稳定股 (either grade), a 局领导.
 * 0 = allowed. */
static const struct {
    const char *from, *to;
    int school_general, school_major, dept, leader;
    const char *status, *action;
} expected_steps[] = {
    {"已登记", "整改中", 0, 0, 0, 403, "整改中", "开始整改"},
    {"已登记", "待验收", 409, 409, 409, 403, NULL, NULL},
    {"已登记", "已销号", 409, 409, 409, 403, NULL, NULL},
    {"已登记", "退回", 409, 409, 409, 403, NULL, NULL},
    {"整改中", "整改中", 409, 409, 409, 403, NULL, NULL},
    {"整改中", "待验收", 0, 0, 0, 403, "待验收", "提交验收"},
    {"整改中", "已销号", 409, 409, 409, 403, NULL, NULL},
    {"整改中", "退回", 409, 409, 409, 403, NULL, NULL},
    {"待验收", "整改中", 409, 409, 409, 403, NULL, NULL},
    {"待验收", "待验收", 409, 409, 409, 403, NULL, NULL},
    {"待验收", "已销号", 0, 403, 0, 403, "已销号", "销号"},
    {"待验收", "退回", 0, 403, 0, 403, "整改中", "退回"},
    {"已销号", "整改中", 409, 409, 409, 403, NULL, NULL},
    {"已销号", "待验收", 409, 409, 409, 403, NULL, NULL},
    {"已销号", "已销号", 409, 409, 409, 403, NULL, NULL},
    {"已销号", "退回", 409, 409, 409, 403, NULL, NULL},
};

static void check_step(const user_ctx *u, const char *path, const char *grade, size_t row,
                       int want)
{
    refusal e = {0};
    const char *status = NULL, *action = NULL;
    const char *from = expected_steps[row].from, *to = expected_steps[row].to;
    int rc = hazards_step_check(u, path, grade, from, to, &status, &action, &e);
    if (want == 0) {
        if (rc != 0)
            fail_msg("%s %s %s -> %s: refused %d %s", u->username, grade, from, to, e.status,
                     e.message);
        assert_string_equal(status, expected_steps[row].status);
        assert_string_equal(action, expected_steps[row].action);
        return;
    }
    if (rc != REFUSED || e.status != want)
        fail_msg("%s %s %s -> %s: want %d, got rc %d status %d", u->username, grade, from, to, want,
                 rc, e.status);
    if (want == 409) {
        assert_string_equal(e.code, "invalid_transition");
        assert_non_null(strstr(e.message, from));
        assert_non_null(strstr(e.message, strcmp(to, "退回") == 0 ? "整改中" : to));
    } else {
        assert_string_equal(e.code, "forbidden");
    }
}

static void test_step_table(void **state)
{
    fixture *f = *state;
    for (size_t i = 0; i < sizeof expected_steps / sizeof expected_steps[0]; i++) {
        check_step(&f->school, f->path_a, "一般", i, expected_steps[i].school_general);
        check_step(&f->school, f->path_a, "重大", i, expected_steps[i].school_major);
        check_step(&f->dept, f->path_a, "一般", i, expected_steps[i].dept);
        check_step(&f->dept, f->path_a, "重大", i, expected_steps[i].dept);
        check_step(&f->admin, f->path_a, "重大", i, expected_steps[i].dept);
        check_step(&f->leader, f->path_a, "一般", i, expected_steps[i].leader);
        check_step(&f->leader, f->path_a, "重大", i, expected_steps[i].leader);
        check_step(&f->auditor, f->path_a, "一般", i, expected_steps[i].leader);
        check_step(&f->other_dept, f->path_a, "一般", i, expected_steps[i].leader);
    }
    /* the example of the API documentation, word for word */
    refusal e;
    assert_int_equal(hazards_step_check(&f->dept, f->path_a, "一般", "已登记", "已销号", NULL, NULL, &e),
                     REFUSED);
    assert_string_equal(e.message, "不能从「已登记」直接变为「已销号」");
    /* a bad or missing target is 400 naming "to", before the role */
    assert_int_equal(hazards_step_check(&f->leader, f->path_a, "一般", "已登记", "已完成", NULL, NULL, &e),
                     REFUSED);
    assert_int_equal(e.status, 400);
    assert_string_equal(e.field, "to");
    assert_int_equal(hazards_step_check(&f->school, f->path_a, "一般", "已登记", "", NULL, NULL, &e),
                     REFUSED);
    assert_int_equal(e.status, 400);
    assert_string_equal(e.code, "missing");
    assert_int_equal(hazards_step_check(&f->school, f->path_a, "一般", "已登记", NULL, NULL, NULL, &e),
                     REFUSED);
    assert_string_equal(e.field, "to");
    /* the command line may take any step the loop allows */
    assert_int_equal(hazards_step_check(NULL, f->path_a, "重大", "待验收", "已销号", NULL, NULL, &e), 0);
    assert_int_equal(hazards_step_check(NULL, f->path_a, "重大", "已登记", "已销号", NULL, NULL, &e),
                     REFUSED);
    /* another school's admin may not write here at all */
    assert_int_equal(hazards_step_check(&f->school_other, f->path_a, "一般", "已登记", "整改中", NULL,
                                        NULL, &e),
                     REFUSED);
    assert_int_equal(e.status, 403);
}

/* ------------------------------------------------------------- overdue */

static void test_days_overdue(void **state)
{
    (void)state;
    assert_int_equal(hazards_days_overdue("整改中", "2021-09-30", "2021-09-29"), 0);
    assert_int_equal(hazards_days_overdue("整改中", "2021-09-30", "2021-09-30"), 0);
    assert_int_equal(hazards_days_overdue("整改中", "2021-09-30", "2021-10-01"), 1);
    assert_int_equal(hazards_days_overdue("已登记", "2021-09-30", "2021-10-30"), 30);
    assert_int_equal(hazards_days_overdue("待验收", "2020-02-28", "2020-03-01"), 2);
    assert_int_equal(hazards_days_overdue("已销号", "2021-09-30", "2021-10-01"), 0);
    assert_int_equal(hazards_days_overdue("整改中", NULL, "2021-10-01"), 0);
}

/* Set "now" to 08:00 of date (UTC+8) for clock_now. */
static void set_today(const char *date)
{
    int64_t t;
    char text[24];
    assert_int_equal(clock_parse(date, &t), 0);
    snprintf(text, sizeof text, "%lld", (long long)(t + 8 * 3600));
    setenv("EDUBUREAU_NOW", text, 1);
}

static void test_overdue_around_deadline(void **state)
{
    fixture *f = *state;
    set_today("2021-09-10");
    int64_t id = mk_hazard(f, &f->school, f->school_a, "一般");
    static const struct {
        const char *today;
        int overdue, days;
    } days[] = {{"2021-09-29", 0, 0}, {"2021-09-30", 0, 0}, {"2021-10-01", 1, 1}, {"2021-10-05", 1, 5}};
    for (size_t i = 0; i < sizeof days / sizeof days[0]; i++) {
        set_today(days[i].today);
        json_t *o = load(f, &f->school, id);
        assert_int_equal(json_is_true(json_object_get(o, "overdue")), days[i].overdue);
        assert_int_equal(json_integer_value(json_object_get(o, "days_overdue")), days[i].days);
        json_decref(o);
    }
    /* the day after, closed: not overdue */
    set_today("2021-10-01");
    refusal e;
    assert_int_equal(step(f, &f->school, id, "整改中", NULL, &e), STORE_OK);
    assert_int_equal(step(f, &f->school, id, "待验收", NULL, &e), STORE_OK);
    assert_int_equal(step(f, &f->school, id, "已销号", "验收合格", &e), STORE_OK);
    json_t *o = load(f, &f->school, id);
    assert_false(json_is_true(json_object_get(o, "overdue")));
    assert_int_equal(json_integer_value(json_object_get(o, "days_overdue")), 0);
    assert_string_equal(text_of(o, "closed_on"), "2021-10-01");
    json_decref(o);
}

/* ----------------------------------------------------------- validation */

/* Create with one change to the valid body; expect a refusal naming field. */
static void expect_refused(fixture *f, const user_ctx *u, const char *key, json_t *value,
                           int status, const char *field)
{
    refusal e = {0};
    int64_t id = 0;
    json_t *in = body_new(f, f->school_a, "一般");
    if (value)
        json_object_set_new(in, key, value);
    else
        json_object_del(in, key);
    int rc = hazards_create(f->db, u, NULL, in, 1, &id, &e);
    json_decref(in);
    if (rc != REFUSED || e.status != status)
        fail_msg("%s: want %d, got rc %d status %d (%s)", key, status, rc, e.status,
                 e.message ? e.message : "");
    if (field)
        assert_string_equal(e.field, field);
    else
        assert_null(e.field);
    assert_non_null(e.message);
}

static void test_create_validation(void **state)
{
    fixture *f = *state;
    set_today("2021-09-10");
    const user_ctx *u = &f->dept;
    const char *required[] = {"school_id", "category_id", "grade", "description", "found_on"};
    for (size_t i = 0; i < 5; i++)
        expect_refused(f, u, required[i], NULL, 400, required[i]);
    expect_refused(f, u, "description", json_string("  \xe3\x80\x80 "), 400, "description");
    expect_refused(f, u, "grade", json_string("特大"), 400, "grade");
    expect_refused(f, u, "category_id", json_integer(987654), 400, "category_id");
    expect_refused(f, u, "category_id", json_string("消防"), 400, "category_id");
    expect_refused(f, u, "school_id", json_integer(987654), 400, "school_id");
    expect_refused(f, u, "school_id", json_integer(f->school_closed), 400, "school_id");
    expect_refused(f, u, "found_on", json_string("2021-13-40"), 400, "found_on");
    expect_refused(f, u, "found_on", json_string("2021-09-11"), 400, "found_on");  /* tomorrow */
    expect_refused(f, u, "deadline", json_string("明天"), 400, "deadline");
    expect_refused(f, u, "deadline", json_string("2021-08-31"), 400, "deadline");  /* before found */
    expect_refused(f, u, "funds", json_integer(-1), 400, "funds");
    expect_refused(f, u, "funds", json_string("五百"), 400, "funds");
    expect_refused(f, u, "inspection_id", json_integer(5), 400, "inspection_id");
    char long_text[1600] = "";
    for (int i = 0; i < 501; i++)
        strcat(long_text, "字");
    expect_refused(f, u, "description", json_string(long_text), 400, "description");
    /* who: a leader, an auditor and another 股室 may not register; a
     * school only for itself */
    expect_refused(f, &f->leader, "grade", json_string("一般"), 403, NULL);
    expect_refused(f, &f->auditor, "grade", json_string("一般"), 403, NULL);
    expect_refused(f, &f->other_dept, "grade", json_string("一般"), 403, NULL);
    expect_refused(f, &f->school_other, "grade", json_string("一般"), 403, "school_id");
    assert_int_equal(fx_count(f->db, "SELECT COUNT(*) FROM hazards WHERE id > ?", 0), 0);

    /* ids and funds as form text are accepted; 重大 is supervised */
    refusal e;
    int64_t id = 0;
    json_t *in = body_new(f, f->school_a, "重大");
    char school[24];
    snprintf(school, sizeof school, "%lld", (long long)f->school_a);
    json_object_set_new(in, "school_id", json_string(school));
    json_object_set_new(in, "funds", json_string("1200.5"));
    json_object_set_new(in, "location", json_string(""));
    assert_int_equal(hazards_create(f->db, &f->school, NULL, in, 1, &id, &e), STORE_OK);
    json_decref(in);
    json_t *o = load(f, &f->school, id);
    assert_true(json_is_true(json_object_get(o, "supervised")));
    assert_true(json_is_null(json_object_get(o, "location")));
    assert_true(json_real_value(json_object_get(o, "funds")) == 1200.5);
    assert_string_equal(text_of(o, "status"), "已登记");
    assert_string_equal(text_of(o, "school_code"), "4110000001");
    assert_string_equal(text_of(o, "town"), "大周镇");
    assert_string_equal(text_of(o, "category"), "消防");
    assert_int_equal(json_array_size(json_object_get(o, "steps")), 1);
    assert_string_equal(text_of(json_array_get(json_object_get(o, "steps"), 0), "action"), "登记");
    json_decref(o);
    assert_int_equal(fx_count(f->db, "SELECT COUNT(*) FROM audit_log WHERE entity = 'hazard' AND entity_id = ?", id),
                     1);
}

/* -------------------------------------------------------- the loop in db */

static void expect_step(fixture *f, const user_ctx *u, int64_t id, const char *to,
                        const char *comment, int status, const char *field)
{
    refusal e = {0};
    int rc = step(f, u, id, to, comment, &e);
    if (rc != REFUSED || e.status != status)
        fail_msg("%s -> %s: want %d, got rc %d status %d (%s)", u->username, to, status, rc,
                 e.status, e.message ? e.message : "");
    if (field)
        assert_string_equal(e.field, field);
}

static const unsigned char png_bytes[] = {0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A,
                                          0x00, 0x00, 0x00, 0x0D, 'I',  'H',  'D',  'R'};

static int photo(fixture *f, const user_ctx *u, int64_t id, const char *kind, const void *data,
                 size_t len, refusal *e)
{
    json_t *out = NULL;
    int rc = hazards_add_photo(f->db, u, NULL, id, kind, "p.png", data, len, &out, e);
    json_decref(out);
    return rc;
}

static void test_major_loop(void **state)
{
    fixture *f = *state;
    refusal e;
    set_today("2021-09-10");
    int64_t id = mk_hazard(f, &f->school, f->school_a, "重大");
    expect_step(f, &f->school_other, id, "整改中", NULL, 404, NULL);
    expect_step(f, &f->leader, id, "整改中", NULL, 403, NULL);
    assert_int_equal(step(f, &f->school, id, "整改中", "开始", &e), STORE_OK);
    assert_int_equal(step(f, &f->school, id, "待验收", "完成", &e), STORE_OK);
    expect_step(f, &f->school, id, "已销号", "自行销号", 403, NULL);
    expect_step(f, &f->dept, id, "退回", "   ", 400, "comment");
    expect_step(f, &f->dept, id, "退回", NULL, 400, "comment");
    assert_int_equal(step(f, &f->dept, id, "退回", " 警示标志未设置 ", &e), STORE_OK);
    assert_int_equal(step(f, &f->school, id, "待验收", NULL, &e), STORE_OK);
    expect_step(f, &f->dept, id, "已销号", NULL, 400, "photos");
    assert_int_equal(photo(f, &f->school, id, "整改前", png_bytes, sizeof png_bytes, &e), STORE_OK);
    expect_step(f, &f->dept, id, "已销号", NULL, 400, "photos");
    assert_int_equal(photo(f, &f->school, id, "整改后", png_bytes, sizeof png_bytes, &e), STORE_OK);
    assert_int_equal(step(f, &f->dept, id, "已销号", "验收合格", &e), STORE_OK);

    json_t *o = load(f, &f->leader, id);
    assert_string_equal(text_of(o, "status"), "已销号");
    assert_int_equal(json_integer_value(json_object_get(o, "returned")), 1);
    assert_string_equal(text_of(o, "closed_on"), "2021-09-10");
    json_t *steps = json_object_get(o, "steps");
    assert_int_equal(json_array_size(steps), 6);
    json_t *back = json_array_get(steps, 3);
    assert_string_equal(text_of(back, "action"), "退回");
    assert_string_equal(text_of(back, "from_status"), "待验收");
    assert_string_equal(text_of(back, "to_status"), "整改中");
    assert_string_equal(text_of(back, "comment"), "警示标志未设置");
    assert_string_equal(text_of(back, "username"), "anquan");
    assert_int_equal(json_array_size(json_object_get(o, "photos")), 2);
    json_decref(o);
    /* one audit row per write: create + 5 steps (photos are their own entity) */
    assert_int_equal(fx_count(f->db, "SELECT COUNT(*) FROM audit_log WHERE entity = 'hazard' AND entity_id = ?", id),
                     6);
    assert_int_equal(fx_count(f->db, "SELECT COUNT(*) FROM audit_log WHERE entity = 'hazard_photo' AND ? > 0", 1),
                     2);
    /* closed: no step, no edit, no photo */
    expect_step(f, &f->dept, id, "整改中", NULL, 409, "to");
    json_t *changes = json_pack("{ss}", "measures", "再改");
    assert_int_equal(hazards_patch(f->db, &f->dept, NULL, id, changes, &e), REFUSED);
    assert_int_equal(e.status, 409);
    json_decref(changes);
    assert_int_equal(photo(f, &f->dept, id, "其他", png_bytes, sizeof png_bytes, &e), REFUSED);
    assert_int_equal(e.status, 409);
}

static void test_close_needs_plan(void **state)
{
    fixture *f = *state;
    refusal e;
    set_today("2021-09-10");
    int64_t id = mk_hazard(f, &f->school, f->school_a, "一般");
    json_t *changes = json_pack("{sn sn sn}", "measures", "responsible", "deadline");
    assert_int_equal(hazards_patch(f->db, &f->school, NULL, id, changes, &e), STORE_OK);
    json_decref(changes);
    assert_int_equal(step(f, &f->school, id, "整改中", NULL, &e), STORE_OK);
    assert_int_equal(step(f, &f->school, id, "待验收", NULL, &e), STORE_OK);
    const char *plan[] = {"measures", "responsible", "deadline"};
    const char *values[] = {"清理杂物", "李四", "2021-09-20"};
    for (int i = 0; i < 3; i++) {
        expect_step(f, &f->school, id, "已销号", NULL, 400, plan[i]);
        changes = json_pack("{ss}", plan[i], values[i]);
        assert_int_equal(hazards_patch(f->db, &f->school, NULL, id, changes, &e), STORE_OK);
        json_decref(changes);
    }
    assert_int_equal(step(f, &f->school, id, "已销号", NULL, &e), STORE_OK);
}

static void test_patch(void **state)
{
    fixture *f = *state;
    refusal e;
    set_today("2021-09-10");
    int64_t id = mk_hazard(f, &f->school, f->school_a, "一般");
    json_t *c = json_pack("{ss}", "grade", "重大");
    assert_int_equal(hazards_patch(f->db, &f->school, NULL, id, c, &e), REFUSED);
    assert_int_equal(e.status, 403);
    assert_string_equal(e.field, "grade");
    assert_int_equal(hazards_patch(f->db, &f->dept, NULL, id, c, &e), STORE_OK);
    json_decref(c);
    json_t *o = load(f, &f->dept, id);
    assert_true(json_is_true(json_object_get(o, "supervised")));
    json_decref(o);
    c = json_pack("{ss}", "status", "已销号");
    assert_int_equal(hazards_patch(f->db, &f->school, NULL, id, c, &e), REFUSED);
    assert_string_equal(e.field, "status");
    json_decref(c);
    c = json_pack("{sI}", "school_id", (json_int_t)f->school_b);
    assert_int_equal(hazards_patch(f->db, &f->dept, NULL, id, c, &e), REFUSED);
    assert_string_equal(e.field, "school_id");
    json_decref(c);
    c = json_pack("{ss}", "deadline", "2021-08-01");
    assert_int_equal(hazards_patch(f->db, &f->school, NULL, id, c, &e), REFUSED);
    assert_string_equal(e.field, "deadline");
    json_decref(c);
    c = json_pack("{ss sf}", "description", "新的描述", "funds", 800.0);
    assert_int_equal(hazards_patch(f->db, &f->leader, NULL, id, c, &e), REFUSED);
    assert_int_equal(e.status, 403);
    assert_int_equal(hazards_patch(f->db, &f->school_other, NULL, id, c, &e), REFUSED);
    assert_int_equal(e.status, 404);
    assert_int_equal(hazards_patch(f->db, &f->school, NULL, id, c, &e), STORE_OK);
    json_decref(c);
    o = load(f, &f->school, id);
    assert_string_equal(text_of(o, "description"), "新的描述");
    json_decref(o);
    /* create + grade + description */
    assert_int_equal(fx_count(f->db, "SELECT COUNT(*) FROM audit_log WHERE entity = 'hazard' AND entity_id = ?", id),
                     3);
}

static void test_scope(void **state)
{
    fixture *f = *state;
    json_t *o = NULL;
    int64_t id = mk_hazard(f, &f->dept, f->school_a, "一般");
    assert_int_equal(hazards_load(f->db, &f->school_other, id, 1, &o), STORE_NOTFOUND);
    assert_null(o);
    const user_ctx *readers[] = {&f->school, &f->leader, &f->auditor, &f->other_dept, &f->admin};
    for (size_t i = 0; i < 5; i++) {
        o = load(f, readers[i], id);
        json_decref(o);
    }
    assert_int_equal(hazards_load(f->db, &f->dept, 999999, 0, &o), STORE_NOTFOUND);
}

/* --------------------------------------------------------------- photos */

static void test_photos(void **state)
{
    fixture *f = *state;
    refusal e;
    json_t *file = NULL;
    int64_t id = mk_hazard(f, &f->school, f->school_a, "一般");
    static const char script[] = "#!/bin/sh\necho hi\n";
    assert_int_equal(photo(f, &f->school, id, "整改前", script, sizeof script - 1, &e), REFUSED);
    assert_int_equal(e.status, 415);
    assert_string_equal(e.code, "unsupported_type");
    assert_int_equal(photo(f, &f->school, id, "整改前", NULL, 0, &e), REFUSED);
    assert_int_equal(e.status, 415);
    assert_int_equal(photo(f, &f->school, id, "随便", png_bytes, sizeof png_bytes, &e), REFUSED);
    assert_int_equal(e.status, 400);
    assert_string_equal(e.field, "kind");
    size_t big_len = HAZARDS_PHOTO_MAX_BYTES + 1;
    unsigned char *big = calloc(1, big_len);
    assert_non_null(big);
    memcpy(big, png_bytes, sizeof png_bytes);
    assert_int_equal(photo(f, &f->school, id, "整改前", big, big_len, &e), REFUSED);
    assert_int_equal(e.status, 413);
    free(big);
    assert_int_equal(photo(f, &f->leader, id, "整改前", png_bytes, sizeof png_bytes, &e), REFUSED);
    assert_int_equal(e.status, 403);
    assert_int_equal(photo(f, &f->school_other, id, "整改前", png_bytes, sizeof png_bytes, &e), REFUSED);
    assert_int_equal(e.status, 404);
    assert_int_equal(fx_count(f->db, "SELECT COUNT(*) FROM hazard_photos WHERE hazard_id = ?", id), 0);

    json_t *out = NULL;
    assert_int_equal(hazards_add_photo(f->db, &f->school, NULL, id, NULL, NULL, png_bytes,
                                       sizeof png_bytes, &out, &e),
                     STORE_OK);
    assert_string_equal(text_of(out, "kind"), "其他");
    assert_string_equal(text_of(out, "mime"), "image/png");
    assert_int_equal(json_integer_value(json_object_get(out, "size")), sizeof png_bytes);
    int64_t photo_id = json_integer_value(json_object_get(out, "id"));
    json_decref(out);
    for (int i = 1; i < HAZARDS_PHOTO_MAX_COUNT; i++)
        assert_int_equal(photo(f, &f->school, id, "整改前", png_bytes, sizeof png_bytes, &e), STORE_OK);
    assert_int_equal(photo(f, &f->school, id, "整改前", png_bytes, sizeof png_bytes, &e), REFUSED);
    assert_int_equal(e.status, 409);
    /* the same bytes are one file */
    assert_int_equal(fx_count(f->db, "SELECT COUNT(*) FROM files WHERE size = ?", sizeof png_bytes), 1);

    assert_int_equal(hazards_photo_file(f->db, &f->leader, photo_id, &file), STORE_OK);
    assert_string_equal(text_of(file, "mime"), "image/png");
    char *data = NULL;
    size_t len = 0;
    assert_int_equal(filestore_get(text_of(file, "hash"), &data, &len), 0);
    assert_int_equal(len, sizeof png_bytes);
    assert_memory_equal(data, png_bytes, len);
    free(data);
    json_decref(file);
    assert_int_equal(hazards_photo_file(f->db, &f->school_other, photo_id, &file), STORE_NOTFOUND);
    assert_int_equal(hazards_photo_file(f->db, &f->school, 999999, &file), STORE_NOTFOUND);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_step_table, setup, teardown),
        cmocka_unit_test(test_days_overdue),
        cmocka_unit_test_setup_teardown(test_overdue_around_deadline, setup, teardown),
        cmocka_unit_test_setup_teardown(test_create_validation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_major_loop, setup, teardown),
        cmocka_unit_test_setup_teardown(test_close_needs_plan, setup, teardown),
        cmocka_unit_test_setup_teardown(test_patch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scope, setup, teardown),
        cmocka_unit_test_setup_teardown(test_photos, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
