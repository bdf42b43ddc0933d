/*
 * eval_preschool.c - 学前普及普惠 (docs/api-eval.md): the kindergarten
 * totals of a scope and year (shared with the metric registry), and the
 * evaluation of GET /api/eval/preschool against the national and Henan
 * standards and the bureau's own targets (standards.md §3).
 *
 * One query reads every kindergarten's record of the year (a row per
 * record, its 基表 fields side by side); eval_kg_totals_load sums the rows,
 * eval_preschool also keeps them per kindergarten (class bands against the
 * 幼儿园工作规程 limits, size against kg_size_max) and per town (children
 * against the population aged 3-5 the bureau entered, eval_population).
 * The thresholds come from eval_standards_in_force; nothing is stored.
 */
#include "domain/eval_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The class bands of a kindergarten, their standards and labels. */
enum { KG_SMALL, KG_MIDDLE, KG_LARGE, KG_MIXED, KG_NBANDS };
static const char *const kg_band_keys[KG_NBANDS] = {"small", "middle", "large", "mixed"};
static const char *const kg_band_labels[KG_NBANDS] = {"小班", "中班", "大班", "混合班"};
static const char *const kg_band_standards[KG_NBANDS] = {"kg_class_small", "kg_class_middle",
                                                         "kg_class_large", "kg_class_mixed"};

/* The record of one kindergarten, as kg_each delivers it (the text is
 * valid during the callback only). Missing numbers are 0; children and
 * classes fall back to the sums of the bands when the totals are missing. */
typedef struct kg_rec {
    eval_school_head h; /* nature is h.kind */
    double children, places, teachers, classes;
    int is_public, inclusive;
    double band_classes[KG_NBANDS], band_children[KG_NBANDS];
} kg_rec;

#define KG_NCOLS 21

/* A kindergarten's record of the year per row: the school, then the
 * fields in the order kg_rec_read reads them. */
static const char kg_sql[] =
    "SELECT " EVAL_SCHOOL_COLS("nature") ", "
    "SUM(CASE WHEN v.field = 'kg_children' THEN v.num END), "
    "SUM(CASE WHEN v.field = 'capacity' THEN v.num END), "
    "SUM(CASE WHEN v.field = 'teachers_total' THEN v.num END), "
    "SUM(CASE WHEN v.field = 'kg_classes' THEN v.num END), "
    "SUM(CASE WHEN v.field = 'kg_inclusive' THEN v.num END), "
    "SUM(CASE WHEN v.field = 'kg_classes_small' THEN v.num END), "
    "SUM(CASE WHEN v.field = 'kg_classes_middle' THEN v.num END), "
    "SUM(CASE WHEN v.field = 'kg_classes_large' THEN v.num END), "
    "SUM(CASE WHEN v.field = 'kg_classes_mixed' THEN v.num END), "
    "SUM(CASE WHEN v.field = 'kg_children_small' THEN v.num END), "
    "SUM(CASE WHEN v.field = 'kg_children_middle' THEN v.num END), "
    "SUM(CASE WHEN v.field = 'kg_children_large' THEN v.num END), "
    "SUM(CASE WHEN v.field = 'kg_children_mixed' THEN v.num END) "
    "FROM stat_records r JOIN schools s ON s.id = r.school_id "
    "LEFT JOIN org_units tw ON tw.id = s.town_id "
    "LEFT JOIN stat_values v ON v.record_id = r.id AND v.field IN "
    "('kg_children', 'capacity', 'teachers_total', 'kg_classes', 'kg_inclusive', "
    "'kg_classes_small', 'kg_classes_middle', 'kg_classes_large', 'kg_classes_mixed', "
    "'kg_children_small', 'kg_children_middle', 'kg_children_large', 'kg_children_mixed') "
    "WHERE r.year = ? AND r.path >= ? AND r.path < ? AND s.type = '幼儿园' "
    "GROUP BY r.id, " EVAL_SCHOOL_COLS("nature") " "
    "ORDER BY s.name, s.id";

