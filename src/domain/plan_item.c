/*
 * plan_item.c - the item page of 目标 (GET /api/items/{id}, docs/api-plan.md):
 * the item as the tree shows it on the date (read through its plan's ptree,
 * plan_tree.c), the titles of its ancestors as its trail, its progress
 * reports newest first with their figures and evidence, and the series of
 * each target for its chart: the baseline, every reported figure, and for
 * a live target its value now.
 *
 * The reports, figures and evidence are read in three queries for the
 * item, not one per report.
 */
#include "domain/plan_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "util/text.h"

/* The item's figures oldest first (with their report and date), and its
 * evidence. */
static int plan_item_figures_evidence(store_db *db, int64_t item_id, json_t **figures,
                                      json_t **evidence)
{
    sval p[] = {SV_I(item_id)};
    int rc = db_query(db,
                      "SELECT f.report_id, f.target_id, f.value, r.reported_on "
                      "FROM plan_report_figures f JOIN plan_reports r ON r.id = f.report_id "
                      "WHERE r.item_id = ? ORDER BY r.reported_on, r.id, f.target_id",
                      p, 1, figures);
    if (rc != STORE_OK)
        return rc;
    return db_query(db,
                    "SELECT e.id, e.report_id, e.kind, e.title, e.body, e.file_name, "
                    "e.file_type, e.file_size, e.record_type, e.record_id "
                    "FROM plan_evidence e JOIN plan_reports r ON r.id = e.report_id "
                    "WHERE r.item_id = ? ORDER BY e.id",
                    p, 1, evidence);
}

/* [{"target_id","value"}] of report id. */
static json_t *plan_item_report_figures(json_t *figures, json_int_t id)
{
    json_t *out = json_array(), *x;
    size_t j;

    json_array_foreach(figures, j, x)
        if (text_field_int(x, "report_id") == id)
            json_array_append_new(out, json_pack("{sO? sO?}", "target_id",
                                                 json_object_get(x, "target_id"), "value",
                                                 json_object_get(x, "value")));
    return out;
}

/* The evidence of report id, each with its "url". */
static json_t *plan_item_report_evidence(json_t *evidence, json_int_t id)
{
    json_t *out = json_array(), *x;
    size_t j;

    json_array_foreach(evidence, j, x) {
        if (text_field_int(x, "report_id") != id)
            continue;
        json_t *e = json_deep_copy(x);
        json_object_del(e, "report_id");
        plan_evidence_url(e);
        json_array_append_new(out, e);
    }
    return out;
}

/* The item's reports newest first, with figures and evidence; figures
 * (oldest first, with their dates) for the series. */
static int plan_item_reports(store_db *db, int64_t item_id, json_t **reports, json_t **figures)
{
    json_t *evidence = NULL, *r;
    size_t i;
    sval p[] = {SV_I(item_id)};
    int rc = db_query(db,
                      PLAN_REPORT_SELECT "WHERE r.item_id = ? ORDER BY r.reported_on DESC, r.id DESC",
                      p, 1, reports);
    if (rc == STORE_OK)
        rc = plan_item_figures_evidence(db, item_id, figures, &evidence);
    if (rc != STORE_OK) {
        json_decref(evidence);
        return rc;
    }
    json_array_foreach(*reports, i, r) {
        json_int_t id = text_field_int(r, "id");
        plan_report_shape(r);
        json_object_set_new(r, "figures", plan_item_report_figures(*figures, id));
        json_object_set_new(r, "evidence", plan_item_report_evidence(evidence, id));
    }
    json_decref(evidence);
    return STORE_OK;
}

/* The points of one target's series: its baseline (at the end of its
 * baseline year, else the plan's first day), its reported figures, and a
 * live target's value on the date. */
