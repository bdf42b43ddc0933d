/*
 * plan_reports.c - 目标: the progress reports on plan items, with their
 * figures and evidence, and the evidence files uploaded before the report
 * that cites them.
 *
 * A report (plan_reports) speaks for a period of the plan's year
 * ('2022-03' or '2022-Q1'): what was done, the problems, the next steps,
 * the department's reading of its state and progress, the figures of the
 * item's reported targets, and evidence — a text, a link (http/https), a
 * file uploaded by the reporter (plan_uploads, bytes in the file store), or
 * a record of the system (a school, a hazard, a 基表 record in the plan's
 * county). When a report is filed every live target of the item gets its
 * metric's value then (metrics_value) as a figure, so its chart has history.
 *
 * Who: a writer of the plan, or a 股室 user of the item's lead department
 * (plan_can_report). Every write is audited in the caller's transaction.
 *
 * Tables owned: plan_reports, plan_report_figures, plan_evidence,
 * plan_uploads.
 */
#include "domain/plan_internal.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "auth/access.h"
#include "domain/audit.h"
#include "domain/record.h"
#include "io/filestore.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/text.h"

#define PLAN_EVIDENCE_MAX 20
#define PLAN_FIGURES_MAX 100

static const char *const plan_report_states[] = {"achieved", "on_track", "at_risk", "behind", NULL};
static const char *const plan_evidence_kinds[] = {"text", "link", "file", "record", NULL};
/* REAL columns (plan_json_reals). */
static const char *const plan_report_reals[] = {"progress", NULL};

void plan_report_shape(json_t *report)
{
    plan_json_reals(report, plan_report_reals);
    text_set_time(report, "created_at", text_field_int(report, "created_at"));
}
static const char *const plan_figure_reals[] = {"value", NULL};

/* Refusals naming an element of a list ("figures[2].target_id"): read by
 * the same thread right after the call, so one buffer per thread does. */
static _Thread_local char plan_report_field[64];

static int plan_report_refuse_at(refusal *e, const char *list, size_t i, const char *key,
                                 const char *code, const char *message)
{
    snprintf(plan_report_field, sizeof plan_report_field, "%s[%zu].%s", list, i, key);
    return refuse(e, 400, code, plan_report_field, message);
}

/* ----------------------------------------------------------------- who */

int plan_can_report(const user_ctx *u, const char *plan_path, int64_t lead_dept_id)
{
    if (!u)
        return 1;
    if (plan_can_write(u, plan_path))
        return 1;
    return text_is(u->role, ROLE_DEPT) && u->dept_id && lead_dept_id &&
           u->dept_id == lead_dept_id && plan_can_read(u, plan_path);
}

/* ------------------------------------------------------------- objects */

int plan_report_load(store_db *db, int64_t report_id, json_t **out)
{
    json_t *figures = NULL, *evidence = NULL, *row;
    size_t i;
    sval p[] = {SV_I(report_id)};
    int rc = db_query_one(db, PLAN_REPORT_SELECT "WHERE r.id = ?", p, 1, out);
    if (rc != STORE_OK)
        return rc;
    rc = db_query(db,
                  "SELECT target_id, value FROM plan_report_figures WHERE report_id = ? "
                  "ORDER BY target_id",
                  p, 1, &figures);
    if (rc == STORE_OK)
        rc = db_query(db,
                      "SELECT id, kind, title, body, file_name, file_type, file_size, "
                      "record_type, record_id FROM plan_evidence WHERE report_id = ? ORDER BY id",
                      p, 1, &evidence);
    if (rc != STORE_OK) {
        json_decref(figures);
        json_decref(*out);
        *out = NULL;
        return rc;
    }
    json_array_foreach(figures, i, row) plan_json_reals(row, plan_figure_reals);
    json_array_foreach(evidence, i, row) plan_evidence_url(row);
    plan_report_shape(*out);
    json_object_set_new(*out, "figures", figures);
    json_object_set_new(*out, "evidence", evidence);
    return STORE_OK;
}

