/*
 * test_plan_tree.c - the read side of 目标 (plan_tree.c) on a fixture plan
 * built with SQL: two weighted sections, leaves with reported targets and
 * report figures (higher and lower is better, one target never reported),
 * a live target bound to the school register, items without targets that
 * carry a report state, and one with nothing. On fixed dates: the
 * statuses, progress and roll-up of the tree (computed here from the
 * fixture's figures), the department and status filters, the margins read
 * from the settings, the item page (trail, reports, evidence, series),
 * the reminder list, the 首页 headline and the default status date.
 */
#include <math.h>
#include <stdint.h>

#include "fixture.h"
#include "domain/plan.h"

typedef struct plan_fx {
    fx_store st;  /* first: fx_store_teardown */
    fx_tree t;
    int64_t dept_a, dept_b, plan, user;
    int64_t s1, s2, l1, l2, l3, l4, l5, l6;
    int64_t t1, t2, t3, t4;
    int64_t r1, r2, r3, r4, r5;
} plan_fx;

static int64_t fx_insert(store_db *db, const char *sql, const sval *p, int n)
{
    int64_t id = 0;
    if (db_insert(db, sql, p, n, &id) != STORE_OK)
        fail_msg("%s: %s", sql, db_errmsg(db));
    return id;
}

static int64_t fx_item(store_db *db, int64_t plan, int64_t parent, int sort, const char *title,
                       int64_t lead, const char *start, const char *due, double weight,
                       const char *cycle)
{
    sval p[] = {SV_I(plan), parent ? SV_I(parent) : SV_NUL, SV_I(sort), SV_T(title),
                SV_I(lead), SV_T(start), SV_T(due), SV_R(weight), SV_T(cycle)};
    return fx_insert(db,
                     "INSERT INTO plan_items (plan_id, parent_id, sort, title, lead_dept_id, "
                     "start_date, due_date, weight, report_cycle, created_at, updated_at) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0) RETURNING id",
                     p, 9);
}

static int64_t fx_target(store_db *db, int64_t item, int sort, const char *name, double baseline,
                         int baseline_year, double floor, const char *direction,
                         const char *due, const char *metric)
{
    sval p[] = {SV_I(item),
                SV_I(sort),
                SV_T(name),
                isnan(baseline) ? SV_NUL : SV_R(baseline),
                baseline_year ? SV_I(baseline_year) : SV_NUL,
                SV_R(floor),
                SV_T(direction),
                SV_T(due),
                SV_T(metric ? "live" : "reported"),
                SV_T(metric)};
    return fx_insert(db,
                     "INSERT INTO plan_targets (item_id, sort, name, baseline, baseline_year, "
                     "floor, direction, due_date, source, metric, created_at, updated_at) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0) RETURNING id",
                     p, 10);
}

static int64_t fx_report(store_db *db, int64_t item, const char *period, const char *on,
                         const char *state, double progress)
{
    sval p[] = {SV_I(item), SV_T(period), SV_T(on), SV_T(state),
                isnan(progress) ? SV_NUL : SV_R(progress)};
    return fx_insert(db,
                     "INSERT INTO plan_reports (item_id, period, reported_on, done, state, "
                     "progress, created_by, created_at) VALUES (?, ?, ?, '按计划推进', ?, ?, "
                     "(SELECT MIN(id) FROM users), 0) RETURNING id",
                     p, 5);
}

static void fx_figure(store_db *db, int64_t report, int64_t target, double value)
{
    sval p[] = {SV_I(report), SV_I(target), SV_R(value)};
    if (db_exec(db, "INSERT INTO plan_report_figures (report_id, target_id, value) VALUES (?, ?, ?)",
                p, 3) != STORE_OK)
        fail_msg("figure: %s", db_errmsg(db));
}

static void fx_set(store_db *db, const char *key, const char *value)
{
    sval p[] = {SV_T(value), SV_T(key)};
    assert_int_equal(db_exec(db, "UPDATE settings SET value = ? WHERE key = ?", p, 2), STORE_OK);
}

