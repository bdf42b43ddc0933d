/*
 * plan.h - 目标: the year's work plan of a county bureau as a tree of
 * items, the targets on items (live: a metric of the registry, metrics.h;
 * reported: the figure of the latest progress report), the progress reports
 * with figures and evidence, and the status of everything computed on read
 * (docs/api-plan.md; tables in migrations/010_plan.sql).
 *
 *   plan_status.c  the arithmetic, pure and unit-tested: time elapsed,
 *                  progress from baseline to floor, status of a target, of
 *                  an item from its reports, roll-up by weight
 *   plan.c         plans, items and targets: validation, create, change,
 *                  delete, who may do what
 *   plan_tree.c    a plan read into memory (plan_internal.h) and shown as
 *                  the plan list and the tree; the status date
 *   plan_figures.c current figures of targets, statuses and roll-up
 *   plan_item.c    an item's page (reports, evidence, figures over time)
 *   plan_remind.c  the reminder list and the 首页 headline
 *   plan_json.c    numbers in replies (NAN as null, fractions, REAL columns)
 *   plan_reports.c progress reports, their figures and evidence, uploads
 *   plan_api.c     plan_routes: /api/plans..., /api/items..., /api/metrics
 *   plan_export.c  the plan with progress as xlsx, and the 督查通报 (.docx)
 *   plan_demo.c    the seed's 2022 plan "三五·三一" as the demo plan
 *
 * Who: reading needs module "plan" in scope (leaders, auditors, every
 * 股室 of the county, admins); the plan's structure (items, targets) is
 * written by a writer of module "plan" (admin, or a 股室 whose modules
 * list "plan"); a progress report on an item by that writer or by a user of
 * the item's lead department.
 */
#ifndef EDU_PLAN_H
#define EDU_PLAN_H

#include <stdint.h>
#include <jansson.h>

#include "domain/refusal.h"
#include "http/req.h"
#include "store/store.h"

/* ------------------------------------------------------------ arithmetic */

typedef enum plan_status {
    PLAN_ACHIEVED = 0, /* 已完成: reached the floor (保底) */
    PLAN_ON_TRACK,     /* 正常: progress keeps up with the time elapsed */
    PLAN_AT_RISK,      /* 有风险: behind the time by more than the at-risk margin */
    PLAN_BEHIND,       /* 滞后: behind by more than the behind margin */
    PLAN_OVERDUE,      /* 逾期: past the due date and not achieved */
    PLAN_NO_DATA,      /* 未报送: no figure or report yet */
    PLAN_NSTATUS
} plan_status;

/* "achieved", "on_track", ... and their Chinese labels. */
extern const char *const plan_status_codes[PLAN_NSTATUS];
extern const char *const plan_status_labels[PLAN_NSTATUS];
/* The status of a code, or -1. */
int plan_status_of(const char *code);

/* Margins in percent points (settings plan_at_risk_margin_pct and
 * plan_behind_margin_pct). */
typedef struct plan_margins {
    double at_risk;  /* 10 */
    double behind;   /* 25 */
} plan_margins;

/* The fraction of [start, due] elapsed on date on (all "YYYY-MM-DD"),
 * clamped to 0..1; 1 when due <= start. */
double plan_time_elapsed(const char *start, const char *due, const char *on);

/* Progress of a target from baseline to floor as a fraction (not clamped
 * above 1; below 0 clamps to 0): (current - baseline) / (floor - baseline),
 * the same formula for either direction. Without a baseline (NAN): current
 * / floor for 'higher', and 1 or 0 for 'lower' (at or under the floor, or
 * not). NAN when current is NAN. */
double plan_target_progress(double baseline, double floor, double current, int lower_is_better);

/* The status of a target on date on: achieved when current reaches floor
 * (>= for higher, <= for lower); else overdue after due; else no_data when
 * current is NAN; else by progress against the time elapsed since start:
 * on_track when progress >= elapsed - at_risk/100, at_risk when >= elapsed
 * - behind/100, else behind. */
