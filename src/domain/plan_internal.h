/*
 * plan_internal.h - what the 目标 files share and nobody else sees.
 *
 * The plan read into memory, a ptree: plan_tree.c loads a plan in a fixed
 * number of queries into an array of nodes (one per item, linked to their
 * parent, first child and next sibling) with its targets and the latest
 * report and figures up to the status date; plan_figures.c gives every
 * target its current figure and every node its status and progress, rolled
 * up by weight; plan_item.c (the item page) and plan_remind.c (reminders,
 * the 首页 headline) read it. Nothing in a ptree is stored.
 *
 * And the small helpers more than one plan file needs, each said once:
 * dates and periods (plan_status.c), numbers in JSON (plan_json.c), the
 * live value of a metric for a plan (plan_figures.c), an item reached with
 * its plan (plan.c), a report's figure row and its columns (plan_reports.c).
 */
#ifndef EDU_PLAN_INTERNAL_H
#define EDU_PLAN_INTERNAL_H

#include <math.h>
#include <stdint.h>
#include <jansson.h>

#include "domain/plan.h"

/* Sections nest a few levels; deeper chains (a corrupt parent link) stop. */
#define PTREE_MAX_DEPTH 32
/* ptree_filter's status for "any status". */
#define PTREE_ANY_STATUS (-2)

/* ----------------------------------------------------------------- ptree */

typedef struct ptree_node {
    int64_t id;             /* first, as in ptree_target: plan_tree.c sorts by it */
    json_t *row;            /* the item's row (owned by ptree.items) */
    int64_t parent_id, lead_dept_id;
    int parent, first, last, next;  /* node indexes, -1: none */
    char start[11], due[11];        /* effective dates */
    double weight;
    json_t *targets;        /* the target objects, in order (plan_figures.c) */
    json_t *co_depts;       /* [{"id","name"}] */
    int64_t report_id;      /* the latest report up to the date; 0: none */
    char period[16], reported_on[11];
    int report_state;       /* plan_status of its state, -1 */
    double report_progress; /* its progress 0..100, NAN */
    double progress;        /* 0..1, NAN */
    plan_status status;
    int counts[PLAN_NSTATUS];  /* leaves below by status (a leaf: itself) */
    int keep;               /* kept by ptree_filter */
} ptree_node;

typedef struct ptree_target {
    int64_t id;             /* first, as in ptree_node */
    int node;
    double figure;          /* latest reported figure up to the date, NAN */
    char figure_on[11];
} ptree_target;

/* A metric's live value, asked once per key. */
typedef struct ptree_metric {
    const char *key;        /* the target row's text */
    double value;
    json_t *as_of;
} ptree_metric;

typedef struct ptree {
    store_db *db;
    json_t *plan, *items, *targets;  /* rows */
    int year;
    char on[11], start[11], due[11]; /* the status date; the plan's year */
    plan_margins m;
    ptree_node *nodes;
    int n;
    int *by_id;             /* node indexes in order of id */
    ptree_target *tg;
    int nt;
    int *tg_by_id;
    ptree_metric *metrics;
    int nmetrics;
    double progress;
    plan_status status;
    int counts[PLAN_NSTATUS];
} ptree;

/* plan_tree.c: read plan_id into t with every status on date on (NULL:
 * plan_status_date's default). ptree_begin reads the plan row only;
 * ptree_load, with t->on set, the rest. Close t whatever they return. */
int ptree_open(store_db *db, int64_t plan_id, const char *on, ptree *t);
int ptree_begin(store_db *db, int64_t plan_id, ptree *t);
int ptree_load(ptree *t);
void ptree_close(ptree *t);

/* The node of item id, or -1; of target id in t->tg, or -1. */
int ptree_find(const ptree *t, int64_t item_id);
int ptree_find_target(const ptree *t, int64_t target_id);

/* Marks the nodes at and below i matching the filters (dept_id 0: any;
 * status PTREE_ANY_STATUS: any, else leaves of that status) and their
 * ancestors; returns whether i is kept. */
int ptree_filter(ptree *t, int i, int64_t dept_id, int status);