/*
 *   S1 （一）深化改革   dept A, weight 2
 *     L1 公办学位       dept A, weight 3: T1 reported 20 -> 30 (2021), figures 22 (31 Mar),
 *                       25 (30 Jun); T3 reported, no baseline, never reported
 *     L2 隐患整改       dept B, weight 1: T2 reported 10 -> 5 lower, due 30 Jun, figure 8 (31 May)
 *   S2 （二）平安校园   dept B, weight 1
 *     L3 安全教育       dept B: report achieved 100 (30 Apr)
 *     L4 校园改造       dept A, due 31 Aug: report at_risk 30 (30 Jun)
 *     L5 应急演练       dept B, quarterly: no report
 *     L6 学校布局       dept B: T4 live schools_open 0 -> 4 (two schools open)
 */
static int setup(void **state)
{
    plan_fx *f = calloc(1, sizeof *f);
    store_db *db;

    assert_non_null(f);
    db = fx_store_open(&f->st, "plantree");
    fx_tree_build(db, &f->t);
    fx_school(db, f->t.town, "4110000001", "大周镇第一小学", "小学", NULL);
    fx_school(db, f->t.town, "4110000002", "大周镇中心幼儿园", "幼儿园", NULL);
    sval d1[] = {SV_I(f->t.county), SV_T("jj"), SV_T("基础教育股")};
    f->dept_a = fx_insert(db, "INSERT INTO departments (org_id, code, name) VALUES (?, ?, ?) "
                              "RETURNING id", d1, 3);
    sval d2[] = {SV_I(f->t.county), SV_T("aq"), SV_T("安全稳定股")};
    f->dept_b = fx_insert(db, "INSERT INTO departments (org_id, code, name) VALUES (?, ?, ?) "
                              "RETURNING id", d2, 3);
    sval us[] = {SV_I(f->dept_a), SV_I(f->t.county)};
    f->user = fx_insert(db,
                        "INSERT INTO users (username, name, role, dept_id, scope_org_id, "
                        "password_hash, created_at) VALUES ('jijiao', '李明', 'dept', ?, ?, 'x', 0) "
                        "RETURNING id",
                        us, 2);
    sval pl[] = {SV_I(f->t.county), SV_T(f->t.county_path)};
    f->plan = fx_insert(db,
                        "INSERT INTO plans (county_org_id, path, year, title, created_at, "
                        "updated_at) VALUES (?, ?, 2022, '2022年教育工作谋划', 0, 0) RETURNING id",
                        pl, 2);
    f->s1 = fx_item(db, f->plan, 0, 1, "深化改革", f->dept_a, NULL, NULL, 2, "monthly");
    f->s2 = fx_item(db, f->plan, 0, 2, "平安校园", f->dept_b, NULL, NULL, 1, "monthly");
    f->l1 = fx_item(db, f->plan, f->s1, 1, "公办学位", f->dept_a, NULL, NULL, 3, "monthly");
    f->l2 = fx_item(db, f->plan, f->s1, 2, "隐患整改", f->dept_b, NULL, NULL, 1, "monthly");
    f->l3 = fx_item(db, f->plan, f->s2, 1, "安全教育", f->dept_b, NULL, NULL, 1, "monthly");
    f->l4 = fx_item(db, f->plan, f->s2, 2, "校园改造", f->dept_a, NULL, "2022-08-31", 1,
                    "monthly");
    f->l5 = fx_item(db, f->plan, f->s2, 3, "应急演练", f->dept_b, NULL, NULL, 1, "quarterly");
    f->l6 = fx_item(db, f->plan, f->s2, 4, "学校布局", f->dept_b, NULL, NULL, 1, "monthly");
    sval co[] = {SV_I(f->l1), SV_I(f->dept_b)};
    assert_int_equal(db_exec(db, "INSERT INTO plan_item_depts (item_id, dept_id) VALUES (?, ?)",
                             co, 2),
                     STORE_OK);
    f->t1 = fx_target(db, f->l1, 1, "公办学位占比", 20, 2021, 30, "higher", NULL, NULL);
    f->t3 = fx_target(db, f->l1, 2, "新增学位", NAN, 0, 100, "higher", NULL, NULL);
    f->t2 = fx_target(db, f->l2, 1, "未整改隐患", 10, 2021, 5, "lower", "2022-06-30", NULL);
    f->t4 = fx_target(db, f->l6, 1, "在办学校", 0, 0, 4, "higher", NULL, "schools_open");
    f->r1 = fx_report(db, f->l1, "2022-03", "2022-03-31", "on_track", 20);
    fx_figure(db, f->r1, f->t1, 22);
    f->r2 = fx_report(db, f->l1, "2022-06", "2022-06-30", "on_track", 50);
    fx_figure(db, f->r2, f->t1, 25);
    f->r3 = fx_report(db, f->l2, "2022-05", "2022-05-31", "on_track", 40);
    fx_figure(db, f->r3, f->t2, 8);
    f->r4 = fx_report(db, f->l3, "2022-04", "2022-04-30", "achieved", 100);
    f->r5 = fx_report(db, f->l4, "2022-06", "2022-06-30", "at_risk", 30);
    sval ev[] = {SV_I(f->r2)};
    assert_int_equal(db_exec(db,
                             "INSERT INTO plan_evidence (report_id, kind, title, file_hash, "
                             "file_name, file_type, file_size, created_at) VALUES "
                             "(?, 'file', '学位统计表', 'abc', 'places.xlsx', "
                             "'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', "
                             "1234, 0)",
                             ev, 1),
                     STORE_OK);
    assert_int_equal(db_exec(db,
                             "INSERT INTO plan_evidence (report_id, kind, title, body, created_at) "
                             "VALUES (?, 'text', '说明', '新建幼儿园两所', 0)",
                             ev, 1),
                     STORE_OK);
    *state = f;
    return 0;
}