/* ----------------------------------------------------------- validation */

/* A period of year: 'YYYY-MM' (month 01-12) or 'YYYY-Qn' (n 1-4). */
static int plan_period_valid(const char *period, int64_t year)
{
    char y[5];
    if (!period || strlen(period) != 7 || period[4] != '-' || strspn(period, "0123456789") != 4)
        return 0;
    memcpy(y, period, 4);
    y[4] = '\0';
    if (atoi(y) != year)
        return 0;
    if (period[5] == 'Q')
        return period[6] >= '1' && period[6] <= '4';
    if (period[5] < '0' || period[5] > '1' || period[6] < '0' || period[6] > '9')
        return 0;
    int month = (period[5] - '0') * 10 + (period[6] - '0');
    return month >= 1 && month <= 12;
}

/* The body's text field key trimmed (NULL when absent, null or blank);
 * REFUSED when it is not text, too long, or required and missing. The
 * value is kept in *keep (a new reference the caller frees). */
static int plan_report_text(json_t *body, const char *key, int required, size_t max,
                            const char *missing, const char *bad, json_t **keep, refusal *e)
{
    json_t *v = json_object_get(body, key);
    *keep = NULL;
    if (v && !json_is_null(v) && !json_is_string(v))
        return refuse(e, 400, "invalid", key, bad);
    *keep = v ? text_trimmed(v) : NULL;
    if (!*keep)
        return required ? refuse(e, 400, "missing", key, missing) : 0;
    if (text_chars(json_string_value(*keep)) > max)
        return refuse(e, 400, "invalid", key, bad);
    return 0;
}

/* The reported targets of the item: [{"id","source","metric"}]. */
static int plan_report_targets(store_db *db, int64_t item_id, json_t **out)
{
    sval p[] = {SV_I(item_id)};
    return db_query(db, "SELECT id, source, metric FROM plan_targets WHERE item_id = ? ORDER BY id",
                    p, 1, out);
}

/* The target of targets with id, or NULL. */
static json_t *plan_report_target(json_t *targets, int64_t id)
{
    size_t i;
    json_t *t;
    json_array_foreach(targets, i, t) if (text_field_int(t, "id") == id) return t;
    return NULL;
}

/* figures: [{"target_id","value"}] for the item's reported targets, once
 * each. */
static int plan_report_check_figures(json_t *figures, json_t *targets, refusal *e)
{
    size_t i, j;
    json_t *f;
    if (!figures || json_is_null(figures))
        return 0;
    if (!json_is_array(figures) || json_array_size(figures) > PLAN_FIGURES_MAX)
        return refuse(e, 400, "invalid", "figures", "指标数据应为列表");
    json_array_foreach(figures, i, f) {
        json_t *tid = json_object_get(f, "target_id"), *v = json_object_get(f, "value");
        if (!json_is_object(f))
            return plan_report_refuse_at(e, "figures", i, "target_id", "invalid", "指标数据格式错误");
        json_t *t = json_is_integer(tid) ? plan_report_target(targets, json_integer_value(tid)) : NULL;
        if (!t)
            return plan_report_refuse_at(e, "figures", i, "target_id", "invalid",
                                         "该指标不属于本事项");
        if (!text_is(text_field(t, "source"), "reported"))
            return plan_report_refuse_at(e, "figures", i, "target_id", "invalid",
                                         "系统取数的指标由系统自动取值，不能填报");
        for (j = 0; j < i; j++)
            if (json_equal(json_object_get(json_array_get(figures, j), "target_id"), tid))
                return plan_report_refuse_at(e, "figures", i, "target_id", "invalid",
                                             "同一指标只能填报一个数值");
        if (!v || json_is_null(v))
            return plan_report_refuse_at(e, "figures", i, "value", "missing", "请填写指标数值");
        if (!json_is_number(v) || !isfinite(json_number_value(v)) ||
            fabs(json_number_value(v)) > 1e12)
            return plan_report_refuse_at(e, "figures", i, "value", "invalid", "指标数值应为数字");
    }
    return 0;
}

