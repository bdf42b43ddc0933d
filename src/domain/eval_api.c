/*
 * eval_api.c - eval_routes: the evaluation reads of 评估 (docs/api-eval.md),
 * and the request context every 评估 handler shares (eval_api.h).
 *
 *   GET  /api/eval/balanced     义务教育优质均衡 of a stage (xlsx: the schools)
 *   POST /api/eval/what-if      the same with changes, never saved
 *   GET  /api/eval/preschool    学前普及普惠
 *   GET  /api/eval/class-size   班额 and school sizes
 *   GET  /api/eval/school/{id}  the card of one school
 *   GET  /api/eval/export       the whole evaluation as an xlsx
 *
 * Who: whoever reads module "eval" in scope, over the subtree of the `org`
 * parameter (an org unit inside the caller's scope, else 403; default the
 * caller's scope root), for the `year` parameter (default the latest year
 * with records in that subtree). A 学校管理员 reads only the card of its
 * own school. The saved scenarios are eval_scenarios.c; the population and
 * the bureau's own standards, eval_inputs_api.c.
 *
 * The evaluations are computed by eval_balanced.c, eval_preschool.c,
 * eval_size.c and eval_card.c; these handlers parse, check, call and reply
 * once.
 */
#include "domain/eval_api.h"

#include <stdlib.h>
#include <string.h>

#include "auth/access.h"
#include "domain/audit.h"
#include "domain/eval_export.h"
#include "domain/org.h"
#include "domain/stats.h"
#include "http/paging.h"
#include "http/reply.h"
#include "http/router.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/parse.h"
#include "util/text.h"

#define EVAL_API_YEAR_MIN 2000
#define EVAL_API_YEAR_MAX 2100
#define EVAL_API_XLSX "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#define EVAL_API_STAGE_TEXT "学段应为 primary（小学）或 junior（初中）"
#define EVAL_API_ORG_TEXT "机构应为机构编号"

static const char *const eval_api_stages[] = {"primary", "junior", NULL};

/* ------------------------------------------------------------ the request */

int eval_api_parse_year(const char *text)
{
    int64_t y = parse_id(text);
    return y >= EVAL_API_YEAR_MIN && y <= EVAL_API_YEAR_MAX ? (int)y : 0;
}

int eval_api_json_year(json_t *v)
{
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_integer(v) || json_integer_value(v) < EVAL_API_YEAR_MIN ||
        json_integer_value(v) > EVAL_API_YEAR_MAX)
        return -1;
    return (int)json_integer_value(v);
}

int eval_api_query_year(req *r, int *year)
{
    const char *text = req_query(r, "year");
    *year = 0;
    if (text && !(*year = eval_api_parse_year(text))) {
        reply_bad_request(r, "year", EVAL_API_YEAR_TEXT);
        return -1;
    }
    return 0;
}

int eval_api_can_read(req *r)
{
    if (text_is(r->user->role, ROLE_SCHOOL)) {
        reply_error(r, 403, "forbidden", "学校管理员只能查看本校的评估", NULL);
        return -1;
    }
    return req_can_read(r, "eval");
}

int eval_api_can_write(req *r, const char *path, const char *message)
{
    if (!text_is(r->user->role, ROLE_SCHOOL) && access_can_write(r->user, "eval", path))
        return 0;
    reply_error(r, 403, "forbidden", message, NULL);
    return -1;
}

/* The county of the org unit at path into c->scope (0 above a county). */
static int eval_api_county(req *r, const char *path, const char *level, int64_t id,
                           eval_api_ctx *c)
{
    json_t *county = NULL;
    c->scope.county_org_id = 0;
    if (text_is(level, "county")) {
        c->scope.county_org_id = id;
        return 0;
    }
    if (text_is(level, "province") || text_is(level, "city"))
        return 0;
    int rc = org_ancestor_of_level(r->db, path, "county", &county);
    if (rc == STORE_OK)
        c->scope.county_org_id = text_field_int(county, "id");
    json_decref(county);
    if (rc != STORE_OK && rc != STORE_NOTFOUND) {
        reply_store_error(r, rc);
        return -1;
    }
    return 0;
}

int eval_api_org(req *r, int64_t org_id, eval_api_ctx *c)
{
    json_t *unit = NULL;
    int64_t id = org_id ? org_id : r->user->scope_org_id;
    int rc = org_get(r->db, id, &unit);
    if (rc == STORE_NOTFOUND) {
        reply_bad_request(r, "org", "所选机构不存在");
        return -1;
    }
    if (rc != STORE_OK) {
        reply_store_error(r, rc);
        return -1;
    }
    const char *path = arena_strdup(r->a, text_field(unit, "path"));
    const char *level = arena_strdup(r->a, text_field(unit, "level"));
    c->org_id = id;
    c->org_name = arena_strdup(r->a, text_field(unit, "name"));
    c->scope.path = path;
    c->scope.path_hi = org_scope_upper(r->a, path);
    c->scope.county_org_id = 0;
    json_decref(unit);
    if (!path || !access_in_scope(r->user, path)) {
        reply_error(r, 403, "forbidden", "所选机构不在您的管辖范围内", "org");
        return -1;
    }
    return eval_api_county(r, path, level, id, c);
}

