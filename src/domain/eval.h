/*
 * eval.h - 评估: the county measured against the national standards, from
 * the 基表 records (docs/api-eval.md; formulas in ../shared/standards.md).
 *
 *   eval_calc.c      the arithmetic, pure and unit-tested: the enrollment-
 *                    weighted 差异系数, the stage split of combined schools,
 *                    the per-school verdict (6 of 7, the rest at 85%), gaps
 *   eval_standards.c the standards table (eval_standards): the thresholds in
 *                    force for a year and a county; the bureau's own targets
 *   eval_balanced.c  义务教育优质均衡 of a stage and year; it reads through
 *                    eval_load.c, applies what-if changes by eval_whatif.c
 *                    (their shared structs: eval_internal.h)
 *   eval_json.c      the stage keys and number helpers every answer shares
 *   eval_preschool.c 学前普及普惠; eval_kg_totals (also a metric source)
 *   eval_size.c      班额 and school sizes, crowding by 城乡分类
 *   eval_card.c      the card of one school: its parts of the above
 *   eval_api.c       eval_routes: the evaluation reads under /api/eval/...,
 *                    and the request context of the handlers (eval_api.h)
 *   eval_scenarios.c eval_scenarios_routes: the saved what-if scenarios
 *   eval_inputs_api.c eval_inputs_routes: the population aged 3-5, the
 *                    bureau's own standards
 *   eval_export.c    the whole evaluation as an xlsx in the inspection forms' layout
 *   eval_counties.c  eval_counties_routes: the counties of a city or province
 *                    side by side, each its own evaluation
 * Nothing is stored but the inputs the statistics lack (the population aged
 * 3-5 per town) and named what-if scenarios.
 */
#ifndef EDU_EVAL_H
#define EDU_EVAL_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "domain/refusal.h"
#include "store/store.h"

/* ------------------------------------------------------------ arithmetic */

/* Stages of a school, in order. */
enum { EVAL_PRIMARY = 0, EVAL_JUNIOR = 1, EVAL_SENIOR = 2, EVAL_NSTAGES = 3 };

/* The 7 resource indicators of 优质均衡, in the order of the standard. */
enum {
    EVAL_QUALIFIED_TEACHERS = 0, /* 每百名学生拥有高于规定学历教师数 */
    EVAL_KEY_TEACHERS,           /* 每百名学生拥有县级以上骨干教师数 */
    EVAL_PE_ART_TEACHERS,        /* 每百名学生拥有体育、艺术专任教师数 */
    EVAL_TEACHING_AREA,          /* 生均教学及辅助用房面积 */
    EVAL_SPORTS_AREA,            /* 生均体育运动场馆面积 */
    EVAL_EQUIPMENT_VALUE,        /* 生均教学仪器设备值 */
    EVAL_MULTIMEDIA_ROOMS,       /* 每百名学生拥有网络多媒体教室数 */
    EVAL_NINDICATORS
};

/* Their keys in the API and in eval_standards.indicator, by the enum. */
extern const char *const eval_indicator_keys[EVAL_NINDICATORS];

/* The enrollment-weighted 差异系数 of x over n schools with pupils p:
 * mean = Σ p x / Σ p, sd = sqrt(Σ (p / P)(x - mean)²), cv = sd / mean.
 * mean_out and sd_out may be NULL. Returns the CV, 0 when every x is equal,
 * NAN when n is 0, Σ p is 0 or the mean is 0. */
double eval_weighted_cv(const double *x, const double *p, size_t n, double *mean_out,
                        double *sd_out);

/* The shares of a combined school's shared resources per stage: share_i =
 * weight_i pupils_i / Σ weight_j pupils_j (stages with no pupils or weight
 * 0 get 0). When no stage has pupils, every share is 0. */
void eval_stage_shares(const double pupils[EVAL_NSTAGES], const double weights[EVAL_NSTAGES],
                       double shares[EVAL_NSTAGES]);

/* The verdict of one school: met[i] = values[i] >= thresholds[i] (values
 * that are NAN never meet); *met_count the number met; returns 1 when
 * met_count >= min_met and every unmet value reaches remaining_ratio x its
 * threshold, else 0. */
int eval_school_verdict(const double values[EVAL_NINDICATORS],
                        const double thresholds[EVAL_NINDICATORS], int min_met,
                        double remaining_ratio, int met[EVAL_NINDICATORS], int *met_count);