/* Reads one row of kg_sql into k; 0 on success. */
static int kg_rec_read(int ncols, const sval *cols, kg_rec *k)
{
    if (ncols < KG_NCOLS)
        return 1;
    eval_school_head_read(cols, &k->h);
    k->places = sval_num(&cols[9], 0);
    k->teachers = sval_num(&cols[10], 0);
    double band_classes = 0, band_children = 0;
    for (int b = 0; b < KG_NBANDS; b++) {
        k->band_classes[b] = sval_num(&cols[13 + b], 0);
        k->band_children[b] = sval_num(&cols[17 + b], 0);
        band_classes += k->band_classes[b];
        band_children += k->band_children[b];
    }
    k->children = sval_num(&cols[8], band_children);
    k->classes = sval_num(&cols[11], band_classes);
    k->is_public = strcmp(k->h.kind, "公办") == 0;
    k->inclusive =
        k->is_public || strcmp(k->h.kind, "普惠性民办") == 0 || sval_num(&cols[12], 0) >= 1;
    return 0;
}

static void kg_totals_add(eval_kg_totals *t, const kg_rec *k)
{
    t->kindergartens++;
    t->children += k->children;
    t->places += k->places;
    t->teachers += k->teachers;
    t->classes += k->classes;
    if (k->is_public) {
        t->public_children += k->children;
        t->public_places += k->places;
    }
    if (k->inclusive)
        t->inclusive_children += k->children;
}

static int kg_totals_row(void *ctx, int ncols, const sval *cols)
{
    kg_rec k;
    if (kg_rec_read(ncols, cols, &k) != 0)
        return 1;
    kg_totals_add(ctx, &k);
    return 0;
}

/* The towns in scope: their count and how many have a population of year. */
static int kg_population_load(store_db *db, const eval_scope *scope, int year, eval_kg_totals *out)
{
    sval p[] = {SV_I(year), SV_T(scope->path), SV_T(scope->path_hi)};
    json_t *row = NULL;
    int rc = db_query_one(db,
                          "SELECT COUNT(*) AS towns, COUNT(p.id) AS with_population, "
                          "COALESCE(SUM(p.population), 0) AS population FROM org_units t "
                          "LEFT JOIN eval_population p ON p.town_id = t.id AND p.year = ? "
                          "WHERE t.level = 'town' AND t.path >= ? AND t.path < ?",
                          p, 3, &row);
    if (rc != STORE_OK)
        return rc;
    out->towns = (long)json_integer_value(json_object_get(row, "towns"));
    out->towns_with_population = (long)json_integer_value(json_object_get(row, "with_population"));
    out->population = json_number_value(json_object_get(row, "population"));
    json_decref(row);
    return STORE_OK;
}

int eval_kg_totals_load(store_db *db, const eval_scope *scope, int year, eval_kg_totals *out)
{
    memset(out, 0, sizeof *out);
    sval p[] = {SV_I(year), SV_T(scope->path), SV_T(scope->path_hi)};
    int rc = db_each(db, kg_sql, p, 3, kg_totals_row, out);
    if (rc != STORE_OK)
        return rc;
    return kg_population_load(db, scope, year, out);
}

int eval_latest_year(store_db *db, const eval_scope *scope, int year)
{
    int64_t latest = 0;
    sval p[] = {SV_I(year), SV_T(scope->path), SV_T(scope->path_hi)};
    int rc = db_query_int(db,
                          "SELECT COALESCE(MAX(year), 0) FROM stat_records "
                          "WHERE year <= ? AND path >= ? AND path < ?",
                          p, 3, &latest);
    return rc == STORE_OK ? (int)latest : 0;
}

/* ------------------------------------------------------------ evaluation */

/* One town in scope and the sums of its kindergartens. */
typedef struct kg_town {
    int64_t id;
    eval_kg_totals sums;
} kg_town;

/* What eval_preschool's callback builds. */
typedef struct kg_eval {
    eval_kg_totals totals;
    kg_town *towns;
    size_t ntowns;
    double limits[KG_NBANDS], size_max;
    double classes_ok, classes_all;
    int limits_missing;
    json_t *rows; /* NULL without detail */
    int failed;
} kg_eval;

