/*
 * eval_standards.c - the standards table (eval_standards, migration 009):
 * which thresholds are in force for a school year and a county, the
 * threshold of one indicator among them, and the comparison of a value
 * with a threshold.
 *
 * A row is in force in year when year_from <= year <= year_to (year_to
 * NULL: still in force) and it is national or provincial (county_org_id
 * NULL) or the county's own target. Of several rows of the same
 * (indicator, stage, level, county) the latest year_from wins: a new
 * provincial plan replaces the old one from its year on.
 */
#include "domain/eval.h"

#include <math.h>
#include <string.h>

/* 1 when rows a and b are the same (indicator, stage, level, county). */
static int eval_standard_same_key(json_t *a, json_t *b)
{
    static const char *const keys[] = {"indicator", "stage", "level"};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
        const char *x = json_string_value(json_object_get(a, keys[i]));
        const char *y = json_string_value(json_object_get(b, keys[i]));
        if (!x || !y || strcmp(x, y) != 0)
            return 0;
    }
    return json_integer_value(json_object_get(a, "county_org_id")) ==
           json_integer_value(json_object_get(b, "county_org_id"));
}

/* 1 when row a replaces row b: a later year_from, or the same and a later id. */
static int eval_standard_newer(json_t *a, json_t *b)
{
    json_int_t ya = json_integer_value(json_object_get(a, "year_from"));
    json_int_t yb = json_integer_value(json_object_get(b, "year_from"));
    if (ya != yb)
        return ya > yb;
    return json_integer_value(json_object_get(a, "id")) >
           json_integer_value(json_object_get(b, "id"));
}

int eval_standards_in_force(store_db *db, int year, int64_t county_org_id, json_t **out)
{
    json_t *rows = NULL;
    sval p[] = {SV_I(year), SV_I(year), SV_I(county_org_id)};

    *out = NULL;
    int rc = db_query(db,
                      "SELECT id, indicator, stage, name, unit, threshold, comparison, level, "
                      "source, year_from, year_to, county_org_id, note FROM eval_standards "
                      "WHERE year_from <= ? AND (year_to IS NULL OR year_to >= ?) "
                      "AND (county_org_id IS NULL OR county_org_id = ?) ORDER BY id",
                      p, 3, &rows);
    if (rc != STORE_OK)
        return rc;
    json_t *kept = json_array();
    if (!kept) {
        json_decref(rows);
        return STORE_ERROR;
    }
    size_t i, n = json_array_size(rows);
    for (i = 0; i < n; i++) {
        json_t *row = json_array_get(rows, i);
        int superseded = 0;
        for (size_t j = 0; j < n && !superseded; j++) {
            json_t *other = json_array_get(rows, j);
            superseded = j != i && eval_standard_same_key(row, other) &&
                         eval_standard_newer(other, row);
        }
        /* a REAL column holding a whole number comes back as an integer */
        json_t *threshold = json_object_get(row, "threshold");
        if (json_is_integer(threshold))
            json_object_set_new(row, "threshold", json_real(json_number_value(threshold)));
        if (!superseded && json_array_append(kept, row) != 0) {
            json_decref(rows);
            json_decref(kept);
            return STORE_ERROR;
        }
    }
    json_decref(rows);
    *out = kept;
    return STORE_OK;
}

double eval_standard_threshold(json_t *standards, const char *indicator, const char *stage,
                               const char *level)
{
    size_t i;
    json_t *row;

    if (!level)
        level = "国家";
    json_array_foreach(standards, i, row)
    {
        const char *ind = json_string_value(json_object_get(row, "indicator"));
        const char *stg = json_string_value(json_object_get(row, "stage"));
        const char *lvl = json_string_value(json_object_get(row, "level"));
        if (ind && stg && lvl && strcmp(ind, indicator) == 0 && strcmp(stg, stage) == 0 &&
            strcmp(lvl, level) == 0) {
            json_t *t = json_object_get(row, "threshold");
            return json_is_number(t) ? json_number_value(t) : NAN;
        }
    }
    return NAN;
}

/* The comparison forgives a relative 1e-9 (and an absolute 1e-12 near 0)
 * in the value's favour at the threshold itself: values are computed
 * (100 × teachers ÷ pupils, a share × an area) and a value that is the
 * threshold on paper must compare as equal to it. */
int eval_compare(double value, const char *comparison, double threshold)
{
    double tol = 1e-9 * fabs(threshold) + 1e-12;

    if (isnan(value) || isnan(threshold) || !comparison)
        return 0;
    if (strcmp(comparison, ">=") == 0)
        return value >= threshold - tol;
    if (strcmp(comparison, "<=") == 0)
        return value <= threshold + tol;
    if (strcmp(comparison, ">") == 0)
        return value > threshold + tol;
    if (strcmp(comparison, "<") == 0)
        return value < threshold - tol;
    return 0;
}
