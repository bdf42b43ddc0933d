/*
 * plan_remind.c - what in a plan needs attention, read from its ptree
 * (plan_tree.c): the reminder list of GET /api/plans/{id}/reminders (the
 * leaves whose report for the last period of their cycle is missing, with
 * its due date, five days after the period, and the days it is late) and
 * the headline 首页 shows (the plan's progress and counts, and the first
 * leaves overdue, then behind).
 */
#include "domain/plan_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/org.h"
#include "util/arena.h"
#include "util/clock.h"
#include "util/text.h"

/* Days after the end of a period its report is due. */
#define PLAN_REMIND_GRACE_DAYS 5
/* Items the 首页 headline lists. */
#define PLAN_HEADLINE_BEHIND 10

/* ------------------------------------------------------------- reminders */

/* The period that ended last before on for a cycle ("monthly",
 * "quarterly"), its first and last day; 0, or -1 when it falls before the
 * plan's year. */
static int plan_remind_period(const char *on, int year, const char *cycle, char period[16],
                              char first[11], char last[11])
{
    int y = atoi(on), m = atoi(on + 5), from;

    if (y < 1 || y > 9999 || m < 1 || m > 12 || y != year)
        return -1;
    if (strcmp(cycle, "quarterly") == 0) {
        int q = (m - 1) / 3;  /* the previous quarter, 0: last year's Q4 */
        if (q == 0)
            return -1;
        snprintf(period, 16, "%04u-Q%u", (unsigned)y % 10000u, (unsigned)q % 10u);
        from = q * 3 - 2;
    } else {
        if (m == 1)
            return -1;
        snprintf(period, 16, "%04u-%02u", (unsigned)y % 10000u, (unsigned)(m - 1) % 100u);
        from = m - 1;
    }
    snprintf(first, 11, "%04u-%02u-01", (unsigned)y % 10000u, (unsigned)from % 100u);
    plan_period_end(period, last);
    return 0;
}

typedef struct plan_remind_seen {
    ptree *t;
    const char *monthly, *quarterly;  /* the due periods */
    int *has;                         /* by node: 1 monthly, 2 quarterly reported */
} plan_remind_seen;

/* db_each: marks the items with a report for their due period. */
static int plan_remind_seen_row(void *ctx, int ncols, const sval *c)
{
    plan_remind_seen *s = ctx;
    int k = ncols >= 2 && c[0].type == SV_INT ? ptree_find(s->t, c[0].i) : -1;

    if (k >= 0 && c[1].type == SV_TEXT &&
        (strcmp(c[1].s, s->monthly) == 0 || strcmp(c[1].s, s->quarterly) == 0))
        s->has[k] |= c[1].s[5] == 'Q' ? 2 : 1;
    return 0;
}

/* has[node]: which due periods the plan's items reported up to the date. */
static int plan_remind_reported(ptree *t, plan_remind_seen *seen)
{
    sval p[] = {SV_I(text_field_int(t->plan, "id")), SV_T(t->on)};
    return db_each(t->db,
                   "SELECT r.item_id, r.period FROM plan_reports r "
                   "JOIN plan_items i ON i.id = r.item_id "
                   "WHERE i.plan_id = ? AND r.reported_on <= ?",
                   p, 2, plan_remind_seen_row, seen);
}

/* The reminder of leaf nd for its cycle's due period, unless the period
 * lies outside the item's dates. */
static void plan_remind_owed(const ptree *t, const ptree_node *nd, const char *cycle,
                             json_t *items)
{
    char period[16], first[11], last[11], due[11];
    int64_t last_day, on_day;

    if (plan_remind_period(t->on, t->year, cycle, period, first, last) != 0)
        return;
    if (strcmp(last, nd->start) < 0 || strcmp(first, nd->due) > 0)
        return;
    if (plan_day(last, &last_day) != 0 || plan_day(t->on, &on_day) != 0)
        return;
    int64_t due_day = last_day + PLAN_REMIND_GRACE_DAYS, late = on_day - due_day;
    clock_date_of_days(due_day, due);
    json_array_append_new(
        items, json_pack("{sI sO? so ss ss ss ss? sI}", "item_id", (json_int_t)nd->id, "title",
                         json_object_get(nd->row, "title"), "lead_dept", ptree_lead_dept(nd),
                         "cycle", cycle, "due_period", period, "due_date", due, "last_period",
                         nd->report_id ? nd->period : NULL, "overdue_days",
                         (json_int_t)(late > 0 ? late : 0)));
}

/* Depth first: the leaves of node i owing their report. */
static void plan_remind_walk(const ptree *t, int i, const int *has, json_t *items, int depth)
{
    const ptree_node *nd = &t->nodes[i];

    for (int c = nd->first; depth < PTREE_MAX_DEPTH && c >= 0; c = t->nodes[c].next)
        plan_remind_walk(t, c, has, items, depth + 1);
    const char *cycle = text_field(nd->row, "report_cycle");
    if (nd->first >= 0 || !cycle || nd->status == PLAN_ACHIEVED || strcmp(nd->start, t->on) > 0)
        return;
    int bit = text_is(cycle, "monthly") ? 1 : text_is(cycle, "quarterly") ? 2 : 0;
    if (bit && !(has[i] & bit))
        plan_remind_owed(t, nd, cycle, items);
}

