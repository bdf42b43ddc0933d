/*
 * test_eval.c - 义务教育优质均衡 (domain/eval_calc.c, eval_standards.c,
 * eval_balanced.c): the weighted 差异系数 of the worked example of
 * standards.md §1.2 (0.335822, not the unweighted 0.420244), the stage
 * split of a 九年一贯制 school, the 6-of-7 and 85% rule at its edges, the
 * shortfalls in the planner's units, the standards in force for a year and
 * a county; then eval_balanced on a small county computed by hand (values,
 * CVs, verdicts, exclusions of 特殊教育学校 and 教学点 under 50 pupils, the
 * 政府保障 items), a what-if that makes a school pass and moves the CV,
 * every refusal of a bad change, and the demo county's 2021 picture.
 *
 * Fixture: 河南省 > 许昌市 > 长葛市 > 大周镇 with
 *   A 小学 500 pupils, 6 of 7 met, PE/art at 0.8 of 0.9 (88.9%: passes)
 *   B 小学 400 pupils, 4 of 7 met (fails); 1 music and 0 art rooms
 *   C 九年一贯制学校 600 primary + 400 junior pupils, all met
 *   D 教学点 49 pupils (excluded), E 教学点 50 pupils (evaluated)
 *   F 特殊教育学校 80 primary pupils (excluded)
 *   G 小学 without a 2021 record; H 小学 of another county (建安区).
 */
#include <math.h>

#include "fixture.h"

#include "domain/eval.h"
#include "domain/stats.h"
#include "util/arena.h"

