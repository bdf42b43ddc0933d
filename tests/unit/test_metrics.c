/*
 * test_metrics.c - the registry of live figures (domain/metrics.c) on the
 * demo county: every metric against a computation of its own in SQL over
 * the records (kindergartens, high-school places, 基表 totals, schools,
 * hazards, safety activities), the seed's 18.7% public kindergarten
 * places of 2021 and its change when a kindergarten's nature changes, the
 * as_of of statistics and calendar figures, unknown keys and fields, and
 * the list of GET /api/metrics.
 */
#include <math.h>

#include "fixture.h"

#include "auth/password.h"
#include "domain/eval.h"
#include "domain/metrics.h"
#include "domain/safety.h"
#include "util/arena.h"
#include "util/clock.h"

typedef struct mx_state {
    fx_store *d;
    int64_t county;
    char path[64], path_hi[64];
} mx_state;

/* The value of field in a record, as a SQL expression over r.id. */
#define V(field)                                                                                   \
    "COALESCE((SELECT num FROM stat_values WHERE record_id = r.id AND field = '" field "'), 0)"

static double real_of(json_t *row, const char *key)
{
    return json_number_value(json_object_get(row, key));
}

/* The first row of sql (caller decrefs the array it returns in *rows). */
static json_t *first_row(store_db *db, const char *sql, json_t **rows)
{
    *rows = fx_rows(db, sql);
    assert_true(json_array_size(*rows) >= 1);
    return json_array_get(*rows, 0);
}

/* metrics_value of key in the county, asserting STORE_OK; as_of may be NULL. */
static double mv(mx_state *s, const char *key, int year, json_t **as_of)
{
    double v = -12345;
    int rc = metrics_value(s->d->db, key, s->path, s->path_hi, s->county, year, &v, as_of);
    if (rc != STORE_OK)
        fail_msg("metrics_value %s %d: %d", key, year, rc);
    return v;
}

static void assert_close(double got, double want)
{
    if (!(fabs(got - want) < 1e-6))
        fail_msg("got %.6f, want %.6f", got, want);
}

static void assert_as_of(json_t *as_of, int year, const char *label)
{
    assert_non_null(as_of);
    assert_int_equal(json_integer_value(json_object_get(as_of, "year")), year);
    assert_string_equal(json_string_value(json_object_get(as_of, "label")), label);
    json_decref(as_of);
}

/* ------------------------------------------------------ kindergartens */

#define KG_SQL                                                                                 \
    "SELECT SUM(CASE WHEN s.nature = '公办' THEN " V("capacity") " ELSE 0 END) AS pub_places, " \
    "SUM(" V("capacity") ") AS places, SUM(" V("kg_children") ") AS children, "               \
    "SUM(CASE WHEN s.nature = '公办' THEN " V("kg_children") " ELSE 0 END) AS pub_children, "   \
    "SUM(CASE WHEN s.nature IN ('公办', '普惠性民办') OR " V("kg_inclusive") " >= 1 THEN "     \
    V("kg_children") " ELSE 0 END) AS inclusive FROM stat_records r JOIN schools s ON "       \
    "s.id = r.school_id WHERE r.year = 2021 AND s.type = '幼儿园'"

