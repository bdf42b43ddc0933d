/*
 * plan_tree.c - the read side of 目标: a plan read into a ptree
 * (plan_internal.h) and shown as GET /api/plans and GET /api/plans/{id}/tree
 * answer it (docs/api-plan.md), and the date statuses are computed at.
 *
 * A plan is read in a fixed number of queries (the plan, items,
 * co-departments, targets, the reports and figures up to the date), never
 * one per item: the items become an array of nodes linked to their parent,
 * first child and next sibling; nodes and targets are found by id through
 * index arrays sorted by id. Reports dated after the status date are not
 * seen, so a plan read "on" a past date shows what was known then.
 * plan_figures.c then computes the figures, statuses and roll-up; the item
 * page is plan_item.c's, the reminders and the 首页 headline plan_remind.c's.
 */
#include "domain/plan_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/settings.h"
#include "util/clock.h"
#include "util/text.h"

/* ------------------------------------------------------------ lookups */

/* The id of element k of an array of structs of size bytes that begin
 * with their int64_t id (ptree_node, ptree_target). */
static int64_t ptree_id_at(const void *base, size_t size, int k)
{
    int64_t id;
    memcpy(&id, (const char *)base + (size_t)k * size, sizeof id);
    return id;
}

/* order: the indexes 0..n-1 of the array sorted by id (ids are a few
 * hundred: insertion sort). */
static void ptree_sort(int *order, int n, const void *base, size_t size)
{
    for (int i = 0; i < n; i++) {
        int j = i;
        int64_t id = ptree_id_at(base, size, i);
        while (j > 0 && ptree_id_at(base, size, order[j - 1]) > id) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = i;
    }
}

/* The index of the element with id, by binary search of order; -1. */
static int ptree_search(const int *order, int n, const void *base, size_t size, int64_t id)
{
    int lo = 0, hi = n - 1;

    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        int64_t v = ptree_id_at(base, size, order[mid]);
        if (v == id)
            return order[mid];
        if (v < id)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1;
}

int ptree_find(const ptree *t, int64_t item_id)
{
    return ptree_search(t->by_id, t->n, t->nodes, sizeof *t->nodes, item_id);
}

int ptree_find_target(const ptree *t, int64_t target_id)
{
    return ptree_search(t->tg_by_id, t->nt, t->tg, sizeof *t->tg, target_id);
}

/* ------------------------------------------------------------------ load */

static int ptree_plan_row(store_db *db, int64_t plan_id, json_t **out)
{
    sval p[] = {SV_I(plan_id)};
    return db_query_one(db,
                        "SELECT p.id, p.county_org_id, p.path, p.year, p.title, p.description, "
                        "p.status_on, o.name AS county, p.created_at, p.updated_at "
                        "FROM plans p JOIN org_units o ON o.id = p.county_org_id WHERE p.id = ?",
                        p, 1, out);
}

/* Node i from its item row, before any link or figure. */
static void ptree_node_init(ptree *t, int i, json_t *row)
{
    ptree_node *nd = &t->nodes[i];
    double weight = plan_field_num(row, "weight");

    nd->row = row;
    nd->id = text_field_int(row, "id");
    nd->parent_id = text_field_int(row, "parent_id");
    nd->lead_dept_id = text_field_int(row, "lead_dept_id");
    nd->parent = nd->first = nd->last = nd->next = -1;
    plan_date_or(nd->start, text_field(row, "start_date"), t->start);
    plan_date_or(nd->due, text_field(row, "due_date"), t->due);
    nd->weight = isnan(weight) ? 1 : weight;
    nd->targets = json_array();
    nd->co_depts = json_array();
    nd->report_state = -1;
    nd->report_progress = NAN;
    nd->progress = NAN;
    nd->status = PLAN_NO_DATA;
}

/* Link every node to its parent, children in their order (the rows come
 * sorted); a missing or self parent makes a top-level node. */
