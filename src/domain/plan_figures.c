/*
 * plan_figures.c - the figures and statuses of a plan read into a ptree
 * (plan_internal.h; docs/api-plan.md, Status): every target's current
 * figure (live: its metric's value, asked of the registry once per key;
 * reported: the latest figure up to the date), progress and status; every
 * leaf's status (worst of its targets, else its latest report's state);
 * every section's and the plan's progress rolled up by weight, and the
 * counts of leaves by status. The arithmetic is plan_status.c's.
 *
 * Also plan_live_value: the one way a plan file asks the registry
 * (metrics.h) for a figure over the plan's county.
 */
#include "domain/plan_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "domain/metrics.h"
#include "domain/org.h"
#include "util/arena.h"
#include "util/text.h"

/* An item's accumulated targets: the worst rank, whether any had data,
 * and the sum of their progress (capped at 1). */
typedef struct ptree_acc {
    int worst, data, nsum;
    double sum;
} ptree_acc;

int plan_live_value(store_db *db, const char *plan_path, int64_t county_org_id, int year,
                    const char *metric, double *value, json_t **as_of)
{
    arena *a = arena_new();
    int rc = metrics_value(db, metric, plan_path, org_scope_upper(a, plan_path), county_org_id,
                           year, value, as_of);
    arena_free(a);
    return rc;
}

/* The live figure of a metric key, asked once per key; an unknown key or
 * one without data has none (NAN). *label says which data it reads. */
static int ptree_metric_value(ptree *t, const char *key, double *value, const char **label)
{
    for (int i = 0; i < t->nmetrics; i++)
        if (strcmp(t->metrics[i].key, key) == 0) {
            *value = t->metrics[i].value;
            *label = text_field(t->metrics[i].as_of, "label");
            return STORE_OK;
        }
    ptree_metric *m = &t->metrics[t->nmetrics];
    const char *path = text_field(t->plan, "path");
    if (!path)
        return STORE_ERROR;
    int rc = plan_live_value(t->db, path, text_field_int(t->plan, "county_org_id"), t->year, key,
                             &m->value, &m->as_of);
    if (rc != STORE_OK) {
        json_decref(m->as_of);
        m->as_of = NULL;
        m->value = NAN;
        if (rc == STORE_ERROR || rc == STORE_BUSY)
            return rc;
    }
    m->key = key;
    t->nmetrics++;
    *value = m->value;
    *label = text_field(m->as_of, "label");
    return STORE_OK;
}

/* The current figure of target k and the label of its date (NULL: none). */
static int ptree_target_current(ptree *t, int k, double *current, const char **label)
{
    json_t *row = json_array_get(t->targets, (size_t)k);
    const char *metric = text_field(row, "metric");

    if (text_is(text_field(row, "source"), "live") && metric)
        return ptree_metric_value(t, metric, current, label);
    *current = t->tg[k].figure;
    *label = isnan(*current) ? NULL : t->tg[k].figure_on;
    return STORE_OK;
}

/* The "source" of a target as replies show it: "live:<key>" or "reported". */
static json_t *ptree_target_source(json_t *row)
{
    const char *metric = text_field(row, "metric");

    if (text_is(text_field(row, "source"), "live") && metric)
        return json_sprintf("live:%s", metric);
    return json_string("reported");
}

/* The target's object: its row's fields, due date, figure and status. */
static json_t *ptree_target_json(json_t *row, const char *due, double current, const char *label,
                                 double progress, plan_status st)
{
    double stretch = plan_field_num(row, "stretch");
    int lower = text_is(text_field(row, "direction"), "lower");
    json_t *o = json_object();

    plan_json_copy(o, row, "id");
    plan_json_copy(o, row, "name");
    plan_json_copy(o, row, "unit");
    plan_json_copy(o, row, "baseline");
    plan_json_copy(o, row, "baseline_year");
    plan_json_copy(o, row, "floor");
    plan_json_copy(o, row, "stretch");
    plan_json_copy(o, row, "direction");
    json_object_set_new(o, "due_date", json_string(due));
    json_object_set_new(o, "source", ptree_target_source(row));
    plan_json_copy(o, row, "metric");
    json_object_set_new(o, "current", plan_json_num(current));
    json_object_set_new(o, "as_of", label ? json_string(label) : json_null());
    json_object_set_new(o, "progress", plan_json_fraction(progress));
    json_object_set_new(o, "status", json_string(plan_status_codes[st]));
    json_object_set_new(o, "stretch_achieved",
                        json_boolean(!isnan(stretch) && !isnan(current) &&
                                     (lower ? current <= stretch : current >= stretch)));
    return o;
}

/* The object of target k with its current figure, progress and status on
 * the date (*st); *elapsed the fraction of its time gone. A store code. */
static int ptree_target_eval(ptree *t, int k, json_t **out, plan_status *st, double *progress,
                             double *elapsed)
{
    json_t *row = json_array_get(t->targets, (size_t)k);
    ptree_node *nd = &t->nodes[t->tg[k].node];
    double baseline = plan_field_num(row, "baseline"), floor = plan_field_num(row, "floor");
    /* a yearly figure starts again from 0: last year's is for comparison only */
    double start = metrics_key_yearly(text_field(row, "metric")) ? NAN : baseline;
    int lower = text_is(text_field(row, "direction"), "lower");
    double current = NAN;
    const char *label = NULL;
    char due[11];

    plan_date_or(due, text_field(row, "due_date"), nd->due);
    int rc = ptree_target_current(t, k, &current, &label);
    if (rc != STORE_OK)
        return rc;
    *st = plan_target_status(start, floor, current, lower, nd->start, due, t->on, &t->m);
    *progress = plan_target_progress(start, floor, current, lower);
    *elapsed = plan_time_elapsed(nd->start, due, t->on);
    *out = ptree_target_json(row, due, current, label, *progress, *st);
    return STORE_OK;
}

