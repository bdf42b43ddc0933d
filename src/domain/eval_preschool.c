/*
 * eval_preschool.c - 学前普及普惠 (docs/api-eval.md): the kindergarten
 * totals of a scope and year (shared with the metric registry), and the
 * evaluation of GET /api/eval/preschool against the national and Henan
 * standards and the bureau's own targets.
 */
#include "domain/eval.h"

#include <math.h>
#include <string.h>

/* Accumulates one kindergarten row of eval_kg_totals_load's query:
 * nature, kg_children, capacity, teachers_total, kg_classes, kg_inclusive. */
static int eval_kg_row(void *ctx, int ncols, const sval *cols)
{
    eval_kg_totals *t = ctx;
    if (ncols < 6)
        return 1;
    const char *nature = cols[0].type == SV_TEXT ? cols[0].s : "";
    double children = sval_num(&cols[1], 0), places = sval_num(&cols[2], 0);
    int is_public = strcmp(nature, "公办") == 0;
    int inclusive = is_public || strcmp(nature, "普惠性民办") == 0 || sval_num(&cols[5], 0) >= 1;
    t->kindergartens++;
    t->children += children;
    t->places += places;
    t->teachers += sval_num(&cols[3], 0);
    t->classes += sval_num(&cols[4], 0);
    if (is_public) {
        t->public_children += children;
        t->public_places += places;
    }
    if (inclusive)
        t->inclusive_children += children;
    return 0;
}

int eval_kg_totals_load(store_db *db, const eval_scope *scope, int year, eval_kg_totals *out)
{
    memset(out, 0, sizeof *out);
    sval p[] = {SV_I(year), SV_T(scope->path), SV_T(scope->path_hi)};
    int rc = db_each(db,
                     "SELECT s.nature, "
                     "SUM(CASE WHEN v.field = 'kg_children' THEN v.num END), "
                     "SUM(CASE WHEN v.field = 'capacity' THEN v.num END), "
                     "SUM(CASE WHEN v.field = 'teachers_total' THEN v.num END), "
                     "SUM(CASE WHEN v.field = 'kg_classes' THEN v.num END), "
                     "SUM(CASE WHEN v.field = 'kg_inclusive' THEN v.num END) "
                     "FROM stat_records r JOIN schools s ON s.id = r.school_id "
                     "LEFT JOIN stat_values v ON v.record_id = r.id AND v.field IN "
                     "('kg_children', 'capacity', 'teachers_total', 'kg_classes', 'kg_inclusive') "
                     "WHERE r.year = ? AND r.path >= ? AND r.path < ? AND s.type = '幼儿园' "
                     "GROUP BY r.id, s.nature",
                     p, 3, eval_kg_row, out);
    if (rc != STORE_OK)
        return rc;
    json_t *row = NULL;
    rc = db_query_one(db,
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

/* STUB (eval helper replaces): the evaluation of GET /api/eval/preschool. */
int eval_preschool(store_db *db, const eval_scope *scope, int year, json_t **out)
{
    (void)db, (void)scope, (void)year;
    *out = NULL;
    return STORE_ERROR;
}
