/*
 * test_eval_preschool.c - 学前普及普惠, 班额 and school sizes, the school
 * card (domain/eval_preschool.c, eval_size.c) and the evaluation's demo
 * data (eval_demo.c).
 *
 * Fixture: 长葛市 with three towns (大周镇, 建设路街道, 老城镇); four
 * kindergartens of 2021 (公办, 普惠性民办, 民办 recognised as 普惠 by its
 * record's kg_inclusive, 民办 oversize with crowded classes) and one with
 * a 2020 record only; a 城区 小学 over its capacity and its size, a 乡村
 * 小学, a 镇区 九年一贯制学校 over the combined size only, and a 高级中学
 * over the senior size. Every expected figure is computed here from the
 * tables below (the records are written from the same tables), by the
 * formulas of standards.md §2-3. The demo county: the seed's 18.7% public
 * kindergarten places of 2021 and a 毛入园率 between 85% and 95%.
 */
#include "fixture.h"

#include <math.h>

#include "domain/eval.h"
#include "util/arena.h"

#define YEAR 2021
enum { TOWN_A, TOWN_B, TOWN_C, NTOWNS };
static const char *const town_names[NTOWNS] = {"大周镇", "建设路街道", "老城镇"};
static const double town_population[NTOWNS] = {300, 500, 200}; /* C entered late */

/* A kindergarten: classes and children of 小班, 中班, 大班, 混合班. */
typedef struct kg_case {
    const char *code, *name, *nature, *area;
    int town, inclusive_flag, year;
    double classes[4], children[4], capacity, teachers;
} kg_case;

static const kg_case kgs[] = {
    {"4110000101",
     "大周镇中心幼儿园",
     "公办",
     "城区",
     TOWN_A,
     0,
     YEAR,
     {2, 2, 2, 0},
     {54, 58, 68, 0},
     240,
     12},
    {"4110000102",
     "大周镇小太阳幼儿园",
     "普惠性民办",
     "镇区",
     TOWN_A,
     0,
     YEAR,
     {1, 1, 1, 0},
     {20, 31, 35, 0},
     100,
     5},
    {"4110000103",
     "建设路街道馨蕾幼儿园",
     "民办",
     "城区",
     TOWN_B,
     1,
     YEAR,
     {0, 0, 0, 3},
     {0, 0, 0, 84},
     90,
     6},
    {"4110000104",
     "建设路街道博雅幼儿园",
     "民办",
     "城区",
     TOWN_B,
     0,
     YEAR,
     {0, 0, 4, 0},
     {0, 0, 400, 0},
     380,
     20},
    {"4110000105",
     "老城镇旧幼儿园",
     "公办",
     "乡村",
     TOWN_C,
     0,
     YEAR - 1,
     {1, 1, 1, 0},
     {20, 25, 30, 0},
     100,
     4},
};
#define NKGS ((int)(sizeof kgs / sizeof kgs[0]))
static const double kg_limits[4] = {25, 30, 35, 30}; /* 幼儿园工作规程 */
static const char *const kg_band_fields[4] = {"small", "middle", "large", "mixed"};

/* A school with stages: classes, pupils, 56-65 and 66+ classes of
 * primary, junior and senior. */
typedef struct school_case {
    const char *code, *name, *type, *area;
    int town;
    double st[3][4], capacity;
} school_case;

static const school_case schools[] = {
    {"4110000201",
     "建设路街道第一小学",
     "小学",
     "城区",
     TOWN_B,
     {{40, 2100, 3, 1}, {0}, {0}},
     1800},
    {"4110000202", "老城镇王庄小学", "小学", "乡村", TOWN_C, {{12, 300, 0, 0}, {0}, {0}}, 600},
    {"4110000203",
     "大周镇第一学校",
     "九年一贯制学校",
     "镇区",
     TOWN_A,
     {{30, 1500, 2, 0}, {22, 1100, 1, 0}, {0}},
     3000},
    {"4110000204",
     "长葛市第一高级中学",
     "高级中学",
     "城区",
     TOWN_B,
     {{0}, {0}, {60, 3100, 2, 0}},
     3200},
};
#define NSCHOOLS ((int)(sizeof schools / sizeof schools[0]))
static const char *const stage_keys[3] = {"primary", "junior", "senior"};