/* The record an evidence cites exists in the plan's county and u's scope;
 * *name gets a title for it (malloced). */
static int plan_report_check_record(store_db *db, const user_ctx *u, const char *plan_path,
                                    const char *type, int64_t id, size_t i, char **name,
                                    refusal *e)
{
    const char *sql;
    json_t *row = NULL;
    if (text_is(type, "school"))
        sql = "SELECT name, path FROM schools WHERE id = ?";
    else if (text_is(type, "hazard"))
        sql = "SELECT s.name AS name, h.path FROM hazards h JOIN schools s ON s.id = h.school_id "
              "WHERE h.id = ?";
    else if (text_is(type, "stat_record"))
        sql = "SELECT s.name AS name, r.path FROM stat_records r JOIN schools s ON s.id = "
              "r.school_id WHERE r.id = ?";
    else
        return plan_report_refuse_at(e, "evidence", i, "record_type", "invalid",
                                     "记录类型应为 school、hazard 或 stat_record");
    sval p[] = {SV_I(id)};
    int rc = db_query_one(db, sql, p, 1, &row);
    const char *path = row ? text_field(row, "path") : NULL;
    if (rc == STORE_NOTFOUND ||
        (rc == STORE_OK && (!path || strncmp(path, plan_path, strlen(plan_path)) != 0 ||
                            (u && !access_in_scope(u, path))))) {
        json_decref(row);
        return plan_report_refuse_at(e, "evidence", i, "record_id", "invalid",
                                     "记录不存在或不在本规划范围内");
    }
    if (rc == STORE_OK) {
        const char *label = text_is(type, "school") ? "学校" : text_is(type, "hazard") ? "隐患" : "基表";
        char buf[256];
        snprintf(buf, sizeof buf, "%s：%s #%lld", label, text_field(row, "name"), (long long)id);
        if (!(*name = strdup(buf)))
            rc = STORE_ERROR;
    }
    json_decref(row);
    return rc;
}

/* 1 for an http or https URL without spaces or control characters. */
static int plan_link_valid(const char *url)
{
    size_t n;
    if (!url)
        return 0;
    if (strncmp(url, "https://", 8) == 0)
        n = 8;
    else if (strncmp(url, "http://", 7) == 0)
        n = 7;
    else
        return 0;
    if (!url[n] || url[n] == '/')
        return 0;
    for (const unsigned char *c = (const unsigned char *)url; *c; c++)
        if (*c <= ' ' || *c == 0x7f || *c == '"' || *c == '<' || *c == '>')
            return 0;
    return 1;
}

/* One evidence to store, checked. */
typedef struct plan_evidence_in {
    const char *kind;
    const char *title;
    const char *body;
    json_t *upload;       /* plan_uploads row for a file */
    const char *record_type;
    int64_t record_id;
    char *record_name;    /* malloced */
} plan_evidence_in;

static void plan_evidence_free(plan_evidence_in *ev, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        json_decref(ev[i].upload);
        free(ev[i].record_name);
    }
}

/* A text member of an evidence, trimmed into keep[]: NULL when blank. */
static const char *plan_evidence_text(json_t *o, const char *key, json_t **keep)
{
    *keep = text_trimmed(json_object_get(o, key));
    return json_string_value(*keep);
}

