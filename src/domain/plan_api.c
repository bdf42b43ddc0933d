/*
 * plan_api.c - HTTP handlers of 目标 (docs/api-plan.md): plans, the tree,
 * items, targets, progress reports, evidence uploads and downloads, the
 * reminder list, the export, and the metric registry (GET /api/metrics).
 *
 * The rules live in plan.c (structure, who may do what) and plan_reports.c
 * (reports, uploads); the reads in plan_tree.c, plan_item.c, plan_remind.c,
 * metrics.c and plan_export.c. These handlers parse the request, check reach, run a write
 * in one transaction and reply once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/access.h"
#include "domain/metrics.h"
#include "domain/org.h"
#include "domain/plan_internal.h"
#include "http/reply.h"
#include "http/router.h"
#include "io/filestore.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/parse.h"
#include "util/text.h"

/* ---------------------------------------------------------------- helpers */

/* The route's {id}, or 0 after replying 404 with message. */
static int64_t plan_api_id(req *r, const char *message)
{
    int64_t id = parse_id(req_param(r, "id"));
    if (!id)
        reply_error(r, 404, "not_found", message, NULL);
    return id;
}

/* The query's on (a date), or NULL; -1 after replying 400. */
static int plan_api_on(req *r, const char **on)
{
    *on = req_query(r, "on");
    if (*on && !clock_date_valid(*on)) {
        reply_bad_request(r, "on", "日期格式应为 YYYY-MM-DD");
        return -1;
    }
    return 0;
}

/* 0 when the caller may read module plan at all (not a 学校管理员), else
 * -1 after replying 403. */
static int plan_api_can_read(req *r)
{
    if (plan_can_read(r->user, r->user->scope_path))
        return 0;
    reply_error(r, 403, "forbidden", "学校管理员无权查看工作目标", NULL);
    return -1;
}

/* The plan row of route {id} for reading, and the date statuses are
 * computed at (on); -1 after replying. */
static int plan_api_plan(req *r, json_t **plan, char on[11])
{
    refusal e = {0};
    const char *q_on;
    int64_t id = plan_api_id(r, "规划不存在");
    if (!id || plan_api_on(r, &q_on) != 0)
        return -1;
    int rc = plan_reach(r->db, r->user, id, 0, plan, &e);
    if (rc != STORE_OK) {
        reply_refusal(r, rc, &e);
        return -1;
    }
    plan_status_date(*plan, q_on, on);
    return 0;
}

/* --------------------------------------------------------------- plans */

static void plan_api_list_handler(req *r)
{
    json_t *rows = NULL, *row, *items;
    const char *year = req_query(r, "year");
    int64_t y = 0;
    size_t i;
    if (plan_api_can_read(r) != 0)
        return;
    if (year && ((y = parse_id(year)) < 2000 || y > 2100)) {
        reply_bad_request(r, "year", "年度应为 2000 至 2100 的整数");
        return;
    }
    const char *lo = r->user->scope_path, *hi = org_scope_upper(r->a, lo);
    sval p[] = {SV_T(lo), SV_T(hi), SV_I(y), SV_I(y)};
    int rc = db_query(r->db,
                      "SELECT id, path FROM plans WHERE path >= ? AND path < ? "
                      "AND (? = 0 OR year = ?) ORDER BY year DESC, id",
                      p, 4, &rows);
    if (rc != STORE_OK) {
        reply_store_error(r, rc);
        return;
    }
    items = json_array();
    json_array_foreach(rows, i, row) {
        json_t *plan = NULL;
        if (!plan_can_read(r->user, text_field(row, "path")))
            continue;
        rc = plan_load(r->db, text_field_int(row, "id"), &plan);
        if (rc != STORE_OK)
            break;
        json_array_append_new(items, plan);
    }
    json_decref(rows);
    if (rc != STORE_OK) {
        json_decref(items);
        reply_store_error(r, rc);
        return;
    }
    reply_items(r, STORE_OK, items);
}

static int plan_api_plan_load(req *r, int64_t id, json_t **out)
{
    return plan_load(r->db, id, out);
}

static void plan_api_get_handler(req *r)
{
    json_t *plan = NULL, *o = NULL;
    char on[11];
    if (plan_api_plan(r, &plan, on) != 0)
        return;
    int rc = plan_load(r->db, text_field_int(plan, "id"), &o);
    json_decref(plan);
    reply_result(r, rc, 200, o);
}