/* ----------------------------------------------------------------- helpers */

static json_t *find_item(json_t *items, int64_t id)
{
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it) {
        if (json_integer_value(json_object_get(it, "id")) == id)
            return it;
        json_t *found = find_item(json_object_get(it, "children"), id);
        if (found)
            return found;
    }
    return NULL;
}

static json_t *tree_at(plan_fx *f, const char *on, int64_t dept, const char *status)
{
    json_t *tree = NULL;
    assert_int_equal(plan_tree(f->st.db, f->plan, on, dept, status, &tree), STORE_OK);
    assert_non_null(tree);
    return tree;
}

static const char *status_of(json_t *tree, int64_t id)
{
    json_t *it = find_item(json_object_get(tree, "items"), id);
    if (!it)
        fail_msg("item %lld not in the tree", (long long)id);
    return json_string_value(json_object_get(it, "status"));
}

static double progress_of(json_t *o)
{
    json_t *p = json_object_get(o, "progress");
    return json_is_number(p) ? json_number_value(p) : NAN;
}

static json_t *target_of(json_t *item, int64_t id)
{
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(item, "targets"), i, t)
        if (json_integer_value(json_object_get(t, "id")) == id)
            return t;
    fail_msg("target %lld missing", (long long)id);
    return NULL;
}

static void assert_near(double a, double b)
{
    if (fabs(a - b) > 1e-4)
        fail_msg("%.6f != %.6f", a, b);
}

static int count_of(json_t *o, const char *status)
{
    return (int)json_integer_value(json_object_get(json_object_get(o, "counts"), status));
}

/* ------------------------------------------------------------------- tests */

