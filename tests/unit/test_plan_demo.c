/*
 * test_plan_demo.c - the demo plan (domain/plan_demo.c): the seed's 2022
 * work plan "三五·三一" of the demo county with its six sections and
 * items, every quantitative 2022 target of the seed's section 三 (listed
 * below from the seed text), live targets bound to the registry with their
 * metric's 2021 value as baseline, the monthly reports January-September
 * by the lead departments with growing figures and evidence, and - through
 * plan_tree - items achieved, on track and behind on 2022-09-30.
 */
#include <math.h>

#include "fixture.h"

#include "auth/password.h"
#include "domain/metrics.h"
#include "domain/plan.h"
#include "util/arena.h"

typedef struct pd_state {
    fx_store *d;
    int64_t county, plan_id;
    char path[64], path_hi[64];
} pd_state;

/* The seed's section 三, every quantitative 2022 target: a fragment of the
 * target's name, 保底 and 力争 (NAN: none), lower is better. */
static const struct {
    const char *fragment;
    double floor, stretch;
    int lower;
} seed_targets[] = {
    {"普惠性资源覆盖率", 90, NAN, 0},      /* 扩充学前教育普惠性资源覆盖率至90% */
    {"公办学位占比", 25, NAN, 0},          /* 公办学位占比至25% */
    {"双考", 2, NAN, 0},                   /* 1月和5月各举行一次 */
    {"省级名师", 8, NAN, 0},               /* 年内培养省级名师8名 */
    {"省级骨干教师", 49, NAN, 0},          /* 省级骨干教师49名 */
    {"许昌市级名师", 38, NAN, 0},          /* 许昌市级名师38名 */
    {"劳模创新工作室", 1, NAN, 0},         /* 建立首个劳模创新工作室 */
    {"省级名校长", 2, 3, 0},               /* 2-3名省级名校长 */
    {"许昌市级名校长", 5, 10, 0},          /* 5-10名许昌市级名校长 */
    {"省市级名校", 5, NAN, 0},             /* 年内创建省市级名校5所 */
    {"改扩建", 5, NAN, 0},                 /* 改扩建5所农村中小学校，力争年内完工 */
    {"新建公办幼儿园", 2, NAN, 0},         /* 新建2所公办幼儿园，力争年内主体完工 */
    {"陈寔路学校", 2, NAN, 0},             /* 初中部及幼儿园尽快投入使用 */
    {"二高新校区", 1, NAN, 0},             /* 力争项目尽快开工 */
    {"一本上线", 900, 1000, 0},            /* 一本上线人数保底900，力争突破1000 */
    {"清华", 1, NAN, 0},                   /* 清华、北大榜上有名 */
    {"前6000名", 800, NAN, 0},             /* 许昌市前6000名考生中，力争突破800名 */
    {"安全责任事故", 0, NAN, 1},           /* 确保校园安全无事故 */
};

static double real_of(json_t *row, const char *key)
{
    return json_number_value(json_object_get(row, key));
}

/* ----------------------------------------------------------- the plan */

static void test_plan(void **state)
{
    pd_state *s = *state;
    json_t *rows = fx_rows(s->d->db, "SELECT * FROM plans");
    assert_int_equal(json_array_size(rows), 1);
    json_t *plan = json_array_get(rows, 0);
    assert_int_equal(json_integer_value(json_object_get(plan, "county_org_id")), s->county);
    assert_int_equal(json_integer_value(json_object_get(plan, "year")), 2022);
    assert_string_equal(json_string_value(json_object_get(plan, "path")), s->path);
    assert_string_equal(json_string_value(json_object_get(plan, "status_on")), "2022-09-30");
    assert_non_null(strstr(json_string_value(json_object_get(plan, "title")), "三五·三一"));
    assert_non_null(strstr(json_string_value(json_object_get(plan, "title")), "2022年"));
    json_decref(rows);
    /* one summary audit row for the whole plan */
    assert_int_equal(fx_num(s->d->db, "SELECT COUNT(*) FROM audit_log WHERE entity = 'plan' AND "
                                      "action = 'import'"),
                     1);
}

