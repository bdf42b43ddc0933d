/*
 * eval_size.c - 班额 and school sizes (GET /api/eval/class-size), crowding
 * by 城乡分类, and the size part of one school's card (ev_size_school, for
 * eval_card.c).
 *
 * 班额 (standards.md §2): per stage the classes, pupils, average and the
 * 大班额 (56-65) and 超大班额 (66+) classes the 基表 counts, their shares
 * against large_class_share / huge_class_share (the senior row speaks of
 * "56人及以上": with no huge threshold the large one covers both bands).
 * Sizes: a school's pupils of all stages against its 核定学位 (capacity),
 * and its stage against school_size_max (九年/十二年一贯制: the compulsory
 * pupils against 'combined'). By area, a stage's capacity is the school's
 * capacity split by the stage's share of its pupils. The crowding sentence
 * compares 城区 and 乡村 over the compulsory stages (the seed's "城区学校挤、
 * 乡村学校弱"). One query reads every record of the year; nothing is stored.
 */
#include "domain/eval_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { SZ_CITY, SZ_TOWN, SZ_RURAL, SZ_NAREAS };
static const char *const sz_areas[SZ_NAREAS] = {"城区", "镇区", "乡村"};

/* Classes, pupils and the large bands of one stage. */
typedef struct sz_counts {
    double schools, classes, pupils, large, huge;
    double capacity, capacity_pupils; /* capacity split to the stage, and its pupils */
} sz_counts;

/* One school's record, as sz_each delivers it (text valid in the call). */
typedef struct sz_rec {
    eval_school_head h; /* type is h.kind */
    double capacity, kg, vocational;
    sz_counts st[EVAL_NSTAGES];
} sz_rec;

#define SZ_NCOLS 23

static const char sz_sql[] =
    "SELECT " EVAL_SCHOOL_COLS("type") ", "
    "SUM(CASE WHEN v.field = 'capacity' THEN v.num END), "
    "SUM(CASE WHEN v.field = 'kg_children' THEN v.num END), "
    "SUM(CASE WHEN v.field = 'vocational_pupils' THEN v.num END), "
    "SUM(CASE WHEN v.field = 'primary_classes' THEN v.num END), "
    "SUM(CASE WHEN v.field = 'primary_pupils' THEN v.num END), "
    "SUM(CASE WHEN v.field = 'primary_classes_56_65' THEN v.num END), "
    "SUM(CASE WHEN v.field = 'primary_classes_66plus' THEN v.num END), "
    "SUM(CASE WHEN v.field = 'junior_classes' THEN v.num END), "
    "SUM(CASE WHEN v.field = 'junior_pupils' THEN v.num END), "
    "SUM(CASE WHEN v.field = 'junior_classes_56_65' THEN v.num END), "
    "SUM(CASE WHEN v.field = 'junior_classes_66plus' THEN v.num END), "
    "SUM(CASE WHEN v.field = 'senior_classes' THEN v.num END), "
    "SUM(CASE WHEN v.field = 'senior_pupils' THEN v.num END), "
    "SUM(CASE WHEN v.field = 'senior_classes_56_65' THEN v.num END), "
    "SUM(CASE WHEN v.field = 'senior_classes_66plus' THEN v.num END) "
    "FROM stat_records r JOIN schools s ON s.id = r.school_id "
    "LEFT JOIN org_units tw ON tw.id = s.town_id "
    "LEFT JOIN stat_values v ON v.record_id = r.id AND v.field IN "
    "('capacity', 'kg_children', 'vocational_pupils', "
    "'primary_classes', 'primary_pupils', 'primary_classes_56_65', 'primary_classes_66plus', "
    "'junior_classes', 'junior_pupils', 'junior_classes_56_65', 'junior_classes_66plus', "
    "'senior_classes', 'senior_pupils', 'senior_classes_56_65', 'senior_classes_66plus') "
    "WHERE r.year = ? AND r.path >= ? AND r.path < ? "
    "GROUP BY r.id, " EVAL_SCHOOL_COLS("type") " "
    "ORDER BY s.name, s.id";