typedef struct fixture {
    fx_store st;
    store_db *db;
    fx_tree tree;
    int64_t towns[NTOWNS];
    int64_t kg_ids[NKGS], school_ids[NSCHOOLS];
    arena *a;
    eval_scope scope;
} fixture;

/* A school of nature and area in town, created as the command line. */
static int64_t make_school(store_db *db, int64_t town, const char *code, const char *name,
                           const char *type, const char *nature, const char *area)
{
    refusal e = {0};
    int64_t id = 0;
    json_t *rec = json_pack("{ss ss ss ss ss sI}", "code", code, "name", name, "type", type,
                            "nature", nature, "area", area, "town_id", (json_int_t)town);
    assert_non_null(rec);
    int rc = schools_create(db, NULL, NULL, rec, "1990-09-01", 0, &id, &e);
    json_decref(rec);
    if (rc != STORE_OK)
        fail_msg("schools_create %s: %d %s", code, rc, e.status ? e.message : db_errmsg(db));
    return id;
}

/* The record of school in year, approved; returns its id. */
static int64_t make_record(store_db *db, int64_t school, int year)
{
    int64_t id = 0;
    sval p[] = {SV_I(year), SV_I(school)};
    assert_int_equal(db_insert(db,
                               "INSERT INTO stat_records (school_id, year, path, school_type, "
                               "status, updated_at) SELECT id, ?, path, type, '已通过', 0 "
                               "FROM schools WHERE id = ? RETURNING id",
                               p, 2, &id),
                     STORE_OK);
    return id;
}

static void set_value(store_db *db, int64_t record, const char *field, double num)
{
    sval p[] = {SV_I(record), SV_T(field), SV_R(num)};
    assert_int_equal(
        db_exec(db, "INSERT INTO stat_values (record_id, field, num) VALUES (?, ?, ?)", p, 3),
        STORE_OK);
}

static void set_population(store_db *db, int64_t town, int year, double population)
{
    sval p[] = {SV_I(town), SV_I(year), SV_I((int64_t)population), SV_I(town)};
    assert_int_equal(db_exec(db,
                             "INSERT INTO eval_population (town_id, path, year, population, "
                             "source, updated_at) SELECT ?, path, ?, ?, '测试', 0 "
                             "FROM org_units WHERE id = ?",
                             p, 4),
                     STORE_OK);
}

static void make_kindergartens(fixture *f)
{
    char field[48];
    for (int i = 0; i < NKGS; i++) {
        const kg_case *k = &kgs[i];
        f->kg_ids[i] =
            make_school(f->db, f->towns[k->town], k->code, k->name, "幼儿园", k->nature, k->area);
        int64_t r = make_record(f->db, f->kg_ids[i], k->year);
        double classes = 0, children = 0;
        for (int b = 0; b < 4; b++) {
            snprintf(field, sizeof field, "kg_classes_%s", kg_band_fields[b]);
            set_value(f->db, r, field, k->classes[b]);
            snprintf(field, sizeof field, "kg_children_%s", kg_band_fields[b]);
            set_value(f->db, r, field, k->children[b]);
            classes += k->classes[b];
            children += k->children[b];
        }
        set_value(f->db, r, "kg_classes", classes);
        set_value(f->db, r, "kg_children", children);
        set_value(f->db, r, "kg_inclusive", k->inclusive_flag);
        set_value(f->db, r, "capacity", k->capacity);
        set_value(f->db, r, "teachers_total", k->teachers);
    }
}