static void ptree_link(ptree *t)
{
    for (int i = 0; i < t->n; i++) {
        ptree_node *nd = &t->nodes[i];
        int par = nd->parent_id ? ptree_find(t, nd->parent_id) : -1;
        if (par < 0 || par == i)
            continue;
        nd->parent = par;
        if (t->nodes[par].last < 0)
            t->nodes[par].first = i;
        else
            t->nodes[t->nodes[par].last].next = i;
        t->nodes[par].last = i;
    }
}

static int ptree_load_items(ptree *t, int64_t plan_id)
{
    sval p[] = {SV_I(plan_id)};
    int rc = db_query(t->db,
                      "SELECT i.id, i.parent_id, i.sort, i.code, i.title, i.description, "
                      "i.lead_dept_id, d.name AS lead_dept_name, i.leader, i.start_date, "
                      "i.due_date, i.weight, i.report_cycle FROM plan_items i "
                      "LEFT JOIN departments d ON d.id = i.lead_dept_id "
                      "WHERE i.plan_id = ? ORDER BY i.sort, i.id",
                      p, 1, &t->items);
    if (rc != STORE_OK)
        return rc;
    t->n = (int)json_array_size(t->items);
    t->nodes = calloc((size_t)t->n + 1, sizeof *t->nodes);
    t->by_id = calloc((size_t)t->n + 1, sizeof *t->by_id);
    if (!t->nodes || !t->by_id)
        return STORE_ERROR;
    for (int i = 0; i < t->n; i++)
        ptree_node_init(t, i, json_array_get(t->items, (size_t)i));
    ptree_sort(t->by_id, t->n, t->nodes, sizeof *t->nodes);
    ptree_link(t);
    return STORE_OK;
}

static int ptree_load_co_depts(ptree *t, int64_t plan_id)
{
    json_t *rows = NULL, *row;
    size_t i;
    sval p[] = {SV_I(plan_id)};
    int rc = db_query(t->db,
                      "SELECT x.item_id, d.id, d.name FROM plan_item_depts x "
                      "JOIN plan_items i ON i.id = x.item_id "
                      "JOIN departments d ON d.id = x.dept_id WHERE i.plan_id = ? ORDER BY d.id",
                      p, 1, &rows);
    if (rc != STORE_OK)
        return rc;
    json_array_foreach(rows, i, row) {
        int k = ptree_find(t, text_field_int(row, "item_id"));
        if (k >= 0)
            json_array_append_new(t->nodes[k].co_depts,
                                  json_pack("{sO? sO?}", "id", json_object_get(row, "id"), "name",
                                            json_object_get(row, "name")));
    }
    json_decref(rows);
    return STORE_OK;
}

static int ptree_load_targets(ptree *t, int64_t plan_id)
{
    sval p[] = {SV_I(plan_id)};
    int rc = db_query(t->db,
                      "SELECT t.id, t.item_id, t.sort, t.name, t.unit, t.baseline, "
                      "t.baseline_year, t.floor, t.stretch, t.direction, t.due_date, t.source, "
                      "t.metric FROM plan_targets t JOIN plan_items i ON i.id = t.item_id "
                      "WHERE i.plan_id = ? ORDER BY t.sort, t.id",
                      p, 1, &t->targets);
    if (rc != STORE_OK)
        return rc;
    t->nt = (int)json_array_size(t->targets);
    t->tg = calloc((size_t)t->nt + 1, sizeof *t->tg);
    t->tg_by_id = calloc((size_t)t->nt + 1, sizeof *t->tg_by_id);
    t->metrics = calloc((size_t)t->nt + 1, sizeof *t->metrics);
    if (!t->tg || !t->tg_by_id || !t->metrics)
        return STORE_ERROR;
    for (int i = 0; i < t->nt; i++) {
        json_t *row = json_array_get(t->targets, (size_t)i);
        t->tg[i].id = text_field_int(row, "id");
        t->tg[i].node = ptree_find(t, text_field_int(row, "item_id"));
        t->tg[i].figure = NAN;
    }
    ptree_sort(t->tg_by_id, t->nt, t->tg, sizeof *t->tg);
    return STORE_OK;
}