/* |a - b| <= eps, both shown when not. */
#define assert_near(a, b, eps)                                                                     \
    do {                                                                                           \
        double a_ = (a), b_ = (b);                                                                 \
        if (!(fabs(a_ - b_) <= (eps)))                                                             \
            fail_msg("%s = %.12g, expected %.12g", #a, a_, b_);                                    \
    } while (0)

/* ------------------------------------------------------------ arithmetic */

/* The CV as one would compute it by hand, for comparison. */
static double hand_cv(const double *x, const double *p, size_t n)
{
    double P = 0, sum = 0, var = 0;
    for (size_t i = 0; i < n; i++)
        P += p[i], sum += p[i] * x[i];
    double mean = sum / P;
    for (size_t i = 0; i < n; i++)
        var += p[i] / P * (x[i] - mean) * (x[i] - mean);
    return sqrt(var) / mean;
}

static void test_weighted_cv(void **state)
{
    (void)state;
    /* standards.md §1.2: PE/art teachers per 100 pupils of five schools */
    double pupils[] = {1200, 800, 450, 300, 150};
    double teachers[] = {9, 8, 6, 2, 3};
    double x[5], mean = 0, sd = 0;
    for (int i = 0; i < 5; i++)
        x[i] = 100 * teachers[i] / pupils[i];
    double cv = eval_weighted_cv(x, pupils, 5, &mean, &sd);
    assert_near(cv, 0.335822, 1e-6);
    assert_near(mean, 0.965517, 1e-6);
    assert_near(sd, 0.324242, 1e-6);
    /* the mean is the county's teachers over its pupils */
    assert_near(mean, 100.0 * 28 / 2900, 1e-12);

    /* not the unweighted CV of the same values (0.421039 with the population
     * SD; standards.md quotes 0.420244 for it) */
    double ones[] = {1, 1, 1, 1, 1};
    double unweighted = eval_weighted_cv(x, ones, 5, NULL, NULL);
    assert_near(unweighted, 0.421039, 1e-6);
    assert_true(fabs(cv - unweighted) > 0.08 && fabs(cv - 0.420244) > 0.08);

    /* every value equal: exactly 0; nothing, no pupils, a zero mean: NAN */
    double same[] = {2.3, 2.3, 2.3};
    assert_true(eval_weighted_cv(same, pupils, 3, &mean, NULL) == 0);
    assert_near(mean, 2.3, 0);
    assert_true(isnan(eval_weighted_cv(x, pupils, 0, NULL, NULL)));
    double none[] = {0, 0, 0};
    assert_true(isnan(eval_weighted_cv(x, none, 3, NULL, NULL)));
    assert_true(isnan(eval_weighted_cv(none, pupils, 3, NULL, NULL)));
}

static void test_stage_shares(void **state)
{
    (void)state;
    double shares[EVAL_NSTAGES];
    /* 九年一贯制 (1 : 1.1): 600 primary, 400 junior */
    eval_stage_shares((double[]){600, 400, 0}, (double[]){1, 1.1, 0}, shares);
    assert_near(shares[EVAL_PRIMARY], 600.0 / (600 + 440), 1e-12);
    assert_near(shares[EVAL_JUNIOR], 440.0 / (600 + 440), 1e-12);
    assert_true(shares[EVAL_SENIOR] == 0);
    /* 十二年一贯制 (1 : 1.1 : 1.32) */
    eval_stage_shares((double[]){300, 200, 100}, (double[]){1, 1.1, 1.32}, shares);
    assert_near(shares[EVAL_SENIOR], 132.0 / (300 + 220 + 132), 1e-12);
    assert_near(shares[0] + shares[1] + shares[2], 1, 1e-12);
    /* one stage with pupils: all of it; none: nothing */
    eval_stage_shares((double[]){0, 400, 0}, (double[]){1, 1.1, 0}, shares);
    assert_true(shares[EVAL_JUNIOR] == 1 && shares[EVAL_PRIMARY] == 0);
    eval_stage_shares((double[]){0, 0, 0}, (double[]){1, 1.1, 0}, shares);
    assert_true(shares[0] == 0 && shares[1] == 0 && shares[2] == 0);
}

/* The primary thresholds of the standard. */
static const double primary_thresholds[EVAL_NINDICATORS] = {4.2, 1.0, 0.9, 4.5, 7.5, 2000, 2.3};

static void test_verdict(void **state)
{
    (void)state;
    int met[EVAL_NINDICATORS], count = 0;
    double v[EVAL_NINDICATORS];

    /* exactly at every threshold, computed as the inspector would: meets */
    v[0] = 100.0 * 21 / 500;                 /* 4.2 */
    v[1] = (0.1 + 0.2) * 10 / 3;             /* 1.0000000000000002 */
    v[2] = 0.3 * 3;                          /* 0.8999999999999999 */
    v[3] = 4.5, v[4] = 7.5, v[5] = 2000;
    v[6] = 100 * (0.7 * 23) / 700;           /* 2.3 by a longer road */
    assert_true(v[2] < 0.9);                 /* the trap is real */
    assert_int_equal(eval_school_verdict(v, primary_thresholds, 6, 0.85, met, &count), 1);
    assert_int_equal(count, 7);

    /* one unmet at 85% passes (0.765 of 0.9, computed with noise) */
    v[2] = 0.9 * 0.85;
    assert_int_equal(eval_school_verdict(v, primary_thresholds, 6, 0.85, met, &count), 1);
    assert_int_equal(count, 6);
    assert_int_equal(met[2], 0);
    /* at 84.9% fails */
    v[2] = 0.9 * 0.849;
    assert_int_equal(eval_school_verdict(v, primary_thresholds, 6, 0.85, met, &count), 0);
    assert_int_equal(count, 6);
    /* two unmet fail, however close */
    v[2] = 0.89, v[3] = 4.49;
    assert_int_equal(eval_school_verdict(v, primary_thresholds, 6, 0.85, met, &count), 0);
    assert_int_equal(count, 5);
    /* two unmet pass when the standard asks 5 of 7 */
    assert_int_equal(eval_school_verdict(v, primary_thresholds, 5, 0.85, met, &count), 1);
    /* NAN never meets */
    v[2] = 0.9, v[3] = NAN;
    assert_int_equal(eval_school_verdict(v, primary_thresholds, 6, 0.85, met, &count), 0);
    assert_int_equal(count, 6);
}

static void test_shortfall(void **state)
{
    (void)state;
    /* 0.8 per 100 of 500 pupils against 0.9: half a teacher, so 1 */
    assert_true(eval_shortfall(EVAL_PE_ART_TEACHERS, 0.8, 0.9, 500) == 1);
    /* 3.8 of 4.2 at 500 pupils: exactly 2, not 3 for the noise */
    assert_true(eval_shortfall(EVAL_QUALIFIED_TEACHERS, 3.8, 4.2, 500) == 2);
    assert_true(eval_shortfall(EVAL_MULTIMEDIA_ROOMS, 2.0, 2.3, 700) == 3); /* 2.1 -> 3 */
    /* m² to one decimal, rounded up */
    assert_near(eval_shortfall(EVAL_TEACHING_AREA, 4.0, 4.5, 700), 350, 1e-9);
    assert_near(eval_shortfall(EVAL_SPORTS_AREA, 7.0, 7.5, 333), 166.5, 1e-9);
    assert_near(eval_shortfall(EVAL_SPORTS_AREA, 7.0, 7.50001, 333), 166.6, 1e-9);
    /* 元 whole */
    assert_near(eval_shortfall(EVAL_EQUIPMENT_VALUE, 1520.25, 2000, 1000), 479750, 1e-9);
    /* met, or at the threshold: nothing */
    assert_true(eval_shortfall(EVAL_PE_ART_TEACHERS, 0.3 * 3, 0.9, 500) == 0);
    assert_true(eval_shortfall(EVAL_KEY_TEACHERS, 1.5, 1.0, 500) == 0);
}

static void test_compare(void **state)
{
    (void)state;
    assert_true(eval_compare(0.3 * 3, ">=", 0.9));
    assert_false(eval_compare(0.899, ">=", 0.9));
    assert_true(eval_compare(0.5 + 1e-12, "<=", 0.5));
    assert_false(eval_compare(0.51, "<=", 0.5));
    assert_true(eval_compare(49, "<", 50));
    assert_false(eval_compare(50, "<", 50));
    assert_false(eval_compare(50, ">", 50));
    assert_true(eval_compare(51, ">", 50));
    assert_false(eval_compare(NAN, ">=", 0));
    assert_false(eval_compare(1, "=", 1));
}

/* --------------------------------------------------------------- fixture */

typedef struct fixture {
    fx_store st;
    store_db *db;
    fx_tree tree;
    int64_t a, b, c, d, e, f, g, h, other_county;
    char county_hi[48];
    eval_scope scope;
} fixture;

/* Saves the 2021 record of school from "key=value key=value ...". */
static void save(fixture *f, int64_t school, const char *spec)
{
    json_t *values = json_object();
    char key[64];
    double num;
    int used;
    refusal e = {0};
    for (const char *s = spec; sscanf(s, " %63[^=]=%lf%n", key, &num, &used) == 2; s += used)
        json_object_set_new(values, key,
                            num == floor(num) ? json_integer((json_int_t)num) : json_real(num));
    int rc = stats_record_save(f->db, NULL, NULL, school, 2021, values, NULL, 0, &e);
    if (rc != STORE_OK)
        fail_msg("save %lld: %d %s %s", (long long)school, rc, e.field ? e.field : "",
                 e.message ? e.message : db_errmsg(f->db));
    json_decref(values);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->db = fx_store_open(&f->st, "eval");
    fx_tree_build(f->db, &f->tree);
    int64_t t = f->tree.town;
    f->a = fx_school(f->db, t, "4110000001", "甲小学", "小学", NULL);
    f->b = fx_school(f->db, t, "4110000002", "乙小学", "小学", NULL);
    f->c = fx_school(f->db, t, "4110000003", "丙学校", "九年一贯制学校", NULL);
    f->d = fx_school(f->db, t, "4110000004", "丁教学点", "教学点", NULL);
    f->e = fx_school(f->db, t, "4110000005", "戊教学点", "教学点", NULL);
    f->f = fx_school(f->db, t, "4110000006", "己特殊教育学校", "特殊教育学校", NULL);
    f->g = fx_school(f->db, t, "4110000007", "庚小学", "小学", NULL);
    f->other_county = fx_org(f->db, f->tree.city, "county", "建安区", NULL, NULL);
    int64_t other_town = fx_org(f->db, f->other_county, "town", "五女店镇", "乡镇", NULL);
    f->h = fx_school(f->db, other_town, "4110000008", "辛小学", "小学", NULL);

    save(f, f->a,
         "primary_pupils=500 primary_classes=12 teachers_bachelor=15 teachers_college=6 "
         "teachers_key=5 teachers_pe=2 teachers_music=1 teachers_art=1 teaching_area=2500 "
         "sports_ground_area=3500 gym_area=500 equipment_value=1100000 multimedia_rooms=12 "
         "music_rooms=1 art_rooms=1");
    save(f, f->b,
         "primary_pupils=400 primary_classes=10 teachers_bachelor=10 teachers_college=4 "
         "teachers_key=2 teachers_pe=2 teachers_music=1 teachers_art=1 teaching_area=1600 "
         "sports_ground_area=3200 equipment_value=900000 multimedia_rooms=10 music_rooms=1 "
         "art_rooms=0");
    save(f, f->c,
         "primary_pupils=600 junior_pupils=400 primary_classes=14 junior_classes=9 "
         "teachers_postgrad=2 teachers_bachelor=40 teachers_college=10 teachers_key=12 "
         "teachers_pe=5 teachers_music=3 teachers_art=3 teaching_area=6000 "
         "sports_ground_area=10000 equipment_value=2600000 multimedia_rooms=30 music_rooms=2 "
         "art_rooms=2");
    save(f, f->d, "primary_pupils=49 primary_classes=3 teachers_college=3 teachers_key=1");
    save(f, f->e,
         "primary_pupils=50 primary_classes=3 teachers_college=3 teachers_key=1 teachers_pe=1 "
         "teaching_area=300 sports_ground_area=500 equipment_value=120000 multimedia_rooms=2 "
         "music_rooms=1 art_rooms=1");
    save(f, f->f, "primary_pupils=80 junior_pupils=40 primary_classes=8 teachers_college=20");
    save(f, f->h, "primary_pupils=300 primary_classes=8 teachers_college=10");

    snprintf(f->county_hi, sizeof f->county_hi, "%s", f->tree.county_path);
    f->county_hi[strlen(f->county_hi) - 1] = '0';
    f->scope = (eval_scope){f->tree.county_path, f->county_hi, f->tree.county};
    *state = f;
    return 0;
}

/* The entry of "schools" with school_id, or fails. */
static json_t *school_of(json_t *out, int64_t id)
{
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(out, "schools"), i, s) if (
        json_integer_value(json_object_get(s, "school_id")) == id) return s;
    fail_msg("school %lld not in the evaluation", (long long)id);
    return NULL;
}

