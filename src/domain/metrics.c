/*
 * metrics.c - the registry of live figures (metrics.h): the figures plan
 * targets bind to ('live:<key>') and GET /api/metrics lists, each computed
 * on every read from the records of the module that owns them:
 *
 *   kg_*                       eval_kg_totals_load (eval_preschool.c) of the
 *                              latest school year <= year (eval_latest_year)
 *   senior_public_place_share  high-school places as stats_demo.h defines
 *                              them (a 高级中学's capacity, else capacity x
 *                              senior pupils / all its pupils), 公办 share
 *   stats_total:<field>        SUM of a 基表 field (checked against
 *                              stat_fields) over that school year's records
 *   schools_*                  the school register (在办 now; closed_on in
 *                              the calendar year)
 *   hazards_*                  safety_summary_hazards (safety_summary.c) of
 *                              the calendar year: found, closed, closure
 *                              rate; open and overdue as of today for the
 *                              current year, as of 31 December for a past one
 *   safety_activity:<kind>     the year's activities as the safety summary
 *                              counts them (count, quantity, or schools)
 *   balanced_schools_passing:<stage>  eval_balanced's schools_passing
 *
 * Percent figures are in percent (18.7, not 0.187). A figure without the
 * records to compute it is NAN (null in JSON). Nothing is stored.
 */
#include "domain/metrics.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/eval.h"
#include "domain/safety.h"
#include "domain/safety_counts.h"
#include "domain/schools.h"
#include "util/arena.h"
#include "util/clock.h"
#include "util/text.h"

const metric_def metrics_registry[] = {
    {"kg_public_place_share", "公办幼儿园学位占比", "%", "eval", NULL, 0},
    {"kg_inclusive_coverage", "普惠性幼儿园覆盖率", "%", "eval", NULL, 0},
    {"kg_public_enrollment_share", "公办园在园幼儿占比", "%", "eval", NULL, 0},
    {"kg_gross_enrollment", "学前三年毛入园率", "%", "eval", NULL, 0},
    {"senior_public_place_share", "公办高中学位占比", "%", "stats", NULL, 0},
    {"schools_open", "在办学校数", "所", "schools", NULL, 0},
    {"schools_type", "在办学校数（按办学类型）", "所", "schools", "办学类型", 0},
    {"schools_closed", "撤并、停办学校数", "所", "schools", NULL, 1},
    {"hazards_found", "排查发现隐患数", "处", "safety", NULL, 1},
    {"hazards_closed", "整改销号隐患数", "处", "safety", NULL, 1},
    {"hazards_open", "未销号隐患数", "处", "safety", NULL, 0},
    {"hazards_overdue", "逾期未整改隐患数", "处", "safety", NULL, 0},
    {"hazards_closure_rate", "隐患整改销号率", "%", "safety", NULL, 1},
    {"safety_activity", "安全活动", "", "safety", "活动类型", 1},
    {"stats_total", "基表字段合计", "", "stats", "基表字段", 0},
    {"balanced_schools_passing", "义务教育优质均衡达标学校数", "所", "eval", "学段", 0},
    {0},
};

/* The 基表 fields GET /api/metrics lists under stats_total. */
static const char *const metrics_common_fields[] = {
    "kg_children",      "primary_pupils",   "junior_pupils",     "senior_pupils",
    "vocational_pupils", "kg_classes",      "primary_classes",   "junior_classes",
    "senior_classes",   "staff_total",      "teachers_total",    "teachers_key",
    "capacity",         "after_school_pupils", NULL,
};

/* The stages of balanced_schools_passing and their names. */
static const char *const metrics_stages[] = {"primary", "junior", NULL};
static const char *const metrics_stage_names[] = {"小学", "初中", NULL};

/* A parsed key and what it is computed over. */
typedef struct metric_req {
    store_db *db;
    eval_scope scope;
    int year;
    const char *arg; /* after the colon, or NULL */
    int kind;        /* which figure of a family (metric_kg_kind, metric_hz_kind) */
} metric_req;

typedef int (*metric_fn)(const metric_req *m, double *value, json_t **as_of);

/* ------------------------------------------------------------ helpers */

static double metric_share(double part, double whole)
{
    return whole > 0 ? 100.0 * part / whole : NAN;
}