static int plan_api_create_op(req *r, int64_t id, int64_t *id_out, refusal *e)
{
    (void)id;
    return plan_create(r->db, r->user, r->ip, r->json, id_out, e);
}

static void plan_api_create_handler(req *r)
{
    if (req_body_object(r) == 0)
        reply_write(r, 0, plan_api_create_op, plan_api_plan_load, 201);
}

static int plan_api_patch_op(req *r, int64_t id, int64_t *id_out, refusal *e)
{
    (void)id_out;
    return plan_patch(r->db, r->user, r->ip, id, r->json, e);
}

static void plan_api_patch_handler(req *r)
{
    int64_t id;
    if (req_body_object(r) == 0 && (id = plan_api_id(r, "规划不存在")))
        reply_write(r, id, plan_api_patch_op, plan_api_plan_load, 200);
}

static void plan_api_tree_handler(req *r)
{
    json_t *plan = NULL, *tree = NULL;
    char on[11];
    const char *dept = req_query(r, "dept"), *status = req_query(r, "status");
    int64_t dept_id = 0;
    if (dept && !(dept_id = parse_id(dept))) {
        reply_bad_request(r, "dept", "股室无效");
        return;
    }
    if (status && plan_status_of(status) < 0) {
        reply_bad_request(r, "status", "状态应为 achieved、on_track、at_risk、behind、overdue 或 no_data");
        return;
    }
    if (plan_api_plan(r, &plan, on) != 0)
        return;
    int rc = plan_tree(r->db, text_field_int(plan, "id"), on, dept_id, status, &tree);
    json_decref(plan);
    reply_result(r, rc, 200, tree);
}

static void plan_api_reminders_handler(req *r)
{
    json_t *plan = NULL, *out = NULL;
    char on[11];
    if (plan_api_plan(r, &plan, on) != 0)
        return;
    int rc = plan_reminders(r->db, text_field_int(plan, "id"), on, &out);
    json_decref(plan);
    if (rc == STORE_OK && json_is_array(out)) {
        reply_items(r, rc, out);
        return;
    }
    reply_result(r, rc, 200, out);
}

static void plan_api_export_handler(req *r)
{
    json_t *plan = NULL;
    char on[11], name[160];
    char *data = NULL, *err = NULL;
    size_t len = 0;
    const char *format = req_query(r, "format");
    if (!format)
        format = "xlsx";
    if (!text_is(format, "xlsx") && !text_is(format, "docx")) {
        reply_bad_request(r, "format", "导出格式应为 xlsx 或 docx");
        return;
    }
    if (plan_api_plan(r, &plan, on) != 0)
        return;
    int64_t id = text_field_int(plan, "id");
    int docx = text_is(format, "docx");
    int rc = docx ? plan_export_docx(r->db, id, on, &data, &len, &err)
                  : plan_export_xlsx(r->db, id, on, &data, &len, &err);
    snprintf(name, sizeof name, "%lld年工作目标%s（%s）.%s",
             (long long)text_field_int(plan, "year"), docx ? "督查通报" : "进度", on, format);
    json_decref(plan);
    if (rc != 0) {
        log_error("GET /api/plans/%lld/export: %s", (long long)id, err ? err : "?");
        free(err);
        reply_error(r, 500, "export_failed", "导出失败", NULL);
        return;
    }
    reply_bytes(r, 200,
                docx ? "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
                     : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                arena_strdup(r->a, name), data, len);
    free(data);
}

/* ---------------------------------------------------------------- items */

static int plan_api_item_load(req *r, int64_t id, json_t **out)
{
    return plan_item_object(r->db, id, out);
}

static int plan_api_item_create_op(req *r, int64_t id, int64_t *id_out, refusal *e)
{
    return plan_item_create(r->db, r->user, r->ip, id, r->json, id_out, e);
}

static void plan_api_item_create_handler(req *r)
{
    int64_t id;
    if (req_body_object(r) == 0 && (id = plan_api_id(r, "规划不存在")))
        reply_write(r, id, plan_api_item_create_op, plan_api_item_load, 201);
}