static json_t *indicator_of(json_t *out, const char *key)
{
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(out, "indicators"), i, s) if (
        strcmp(json_string_value(json_object_get(s, "key")), key) == 0) return s;
    fail_msg("indicator %s missing", key);
    return NULL;
}

static json_t *guarantee_of(json_t *out, const char *key)
{
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(out, "guarantee"), i, s) if (
        strcmp(json_string_value(json_object_get(s, "key")), key) == 0) return s;
    fail_msg("guarantee %s missing", key);
    return NULL;
}

static double num(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_number(v))
        fail_msg("%s is not a number", key);
    return json_number_value(v);
}

static double value_of(json_t *school, const char *key)
{
    return num(json_object_get(school, "values"), key);
}

static json_t *run(fixture *f, const char *stage, json_t *changes)
{
    json_t *out = NULL;
    refusal e = {0};
    int rc = eval_balanced(f->db, &f->scope, 2021, stage, changes, EVAL_DETAIL, &out, &e);
    if (rc != STORE_OK)
        fail_msg("eval_balanced: %d %s %s", rc, e.field ? e.field : "",
                 e.message ? e.message : db_errmsg(f->db));
    return out;
}

/* ----------------------------------------------------------- standards */

static void test_standards(void **state)
{
    fixture *f = *state;
    json_t *std = NULL;
    char sql[600];

    assert_int_equal(eval_standards_in_force(f->db, 2021, f->tree.county, &std), STORE_OK);
    assert_near(eval_standard_threshold(std, "pe_art_teachers", "primary", NULL), 0.9, 0);
    assert_near(eval_standard_threshold(std, "sports_area", "junior", "国家"), 10.2, 0);
    assert_near(eval_standard_threshold(std, "gross_enrollment", "kg", "河南省"), 0.9, 0);
    assert_true(isnan(eval_standard_threshold(std, "pe_art_teachers", "primary", "本局")));
    assert_true(isnan(eval_standard_threshold(std, "nothing", "primary", NULL)));
    json_decref(std);

    /* Henan's 2025 target replaces its 2021 one from 2025 on, not before */
    assert_int_equal(eval_standards_in_force(f->db, 2024, 0, &std), STORE_OK);
    assert_near(eval_standard_threshold(std, "gross_enrollment", "kg", "河南省"), 0.9, 0);
    json_decref(std);
    assert_int_equal(eval_standards_in_force(f->db, 2025, 0, &std), STORE_OK);
    assert_near(eval_standard_threshold(std, "gross_enrollment", "kg", "河南省"), 0.93, 0);
    json_decref(std);
    /* a rule not yet in force (2020 on) is absent in 2019 */
    assert_int_equal(eval_standards_in_force(f->db, 2019, 0, &std), STORE_OK);
    assert_true(isnan(eval_standard_threshold(std, "gross_enrollment", "kg", NULL)));
    json_decref(std);

    /* the bureau's own target applies to its county only; an ended row is gone */
    snprintf(sql, sizeof sql,
             "INSERT INTO eval_standards (indicator, stage, name, threshold, comparison, level, "
             "source, year_from, year_to, county_org_id) VALUES "
             "('public_place_share', 'kg', '公办学位占比', 0.25, '>=', '本局', '2022年计划', 2022, "
             "NULL, %lld), "
             "('public_place_share', 'kg', '公办学位占比', 0.2, '>=', '本局', '旧计划', 2019, 2021, "
             "%lld)",
             (long long)f->tree.county, (long long)f->tree.county);
    assert_int_equal(db_exec(f->db, sql, NULL, 0), STORE_OK);
    assert_int_equal(eval_standards_in_force(f->db, 2022, f->tree.county, &std), STORE_OK);
    assert_near(eval_standard_threshold(std, "public_place_share", "kg", "本局"), 0.25, 0);
    json_decref(std);
    assert_int_equal(eval_standards_in_force(f->db, 2021, f->tree.county, &std), STORE_OK);
    assert_near(eval_standard_threshold(std, "public_place_share", "kg", "本局"), 0.2, 0);
    json_decref(std);
    assert_int_equal(eval_standards_in_force(f->db, 2022, f->other_county, &std), STORE_OK);
    assert_true(isnan(eval_standard_threshold(std, "public_place_share", "kg", "本局")));
    json_decref(std);
}