/* Check evidence element i of the body into ev. keep[2] holds the trimmed texts. */
static int plan_report_check_evidence_one(store_db *db, const user_ctx *u, const char *plan_path,
                                          json_t *o, size_t i, plan_evidence_in *ev,
                                          json_t **keep, refusal *e)
{
    if (!json_is_object(o))
        return plan_report_refuse_at(e, "evidence", i, "kind", "invalid", "佐证材料格式错误");
    ev->kind = text_field(o, "kind");
    if (!text_in_list(plan_evidence_kinds, ev->kind))
        return plan_report_refuse_at(e, "evidence", i, "kind", "invalid",
                                     "佐证材料类型应为 text、link、file 或 record");
    json_t *t = json_object_get(o, "title"), *b = json_object_get(o, "body");
    if ((t && !json_is_null(t) && !json_is_string(t)) || text_chars(json_string_value(t)) > 200)
        return plan_report_refuse_at(e, "evidence", i, "title", "invalid", "标题不超过 200 个字");
    if (b && !json_is_null(b) && !json_is_string(b))
        return plan_report_refuse_at(e, "evidence", i, "body", "invalid", "内容应为文本");
    ev->title = plan_evidence_text(o, "title", &keep[0]);
    ev->body = plan_evidence_text(o, "body", &keep[1]);
    if (text_is(ev->kind, "text")) {
        if (!ev->body)
            return plan_report_refuse_at(e, "evidence", i, "body", "missing", "请填写文字说明");
        if (text_chars(ev->body) > 5000)
            return plan_report_refuse_at(e, "evidence", i, "body", "invalid", "文字说明不超过 5000 个字");
        if (!ev->title)
            ev->title = "文字说明";
        return 0;
    }
    if (text_is(ev->kind, "link")) {
        if (!ev->body)
            return plan_report_refuse_at(e, "evidence", i, "body", "missing", "请填写链接地址");
        if (strlen(ev->body) > 1000 || !plan_link_valid(ev->body))
            return plan_report_refuse_at(e, "evidence", i, "body", "invalid",
                                         "链接应以 http:// 或 https:// 开头");
        if (!ev->title)
            ev->title = ev->body;
        return 0;
    }
    ev->body = NULL;
    if (text_is(ev->kind, "file")) {
        json_t *id = json_object_get(o, "upload_id");
        if (!id || json_is_null(id))
            return plan_report_refuse_at(e, "evidence", i, "upload_id", "missing", "请先上传文件");
        sval p[] = {SV_I(json_is_integer(id) ? json_integer_value(id) : 0),
                    u ? SV_I(u->id) : SV_NUL};
        int rc = db_query_one(db,
                              u ? "SELECT file_hash, file_name, file_type, file_size FROM "
                                  "plan_uploads WHERE id = ? AND user_id = ?"
                                : "SELECT file_hash, file_name, file_type, file_size FROM "
                                  "plan_uploads WHERE id = ?",
                              p, u ? 2 : 1, &ev->upload);
        if (rc == STORE_NOTFOUND)
            return plan_report_refuse_at(e, "evidence", i, "upload_id", "invalid",
                                         "上传文件不存在或不是本人上传的");
        if (rc == STORE_OK && !ev->title)
            ev->title = text_field(ev->upload, "file_name");
        return rc;
    }
    /* record */
    json_t *rid = json_object_get(o, "record_id");
    ev->record_type = text_field(o, "record_type");
    if (!ev->record_type)
        return plan_report_refuse_at(e, "evidence", i, "record_type", "missing", "请选择记录类型");
    if (!rid || json_is_null(rid))
        return plan_report_refuse_at(e, "evidence", i, "record_id", "missing", "请选择记录");
    if (!json_is_integer(rid) || json_integer_value(rid) <= 0)
        return plan_report_refuse_at(e, "evidence", i, "record_id", "invalid", "记录无效");
    ev->record_id = json_integer_value(rid);
    int rc = plan_report_check_record(db, u, plan_path, ev->record_type, ev->record_id, i,
                                      &ev->record_name, e);
    if (rc == STORE_OK && !ev->title)
        ev->title = ev->record_name;
    return rc;
}

/* --------------------------------------------------------------- create */