static void plan_api_item_get_handler(req *r)
{
    refusal e = {0};
    json_t *item = NULL, *plan = NULL, *o = NULL;
    const char *q_on;
    char on[11];
    int64_t id = plan_api_id(r, "事项不存在");
    if (!id || plan_api_on(r, &q_on) != 0)
        return;
    int rc = plan_item_reach_plan(r->db, r->user, id, 0, &item, &plan, &e);
    if (rc != STORE_OK) {
        json_decref(item);
        reply_refusal(r, rc, &e);
        return;
    }
    plan_status_date(plan, q_on, on);
    rc = plan_item_detail(r->db, id, on, &o);
    json_decref(item);
    json_decref(plan);
    if (rc == STORE_NOTFOUND) {
        reply_error(r, 404, "not_found", "事项不存在", NULL);
        return;
    }
    reply_result(r, rc, 200, o);
}

static int plan_api_item_patch_op(req *r, int64_t id, int64_t *id_out, refusal *e)
{
    (void)id_out;
    return plan_item_patch(r->db, r->user, r->ip, id, r->json, e);
}

static void plan_api_item_patch_handler(req *r)
{
    int64_t id;
    if (req_body_object(r) == 0 && (id = plan_api_id(r, "事项不存在")))
        reply_write(r, id, plan_api_item_patch_op, plan_api_item_load, 200);
}

/* Run a delete in one transaction and answer 204. */
static void plan_api_delete(req *r, int64_t id,
                            int (*op)(store_db *, const user_ctx *, const char *, int64_t, refusal *))
{
    refusal e = {0};
    if (req_begin(r) != 0)
        return;
    int rc = op(r->db, r->user, r->ip, id, &e);
    if (reply_finish(r, rc, &e) != 0)
        return;
    reply_bytes(r, 204, NULL, NULL, "", 0);
}

static void plan_api_item_delete_handler(req *r)
{
    int64_t id = plan_api_id(r, "事项不存在");
    if (id)
        plan_api_delete(r, id, plan_item_delete);
}

/* ------------------------------------------------------------- targets */

static int plan_api_target_load(req *r, int64_t id, json_t **out)
{
    return plan_target_object(r->db, id, out);
}

static int plan_api_target_create_op(req *r, int64_t id, int64_t *id_out, refusal *e)
{
    return plan_target_create(r->db, r->user, r->ip, id, r->json, id_out, e);
}

static void plan_api_target_create_handler(req *r)
{
    int64_t id;
    if (req_body_object(r) == 0 && (id = plan_api_id(r, "事项不存在")))
        reply_write(r, id, plan_api_target_create_op, plan_api_target_load, 201);
}

static int plan_api_target_patch_op(req *r, int64_t id, int64_t *id_out, refusal *e)
{
    (void)id_out;
    return plan_target_patch(r->db, r->user, r->ip, id, r->json, e);
}

static void plan_api_target_patch_handler(req *r)
{
    int64_t id;
    if (req_body_object(r) == 0 && (id = plan_api_id(r, "指标不存在")))
        reply_write(r, id, plan_api_target_patch_op, plan_api_target_load, 200);
}

static void plan_api_target_delete_handler(req *r)
{
    int64_t id = plan_api_id(r, "指标不存在");
    if (id)
        plan_api_delete(r, id, plan_target_delete);
}

/* ------------------------------------------------------------- reports */

static int plan_api_report_load(req *r, int64_t id, json_t **out)
{
    return plan_report_load(r->db, id, out);
}

static int plan_api_report_create_op(req *r, int64_t id, int64_t *id_out, refusal *e)
{
    return plan_report_create(r->db, r->user, r->ip, id, r->json, id_out, e);
}

static void plan_api_report_create_handler(req *r)
{
    int64_t id;
    if (req_body_object(r) == 0 && (id = plan_api_id(r, "事项不存在")))
        reply_write(r, id, plan_api_report_create_op, plan_api_report_load, 201);
}

static void plan_api_upload_handler(req *r)
{
    refusal e = {0};
    json_t *o = NULL;
    if (r->body_len > PLAN_UPLOAD_MAX_BYTES) {
        reply_error(r, 413, "too_large", "文件不能超过 10 MB", NULL);
        return;
    }
    if (req_begin(r) != 0)
        return;
    int rc = plan_upload_create(r->db, r->user, r->ip, req_query(r, "name"), r->body,
                                r->body_len, &o, &e);
    if (reply_finish(r, rc, &e) != 0) {
        json_decref(o);
        return;
    }
    reply_json(r, 201, o);
}