static void make_schools(fixture *f)
{
    char field[48];
    static const char *const parts[4] = {"classes", "pupils", "classes_56_65", "classes_66plus"};
    for (int i = 0; i < NSCHOOLS; i++) {
        const school_case *k = &schools[i];
        f->school_ids[i] =
            make_school(f->db, f->towns[k->town], k->code, k->name, k->type, "公办", k->area);
        int64_t r = make_record(f->db, f->school_ids[i], YEAR);
        set_value(f->db, r, "capacity", k->capacity);
        for (int s = 0; s < 3; s++) {
            if (k->st[s][1] <= 0)
                continue;
            for (int c = 0; c < 4; c++) {
                snprintf(field, sizeof field, "%s_%s", stage_keys[s], parts[c]);
                set_value(f->db, r, field, k->st[s][c]);
            }
        }
    }
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->db = fx_store_open(&f->st, "evalkg");
    fx_county(f->db, &f->tree);
    for (int t = 0; t < NTOWNS; t++)
        f->towns[t] = fx_org(f->db, f->tree.county, "town", town_names[t],
                             t == TOWN_B ? "街道" : "乡镇", NULL);
    make_kindergartens(f);
    make_schools(f);
    set_population(f->db, f->towns[TOWN_A], YEAR, town_population[TOWN_A]);
    set_population(f->db, f->towns[TOWN_B], YEAR, town_population[TOWN_B]);
    /* the bureau's targets (one starts next year) and another county's */
    int64_t other = fx_org(f->db, f->tree.city, "county", "禹州市", NULL, NULL);
    sval p[] = {SV_I(f->tree.county), SV_I(f->tree.county), SV_I(other)};
    assert_int_equal(
        db_exec(
            f->db,
            "INSERT INTO eval_standards (indicator, stage, name, threshold, comparison, level, "
            "source, year_from, county_org_id) VALUES "
            "('public_place_share', 'kg', '公办学位占比', 0.55, '>=', '本局', '总结', 2021, ?), "
            "('public_place_share', 'kg', '公办学位占比', 0.25, '>=', '本局', '谋划', 2022, ?), "
            "('inclusive_coverage', 'kg', '普惠性覆盖率', 0.10, '>=', '本局', '他县', 2021, ?)",
            p, 3),
        STORE_OK);
    f->a = arena_new();
    assert_non_null(f->a);
    f->scope.path = f->tree.county_path;
    f->scope.path_hi = org_scope_upper(f->a, f->tree.county_path);
    f->scope.county_org_id = f->tree.county;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    arena_free(f->a);
    return fx_store_teardown(state);
}

/* ---------------------------------------------------------------- helpers */

static json_t *find_by(json_t *list, const char *key, const char *value)
{
    size_t i;
    json_t *item;
    json_array_foreach(list, i, item)
    {
        const char *v = json_string_value(json_object_get(item, key));
        if (v && strcmp(v, value) == 0)
            return item;
    }
    fail_msg("no %s = %s", key, value);
    return NULL;
}

static json_t *find_id(json_t *list, const char *key, int64_t id)
{
    size_t i;
    json_t *item;
    json_array_foreach(list, i, item)
    {
        if (json_integer_value(json_object_get(item, key)) == id)
            return item;
    }
    return NULL;
}

static double num(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    if (!json_is_number(v))
        fail_msg("%s is not a number", key);
    return json_number_value(v);
}

static void assert_near(double actual, double expected, double tolerance)
{
    if (!(fabs(actual - expected) <= tolerance))
        fail_msg("%.6f != %.6f", actual, expected);
}

/* The kindergarten totals of year, computed from the table. */
typedef struct kg_expect {
    double children, public_children, inclusive_children, places, public_places, teachers;
    double classes, classes_ok;
} kg_expect;

static kg_expect expect_kg(int year, int town)
{
    kg_expect x = {0};
    for (int i = 0; i < NKGS; i++) {
        const kg_case *k = &kgs[i];
        if (k->year != year || (town >= 0 && k->town != town))
            continue;
        double children = 0;
        for (int b = 0; b < 4; b++) {
            children += k->children[b];
            x.classes += k->classes[b];
            if (k->classes[b] > 0 && k->children[b] / k->classes[b] <= kg_limits[b])
                x.classes_ok += k->classes[b];
        }
        int pub = strcmp(k->nature, "公办") == 0;
        x.children += children;
        x.places += k->capacity;
        x.teachers += k->teachers;
        x.public_children += pub ? children : 0;
        x.public_places += pub ? k->capacity : 0;
        if (pub || strcmp(k->nature, "普惠性民办") == 0 || k->inclusive_flag)
            x.inclusive_children += children;
    }
    return x;
}