/* The shortfall of indicator (EVAL_*) at a school part with pupils whose
 * value is below threshold, in the planner's unit: teachers and rooms
 * whole (rounded up), m² to one decimal rounded up, 元 whole. 0 when met. */
double eval_shortfall(int indicator, double value, double threshold, double pupils);

/* -------------------------------------------------------------- standards */

/* The standards in force in year for the county whose org unit is
 * county_org_id (0: national and provincial rows only): an array of
 * {"id","indicator","stage","name","unit","threshold","comparison","level",
 *  "source","year_from","year_to","county_org_id","note"}, the latest
 * year_from per (indicator, stage, level, county). */
int eval_standards_in_force(store_db *db, int year, int64_t county_org_id, json_t **out);

/* The threshold of indicator at stage and level ("国家" unless given) from
 * such an array, or NAN when none. */
double eval_standard_threshold(json_t *standards, const char *indicator, const char *stage,
                               const char *level);

/* 1 when value passes threshold under comparison (">=", "<=", ">", "<"). */
int eval_compare(double value, const char *comparison, double threshold);

/* ------------------------------------------------------------ evaluations */

/* What is evaluated: the schools whose org path lies in [path, path_hi)
 * (a county, a town, a province), and the county whose own targets apply
 * (0 when the scope is above a county). */
typedef struct eval_scope {
    const char *path;          /* e.g. "/1/3/17/" */
    const char *path_hi;       /* org_scope_upper(path) */
    int64_t county_org_id;
} eval_scope;

/* The detail argument of eval_balanced and eval_preschool: with
 * EVAL_DETAIL the answer has its per-school rows ("schools",
 * "kindergartens"); with EVAL_SUMMARY it has not (a province's rows are
 * megabytes), every other figure, count and verdict being the same. */
enum { EVAL_SUMMARY = 0, EVAL_DETAIL = 1 };

/* 义务教育优质均衡 of stage ("primary" or "junior") in school year year:
 * the shape of GET /api/eval/balanced (docs/api-eval.md). changes: NULL,
 * or the what-if changes (validated here: 400 refusal naming the change's
 * index and field), applied to the loaded values only, never saved.
 * detail: EVAL_DETAIL or EVAL_SUMMARY (no "schools").
 * Returns STORE_OK, REFUSED with e, or a store code. */
int eval_balanced(store_db *db, const eval_scope *scope, int year, const char *stage,
                  json_t *changes, int detail, json_t **out, refusal *e);

/* The kindergarten totals of year in the scope, for 学前普及普惠 and the
 * metric registry. A kindergarten is a 幼儿园 with a record of the year;
 * public: nature 公办; inclusive: nature 公办 or 普惠性民办, or its record's
 * kg_inclusive is 1; places: its capacity (核定学位). population: the sum
 * of eval_population of the year over the towns in scope (towns_with_population
 * of towns, of which towns in all). */
typedef struct eval_kg_totals {
    long kindergartens;
    double children, public_children, inclusive_children;
    double places, public_places;
    double teachers, classes;
    double population;
    long towns, towns_with_population;
} eval_kg_totals;
int eval_kg_totals_load(store_db *db, const eval_scope *scope, int year, eval_kg_totals *out);

/* 学前普及普惠 of year: the shape of GET /api/eval/preschool; detail:
 * EVAL_DETAIL or EVAL_SUMMARY (no "kindergartens"). */
int eval_preschool(store_db *db, const eval_scope *scope, int year, int detail, json_t **out);

/* 班额 and school sizes of year: the shape of GET /api/eval/class-size. */
int eval_class_size(store_db *db, const eval_scope *scope, int year, json_t **out);

/* The card of one school (GET /api/eval/school/{id}), STORE_NOTFOUND when
 * it has no record of the year. */
int eval_school_card(store_db *db, int64_t school_id, int year, json_t **out);

/* Demo: the population aged 3-5 of every town of the county for the demo
 * years (a 毛入园率 around 88-93%, from the kindergarten records), and the
 * bureau's own targets of its 2022 plan (公办学位占比 25%, 普惠性覆盖率 90%)
 * and the "省定55%" the seed cites, in the caller's transaction. */
int eval_demo_generate(store_db *db, uint64_t seed, int64_t county_org_id, char *err,
                       size_t err_size);

/* The latest school year (<= year) with records in the scope, or 0. */
int eval_latest_year(store_db *db, const eval_scope *scope, int year);

#endif
