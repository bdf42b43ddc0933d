/*
 * eval_load.c - what one 义务教育优质均衡 evaluation reads (eval_balanced.c
 * evaluates it; shared structs in eval_internal.h):
 *
 *   ev_rules_load   the thresholds of a stage from the standards in force
 *   ev_load         the stage weights of combined schools, the schools in
 *                   scope with a record of the year, then the values of
 *                   those records, streamed by db_each into an ev_data of
 *                   which the fields the evaluation needs are kept (a slot
 *                   per field, found by a small hash; missing values are 0)
 *   ev_share        a school's share of a stage (combined schools split by
 *                   eval_stage_weights, eval_stage_shares)
 *   ev_exclusion    the parts left out: 特殊教育学校, and 教学点 with fewer
 *                   pupils than exclude_point_pupils
 *
 * No query per school: a province of 36,000 schools is two scans. Texts
 * of the schools (name, town ...) are copied into one pool, by offset.
 */
#include "domain/eval_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* clang-format off */
static const char *const ev_base_fields[F_NBASE] = {
    "teachers_postgrad", "teachers_bachelor", "teachers_college", "teachers_key",
    "teachers_pe", "teachers_music", "teachers_art", "teaching_area", "sports_ground_area",
    "gym_area", "equipment_value", "multimedia_rooms", "music_rooms", "art_rooms",
    "primary_pupils", "junior_pupils", "senior_pupils", "primary_classes", "junior_classes",
    "primary_classes_56_65", "junior_classes_56_65", "primary_classes_66plus",
    "junior_classes_66plus"};
/* clang-format on */

/* ------------------------------------------------------------ the fields */

static unsigned ev_hash(const char *s)
{
    unsigned h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

int ev_slot(const ev_data *d, const char *key)
{
    for (unsigned h = ev_hash(key) & (EV_HASH - 1);; h = (h + 1) & (EV_HASH - 1)) {
        int s = d->slot_of[h];
        if (s == 0)
            return -1;
        if (strcmp(d->fields[s - 1], key) == 0)
            return s - 1;
    }
}

void ev_add_field(ev_data *d, const char *key)
{
    if (ev_slot(d, key) >= 0 || d->nfields == EV_MAX_FIELDS)
        return;
    unsigned h = ev_hash(key) & (EV_HASH - 1);
    while (d->slot_of[h])
        h = (h + 1) & (EV_HASH - 1);
    d->fields[d->nfields] = key;
    d->slot_of[h] = (int)++d->nfields;
}

ev_data *ev_data_new(void)
{
    ev_data *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    for (int f = 0; f < F_NBASE; f++)
        ev_add_field(d, ev_base_fields[f]);
    return d;
}

void ev_data_free(ev_data *d)
{
    if (!d)
        return;
    free(d->schools);
    free(d->values);
    free(d->pool);
    free(d);
}

double *ev_row(const ev_data *d, size_t i)
{
    return d->values + i * d->nfields;
}

/* ------------------------------------------------------------ the texts */

/* Grows the pool to hold len more bytes; 0, or -1 out of memory. */
static int ev_pool_grow(ev_data *d, size_t len)
{
    if (d->pool_len + len + 1 <= d->pool_cap)
        return 0;
    size_t cap = d->pool_cap ? d->pool_cap * 2 : 65536;
    while (cap < d->pool_len + len + 1)
        cap *= 2;
    char *pool = realloc(d->pool, cap);
    if (!pool)
        return -1;
    if (!d->pool) {
        pool[0] = '\0'; /* offset 0 is the empty string */
        d->pool_len = 1;
    }
    d->pool = pool;
    d->pool_cap = cap;
    return 0;
}

/* Copies text into the pool; its offset (0 is the empty string). */
static size_t ev_pool_add(ev_data *d, const sval *v)
{
    if (v->type != SV_TEXT || !v->s || !*v->s)
        return 0;
    size_t len = strlen(v->s) + 1;
    if (ev_pool_grow(d, len) != 0) {
        d->failed = 1;
        return 0;
    }
    size_t at = d->pool_len;
    memcpy(d->pool + at, v->s, len);
    d->pool_len += len;
    return at;
}

const char *ev_str(const ev_data *d, size_t at)
{
    return at && d->pool ? d->pool + at : "";
}

/* ------------------------------------------------------------ the rows */

/* The index of the weights of school type type, or -1. */
static int ev_weights_of(const ev_data *d, const char *type)
{
    for (int i = 0; i < d->nweights; i++)
        if (strcmp(d->weights[i].type, type) == 0)
            return i;
    return -1;
}

/* The stage of key, or -1. */
static int ev_stage_index(const char *key)
{
    for (int s = 0; s < EVAL_NSTAGES; s++)
        if (strcmp(key, eval_stage_keys[s]) == 0)
            return s;
    return -1;
}

/* One row of eval_stage_weights: school_type, stage, weight (ordered by
 * year_from, so a later row replaces an earlier one). */
static int ev_weight_row(void *ctx, int ncols, const sval *cols)
{
    ev_data *d = ctx;
    if (ncols < 3 || cols[0].type != SV_TEXT || cols[1].type != SV_TEXT)
        return 0;
    int stage = ev_stage_index(cols[1].s);
    int i = ev_weights_of(d, cols[0].s);
    if (stage < 0 || (i < 0 && (d->nweights == EV_MAX_WEIGHTS ||
                                strlen(cols[0].s) >= sizeof d->weights[0].type)))
        return 0;
    if (i < 0) {
        i = d->nweights++;
        memset(&d->weights[i], 0, sizeof d->weights[i]);
        strcpy(d->weights[i].type, cols[0].s);
    }
    d->weights[i].w[stage] = sval_num(&cols[2], 0);
    return 0;
}

/* A new school at the end of d->schools, or NULL out of memory. */
static ev_school *ev_school_push(ev_data *d)
{
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 512;
        ev_school *grown = realloc(d->schools, cap * sizeof *grown);
        if (!grown)
            return NULL;
        d->schools = grown;
        d->cap = cap;
    }
    return &d->schools[d->n++];
}