/* 2 July 2022: half the year gone. */
static void test_tree_mid_year(void **state)
{
    plan_fx *f = *state;
    json_t *tree = tree_at(f, "2022-07-02", 0, NULL), *items = json_object_get(tree, "items");
    double t = 182.0 / 364.0;

    /* L1: T1 at 25 of 20 -> 30 is half way: on track; T3 never reported
     * counts as behind past a quarter of the year; progress the mean of
     * the targets with a figure. */
    json_t *l1 = find_item(items, f->l1);
    assert_string_equal(json_string_value(json_object_get(target_of(l1, f->t1), "status")),
                        "on_track");
    assert_near(progress_of(target_of(l1, f->t1)), (25.0 - 20) / (30 - 20));
    assert_near(json_number_value(json_object_get(target_of(l1, f->t1), "current")), 25);
    assert_string_equal(json_string_value(json_object_get(target_of(l1, f->t1), "as_of")),
                        "2022-06-30");
    assert_string_equal(json_string_value(json_object_get(target_of(l1, f->t3), "status")),
                        "no_data");
    assert_true(json_is_null(json_object_get(target_of(l1, f->t3), "current")));
    assert_string_equal(status_of(tree, f->l1), "behind");
    double p1 = (25.0 - 20) / (30 - 20);
    assert_near(progress_of(l1), p1);
    assert_string_equal(json_string_value(json_object_get(target_of(l1, f->t1), "source")),
                        "reported");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(l1, "lead_dept"), "name")),
        "基础教育股");
    assert_int_equal(json_array_size(json_object_get(l1, "co_depts")), 1);
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(l1, "co_depts"), 0), "name")),
                        "安全稳定股");
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(l1, "last_report"), "period")),
                        "2022-06");

    /* L2: 8 of 10 -> 5 and past its 30 June due date: overdue */
    json_t *l2 = find_item(items, f->l2);
    double p2 = (8.0 - 10) / (5 - 10);
    assert_string_equal(status_of(tree, f->l2), "overdue");
    assert_near(progress_of(l2), p2);
    assert_string_equal(json_string_value(json_object_get(target_of(l2, f->t2), "due_date")),
                        "2022-06-30");

    /* S1: weights 3 and 1 */
    json_t *s1 = find_item(items, f->s1);
    double ps1 = (3 * p1 + 1 * p2) / 4;
    assert_near(progress_of(s1), ps1);
    assert_string_equal(status_of(tree, f->s1), ps1 >= t - 0.10 ? "on_track" : "at_risk");
    assert_int_equal(count_of(s1, "behind"), 1);
    assert_int_equal(count_of(s1, "overdue"), 1);
    assert_int_equal(count_of(s1, "on_track"), 0);

    /* S2: L3 achieved (1), L4 at risk (0.3), L5 nothing (left out), L6
     * live: two schools open of 0 -> 4 */
    json_t *l6 = find_item(items, f->l6), *t4 = target_of(l6, f->t4);
    assert_string_equal(status_of(tree, f->l3), "achieved");
    assert_string_equal(status_of(tree, f->l4), "at_risk");
    assert_string_equal(status_of(tree, f->l5), "no_data");
    assert_true(json_is_null(json_object_get(find_item(items, f->l5), "progress")));
    assert_near(json_number_value(json_object_get(t4, "current")), 2);
    assert_string_equal(json_string_value(json_object_get(t4, "source")), "live:schools_open");
    assert_string_equal(status_of(tree, f->l6), "on_track");
    json_t *s2 = find_item(items, f->s2);
    double ps2 = (1 + 0.3 + 2.0 / 4) / 3;
    assert_near(progress_of(s2), ps2);
    assert_string_equal(status_of(tree, f->s2), "on_track");
    assert_int_equal(count_of(s2, "achieved"), 1);
    assert_int_equal(count_of(s2, "at_risk"), 1);
    assert_int_equal(count_of(s2, "no_data"), 1);
    assert_int_equal(count_of(s2, "on_track"), 1);

    /* the plan: S1 weighs 2, S2 1; one leaf of each status */
    json_t *plan = json_object_get(tree, "plan");
    assert_near(progress_of(plan), (2 * ps1 + ps2) / 3);
    assert_string_equal(json_string_value(json_object_get(plan, "on")), "2022-07-02");
    assert_string_equal(json_string_value(json_object_get(plan, "status")), "on_track");
    for (int s = 0; s < PLAN_NSTATUS; s++)
        assert_int_equal(count_of(plan, plan_status_codes[s]), 1);
    /* order: sections by sort, children by sort */
    assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 0), "id")), f->s1);
    json_t *kids = json_object_get(s2, "children");
    assert_int_equal(json_array_size(kids), 4);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(kids, 3), "id")), f->l6);
    json_decref(tree);
}