/* Text column c into out (size bytes), "" when it is no text. */
static void ptree_text(char *out, size_t size, const sval *c)
{
    snprintf(out, size, "%s", c->type == SV_TEXT ? c->s : "");
}

/* db_each: the reports up to the date, oldest first; the last one wins. */
static int ptree_report_row(void *ctx, int ncols, const sval *c)
{
    ptree *t = ctx;
    int k = ncols >= 6 && c[0].type == SV_INT ? ptree_find(t, c[0].i) : -1;

    if (k < 0)
        return 0;
    ptree_node *nd = &t->nodes[k];
    nd->report_id = c[1].i;
    ptree_text(nd->period, sizeof nd->period, &c[2]);
    ptree_text(nd->reported_on, sizeof nd->reported_on, &c[3]);
    nd->report_state = c[4].type == SV_TEXT ? plan_status_of(c[4].s) : -1;
    nd->report_progress = sval_num(&c[5], NAN);
    return 0;
}

/* db_each: the figures up to the date, oldest first; the last one wins. */
static int ptree_figure_row(void *ctx, int ncols, const sval *c)
{
    ptree *t = ctx;
    int k = ncols >= 3 && c[0].type == SV_INT ? ptree_find_target(t, c[0].i) : -1;

    if (k < 0)
        return 0;
    t->tg[k].figure = sval_num(&c[1], NAN);
    ptree_text(t->tg[k].figure_on, sizeof t->tg[k].figure_on, &c[2]);
    return 0;
}

static int ptree_load_reports(ptree *t, int64_t plan_id)
{
    sval p[] = {SV_I(plan_id), SV_T(t->on)};
    int rc = db_each(t->db,
                     "SELECT r.item_id, r.id, r.period, r.reported_on, r.state, r.progress "
                     "FROM plan_reports r JOIN plan_items i ON i.id = r.item_id "
                     "WHERE i.plan_id = ? AND r.reported_on <= ? ORDER BY r.reported_on, r.id",
                     p, 2, ptree_report_row, t);
    if (rc != STORE_OK)
        return rc;
    return db_each(t->db,
                   "SELECT f.target_id, f.value, r.reported_on FROM plan_report_figures f "
                   "JOIN plan_reports r ON r.id = f.report_id "
                   "JOIN plan_items i ON i.id = r.item_id "
                   "WHERE i.plan_id = ? AND r.reported_on <= ? ORDER BY r.reported_on, r.id",
                   p, 2, ptree_figure_row, t);
}

int ptree_begin(store_db *db, int64_t plan_id, ptree *t)
{
    memset(t, 0, sizeof *t);
    t->db = db;
    int rc = ptree_plan_row(db, plan_id, &t->plan);
    if (rc != STORE_OK)
        return rc;
    t->year = (int)text_field_int(t->plan, "year");
    plan_year_bounds(t->year, t->start, t->due);
    t->m.at_risk = (double)settings_int(db, "plan_at_risk_margin_pct", 10);
    t->m.behind = (double)settings_int(db, "plan_behind_margin_pct", 25);
    return STORE_OK;
}

int ptree_load(ptree *t)
{
    int64_t plan_id = text_field_int(t->plan, "id");
    int rc = ptree_load_items(t, plan_id);

    if (rc == STORE_OK)
        rc = ptree_load_co_depts(t, plan_id);
    if (rc == STORE_OK)
        rc = ptree_load_targets(t, plan_id);
    if (rc == STORE_OK)
        rc = ptree_load_reports(t, plan_id);
    if (rc == STORE_OK)
        rc = ptree_eval(t);
    return rc;
}