/* The rank of a target's status in the worst-of of its item; no_data
 * counts as behind once a quarter of its time is gone. */
static int ptree_rank(plan_status st, double elapsed)
{
    if (st == PLAN_NO_DATA)
        return elapsed > 0.25 ? PLAN_BEHIND : PLAN_ON_TRACK;
    return (int)st;
}

/* Evaluate target k into its node's targets and acc. */
static int ptree_target_add(ptree *t, int k, ptree_acc *acc)
{
    json_t *o = NULL;
    plan_status st;
    double p, elapsed;
    int rc = ptree_target_eval(t, k, &o, &st, &p, &elapsed);

    if (rc != STORE_OK)
        return rc;
    json_array_append_new(t->nodes[t->tg[k].node].targets, o);
    if (st != PLAN_NO_DATA)
        acc->data = 1;
    if (ptree_rank(st, elapsed) > acc->worst)
        acc->worst = ptree_rank(st, elapsed);
    if (!isnan(p)) {
        acc->sum += p > 1 ? 1 : p;
        acc->nsum++;
    }
    return STORE_OK;
}

/* Targets of every item: their objects, and the status and progress of
 * the items that have targets and no children. */
static int ptree_eval_targets(ptree *t)
{
    ptree_acc *acc = calloc((size_t)t->n + 1, sizeof *acc);
    int rc = acc ? STORE_OK : STORE_ERROR;

    for (int k = 0; rc == STORE_OK && k < t->nt; k++)
        if (t->tg[k].node >= 0)
            rc = ptree_target_add(t, k, &acc[t->tg[k].node]);
    for (int i = 0; rc == STORE_OK && i < t->n; i++) {
        ptree_node *nd = &t->nodes[i];
        if (nd->first >= 0 || json_array_size(nd->targets) == 0)
            continue;
        nd->status = acc[i].data ? (plan_status)acc[i].worst : PLAN_NO_DATA;
        nd->progress = acc[i].nsum ? acc[i].sum / acc[i].nsum : NAN;
    }
    free(acc);
    return rc;
}

/* A leaf (or a node at the depth limit): without targets, its status and
 * progress from its latest report. */
static void ptree_eval_leaf(ptree *t, ptree_node *nd)
{
    if (json_array_size(nd->targets) == 0) {
        nd->status = plan_item_status(nd->report_state, nd->due, t->on);
        nd->progress = nd->status == PLAN_ACHIEVED      ? 1
                       : isnan(nd->report_progress) ? NAN
                                                    : nd->report_progress / 100;
    }
    nd->counts[nd->status] = 1;
}

static int ptree_eval_node(ptree *t, int i, int depth);

/* Evaluate the nodes idx[0..n) at depth and roll them up: *progress, and
 * their counts added to counts. */
static int ptree_rollup_nodes(ptree *t, const int *idx, int n, int depth, int *counts,
                              double *progress)
{
    double *w = calloc((size_t)n + 1, sizeof *w), *p = calloc((size_t)n + 1, sizeof *p);
    int rc = w && p ? STORE_OK : STORE_ERROR;

    for (int k = 0; rc == STORE_OK && k < n; k++) {
        const ptree_node *c = &t->nodes[idx[k]];
        rc = ptree_eval_node(t, idx[k], depth);
        w[k] = c->weight;
        p[k] = c->progress;
        for (int s = 0; s < PLAN_NSTATUS; s++)
            counts[s] += c->counts[s];
    }
    if (rc == STORE_OK)
        *progress = plan_rollup(w, p, n);
    free(w);
    free(p);
    return rc;
}

/* The children of node i (-1: the top-level nodes) in order, malloced; *n
 * their number. */
static int *ptree_children(const ptree *t, int i, int *n)
{
    int *idx = calloc((size_t)t->n + 1, sizeof *idx);

    *n = 0;
    if (!idx)
        return NULL;
    if (i < 0) {
        for (int k = 0; k < t->n; k++)
            if (t->nodes[k].parent < 0)
                idx[(*n)++] = k;
    } else {
        for (int c = t->nodes[i].first; c >= 0; c = t->nodes[c].next)
            idx[(*n)++] = c;
    }
    return idx;
}

/* Status and progress of node i and everything below it. */
static int ptree_eval_node(ptree *t, int i, int depth)
{
    ptree_node *nd = &t->nodes[i];
    int n;

    if (nd->first < 0 || depth >= PTREE_MAX_DEPTH) {
        ptree_eval_leaf(t, nd);
        return STORE_OK;
    }
    int *kids = ptree_children(t, i, &n);
    int rc = kids ? ptree_rollup_nodes(t, kids, n, depth + 1, nd->counts, &nd->progress)
                  : STORE_ERROR;
    free(kids);
    if (rc == STORE_OK)
        nd->status = plan_section_status(nd->progress, nd->start, nd->due, t->on, &t->m);
    return rc;
}

int ptree_eval(ptree *t)
{
    int rc = ptree_eval_targets(t), n;

    if (rc != STORE_OK)
        return rc;
    int *tops = ptree_children(t, -1, &n);
    rc = tops ? ptree_rollup_nodes(t, tops, n, 0, t->counts, &t->progress) : STORE_ERROR;
    free(tops);
    if (rc == STORE_OK)
        t->status = plan_section_status(t->progress, t->start, t->due, t->on, &t->m);
    return rc;
}