/* Statuses over time: reports dated after the date are not seen. */
static void test_tree_over_time(void **state)
{
    plan_fx *f = *state;
    json_t *tree;

    /* 1 March: nothing reported yet; T1 and T3 without data early on */
    tree = tree_at(f, "2022-03-01", 0, NULL);
    assert_string_equal(status_of(tree, f->l1), "no_data");
    assert_string_equal(status_of(tree, f->l3), "no_data");
    assert_true(json_is_null(json_object_get(find_item(json_object_get(tree, "items"), f->l1),
                                             "last_report")));
    json_decref(tree);

    /* 31 March: T1 at 22 (p 0.2 against t 0.245), T3 still without data
     * but within the first quarter: on track */
    tree = tree_at(f, "2022-03-31", 0, NULL);
    assert_string_equal(status_of(tree, f->l1), "on_track");
    json_decref(tree);

    /* 30 June (T2's due day): 8 of 10 -> 5 is p 0.4 against t 1: behind,
     * not yet overdue */
    tree = tree_at(f, "2022-06-30", 0, NULL);
    assert_string_equal(status_of(tree, f->l2), "behind");
    json_decref(tree);
    tree = tree_at(f, "2022-07-01", 0, NULL);
    assert_string_equal(status_of(tree, f->l2), "overdue");
    json_decref(tree);

    /* L4 (due 31 August, at_risk reported) is overdue from 1 September;
     * L3 stays achieved */
    tree = tree_at(f, "2022-09-01", 0, NULL);
    assert_string_equal(status_of(tree, f->l4), "overdue");
    assert_string_equal(status_of(tree, f->l3), "achieved");
    json_decref(tree);

    /* T2 reaches its floor: achieved even after the due date */
    int64_t r = fx_report(f->st.db, f->l2, "2022-07", "2022-07-20", "on_track", 100);
    fx_figure(f->st.db, r, f->t2, 5);
    tree = tree_at(f, "2022-07-25", 0, NULL);
    assert_string_equal(status_of(tree, f->l2), "achieved");
    json_decref(tree);
    tree = tree_at(f, "2022-07-19", 0, NULL);
    assert_string_equal(status_of(tree, f->l2), "overdue");
    json_decref(tree);
}

static void test_tree_margins_from_settings(void **state)
{
    plan_fx *f = *state;
    json_t *tree;

    /* S1 at 0.475 against t 0.5 is on track with the 10-point margin ... */
    tree = tree_at(f, "2022-07-02", 0, NULL);
    assert_string_equal(status_of(tree, f->s1), "on_track");
    json_decref(tree);
    /* ... and behind when the bureau allows 0 and 1 points */
    fx_set(f->st.db, "plan_at_risk_margin_pct", "0");
    fx_set(f->st.db, "plan_behind_margin_pct", "1");
    tree = tree_at(f, "2022-07-02", 0, NULL);
    assert_string_equal(status_of(tree, f->s1), "behind");
    json_decref(tree);
}