/* The reminder list of t once the due periods are known. */
static int plan_remind_list(ptree *t, const char *monthly, const char *quarterly, json_t **out)
{
    int *has = calloc((size_t)t->n + 1, sizeof *has);
    plan_remind_seen seen = {t, monthly, quarterly, has};
    int rc = has ? plan_remind_reported(t, &seen) : STORE_ERROR;

    if (rc == STORE_OK) {
        json_t *items = json_array();
        for (int i = 0; i < t->n; i++)
            if (t->nodes[i].parent < 0)
                plan_remind_walk(t, i, has, items, 0);
        *out = json_pack("{ss ss ss so}", "on", t->on, "due_monthly", monthly, "due_quarterly",
                         quarterly, "items", items);
        if (!*out)
            rc = STORE_ERROR;
    }
    free(has);
    return rc;
}

int plan_reminders(store_db *db, int64_t plan_id, const char *on, json_t **out)
{
    ptree t;
    int rc = ptree_open(db, plan_id, on, &t);
    char monthly[16] = "", quarterly[16] = "", first[11], last[11];

    *out = NULL;
    if (rc == STORE_OK) {
        if (plan_remind_period(t.on, t.year, "monthly", monthly, first, last) != 0)
            monthly[0] = '\0';
        if (plan_remind_period(t.on, t.year, "quarterly", quarterly, first, last) != 0)
            quarterly[0] = '\0';
        rc = plan_remind_list(&t, monthly, quarterly, out);
    }
    ptree_close(&t);
    return rc;
}

/* -------------------------------------------------------------- headline */

/* Depth first: up to PLAN_HEADLINE_BEHIND leaves of status want. */
static void plan_headline_behind(const ptree *t, int i, plan_status want, json_t *list, int depth)
{
    const ptree_node *nd = &t->nodes[i];

    if (json_array_size(list) >= PLAN_HEADLINE_BEHIND)
        return;
    if (nd->first < 0 && nd->status == want) {
        json_array_append_new(list, json_pack("{sI sO? so ss}", "id", (json_int_t)nd->id, "title",
                                              json_object_get(nd->row, "title"), "lead_dept",
                                              ptree_lead_dept(nd), "status",
                                              plan_status_codes[nd->status]));
        return;
    }
    for (int c = nd->first; depth < PTREE_MAX_DEPTH && c >= 0; c = t->nodes[c].next)
        plan_headline_behind(t, c, want, list, depth + 1);
}

/* The plan of the county at path for the year of on, else its latest. */
static int plan_headline_find(store_db *db, const char *path, const char *on, int64_t *plan_id)
{
    arena *a = arena_new();
    sval p[] = {SV_T(path), SV_T(org_scope_upper(a, path)), SV_I(atoi(on))};
    int rc = db_query_int(db,
                          "SELECT id FROM plans WHERE path >= ? AND path < ? AND year = ? "
                          "ORDER BY id",
                          p, 3, plan_id);
    if (rc == STORE_NOTFOUND)
        rc = db_query_int(db,
                          "SELECT id FROM plans WHERE path >= ? AND path < ? "
                          "ORDER BY year DESC, id",
                          p, 2, plan_id);
    arena_free(a);
    return rc;
}

static json_t *plan_headline_json(const ptree *t)
{
    json_t *behind = json_array();

    for (int i = 0; i < t->n; i++)
        if (t->nodes[i].parent < 0)
            plan_headline_behind(t, i, PLAN_OVERDUE, behind, 0);
    for (int i = 0; i < t->n; i++)
        if (t->nodes[i].parent < 0)
            plan_headline_behind(t, i, PLAN_BEHIND, behind, 0);
    return json_pack("{sO sO? sO? ss so ss so so}", "plan_id", json_object_get(t->plan, "id"),
                     "title", json_object_get(t->plan, "title"), "year",
                     json_object_get(t->plan, "year"), "on", t->on, "progress",
                     plan_json_fraction(t->progress), "status", plan_status_codes[t->status],
                     "counts", ptree_counts(t->counts), "behind", behind);
}

int plan_headline(store_db *db, const char *path, const char *on, json_t **out)
{
    char today[11];
    int64_t plan_id = 0;
    ptree t;

    *out = NULL;
    if (!path || !*path)
        return STORE_NOTFOUND;
    if (!clock_date_valid(on)) {
        clock_today(today);
        on = today;
    }
    int rc = plan_headline_find(db, path, on, &plan_id);
    if (rc != STORE_OK)
        return rc;
    /* The plan's own reporting date, else on within the plan's year. */
    rc = ptree_begin(db, plan_id, &t);
    if (rc == STORE_OK) {
        plan_default_date(t.plan, on, t.on);
        rc = ptree_load(&t);
    }
    if (rc == STORE_OK && !(*out = plan_headline_json(&t)))
        rc = STORE_ERROR;
    ptree_close(&t);
    return rc;
}