static int sz_rec_read(int ncols, const sval *cols, sz_rec *k)
{
    if (ncols < SZ_NCOLS)
        return 1;
    memset(k, 0, sizeof *k);
    eval_school_head_read(cols, &k->h);
    k->capacity = sval_num(&cols[8], 0);
    k->kg = sval_num(&cols[9], 0);
    k->vocational = sval_num(&cols[10], 0);
    for (int s = 0; s < EVAL_NSTAGES; s++) {
        sz_counts *c = &k->st[s];
        c->classes = sval_num(&cols[11 + 4 * s], 0);
        c->pupils = sval_num(&cols[12 + 4 * s], 0);
        c->large = sval_num(&cols[13 + 4 * s], 0);
        c->huge = sval_num(&cols[14 + 4 * s], 0);
        c->schools = c->pupils > 0 || c->classes > 0;
    }
    return 0;
}

/* Every pupil of the school: its stages and kindergarten children. */
static double sz_pupils_all(const sz_rec *k)
{
    return k->kg + k->vocational + k->st[0].pupils + k->st[1].pupils + k->st[2].pupils;
}

static int sz_area_index(const char *area)
{
    for (int a = 0; a < SZ_NAREAS; a++)
        if (strcmp(area, sz_areas[a]) == 0)
            return a;
    return -1;
}

static void sz_add(sz_counts *to, const sz_counts *c)
{
    to->schools += c->schools;
    to->classes += c->classes;
    to->pupils += c->pupils;
    to->large += c->large;
    to->huge += c->huge;
    to->capacity += c->capacity;
    to->capacity_pupils += c->capacity_pupils;
}

/* ------------------------------------------------------------ the county */

/* One town met in the records, its stages summed. */
typedef struct sz_town {
    int64_t id;
    char *name;
    sz_counts st[EVAL_NSTAGES];
} sz_town;

/* What eval_class_size's callback builds. */
typedef struct sz_eval {
    sz_counts stage[EVAL_NSTAGES];
    sz_counts area[SZ_NAREAS][EVAL_NSTAGES];
    sz_counts crowd[SZ_NAREAS]; /* compulsory stages */
    double crowd_schools[SZ_NAREAS], crowd_capacity[SZ_NAREAS], crowd_capacity_pupils[SZ_NAREAS];
    double capacity, pupils_all; /* over the schools with a capacity */
    double pupils_total;         /* over every school */
    sz_town *towns;
    size_t ntowns, towns_cap;
    double size_limit[EVAL_NSTAGES], combined_limit;
    json_t *over_capacity, *over_size;
    int failed;
} sz_eval;

/* The town of k among those met so far (kept sorted by id), added when new. */
static sz_town *sz_town_of(sz_eval *e, const sz_rec *k)
{
    size_t lo = 0, hi = e->ntowns;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (e->towns[mid].id == k->h.town_id)
            return &e->towns[mid];
        if (e->towns[mid].id < k->h.town_id)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (e->ntowns == e->towns_cap) {
        size_t cap = e->towns_cap ? 2 * e->towns_cap : 32;
        sz_town *grown = realloc(e->towns, cap * sizeof *grown);
        if (!grown)
            return NULL;
        e->towns = grown;
        e->towns_cap = cap;
    }
    char *name = strdup(k->h.town);
    if (!name)
        return NULL;
    memmove(&e->towns[lo + 1], &e->towns[lo], (e->ntowns - lo) * sizeof *e->towns);
    sz_town *t = &e->towns[lo];
    memset(t, 0, sizeof *t);
    t->id = k->h.town_id;
    t->name = name;
    e->ntowns++;
    return t;
}

/* A school over its 核定学位. */
static int sz_over_capacity(sz_eval *e, const sz_rec *k, double pupils)
{
    if (k->capacity <= 0 || pupils <= k->capacity)
        return 0;
    json_t *item = json_pack(
        "{sI ss ss ss ss ss so so so sf}", "school_id", (json_int_t)k->h.school_id, "code", k->h.code,
        "name", k->h.name, "type", k->h.kind, "area", k->h.area, "town", k->h.town, "pupils",
        eval_json_count(pupils), "capacity", eval_json_count(k->capacity), "excess",
        eval_json_count(pupils - k->capacity), "occupancy", eval_round(pupils / k->capacity, 4));
    return !item || json_array_append_new(e->over_capacity, item) != 0;
}