static int kg_town_cmp(const void *key, const void *item)
{
    int64_t id = *(const int64_t *)key, other = ((const kg_town *)item)->id;
    return id < other ? -1 : id > other;
}

/* Counts the classes of k, and those within their band's limit, into e. */
static void kg_bands_count(kg_eval *e, const kg_rec *k)
{
    for (int b = 0; b < KG_NBANDS; b++) {
        double classes = k->band_classes[b], limit = e->limits[b];
        if (classes <= 0)
            continue;
        if (isnan(limit))
            e->limits_missing = 1;
        else if (k->band_children[b] / classes <= limit)
            e->classes_ok += classes;
        e->classes_all += classes;
    }
}

/* The class bands of k against the limits. */
static json_t *kg_bands_json(const kg_eval *e, const kg_rec *k)
{
    json_t *bands = json_array();
    for (int b = 0; b < KG_NBANDS && bands; b++) {
        double classes = k->band_classes[b], children = k->band_children[b];
        if (classes <= 0)
            continue;
        double average = children / classes, limit = e->limits[b];
        json_t *ok = isnan(limit) ? json_null() : json_boolean(average <= limit);
        if (json_array_append_new(
                bands, json_pack("{ss ss so so sf so so}", "band", kg_band_keys[b], "label",
                                 kg_band_labels[b], "classes", eval_json_count(classes), "children",
                                 eval_json_count(children), "average", eval_round(average, 1),
                                 "limit", eval_json_count(limit), "ok", ok)) != 0) {
            json_decref(bands);
            return NULL;
        }
    }
    return bands;
}

/* The row of kindergarten k in "kindergartens", or NULL out of memory. */
static json_t *kg_row_json(const kg_eval *e, const kg_rec *k)
{
    json_t *bands = kg_bands_json(e, k);
    double per_teacher = eval_ratio(k->children, k->teachers);
    if (!bands)
        return NULL;
    return json_pack(
        "{sI ss ss ss ss so ss ss sb so so so so so so so}", "school_id", (json_int_t)k->h.school_id,
        "code", k->h.code, "name", k->h.name, "nature", k->h.kind, "area", k->h.area, "town_id",
        k->h.town_id ? json_integer(k->h.town_id) : json_null(), "town", k->h.town, "record_status",
        k->h.status, "inclusive", k->inclusive, "children", eval_json_count(k->children), "places",
        eval_json_count(k->places), "teachers", eval_json_count(k->teachers),
        "children_per_teacher", eval_json_count(eval_round(per_teacher, 1)), "size_limit",
        eval_json_count(e->size_max), "oversize",
        isnan(e->size_max) ? json_null() : json_boolean(k->children > e->size_max), "classes",
        bands);
}

/* One kindergarten: into the totals, its town's sums, the class counts,
 * and (with detail) its row. */
static int kg_eval_row(void *ctx, int ncols, const sval *cols)
{
    kg_eval *e = ctx;
    kg_rec k;
    if (kg_rec_read(ncols, cols, &k) != 0) {
        e->failed = 1;
        return 1;
    }
    kg_totals_add(&e->totals, &k);
    kg_town *t =
        e->ntowns ? bsearch(&k.h.town_id, e->towns, e->ntowns, sizeof *e->towns, kg_town_cmp) : NULL;
    if (t)
        kg_totals_add(&t->sums, &k);
    kg_bands_count(e, &k);
    if (!e->rows)
        return 0;
    json_t *row = kg_row_json(e, &k);
    if (!row || json_array_append_new(e->rows, row) != 0) {
        e->failed = 1;
        return 1;
    }
    return 0;
}

/* The towns in scope, sorted by id, with their population of year (null
 * when missing); e->towns gets one accumulator per town. */