/* {"year","label"} of a school year (0: no records), a calendar year, now. */
static json_t *metric_school_year(int year)
{
    if (year <= 0)
        return json_pack("{sn ss}", "year", "label", "暂无数据");
    char label[32];
    snprintf(label, sizeof label, "%d学年", year);
    return json_pack("{si ss}", "year", year, "label", label);
}

static json_t *metric_calendar_year(int year)
{
    char label[32];
    snprintf(label, sizeof label, "%d年", year);
    return json_pack("{si ss}", "year", year, "label", label);
}

static int metric_this_year(void)
{
    char today[11];
    clock_today(today);
    return atoi(today);
}

static json_t *metric_now(void)
{
    return json_pack("{si ss}", "year", metric_this_year(), "label", "当前");
}

/* The first and last day of a calendar year. */
typedef struct metric_days {
    char first[12], last[12];
    const char *from, *to;
} metric_days;

static void metric_year_bounds(int year, metric_days *d)
{
    snprintf(d->first, sizeof d->first, "%04u-01-01", (unsigned)year % 10000u);
    snprintf(d->last, sizeof d->last, "%04u-12-31", (unsigned)year % 10000u);
    d->from = d->first;
    d->to = d->last;
}

/* The first column of the first row as a number (NULL: 0). */
static int metric_first_num(void *ctx, int ncols, const sval *cols)
{
    if (ncols > 0)
        *(double *)ctx = sval_num(&cols[0], 0);
    return 1;
}

static int metric_sum(store_db *db, const char *sql, const sval *p, int n, double *out)
{
    *out = 0;
    return db_each(db, sql, p, n, metric_first_num, out);
}

static int metric_set(json_t **as_of, json_t *label, double *value, double v)
{
    *value = v;
    if (as_of)
        *as_of = label;
    else
        json_decref(label);
    return STORE_OK;
}

/* ------------------------------------------------------ kindergartens */

typedef enum { KG_PUBLIC_PLACES, KG_INCLUSIVE, KG_PUBLIC_CHILDREN, KG_GROSS } metric_kg_kind;

static int metric_kg(const metric_req *m, double *value, json_t **as_of)
{
    metric_kg_kind kind = (metric_kg_kind)m->kind;
    eval_kg_totals t;
    int latest = eval_latest_year(m->db, &m->scope, m->year);
    if (latest == 0)
        return metric_set(as_of, metric_school_year(0), value, NAN);
    int rc = eval_kg_totals_load(m->db, &m->scope, latest, &t);
    if (rc != STORE_OK)
        return rc;
    double v = NAN;
    switch (kind) {
    case KG_PUBLIC_PLACES: v = metric_share(t.public_places, t.places); break;
    case KG_INCLUSIVE: v = metric_share(t.inclusive_children, t.children); break;
    case KG_PUBLIC_CHILDREN: v = metric_share(t.public_children, t.children); break;
    case KG_GROSS:
        v = t.towns_with_population < t.towns ? NAN : metric_share(t.children, t.population);
        break;
    }
    return metric_set(as_of, metric_school_year(latest), value, v);
}

/* ------------------------------------------------------- statistics */

/* High-school places: all and public. */
typedef struct metric_places {
    double places, public_places;
} metric_places;

/* One record: type, nature, capacity, senior pupils, all pupils. */
static int metric_senior_row(void *ctx, int ncols, const sval *cols)
{
    metric_places *t = ctx;
    if (ncols < 5 || cols[0].type != SV_TEXT)
        return 1;
    int high_school = strcmp(cols[0].s, "高级中学") == 0;
    int is_public = cols[1].type == SV_TEXT && strcmp(cols[1].s, "公办") == 0;
    double capacity = sval_num(&cols[2], 0), senior = sval_num(&cols[3], 0);
    double pupils = sval_num(&cols[4], 0);
    double places = high_school ? capacity : pupils > 0 ? capacity * senior / pupils : 0;
    t->places += places;
    if (is_public)
        t->public_places += places;
    return 0;
}