/* One part of a school over its size limit. */
static int sz_over_size_add(sz_eval *e, const sz_rec *k, const char *stage, double pupils,
                            double limit)
{
    if (isnan(limit) || pupils <= limit)
        return 0;
    json_t *item = json_pack("{sI ss ss ss ss ss so so so}", "school_id", (json_int_t)k->h.school_id,
                             "code", k->h.code, "name", k->h.name, "type", k->h.kind, "area", k->h.area,
                             "stage", stage, "pupils", eval_json_count(pupils), "limit",
                             eval_json_count(limit), "excess", eval_json_count(pupils - limit));
    return !item || json_array_append_new(e->over_size, item) != 0;
}

/* The size checks of a school: a 一贯制 school's compulsory pupils against
 * 'combined', else each compulsory stage alone; the senior part alone. */
static int sz_over_size(sz_eval *e, const sz_rec *k)
{
    int combined =
        strcmp(k->h.kind, "九年一贯制学校") == 0 || strcmp(k->h.kind, "十二年一贯制学校") == 0;
    int rc = 0;
    if (combined)
        rc = sz_over_size_add(e, k, "combined",
                              k->st[EVAL_PRIMARY].pupils + k->st[EVAL_JUNIOR].pupils,
                              e->combined_limit);
    else
        for (int s = EVAL_PRIMARY; s <= EVAL_JUNIOR && !rc; s++)
            if (k->st[s].pupils > 0)
                rc = sz_over_size_add(e, k, eval_stage_keys[s], k->st[s].pupils, e->size_limit[s]);
    if (!rc && k->st[EVAL_SENIOR].pupils > 0)
        rc =
            sz_over_size_add(e, k, "senior", k->st[EVAL_SENIOR].pupils, e->size_limit[EVAL_SENIOR]);
    return rc;
}

static int sz_eval_row(void *ctx, int ncols, const sval *cols)
{
    sz_eval *e = ctx;
    sz_rec k;
    if (sz_rec_read(ncols, cols, &k) != 0) {
        e->failed = 1;
        return 1;
    }
    double all = sz_pupils_all(&k);
    int a = sz_area_index(k.h.area);
    sz_town *t = k.h.town_id ? sz_town_of(e, &k) : NULL;
    if (k.h.town_id && !t) {
        e->failed = 1;
        return 1;
    }
    for (int s = 0; s < EVAL_NSTAGES; s++) {
        sz_counts *c = &k.st[s];
        if (k.capacity > 0 && all > 0 && c->pupils > 0) {
            c->capacity = k.capacity * c->pupils / all;
            c->capacity_pupils = c->pupils;
        }
        sz_add(&e->stage[s], c);
        if (a >= 0)
            sz_add(&e->area[a][s], c);
        if (t)
            sz_add(&t->st[s], c);
    }
    double compulsory = k.st[EVAL_PRIMARY].pupils + k.st[EVAL_JUNIOR].pupils;
    if (a >= 0 && compulsory > 0) {
        sz_add(&e->crowd[a], &k.st[EVAL_PRIMARY]);
        sz_add(&e->crowd[a], &k.st[EVAL_JUNIOR]);
        e->crowd_schools[a]++;
        if (k.capacity > 0) {
            e->crowd_capacity[a] += k.capacity;
            e->crowd_capacity_pupils[a] += all;
        }
    }
    e->pupils_total += all;
    if (k.capacity > 0) {
        e->capacity += k.capacity;
        e->pupils_all += all;
    }
    if (sz_over_capacity(e, &k, all) || sz_over_size(e, &k)) {
        e->failed = 1;
        return 1;
    }
    return 0;
}

/* The verdict of a stage: its shares against the thresholds (the large
 * one covers 56+ when the stage has no huge threshold). */