static int kg_towns_load(store_db *db, const eval_scope *scope, int year, kg_eval *e,
                         json_t **towns)
{
    sval p[] = {SV_I(year), SV_T(scope->path), SV_T(scope->path_hi)};
    int rc = db_query(db,
                      "SELECT t.id AS town_id, t.name AS town, p.population, p.source "
                      "FROM org_units t LEFT JOIN eval_population p "
                      "ON p.town_id = t.id AND p.year = ? "
                      "WHERE t.level = 'town' AND t.path >= ? AND t.path < ? ORDER BY t.id",
                      p, 3, towns);
    if (rc != STORE_OK)
        return rc;
    e->ntowns = json_array_size(*towns);
    e->towns = e->ntowns ? calloc(e->ntowns, sizeof *e->towns) : NULL;
    if (e->ntowns && !e->towns)
        return STORE_ERROR;
    for (size_t i = 0; i < e->ntowns; i++)
        e->towns[i].id = json_integer_value(json_object_get(json_array_get(*towns, i), "town_id"));
    return STORE_OK;
}

/* The towns' rows: the sums of their kindergartens beside the population;
 * the names of the towns without one into missing. */
static int kg_towns_json(kg_eval *e, json_t *towns, json_t *out, json_t *missing)
{
    for (size_t i = 0; i < e->ntowns; i++) {
        json_t *row = json_array_get(towns, i);
        const eval_kg_totals *t = &e->towns[i].sums;
        json_t *population = json_object_get(row, "population");
        double pop = json_is_number(population) ? json_number_value(population) : NAN;
        if (isnan(pop) && json_array_append(missing, json_object_get(row, "town")) != 0)
            return STORE_ERROR;
        json_t *item = json_pack(
            "{sI sO sO sO so si so so so so so}", "town_id", (json_int_t)e->towns[i].id, "town",
            json_object_get(row, "town"), "population", population, "source",
            json_object_get(row, "source"), "children", eval_json_count(t->children),
            "kindergartens", (int)t->kindergartens, "gross_enrollment",
            eval_json_count(eval_round(isnan(pop) ? NAN : eval_ratio(t->children, pop), 4)),
            "public_children", eval_json_count(t->public_children), "inclusive_children",
            eval_json_count(t->inclusive_children), "places", eval_json_count(t->places),
            "public_places", eval_json_count(t->public_places));
        if (!item || json_array_append_new(out, item) != 0)
            return STORE_ERROR;
    }
    return STORE_OK;
}

/* Whether rows is a standard of indicator for kindergartens. */
static int kg_standard_is(json_t *row, const char *indicator)
{
    const char *key = json_string_value(json_object_get(row, "indicator"));
    const char *stage = json_string_value(json_object_get(row, "stage"));
    return key && stage && strcmp(key, indicator) == 0 && strcmp(stage, "kg") == 0;
}

/* One standard or target row of an indicator, judged against value. */
static json_t *kg_standard_json(json_t *row, double value)
{
    const char *comparison = json_string_value(json_object_get(row, "comparison"));
    double threshold = json_number_value(json_object_get(row, "threshold"));
    json_t *pass = isnan(value) || !comparison
                       ? json_null()
                       : json_boolean(eval_compare(value, comparison, threshold));
    return json_pack("{sO sO sO sO sO sO sO so}", "id", json_object_get(row, "id"), "level",
                     json_object_get(row, "level"), "threshold", json_object_get(row, "threshold"),
                     "comparison", json_object_get(row, "comparison"), "source",
                     json_object_get(row, "source"), "year_from", json_object_get(row, "year_from"),
                     "note", json_object_get(row, "note"), "pass", pass);
}

/* 1 when targets already holds the row with id. */
static int kg_has_id(json_t *targets, json_t *id)
{
    size_t i;
    json_t *t;
    json_array_foreach(targets, i, t) if (json_equal(json_object_get(t, "id"), id)) return 1;
    return 0;
}

/* The standards of indicator from the rows in force in the year (national
 * and provincial ones into standards, the bureau's into targets) and the
 * bureau's targets that start next year (in force in next). */