static void test_sections(void **state)
{
    pd_state *s = *state;
    static const char *const sections[] = {"深化五项改革", "统筹五类发展", "五名",
                                           "夯实一项基础", "强化一项保障", "聚焦一项核心"};
    static const char *const codes[] = {"（一）", "（二）", "（三）", "（四）", "（五）", "（六）"};
    json_t *rows = fx_rows(s->d->db,
                           "SELECT id, code, title FROM plan_items WHERE parent_id IS NULL "
                           "ORDER BY sort");
    assert_int_equal(json_array_size(rows), 6);
    for (size_t i = 0; i < 6; i++) {
        json_t *row = json_array_get(rows, i);
        assert_string_equal(json_string_value(json_object_get(row, "code")), codes[i]);
        assert_non_null(strstr(json_string_value(json_object_get(row, "title")), sections[i]));
    }
    json_decref(rows);
    /* the five reforms, the five kinds, the five 名 are items of their sections */
    static const struct {
        const char *section, *item;
    } items[] = {
        {"深化五项改革", "集团化办学"}, {"深化五项改革", "校长职级制"},
        {"深化五项改革", "课后延时服务"}, {"深化五项改革", "午餐供餐"},
        {"深化五项改革", "激励机制"},   {"统筹五类发展", "学前教育"},
        {"统筹五类发展", "义务教育"},   {"统筹五类发展", "高中教育"},
        {"统筹五类发展", "职业教育"},   {"统筹五类发展", "民办教育"},
        {"五名", "名师工程"},           {"五名", "名班主任"},
        {"五名", "名教研员"},           {"五名", "名校长"},
        {"五名", "名校工程"},           {"夯实一项基础", "陈寔路学校"},
        {"夯实一项基础", "改扩建"},     {"夯实一项基础", "公办幼儿园"},
        {"夯实一项基础", "二高新校区"}, {"强化一项保障", "安全"},
        {"聚焦一项核心", "高考"},       {"聚焦一项核心", "中考"},
    };
    for (size_t i = 0; i < sizeof items / sizeof items[0]; i++) {
        char sql[512];
        snprintf(sql, sizeof sql,
                 "SELECT COUNT(*) FROM plan_items i JOIN plan_items p ON p.id = i.parent_id "
                 "WHERE p.title LIKE '%%%s%%' AND i.title LIKE '%%%s%%'",
                 items[i].section, items[i].item);
        if (fx_num(s->d->db, sql) < 1)
            fail_msg("no item %s under %s", items[i].item, items[i].section);
    }
    /* every item: a lead department of the county, a leader, a weight */
    assert_int_equal(fx_num(s->d->db,
                            "SELECT COUNT(*) FROM plan_items i LEFT JOIN departments d ON "
                            "d.id = i.lead_dept_id WHERE d.id IS NULL OR d.org_id <> "
                            "(SELECT county_org_id FROM plans) OR i.leader IS NULL OR "
                            "i.leader = '' OR i.weight <= 0"),
                     0);
    /* the leads are the departments that own the work */
    static const char *const leads[][2] = {
        {"集团化办学", "jichu"}, {"校长职级制", "renshi"}, {"名师工程", "renshi"},
        {"改扩建", "jicai"},     {"安全", "anquan"},       {"高考", "jiaoyan"},
    };
    for (size_t i = 0; i < sizeof leads / sizeof leads[0]; i++) {
        char sql[512];
        snprintf(sql, sizeof sql,
                 "SELECT COUNT(*) FROM plan_items i JOIN departments d ON d.id = i.lead_dept_id "
                 "WHERE i.parent_id IS NOT NULL AND i.title LIKE '%%%s%%' AND d.code = '%s'",
                 leads[i][0], leads[i][1]);
        if (fx_num(s->d->db, sql) < 1)
            fail_msg("%s not led by %s", leads[i][0], leads[i][1]);
    }
    assert_true(fx_num(s->d->db, "SELECT COUNT(*) FROM plan_item_depts") >= 10);
}