static int metric_senior_share(const metric_req *m, double *value, json_t **as_of)
{
    metric_places t = {0};
    int latest = eval_latest_year(m->db, &m->scope, m->year);
    if (latest == 0)
        return metric_set(as_of, metric_school_year(0), value, NAN);
    sval p[] = {SV_I(latest), SV_T(m->scope.path), SV_T(m->scope.path_hi)};
    int rc = db_each(m->db,
                     "SELECT s.type, s.nature, "
                     "SUM(CASE WHEN v.field = 'capacity' THEN v.num END), "
                     "SUM(CASE WHEN v.field = 'senior_pupils' THEN v.num END), "
                     "SUM(CASE WHEN v.field IN ('primary_pupils', 'junior_pupils', "
                     "'senior_pupils') THEN v.num END) "
                     "FROM stat_records r JOIN schools s ON s.id = r.school_id "
                     "LEFT JOIN stat_values v ON v.record_id = r.id AND v.field IN "
                     "('capacity', 'primary_pupils', 'junior_pupils', 'senior_pupils') "
                     "WHERE r.year = ? AND r.path >= ? AND r.path < ? AND s.type IN "
                     "(SELECT school_type FROM stat_sections WHERE section = 'senior') "
                     "GROUP BY r.id, s.type, s.nature",
                     p, 3, metric_senior_row, &t);
    if (rc != STORE_OK)
        return rc;
    return metric_set(as_of, metric_school_year(latest), value,
                      metric_share(t.public_places, t.places));
}

/* 1 when field is a numeric 基表 field (stat_fields, not an enum). */
static int metric_field_valid(store_db *db, const char *field)
{
    int64_t n = 0;
    sval p[] = {SV_T(field)};
    if (!field || !*field)
        return 0;
    int rc = db_query_int(db,
                          "SELECT COUNT(*) FROM stat_fields WHERE key = ? AND kind <> 'enum'",
                          p, 1, &n);
    return rc == STORE_OK && n > 0;
}

static int metric_stats_total(const metric_req *m, double *value, json_t **as_of)
{
    double sum = 0;
    int latest = eval_latest_year(m->db, &m->scope, m->year);
    if (latest == 0)
        return metric_set(as_of, metric_school_year(0), value, NAN);
    sval p[] = {SV_T(m->arg), SV_I(latest), SV_T(m->scope.path), SV_T(m->scope.path_hi)};
    int rc = metric_sum(m->db,
                        "SELECT SUM(v.num) FROM stat_values v "
                        "JOIN stat_records r ON r.id = v.record_id "
                        "WHERE v.field = ? AND r.year = ? AND r.path >= ? AND r.path < ?",
                        p, 4, &sum);
    if (rc != STORE_OK)
        return rc;
    return metric_set(as_of, metric_school_year(latest), value, sum);
}

/* ----------------------------------------------------------- schools */

static int metric_schools_open(const metric_req *m, double *value, json_t **as_of)
{
    int64_t n = 0;
    sval p[] = {SV_T(m->scope.path), SV_T(m->scope.path_hi), SV_T(m->arg)};
    int rc = m->arg ? db_query_int(m->db,
                                   "SELECT COUNT(*) FROM schools WHERE path >= ? AND path < ? "
                                   "AND status = '在办' AND type = ?",
                                   p, 3, &n)
                    : db_query_int(m->db,
                                   "SELECT COUNT(*) FROM schools WHERE path >= ? AND path < ? "
                                   "AND status = '在办'",
                                   p, 2, &n);
    if (rc != STORE_OK)
        return rc;
    return metric_set(as_of, metric_now(), value, (double)n);
}

static int metric_schools_closed(const metric_req *m, double *value, json_t **as_of)
{
    metric_days d;
    int64_t n = 0;
    metric_year_bounds(m->year, &d);
    sval p[] = {SV_T(m->scope.path), SV_T(m->scope.path_hi), SV_T(d.from), SV_T(d.to)};
    int rc = db_query_int(m->db,
                          "SELECT COUNT(*) FROM schools WHERE path >= ? AND path < ? "
                          "AND status IN ('撤并', '停办') AND closed_on >= ? AND closed_on <= ?",
                          p, 4, &n);
    if (rc != STORE_OK)
        return rc;
    return metric_set(as_of, metric_calendar_year(m->year), value, (double)n);
}

/* ------------------------------------------------------------ safety */

typedef enum { HZ_FOUND, HZ_CLOSED, HZ_OPEN, HZ_OVERDUE, HZ_RATE } metric_hz_kind;

/* Open and overdue at the end of a past year: found by then and not yet
 * closed then; overdue when its deadline had passed. */