/* ------------------------------------------------------------ evaluation */

static void test_balanced_primary(void **state)
{
    fixture *f = *state;
    json_t *out = run(f, "primary", NULL);
    double s = 600.0 / (600 + 1.1 * 400); /* 丙学校's primary share */

    assert_int_equal(json_integer_value(json_object_get(out, "year")), 2021);
    assert_string_equal(json_string_value(json_object_get(json_object_get(out, "org"), "name")),
                        "长葛市");
    /* A, B, C's primary part and E (50 pupils); D (49) and F excluded */
    assert_int_equal(json_integer_value(json_object_get(out, "schools_total")), 4);
    assert_int_equal(json_array_size(json_object_get(out, "schools")), 4);

    json_t *a = school_of(out, f->a), *b = school_of(out, f->b), *c = school_of(out, f->c);
    json_t *e = school_of(out, f->e);
    assert_near(value_of(a, "qualified_teachers"), 4.2, 1e-9);
    assert_near(value_of(a, "pe_art_teachers"), 0.8, 1e-9);
    assert_near(value_of(a, "sports_area"), 8.0, 1e-9);
    assert_int_equal(json_integer_value(json_object_get(a, "met")), 6);
    assert_true(json_is_true(json_object_get(a, "pass")));
    json_t *gaps = json_object_get(a, "gaps");
    assert_int_equal(json_array_size(gaps), 1);
    json_t *gap = json_array_get(gaps, 0);
    assert_string_equal(json_string_value(json_object_get(gap, "indicator")), "pe_art_teachers");
    assert_int_equal(json_integer_value(json_object_get(gap, "shortfall")), 1);
    assert_string_equal(json_string_value(json_object_get(gap, "text")),
                        "还差 1 名体育艺术专任教师");

    /* B: qualified 3.5 (83%), key 0.5, teaching area 4.0 unmet */
    assert_near(value_of(b, "qualified_teachers"), 3.5, 1e-9);
    assert_near(value_of(b, "teaching_area"), 4.0, 1e-9);
    assert_int_equal(json_integer_value(json_object_get(b, "met")), 4);
    assert_true(json_is_false(json_object_get(b, "pass")));
    gaps = json_object_get(b, "gaps");
    assert_int_equal(json_array_size(gaps), 3);
    assert_string_equal(json_string_value(json_object_get(json_array_get(gaps, 0), "text")),
                        "还差 3 名高于规定学历教师"); /* 0.7 × 4 = 2.8 */
    assert_string_equal(json_string_value(json_object_get(json_array_get(gaps, 1), "text")),
                        "还差 2 名县级以上骨干教师");
    assert_string_equal(json_string_value(json_object_get(json_array_get(gaps, 2), "text")),
                        "还差 200 m² 教学及辅助用房");
    /* sorted by met: B (4) first */
    assert_int_equal(json_integer_value(json_object_get(
                         json_array_get(json_object_get(out, "schools"), 0), "school_id")),
                     f->b);

    /* C: the primary part's share of the shared resources */
    assert_near(num(c, "share"), s, 1e-4);
    assert_int_equal(json_integer_value(json_object_get(c, "pupils")), 600);
    assert_near(value_of(c, "qualified_teachers"), 100 * s * 52 / 600, 1e-4);
    assert_near(value_of(c, "key_teachers"), 100 * s * 12 / 600, 1e-4);
    assert_near(value_of(c, "equipment_value"), s * 2600000 / 600, 1e-4);
    assert_true(json_is_true(json_object_get(c, "pass")));
    assert_true(json_is_true(json_object_get(e, "pass")));
    assert_int_equal(json_integer_value(json_object_get(out, "schools_passing")), 3);

    /* the CV of PE/art teachers over the four parts, weighted by pupils */
    double x[] = {0.8, 1.0, 100 * s * 11 / 600, 2.0}, p[] = {500, 400, 600, 50};
    json_t *pe = indicator_of(out, "pe_art_teachers");
    assert_near(num(pe, "cv"), hand_cv(x, p, 4), 1e-4);
    assert_near(num(pe, "threshold"), 0.9, 0);
    assert_near(num(pe, "cv_threshold"), 0.5, 0);
    assert_true(json_is_true(json_object_get(pe, "cv_pass")));
    assert_int_equal(json_integer_value(json_object_get(pe, "schools_meeting")), 3);
    assert_near(num(pe, "min"), 0.8, 1e-9);
    assert_near(num(pe, "max"), 2.0, 1e-9);
    assert_near(num(pe, "mean"), 100 * (4 + 4 + 11 * s + 1) / 1550, 1e-4);

    /* exclusions with their reasons */
    json_t *excluded = json_object_get(out, "excluded");
    assert_int_equal(json_array_size(excluded), 2);
    for (size_t i = 0; i < 2; i++) {
        json_t *x1 = json_array_get(excluded, i);
        int64_t id = json_integer_value(json_object_get(x1, "school_id"));
        assert_true(id == f->d || id == f->f);
        assert_string_equal(json_string_value(json_object_get(x1, "reason")),
                            id == f->d ? "教学点在校生不足50人" : "特殊教育学校不参评");
    }

    /* guarantee: B lacks an art room; classes and sizes are fine */
    json_t *rooms = guarantee_of(out, "music_art_rooms");
    assert_true(json_is_false(json_object_get(rooms, "pass")));
    assert_int_equal(json_array_size(json_object_get(rooms, "failing")), 1);
    assert_int_equal(json_integer_value(json_object_get(
                         json_array_get(json_object_get(rooms, "failing"), 0), "school_id")),
                     f->b);
    assert_true(json_is_true(json_object_get(guarantee_of(out, "class_size_max"), "pass")));
    json_t *size = guarantee_of(out, "school_size_max");
    assert_true(json_is_true(json_object_get(size, "pass")));
    assert_near(num(size, "threshold_combined"), 2500, 0);

    /* county: fails for B and the rooms, not for a CV */
    assert_true(json_is_false(json_object_get(out, "pass")));
    json_t *failures = json_object_get(out, "failures");
    assert_int_equal(json_array_size(failures), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(failures, 0), "text")),
                        "1 所学校资源配置未达标");
    assert_null(json_object_get(out, "before"));
    json_decref(out);
}