static void test_kindergartens(void **state)
{
    mx_state *s = *state;
    json_t *rows, *as_of = NULL;
    json_t *row = first_row(s->d->db, KG_SQL, &rows);

    double share = mv(s, "kg_public_place_share", 2021, &as_of);
    assert_as_of(as_of, 2021, "2021学年");
    assert_close(share, 100 * real_of(row, "pub_places") / real_of(row, "places"));
    /* the seed: 公办幼儿学位占比仅为18.7% */
    assert_true(fabs(share - 18.7) < 0.05);
    assert_close(mv(s, "kg_inclusive_coverage", 2021, NULL),
                 100 * real_of(row, "inclusive") / real_of(row, "children"));
    assert_close(mv(s, "kg_public_enrollment_share", 2021, NULL),
                 100 * real_of(row, "pub_children") / real_of(row, "children"));
    /* 2022 has no records yet: the 2021 figures, said so */
    assert_close(mv(s, "kg_public_place_share", 2022, &as_of), share);
    assert_as_of(as_of, 2021, "2021学年");
    /* before any record: no figure */
    assert_true(isnan(mv(s, "kg_public_place_share", 2018, &as_of)));
    assert_true(json_is_null(json_object_get(as_of, "year")));
    json_decref(as_of);

    /* 毛入园率: children over the population aged 3-5, none while a town lacks it */
    int64_t towns = fx_num(s->d->db, "SELECT COUNT(*) FROM org_units WHERE level = 'town'");
    int64_t with = fx_num(s->d->db, "SELECT COUNT(*) FROM eval_population WHERE year = 2021");
    json_t *prows;
    json_t *pop = first_row(s->d->db,
                            "SELECT COALESCE(SUM(population), 0) AS population FROM "
                            "eval_population WHERE year = 2021",
                            &prows);
    double gross = mv(s, "kg_gross_enrollment", 2021, NULL);
    if (with < towns || real_of(pop, "population") <= 0)
        assert_true(isnan(gross));
    else
        assert_close(gross, 100 * real_of(row, "children") / real_of(pop, "population"));
    json_decref(prows);
    json_decref(rows);
}

/* The share follows the register: a 民办 kindergarten made 公办 adds its places. */
static void test_kindergarten_nature(void **state)
{
    mx_state *s = *state;
    json_t *rows, *krows;
    json_t *row = first_row(s->d->db, KG_SQL, &rows);
    json_t *kg = first_row(s->d->db,
                           "SELECT s.id, " V("capacity") " AS capacity FROM stat_records r JOIN "
                           "schools s ON s.id = r.school_id WHERE r.year = 2021 AND s.type = "
                           "'幼儿园' AND s.nature = '民办' ORDER BY s.id LIMIT 1",
                           &krows);
    double before = mv(s, "kg_public_place_share", 2021, NULL);
    double capacity = real_of(kg, "capacity");
    assert_true(capacity > 0);

    assert_int_equal(db_begin(s->d->db), STORE_OK);
    sval p[] = {SV_I(json_integer_value(json_object_get(kg, "id")))};
    assert_int_equal(db_exec(s->d->db, "UPDATE schools SET nature = '公办' WHERE id = ?", p, 1),
                     STORE_OK);
    double after = mv(s, "kg_public_place_share", 2021, NULL);
    assert_close(after, 100 * (real_of(row, "pub_places") + capacity) / real_of(row, "places"));
    assert_true(after > before);
    /* and it is inclusive now: the coverage moves too, or stays when it was 普惠 */
    assert_true(mv(s, "kg_inclusive_coverage", 2021, NULL) >= 0);
    assert_int_equal(db_rollback(s->d->db), STORE_OK);
    assert_close(mv(s, "kg_public_place_share", 2021, NULL), before);
    json_decref(krows);
    json_decref(rows);
}

/* ----------------------------------------------------------- statistics */

static void test_senior_places(void **state)
{
    mx_state *s = *state;
    json_t *high = fx_rows(
        s->d->db,
        "SELECT s.nature, s.type, " V("capacity") " AS cap, " V("senior_pupils") " AS senior, " V(
            "primary_pupils") " + " V("junior_pupils") " + " V("senior_pupils")
        " AS pupils FROM stat_records r JOIN schools s ON s.id = r.school_id WHERE r.year = 2021 "
        "AND s.type IN ('高级中学', '完全中学', '十二年一贯制学校')");
    double pub = 0, total = 0;
    size_t i;
    json_t *row;
    json_array_foreach(high, i, row) {
        const char *type = json_string_value(json_object_get(row, "type"));
        double places = strcmp(type, "高级中学") == 0
                            ? real_of(row, "cap")
                            : real_of(row, "cap") * real_of(row, "senior") / real_of(row, "pupils");
        total += places;
        if (strcmp(json_string_value(json_object_get(row, "nature")), "公办") == 0)
            pub += places;
    }
    json_decref(high);
    json_t *as_of = NULL;
    double share = mv(s, "senior_public_place_share", 2021, &as_of);
    assert_as_of(as_of, 2021, "2021学年");
    assert_close(share, 100 * pub / total);
    /* the seed: 公办高中学位占比仅是58.1% */
    assert_true(fabs(share - 58.1) < 0.05);
}