static void test_tree_filters(void **state)
{
    plan_fx *f = *state;
    json_t *tree, *items;

    /* department A leads S1, L1 and L4: S2 stays as L4's ancestor */
    tree = tree_at(f, "2022-07-02", f->dept_a, NULL);
    items = json_object_get(tree, "items");
    assert_int_equal(json_array_size(items), 2);
    assert_non_null(find_item(items, f->l1));
    assert_non_null(find_item(items, f->l4));
    assert_null(find_item(items, f->l2));
    assert_null(find_item(items, f->l3));
    assert_int_equal(json_array_size(json_object_get(find_item(items, f->s2), "children")), 1);
    /* the figures stay those of the whole plan */
    assert_int_equal(count_of(find_item(items, f->s2), "no_data"), 1);
    assert_int_equal(count_of(json_object_get(tree, "plan"), "overdue"), 1);
    json_decref(tree);

    /* overdue leaves: L2 under S1 only */
    tree = tree_at(f, "2022-07-02", 0, "overdue");
    items = json_object_get(tree, "items");
    assert_int_equal(json_array_size(items), 1);
    assert_int_equal(json_array_size(json_object_get(json_array_get(items, 0), "children")), 1);
    assert_non_null(find_item(items, f->l2));
    json_decref(tree);

    /* both: department B's on-track leaves is L6 */
    tree = tree_at(f, "2022-07-02", f->dept_b, "on_track");
    items = json_object_get(tree, "items");
    assert_int_equal(json_array_size(items), 1);
    assert_non_null(find_item(items, f->l6));
    assert_null(find_item(items, f->l1));
    json_decref(tree);

    /* an unknown status keeps nothing */
    tree = tree_at(f, "2022-07-02", 0, "late");
    assert_int_equal(json_array_size(json_object_get(tree, "items")), 0);
    json_decref(tree);

    json_t *none = NULL;
    assert_int_equal(plan_tree(f->st.db, f->plan + 100, "2022-07-02", 0, NULL, &none),
                     STORE_NOTFOUND);
    assert_null(none);
}

static void test_item_detail(void **state)
{
    plan_fx *f = *state;
    json_t *item = NULL;

    assert_int_equal(plan_item_detail(f->st.db, f->l1, "2022-07-02", &item), STORE_OK);
    assert_string_equal(json_string_value(json_object_get(item, "status")), "behind");
    json_t *trail = json_object_get(item, "trail");
    assert_int_equal(json_array_size(trail), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(trail, 0), "title")),
                        "深化改革");
    /* reports newest first with their figures and evidence */
    json_t *reports = json_object_get(item, "reports");
    assert_int_equal(json_array_size(reports), 2);
    json_t *newest = json_array_get(reports, 0);
    assert_int_equal(json_integer_value(json_object_get(newest, "id")), f->r2);
    assert_near(json_number_value(json_object_get(
                    json_array_get(json_object_get(newest, "figures"), 0), "value")),
                25);
    json_t *ev = json_object_get(newest, "evidence");
    assert_int_equal(json_array_size(ev), 2);
    json_t *file = json_array_get(ev, 0);
    assert_string_equal(json_string_value(json_object_get(file, "kind")), "file");
    assert_string_equal(json_string_value(json_object_get(file, "file_name")), "places.xlsx");
    char url[64];
    snprintf(url, sizeof url, "/api/plan-evidence/%lld/file",
             (long long)json_integer_value(json_object_get(file, "id")));
    assert_string_equal(json_string_value(json_object_get(file, "url")), url);
    assert_null(json_object_get(file, "file_hash"));
    assert_true(json_is_null(json_object_get(json_array_get(ev, 1), "url")));
    assert_string_equal(json_string_value(json_object_get(newest, "created_by_name")), "李明");
    /* series: T1 baseline at the end of 2021, then its two figures; T3 none */
    json_t *series = json_object_get(item, "series");
    assert_int_equal(json_array_size(series), 2);
    json_t *points = json_object_get(json_array_get(series, 0), "points");
    assert_int_equal(json_array_size(points), 3);
    assert_string_equal(json_string_value(json_object_get(json_array_get(points, 0), "date")),
                        "2021-12-31");
    assert_string_equal(json_string_value(json_object_get(json_array_get(points, 0), "kind")),
                        "baseline");
    assert_string_equal(json_string_value(json_object_get(json_array_get(points, 2), "date")),
                        "2022-06-30");
    assert_near(json_number_value(json_object_get(json_array_get(points, 2), "value")), 25);
    assert_int_equal(json_array_size(json_object_get(json_array_get(series, 1), "points")), 0);
    json_decref(item);

    /* the live target: its baseline at the plan's start, its value now */
    assert_int_equal(plan_item_detail(f->st.db, f->l6, "2022-07-02", &item), STORE_OK);
    points = json_object_get(json_array_get(json_object_get(item, "series"), 0), "points");
    assert_int_equal(json_array_size(points), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(points, 0), "date")),
                        "2022-01-01");
    assert_string_equal(json_string_value(json_object_get(json_array_get(points, 1), "kind")),
                        "current");
    assert_string_equal(json_string_value(json_object_get(json_array_get(points, 1), "date")),
                        "2022-07-02");
    json_decref(item);

    /* a section carries its children */
    assert_int_equal(plan_item_detail(f->st.db, f->s2, "2022-07-02", &item), STORE_OK);
    assert_int_equal(json_array_size(json_object_get(item, "children")), 4);
    assert_int_equal(json_array_size(json_object_get(item, "trail")), 0);
    json_decref(item);

    item = NULL;
    assert_int_equal(plan_item_detail(f->st.db, f->l6 + 100, "2022-07-02", &item),
                     STORE_NOTFOUND);
    assert_null(item);
}