static int kg_standards_of(const char *indicator, double value, json_t *in_force, json_t *next,
                           json_t *standards, json_t *targets, const char **name)
{
    size_t i;
    json_t *row;
    json_array_foreach(in_force, i, row)
    {
        if (!kg_standard_is(row, indicator))
            continue;
        const char *level = json_string_value(json_object_get(row, "level"));
        int own = level && strcmp(level, "本局") == 0;
        if (!own && json_string_value(json_object_get(row, "name")))
            *name = json_string_value(json_object_get(row, "name"));
        if (json_array_append_new(own ? targets : standards, kg_standard_json(row, value)) != 0)
            return STORE_ERROR;
    }
    json_array_foreach(next, i, row)
    {
        const char *level = json_string_value(json_object_get(row, "level"));
        if (!kg_standard_is(row, indicator) || !level || strcmp(level, "本局") != 0 ||
            kg_has_id(targets, json_object_get(row, "id")))
            continue;
        if (json_array_append_new(targets, kg_standard_json(row, value)) != 0)
            return STORE_ERROR;
    }
    return STORE_OK;
}

/* The verdict of an indicator: null without a national or provincial
 * standard or without a value, else whether every standard passes. */
static json_t *kg_verdict(json_t *standards, double value)
{
    if (json_array_size(standards) == 0 || isnan(value))
        return json_null();
    size_t i;
    json_t *s;
    json_array_foreach(standards, i,
                       s) if (!json_is_true(json_object_get(s, "pass"))) return json_false();
    return json_true();
}

/* One indicator of the evaluation into indicators. */
static int kg_indicator(json_t *indicators, const char *key, const char *name, const char *unit,
                        double value, double numerator, double denominator, json_t *in_force,
                        json_t *next)
{
    json_t *standards = json_array(), *targets = json_array();
    int rc = standards && targets
                 ? kg_standards_of(key, value, in_force, next, standards, targets, &name)
                 : STORE_ERROR;
    json_t *item =
        rc == STORE_OK
            ? json_pack("{ss ss ss so so so sO sO so}", "key", key, "name", name, "unit", unit,
                        "value", eval_json_count(value), "numerator", eval_json_count(numerator),
                        "denominator", eval_json_count(denominator), "standards", standards,
                        "targets", targets, "pass", kg_verdict(standards, value))
            : NULL;
    json_decref(standards);
    json_decref(targets);
    if (!item || json_array_append_new(indicators, item) != 0)
        return STORE_ERROR;
    return STORE_OK;
}

/* The six indicators of the totals. */
static int kg_indicators(kg_eval *e, json_t *in_force, json_t *next, json_t *indicators)
{
    const eval_kg_totals *t = &e->totals;
    int population_known = t->towns > 0 && t->towns_with_population == t->towns;
    double population = population_known ? t->population : NAN;
    double compliance = e->limits_missing ? NAN : eval_ratio(e->classes_ok, e->classes_all);
    int rc =
        kg_indicator(indicators, "gross_enrollment", "学前三年毛入园率", "%",
                     eval_round(population_known ? eval_ratio(t->children, population) : NAN, 4),
                     t->children, population, in_force, next);
    if (rc == STORE_OK)
        rc = kg_indicator(indicators, "inclusive_coverage", "普惠性幼儿园覆盖率", "%",
                          eval_round(eval_ratio(t->inclusive_children, t->children), 4),
                          t->inclusive_children, t->children, in_force, next);
    if (rc == STORE_OK)
        rc = kg_indicator(indicators, "public_enrollment_share", "公办园在园幼儿占比", "%",
                          eval_round(eval_ratio(t->public_children, t->children), 4),
                          t->public_children, t->children, in_force, next);
    if (rc == STORE_OK)
        rc = kg_indicator(indicators, "public_place_share", "公办幼儿园学位占比", "%",
                          eval_round(eval_ratio(t->public_places, t->places), 4), t->public_places,
                          t->places, in_force, next);
    if (rc == STORE_OK)
        rc = kg_indicator(indicators, "teacher_child_ratio", "在园幼儿与专任教师比", "人",
                          eval_round(eval_ratio(t->children, t->teachers), 2), t->children,
                          t->teachers, in_force, next);
    if (rc == STORE_OK)
        rc = kg_indicator(indicators, "class_size_compliance", "班额达标率", "%",
                          eval_round(compliance, 4), e->limits_missing ? NAN : e->classes_ok,
                          e->classes_all, in_force, next);
    return rc;
}