int eval_api_query_org_id(req *r, int64_t *org_id)
{
    const char *text = req_query(r, "org");
    *org_id = text ? parse_id(text) : 0;
    if (text && !*org_id) {
        reply_bad_request(r, "org", EVAL_API_ORG_TEXT);
        return -1;
    }
    return 0;
}

int eval_api_year_or_latest(req *r, const eval_scope *scope, int year)
{
    if (!year)
        year = eval_latest_year(r->db, scope, EVAL_API_YEAR_MAX);
    return year ? year : stats_school_year(clock_now());
}

int eval_api_read(req *r, eval_api_ctx *c)
{
    int64_t org_id;
    int year;
    if (eval_api_can_read(r) != 0 || eval_api_query_org_id(r, &org_id) != 0 ||
        eval_api_query_year(r, &year) != 0 || eval_api_org(r, org_id, c) != 0)
        return -1;
    c->year = eval_api_year_or_latest(r, &c->scope, year);
    return 0;
}

const char *eval_api_stage(req *r, const char *text)
{
    if (!text)
        return "primary";
    for (int i = 0; eval_api_stages[i]; i++)
        if (strcmp(text, eval_api_stages[i]) == 0)
            return eval_api_stages[i];
    reply_bad_request(r, "stage", EVAL_API_STAGE_TEXT);
    return NULL;
}

int eval_api_body_what_if(req *r, eval_api_ctx *c, const char **stage, json_t **changes)
{
    json_t *org = json_object_get(r->json, "org");
    int year = eval_api_json_year(json_object_get(r->json, "year"));
    if (year < 0) {
        reply_bad_request(r, "year", EVAL_API_YEAR_TEXT);
        return -1;
    }
    json_t *st = json_object_get(r->json, "stage");
    if (st && !json_is_null(st) && !json_is_string(st)) {
        reply_bad_request(r, "stage", EVAL_API_STAGE_TEXT);
        return -1;
    }
    if (!(*stage = eval_api_stage(r, json_string_value(st))))
        return -1;
    if (org && !json_is_null(org) && (!json_is_integer(org) || json_integer_value(org) <= 0)) {
        reply_bad_request(r, "org", EVAL_API_ORG_TEXT);
        return -1;
    }
    *changes = json_object_get(r->json, "changes");
    if (!*changes || json_is_null(*changes)) {
        reply_error(r, 400, "missing", "请填写要尝试的变更", "changes");
        return -1;
    }
    if (!json_is_array(*changes)) {
        reply_bad_request(r, "changes", "变更应为数组");
        return -1;
    }
    if (eval_api_org(r, json_integer_value(org), c) != 0)
        return -1;
    c->year = eval_api_year_or_latest(r, &c->scope, year);
    return 0;
}

int eval_api_body_text(req *r, const char *key, const char *label, size_t max, int required,
                       const char **out)
{
    json_t *v = json_object_get(r->json, key);
    *out = NULL;
    if (v && !json_is_null(v) && !json_is_string(v)) {
        reply_bad_request(r, key, arena_printf(r->a, "%s应为文字", label));
        return -1;
    }
    json_t *trimmed = text_trimmed(v);
    *out = trimmed ? arena_strdup(r->a, json_string_value(trimmed)) : NULL;
    json_decref(trimmed);
    if (!*out && required) {
        reply_error(r, 400, "missing", arena_printf(r->a, "请填写%s", label), key);
        return -1;
    }
    if (*out && text_chars(*out) > max) {
        reply_bad_request(r, key, arena_printf(r->a, "%s不能超过%zu个字", label, max));
        return -1;
    }
    return 0;
}

/* The query's detail ("1", the default: with the per-school rows; "0":
 * without) into *detail: 0, or -1 after replying 400. */
static int eval_api_detail(req *r, int *detail)
{
    const char *text = req_query(r, "detail");
    *detail = EVAL_DETAIL;
    if (!text || strcmp(text, "1") == 0)
        return 0;
    if (strcmp(text, "0") == 0) {
        *detail = EVAL_SUMMARY;
        return 0;
    }
    reply_bad_request(r, "detail", "明细（detail）应为 0 或 1");
    return -1;
}

void eval_api_reply(req *r, int rc, json_t *out)
{
    if (rc != STORE_OK)
        log_error("%s %s: evaluation failed (%d): %s", r->method, r->path, rc, db_errmsg(r->db));
    reply_result(r, rc, 200, out);
}

void eval_api_delete(req *r, int rc, const char *sql, const char *entity, int64_t id,
                     const char *path, json_t *before)
{
    sval p[] = {SV_I(id)};
    if (rc == STORE_OK)
        rc = db_exec(r->db, sql, p, 1);
    if (rc == STORE_OK)
        rc = audit_write(r->db, r->user, r->ip, "delete", entity, id, path, before, NULL);
    json_decref(before);
    if (reply_finish(r, rc, NULL) == 0)
        reply_bytes(r, 204, NULL, NULL, "", 0);
}