/* The standard of level among an indicator's standards, or NULL. */
static json_t *standard_of(json_t *indicator, const char *list, const char *level)
{
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(indicator, list), i, s)
    {
        if (strcmp(json_string_value(json_object_get(s, "level")), level) == 0)
            return s;
    }
    return NULL;
}

/* ------------------------------------------------------------ 学前普及普惠 */

static void test_preschool_indicators(void **state)
{
    fixture *f = *state;
    kg_expect x = expect_kg(YEAR, -1);
    json_t *out = NULL;
    assert_int_equal(eval_preschool(f->db, &f->scope, YEAR, EVAL_DETAIL, &out), STORE_OK);
    json_t *list = json_object_get(out, "indicators");
    assert_int_equal(json_array_size(list), 6);

    /* 老城镇 has no population: no 毛入园率, no verdict on it */
    json_t *gross = find_by(list, "key", "gross_enrollment");
    assert_true(json_is_null(json_object_get(gross, "value")));
    assert_true(json_is_null(json_object_get(gross, "pass")));
    assert_near(num(gross, "numerator"), x.children, 0);
    json_t *missing = json_object_get(out, "missing_population");
    assert_int_equal(json_array_size(missing), 1);
    assert_string_equal(json_string_value(json_array_get(missing, 0)), "老城镇");

    json_t *inclusive = find_by(list, "key", "inclusive_coverage");
    assert_near(num(inclusive, "value"), x.inclusive_children / x.children, 1e-4);
    assert_near(num(inclusive, "numerator"), 84 + 86 + 180, 0); /* by hand */
    assert_near(num(inclusive, "denominator"), x.children, 0);
    assert_false(
        json_is_true(json_object_get(standard_of(inclusive, "standards", "国家"), "pass")));
    assert_true(json_is_false(json_object_get(inclusive, "pass")));
    /* another county's target is not ours */
    assert_int_equal(json_array_size(json_object_get(inclusive, "targets")), 0);

    json_t *pub = find_by(list, "key", "public_enrollment_share");
    assert_near(num(pub, "value"), x.public_children / x.children, 1e-4);
    assert_near(num(pub, "value"), 180.0 / 750, 1e-4);

    json_t *places = find_by(list, "key", "public_place_share");
    assert_near(num(places, "value"), x.public_places / x.places, 1e-4);
    assert_int_equal(json_array_size(json_object_get(places, "standards")), 0);
    assert_true(json_is_null(json_object_get(places, "pass")));
    /* both targets: the one of this year and the one starting next year */
    json_t *targets = json_object_get(places, "targets");
    assert_int_equal(json_array_size(targets), 2);
    size_t i;
    json_t *t;
    json_array_foreach(targets, i, t)
    {
        double threshold = num(t, "threshold");
        assert_int_equal(json_is_true(json_object_get(t, "pass")),
                         x.public_places / x.places >= threshold);
        assert_string_equal(json_string_value(json_object_get(t, "level")), "本局");
    }

    json_t *ratio = find_by(list, "key", "teacher_child_ratio");
    assert_near(num(ratio, "value"), x.children / x.teachers, 0.005);
    assert_true(json_is_false(json_object_get(ratio, "pass"))); /* 750 / 43 > 15 */
    assert_near(num(standard_of(ratio, "standards", "国家"), "threshold"), 15, 0);

    json_t *classes = find_by(list, "key", "class_size_compliance");
    assert_near(num(classes, "numerator"), x.classes_ok, 0);
    assert_near(num(classes, "denominator"), x.classes, 0);
    assert_near(num(classes, "value"), 9.0 / 16, 1e-4); /* by hand */
    assert_true(json_is_false(json_object_get(classes, "pass")));

    assert_true(json_is_false(json_object_get(out, "pass")));
    json_decref(out);

    /* the population of 老城镇 entered: 毛入园率 over all three towns */
    set_population(f->db, f->towns[TOWN_C], YEAR, town_population[TOWN_C]);
    assert_int_equal(eval_preschool(f->db, &f->scope, YEAR, EVAL_DETAIL, &out), STORE_OK);
    gross = find_by(json_object_get(out, "indicators"), "key", "gross_enrollment");
    double population = town_population[0] + town_population[1] + town_population[2];
    assert_near(num(gross, "value"), x.children / population, 1e-4);
    assert_near(num(gross, "denominator"), population, 0);
    assert_false(json_is_true(json_object_get(standard_of(gross, "standards", "国家"), "pass")));
    assert_int_equal(json_array_size(json_object_get(out, "missing_population")), 0);
    json_decref(out);
    sval p[] = {SV_I(f->towns[TOWN_C])};
    assert_int_equal(db_exec(f->db, "DELETE FROM eval_population WHERE town_id = ?", p, 1),
                     STORE_OK);
}