plan_status plan_target_status(double baseline, double floor, double current,
                               int lower_is_better, const char *start, const char *due,
                               const char *on, const plan_margins *m);

/* The status of an item without targets from its latest report's state
 * (-1: no report): achieved stays achieved; else overdue after due; else
 * the reported state; no report: no_data (overdue after due). */
plan_status plan_item_status(int reported_state, const char *due, const char *on);

/* Roll-up of n children with weights and progress fractions (0..1, NAN
 * ignored): Σ w p / Σ w over the children with a progress; NAN when none. */
double plan_rollup(const double *weights, const double *progress, int n);

/* The status of a section from its rolled-up progress and time elapsed:
 * achieved at progress >= 1, overdue past due, else as plan_target_status
 * with progress against elapsed; no_data for NAN progress. */
plan_status plan_section_status(double progress, const char *start, const char *due,
                                const char *on, const plan_margins *m);

/* ------------------------------------------------------ structure (plan.c) */

/* 1 when u may read the plan at plan_path: module "plan" in scope, not a
 * 学校管理员. 1 when u may write its structure (writer of "plan"). */
int plan_can_read(const user_ctx *u, const char *plan_path);
int plan_can_write(const user_ctx *u, const char *plan_path);

/* The plan row {"id","county_org_id","path","year","title","description",
 * "status_on"} for u (NULL: the command line): 404 when missing or out of
 * reach, 403 for a 学校管理员, or when write and u may not write it. */
int plan_reach(store_db *db, const user_ctx *u, int64_t plan_id, int write, json_t **plan,
               refusal *e);
/* The item row (plan_item_object) with its plan's "plan_path",
 * "plan_year", "county_org_id", reached as plan_reach does. */
int plan_item_reach(store_db *db, const user_ctx *u, int64_t item_id, int write, json_t **item,
                    refusal *e);

/* The stored record of an item (with "co_dept_ids") and of a target, as
 * the write endpoints answer and the audit log keeps them. */
int plan_item_object(store_db *db, int64_t item_id, json_t **out);
int plan_target_object(store_db *db, int64_t target_id, json_t **out);

/* Writes in the caller's transaction, validated and audited (entities
 * "plan", "plan_item", "plan_target"); REFUSED with e filled, or a store
 * code. Bodies as in docs/api-plan.md; a patch changes the keys present. */
int plan_create(store_db *db, const user_ctx *u, const char *ip, json_t *body, int64_t *id_out,
                refusal *e);
int plan_patch(store_db *db, const user_ctx *u, const char *ip, int64_t plan_id, json_t *body,
               refusal *e);
int plan_item_create(store_db *db, const user_ctx *u, const char *ip, int64_t plan_id,
                     json_t *body, int64_t *id_out, refusal *e);
int plan_item_patch(store_db *db, const user_ctx *u, const char *ip, int64_t item_id,
                    json_t *body, refusal *e);
/* 409 when the item has children, targets or reports. */
int plan_item_delete(store_db *db, const user_ctx *u, const char *ip, int64_t item_id,
                     refusal *e);
int plan_target_create(store_db *db, const user_ctx *u, const char *ip, int64_t item_id,
                       json_t *body, int64_t *id_out, refusal *e);
int plan_target_patch(store_db *db, const user_ctx *u, const char *ip, int64_t target_id,
                      json_t *body, refusal *e);
/* 409 when a report holds a figure of the target. */
int plan_target_delete(store_db *db, const user_ctx *u, const char *ip, int64_t target_id,
                       refusal *e);

/* ------------------------------------------------ reports (plan_reports.c) */

/* A report as GET /api/items/{id} lists it: {"id","item_id","period",
 * "reported_on","done","problems","next_steps","state","progress",
 * "created_by_name","created_at","figures":[{"target_id","value"}],
 * "evidence":[{"id","kind","title","body","file_name","file_type",
 * "file_size","url","record_type","record_id"}]}. */
int plan_report_load(store_db *db, int64_t report_id, json_t **out);