static int metric_hazards_at(const metric_req *m, const char *day, int overdue, double *out)
{
    sval p[] = {SV_T(day), SV_T(m->scope.path), SV_T(m->scope.path_hi), SV_T(day), SV_T(day)};
    if (overdue)
        return metric_sum(m->db,
                          "SELECT COALESCE(SUM(CASE WHEN deadline IS NOT NULL AND deadline < ? "
                          "THEN 1 ELSE 0 END), 0) FROM hazards WHERE path >= ? AND path < ? "
                          "AND found_on <= ? AND (status <> '已销号' OR closed_on > ?)",
                          p, 5, out);
    return metric_sum(m->db,
                      "SELECT COUNT(*) FROM hazards WHERE path >= ? AND path < ? "
                      "AND found_on <= ? AND (status <> '已销号' OR closed_on > ?)",
                      p + 1, 4, out);
}

static int metric_hazards(const metric_req *m, double *value, json_t **as_of)
{
    metric_hz_kind kind = (metric_hz_kind)m->kind;
    metric_days d;
    json_t *summary = NULL;
    metric_year_bounds(m->year, &d);
    if ((kind == HZ_OPEN || kind == HZ_OVERDUE) && m->year < metric_this_year()) {
        double n = 0;
        int rc = metric_hazards_at(m, d.to, kind == HZ_OVERDUE, &n);
        if (rc != STORE_OK)
            return rc;
        return metric_set(as_of, metric_calendar_year(m->year), value, n);
    }
    arena *a = arena_new();
    int rc = safety_summary_hazards(m->db, a, m->scope.path, d.from, d.to, 1, &summary);
    arena_free(a);
    if (rc != STORE_OK)
        return rc;
    static const char *const keys[] = {"found", "closed", "open", "overdue", "closure_rate"};
    json_t *v = json_object_get(summary, keys[kind]);
    double n = json_is_number(v) ? json_number_value(v) : NAN;
    json_decref(summary);
    return metric_set(as_of, metric_calendar_year(m->year), value, kind == HZ_RATE ? 100 * n : n);
}

/* What an activity kind counts: the quantity for 安防器材, 灭火器 and
 * 宣传版面, the schools for 维修, else the activities. */
static const char *metric_activity_column(const char *kind)
{
    if (strcmp(kind, "安防器材") == 0 || strcmp(kind, "灭火器") == 0 ||
        strcmp(kind, "宣传版面") == 0)
        return "quantity";
    return strcmp(kind, "维修") == 0 ? "schools" : "count";
}

static const char *metric_activity_unit(const char *kind)
{
    static const char *const units[][2] = {
        {"安全教育", "场次"}, {"应急演练", "场次"}, {"安防器材", "件"},
        {"灭火器", "具"},     {"维修", "所"},       {"宣传版面", "块"},
    };
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (strcmp(units[i][0], kind) == 0)
            return units[i][1];
    return "";
}

static int metric_activity(const metric_req *m, double *value, json_t **as_of)
{
    metric_days d;
    json_t *row = NULL;
    metric_year_bounds(m->year, &d);
    sval p[] = {SV_T(m->scope.path), SV_T(m->scope.path_hi), SV_T(m->arg), SV_T(d.from),
                SV_T(d.to)};
    int rc = db_query_one(m->db,
                          "SELECT COUNT(*) AS count, COALESCE(SUM(quantity), 0) AS quantity, "
                          "COUNT(DISTINCT school_id) AS schools FROM safety_activities "
                          "WHERE path >= ? AND path < ? AND kind = ? "
                          "AND on_date >= ? AND on_date <= ?",
                          p, 5, &row);
    if (rc != STORE_OK)
        return rc;
    double n = json_number_value(json_object_get(row, metric_activity_column(m->arg)));
    json_decref(row);
    return metric_set(as_of, metric_calendar_year(m->year), value, n);
}

/* ------------------------------------------------------------ eval */

static int metric_balanced(const metric_req *m, double *value, json_t **as_of)
{
    json_t *out = NULL;
    refusal e = {0};
    int latest = eval_latest_year(m->db, &m->scope, m->year);
    if (latest == 0)
        return metric_set(as_of, metric_school_year(0), value, NAN);
    /* until the evaluation answers (or when it refuses) there is no figure */
    double n = NAN;
    if (eval_balanced(m->db, &m->scope, latest, m->arg, NULL, EVAL_SUMMARY, &out, &e) == STORE_OK) {
        json_t *v = json_object_get(out, "schools_passing");
        n = json_is_number(v) ? json_number_value(v) : NAN;
    }
    json_decref(out);
    return metric_set(as_of, metric_school_year(latest), value, n);
}