static void test_preschool_rows(void **state)
{
    fixture *f = *state;
    json_t *out = NULL;
    assert_int_equal(eval_preschool(f->db, &f->scope, YEAR, EVAL_DETAIL, &out), STORE_OK);
    json_t *towns = json_object_get(out, "towns");
    assert_int_equal(json_array_size(towns), NTOWNS);
    for (int t = 0; t < NTOWNS; t++) {
        json_t *row = find_id(towns, "town_id", f->towns[t]);
        kg_expect x = expect_kg(YEAR, t);
        assert_non_null(row);
        assert_near(num(row, "children"), x.children, 0);
        assert_near(num(row, "public_children"), x.public_children, 0);
        assert_near(num(row, "inclusive_children"), x.inclusive_children, 0);
        assert_near(num(row, "places"), x.places, 0);
        assert_near(num(row, "public_places"), x.public_places, 0);
        if (t == TOWN_C) {
            assert_true(json_is_null(json_object_get(row, "population")));
            assert_true(json_is_null(json_object_get(row, "gross_enrollment")));
        } else {
            assert_near(num(row, "gross_enrollment"), x.children / town_population[t], 1e-4);
        }
    }

    json_t *kgrows = json_object_get(out, "kindergartens");
    assert_int_equal(json_array_size(kgrows), NKGS - 1); /* one has no 2021 record */
    assert_null(find_id(kgrows, "school_id", f->kg_ids[4]));
    for (int i = 0; i < NKGS - 1; i++) {
        const kg_case *k = &kgs[i];
        json_t *row = find_id(kgrows, "school_id", f->kg_ids[i]);
        double children = 0;
        assert_non_null(row);
        for (int b = 0; b < 4; b++) {
            children += k->children[b];
            json_t *band = NULL, *item;
            size_t j;
            json_array_foreach(json_object_get(row, "classes"), j, item)
            {
                if (strcmp(json_string_value(json_object_get(item, "band")), kg_band_fields[b]) ==
                    0)
                    band = item;
            }
            if (k->classes[b] <= 0) {
                assert_null(band);
                continue;
            }
            assert_non_null(band);
            double average = k->children[b] / k->classes[b];
            assert_near(num(band, "average"), average, 0.05);
            assert_near(num(band, "limit"), kg_limits[b], 0);
            assert_int_equal(json_is_true(json_object_get(band, "ok")), average <= kg_limits[b]);
        }
        int inclusive = strcmp(k->nature, "民办") != 0 || k->inclusive_flag;
        assert_int_equal(json_is_true(json_object_get(row, "inclusive")), inclusive);
        assert_near(num(row, "children"), children, 0);
        assert_near(num(row, "children_per_teacher"), children / k->teachers, 0.05);
        assert_int_equal(json_is_true(json_object_get(row, "oversize")), children > 360);
    }
    /* the 民办 with kg_inclusive = 1 counts as 普惠; the oversize one */
    assert_true(
        json_is_true(json_object_get(find_id(kgrows, "school_id", f->kg_ids[2]), "inclusive")));
    assert_true(
        json_is_true(json_object_get(find_id(kgrows, "school_id", f->kg_ids[3]), "oversize")));
    json_decref(out);

    /* the totals the metric registry reads agree */
    eval_kg_totals totals;
    kg_expect x = expect_kg(YEAR, -1);
    assert_int_equal(eval_kg_totals_load(f->db, &f->scope, YEAR, &totals), STORE_OK);
    assert_int_equal(totals.kindergartens, NKGS - 1);
    assert_near(totals.children, x.children, 0);
    assert_near(totals.inclusive_children, x.inclusive_children, 0);
    assert_near(totals.public_places, x.public_places, 0);
    assert_near(totals.classes, x.classes, 0);
    assert_int_equal(totals.towns, NTOWNS);
    assert_int_equal(totals.towns_with_population, 2);
}