/* Largest upload (bytes). */
#define PLAN_UPLOAD_MAX_BYTES (10 * 1024 * 1024)
/* The type of an evidence file recognised from its bytes: PDF, JPEG, PNG,
 * DOCX, XLSX, DOC, XLS as a MIME type, or NULL. */
const char *plan_upload_sniff(const void *data, size_t len);
/* Store an uploaded evidence file for u (who must be able to report on
 * something: an admin, a writer of plan or a 股室 user), audited:
 * *out {"id","name","type","size"}. 413 too large, 415 unrecognised. */
int plan_upload_create(store_db *db, const user_ctx *u, const char *ip, const char *name,
                       const void *data, size_t len, json_t **out, refusal *e);
/* The file of evidence id for u: {"hash","name","type"}; STORE_NOTFOUND
 * when there is none or u may not read its plan. */
int plan_evidence_file(store_db *db, const user_ctx *u, int64_t evidence_id, json_t **out);

/* --------------------------------------------------------------- records */

/* The plan's row as GET /api/plans lists it, or STORE_NOTFOUND. */
int plan_load(store_db *db, int64_t plan_id, json_t **out);

/* The date statuses are computed at: on when given (validated by the
 * caller), else the plan's status_on, else today clamped to the plan's
 * year. out: 11 bytes. */
void plan_status_date(json_t *plan, const char *on, char out[11]);

/* The tree of GET /api/plans/{id}/tree (docs/api-plan.md) on date on;
 * dept_id (0: all) keeps the items led by that department and status (NULL:
 * all) the leaves of that status, each with their ancestors. */
int plan_tree(store_db *db, int64_t plan_id, const char *on, int64_t dept_id, const char *status,
              json_t **out);

/* The item page of GET /api/items/{id} on date on: the item as in the
 * tree (with its ancestors' titles as "trail"), its reports newest first
 * with figures and evidence, and the series of each target. STORE_NOTFOUND
 * when there is no such item. */
int plan_item_detail(store_db *db, int64_t item_id, const char *on, json_t **out);

/* The reminder list of GET /api/plans/{id}/reminders on date on. */
int plan_reminders(store_db *db, int64_t plan_id, const char *on, json_t **out);

/* The plan's headline for 首页: {"plan_id","title","year","on","progress",
 * "status","counts":{status: n},"behind":[{"id","title","lead_dept","status"}]}
 * of the county's plan of the year of on, or STORE_NOTFOUND. */
int plan_headline(store_db *db, const char *path, const char *on, json_t **out);

/* Create a progress report (docs/api-plan.md) in the caller's transaction,
 * audited; refuses a caller who may not report on the item (403), a
 * figure for a target of another item or a live target (400), a bad
 * period or state (400 naming the field). *id_out the new report. */
int plan_report_create(store_db *db, const user_ctx *u, const char *ip, int64_t item_id,
                       json_t *body, int64_t *id_out, refusal *e);

/* 1 when u may file reports on the item whose plan path and lead
 * department are given. */
int plan_can_report(const user_ctx *u, const char *plan_path, int64_t lead_dept_id);

/* ---------------------------------------------------------------- export */

/* The plan with progress on date on as an xlsx workbook (sheets 目标任务,
 * 滞后事项), or the 督查通报 as a .docx: 0 and a malloced buffer, or -1 with
 * *err (malloced). */
int plan_export_xlsx(store_db *db, int64_t plan_id, const char *on, char **out, size_t *len,
                     char **err);
int plan_export_docx(store_db *db, int64_t plan_id, const char *on, char **out, size_t *len,
                     char **err);

/* ------------------------------------------------------------------ demo */

/* The seed's 2022 plan "三五·三一" for the demo county, with every
 * quantitative target of its section 三, live targets bound to the registry
 * with baselines from the county's 2021 records, and monthly progress
 * reports January-September 2022 (status_on 2022-09-30), in the caller's
 * transaction. STORE_OK, or a code with a Chinese reason in err. */
int plan_demo_generate(store_db *db, int64_t county_org_id, char *err, size_t err_size);

#endif