/* ------------------------------------------------------------ registry */

/* Each registry key's function and, for a family, which of its figures. */
static const struct {
    const char *key;
    metric_fn fn;
    int kind;
} metric_impls[] = {
    {"kg_public_place_share", metric_kg, KG_PUBLIC_PLACES},
    {"kg_inclusive_coverage", metric_kg, KG_INCLUSIVE},
    {"kg_public_enrollment_share", metric_kg, KG_PUBLIC_CHILDREN},
    {"kg_gross_enrollment", metric_kg, KG_GROSS},
    {"senior_public_place_share", metric_senior_share, 0},
    {"schools_open", metric_schools_open, 0},
    {"schools_type", metric_schools_open, 0},
    {"schools_closed", metric_schools_closed, 0},
    {"hazards_found", metric_hazards, HZ_FOUND},
    {"hazards_closed", metric_hazards, HZ_CLOSED},
    {"hazards_open", metric_hazards, HZ_OPEN},
    {"hazards_overdue", metric_hazards, HZ_OVERDUE},
    {"hazards_closure_rate", metric_hazards, HZ_RATE},
    {"safety_activity", metric_activity, 0},
    {"stats_total", metric_stats_total, 0},
    {"balanced_schools_passing", metric_balanced, 0},
};

int metrics_key_yearly(const char *key)
{
    size_t n = key ? strcspn(key, ":") : 0;
    for (const metric_def *d = metrics_registry; key && d->key; d++)
        if (strlen(d->key) == n && strncmp(d->key, key, n) == 0)
            return d->yearly;
    return 0;
}

/* The registry entry of key ("name" or "name:arg"; name into name_out,
 * the argument's offset into *arg), or NULL. */
static const metric_def *metric_find(const char *key, char name_out[64], const char **arg)
{
    if (!key)
        return NULL;
    const char *colon = strchr(key, ':');
    size_t n = colon ? (size_t)(colon - key) : strlen(key);
    if (n == 0 || n >= 64)
        return NULL;
    memcpy(name_out, key, n);
    name_out[n] = '\0';
    *arg = colon ? colon + 1 : NULL;
    for (const metric_def *d = metrics_registry; d->key; d++)
        if (strcmp(d->key, name_out) == 0)
            return (d->arg != NULL) == (colon != NULL) ? d : NULL;
    return NULL;
}

/* 1 when arg is a valid argument of the entry named name. */
static int metric_arg_valid(store_db *db, const char *name, const char *arg)
{
    if (!arg)
        return 1;
    if (strcmp(name, "schools_type") == 0)
        return schools_type_valid(arg);
    if (strcmp(name, "safety_activity") == 0)
        return text_in_list(safety_activity_kinds, arg);
    if (strcmp(name, "balanced_schools_passing") == 0)
        return text_in_list(metrics_stages, arg);
    if (strcmp(name, "stats_total") == 0)
        return metric_field_valid(db, arg);
    return 0;
}

int metrics_key_valid(store_db *db, const char *key)
{
    char name[64];
    const char *arg = NULL;
    const metric_def *d = metric_find(key, name, &arg);
    return d && metric_arg_valid(db, name, arg);
}

int metrics_value(store_db *db, const char *key, const char *path, const char *path_hi,
                  int64_t county_org_id, int year, double *value, json_t **as_of)
{
    char name[64];
    const char *arg = NULL;
    *value = NAN;
    if (as_of)
        *as_of = NULL;
    const metric_def *d = metric_find(key, name, &arg);
    if (!d || !metric_arg_valid(db, name, arg))
        return STORE_NOTFOUND;
    metric_req m = {.db = db,
                    .scope = {.path = path, .path_hi = path_hi, .county_org_id = county_org_id},
                    .year = year,
                    .arg = arg};
    for (size_t i = 0; i < sizeof metric_impls / sizeof metric_impls[0]; i++)
        if (strcmp(metric_impls[i].key, name) == 0) {
            m.kind = metric_impls[i].kind;
            return metric_impls[i].fn(&m, value, as_of);
        }
    return STORE_NOTFOUND;
}

/* --------------------------------------------------------------- list */