/* ------------------------------------------------------------------ 班额 */

static void test_class_size(void **state)
{
    fixture *f = *state;
    json_t *out = NULL;
    assert_int_equal(eval_class_size(f->db, &f->scope, YEAR, &out), STORE_OK);
    json_t *stages = json_object_get(out, "stages");
    assert_int_equal(json_array_size(stages), 3);
    for (int s = 0; s < 3; s++) {
        double c[4] = {0};
        for (int i = 0; i < NSCHOOLS; i++)
            for (int j = 0; j < 4; j++)
                c[j] += schools[i].st[s][j];
        json_t *row = find_by(stages, "stage", stage_keys[s]);
        assert_near(num(row, "classes"), c[0], 0);
        assert_near(num(row, "pupils"), c[1], 0);
        assert_near(num(row, "average"), c[1] / c[0], 0.05);
        assert_near(num(row, "large"), c[2], 0);
        assert_near(num(row, "huge"), c[3], 0);
        assert_near(num(row, "large_share"), c[2] / c[0], 1e-4);
        assert_near(num(row, "huge_share"), c[3] / c[0], 1e-4);
    }
    /* 小学 has a 66+ class (threshold 0); 初中 1 of 22 under 5%; 高中 none of 56+ allowed */
    assert_true(json_is_false(json_object_get(find_by(stages, "stage", "primary"), "pass")));
    assert_true(json_is_true(json_object_get(find_by(stages, "stage", "junior"), "pass")));
    assert_true(json_is_false(json_object_get(find_by(stages, "stage", "senior"), "pass")));
    assert_near(num(find_by(stages, "stage", "junior"), "large_threshold"), 0.05, 0);

    /* over capacity: the 城区 小学 (2100 / 1800) before the 民办 kindergarten (400 / 380) */
    json_t *over = json_object_get(out, "over_capacity");
    assert_int_equal(json_array_size(over), 2);
    json_t *first = json_array_get(over, 0), *second = json_array_get(over, 1);
    assert_int_equal(json_integer_value(json_object_get(first, "school_id")), f->school_ids[0]);
    assert_near(num(first, "excess"), 2100 - 1800, 0);
    assert_near(num(first, "occupancy"), 2100.0 / 1800, 1e-4);
    assert_int_equal(json_integer_value(json_object_get(second, "school_id")), f->kg_ids[3]);
    assert_near(num(second, "excess"), 20, 0);

    /* over size: 小学 2100 > 2000; 九年一贯制 1500 + 1100 > 2500 (neither part alone
     * over 2000); 高中 3100 > 3000 */
    json_t *size = json_object_get(out, "over_size");
    assert_int_equal(json_array_size(size), 3);
    json_t *primary = find_id(size, "school_id", f->school_ids[0]);
    json_t *nine = find_id(size, "school_id", f->school_ids[2]);
    json_t *high = find_id(size, "school_id", f->school_ids[3]);
    assert_non_null(primary);
    assert_non_null(nine);
    assert_non_null(high);
    assert_near(num(primary, "limit"), 2000, 0);
    assert_string_equal(json_string_value(json_object_get(nine, "stage")), "combined");
    assert_near(num(nine, "pupils"), 2600, 0);
    assert_near(num(nine, "limit"), 2500, 0);
    assert_near(num(high, "limit"), 3000, 0);

    /* by area: the 镇区 初中 gets the 九年一贯制 capacity split by its pupils */
    json_t *by_area = json_object_get(out, "by_area");
    json_t *town_junior = NULL, *item;
    size_t i;
    json_array_foreach(by_area, i, item)
    {
        if (strcmp(json_string_value(json_object_get(item, "area")), "镇区") == 0 &&
            strcmp(json_string_value(json_object_get(item, "stage")), "junior") == 0)
            town_junior = item;
    }
    assert_non_null(town_junior);
    assert_near(num(town_junior, "capacity"), round(3000.0 * 1100 / 2600), 0);
    assert_near(num(town_junior, "occupancy"), 2600.0 / 3000, 1e-4);

    /* by town: 老城镇's 小学 */
    json_t *by_town = json_object_get(out, "by_town");
    json_t *c_primary = NULL;
    json_array_foreach(by_town, i, item)
    {
        if (json_integer_value(json_object_get(item, "town_id")) == f->towns[TOWN_C] &&
            strcmp(json_string_value(json_object_get(item, "stage")), "primary") == 0)
            c_primary = item;
    }
    assert_non_null(c_primary);
    assert_near(num(c_primary, "classes"), 12, 0);
    assert_near(num(c_primary, "average"), 25, 0);

    /* crowding: 城区 52.5 per class and 117% full, 乡村 25.0 and 50% */
    json_t *crowding = json_object_get(out, "crowding");
    assert_near(num(json_object_get(crowding, "城区"), "average"), 2100.0 / 40, 0.05);
    assert_near(num(json_object_get(crowding, "乡村"), "occupancy"), 300.0 / 600, 1e-4);
    const char *text = json_string_value(json_object_get(crowding, "text"));
    assert_non_null(strstr(text, "城区平均班额 52.5 人，乡村 25.0 人"));
    assert_non_null(strstr(text, "城区学位使用率 117%，乡村 50%"));
    json_decref(out);
}