static void test_balanced_junior(void **state)
{
    fixture *f = *state;
    json_t *out = run(f, "junior", NULL);
    double s = 440.0 / (600 + 440);
    /* only C's junior part; F (特殊教育学校) excluded */
    assert_int_equal(json_integer_value(json_object_get(out, "schools_total")), 1);
    json_t *c = school_of(out, f->c);
    assert_near(num(c, "share"), s, 1e-4);
    /* 初中: postgrad + bachelor only */
    assert_near(value_of(c, "qualified_teachers"), 100 * s * 42 / 400, 1e-4);
    assert_int_equal(json_array_size(json_object_get(out, "excluded")), 1);
    /* one school: every CV is 0 */
    assert_near(num(indicator_of(out, "teaching_area"), "cv"), 0, 0);
    json_decref(out);
}

static void test_point_at_fifty(void **state)
{
    fixture *f = *state;
    /* D moves to 50 pupils: evaluated; E to 49: excluded */
    json_t *changes = json_pack("[{sI ss si} {sI ss si}]", "school_id", (json_int_t)f->d, "field",
                                "primary_pupils", "add", 1, "school_id", (json_int_t)f->e, "field",
                                "primary_pupils", "set", 49);
    json_t *out = run(f, "primary", changes);
    json_t *excluded = json_object_get(out, "excluded");
    int found_e = 0;
    size_t i;
    json_t *x;
    json_array_foreach(excluded, i, x)
    {
        assert_int_not_equal(json_integer_value(json_object_get(x, "school_id")), f->d);
        found_e |= json_integer_value(json_object_get(x, "school_id")) == f->e;
    }
    assert_true(found_e);
    assert_int_equal(json_integer_value(json_object_get(school_of(out, f->d), "pupils")), 50);
    json_decref(out);
    json_decref(changes);
}