/* Appends {"key","name","unit","module","yearly","value","as_of"} of key. */
static int metric_list_add(json_t *items, store_db *db, const metric_req *m, const char *key,
                           const char *name, const char *unit, const char *module)
{
    double value = NAN;
    json_t *as_of = NULL;
    int rc = metrics_value(db, key, m->scope.path, m->scope.path_hi, m->scope.county_org_id,
                           m->year, &value, &as_of);
    if (rc != STORE_OK)
        return rc;
    json_t *item = json_pack("{ss ss ss ss sb so so*}", "key", key, "name", name, "unit", unit,
                             "module", module, "yearly", metrics_key_yearly(key),
                             "value", isfinite(value) ? json_real(value) : json_null(),
                             "as_of", as_of);
    if (!item)
        return STORE_ERROR;
    json_array_append_new(items, item);
    return STORE_OK;
}

/* The stats_total entries of the common fields that stat_fields knows. */
static int metric_list_fields(json_t *items, store_db *db, const metric_req *m,
                              const metric_def *d)
{
    for (int i = 0; metrics_common_fields[i]; i++) {
        json_t *row = NULL;
        char key[96];
        sval p[] = {SV_T(metrics_common_fields[i])};
        int rc = db_query_one(db,
                              "SELECT label, unit FROM stat_fields WHERE key = ? "
                              "ORDER BY year_from DESC",
                              p, 1, &row);
        if (rc == STORE_NOTFOUND)
            continue;
        if (rc != STORE_OK)
            return rc;
        const char *unit = json_string_value(json_object_get(row, "unit"));
        snprintf(key, sizeof key, "%s:%s", d->key, metrics_common_fields[i]);
        rc = metric_list_add(items, db, m, key, json_string_value(json_object_get(row, "label")),
                             unit ? unit : "", d->module);
        json_decref(row);
        if (rc != STORE_OK)
            return rc;
    }
    return STORE_OK;
}

/* The entries of one argument entry with its common arguments. */
static int metric_list_args(json_t *items, store_db *db, const metric_req *m, const metric_def *d)
{
    char key[96], name[128];
    int rc = STORE_OK;
    if (strcmp(d->key, "stats_total") == 0)
        return metric_list_fields(items, db, m, d);
    if (strcmp(d->key, "schools_type") == 0) {
        for (int i = 0; schools_types[i] && rc == STORE_OK; i++) {
            snprintf(key, sizeof key, "%s:%s", d->key, schools_types[i]);
            snprintf(name, sizeof name, "在办学校数（%s）", schools_types[i]);
            rc = metric_list_add(items, db, m, key, name, d->unit, d->module);
        }
    } else if (strcmp(d->key, "safety_activity") == 0) {
        for (int i = 0; safety_activity_kinds[i] && rc == STORE_OK; i++) {
            const char *kind = safety_activity_kinds[i];
            const char *column = metric_activity_column(kind);
            snprintf(key, sizeof key, "%s:%s", d->key, kind);
            snprintf(name, sizeof name, "%s%s", kind,
                     strcmp(column, "count") == 0 ? "场次"
                     : strcmp(column, "schools") == 0 ? "学校数" : "数量");
            rc = metric_list_add(items, db, m, key, name, metric_activity_unit(kind), d->module);
        }
    } else if (strcmp(d->key, "balanced_schools_passing") == 0) {
        for (int i = 0; metrics_stages[i] && rc == STORE_OK; i++) {
            snprintf(key, sizeof key, "%s:%s", d->key, metrics_stages[i]);
            snprintf(name, sizeof name, "%s（%s）", d->name, metrics_stage_names[i]);
            rc = metric_list_add(items, db, m, key, name, d->unit, d->module);
        }
    }
    return rc;
}

int metrics_list(store_db *db, const char *path, const char *path_hi, int64_t county_org_id,
                 int year, json_t **out)
{
    json_t *items = json_array();
    metric_req m = {.db = db,
                    .scope = {.path = path, .path_hi = path_hi, .county_org_id = county_org_id},
                    .year = year};
    int rc = STORE_OK;
    *out = NULL;
    for (const metric_def *d = metrics_registry; d->key && rc == STORE_OK; d++)
        rc = d->arg ? metric_list_args(items, db, &m, d)
                    : metric_list_add(items, db, &m, d->key, d->name, d->unit, d->module);
    if (rc != STORE_OK) {
        json_decref(items);
        return rc;
    }
    *out = items;
    return STORE_OK;
}