int ptree_open(store_db *db, int64_t plan_id, const char *on, ptree *t)
{
    int rc = ptree_begin(db, plan_id, t);

    if (rc != STORE_OK)
        return rc;
    plan_status_date(t->plan, on, t->on);
    return ptree_load(t);
}

void ptree_close(ptree *t)
{
    for (int i = 0; i < t->n; i++) {
        json_decref(t->nodes[i].targets);
        json_decref(t->nodes[i].co_depts);
    }
    for (int i = 0; i < t->nmetrics; i++)
        json_decref(t->metrics[i].as_of);
    free(t->nodes);
    free(t->by_id);
    free(t->tg);
    free(t->tg_by_id);
    free(t->metrics);
    json_decref(t->plan);
    json_decref(t->items);
    json_decref(t->targets);
    memset(t, 0, sizeof *t);
}

/* ------------------------------------------------------------------ JSON */

json_t *ptree_counts(const int *counts)
{
    json_t *o = json_object();
    for (int s = 0; s < PLAN_NSTATUS; s++)
        json_object_set_new(o, plan_status_codes[s], json_integer(counts[s]));
    return o;
}

json_t *ptree_lead_dept(const ptree_node *nd)
{
    if (!nd->lead_dept_id)
        return json_null();
    return json_pack("{sI sO?}", "id", (json_int_t)nd->lead_dept_id, "name",
                     json_object_get(nd->row, "lead_dept_name"));
}

/* {"id","period","reported_on","state"} of the node's latest report, or null. */
static json_t *ptree_last_report(const ptree_node *nd)
{
    if (!nd->report_id)
        return json_null();
    return json_pack("{sIssssss}", "id", (json_int_t)nd->report_id, "period", nd->period,
                     "reported_on", nd->reported_on, "state",
                     nd->report_state >= 0 ? plan_status_codes[nd->report_state] : "");
}

/* The item's own fields, as the tree shows them. */
static json_t *ptree_item_fields(const ptree_node *nd)
{
    json_t *o = json_object();

    plan_json_copy(o, nd->row, "id");
    plan_json_copy(o, nd->row, "parent_id");
    plan_json_copy(o, nd->row, "sort");
    plan_json_copy(o, nd->row, "code");
    plan_json_copy(o, nd->row, "title");
    plan_json_copy(o, nd->row, "description");
    json_object_set_new(o, "lead_dept", ptree_lead_dept(nd));
    json_object_set(o, "co_depts", nd->co_depts);
    plan_json_copy(o, nd->row, "leader");
    json_object_set_new(o, "start_date", json_string(nd->start));
    json_object_set_new(o, "due_date", json_string(nd->due));
    json_object_set_new(o, "weight", json_real(nd->weight));
    plan_json_copy(o, nd->row, "report_cycle");
    return o;
}

static json_t *ptree_item_at(const ptree *t, int i, int depth)
{
    const ptree_node *nd = &t->nodes[i];
    json_t *o = ptree_item_fields(nd), *kids = json_array();

    json_object_set_new(o, "status", json_string(plan_status_codes[nd->status]));
    json_object_set_new(o, "progress", plan_json_fraction(nd->progress));
    if (nd->first >= 0)
        json_object_set_new(o, "counts", ptree_counts(nd->counts));
    json_object_set_new(o, "last_report", ptree_last_report(nd));
    json_object_set(o, "targets", nd->targets);
    for (int c = nd->first; depth < PTREE_MAX_DEPTH && c >= 0; c = t->nodes[c].next)
        if (t->nodes[c].keep)
            json_array_append_new(kids, ptree_item_at(t, c, depth + 1));
    json_object_set_new(o, "children", kids);
    return o;
}

json_t *ptree_item_json(const ptree *t, int i)
{
    return ptree_item_at(t, i, 0);
}