static json_t *reminder_of(json_t *r, int64_t id)
{
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(r, "items"), i, it)
        if (json_integer_value(json_object_get(it, "item_id")) == id)
            return it;
    return NULL;
}

static void test_reminders(void **state)
{
    plan_fx *f = *state;
    json_t *r = NULL;

    /* 10 July: June's reports were due 5 July, the second quarter's too.
     * L1 and L4 reported June, L3 is achieved; L2 and L6 owe June, L5 Q2. */
    assert_int_equal(plan_reminders(f->st.db, f->plan, "2022-07-10", &r), STORE_OK);
    assert_int_equal(json_array_size(json_object_get(r, "items")), 3);
    assert_null(reminder_of(r, f->l1));
    assert_null(reminder_of(r, f->l3));
    assert_null(reminder_of(r, f->l4));
    json_t *l2 = reminder_of(r, f->l2), *l5 = reminder_of(r, f->l5), *l6 = reminder_of(r, f->l6);
    assert_non_null(l2);
    assert_string_equal(json_string_value(json_object_get(l2, "due_period")), "2022-06");
    assert_string_equal(json_string_value(json_object_get(l2, "last_period")), "2022-05");
    assert_string_equal(json_string_value(json_object_get(l2, "due_date")), "2022-07-05");
    assert_int_equal(json_integer_value(json_object_get(l2, "overdue_days")), 5);
    assert_string_equal(json_string_value(json_object_get(l5, "due_period")), "2022-Q2");
    assert_string_equal(json_string_value(json_object_get(l5, "cycle")), "quarterly");
    assert_true(json_is_null(json_object_get(l6, "last_period")));
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(l6, "lead_dept"), "name")),
        "安全稳定股");
    json_decref(r);

    /* 3 July: due in two days, listed without days overdue */
    assert_int_equal(plan_reminders(f->st.db, f->plan, "2022-07-03", &r), STORE_OK);
    assert_int_equal(json_integer_value(json_object_get(reminder_of(r, f->l2), "overdue_days")),
                     0);
    json_decref(r);

    /* 15 June: May is due; L2 reported May, L1 did not (its report of 31
     * March is the last), no quarter ended since Q1 (L5 owes Q1) */
    assert_int_equal(plan_reminders(f->st.db, f->plan, "2022-06-15", &r), STORE_OK);
    assert_null(reminder_of(r, f->l2));
    assert_string_equal(json_string_value(json_object_get(reminder_of(r, f->l1), "last_period")),
                        "2022-03");
    assert_string_equal(json_string_value(json_object_get(reminder_of(r, f->l5), "due_period")),
                        "2022-Q1");
    json_decref(r);

    /* January: last month belongs to the year before */
    assert_int_equal(plan_reminders(f->st.db, f->plan, "2022-01-20", &r), STORE_OK);
    assert_int_equal(json_array_size(json_object_get(r, "items")), 0);
    json_decref(r);
}