static json_t *plan_item_points(const ptree *t, json_t *target, json_t *figures)
{
    json_int_t id = text_field_int(target, "id");
    json_t *points = json_array(), *by = json_object_get(target, "baseline_year"), *x;
    double baseline = plan_field_num(target, "baseline");
    const char *source = text_field(target, "source");
    size_t j;

    if (!isnan(baseline)) {
        char date[16];
        if (json_is_integer(by))
            snprintf(date, sizeof date, "%04d-12-31", (int)json_integer_value(by));
        else
            snprintf(date, sizeof date, "%s", t->start);
        json_array_append_new(points, json_pack("{sssfss}", "date", date, "value", baseline,
                                                "kind", "baseline"));
    }
    json_array_foreach(figures, j, x)
        if (text_field_int(x, "target_id") == id)
            json_array_append_new(points, json_pack("{sO? sO? ss}", "date",
                                                    json_object_get(x, "reported_on"), "value",
                                                    json_object_get(x, "value"), "kind", "report"));
    if (source && strncmp(source, "live:", 5) == 0 &&
        json_is_number(json_object_get(target, "current")))
        json_array_append_new(points, json_pack("{ss sO? ss}", "date", t->on, "value",
                                                json_object_get(target, "current"), "kind",
                                                "current"));
    return points;
}

/* The series of each target of node i. */
static json_t *plan_item_series(const ptree *t, int i, json_t *figures)
{
    json_t *series = json_array(), *o;
    size_t k;

    json_array_foreach(t->nodes[i].targets, k, o)
        json_array_append_new(series, json_pack("{sIso}", "target_id",
                                                (json_int_t)text_field_int(o, "id"),
                                                "points", plan_item_points(t, o, figures)));
    return series;
}

/* [{"id","code","title"}] of the ancestors of node i, the top first. */
static json_t *plan_item_trail(const ptree *t, int i)
{
    json_t *trail = json_array();

    for (int a = t->nodes[i].parent, d = 0; a >= 0 && d < PTREE_MAX_DEPTH;
         a = t->nodes[a].parent, d++) {
        json_t *row = t->nodes[a].row;
        json_array_insert_new(trail, 0,
                              json_pack("{sO? sO? sO?}", "id", json_object_get(row, "id"), "code",
                                        json_object_get(row, "code"), "title",
                                        json_object_get(row, "title")));
    }
    return trail;
}

/* The page of node i of t (with plan_id) from the reports and figures. */
static json_t *plan_item_page(ptree *t, int i, int64_t plan_id, json_t *reports, json_t *figures)
{
    ptree_filter(t, i, 0, PTREE_ANY_STATUS);
    json_t *o = ptree_item_json(t, i);
    json_object_set_new(o, "plan_id", json_integer(plan_id));
    json_object_set_new(o, "plan", ptree_plan_json(t));
    json_object_set_new(o, "on", json_string(t->on));
    json_object_set_new(o, "trail", plan_item_trail(t, i));
    json_object_set_new(o, "reports", json_incref(reports));
    json_object_set_new(o, "series", plan_item_series(t, i, figures));
    return o;
}

int plan_item_detail(store_db *db, int64_t item_id, const char *on, json_t **out)
{
    ptree t;
    json_t *reports = NULL, *figures = NULL;
    int64_t plan_id = 0;
    sval p[] = {SV_I(item_id)};
    int rc = db_query_int(db, "SELECT plan_id FROM plan_items WHERE id = ?", p, 1, &plan_id);

    *out = NULL;
    if (rc != STORE_OK)
        return rc;
    rc = ptree_open(db, plan_id, on, &t);
    int i = rc == STORE_OK ? ptree_find(&t, item_id) : -1;
    if (rc == STORE_OK && i < 0)
        rc = STORE_NOTFOUND;
    if (rc == STORE_OK)
        rc = plan_item_reports(db, item_id, &reports, &figures);
    if (rc == STORE_OK)
        *out = plan_item_page(&t, i, plan_id, reports, figures);
    json_decref(reports);
    json_decref(figures);
    ptree_close(&t);
    return rc;
}