/* --------------------------------------------------------------- the card */

static void test_card(void **state)
{
    fixture *f = *state;
    json_t *out = NULL;
    assert_int_equal(eval_school_card(f->db, f->kg_ids[3], YEAR, &out), STORE_OK);
    json_t *kg = json_object_get(out, "kindergarten");
    assert_int_equal(json_integer_value(json_object_get(kg, "school_id")), f->kg_ids[3]);
    assert_true(json_is_true(json_object_get(kg, "oversize")));
    assert_int_equal(json_array_size(json_object_get(out, "parts")), 0);
    assert_true(json_is_true(json_object_get(json_object_get(out, "size"), "over_capacity")));
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(out, "school"), "record_status")),
        "已通过");
    json_decref(out);

    /* the high school: no compulsory part, over its size */
    assert_int_equal(eval_school_card(f->db, f->school_ids[3], 0, &out), STORE_OK);
    assert_int_equal(json_integer_value(json_object_get(out, "year")), YEAR);
    assert_true(json_is_null(json_object_get(out, "kindergarten")));
    json_t *size = json_object_get(out, "size");
    assert_int_equal(json_array_size(json_object_get(size, "over_size")), 1);
    assert_near(num(json_array_get(json_object_get(size, "stages"), 0), "pupils"), 3100, 0);
    json_decref(out);

    /* the 城区 小学: its 优质均衡 part (no teacher or room entered: 0 met) and
     * its failed guarantee items, a 66+ class and 2100 pupils */
    assert_int_equal(eval_school_card(f->db, f->school_ids[0], YEAR, &out), STORE_OK);
    json_t *parts = json_object_get(out, "parts");
    assert_int_equal(json_array_size(parts), 1);
    json_t *part = json_array_get(parts, 0);
    assert_string_equal(json_string_value(json_object_get(part, "stage")), "primary");
    assert_near(num(part, "pupils"), 2100, 0);
    assert_true(json_is_false(json_object_get(part, "pass")));
    assert_near(num(json_object_get(part, "thresholds"), "pe_art_teachers"), 0.9, 0);
    json_t *guarantee = json_object_get(out, "guarantee");
    assert_true(
        json_is_false(json_object_get(find_by(guarantee, "key", "class_size_max"), "pass")));
    assert_true(
        json_is_false(json_object_get(find_by(guarantee, "key", "school_size_max"), "pass")));
    json_decref(out);

    /* the 九年一贯制: two parts */
    assert_int_equal(eval_school_card(f->db, f->school_ids[2], YEAR, &out), STORE_OK);
    assert_int_equal(json_array_size(json_object_get(out, "parts")), 2);
    json_decref(out);

    /* no record of the year, no such school */
    assert_int_equal(eval_school_card(f->db, f->kg_ids[4], YEAR, &out), STORE_NOTFOUND);
    assert_null(out);
    assert_int_equal(eval_school_card(f->db, 999999, YEAR, &out), STORE_NOTFOUND);
    assert_null(out);
}