/* ----------------------------------------------------------- 优质均衡 */

static void eval_api_balanced_handler(req *r)
{
    eval_api_ctx c = {0};
    paging pg;
    refusal e = {0};
    json_t *out = NULL;
    int detail;
    if (eval_api_read(r, &c) != 0 || paging_parse(r, &pg) != 0 ||
        eval_api_detail(r, &detail) != 0)
        return;
    const char *stage = eval_api_stage(r, req_query(r, "stage"));
    if (!stage)
        return;
    if (pg.xlsx)
        detail = EVAL_DETAIL; /* the table is the per-school rows */
    int rc = eval_balanced(r->db, &c.scope, c.year, stage, NULL, detail, &out, &e);
    if (rc == REFUSED) {
        reply_refusal(r, rc, &e);
        return;
    }
    if (rc != STORE_OK || !pg.xlsx) {
        eval_api_reply(r, rc, out);
        return;
    }
    json_t *rows = eval_export_school_rows(out);
    json_decref(out);
    const char *title = arena_printf(r->a, "%s%d学年%s资源配置", c.org_name ? c.org_name : "",
                                     c.year, strcmp(stage, "primary") == 0 ? "小学" : "初中");
    paging_reply(r, &pg, rows, (int64_t)json_array_size(rows), title, eval_export_school_cols);
}

static void eval_api_what_if_handler(req *r)
{
    eval_api_ctx c = {0};
    const char *stage;
    json_t *changes, *out = NULL;
    refusal e = {0};
    if (eval_api_can_read(r) != 0 || req_body_object(r) != 0 ||
        eval_api_body_what_if(r, &c, &stage, &changes) != 0)
        return;
    int rc = eval_balanced(r->db, &c.scope, c.year, stage, changes, EVAL_DETAIL, &out, &e);
    if (rc == REFUSED)
        reply_refusal(r, rc, &e);
    else
        eval_api_reply(r, rc, out);
}

/* ------------------------------------------------- 学前, 班额, 学校, 导出 */

static void eval_api_preschool_handler(req *r)
{
    eval_api_ctx c = {0};
    json_t *out = NULL;
    int detail;
    if (eval_api_read(r, &c) != 0 || eval_api_detail(r, &detail) != 0)
        return;
    int rc = eval_preschool(r->db, &c.scope, c.year, detail, &out);
    eval_api_reply(r, rc, out);
}

static void eval_api_class_size_handler(req *r)
{
    eval_api_ctx c = {0};
    json_t *out = NULL;
    if (eval_api_read(r, &c) != 0)
        return;
    int rc = eval_class_size(r->db, &c.scope, c.year, &out);
    eval_api_reply(r, rc, out);
}

static void eval_api_school_handler(req *r)
{
    json_t *row = NULL, *out = NULL;
    int year;
    int64_t id = req_param_id(r);
    if (!id || eval_api_query_year(r, &year) != 0)
        return;
    sval p[] = {SV_I(id)};
    int rc = db_query_one(r->db, "SELECT path FROM schools WHERE id = ?", p, 1, &row);
    if (rc == STORE_NOTFOUND) {
        reply_error(r, 404, "not_found", "学校不存在", NULL);
        return;
    }
    if (rc != STORE_OK) {
        reply_store_error(r, rc);
        return;
    }
    const char *path = arena_strdup(r->a, text_field(row, "path"));
    json_decref(row);
    if (!access_can_read(r->user, "eval", path)) {
        reply_error(r, 403, "forbidden", "无权查看该校的评估", NULL);
        return;
    }
    eval_scope school = {path, org_scope_upper(r->a, path), 0};
    year = eval_api_year_or_latest(r, &school, year);
    rc = eval_school_card(r->db, id, year, &out);
    if (rc == STORE_NOTFOUND)
        reply_error(r, 404, "not_found", "该校没有这一学年的基表", "year");
    else
        eval_api_reply(r, rc, out);
}

static void eval_api_export_handler(req *r)
{
    eval_api_ctx c = {0};
    char *data = NULL;
    size_t len = 0;
    if (eval_api_read(r, &c) != 0)
        return;
    int rc = eval_export_book(r->db, &c.scope, c.year, &data, &len);
    if (rc != STORE_OK) {
        eval_api_reply(r, rc, NULL);
        return;
    }
    reply_bytes(r, 200, EVAL_API_XLSX,
                arena_printf(r->a, "%s%d学年评估.xlsx", c.org_name ? c.org_name : "", c.year), data,
                len);
    free(data);
}

const route eval_routes[] = {
    {"GET", "/api/eval/balanced", eval_api_balanced_handler, 0},
    {"POST", "/api/eval/what-if", eval_api_what_if_handler, 0},
    {"GET", "/api/eval/preschool", eval_api_preschool_handler, 0},
    {"GET", "/api/eval/class-size", eval_api_class_size_handler, 0},
    {"GET", "/api/eval/school/{id}", eval_api_school_handler, 0},
    {"GET", "/api/eval/export", eval_api_export_handler, 0},
    {NULL, NULL, NULL, 0},
};