/* One school row: r.id, s.id, s.code, s.name, r.school_type, s.area,
 * town name, r.status. */
static int ev_school_row(void *ctx, int ncols, const sval *cols)
{
    ev_data *d = ctx;
    if (ncols < 8)
        return 0;
    ev_school *s = ev_school_push(d);
    if (!s) {
        d->failed = 1;
        return 1;
    }
    const char *type = eval_text(&cols[4]);
    s->record_id = cols[0].i;
    s->school_id = cols[1].i;
    s->code = ev_pool_add(d, &cols[2]);
    s->name = ev_pool_add(d, &cols[3]);
    s->type = ev_pool_add(d, &cols[4]);
    s->area = ev_pool_add(d, &cols[5]);
    s->town = ev_pool_add(d, &cols[6]);
    s->status = ev_pool_add(d, &cols[7]);
    s->weights = ev_weights_of(d, type);
    s->kind = strcmp(type, "特殊教育学校") == 0 ? EV_SPECIAL
              : strcmp(type, "教学点") == 0     ? EV_POINT
                                                : EV_SCHOOL;
    return d->failed;
}

/* The school of record_id (schools are ordered by record id), or -1; the
 * rows of one record come together, so the last school is tried first. */
static long ev_school_of_record(ev_data *d, int64_t record_id)
{
    if (d->hint < d->n && d->schools[d->hint].record_id == record_id)
        return (long)d->hint;
    if (d->hint + 1 < d->n && d->schools[d->hint + 1].record_id == record_id)
        return (long)++d->hint;
    size_t lo = 0, hi = d->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (d->schools[mid].record_id < record_id)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < d->n && d->schools[lo].record_id == record_id) {
        d->hint = lo;
        return (long)lo;
    }
    return -1;
}

/* One value row: record_id, field, num. */
static int ev_value_row(void *ctx, int ncols, const sval *cols)
{
    ev_data *d = ctx;
    if (ncols < 3 || cols[1].type != SV_TEXT)
        return 0;
    long i = ev_school_of_record(d, cols[0].i);
    int slot = ev_slot(d, cols[1].s);
    if (i >= 0 && slot >= 0)
        d->values[(size_t)i * d->nfields + (size_t)slot] = sval_num(&cols[2], 0);
    return 0;
}

/* ------------------------------------------------------------ the load */

static int ev_load_weights(store_db *db, int year, ev_data *d)
{
    sval p[] = {SV_I(year), SV_I(year)};
    return db_each(db,
                   "SELECT school_type, stage, weight FROM eval_stage_weights "
                   "WHERE year_from <= ? AND (year_to IS NULL OR year_to >= ?) "
                   "ORDER BY year_from",
                   p, 2, ev_weight_row, d);
}

int ev_load(store_db *db, const eval_scope *scope, int year, ev_data *d)
{
    int rc = ev_load_weights(db, year, d);
    if (rc != STORE_OK)
        return rc;
    sval p[] = {SV_I(year), SV_T(scope->path), SV_T(scope->path_hi)};
    rc = db_each(db,
                 "SELECT r.id, s.id, s.code, s.name, r.school_type, s.area, t.name, r.status "
                 "FROM stat_records r JOIN schools s ON s.id = r.school_id "
                 "LEFT JOIN org_units t ON t.id = s.town_id "
                 "WHERE r.year = ? AND r.path >= ? AND r.path < ? ORDER BY r.id",
                 p, 3, ev_school_row, d);
    if (rc == STORE_OK && d->failed)
        rc = STORE_ERROR;
    if (rc != STORE_OK || d->n == 0)
        return rc;
    d->values = calloc(d->n * d->nfields, sizeof *d->values);
    if (!d->values)
        return STORE_ERROR;

    /* every value of the records, the fields picked here: one sequential
     * read of each record's index entries costs less than an IN probe per
     * field (36,000 records: 0.09 s against 0.2 s in SQLite alone) */
    return db_each(db,
                   "SELECT v.record_id, v.field, v.num FROM stat_records r "
                   "JOIN stat_values v ON v.record_id = r.id "
                   "WHERE r.year = ? AND r.path >= ? AND r.path < ?",
                   p, 3, ev_value_row, d);
}