static json_t *sz_stage_json(int s, const sz_counts *c, double large_max, double huge_max)
{
    double large_share = eval_ratio(c->large, c->classes),
           huge_share = eval_ratio(c->huge, c->classes);
    double judged_large =
        isnan(huge_max) ? eval_ratio(c->large + c->huge, c->classes) : large_share;
    json_t *pass = json_null();
    if (!isnan(large_share) && !(isnan(large_max) && isnan(huge_max)))
        pass = json_boolean((isnan(large_max) || eval_compare(judged_large, "<=", large_max)) &&
                            (isnan(huge_max) || eval_compare(huge_share, "<=", huge_max)));
    return json_pack("{ss ss so so so so so so so so so so so}", "stage", eval_stage_keys[s],
                     "label", eval_stage_labels[s], "schools", eval_json_count(c->schools),
                     "classes", eval_json_count(c->classes), "pupils", eval_json_count(c->pupils),
                     "average", eval_json_count(eval_round(eval_ratio(c->pupils, c->classes), 1)),
                     "large", eval_json_count(c->large), "huge", eval_json_count(c->huge),
                     "large_share", eval_json_count(eval_round(large_share, 4)), "huge_share",
                     eval_json_count(eval_round(huge_share, 4)), "large_threshold",
                     eval_json_count(large_max), "huge_threshold", eval_json_count(huge_max),
                     "pass", pass);
}

/* One row of by_area or by_town. */
static json_t *sz_part_json(const sz_counts *c)
{
    return json_pack("{so so so so so so so so so so}", "schools", eval_json_count(c->schools),
                     "classes", eval_json_count(c->classes), "pupils", eval_json_count(c->pupils),
                     "average", eval_json_count(eval_round(eval_ratio(c->pupils, c->classes), 1)),
                     "large", eval_json_count(c->large), "huge", eval_json_count(c->huge),
                     "large_share",
                     eval_json_count(eval_round(eval_ratio(c->large, c->classes), 4)), "huge_share",
                     eval_json_count(eval_round(eval_ratio(c->huge, c->classes), 4)), "capacity",
                     eval_json_count(round(c->capacity)), "occupancy",
                     eval_json_count(eval_round(eval_ratio(c->capacity_pupils, c->capacity), 4)));
}

/* Appends part (stolen) with its keys to rows. */
static int sz_append(json_t *rows, json_t *part, const char *key, json_t *value, int s)
{
    if (!part || json_object_set_new(part, key, value) != 0 ||
        json_object_set_new(part, "stage", json_string(eval_stage_keys[s])) != 0 ||
        json_array_append_new(rows, part) != 0) {
        json_decref(part);
        return STORE_ERROR;
    }
    return STORE_OK;
}

static int sz_by_area(const sz_eval *e, json_t *rows)
{
    for (int a = 0; a < SZ_NAREAS; a++)
        for (int s = 0; s < EVAL_NSTAGES; s++) {
            if (e->area[a][s].classes <= 0 && e->area[a][s].pupils <= 0)
                continue;
            if (sz_append(rows, sz_part_json(&e->area[a][s]), "area", json_string(sz_areas[a]),
                          s) != STORE_OK)
                return STORE_ERROR;
        }
    return STORE_OK;
}

static int sz_by_town(const sz_eval *e, json_t *rows)
{
    for (size_t i = 0; i < e->ntowns; i++)
        for (int s = 0; s < EVAL_NSTAGES; s++) {
            const sz_counts *c = &e->towns[i].st[s];
            if (c->classes <= 0 && c->pupils <= 0)
                continue;
            json_t *part = sz_part_json(c);
            if (part && json_object_set_new(part, "town_id", json_integer(e->towns[i].id)) != 0) {
                json_decref(part);
                return STORE_ERROR;
            }
            if (sz_append(rows, part, "town", json_string(e->towns[i].name), s) != STORE_OK)
                return STORE_ERROR;
        }
    return STORE_OK;
}

/* "城区平均班额 50.1 人，乡村 31.2 人；城区学位使用率 107%，乡村 68%" and
 * the seed's words when the city is the fuller one. */