/* Node i as the tree shows it, with its kept children. */
json_t *ptree_item_json(const ptree *t, int i);
/* The plan's head of the tree: {"id","year","title","county","status_on",
 * "on","progress","status","counts"}. */
json_t *ptree_plan_json(const ptree *t);
json_t *ptree_counts(const int *counts);
json_t *ptree_lead_dept(const ptree_node *nd);

/* The plan's status_on when valid, else fallback clamped to the plan's year. */
void plan_default_date(json_t *plan, const char *fallback, char out[11]);

/* plan_figures.c: the targets' figures, every status and the roll-up. */
int ptree_eval(ptree *t);

/* The live value of metric for the plan at plan_path of county_org_id and
 * year (metrics_value over the plan's county): as metrics_value. */
int plan_live_value(store_db *db, const char *plan_path, int64_t county_org_id, int year,
                    const char *metric, double *value, json_t **as_of);

/* ----------------------------------------------------------- plan_status.c */

/* The day number of a valid date (days since 1970-01-01) into *day: 0, or
 * -1 when malformed. */
int plan_day(const char *date, int64_t *day);
/* The first and last day of year. */
void plan_year_bounds(int year, char first[11], char last[11]);
/* date when it is a valid date, else fallback. */
void plan_date_or(char out[11], const char *date, const char *fallback);
/* The last day of a valid period ('YYYY-MM' or 'YYYY-Qn'). */
void plan_period_end(const char *period, char out[11]);

/* ------------------------------------------------------------- plan_json.c */

/* A number member, NAN when absent, null or not a number. */
double plan_field_num(json_t *o, const char *key);
/* v as a JSON real, null for NAN. */
json_t *plan_json_num(double v);
/* A fraction for a reply: capped to 0..1, four decimals; null for NAN. */
json_t *plan_json_fraction(double v);
/* to[key] = from[key] (null when absent). */
void plan_json_copy(json_t *to, json_t *from, const char *key);
/* The keys (NULL-terminated) of REAL columns as reals (SQLite hands back
 * 25.0 as 25). */
void plan_json_reals(json_t *o, const char *const *keys);
/* An evidence row's "url": its download for a file, else null. */
void plan_evidence_url(json_t *evidence);
/* A report row (PLAN_REPORT_SELECT) in the shape of the API: progress a
 * real, created_at formatted (plan_reports.c). */
void plan_report_shape(json_t *report);

/* A REAL column's parameter: NULL for NAN (or an infinity). */
static inline sval plan_sv_real(double v)
{
    return isfinite(v) ? SV_R(v) : SV_NUL;
}

/* ------------------------------------------------------------------ plan.c */

/* The start of every write with a body: e cleared; 0, or REFUSED (400
 * bad_json) when body is no JSON object. */
int plan_body_check(json_t *body, refusal *e);

/* plan_item_reach, and the item's plan row (as plan_reach) into *plan. */
int plan_item_reach_plan(store_db *db, const user_ctx *u, int64_t item_id, int write,
                         json_t **item, json_t **plan, refusal *e);

/* ---------------------------------------------------------- plan_reports.c */

/* A report's columns as plan_report_load and the item page list them. */
#define PLAN_REPORT_SELECT                                                             \
    "SELECT r.id, r.item_id, r.period, r.reported_on, r.done, r.problems, "           \
    "r.next_steps, r.state, r.progress, u.name AS created_by_name, r.created_at "     \
    "FROM plan_reports r LEFT JOIN users u ON u.id = r.created_by "

/* A progress report's row as stored. */
typedef struct plan_report_row {
    int64_t item_id;
    const char *period, *reported_on, *done, *problems, *next_steps, *state;
    double progress;        /* NAN: none */
    int64_t created_by;     /* 0: none (the command line) */
    int64_t created_at;
} plan_report_row;

/* Insert a report row (no audit: the caller's): *id the new report. */
int plan_report_insert(store_db *db, const plan_report_row *row, int64_t *id);

/* Store the figure value of target_id in report_id. */
int plan_figure_insert(store_db *db, int64_t report_id, int64_t target_id, double value);

#endif