/* ------------------------------------------------------------ the rules */

/* The national row of indicator at stage, or NULL. */
static json_t *ev_standard(json_t *standards, const char *indicator, const char *stage)
{
    size_t i;
    json_t *row;
    json_array_foreach(standards, i, row)
    {
        if (strcmp(json_string_value(json_object_get(row, "indicator")), indicator) == 0 &&
            strcmp(json_string_value(json_object_get(row, "stage")), stage) == 0 &&
            strcmp(json_string_value(json_object_get(row, "level")), "国家") == 0)
            return row;
    }
    return NULL;
}

/* The threshold, name and unit of the 7 indicators at the stage. */
static void ev_rules_indicators(json_t *standards, const char *stage, ev_rules *r)
{
    for (int k = 0; k < EVAL_NINDICATORS; k++) {
        json_t *row = ev_standard(standards, eval_indicator_keys[k], stage);
        r->threshold[k] = eval_standard_threshold(standards, eval_indicator_keys[k], stage, NULL);
        r->name[k] = row ? json_string_value(json_object_get(row, "name")) : NULL;
        r->unit[k] = row ? json_string_value(json_object_get(row, "unit")) : NULL;
        if (!r->name[k])
            r->name[k] = eval_indicator_keys[k];
        if (!r->unit[k])
            r->unit[k] = "";
    }
}

/* A missing row makes its check the strictest (all 7 met, no 85%
 * allowance) or no check at all (a CV, a guarantee item or the 教学点
 * exclusion without a threshold). */
void ev_rules_load(json_t *standards, int stage, ev_rules *r)
{
    const char *sk = eval_stage_keys[stage];
    memset(r, 0, sizeof *r);
    r->stage = stage;
    ev_rules_indicators(standards, sk, r);
    r->cv_threshold = eval_standard_threshold(standards, "cv", sk, NULL);
    double min_met = eval_standard_threshold(standards, "indicators_met", sk, NULL);
    r->min_met = isnan(min_met) ? EVAL_NINDICATORS : (int)ceil(min_met - 1e-9);
    r->remaining_ratio = eval_standard_threshold(standards, "remaining_ratio", sk, NULL);
    if (isnan(r->remaining_ratio))
        r->remaining_ratio = 1;
    json_t *point = ev_standard(standards, "exclude_point_pupils", "primary");
    r->point_pupils = point ? json_number_value(json_object_get(point, "threshold")) : NAN;
    r->point_comparison = point ? json_string_value(json_object_get(point, "comparison")) : NULL;
    r->class_size_max = eval_standard_threshold(standards, "class_size_max", sk, NULL);
    r->school_size_max = eval_standard_threshold(standards, "school_size_max", sk, NULL);
    r->school_size_combined =
        eval_standard_threshold(standards, "school_size_max", "combined", NULL);
    r->music_art = eval_standard_threshold(standards, "music_art_rooms", "county", NULL);
}

/* ------------------------------------------------- the parts of a school */

double ev_share(const ev_data *d, size_t i, int stage)
{
    const ev_school *s = &d->schools[i];
    if (s->weights < 0)
        return 1;
    const double *v = ev_row(d, i);
    double pupils[EVAL_NSTAGES], shares[EVAL_NSTAGES];
    for (int t = 0; t < EVAL_NSTAGES; t++)
        pupils[t] = v[F_PUPILS + t];
    eval_stage_shares(pupils, d->weights[s->weights].w, shares);
    return shares[stage];
}

int ev_through_school(const ev_data *d, size_t i)
{
    int w = d->schools[i].weights;
    return w >= 0 && d->weights[w].w[EVAL_PRIMARY] > 0 && d->weights[w].w[EVAL_JUNIOR] > 0;
}

int ev_exclusion(const ev_data *d, const ev_rules *r, size_t i, double pupils)
{
    int kind = d->schools[i].kind;
    if (kind == EV_SPECIAL)
        return EV_SPECIAL;
    if (kind == EV_POINT && r->point_comparison &&
        eval_compare(pupils, r->point_comparison, r->point_pupils))
        return EV_POINT;
    return EV_SCHOOL;
}