static void test_headline(void **state)
{
    plan_fx *f = *state;
    json_t *h = NULL;

    assert_int_equal(plan_headline(f->st.db, f->t.county_path, "2022-07-02", &h), STORE_OK);
    assert_int_equal(json_integer_value(json_object_get(h, "plan_id")), f->plan);
    assert_string_equal(json_string_value(json_object_get(h, "on")), "2022-07-02");
    assert_string_equal(json_string_value(json_object_get(h, "status")), "on_track");
    assert_int_equal(count_of(h, "overdue"), 1);
    json_t *behind = json_object_get(h, "behind");
    assert_int_equal(json_array_size(behind), 2);  /* overdue first, then behind */
    assert_int_equal(json_integer_value(json_object_get(json_array_get(behind, 0), "id")), f->l2);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(behind, 1), "id")), f->l1);
    json_decref(h);

    /* a later year without a plan: the latest plan, at its last day */
    assert_int_equal(plan_headline(f->st.db, f->t.province_path, "2023-03-01", &h), STORE_OK);
    assert_int_equal(json_integer_value(json_object_get(h, "plan_id")), f->plan);
    assert_string_equal(json_string_value(json_object_get(h, "on")), "2022-12-31");
    json_decref(h);

    /* a scope without plans (a town) */
    h = NULL;
    assert_int_equal(plan_headline(f->st.db, f->t.town_path, "2022-07-02", &h), STORE_NOTFOUND);
    assert_null(h);
}

static void test_status_date_and_load(void **state)
{
    plan_fx *f = *state;
    json_t *plan = NULL;
    char on[11];

    assert_int_equal(plan_load(f->st.db, f->plan, &plan), STORE_OK);
    assert_int_equal(json_integer_value(json_object_get(plan, "items")), 8);
    assert_int_equal(json_integer_value(json_object_get(plan, "targets")), 4);
    assert_string_equal(json_string_value(json_object_get(plan, "county")), "长葛市");
    assert_string_equal(json_string_value(json_object_get(plan, "path")), f->t.county_path);
    assert_non_null(json_object_get(plan, "status"));

    plan_status_date(plan, "2022-05-06", on);
    assert_string_equal(on, "2022-05-06");
    /* today clamped to the plan's year: 2023-03-01 (UTC+8) -> 31 December */
    setenv("EDUBUREAU_NOW", "1677657600", 1);
    plan_status_date(plan, NULL, on);
    assert_string_equal(on, "2022-12-31");
    /* 2022-04-10 12:00 UTC+8 is itself */
    setenv("EDUBUREAU_NOW", "1649563200", 1);
    plan_status_date(plan, NULL, on);
    assert_string_equal(on, "2022-04-10");
    json_decref(plan);
    plan = NULL;
    /* the plan's status_on wins over today; plan_load reports it */
    sval p[] = {SV_I(f->plan)};
    assert_int_equal(db_exec(f->st.db, "UPDATE plans SET status_on = '2022-07-02' WHERE id = ?",
                             p, 1),
                     STORE_OK);
    assert_int_equal(plan_load(f->st.db, f->plan, &plan), STORE_OK);
    plan_status_date(plan, NULL, on);
    assert_string_equal(on, "2022-07-02");
    assert_string_equal(json_string_value(json_object_get(plan, "on")), "2022-07-02");
    assert_string_equal(json_string_value(json_object_get(plan, "status")), "on_track");
    unsetenv("EDUBUREAU_NOW");
    json_decref(plan);
    assert_int_equal(plan_load(f->st.db, f->plan + 100, &plan), STORE_NOTFOUND);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_tree_mid_year, setup, fx_store_teardown),
        cmocka_unit_test_setup_teardown(test_tree_over_time, setup, fx_store_teardown),
        cmocka_unit_test_setup_teardown(test_tree_margins_from_settings, setup, fx_store_teardown),
        cmocka_unit_test_setup_teardown(test_tree_filters, setup, fx_store_teardown),
        cmocka_unit_test_setup_teardown(test_item_detail, setup, fx_store_teardown),
        cmocka_unit_test_setup_teardown(test_reminders, setup, fx_store_teardown),
        cmocka_unit_test_setup_teardown(test_headline, setup, fx_store_teardown),
        cmocka_unit_test_setup_teardown(test_status_date_and_load, setup, fx_store_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