int plan_report_insert(store_db *db, const plan_report_row *row, int64_t *id)
{
    sval p[] = {SV_I(row->item_id),
                SV_T(row->period),
                SV_T(row->reported_on),
                SV_T(row->done),
                SV_T(row->problems),
                SV_T(row->next_steps),
                SV_T(row->state),
                plan_sv_real(row->progress),
                row->created_by ? SV_I(row->created_by) : SV_NUL,
                SV_I(row->created_at)};
    return db_insert(db,
                     "INSERT INTO plan_reports (item_id, period, reported_on, done, problems, "
                     "next_steps, state, progress, created_by, created_at) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                     p, 10, id);
}

int plan_figure_insert(store_db *db, int64_t report_id, int64_t target_id, double value)
{
    sval p[] = {SV_I(report_id), SV_I(target_id), SV_R(value)};
    return db_exec(db, "INSERT INTO plan_report_figures (report_id, target_id, value) "
                       "VALUES (?, ?, ?)", p, 3);
}

/* The value of a live target of item now, as a figure of report_id
 * (none when the registry has no value). */
static int plan_report_store_live(store_db *db, int64_t report_id, json_t *item, json_t *target)
{
    const char *path = text_field(item, "plan_path");
    double value = NAN;
    if (!path || !*path)
        return STORE_ERROR;
    int rc = plan_live_value(db, path, text_field_int(item, "county_org_id"),
                             (int)text_field_int(item, "plan_year"), text_field(target, "metric"),
                             &value, NULL);
    if (rc == STORE_NOTFOUND)
        return STORE_OK;  /* the metric left the registry: no figure */
    if (rc != STORE_OK || isnan(value))
        return rc;
    return plan_figure_insert(db, report_id, text_field_int(target, "id"), value);
}

/* Store the figures: the body's for reported targets, the metric's value
 * for live ones. */
static int plan_report_store_figures(store_db *db, int64_t report_id, json_t *item,
                                     json_t *targets, json_t *figures)
{
    size_t i;
    json_t *x;
    int rc = STORE_OK;
    json_array_foreach(figures, i, x) {
        if (rc != STORE_OK)
            break;
        rc = plan_figure_insert(db, report_id, text_field_int(x, "target_id"),
                                json_number_value(json_object_get(x, "value")));
    }
    json_array_foreach(targets, i, x) {
        if (rc != STORE_OK)
            break;
        if (text_is(text_field(x, "source"), "live") && text_field(x, "metric"))
            rc = plan_report_store_live(db, report_id, item, x);
    }
    return rc;
}

static int plan_report_store_evidence(store_db *db, int64_t report_id, plan_evidence_in *ev,
                                      size_t n, int64_t now)
{
    int rc = STORE_OK;
    for (size_t i = 0; i < n && rc == STORE_OK; i++) {
        json_t *up = ev[i].upload;
        sval p[] = {SV_I(report_id),
                    SV_T(ev[i].kind),
                    SV_T(ev[i].title),
                    SV_T(ev[i].body),
                    SV_T(text_field(up, "file_hash")),
                    SV_T(text_field(up, "file_name")),
                    SV_T(text_field(up, "file_type")),
                    up ? SV_I(text_field_int(up, "file_size")) : SV_NUL,
                    SV_T(ev[i].record_type),
                    ev[i].record_id ? SV_I(ev[i].record_id) : SV_NUL,
                    SV_I(now)};
        int64_t id;
        rc = db_insert(db,
                       "INSERT INTO plan_evidence (report_id, kind, title, body, file_hash, "
                       "file_name, file_type, file_size, record_type, record_id, created_at) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                       p, 11, &id);
    }
    return rc;
}

/* The report's scalar fields, checked; texts kept in keep[3]. */
static int plan_report_check_fields(json_t *body, json_t *item, const char **period,
                                    const char **reported_on, const char **state,
                                    double *progress, json_t **keep, refusal *e)
{
    json_t *v;
    *period = text_field(body, "period");
    *reported_on = text_field_nonempty(body, "reported_on");
    *state = text_field(body, "state");
    *progress = NAN;
    if (!*period || !**period)
        return refuse(e, 400, "missing", "period", "请填写报告期");
    if (!plan_period_valid(*period, text_field_int(item, "plan_year")))
        return refuse(e, 400, "invalid", "period", "报告期应为规划年度内的 YYYY-MM（月）或 YYYY-Qn（季度）");
    v = json_object_get(body, "reported_on");
    if ((v && !json_is_null(v) && !json_is_string(v)) || (*reported_on && !clock_date_valid(*reported_on)))
        return refuse(e, 400, "invalid", "reported_on", "报告日期格式应为 YYYY-MM-DD");
    if (plan_report_text(body, "done", 1, 5000, "请填写完成情况", "完成情况不超过 5000 个字",
                         &keep[0], e) ||
        plan_report_text(body, "problems", 0, 5000, NULL, "存在问题不超过 5000 个字", &keep[1], e) ||
        plan_report_text(body, "next_steps", 0, 5000, NULL, "下步打算不超过 5000 个字", &keep[2], e))
        return REFUSED;
    if (!*state || !**state)
        return refuse(e, 400, "missing", "state", "请选择进展状态");
    if (!text_in_list(plan_report_states, *state))
        return refuse(e, 400, "invalid", "state", "进展状态应为 achieved、on_track、at_risk 或 behind");
    v = json_object_get(body, "progress");
    if (v && !json_is_null(v)) {
        if (!json_is_number(v) || json_number_value(v) < 0 || json_number_value(v) > 100)
            return refuse(e, 400, "invalid", "progress", "进度应为 0 至 100 的数");
        *progress = json_number_value(v);
    }
    return 0;
}

int plan_report_create(store_db *db, const user_ctx *u, const char *ip, int64_t item_id,
                       json_t *body, int64_t *id_out, refusal *e)
{
    json_t *item = NULL, *targets = NULL, *after = NULL;
    json_t *keep[3 + 2 * PLAN_EVIDENCE_MAX] = {0};
    plan_evidence_in ev[PLAN_EVIDENCE_MAX];
    size_t nev = 0, i;
    const char *period, *reported_on, *state;
    double progress;
    char today[11];
    int64_t id = 0, now = clock_now();
    int rc;

    memset(ev, 0, sizeof ev);
    *id_out = 0;
    if (plan_body_check(body, e) != 0)
        return REFUSED;
    rc = plan_item_reach(db, u, item_id, 0, &item, e);
    if (rc != STORE_OK)
        return rc;
    const char *path = text_field(item, "plan_path");
    if (!plan_can_report(u, path, text_field_int(item, "lead_dept_id"))) {
        rc = refuse(e, 403, "forbidden", NULL, "只能填报本股室牵头的事项");
        goto done;
    }
    rc = plan_report_check_fields(body, item, &period, &reported_on, &state, &progress, keep, e);
    if (rc == STORE_OK)
        rc = plan_report_targets(db, item_id, &targets);
    if (rc == STORE_OK)
        rc = plan_report_check_figures(json_object_get(body, "figures"), targets, e);
    json_t *evidence = json_object_get(body, "evidence"), *o;
    if (rc == STORE_OK && evidence && !json_is_null(evidence) &&
        (!json_is_array(evidence) || json_array_size(evidence) > PLAN_EVIDENCE_MAX))
        rc = refuse(e, 400, "invalid", "evidence", "佐证材料应为列表，最多 20 项");
    json_array_foreach(evidence, i, o) {
        if (rc != STORE_OK)
            break;
        rc = plan_report_check_evidence_one(db, u, path, o, i, &ev[i], &keep[3 + 2 * i], e);
        nev = i + 1;
    }
    if (rc != STORE_OK)
        goto done;
    if (!reported_on) { /* today, or the period's last day for a past period */
        char end[11];
        clock_today(today);
        plan_period_end(period, end);
        if (strcmp(end, today) < 0)
            memcpy(today, end, sizeof end);
        reported_on = today;
    }
    plan_report_row row = {.item_id = item_id,
                           .period = period,
                           .reported_on = reported_on,
                           .done = json_string_value(keep[0]),
                           .problems = json_string_value(keep[1]),
                           .next_steps = json_string_value(keep[2]),
                           .state = state,
                           .progress = progress,
                           .created_by = u ? u->id : 0,
                           .created_at = now};
    rc = plan_report_insert(db, &row, &id);
    if (rc == STORE_OK)
        rc = plan_report_store_figures(db, id, item, targets, json_object_get(body, "figures"));
    if (rc == STORE_OK)
        rc = plan_report_store_evidence(db, id, ev, nev, now);
    if (rc == STORE_OK)
        rc = plan_report_load(db, id, &after);
    if (rc == STORE_OK)
        rc = audit_write(db, u, ip, "create", "plan_report", id, path, NULL, after);
    if (rc == STORE_OK)
        *id_out = id;
done:
    plan_evidence_free(ev, nev);
    for (i = 0; i < sizeof keep / sizeof keep[0]; i++)
        json_decref(keep[i]);
    json_decref(item);
    json_decref(targets);
    json_decref(after);
    return rc;
}

/* -------------------------------------------------------------- uploads */

/* A ZIP (DOCX, XLSX) by the names of its entries: "word/..." is a Word
 * document, "xl/..." a workbook; NULL for any other zip. */
static const char *plan_sniff_zip(const void *data, size_t len)
{
    zip_error_t err;
    zip_error_init(&err);
    zip_source_t *src = zip_source_buffer_create(data, len, 0, &err);
    if (!src) {
        zip_error_fini(&err);
        return NULL;
    }
    zip_t *z = zip_open_from_source(src, ZIP_RDONLY, &err);
    const char *type = NULL;
    if (!z) {
        zip_source_free(src);
        zip_error_fini(&err);
        return NULL;
    }
    zip_int64_t n = zip_get_num_entries(z, 0);
    for (zip_int64_t i = 0; i < n && !type; i++) {
        const char *name = zip_get_name(z, (zip_uint64_t)i, 0);
        if (name && strncmp(name, "word/", 5) == 0)
            type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
        else if (name && strncmp(name, "xl/", 3) == 0)
            type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    }
    zip_discard(z);
    zip_error_fini(&err);
    return type;
}

/* 1 when the UTF-16LE text of name occurs in data. */
static int plan_has_utf16(const unsigned char *data, size_t len, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i + 2 * n <= len; i++) {
        size_t j = 0;
        while (j < n && data[i + 2 * j] == (unsigned char)name[j] && data[i + 2 * j + 1] == 0)
            j++;
        if (j == n)
            return 1;
    }
    return 0;
}

const char *plan_upload_sniff(const void *data, size_t len)
{
    const unsigned char *b = data;
    static const unsigned char png[] = {0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a};
    static const unsigned char ole[] = {0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1};
    if (!b || len < 8)
        return NULL;
    if (memcmp(b, "%PDF-", 5) == 0)
        return "application/pdf";
    if (b[0] == 0xff && b[1] == 0xd8 && b[2] == 0xff)
        return "image/jpeg";
    if (memcmp(b, png, sizeof png) == 0)
        return "image/png";
    if (memcmp(b, "PK\x03\x04", 4) == 0)
        return plan_sniff_zip(data, len);
    if (memcmp(b, ole, sizeof ole) == 0) {
        /* The directory names its streams in UTF-16LE. */
        if (plan_has_utf16(b, len, "WordDocument"))
            return "application/msword";
        if (plan_has_utf16(b, len, "Workbook") || plan_has_utf16(b, len, "Book"))
            return "application/vnd.ms-excel";
    }
    return NULL;
}

/* The file name without folders, or NULL when it has control characters
 * or quotes. */
static const char *plan_upload_name(const char *name)
{
    const char *base = name;
    for (const char *c = name; *c; c++) {
        if ((unsigned char)*c < 0x20 || *c == 0x7f || *c == '"')
            return NULL;
        if (*c == '/' || *c == '\\')
            base = c + 1;
    }
    return base;
}

int plan_upload_create(store_db *db, const user_ctx *u, const char *ip, const char *name,
                       const void *data, size_t len, json_t **out, refusal *e)
{
    char hash[FILESTORE_HASH_HEX + 1];
    int64_t id = 0;
    memset(e, 0, sizeof *e);
    *out = NULL;
    if (u && !text_is(u->role, ROLE_ADMIN) && !text_is(u->role, ROLE_DEPT))
        return refuse(e, 403, "forbidden", NULL, "无权上传进展佐证材料");
    if (u && !plan_can_read(u, u->scope_path))
        return refuse(e, 403, "forbidden", NULL, "无权上传进展佐证材料");
    if (!name || !*name)
        name = "附件";
    const char *base = plan_upload_name(name);
    if (!base || !*base || text_chars(base) > 100)
        return refuse(e, 400, "invalid", "name", "文件名不超过 100 个字，且不含引号或控制字符");
    if (len == 0)
        return refuse(e, 400, "missing", NULL, "上传的文件是空的");
    if (len > PLAN_UPLOAD_MAX_BYTES)
        return refuse(e, 413, "too_large", NULL, "文件不能超过 10 MB");
    const char *type = plan_upload_sniff(data, len);
    if (!type)
        return refuse(e, 415, "unsupported_type", NULL,
                      "仅支持 PDF、JPEG、PNG、Word（DOC/DOCX）或 Excel（XLS/XLSX）文件");
    if (!filestore_dir())
        return refuse(e, 503, "unavailable", NULL, "文件存储未配置，暂不能上传");
    if (filestore_put(data, len, hash) != 0) {
        log_error("文件存储写入失败 (%s): %s", filestore_dir(), strerror(errno));
        return STORE_ERROR;
    }
    const char *stored = hash;
    sval p[] = {u ? SV_I(u->id) : SV_I(0), SV_T(stored), SV_T(base), SV_T(type),
                SV_I((int64_t)len), SV_I(clock_now())};
    int rc = db_insert(db,
                       "INSERT INTO plan_uploads (user_id, file_hash, file_name, file_type, "
                       "file_size, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                       p, 6, &id);
    if (rc != STORE_OK)
        return rc;
    json_t *o = json_pack("{sI ss ss sI}", "id", (json_int_t)id, "name", base, "type", type,
                          "size", (json_int_t)len);
    json_t *audited = json_deep_copy(o);
    json_object_set_new(audited, "hash", json_string(hash));
    rc = audit_write(db, u, ip, "upload", "plan_upload", id, u ? u->scope_path : NULL, NULL,
                     audited);
    json_decref(audited);
    if (rc == STORE_OK)
        *out = o;
    else
        json_decref(o);
    return rc;
}

int plan_evidence_file(store_db *db, const user_ctx *u, int64_t evidence_id, json_t **out)
{
    sval p[] = {SV_I(evidence_id)};
    *out = NULL;
    int rc = db_query_one(db,
                          "SELECT e.file_hash AS hash, e.file_name AS name, e.file_type AS type, "
                          "p.path FROM plan_evidence e JOIN plan_reports r ON r.id = e.report_id "
                          "JOIN plan_items i ON i.id = r.item_id JOIN plans p ON p.id = i.plan_id "
                          "WHERE e.id = ? AND e.kind = 'file'",
                          p, 1, out);
    if (rc != STORE_OK)
        return rc;
    if ((u && !plan_can_read(u, text_field(*out, "path"))) || !text_field(*out, "hash")) {
        json_decref(*out);
        *out = NULL;
        return STORE_NOTFOUND;
    }
    json_object_del(*out, "path");
    return STORE_OK;
}