/* The whole verdict: false when an indicator with a standard fails, null
 * when none fails but one cannot be judged (or none has a standard). */
static json_t *kg_overall(json_t *indicators)
{
    int judged = 0, unknown = 0;
    size_t i;
    json_t *item;
    json_array_foreach(indicators, i, item)
    {
        if (json_array_size(json_object_get(item, "standards")) == 0)
            continue;
        json_t *pass = json_object_get(item, "pass");
        if (json_is_false(pass))
            return json_false();
        if (json_is_true(pass))
            judged++;
        else
            unknown++;
    }
    return unknown || !judged ? json_null() : json_true();
}

/* Reads every kindergarten of year in scope into e, with the limits of
 * in_force; the rows too with detail. */
static int kg_collect(store_db *db, const eval_scope *scope, int year, json_t *in_force, int detail,
                      kg_eval *e)
{
    for (int b = 0; b < KG_NBANDS; b++)
        e->limits[b] = eval_standard_threshold(in_force, kg_band_standards[b], "kg", "国家");
    e->size_max = eval_standard_threshold(in_force, "kg_size_max", "kg", "国家");
    if (detail && !(e->rows = json_array()))
        return STORE_ERROR;
    sval p[] = {SV_I(year), SV_T(scope->path), SV_T(scope->path_hi)};
    int rc = db_each(db, kg_sql, p, 3, kg_eval_row, e);
    if (rc == STORE_OK && e->failed)
        rc = STORE_ERROR;
    if (rc == STORE_OK)
        rc = kg_population_load(db, scope, year, &e->totals);
    return rc;
}

/* The answer of the collected e: towns, indicators, verdict, rows. */
static int kg_answer(kg_eval *e, int year, json_t *towns, json_t *in_force, json_t *next,
                     json_t **out)
{
    json_t *indicators = json_array(), *town_rows = json_array(), *missing = json_array();
    int rc = indicators && town_rows && missing ? STORE_OK : STORE_ERROR;
    if (rc == STORE_OK)
        rc = kg_towns_json(e, towns, town_rows, missing);
    if (rc == STORE_OK)
        rc = kg_indicators(e, in_force, next, indicators);
    if (rc == STORE_OK) {
        *out = json_pack("{si so sO sO sO* so si}", "year", year, "pass", kg_overall(indicators),
                         "indicators", indicators, "towns", town_rows, "kindergartens", e->rows,
                         "missing_population", json_incref(missing), "kindergartens_total",
                         (int)e->totals.kindergartens);
        if (!*out)
            rc = STORE_ERROR;
    }
    json_decref(missing);
    json_decref(indicators);
    json_decref(town_rows);
    return rc;
}

int eval_preschool(store_db *db, const eval_scope *scope, int year, int detail, json_t **out)
{
    *out = NULL;
    kg_eval e;
    memset(&e, 0, sizeof e);
    json_t *in_force = NULL, *next = NULL, *towns = NULL;
    int rc = eval_standards_in_force(db, year, scope->county_org_id, &in_force);
    if (rc == STORE_OK)
        rc = eval_standards_in_force(db, year + 1, scope->county_org_id, &next);
    if (rc == STORE_OK)
        rc = kg_towns_load(db, scope, year, &e, &towns);
    if (rc == STORE_OK)
        rc = kg_collect(db, scope, year, in_force, detail, &e);
    if (rc == STORE_OK)
        rc = kg_answer(&e, year, towns, in_force, next, out);
    json_decref(e.rows);
    json_decref(towns);
    json_decref(in_force);
    json_decref(next);
    free(e.towns);
    return rc;
}
