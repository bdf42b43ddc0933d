/*
 * eval_card.c - the card of one school (GET /api/eval/school/{id}): what
 * 评估 says of it in one school year.
 *
 *   school        its row (with its town) and its record's status
 *   parts         per compulsory stage it teaches: its values of the 7
 *                 indicators of its county's 优质均衡 beside the
 *                 thresholds, met, pass and gaps, or why it is left out
 *   guarantee     the 政府保障 items of those evaluations, failing where
 *                 the school is among the failing ones
 *   size          its classes, pupils against capacity, over_size
 *                 (ev_size_school, eval_size.c)
 *   kindergarten  a 幼儿园's row of 学前普及普惠 (eval_preschool.c)
 *
 * The 优质均衡 of the school's whole county is evaluated (the 差异系数
 * and verdicts are the county's) and the school's entries read from it.
 * Nothing is stored.
 */
#include "domain/eval_internal.h"

#include <string.h>

#include "domain/org.h"
#include "util/arena.h"

/* The entry of school_id in list (an array of objects), or NULL. */
static json_t *card_entry_of(json_t *list, int64_t school_id)
{
    size_t i;
    json_t *item;
    json_array_foreach(list, i, item)
    {
        if (json_integer_value(json_object_get(item, "school_id")) == school_id)
            return item;
    }
    return NULL;
}

/* The school's part of a stage's 优质均衡 (its values beside the
 * thresholds, or why it is excluded) into parts; its guarantee items
 * merged into guarantee by key. */
static int card_part(json_t *balanced, const char *stage, int64_t school_id, json_t *parts,
                     json_t *guarantee)
{
    json_t *part = NULL, *entry = card_entry_of(json_object_get(balanced, "schools"), school_id);
    json_t *excluded = card_entry_of(json_object_get(balanced, "excluded"), school_id);
    if (entry) {
        json_t *thresholds = json_object();
        size_t i;
        json_t *ind;
        json_array_foreach(json_object_get(balanced, "indicators"), i, ind)
        {
            const char *key = json_string_value(json_object_get(ind, "key"));
            if (key && thresholds &&
                json_object_set(thresholds, key, json_object_get(ind, "threshold")) != 0) {
                json_decref(thresholds);
                thresholds = NULL;
            }
        }
        part = thresholds ? json_pack("{ss sO sO sO so sO sO sO}", "stage", stage, "pupils",
                                      json_object_get(entry, "pupils"), "share",
                                      json_object_get(entry, "share"), "values",
                                      json_object_get(entry, "values"), "thresholds", thresholds,
                                      "met", json_object_get(entry, "met"), "pass",
                                      json_object_get(entry, "pass"), "gaps",
                                      json_object_get(entry, "gaps"))
                          : NULL;
    } else if (excluded) {
        part = json_pack("{ss sO sb sO}", "stage", stage, "pupils",
                         json_object_get(excluded, "pupils"), "excluded", 1, "reason",
                         json_object_get(excluded, "reason"));
    }
    if ((entry || excluded) && (!part || json_array_append_new(parts, part) != 0))
        return STORE_ERROR;
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(balanced, "guarantee"), i, item)
    {
        const char *key = json_string_value(json_object_get(item, "key"));
        json_t *failing = card_entry_of(json_object_get(item, "failing"), school_id);
        json_t *mine = key ? json_object_get(guarantee, key) : NULL;
        if (!key)
            continue;
        if (!mine) {
            mine = json_pack("{sO sO sO sb s[]}", "key", json_object_get(item, "key"), "name",
                             json_object_get(item, "name"), "threshold",
                             json_object_get(item, "threshold"), "pass", 1, "failing");
            if (!mine || json_object_set_new(guarantee, key, mine) != 0)
                return STORE_ERROR;
        }
        if (failing) {
            json_t *copy = json_deep_copy(failing);
            if (!copy || json_object_set_new(copy, "stage", json_string(stage)) != 0 ||
                json_array_append_new(json_object_get(mine, "failing"), copy) != 0 ||
                json_object_set_new(mine, "pass", json_false()) != 0)
                return STORE_ERROR;
        }
    }
    return STORE_OK;
}

/* The parts and guarantee items of the school from its county's 优质均衡
 * of each compulsory stage it teaches. */
static int card_balanced(store_db *db, const eval_scope *county, int year, int64_t school_id,
                         const double pupils[EVAL_NSTAGES], json_t *parts, json_t *guarantee)
{
    for (int s = EVAL_PRIMARY; s <= EVAL_JUNIOR; s++) {
        if (pupils[s] <= 0)
            continue;
        json_t *balanced = NULL;
        refusal why;
        memset(&why, 0, sizeof why);
        int rc =
            eval_balanced(db, county, year, eval_stage_keys[s], NULL, EVAL_DETAIL, &balanced, &why);
        if (rc == STORE_OK)
            rc = card_part(balanced, eval_stage_keys[s], school_id, parts, guarantee);
        json_decref(balanced);
        if (rc != STORE_OK)
            return rc;
    }
    return STORE_OK;
}