/* ------------------------------------------------------------ targets */

static void test_seed_targets(void **state)
{
    pd_state *s = *state;
    for (size_t i = 0; i < sizeof seed_targets / sizeof seed_targets[0]; i++) {
        char sql[512];
        snprintf(sql, sizeof sql,
                 "SELECT t.floor, t.stretch, t.direction, t.source FROM plan_targets t "
                 "WHERE t.name LIKE '%%%s%%'",
                 seed_targets[i].fragment);
        json_t *rows = fx_rows(s->d->db, sql);
        if (json_array_size(rows) != 1)
            fail_msg("%s: %zu targets", seed_targets[i].fragment, json_array_size(rows));
        json_t *row = json_array_get(rows, 0);
        assert_true(real_of(row, "floor") == seed_targets[i].floor);
        json_t *stretch = json_object_get(row, "stretch");
        if (isnan(seed_targets[i].stretch))
            assert_true(json_is_null(stretch));
        else
            assert_true(json_number_value(stretch) == seed_targets[i].stretch);
        assert_string_equal(json_string_value(json_object_get(row, "direction")),
                            seed_targets[i].lower ? "lower" : "higher");
        json_decref(rows);
    }
    /* the 学前 shares are live figures of the system */
    assert_int_equal(fx_num(s->d->db, "SELECT COUNT(*) FROM plan_targets WHERE source = 'live' "
                                      "AND ((name LIKE '%公办学位占比%' AND metric = "
                                      "'kg_public_place_share') OR (name LIKE '%普惠性资源覆盖率%' "
                                      "AND metric = 'kg_inclusive_coverage'))"),
                     2);
    /* the seed's 2021 figure as the baseline: 一本普通类上线826人 */
    json_t *rows = fx_rows(s->d->db,
                           "SELECT baseline, baseline_year FROM plan_targets WHERE name LIKE "
                           "'%一本上线%'");
    assert_true(real_of(json_array_get(rows, 0), "baseline") == 826);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(rows, 0), "baseline_year")),
                     2021);
    json_decref(rows);
}

static void test_live_baselines(void **state)
{
    pd_state *s = *state;
    json_t *rows = fx_rows(s->d->db,
                           "SELECT metric, baseline, baseline_year FROM plan_targets "
                           "WHERE source = 'live'");
    size_t i;
    json_t *row;
    assert_true(json_array_size(rows) >= 4);
    json_array_foreach(rows, i, row) {
        const char *metric = json_string_value(json_object_get(row, "metric"));
        double v = NAN;
        assert_int_equal(metrics_key_valid(s->d->db, metric), 1);
        assert_int_equal(metrics_value(s->d->db, metric, s->path, s->path_hi, s->county, 2021, &v,
                                       NULL),
                         STORE_OK);
        json_t *baseline = json_object_get(row, "baseline");
        if (isnan(v)) {
            assert_true(json_is_null(baseline));
        } else {
            assert_true(fabs(json_number_value(baseline) - v) < 1e-9);
            assert_int_equal(json_integer_value(json_object_get(row, "baseline_year")), 2021);
        }
    }
    json_decref(rows);
    /* the seed's 18.7% */
    rows = fx_rows(s->d->db, "SELECT baseline FROM plan_targets WHERE metric = "
                             "'kg_public_place_share'");
    assert_true(fabs(real_of(json_array_get(rows, 0), "baseline") - 18.7) < 0.05);
    json_decref(rows);
}

/* ------------------------------------------------------------ reports */