static int ptree_filter_at(ptree *t, int i, int64_t dept_id, int status, int depth)
{
    ptree_node *nd = &t->nodes[i];
    int keep = 1;

    if (dept_id && nd->lead_dept_id != dept_id)
        keep = 0;
    if (status != PTREE_ANY_STATUS && (nd->first >= 0 || (int)nd->status != status))
        keep = 0;
    for (int c = nd->first; depth < PTREE_MAX_DEPTH && c >= 0; c = t->nodes[c].next)
        if (ptree_filter_at(t, c, dept_id, status, depth + 1))
            keep = 1;
    nd->keep = keep;
    return keep;
}

int ptree_filter(ptree *t, int i, int64_t dept_id, int status)
{
    return ptree_filter_at(t, i, dept_id, status, 0);
}

json_t *ptree_plan_json(const ptree *t)
{
    json_t *o = json_object();

    plan_json_copy(o, t->plan, "id");
    plan_json_copy(o, t->plan, "year");
    plan_json_copy(o, t->plan, "title");
    plan_json_copy(o, t->plan, "county");
    plan_json_copy(o, t->plan, "status_on");
    json_object_set_new(o, "on", json_string(t->on));
    json_object_set_new(o, "progress", plan_json_fraction(t->progress));
    json_object_set_new(o, "status", json_string(plan_status_codes[t->status]));
    json_object_set_new(o, "counts", ptree_counts(t->counts));
    return o;
}

/* --------------------------------------------------------------- records */

/* date clamped to the year's first and last day. */
static void ptree_clamp(const char *date, int year, char out[11])
{
    char first[11], last[11];

    plan_year_bounds(year, first, last);
    if (!clock_date_valid(date) || strcmp(date, first) < 0)
        memcpy(out, first, 11);
    else if (strcmp(date, last) > 0)
        memcpy(out, last, 11);
    else
        memcpy(out, date, 11);
}

void plan_default_date(json_t *plan, const char *fallback, char out[11])
{
    const char *status_on = text_field(plan, "status_on");

    if (clock_date_valid(status_on))
        memcpy(out, status_on, 11);
    else
        ptree_clamp(fallback, (int)text_field_int(plan, "year"), out);
}

void plan_status_date(json_t *plan, const char *on, char out[11])
{
    char today[11];

    if (clock_date_valid(on)) {
        memcpy(out, on, 11);
        return;
    }
    clock_today(today);
    plan_default_date(plan, today, out);
}

int plan_load(store_db *db, int64_t plan_id, json_t **out)
{
    ptree t;
    int rc = ptree_open(db, plan_id, NULL, &t);

    *out = NULL;
    if (rc == STORE_OK) {
        *out = json_deep_copy(t.plan);
        json_object_set_new(*out, "items", json_integer(t.n));
        json_object_set_new(*out, "targets", json_integer(t.nt));
        json_object_set_new(*out, "on", json_string(t.on));
        json_object_set_new(*out, "progress", plan_json_fraction(t.progress));
        json_object_set_new(*out, "status", json_string(plan_status_codes[t.status]));
        json_object_set_new(*out, "counts", ptree_counts(t.counts));
    }
    ptree_close(&t);
    return rc;
}

int plan_tree(store_db *db, int64_t plan_id, const char *on, int64_t dept_id, const char *status,
              json_t **out)
{
    ptree t;
    int rc = ptree_open(db, plan_id, on, &t);
    int want = status ? plan_status_of(status) : PTREE_ANY_STATUS;

    *out = NULL;
    if (rc == STORE_OK) {
        json_t *items = json_array();
        for (int i = 0; i < t.n; i++)
            if (t.nodes[i].parent < 0 && ptree_filter(&t, i, dept_id, want))
                json_array_append_new(items, ptree_item_json(&t, i));
        *out = json_pack("{soso}", "plan", ptree_plan_json(&t), "items", items);
        if (!*out)
            rc = STORE_ERROR;
    }
    ptree_close(&t);
    return rc;
}