static json_t *sz_crowding(const sz_eval *e)
{
    json_t *out = json_object();
    double average[SZ_NAREAS], occupancy[SZ_NAREAS];
    for (int a = 0; a < SZ_NAREAS && out; a++) {
        const sz_counts *c = &e->crowd[a];
        average[a] = eval_ratio(c->pupils, c->classes);
        occupancy[a] = eval_ratio(e->crowd_capacity_pupils[a], e->crowd_capacity[a]);
        json_t *item =
            json_pack("{so so so so so so}", "schools", eval_json_count(e->crowd_schools[a]),
                      "classes", eval_json_count(c->classes), "pupils", eval_json_count(c->pupils),
                      "average", eval_json_count(eval_round(average[a], 1)), "occupancy",
                      eval_json_count(eval_round(occupancy[a], 4)), "large_share",
                      eval_json_count(eval_round(eval_ratio(c->large + c->huge, c->classes), 4)));
        if (!item || json_object_set_new(out, sz_areas[a], item) != 0) {
            json_decref(out);
            return NULL;
        }
    }
    if (!out)
        return NULL;
    char text[512];
    size_t n = 0;
    if (isnan(average[SZ_CITY]) || isnan(average[SZ_RURAL]))
        n = (size_t)snprintf(text, sizeof text, "%s",
                             isnan(average[SZ_CITY])
                                 ? "无城区义务教育学校的班级数据，无法比较城乡班额"
                                 : "无乡村义务教育学校的班级数据，无法比较城乡班额");
    else
        n = (size_t)snprintf(text, sizeof text, "城区平均班额 %.1f 人，乡村 %.1f 人",
                             average[SZ_CITY], average[SZ_RURAL]);
    if (n < sizeof text && !isnan(occupancy[SZ_CITY]) && !isnan(occupancy[SZ_RURAL]))
        n += (size_t)snprintf(text + n, sizeof text - n, "；城区学位使用率 %.0f%%，乡村 %.0f%%",
                              occupancy[SZ_CITY] * 100, occupancy[SZ_RURAL] * 100);
    if (n < sizeof text && !isnan(average[SZ_CITY]) && !isnan(average[SZ_RURAL]) &&
        average[SZ_CITY] > average[SZ_RURAL] &&
        (isnan(occupancy[SZ_CITY]) || isnan(occupancy[SZ_RURAL]) ||
         occupancy[SZ_CITY] > occupancy[SZ_RURAL]))
        snprintf(text + n, sizeof text - n, "。“城区学校挤、乡村学校弱”的问题仍然存在");
    if (json_object_set_new(out, "text", json_string(text)) != 0) {
        json_decref(out);
        return NULL;
    }
    return out;
}

static int sz_occupancy_cmp(const void *a, const void *b)
{
    double x = json_number_value(json_object_get(*(json_t *const *)a, "occupancy"));
    double y = json_number_value(json_object_get(*(json_t *const *)b, "occupancy"));
    return x < y ? 1 : x > y ? -1 : 0;
}

/* over_capacity, fullest first. */
static int sz_sort_over_capacity(json_t *list)
{
    size_t n = json_array_size(list);
    if (n < 2)
        return STORE_OK;
    json_t **items = malloc(n * sizeof *items);
    if (!items)
        return STORE_ERROR;
    for (size_t i = 0; i < n; i++)
        items[i] = json_incref(json_array_get(list, i));
    qsort(items, n, sizeof *items, sz_occupancy_cmp);
    json_array_clear(list);
    int rc = STORE_OK;
    for (size_t i = 0; i < n; i++)
        if (json_array_append_new(list, items[i]) != 0)
            rc = STORE_ERROR;
    free(items);
    return rc;
}

/* The stages, by area and by town, and the crowding of e. */
static json_t *sz_result(sz_eval *e, json_t *standards, int year)
{
    json_t *stages = json_array(), *by_area = json_array(), *by_town = json_array();
    int rc = stages && by_area && by_town ? STORE_OK : STORE_ERROR;
    for (int s = 0; s < EVAL_NSTAGES && rc == STORE_OK; s++) {
        json_t *item = sz_stage_json(
            s, &e->stage[s],
            eval_standard_threshold(standards, "large_class_share", eval_stage_keys[s], NULL),
            eval_standard_threshold(standards, "huge_class_share", eval_stage_keys[s], NULL));
        if (!item || json_array_append_new(stages, item) != 0)
            rc = STORE_ERROR;
    }
    if (rc == STORE_OK)
        rc = sz_by_area(e, by_area);
    if (rc == STORE_OK)
        rc = sz_by_town(e, by_town);
    if (rc == STORE_OK)
        rc = sz_sort_over_capacity(e->over_capacity);
    json_t *crowding = rc == STORE_OK ? sz_crowding(e) : NULL;
    json_t *out = crowding
                      ? json_pack("{si sO sO sO sO sO so}", "year", year, "stages", stages,
                                  "by_area", by_area, "by_town", by_town, "over_capacity",
                                  e->over_capacity, "over_size", e->over_size, "crowding", crowding)
                      : NULL;
    json_decref(stages);
    json_decref(by_area);
    json_decref(by_town);
    return out;
}