static void test_reports(void **state)
{
    pd_state *s = *state;
    /* every item without children reports every month January-September */
    int64_t leaves = fx_num(s->d->db, "SELECT COUNT(*) FROM plan_items i WHERE NOT EXISTS "
                                      "(SELECT 1 FROM plan_items c WHERE c.parent_id = i.id)");
    assert_true(leaves >= 20);
    for (int m = 1; m <= 9; m++) {
        char sql[256];
        snprintf(sql, sizeof sql,
                 "SELECT COUNT(DISTINCT item_id) FROM plan_reports WHERE period = '2022-%02d' "
                 "AND reported_on >= '2022-%02d-01' AND reported_on <= '2022-%02d-31'",
                 m, m, m);
        assert_int_equal(fx_num(s->d->db, sql), leaves);
    }
    assert_int_equal(fx_num(s->d->db, "SELECT COUNT(*) FROM plan_reports WHERE period < '2022-01' "
                                      "OR period > '2022-09'"),
                     0);
    /* filed by a user of the item's lead department, with a text */
    assert_int_equal(fx_num(s->d->db, "SELECT COUNT(*) FROM plan_reports r JOIN plan_items i ON "
                                      "i.id = r.item_id LEFT JOIN users u ON u.id = r.created_by "
                                      "WHERE u.dept_id IS NULL OR u.dept_id <> i.lead_dept_id "
                                      "OR r.done = '' OR r.next_steps IS NULL"),
                     0);
    assert_int_equal(fx_num(s->d->db, "SELECT COUNT(DISTINCT r.created_by) FROM plan_reports r"),
                     5);
    assert_true(fx_num(s->d->db, "SELECT COUNT(*) FROM plan_reports WHERE problems IS NOT NULL") >
                20);
    /* reported figures grow month by month (never down) for 'higher' */
    assert_int_equal(fx_num(s->d->db,
                            "SELECT COUNT(*) FROM plan_report_figures f JOIN plan_reports r ON "
                            "r.id = f.report_id JOIN plan_targets t ON t.id = f.target_id "
                            "JOIN plan_report_figures g ON g.target_id = f.target_id JOIN "
                            "plan_reports q ON q.id = g.report_id WHERE t.source = 'reported' "
                            "AND t.direction = 'higher' AND q.period > r.period "
                            "AND g.value < f.value"),
                     0);
    assert_true(fx_num(s->d->db, "SELECT COUNT(*) FROM plan_report_figures f JOIN plan_targets t "
                                 "ON t.id = f.target_id WHERE t.source = 'reported'") > 80);
    /* the September figures: 一本 912 after the June exam, 省级名师 3 of 8 */
    json_t *rows = fx_rows(s->d->db,
                           "SELECT t.name, f.value FROM plan_report_figures f JOIN plan_reports r "
                           "ON r.id = f.report_id JOIN plan_targets t ON t.id = f.target_id "
                           "WHERE r.period = '2022-09' AND (t.name LIKE '%一本上线%' OR "
                           "t.name LIKE '%省级名师%') ORDER BY t.name");
    assert_int_equal(json_array_size(rows), 2);
    json_decref(rows);
    assert_int_equal(fx_num(s->d->db, "SELECT COUNT(*) FROM plan_report_figures f JOIN "
                                      "plan_reports r ON r.id = f.report_id JOIN plan_targets t "
                                      "ON t.id = f.target_id WHERE t.name LIKE '%一本上线%' AND "
                                      "r.period < '2022-06'"),
                     0);
    /* evidence: texts, links (http(s) only) and a record of the system */
    assert_true(fx_num(s->d->db, "SELECT COUNT(*) FROM plan_evidence WHERE kind = 'text'") >= 1);
    assert_true(fx_num(s->d->db, "SELECT COUNT(*) FROM plan_evidence WHERE kind = 'link'") >= 1);
    assert_int_equal(fx_num(s->d->db, "SELECT COUNT(*) FROM plan_evidence WHERE kind = 'link' AND "
                                      "body NOT LIKE 'https://%'"),
                     0);
    assert_int_equal(fx_num(s->d->db, "SELECT COUNT(*) FROM plan_evidence e JOIN schools s ON "
                                      "s.id = e.record_id WHERE e.kind = 'record' AND "
                                      "e.record_type = 'school'"),
                     1);
}