/* -------------------------------------------------------------- the demo */

static void test_demo(void **state)
{
    (void)state;
    fx_store *st = fx_demo_new("evaldemo", 20211, 1, 0);
    fx_scope county = fx_scope_of(st->db, "长葛市");
    eval_scope scope = {county.path, county.path_hi, county.id};

    /* every town has its population of each demo year */
    int64_t towns = fx_num(st->db, "SELECT COUNT(*) FROM org_units WHERE level = 'town'");
    assert_true(towns > 0);
    assert_int_equal(fx_num(st->db, "SELECT COUNT(*) FROM eval_population"), 3 * towns);
    assert_int_equal(fx_num(st->db, "SELECT COUNT(*) FROM eval_standards WHERE level = '本局'"), 3);
    assert_int_equal(fx_num(st->db, "SELECT COUNT(*) FROM audit_log WHERE entity = 'eval'"), 1);

    json_t *out = NULL;
    assert_int_equal(eval_preschool(st->db, &scope, 2021, EVAL_DETAIL, &out), STORE_OK);
    json_t *list = json_object_get(out, "indicators");
    json_t *places = find_by(list, "key", "public_place_share");
    assert_near(num(places, "value"), 0.187, 0.0005); /* the seed's 18.7% */
    assert_near(num(places, "value"), num(places, "numerator") / num(places, "denominator"), 1e-4);
    assert_int_equal(json_array_size(json_object_get(places, "targets")), 2);
    json_t *gross = find_by(list, "key", "gross_enrollment");
    assert_true(num(gross, "value") >= 0.85 && num(gross, "value") <= 0.95);
    assert_int_equal(json_array_size(json_object_get(out, "missing_population")), 0);
    json_decref(out);

    /* 2022's targets are in force from 2022: 25% replaces 55% */
    json_t *standards = NULL;
    assert_int_equal(eval_standards_in_force(st->db, 2022, scope.county_org_id, &standards),
                     STORE_OK);
    assert_near(eval_standard_threshold(standards, "public_place_share", "kg", "本局"), 0.25, 0);
    assert_near(eval_standard_threshold(standards, "inclusive_coverage", "kg", "本局"), 0.90, 0);
    json_decref(standards);

    /* the crowding of the seed: 城区 classes fuller than 乡村 */
    assert_int_equal(eval_class_size(st->db, &scope, 2021, &out), STORE_OK);
    json_t *crowding = json_object_get(out, "crowding");
    assert_true(num(json_object_get(crowding, "城区"), "average") >
                num(json_object_get(crowding, "乡村"), "average"));
    json_decref(out);

    fx_demo_free(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_preschool_indicators),
        cmocka_unit_test(test_preschool_rows),
        cmocka_unit_test(test_class_size),
        cmocka_unit_test(test_card),
        cmocka_unit_test(test_demo),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