static void test_what_if(void **state)
{
    fixture *f = *state;
    /* B gets 2 key teachers, 3 college teachers and an art room */
    json_t *changes = json_pack("[{sI ss si} {sI ss si} {sI ss si}]", "school_id",
                                (json_int_t)f->b, "field", "teachers_key", "add", 2, "school_id",
                                (json_int_t)f->b, "field", "teachers_college", "add", 3,
                                "school_id", (json_int_t)f->b, "field", "art_rooms", "set", 1);
    json_t *before = run(f, "primary", NULL);
    json_t *out = run(f, "primary", changes);
    json_t *b = school_of(out, f->b);
    assert_near(value_of(b, "key_teachers"), 1.0, 1e-9);
    assert_near(value_of(b, "qualified_teachers"), 100.0 * 17 / 400, 1e-9);
    assert_int_equal(json_integer_value(json_object_get(b, "met")), 6);
    assert_true(json_is_true(json_object_get(b, "pass")));
    assert_int_equal(json_integer_value(json_object_get(out, "schools_passing")), 4);
    assert_true(json_is_true(json_object_get(out, "pass")));
    assert_int_equal(json_array_size(json_object_get(out, "failures")), 0);

    /* the CV of key teachers moved; before carries the old one */
    double cv_before = num(indicator_of(before, "key_teachers"), "cv");
    double cv_after = num(indicator_of(out, "key_teachers"), "cv");
    assert_true(fabs(cv_before - cv_after) > 0.01);
    json_t *was = json_object_get(out, "before");
    assert_true(json_is_false(json_object_get(was, "pass")));
    assert_int_equal(json_integer_value(json_object_get(was, "schools_passing")), 3);
    assert_near(num(json_object_get(was, "cv"), "key_teachers"), cv_before, 1e-9);
    json_t *changed = json_object_get(out, "changed_schools");
    assert_int_equal(json_array_size(changed), 1);
    assert_int_equal(json_integer_value(json_array_get(changed, 0)), f->b);
    json_decref(out);
    json_decref(before);
    json_decref(changes);

    /* nothing was saved */
    out = run(f, "primary", NULL);
    assert_true(json_is_false(json_object_get(school_of(out, f->b), "pass")));
    json_decref(out);

    /* moving 100 pupils from A to B changes both */
    changes = json_pack("[{si sI sI}]", "move_pupils", 100, "from_school_id", (json_int_t)f->a,
                        "to_school_id", (json_int_t)f->b);
    out = run(f, "primary", changes);
    assert_int_equal(json_integer_value(json_object_get(school_of(out, f->a), "pupils")), 400);
    assert_int_equal(json_integer_value(json_object_get(school_of(out, f->b), "pupils")), 500);
    assert_near(value_of(school_of(out, f->a), "pe_art_teachers"), 1.0, 1e-9);
    assert_int_equal(json_array_size(json_object_get(out, "changed_schools")), 2);
    json_decref(out);
    json_decref(changes);
}