/* ---------------------------------------------------------------- tree */

/* Counts the leaf statuses of the tree's items, and finds a target. */
static void tree_walk(json_t *items, int counts[PLAN_NSTATUS], const char *fragment,
                      json_t **target)
{
    size_t i, k;
    json_t *item, *t;
    json_array_foreach(items, i, item) {
        json_t *children = json_object_get(item, "children");
        if (json_array_size(children) > 0) {
            tree_walk(children, counts, fragment, target);
            continue;
        }
        int st = plan_status_of(json_string_value(json_object_get(item, "status")));
        assert_true(st >= 0);
        counts[st]++;
        json_array_foreach(json_object_get(item, "targets"), k, t) {
            if (strstr(json_string_value(json_object_get(t, "name")), fragment))
                *target = t;
        }
    }
}

static void test_tree(void **state)
{
    pd_state *s = *state;
    json_t *tree = NULL, *target = NULL;
    int counts[PLAN_NSTATUS] = {0};
    if (plan_tree(s->d->db, s->plan_id, "2022-09-30", 0, NULL, &tree) != STORE_OK) {
        json_decref(tree);
        skip(); /* plan_tree not written yet */
    }
    tree_walk(json_object_get(tree, "items"), counts, "公办学位占比", &target);
    assert_true(counts[PLAN_ACHIEVED] >= 1);
    assert_true(counts[PLAN_ON_TRACK] >= 1);
    assert_true(counts[PLAN_BEHIND] >= 1);
    assert_true(counts[PLAN_ON_TRACK] > counts[PLAN_BEHIND]);
    /* 公办学位占比: still the 2021 figure, behind */
    assert_non_null(target);
    assert_string_equal(json_string_value(json_object_get(target, "status")), "behind");
    assert_true(fabs(real_of(target, "current") - real_of(target, "baseline")) < 1e-9);
    /* 应急演练场次 counts the drills of 2022 from 0: last year's total is its
     * baseline for comparison, not where its progress starts */
    json_t *drills = NULL;
    memset(counts, 0, sizeof counts);
    tree_walk(json_object_get(tree, "items"), counts, "应急演练", &drills);
    assert_non_null(drills);
    double current = real_of(drills, "current"), floor = real_of(drills, "floor");
    assert_true(current > 0 && real_of(drills, "baseline") > current);
    assert_true(fabs(real_of(drills, "progress") - current / floor) < 1e-3);
    assert_string_not_equal(json_string_value(json_object_get(drills, "status")), "behind");
    json_decref(tree);
}

/* -------------------------------------------------------------- setup */

static int group_setup(void **state)
{
    if (password_init() != 0)
        return -1;
    pd_state *s = calloc(1, sizeof *s);
    if (!s)
        return -1;
    s->d = fx_demo_new("plandemo", 2021, 1, 0);
    fx_scope county = fx_scope_of(s->d->db, "长葛市");
    s->county = county.id;
    snprintf(s->path, sizeof s->path, "%s", county.path);
    snprintf(s->path_hi, sizeof s->path_hi, "%s", county.path_hi);
    s->plan_id = fx_num(s->d->db, "SELECT MIN(id) FROM plans");
    *state = s;
    return 0;
}

static int group_teardown(void **state)
{
    pd_state *s = *state;
    fx_demo_free(s->d);
    free(s);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plan),         cmocka_unit_test(test_sections),
        cmocka_unit_test(test_seed_targets), cmocka_unit_test(test_live_baselines),
        cmocka_unit_test(test_reports),      cmocka_unit_test(test_tree),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