static void test_stats_totals(void **state)
{
    mx_state *s = *state;
    static const char *const fields[] = {"primary_pupils", "kg_children", "teachers_total",
                                         "building_area", "senior_classes", NULL};
    for (int k = 0; fields[k]; k++) {
        char key[64], sql[512];
        json_t *rows, *as_of = NULL;
        snprintf(sql, sizeof sql,
                 "SELECT COALESCE(SUM(v.num), 0) AS total FROM stat_values v JOIN stat_records r "
                 "ON r.id = v.record_id WHERE v.field = '%s' AND r.year = 2020",
                 fields[k]);
        json_t *row = first_row(s->d->db, sql, &rows);
        snprintf(key, sizeof key, "stats_total:%s", fields[k]);
        double v = mv(s, key, 2020, &as_of);
        assert_as_of(as_of, 2020, "2020学年");
        assert_close(v, real_of(row, "total"));
        assert_true(v > 0);
        json_decref(rows);
    }
    /* a later year reads the latest school year with records */
    json_t *as_of = NULL;
    assert_close(mv(s, "stats_total:primary_pupils", 2030, &as_of),
                 mv(s, "stats_total:primary_pupils", 2021, NULL));
    assert_as_of(as_of, 2021, "2021学年");
    /* a record that changes changes the total */
    assert_int_equal(db_begin(s->d->db), STORE_OK);
    double before = mv(s, "stats_total:teachers_total", 2021, NULL);
    assert_int_equal(db_exec(s->d->db,
                             "UPDATE stat_values SET num = num + 7 WHERE field = 'teachers_total' "
                             "AND record_id = (SELECT MIN(id) FROM stat_records WHERE year = 2021)",
                             NULL, 0),
                     STORE_OK);
    assert_close(mv(s, "stats_total:teachers_total", 2021, NULL), before + 7);
    assert_int_equal(db_rollback(s->d->db), STORE_OK);
}

/* -------------------------------------------------------------- schools */

static void test_schools(void **state)
{
    mx_state *s = *state;
    json_t *as_of = NULL;
    assert_close(mv(s, "schools_open", 2022, &as_of),
                 (double)fx_num(s->d->db, "SELECT COUNT(*) FROM schools WHERE status = '在办'"));
    assert_non_null(as_of);
    assert_string_equal(json_string_value(json_object_get(as_of, "label")), "当前");
    json_decref(as_of);
    for (int k = 0; k < 3; k++) {
        static const char *const types[] = {"小学", "幼儿园", "高级中学"};
        char key[64], sql[256];
        snprintf(key, sizeof key, "schools_type:%s", types[k]);
        snprintf(sql, sizeof sql,
                 "SELECT COUNT(*) FROM schools WHERE status = '在办' AND type = '%s'", types[k]);
        double v = mv(s, key, 2022, NULL);
        assert_close(v, (double)fx_num(s->d->db, sql));
        assert_true(v > 0);
    }
    /* the seed: 累计撤并中小学校4所 in 2021 */
    double closed = mv(s, "schools_closed", 2021, &as_of);
    assert_as_of(as_of, 2021, "2021年");
    assert_close(closed, (double)fx_num(s->d->db,
                                        "SELECT COUNT(*) FROM schools WHERE status IN ('撤并', "
                                        "'停办') AND closed_on >= '2021-01-01' AND closed_on <= "
                                        "'2021-12-31'"));
    assert_close(closed, 4);
    assert_close(mv(s, "schools_closed", 2020, NULL), 0);
}