/* The school (with its town), NULL for none; the year: year, or the
 * school's latest with a record when year <= 0; the record's status. */
static int card_school(store_db *db, int64_t school_id, int *year, json_t **school)
{
    sval p[] = {SV_I(school_id)};
    int rc = db_query_one(db,
                          "SELECT s.id, s.code, s.name, s.short_name, s.type, s.nature, s.area, "
                          "s.town_id, t.name AS town, s.status, s.path FROM schools s "
                          "LEFT JOIN org_units t ON t.id = s.town_id WHERE s.id = ?",
                          p, 1, school);
    if (rc != STORE_OK)
        return rc;
    if (*year <= 0) {
        int64_t latest = 0;
        rc = db_query_int(db, "SELECT COALESCE(MAX(year), 0) FROM stat_records WHERE school_id = ?",
                          p, 1, &latest);
        *year = (int)latest;
        if (rc == STORE_OK && latest == 0)
            rc = STORE_NOTFOUND;
    }
    json_t *record = NULL;
    sval q[] = {SV_I(school_id), SV_I(*year)};
    if (rc == STORE_OK)
        rc = db_query_one(db, "SELECT status FROM stat_records WHERE school_id = ? AND year = ?", q,
                          2, &record);
    if (rc == STORE_OK &&
        json_object_set(*school, "record_status", json_object_get(record, "status")) != 0)
        rc = STORE_ERROR;
    json_decref(record);
    return rc;
}

/* The guarantee object (key -> item) as an array. */
static json_t *card_guarantee(json_t *guarantee)
{
    json_t *items = json_array();
    const char *key;
    json_t *item;
    json_object_foreach(guarantee, key, item)
    {
        if (!items || json_array_append(items, item) != 0) {
            json_decref(items);
            return NULL;
        }
    }
    return items;
}

int eval_school_card(store_db *db, int64_t school_id, int year, json_t **out)
{
    *out = NULL;
    json_t *school = NULL, *county = NULL, *standards = NULL, *kg = NULL, *size = NULL;
    json_t *parts = json_array(), *guarantee = json_object();
    double pupils[EVAL_NSTAGES] = {0};
    arena *a = arena_new();
    int rc = parts && guarantee && a ? card_school(db, school_id, &year, &school) : STORE_ERROR;
    const char *path = rc == STORE_OK ? json_string_value(json_object_get(school, "path")) : NULL;
    if (rc == STORE_OK) {
        rc = org_ancestor_of_level(db, path, "county", &county);
        if (rc == STORE_NOTFOUND)
            rc = STORE_OK; /* a school above any county: no county targets, no 优质均衡 */
    }
    const char *county_path = county ? json_string_value(json_object_get(county, "path")) : NULL;
    int64_t county_id = county ? json_integer_value(json_object_get(county, "id")) : 0;
    eval_scope own = {path, path ? org_scope_upper(a, path) : NULL, county_id};
    eval_scope area = {county_path, county_path ? org_scope_upper(a, county_path) : NULL,
                       county_id};
    if (rc == STORE_OK)
        rc = eval_standards_in_force(db, year, county_id, &standards);
    if (rc == STORE_OK)
        rc = own.path_hi ? ev_size_school(db, &own, year, standards, &size, pupils) : STORE_ERROR;
    if (rc == STORE_OK && area.path_hi)
        rc = card_balanced(db, &area, year, school_id, pupils, parts, guarantee);
    const char *type = json_string_value(json_object_get(school, "type"));
    if (rc == STORE_OK && type && strcmp(type, "幼儿园") == 0)
        rc = eval_preschool(db, &own, year, EVAL_DETAIL, &kg);
    json_t *items = rc == STORE_OK ? card_guarantee(guarantee) : NULL;
    if (items) {
        json_t *kindergarten = json_array_get(json_object_get(kg, "kindergartens"), 0);
        (void)json_object_del(school, "path"); /* internal: the scope, not the card */
        *out = json_pack("{sO si sO so so sO}", "school", school, "year", year, "parts", parts,
                         "guarantee", items, "size", size, "kindergarten",
                         kindergarten ? kindergarten : json_null());
        items = NULL;
        size = NULL;
    }
    if (rc == STORE_OK && !*out)
        rc = STORE_ERROR;
    json_decref(items);
    json_decref(size);
    json_decref(kg);
    json_decref(standards);
    json_decref(county);
    json_decref(school);
    json_decref(parts);
    json_decref(guarantee);
    arena_free(a);
    return rc;
}