/* eval_balanced refuses changes with 400, field and a Chinese message. */
static void refused(fixture *f, const char *stage, json_t *changes, const char *field,
                    const char *message)
{
    json_t *out = NULL;
    refusal e = {0};
    assert_int_equal(eval_balanced(f->db, &f->scope, 2021, stage, changes, EVAL_DETAIL, &out, &e),
                     REFUSED);
    assert_null(out);
    assert_int_equal(e.status, 400);
    assert_string_equal(e.field, field);
    if (strstr(e.message, message) == NULL)
        fail_msg("message %s lacks %s", e.message, message);
    json_decref(changes);
}

static void test_refusals(void **state)
{
    fixture *f = *state;
    json_int_t a = f->a, b = f->b;
    refused(f, "senior", NULL, "stage", "学段");
    refused(f, NULL, NULL, "stage", "学段");
    refused(f, "primary", json_object(), "changes", "数组");
    refused(f, "primary", json_pack("[i]", 3), "changes[0]", "对象");
    /* an unknown school, outside the scope, without a record */
    refused(f, "primary",
            json_pack("[{sI ss si} {sI ss si}]", "school_id", a, "field", "teachers_pe", "add", 1,
                      "school_id", (json_int_t)99999, "field", "teachers_pe", "add", 1),
            "changes[1].school_id", "学校不存在");
    refused(f, "primary",
            json_pack("[{sI ss si}]", "school_id", (json_int_t)f->h, "field", "teachers_pe", "add",
                      1),
            "changes[0].school_id", "不在评估范围");
    refused(f, "primary",
            json_pack("[{sI ss si}]", "school_id", (json_int_t)f->g, "field", "teachers_pe", "add",
                      1),
            "changes[0].school_id", "没有 2021 学年的基表记录");
    refused(f, "primary",
            json_pack("[{ss ss si}]", "school_id", "x", "field", "teachers_pe", "add", 1),
            "changes[0].school_id", "请选择学校");
    /* unknown, non-numeric, not on the school's form */
    refused(f, "primary", json_pack("[{sI ss si}]", "school_id", a, "field", "nonsense", "add", 1),
            "changes[0].field", "未知字段");
    refused(f, "primary",
            json_pack("[{sI ss si}]", "school_id", a, "field", "lunch_mode", "set", 1),
            "changes[0].field", "未知字段");
    refused(f, "primary",
            json_pack("[{sI ss si}]", "school_id", a, "field", "senior_pupils", "set", 1),
            "changes[0].field", "没有此字段");
    refused(f, "primary", json_pack("[{sI si}]", "school_id", a, "add", 1), "changes[0].field",
            "请选择");
    /* add/set: one of them, a number, not below 0 */
    refused(f, "primary",
            json_pack("[{sI ss ss}]", "school_id", a, "field", "teachers_pe", "add", "2"),
            "changes[0].add", "数值");
    refused(f, "primary", json_pack("[{sI ss}]", "school_id", a, "field", "teachers_pe"),
            "changes[0].add", "add");
    refused(f, "primary",
            json_pack("[{sI ss si si}]", "school_id", a, "field", "teachers_pe", "add", 1, "set",
                      2),
            "changes[0].set", "add");
    refused(f, "primary",
            json_pack("[{sI ss si}]", "school_id", a, "field", "teachers_pe", "add", -3),
            "changes[0].add", "不能小于 0");
    refused(f, "primary",
            json_pack("[{sI ss sf}]", "school_id", a, "field", "teaching_area", "set", -0.5),
            "changes[0].set", "不能小于 0");
    /* moves */
    refused(f, "primary", json_pack("[{si sI sI}]", "move_pupils", 10, "from_school_id", a,
                                    "to_school_id", a),
            "changes[0].to_school_id", "不能相同");
    refused(f, "primary", json_pack("[{si sI sI}]", "move_pupils", 0, "from_school_id", a,
                                    "to_school_id", b),
            "changes[0].move_pupils", "正整数");
    refused(f, "primary", json_pack("[{sf sI sI}]", "move_pupils", 1.5, "from_school_id", a,
                                    "to_school_id", b),
            "changes[0].move_pupils", "正整数");
    refused(f, "primary", json_pack("[{si sI sI}]", "move_pupils", 501, "from_school_id", a,
                                    "to_school_id", b),
            "changes[0].move_pupils", "只有 500 人");
    refused(f, "junior", json_pack("[{si sI sI}]", "move_pupils", 10, "from_school_id",
                                   (json_int_t)f->c, "to_school_id", a),
            "changes[0].to_school_id", "没有初中学段");
    refused(f, "primary", json_pack("[{si sI sI}]", "move_pupils", 10, "from_school_id", a,
                                    "to_school_id", (json_int_t)f->h),
            "changes[0].to_school_id", "不在评估范围");
}