/* --------------------------------------------------------------- safety */

static void test_hazards(void **state)
{
    mx_state *s = *state;
    json_t *as_of = NULL;
    for (int year = 2021; year <= 2022; year++) {
        char sql[512];
        snprintf(sql, sizeof sql,
                 "SELECT COUNT(*) AS found, SUM(CASE WHEN status = '已销号' THEN 1 ELSE 0 END) AS "
                 "closed_of_found FROM hazards WHERE found_on >= '%d-01-01' AND found_on <= "
                 "'%d-12-31'",
                 year, year);
        json_t *rows;
        json_t *row = first_row(s->d->db, sql, &rows);
        double found = mv(s, "hazards_found", year, &as_of);
        char label[16];
        snprintf(label, sizeof label, "%d年", year);
        assert_as_of(as_of, year, label);
        assert_close(found, real_of(row, "found"));
        assert_close(mv(s, "hazards_closure_rate", year, NULL),
                     100 * real_of(row, "closed_of_found") / real_of(row, "found"));
        json_decref(rows);
        snprintf(sql, sizeof sql,
                 "SELECT COUNT(*) FROM hazards WHERE status = '已销号' AND closed_on >= "
                 "'%d-01-01' AND closed_on <= '%d-12-31'",
                 year, year);
        assert_close(mv(s, "hazards_closed", year, NULL), (double)fx_num(s->d->db, sql));
        /* a past year: what was open at its end */
        snprintf(sql, sizeof sql,
                 "SELECT COUNT(*) FROM hazards WHERE found_on <= '%d-12-31' AND (status <> "
                 "'已销号' OR closed_on > '%d-12-31')",
                 year, year);
        assert_close(mv(s, "hazards_open", year, NULL), (double)fx_num(s->d->db, sql));
        snprintf(sql, sizeof sql,
                 "SELECT COUNT(*) FROM hazards WHERE found_on <= '%d-12-31' AND (status <> "
                 "'已销号' OR closed_on > '%d-12-31') AND deadline < '%d-12-31'",
                 year, year, year);
        assert_close(mv(s, "hazards_overdue", year, NULL), (double)fx_num(s->d->db, sql));
    }
    /* the seed: 隐患879处 found in 2021, every one closed */
    assert_close(mv(s, "hazards_found", 2021, NULL), 879);
    assert_close(mv(s, "hazards_closure_rate", 2021, NULL), 100);
    assert_true(mv(s, "hazards_open", 2022, NULL) > 0);
    /* this year: open and overdue as of today, as the safety summary says */
    char today[11], sql[256];
    clock_today(today);
    snprintf(sql, sizeof sql,
             "SELECT COUNT(*) FROM hazards WHERE status <> '已销号' AND deadline < '%s'", today);
    assert_close(mv(s, "hazards_open", atoi(today), NULL),
                 (double)fx_num(s->d->db, "SELECT COUNT(*) FROM hazards WHERE status <> '已销号'"));
    assert_close(mv(s, "hazards_overdue", atoi(today), NULL), (double)fx_num(s->d->db, sql));
    /* no hazard found: no closure rate */
    assert_true(isnan(mv(s, "hazards_closure_rate", 2019, NULL)));
}