/* Reads the records of year in scope into e (limits from standards). */
static int sz_collect(store_db *db, const eval_scope *scope, int year, json_t *standards,
                      sz_eval *e)
{
    memset(e, 0, sizeof *e);
    for (int s = 0; s < EVAL_NSTAGES; s++)
        e->size_limit[s] =
            eval_standard_threshold(standards, "school_size_max", eval_stage_keys[s], NULL);
    e->combined_limit = eval_standard_threshold(standards, "school_size_max", "combined", NULL);
    e->over_capacity = json_array();
    e->over_size = json_array();
    if (!e->over_capacity || !e->over_size)
        return STORE_ERROR;
    sval p[] = {SV_I(year), SV_T(scope->path), SV_T(scope->path_hi)};
    int rc = db_each(db, sz_sql, p, 3, sz_eval_row, e);
    return rc == STORE_OK && e->failed ? STORE_ERROR : rc;
}

static void sz_release(sz_eval *e)
{
    for (size_t i = 0; i < e->ntowns; i++)
        free(e->towns[i].name);
    free(e->towns);
    json_decref(e->over_capacity);
    json_decref(e->over_size);
}

int eval_class_size(store_db *db, const eval_scope *scope, int year, json_t **out)
{
    *out = NULL;
    sz_eval e;
    memset(&e, 0, sizeof e);
    json_t *standards = NULL;
    int rc = eval_standards_in_force(db, year, scope->county_org_id, &standards);
    if (rc == STORE_OK)
        rc = sz_collect(db, scope, year, standards, &e);
    if (rc == STORE_OK) {
        *out = sz_result(&e, standards, year);
        if (!*out)
            rc = STORE_ERROR;
    }
    sz_release(&e);
    json_decref(standards);
    return rc;
}

/* ------------------------------------------------------- one school's size */

/* The school's own classes and size: its stages, pupils against capacity,
 * and its entries in over_size. */
static json_t *sz_school_json(const sz_eval *e)
{
    json_t *stages = json_array();
    for (int s = 0; s < EVAL_NSTAGES && stages; s++) {
        const sz_counts *c = &e->stage[s];
        if (c->classes <= 0 && c->pupils <= 0)
            continue;
        json_t *part = sz_part_json(c);
        if (!part || json_object_del(part, "capacity") != 0 ||
            json_object_del(part, "occupancy") != 0 || json_object_del(part, "schools") != 0 ||
            json_object_set_new(part, "label", json_string(eval_stage_labels[s])) != 0 ||
            json_object_set_new(part, "stage", json_string(eval_stage_keys[s])) != 0 ||
            json_array_append_new(stages, part) != 0) {
            json_decref(part);
            json_decref(stages);
            return NULL;
        }
    }
    if (!stages)
        return NULL;
    return json_pack(
        "{so so so so sb sO}", "stages", stages, "pupils", eval_json_count(e->pupils_total),
        "capacity", e->capacity > 0 ? eval_json_count(e->capacity) : json_null(), "occupancy",
        eval_json_count(eval_round(eval_ratio(e->pupils_all, e->capacity), 4)), "over_capacity",
        json_array_size(e->over_capacity) > 0, "over_size", e->over_size);
}

int ev_size_school(store_db *db, const eval_scope *scope, int year, json_t *standards,
                   json_t **size, double pupils[EVAL_NSTAGES])
{
    sz_eval e;
    *size = NULL;
    int rc = sz_collect(db, scope, year, standards, &e);
    if (rc == STORE_OK) {
        for (int s = 0; s < EVAL_NSTAGES; s++)
            pupils[s] = e.stage[s].pupils;
        *size = sz_school_json(&e);
        if (!*size)
            rc = STORE_ERROR;
    }
    sz_release(&e);
    return rc;
}