static void plan_api_evidence_file_handler(req *r)
{
    json_t *file = NULL;
    char *data = NULL;
    size_t len = 0;
    int64_t id = plan_api_id(r, "佐证材料不存在");
    if (!id)
        return;
    int rc = plan_evidence_file(r->db, r->user, id, &file);
    if (rc == STORE_NOTFOUND) {
        reply_error(r, 404, "not_found", "佐证材料不存在", NULL);
        return;
    }
    if (rc != STORE_OK) {
        reply_store_error(r, rc);
        return;
    }
    const char *hash = text_field(file, "hash");
    if (!filestore_dir() || filestore_get(hash, &data, &len) != 0) {
        log_error("GET /api/plan-evidence/%lld/file: 文件 %s 无法读取", (long long)id,
                  hash ? hash : "?");
        json_decref(file);
        reply_error(r, 404, "not_found", "佐证文件不存在", NULL);
        return;
    }
    reply_header(r, "Cache-Control", "private");
    reply_bytes(r, 200, text_field(file, "type"), arena_strdup(r->a, text_field(file, "name")),
                data, len);
    free(data);
    json_decref(file);
}

/* ------------------------------------------------------------- metrics */

static void plan_api_metrics_handler(req *r)
{
    json_t *unit = NULL, *county = NULL, *out = NULL;
    const char *year_text = req_query(r, "year"), *org = req_query(r, "org");
    char today[11];
    int64_t year, org_id = 0;
    if (plan_api_can_read(r) != 0)
        return;
    clock_today(today);
    year = atoi(today);
    if (year_text && ((year = parse_id(year_text)) < 2000 || year > 2100)) {
        reply_bad_request(r, "year", "年度应为 2000 至 2100 的整数");
        return;
    }
    if (org && !(org_id = parse_id(org))) {
        reply_bad_request(r, "org", "单位无效");
        return;
    }
    int rc = org_id ? org_get(r->db, org_id, &unit) : STORE_OK;
    if (rc == STORE_NOTFOUND || (rc == STORE_OK && unit && !access_in_scope(r->user, text_field(unit, "path")))) {
        json_decref(unit);
        reply_bad_request(r, "org", "单位不存在或不在管理范围内");
        return;
    }
    if (rc != STORE_OK) {
        reply_store_error(r, rc);
        return;
    }
    const char *path = unit ? arena_strdup(r->a, text_field(unit, "path")) : r->user->scope_path;
    json_decref(unit);
    rc = org_ancestor_of_level(r->db, path, "county", &county);
    int64_t county_id = rc == STORE_OK ? text_field_int(county, "id") : 0;
    json_decref(county);
    if (rc != STORE_OK && rc != STORE_NOTFOUND) {
        reply_store_error(r, rc);
        return;
    }
    rc = metrics_list(r->db, path, org_scope_upper(r->a, path), county_id, (int)year, &out);
    reply_items(r, rc, out);
}

const route plan_routes[] = {
    {"GET", "/api/plans", plan_api_list_handler, 0},
    {"POST", "/api/plans", plan_api_create_handler, 0},
    {"GET", "/api/plans/{id}", plan_api_get_handler, 0},
    {"PATCH", "/api/plans/{id}", plan_api_patch_handler, 0},
    {"GET", "/api/plans/{id}/tree", plan_api_tree_handler, 0},
    {"GET", "/api/plans/{id}/reminders", plan_api_reminders_handler, 0},
    {"GET", "/api/plans/{id}/export", plan_api_export_handler, 0},
    {"POST", "/api/plans/{id}/items", plan_api_item_create_handler, 0},
    {"GET", "/api/items/{id}", plan_api_item_get_handler, 0},
    {"PATCH", "/api/items/{id}", plan_api_item_patch_handler, 0},
    {"DELETE", "/api/items/{id}", plan_api_item_delete_handler, 0},
    {"POST", "/api/items/{id}/targets", plan_api_target_create_handler, 0},
    {"POST", "/api/items/{id}/reports", plan_api_report_create_handler, 0},
    {"PATCH", "/api/targets/{id}", plan_api_target_patch_handler, 0},
    {"DELETE", "/api/targets/{id}", plan_api_target_delete_handler, 0},
    {"POST", "/api/plan-uploads", plan_api_upload_handler, ROUTE_RAW_BODY},
    {"GET", "/api/plan-evidence/{id}/file", plan_api_evidence_file_handler, 0},
    {"GET", "/api/metrics", plan_api_metrics_handler, 0},
    {NULL, NULL, NULL, 0},
};