static void test_activities(void **state)
{
    mx_state *s = *state;
    for (int k = 0; safety_activity_kinds[k]; k++) {
        const char *kind = safety_activity_kinds[k];
        const char *what = strcmp(kind, "安防器材") == 0 || strcmp(kind, "灭火器") == 0 ||
                                   strcmp(kind, "宣传版面") == 0
                               ? "COALESCE(SUM(quantity), 0)"
                           : strcmp(kind, "维修") == 0 ? "COUNT(DISTINCT school_id)"
                                                       : "COUNT(*)";
        char sql[512], key[64];
        snprintf(sql, sizeof sql,
                 "SELECT %s FROM safety_activities WHERE kind = '%s' AND on_date >= '2021-01-01' "
                 "AND on_date <= '2021-12-31'",
                 what, kind);
        snprintf(key, sizeof key, "safety_activity:%s", kind);
        json_t *as_of = NULL;
        double v = mv(s, key, 2021, &as_of);
        assert_as_of(as_of, 2021, "2021年");
        assert_close(v, (double)fx_num(s->d->db, sql));
        assert_true(v > 0);
    }
    /* the seed: 维修 38 schools, 应急演练 800余场次 */
    assert_close(mv(s, "safety_activity:维修", 2021, NULL), 38);
    assert_true(mv(s, "safety_activity:应急演练", 2021, NULL) >= 800);
}

/* -------------------------------------------------------------- eval */

static void test_balanced(void **state)
{
    mx_state *s = *state;
    eval_scope scope = {s->path, s->path_hi, s->county};
    for (int k = 0; k < 2; k++) {
        static const char *const stages[] = {"primary", "junior"};
        char key[64];
        json_t *out = NULL;
        refusal e = {0};
        snprintf(key, sizeof key, "balanced_schools_passing:%s", stages[k]);
        double v = mv(s, key, 2021, NULL);
        if (eval_balanced(s->d->db, &scope, 2021, stages[k], NULL, EVAL_SUMMARY, &out, &e) ==
            STORE_OK)
            assert_close(v, json_number_value(json_object_get(out, "schools_passing")));
        else
            assert_true(isnan(v));
        json_decref(out);
    }
}

/* ---------------------------------------------------------------- keys */

static void test_keys(void **state)
{
    /* yearly figures start again each January */
    assert_int_equal(metrics_key_yearly("safety_activity:应急演练"), 1);
    assert_int_equal(metrics_key_yearly("hazards_closure_rate"), 1);
    assert_int_equal(metrics_key_yearly("kg_public_place_share"), 0);
    assert_int_equal(metrics_key_yearly("stats_total:kg_children"), 0);
    assert_int_equal(metrics_key_yearly(NULL), 0);
    mx_state *s = *state;
    static const char *const bad[] = {
        "",
        "nope",
        "stats_total",
        "stats_total:",
        "stats_total:nope",
        "stats_total:kg_children;DROP",
        "kg_public_place_share:x",
        "schools_type",
        "schools_type:大学",
        "safety_activity:跑步",
        "balanced_schools_passing:senior",
        "hazards_found:2022",
        ":kg_children",
        NULL,
    };
    for (int k = 0; bad[k]; k++) {
        double v = 0;
        json_t *sentinel = json_object(), *as_of = sentinel;
        assert_int_equal(metrics_key_valid(s->d->db, bad[k]), 0);
        assert_int_equal(metrics_value(s->d->db, bad[k], s->path, s->path_hi, s->county, 2021, &v,
                                       &as_of),
                         STORE_NOTFOUND);
        assert_true(isnan(v));
        assert_null(as_of);
        json_decref(sentinel);
    }
    assert_int_equal(metrics_key_valid(s->d->db, NULL), 0);
    static const char *const good[] = {"kg_public_place_share",       "stats_total:kg_children",
                                       "stats_total:building_area",   "schools_type:教学点",
                                       "safety_activity:灭火器",      "balanced_schools_passing:junior",
                                       "hazards_overdue",             NULL};
    for (int k = 0; good[k]; k++)
        assert_int_equal(metrics_key_valid(s->d->db, good[k]), 1);
    /* every registry entry without an argument is a key */
    int n = 0;
    for (const metric_def *d = metrics_registry; d->key; d++, n++) {
        assert_non_null(d->name);
        assert_non_null(d->module);
        assert_int_equal(metrics_key_valid(s->d->db, d->key), d->arg == NULL);
    }
    assert_int_equal(n, 16);
}