/* ------------------------------------------------------------------ demo */

static void demo_stage(fx_store *st, const eval_scope *scope, const char *stage)
{
    json_t *out = NULL;
    refusal e = {0};
    assert_int_equal(eval_balanced(st->db, scope, 2021, stage, NULL, EVAL_DETAIL, &out, &e),
                     STORE_OK);
    size_t total = (size_t)json_integer_value(json_object_get(out, "schools_total"));
    size_t passing = (size_t)json_integer_value(json_object_get(out, "schools_passing"));
    printf("%s: %zu parts, %zu passing, %zu excluded, county %s\n", stage, total, passing,
           json_array_size(json_object_get(out, "excluded")),
           json_is_true(json_object_get(out, "pass")) ? "pass" : "fail");
    size_t i;
    json_t *x;
    int cv_failing = 0;
    json_array_foreach(json_object_get(out, "indicators"), i, x)
    {
        printf("  %-18s cv %.3f meeting %lld mean %.2f min %.2f max %.2f\n",
               json_string_value(json_object_get(x, "key")), num(x, "cv"),
               (long long)json_integer_value(json_object_get(x, "schools_meeting")), num(x, "mean"),
               num(x, "min"), num(x, "max"));
        cv_failing += json_is_false(json_object_get(x, "cv_pass"));
    }
    /* failing parts by area and first gap */
    int by_area[3] = {0}, pe_rural = 0, area_city = 0;
    json_array_foreach(json_object_get(out, "schools"), i, x)
    {
        if (json_is_true(json_object_get(x, "pass")))
            continue;
        const char *area = json_string_value(json_object_get(x, "area"));
        int k = strcmp(area, "城区") == 0 ? 0 : strcmp(area, "镇区") == 0 ? 1 : 2;
        by_area[k]++;
        size_t j;
        json_t *g;
        json_array_foreach(json_object_get(x, "gaps"), j, g)
        {
            const char *ind = json_string_value(json_object_get(g, "indicator"));
            pe_rural += k == 2 && strcmp(ind, "pe_art_teachers") == 0;
            area_city += k == 0 && strcmp(ind, "teaching_area") == 0;
        }
    }
    printf("  failing: 城区 %d 镇区 %d 乡村 %d; 乡村 short of PE/art %d, 城区 short of area %d\n",
           by_area[0], by_area[1], by_area[2], pe_rural, area_city);
    json_array_foreach(json_object_get(out, "guarantee"), i, x)
        printf("  %s: %zu failing\n", json_string_value(json_object_get(x, "key")),
               json_array_size(json_object_get(x, "failing")));
    json_array_foreach(json_object_get(out, "failures"), i, x)
        printf("  failure: %s\n", json_string_value(json_object_get(x, "text")));
    /* a believable county: some parts pass, some fail, most of the failing
     * ones 乡村; the CVs under their thresholds but perhaps one */
    assert_true(total > 20);
    assert_true(passing > 0 && passing < total);
    assert_true(by_area[2] * 2 > by_area[0] + by_area[1] + by_area[2]);
    assert_true(cv_failing <= 1);
    json_decref(out);
}

static int demo_setup(void **state)
{
    *state = fx_demo_new("evaldemo", 2021, 1, 0);
    return 0;
}

static void test_demo_county(void **state)
{
    fx_store *st = *state;
    json_t *row = fx_rows(st->db, "SELECT id, path FROM org_units WHERE level = 'county'");
    const char *path = json_string_value(json_object_get(json_array_get(row, 0), "path"));
    char hi[48];
    snprintf(hi, sizeof hi, "%s", path);
    hi[strlen(hi) - 1] = '0';
    eval_scope scope = {path, hi,
                        json_integer_value(json_object_get(json_array_get(row, 0), "id"))};
    demo_stage(st, &scope, "primary");
    demo_stage(st, &scope, "junior");
    json_decref(row);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_weighted_cv),
        cmocka_unit_test(test_stage_shares),
        cmocka_unit_test(test_verdict),
        cmocka_unit_test(test_shortfall),
        cmocka_unit_test(test_compare),
        cmocka_unit_test_setup_teardown(test_standards, setup, fx_store_teardown),
        cmocka_unit_test_setup_teardown(test_balanced_primary, setup, fx_store_teardown),
        cmocka_unit_test_setup_teardown(test_balanced_junior, setup, fx_store_teardown),
        cmocka_unit_test_setup_teardown(test_point_at_fifty, setup, fx_store_teardown),
        cmocka_unit_test_setup_teardown(test_what_if, setup, fx_store_teardown),
        cmocka_unit_test_setup_teardown(test_refusals, setup, fx_store_teardown),
        cmocka_unit_test_setup_teardown(test_demo_county, demo_setup, fx_demo_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