static json_t *list_item(json_t *items, const char *key)
{
    size_t i;
    json_t *item;
    json_array_foreach(items, i, item) {
        if (strcmp(json_string_value(json_object_get(item, "key")), key) == 0)
            return item;
    }
    fail_msg("%s not listed", key);
    return NULL;
}

static void test_list(void **state)
{
    mx_state *s = *state;
    json_t *items = NULL;
    assert_int_equal(metrics_list(s->d->db, s->path, s->path_hi, s->county, 2021, &items),
                     STORE_OK);
    for (const metric_def *d = metrics_registry; d->key; d++)
        if (!d->arg)
            list_item(items, d->key);
    for (int k = 0; schools_types[k]; k++) {
        char key[64];
        snprintf(key, sizeof key, "schools_type:%s", schools_types[k]);
        list_item(items, key);
    }
    for (int k = 0; safety_activity_kinds[k]; k++) {
        char key[64];
        snprintf(key, sizeof key, "safety_activity:%s", safety_activity_kinds[k]);
        list_item(items, key);
    }
    static const char *const stages[] = {"stats_total:primary_pupils", "stats_total:junior_pupils",
                                         "stats_total:senior_pupils",  "stats_total:kg_children",
                                         "stats_total:teachers_total", "balanced_schools_passing:primary",
                                         NULL};
    for (int k = 0; stages[k]; k++)
        list_item(items, stages[k]);
    /* each listed value is the metric's, with its name and unit */
    size_t i;
    json_t *item;
    json_array_foreach(items, i, item) {
        const char *key = json_string_value(json_object_get(item, "key"));
        assert_int_equal(metrics_key_valid(s->d->db, key), 1);
        assert_true(strlen(json_string_value(json_object_get(item, "name"))) > 0);
        assert_non_null(json_string_value(json_object_get(item, "unit")));
        assert_non_null(json_object_get(item, "as_of"));
        double v = mv(s, key, 2021, NULL);
        json_t *value = json_object_get(item, "value");
        if (isnan(v))
            assert_true(json_is_null(value));
        else
            assert_close(json_number_value(value), v);
    }
    item = list_item(items, "stats_total:primary_pupils");
    assert_string_equal(json_string_value(json_object_get(item, "name")), "小学在校生数");
    assert_string_equal(json_string_value(json_object_get(item, "unit")), "人");
    item = list_item(items, "kg_public_place_share");
    assert_string_equal(json_string_value(json_object_get(item, "unit")), "%");
    json_decref(items);
}

/* -------------------------------------------------------------- setup */

static int group_setup(void **state)
{
    if (password_init() != 0)
        return -1;
    mx_state *s = calloc(1, sizeof *s);
    if (!s)
        return -1;
    s->d = fx_demo_new("metrics", 2021, 1, 0);
    fx_scope county = fx_scope_of(s->d->db, "长葛市");
    s->county = county.id;
    snprintf(s->path, sizeof s->path, "%s", county.path);
    snprintf(s->path_hi, sizeof s->path_hi, "%s", county.path_hi);
    *state = s;
    return 0;
}

static int group_teardown(void **state)
{
    mx_state *s = *state;
    fx_demo_free(s->d);
    free(s);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kindergartens), cmocka_unit_test(test_kindergarten_nature),
        cmocka_unit_test(test_senior_places), cmocka_unit_test(test_stats_totals),
        cmocka_unit_test(test_schools),       cmocka_unit_test(test_hazards),
        cmocka_unit_test(test_activities),    cmocka_unit_test(test_balanced),
        cmocka_unit_test(test_keys),          cmocka_unit_test(test_list),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
