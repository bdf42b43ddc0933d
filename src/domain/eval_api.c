/*
 * eval_api.c - eval_routes: the HTTP handlers of 评估 (docs/api-eval.md).
 *
 * Reading: the evaluations (balanced, what-if, preschool, class-size,
 * export), the population, the scenarios and the standards are read by
 * whoever reads module "eval" in scope, over the subtree of the `org`
 * parameter (an org unit inside the caller's scope, else 403; default the
 * caller's scope root). A 学校管理员 reads only GET /api/eval/school/{id}
 * of its own school. Writing (the population, the scenarios, the bureau's
 * own standards) needs access_can_write(u, "eval", path); national and
 * provincial standards are never written here. Each write is one
 * transaction with its audit row.
 *
 * The evaluations are computed by eval_balanced.c, eval_preschool.c and
 * eval_size.c; these handlers parse, check, call and reply once.
 */
#include <stdlib.h>
#include <string.h>

#include "auth/access.h"
#include "domain/audit.h"
#include "domain/eval.h"
#include "domain/eval_export.h"
#include "domain/org.h"
#include "domain/stats.h"
#include "http/paging.h"
#include "http/reply.h"
#include "http/router.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/parse.h"
#include "util/strbuf.h"
#include "util/text.h"

#define EVAL_API_YEAR_MIN 2000
#define EVAL_API_YEAR_MAX 2100
#define EVAL_API_XLSX "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#define EVAL_API_YEAR_TEXT "学年应为 2000 到 2100 之间的整数"

/* What a read is about: the org unit, its subtree and the school year. */
typedef struct eval_api_ctx {
    eval_scope scope;
    int64_t org_id;
    const char *org_name;
    int year;
} eval_api_ctx;

static const char *const eval_api_stages[] = {"primary", "junior", NULL};
static const char *const eval_api_standard_stages[] = {"primary", "junior", "senior", "kg",
                                                       "combined", "county", NULL};
static const char *const eval_api_comparisons[] = {">=", "<=", ">", "<", NULL};

/* ------------------------------------------------------------ the request */

/* A year from text, or 0 when it is not one. */
static int eval_api_parse_year(const char *text)
{
    int64_t y = parse_id(text);
    return y >= EVAL_API_YEAR_MIN && y <= EVAL_API_YEAR_MAX ? (int)y : 0;
}

/* A year of a JSON body: 0 absent, -1 invalid, else the year. */
static int eval_api_json_year(json_t *v)
{
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_integer(v) || json_integer_value(v) < EVAL_API_YEAR_MIN ||
        json_integer_value(v) > EVAL_API_YEAR_MAX)
        return -1;
    return (int)json_integer_value(v);
}

/* The county-level reads: 0, or -1 after replying 403 (a 学校管理员, or
 * no read access to eval). */
static int eval_api_can_read(req *r)
{
    if (text_is(r->user->role, ROLE_SCHOOL)) {
        reply_error(r, 403, "forbidden", "学校管理员只能查看本校的评估", NULL);
        return -1;
    }
    return req_can_read(r, "eval");
}

/* Fill c->scope from org unit org_id (0: the caller's scope root): 0, or
 * -1 after replying (400 unknown unit, 403 outside the caller's scope). */
static int eval_api_org(req *r, int64_t org_id, eval_api_ctx *c)
{
    json_t *unit = NULL, *county = NULL;
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
    const char *level = text_field(unit, "level");
    c->org_id = id;
    c->org_name = arena_strdup(r->a, text_field(unit, "name"));
    c->scope.path = path;
    c->scope.path_hi = org_scope_upper(r->a, path);
    c->scope.county_org_id = 0;
    int is_county = text_is(level, "county");
    int above = text_is(level, "province") || text_is(level, "city");
    json_decref(unit);
    if (!path || !access_in_scope(r->user, path)) {
        reply_error(r, 403, "forbidden", "所选机构不在您的管辖范围内", "org");
        return -1;
    }
    if (is_county)
        c->scope.county_org_id = id;
    else if (!above) {
        rc = org_ancestor_of_level(r->db, path, "county", &county);
        if (rc == STORE_OK)
            c->scope.county_org_id = text_field_int(county, "id");
        json_decref(county);
        if (rc != STORE_OK && rc != STORE_NOTFOUND) {
            reply_store_error(r, rc);
            return -1;
        }
    }
    return 0;
}

/* The year of c: given (0: the latest with records in c's scope, else
 * the current school year). */
static void eval_api_default_year(req *r, eval_api_ctx *c, int year)
{
    if (!year)
        year = eval_latest_year(r->db, &c->scope, EVAL_API_YEAR_MAX);
    c->year = year ? year : stats_school_year(clock_now());
}

/* The query's org and year into c: 0, or -1 after replying. */
static int eval_api_query(req *r, eval_api_ctx *c)
{
    const char *org_text = req_query(r, "org"), *year_text = req_query(r, "year");
    int64_t org_id = 0;
    int year = 0;
    if (org_text && !(org_id = parse_id(org_text))) {
        reply_bad_request(r, "org", "机构应为机构编号");
        return -1;
    }
    if (year_text && !(year = eval_api_parse_year(year_text))) {
        reply_bad_request(r, "year", EVAL_API_YEAR_TEXT);
        return -1;
    }
    if (eval_api_org(r, org_id, c) != 0)
        return -1;
    eval_api_default_year(r, c, year);
    return 0;
}

/* A county-level read: who, then org and year. */
static int eval_api_read(req *r, eval_api_ctx *c)
{
    return eval_api_can_read(r) != 0 || eval_api_query(r, c) != 0 ? -1 : 0;
}

/* The stage of text (NULL: primary), or NULL after replying 400. */
static const char *eval_api_stage(req *r, const char *text)
{
    if (!text)
        return "primary";
    for (int i = 0; eval_api_stages[i]; i++)
        if (strcmp(text, eval_api_stages[i]) == 0)
            return eval_api_stages[i];
    reply_bad_request(r, "stage", "学段应为 primary（小学）或 junior（初中）");
    return NULL;
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

/* Reply the answer of an evaluation function: JSON, or its failure. */
static void eval_api_reply(req *r, int rc, json_t *out)
{
    if (rc != STORE_OK)
        log_error("%s %s: evaluation failed (%d): %s", r->method, r->path, rc, db_errmsg(r->db));
    reply_result(r, rc, 200, out);
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

/* {"pass","schools_passing","cv":{key: cv}} of a balanced answer. */
static json_t *eval_api_summary(json_t *balanced)
{
    json_t *cv = json_object();
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(balanced, "indicators"), i, item) {
        const char *key = text_field(item, "key");
        json_t *v = json_object_get(item, "cv");
        if (key)
            json_object_set_new(cv, key, v ? json_incref(v) : json_null());
    }
    json_t *pass = json_object_get(balanced, "pass"), *passing = json_object_get(balanced, "schools_passing");
    return json_pack("{sO sO so}", "pass", pass ? pass : json_null(), "schools_passing",
                     passing ? passing : json_null(), "cv", cv);
}

/* The what-if answer of changes in c's scope and year: the changed
 * evaluation with "before" and "changed_schools" (eval_balanced adds them
 * when it is given changes). REFUSED fills e. */
static int eval_api_what_if(req *r, const eval_api_ctx *c, const char *stage, json_t *changes,
                            json_t **out, refusal *e)
{
    *out = NULL;
    return eval_balanced(r->db, &c->scope, c->year, stage, changes, EVAL_DETAIL, out, e);
}

/* The body's year, stage, org and changes: 0, or -1 after replying. */
static int eval_api_body_what_if(req *r, eval_api_ctx *c, const char **stage, json_t **changes)
{
    json_t *org = json_object_get(r->json, "org");
    int year = eval_api_json_year(json_object_get(r->json, "year"));
    if (year < 0) {
        reply_bad_request(r, "year", EVAL_API_YEAR_TEXT);
        return -1;
    }
    json_t *st = json_object_get(r->json, "stage");
    if (st && !json_is_null(st) && !json_is_string(st)) {
        reply_bad_request(r, "stage", "学段应为 primary（小学）或 junior（初中）");
        return -1;
    }
    if (!(*stage = eval_api_stage(r, json_string_value(st))))
        return -1;
    if (org && !json_is_null(org) && (!json_is_integer(org) || json_integer_value(org) <= 0)) {
        reply_bad_request(r, "org", "机构应为机构编号");
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
    eval_api_default_year(r, c, year);
    return 0;
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
    int rc = eval_api_what_if(r, &c, stage, changes, &out, &e);
    if (rc == REFUSED)
        reply_refusal(r, rc, &e);
    else
        eval_api_reply(r, rc, out);
}

/* --------------------------------------------------------------- scenarios */

#define EVAL_API_SCENARIO_SELECT                                                              \
    "SELECT s.id, s.path, s.name, s.year, s.stage, s.changes, s.summary, s.created_at, "      \
    "u.name AS created_by_name FROM eval_scenarios s LEFT JOIN users u ON u.id = s.created_by"

/* A JSON text column as a value (null when absent or broken). */
static json_t *eval_api_json_text(json_t *row, const char *key)
{
    const char *text = text_field(row, key);
    json_t *v = text ? json_loads(text, JSON_DECODE_ANY, NULL) : NULL;
    return v ? v : json_null();
}

/* The org unit a path ends with, 0 when malformed. */
static int64_t eval_api_path_org(const char *path)
{
    int64_t ids[16];
    int n = path ? org_path_ids(path, ids, 16) : -1;
    return n > 0 ? ids[n - 1] : 0;
}

/* A scenario row as the API shows it. */
static json_t *eval_api_scenario(json_t *row)
{
    json_t *o = json_object();
    static const char *const keys[] = {"id", "name", "year", "stage", "created_by_name", NULL};
    for (int k = 0; keys[k]; k++) {
        json_t *v = json_object_get(row, keys[k]);
        json_object_set_new(o, keys[k], v ? json_incref(v) : json_null());
    }
    json_object_set_new(o, "org", json_integer(eval_api_path_org(text_field(row, "path"))));
    json_object_set_new(o, "changes", eval_api_json_text(row, "changes"));
    json_object_set_new(o, "summary", eval_api_json_text(row, "summary"));
    text_set_time(o, "created_at", text_field_int(row, "created_at"));
    return o;
}

/* Load scenario id as u may see it: STORE_NOTFOUND when it is missing or
 * outside u's scope; *path (arena) is where it was made. */
static int eval_api_scenario_load(req *r, int64_t id, json_t **out, const char **path)
{
    json_t *row = NULL;
    sval p[] = {SV_I(id)};
    *out = NULL;
    int rc = db_query_one(r->db, EVAL_API_SCENARIO_SELECT " WHERE s.id = ?", p, 1, &row);
    if (rc == STORE_OK && !access_in_scope(r->user, text_field(row, "path")))
        rc = STORE_NOTFOUND;
    if (rc == STORE_OK) {
        *path = arena_strdup(r->a, text_field(row, "path"));
        *out = eval_api_scenario(row);
    }
    json_decref(row);
    return rc;
}

static void eval_api_scenarios_handler(req *r)
{
    eval_api_ctx c = {0};
    json_t *rows = NULL;
    const char *year_text = req_query(r, "year");
    int year = 0;
    if (eval_api_can_read(r) != 0)
        return;
    if (year_text && !(year = eval_api_parse_year(year_text))) {
        reply_bad_request(r, "year", EVAL_API_YEAR_TEXT);
        return;
    }
    const char *org_text = req_query(r, "org");
    int64_t org_id = org_text ? parse_id(org_text) : 0;
    if (org_text && !org_id) {
        reply_bad_request(r, "org", "机构应为机构编号");
        return;
    }
    if (eval_api_org(r, org_id, &c) != 0)
        return;
    sval p[] = {SV_T(c.scope.path), SV_T(c.scope.path_hi), SV_I(year)};
    int rc = db_query(r->db,
                      year ? EVAL_API_SCENARIO_SELECT " WHERE s.path >= ? AND s.path < ? AND "
                                                      "s.year = ? ORDER BY s.created_at DESC, s.id DESC"
                           : EVAL_API_SCENARIO_SELECT " WHERE s.path >= ? AND s.path < ? ORDER BY "
                                                      "s.created_at DESC, s.id DESC",
                      p, year ? 3 : 2, &rows);
    json_t *items = json_array();
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) json_array_append_new(items, eval_api_scenario(row));
    json_decref(rows);
    reply_items(r, rc, items);
}

/* May the caller write eval at path? 0, or -1 after replying 403. */
static int eval_api_can_write(req *r, const char *path, const char *message)
{
    if (!text_is(r->user->role, ROLE_SCHOOL) && access_can_write(r->user, "eval", path))
        return 0;
    reply_error(r, 403, "forbidden", message, NULL);
    return -1;
}

/* Insert the scenario of the request (checked, evaluated) and audit it. */
static int eval_api_scenario_insert(req *r, const eval_api_ctx *c, const char *stage,
                                    json_t *changes, const char *name, int64_t *id, refusal *e)
{
    json_t *result = NULL, *after = NULL;
    const char *unused;
    int rc = eval_balanced(r->db, &c->scope, c->year, stage, changes, EVAL_SUMMARY, &result, e);
    if (rc != STORE_OK)
        return rc;
    json_t *summary = eval_api_summary(result);
    json_decref(result);
    char *changes_text = json_dumps(changes, JSON_COMPACT);
    char *summary_text = json_dumps(summary, JSON_COMPACT | JSON_REAL_PRECISION(15));
    json_decref(summary);
    sval p[] = {SV_T(c->scope.path), SV_T(name), SV_I(c->year), SV_T(stage),
                SV_T(changes_text), SV_T(summary_text), SV_I(r->user->id), SV_I(clock_now())};
    rc = changes_text && summary_text
             ? db_insert(r->db,
                         "INSERT INTO eval_scenarios (path, name, year, stage, changes, summary, "
                         "created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                         p, 8, id)
             : STORE_ERROR;
    free(changes_text);
    free(summary_text);
    if (rc == STORE_OK)
        rc = eval_api_scenario_load(r, *id, &after, &unused);
    if (rc == STORE_OK)
        rc = audit_write(r->db, r->user, r->ip, "create", "eval_scenario", *id, c->scope.path,
                         NULL, after);
    json_decref(after);
    return rc;
}

static void eval_api_scenario_create_handler(req *r)
{
    eval_api_ctx c = {0};
    const char *stage, *path;
    json_t *changes, *scenario = NULL;
    refusal e = {0};
    int64_t id = 0;
    if (eval_api_can_read(r) != 0 || req_body_object(r) != 0 ||
        eval_api_can_write(r, r->user->scope_path, "无权限保存评估方案") != 0)
        return;
    json_t *name = json_object_get(r->json, "name");
    if (name && !json_is_null(name) && !json_is_string(name)) {
        reply_bad_request(r, "name", "方案名称应为文字");
        return;
    }
    json_t *trimmed = text_trimmed(name);
    const char *name_text = trimmed ? arena_strdup(r->a, json_string_value(trimmed)) : NULL;
    json_decref(trimmed);
    if (!name_text) {
        reply_error(r, 400, "missing", "请填写方案名称", "name");
        return;
    }
    if (text_chars(name_text) > 60) {
        reply_bad_request(r, "name", "方案名称不能超过60个字");
        return;
    }
    if (eval_api_body_what_if(r, &c, &stage, &changes) != 0)
        return;
    if (json_array_size(changes) == 0) {
        reply_error(r, 400, "missing", "请至少填写一项变更", "changes");
        return;
    }
    if (eval_api_can_write(r, c.scope.path, "无权限保存评估方案") != 0 || req_begin(r) != 0)
        return;
    int rc = eval_api_scenario_insert(r, &c, stage, changes, name_text, &id, &e);
    if (reply_finish(r, rc, &e) != 0)
        return;
    rc = eval_api_scenario_load(r, id, &scenario, &path);
    reply_result(r, rc, 201, scenario);
}

static void eval_api_scenario_get_handler(req *r)
{
    eval_api_ctx c = {0};
    json_t *scenario = NULL, *result = NULL;
    const char *path = NULL;
    refusal e = {0};
    int64_t id;
    if (eval_api_can_read(r) != 0 || !(id = req_param_id(r)))
        return;
    int rc = eval_api_scenario_load(r, id, &scenario, &path);
    if (rc == STORE_NOTFOUND) {
        reply_error(r, 404, "not_found", "方案不存在", NULL);
        return;
    }
    if (rc != STORE_OK) {
        reply_store_error(r, rc);
        return;
    }
    const char *stage = text_field(scenario, "stage");
    if (eval_api_org(r, eval_api_path_org(path), &c) != 0) {
        json_decref(scenario);
        return;
    }
    c.year = (int)text_field_int(scenario, "year");
    rc = eval_api_what_if(r, &c, stage, json_object_get(scenario, "changes"), &result, &e);
    if (rc == REFUSED) /* the records changed since: say why it no longer applies */
        json_object_set_new(scenario, "result_error", json_string(e.message ? e.message : ""));
    else if (rc != STORE_OK) {
        json_decref(scenario);
        eval_api_reply(r, rc, NULL);
        return;
    }
    json_object_set_new(scenario, "result", result ? result : json_null());
    reply_json(r, 200, scenario);
}

static void eval_api_scenario_delete_handler(req *r)
{
    json_t *scenario = NULL;
    const char *path = NULL;
    int64_t id;
    if (eval_api_can_read(r) != 0 || !(id = req_param_id(r)) || req_begin(r) != 0)
        return;
    int rc = eval_api_scenario_load(r, id, &scenario, &path);
    if (rc == STORE_NOTFOUND || (rc == STORE_OK && eval_api_can_write(r, path, "无权限删除评估方案") != 0)) {
        db_rollback(r->db);
        if (rc == STORE_NOTFOUND)
            reply_error(r, 404, "not_found", "方案不存在", NULL);
        json_decref(scenario);
        return;
    }
    sval p[] = {SV_I(id)};
    if (rc == STORE_OK)
        rc = db_exec(r->db, "DELETE FROM eval_scenarios WHERE id = ?", p, 1);
    if (rc == STORE_OK)
        rc = audit_write(r->db, r->user, r->ip, "delete", "eval_scenario", id, path, scenario, NULL);
    json_decref(scenario);
    if (reply_finish(r, rc, NULL) == 0)
        reply_bytes(r, 204, NULL, NULL, "", 0);
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
    const char *year_text = req_query(r, "year");
    int year = 0;
    int64_t id = req_param_id(r);
    if (!id)
        return;
    if (year_text && !(year = eval_api_parse_year(year_text))) {
        reply_bad_request(r, "year", EVAL_API_YEAR_TEXT);
        return;
    }
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
    if (!year) {
        eval_scope school = {path, org_scope_upper(r->a, path), 0};
        year = eval_latest_year(r->db, &school, EVAL_API_YEAR_MAX);
        if (!year)
            year = stats_school_year(clock_now());
    }
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

/* -------------------------------------------------------------- population */

static void eval_api_population_handler(req *r)
{
    eval_api_ctx c = {0};
    json_t *rows = NULL;
    if (eval_api_read(r, &c) != 0)
        return;
    sval p[] = {SV_I(c.year), SV_T(c.scope.path), SV_T(c.scope.path_hi)};
    int rc = db_query(r->db,
                      "SELECT t.id AS town_id, t.name AS town, p.population, p.source, "
                      "p.updated_at FROM org_units t LEFT JOIN eval_population p ON p.town_id = "
                      "t.id AND p.year = ? WHERE t.level = 'town' AND t.path >= ? AND t.path < ? "
                      "ORDER BY t.path",
                      p, 3, &rows);
    json_t *items = json_array();
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) {
        json_t *o = json_pack("{sO sO si sO sO}", "town_id", json_object_get(row, "town_id"),
                              "town", json_object_get(row, "town"), "year", c.year,
                              "population", json_object_get(row, "population"), "source",
                              json_object_get(row, "source"));
        json_t *at = json_object_get(row, "updated_at");
        if (json_is_integer(at))
            text_set_time(o, "updated_at", json_integer_value(at));
        else
            json_object_set_new(o, "updated_at", json_null());
        json_array_append_new(items, o);
    }
    json_decref(rows);
    reply_items(r, rc, items);
}

/* The population of a town and year, or STORE_NOTFOUND. */
static int eval_api_population_load(store_db *db, int64_t town_id, int year, json_t **out)
{
    sval p[] = {SV_I(town_id), SV_I(year)};
    return db_query_one(db,
                        "SELECT p.id, p.town_id, t.name AS town, p.year, p.population, p.source, "
                        "p.updated_at FROM eval_population p JOIN org_units t ON t.id = p.town_id WHERE "
                        "p.town_id = ? AND p.year = ?",
                        p, 2, out);
}

/* The body of a population: 0, or -1 after replying 400. */
static int eval_api_population_body(req *r, int64_t *population, const char **source)
{
    json_t *v = json_object_get(r->json, "population");
    if (!v || json_is_null(v)) {
        reply_error(r, 400, "missing", "请填写3-5周岁人口数", "population");
        return -1;
    }
    if (!json_is_integer(v)) {
        reply_bad_request(r, "population", "3-5周岁人口数应为整数");
        return -1;
    }
    if (json_integer_value(v) < 0) {
        reply_bad_request(r, "population", "3-5周岁人口数不能为负数");
        return -1;
    }
    if (json_integer_value(v) > 100000000) {
        reply_bad_request(r, "population", "3-5周岁人口数过大");
        return -1;
    }
    *population = json_integer_value(v);
    json_t *text = json_object_get(r->json, "source");
    if (text && !json_is_null(text) && !json_is_string(text)) {
        reply_bad_request(r, "source", "数据来源应为文字");
        return -1;
    }
    json_t *trimmed = text_trimmed(text);
    *source = trimmed ? arena_strdup(r->a, json_string_value(trimmed)) : NULL;
    json_decref(trimmed);
    if (*source && text_chars(*source) > 100) {
        reply_bad_request(r, "source", "数据来源不能超过100个字");
        return -1;
    }
    return 0;
}

static int eval_api_population_write(req *r, int64_t town_id, int year, const char *path,
                                     int64_t population, const char *source)
{
    json_t *before = NULL, *after = NULL;
    int64_t id = 0, now = clock_now();
    int rc = eval_api_population_load(r->db, town_id, year, &before);
    if (rc == STORE_OK) {
        id = text_field_int(before, "id");
        sval p[] = {SV_I(population), SV_T(source), SV_I(r->user->id), SV_I(now), SV_I(id)};
        rc = db_exec(r->db,
                     "UPDATE eval_population SET population = ?, source = ?, updated_by = ?, "
                     "updated_at = ? WHERE id = ?",
                     p, 5);
    } else if (rc == STORE_NOTFOUND) {
        sval p[] = {SV_I(town_id), SV_T(path), SV_I(year), SV_I(population), SV_T(source),
                    SV_I(r->user->id), SV_I(now)};
        rc = db_insert(r->db,
                       "INSERT INTO eval_population (town_id, path, year, population, source, "
                       "updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                       p, 7, &id);
    }
    if (rc == STORE_OK)
        rc = eval_api_population_load(r->db, town_id, year, &after);
    if (rc == STORE_OK)
        rc = audit_write(r->db, r->user, r->ip, before ? "update" : "create", "eval_population",
                         id, path, before, after);
    json_decref(before);
    json_decref(after);
    return rc;
}

static void eval_api_population_put_handler(req *r)
{
    json_t *town = NULL, *row = NULL;
    int64_t town_id = parse_id(req_param(r, "town_id")), population = 0;
    int year = eval_api_parse_year(req_param(r, "year"));
    const char *source = NULL;
    if (eval_api_can_read(r) != 0)
        return;
    if (!town_id) {
        reply_bad_request(r, "town_id", "街道/乡镇应为机构编号");
        return;
    }
    if (!year) {
        reply_bad_request(r, "year", EVAL_API_YEAR_TEXT);
        return;
    }
    if (req_body_object(r) != 0)
        return;
    int rc = org_get(r->db, town_id, &town);
    if (rc == STORE_OK && !text_is(text_field(town, "level"), "town"))
        rc = STORE_NOTFOUND;
    if (rc != STORE_OK) {
        json_decref(town);
        if (rc == STORE_NOTFOUND)
            reply_bad_request(r, "town_id", "街道/乡镇不存在");
        else
            reply_store_error(r, rc);
        return;
    }
    const char *path = arena_strdup(r->a, text_field(town, "path"));
    json_decref(town);
    if (!access_in_scope(r->user, path)) {
        reply_bad_request(r, "town_id", "街道/乡镇不存在");
        return;
    }
    if (eval_api_can_write(r, path, "无权限录入人口数") != 0 ||
        eval_api_population_body(r, &population, &source) != 0 || req_begin(r) != 0)
        return;
    rc = eval_api_population_write(r, town_id, year, path, population, source);
    if (reply_finish(r, rc, NULL) != 0)
        return;
    rc = eval_api_population_load(r->db, town_id, year, &row);
    if (rc == STORE_OK) {
        json_object_del(row, "id");
        text_set_time(row, "updated_at", text_field_int(row, "updated_at"));
    }
    reply_result(r, rc, 200, row);
}

/* --------------------------------------------------------------- standards */

#define EVAL_API_STANDARD_SELECT                                                            \
    "SELECT id, indicator, stage, name, unit, threshold, comparison, level, source, "        \
    "year_from, year_to, county_org_id, note FROM eval_standards"

static void eval_api_standards_handler(req *r)
{
    eval_api_ctx c = {0};
    json_t *items = NULL;
    if (eval_api_read(r, &c) != 0)
        return;
    int rc = eval_standards_in_force(r->db, c.year, c.scope.county_org_id, &items);
    if (rc != STORE_OK) {
        json_decref(items);
        eval_api_reply(r, rc, NULL);
        return;
    }
    int writer = access_can_write(r->user, "eval", c.scope.path);
    size_t i;
    json_t *item;
    json_array_foreach(items, i, item)
        json_object_set_new(item, "editable",
                            json_boolean(writer && text_is(text_field(item, "level"), "本局")));
    json_t *body = json_pack("{so si}", "items", items, "year", c.year);
    reply_json(r, 200, body);
}

/* An optional text member of in: -1 after refusing, else 0 (the value
 * copied into rec, null when absent on create or empty). */
static int eval_api_standard_text(json_t *in, json_t *rec, const char *key, int required,
                                  size_t max, const char *missing, const char *bad, refusal *e)
{
    json_t *v = json_object_get(in, key);
    if (!v && !required)
        return 0;
    if (v && !json_is_null(v) && !json_is_string(v))
        return refuse(e, 400, "invalid", key, bad);
    json_t *t = text_trimmed(v);
    if (!t && required)
        return refuse(e, 400, "missing", key, missing);
    if (t && text_chars(json_string_value(t)) > max) {
        json_decref(t);
        return refuse(e, 400, "invalid", key, bad);
    }
    json_object_set_new(rec, key, t ? t : json_null());
    return 0;
}

/* Check and apply the members of in to the standard rec (creating: the
 * required ones must be there). 0 or REFUSED. */
static int eval_api_standard_fields(json_t *in, json_t *rec, int creating, refusal *e)
{
    json_t *v;
    if (eval_api_standard_text(in, rec, "indicator", creating, 40, "请填写指标代码",
                               "指标代码应为不超过40个字符的文字", e) ||
        eval_api_standard_text(in, rec, "name", creating, 60, "请填写指标名称",
                               "指标名称应为不超过60个字的文字", e) ||
        eval_api_standard_text(in, rec, "unit", 0, 10, NULL, "单位应为不超过10个字的文字", e) ||
        eval_api_standard_text(in, rec, "source", 0, 100, NULL, "依据应为不超过100个字的文字", e) ||
        eval_api_standard_text(in, rec, "note", 0, 200, NULL, "备注应为不超过200个字的文字", e))
        return REFUSED;
    if ((v = json_object_get(in, "stage")) || creating) {
        if (!v || json_is_null(v))
            return refuse(e, 400, "missing", "stage", "请选择学段");
        if (!text_in_list(eval_api_standard_stages, json_string_value(v)))
            return refuse(e, 400, "invalid", "stage",
                          "学段应为 primary、junior、senior、kg、combined 或 county");
        json_object_set(rec, "stage", v);
    }
    if ((v = json_object_get(in, "threshold")) || creating) {
        if (!v || json_is_null(v))
            return refuse(e, 400, "missing", "threshold", "请填写标准值");
        if (!json_is_number(v))
            return refuse(e, 400, "invalid", "threshold", "标准值应为数字");
        json_object_set_new(rec, "threshold", json_real(json_number_value(v)));
    }
    if ((v = json_object_get(in, "comparison")) || creating) {
        if (!v || json_is_null(v))
            return refuse(e, 400, "missing", "comparison", "请选择比较方式");
        if (!text_in_list(eval_api_comparisons, json_string_value(v)))
            return refuse(e, 400, "invalid", "comparison", "比较方式应为 >=、<=、>、< 之一");
        json_object_set(rec, "comparison", v);
    }
    if ((v = json_object_get(in, "year_from")) || creating) {
        if (!v || json_is_null(v))
            return refuse(e, 400, "missing", "year_from", "请填写起始学年");
        if (eval_api_json_year(v) <= 0)
            return refuse(e, 400, "invalid", "year_from", "起始学年应为 2000 到 2100 之间的整数");
        json_object_set(rec, "year_from", v);
    }
    if ((v = json_object_get(in, "year_to"))) {
        if (eval_api_json_year(v) < 0)
            return refuse(e, 400, "invalid", "year_to", "截止学年应为 2000 到 2100 之间的整数");
        json_object_set_new(rec, "year_to", json_is_null(v) ? json_null() : json_incref(v));
    }
    json_t *to = json_object_get(rec, "year_to");
    if (json_is_integer(to) &&
        json_integer_value(to) < json_integer_value(json_object_get(rec, "year_from")))
        return refuse(e, 400, "invalid", "year_to", "截止学年不能早于起始学年");
    if (!text_field(rec, "source"))
        json_object_set_new(rec, "source", json_string("本局目标"));
    return 0;
}

/* Store rec as standard id (0: a new 本局 row of county) and audit. */
static int eval_api_standard_store(req *r, json_t *rec, json_t *before, int64_t county,
                                   const char *county_path, int64_t *id)
{
    json_t *after = NULL;
    json_t *to = json_object_get(rec, "year_to");
    sval p[] = {SV_T(text_field(rec, "indicator")),
                SV_T(text_field(rec, "stage")),
                SV_T(text_field(rec, "name")),
                SV_T(text_field(rec, "unit")),
                SV_R(json_number_value(json_object_get(rec, "threshold"))),
                SV_T(text_field(rec, "comparison")),
                SV_T(text_field(rec, "source")),
                SV_I(text_field_int(rec, "year_from")),
                json_is_integer(to) ? SV_I(json_integer_value(to)) : SV_NUL,
                SV_T(text_field(rec, "note")),
                SV_I(*id ? *id : county),
                SV_I(r->user->id),
                SV_I(clock_now())};
    int rc;
    if (*id)
        rc = db_exec(r->db,
                     "UPDATE eval_standards SET indicator = ?, stage = ?, name = ?, unit = ?, "
                     "threshold = ?, comparison = ?, source = ?, year_from = ?, year_to = ?, "
                     "note = ? WHERE id = ?",
                     p, 11);
    else
        rc = db_insert(r->db,
                       "INSERT INTO eval_standards (indicator, stage, name, unit, threshold, "
                       "comparison, source, year_from, year_to, note, county_org_id, level, "
                       "created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '本局', "
                       "?, ?) RETURNING id",
                       p, 13, id);
    sval pi[] = {SV_I(*id)};
    if (rc == STORE_OK)
        rc = db_query_one(r->db, EVAL_API_STANDARD_SELECT " WHERE id = ?", pi, 1, &after);
    if (rc == STORE_OK)
        rc = audit_write(r->db, r->user, r->ip, before ? "update" : "create", "eval_standard",
                         *id, county_path, before, after);
    json_decref(after);
    return rc;
}

/* Reply standard id (status 200 or 201). */
static void eval_api_standard_reply(req *r, int64_t id, int status)
{
    json_t *row = NULL;
    sval p[] = {SV_I(id)};
    int rc = db_query_one(r->db, EVAL_API_STANDARD_SELECT " WHERE id = ?", p, 1, &row);
    if (rc == STORE_OK)
        json_object_set_new(row, "editable", json_true());
    reply_result(r, rc, status, row);
}

static void eval_api_standard_create_handler(req *r)
{
    json_t *county = NULL, *rec = NULL;
    refusal e = {0};
    int64_t id = 0, county_id = 0;
    const user_ctx *u = r->user;
    if (eval_api_can_read(r) != 0 || req_body_object(r) != 0 ||
        eval_api_can_write(r, u->scope_path, "无权限修改评估标准") != 0)
        return;
    int rc = org_ancestor_of_level(r->db, u->scope_path, "county", &county);
    if (rc == STORE_NOTFOUND) {
        reply_error(r, 403, "forbidden", "只有县级教育局可以制定本局目标", NULL);
        return;
    }
    if (rc != STORE_OK) {
        reply_store_error(r, rc);
        return;
    }
    county_id = text_field_int(county, "id");
    const char *county_path = arena_strdup(r->a, text_field(county, "path"));
    json_decref(county);
    rec = json_object();
    if (eval_api_standard_fields(r->json, rec, 1, &e) != 0) {
        json_decref(rec);
        reply_refusal(r, REFUSED, &e);
        return;
    }
    if (req_begin(r) != 0) {
        json_decref(rec);
        return;
    }
    rc = eval_api_standard_store(r, rec, NULL, county_id, county_path, &id);
    json_decref(rec);
    if (reply_finish(r, rc, &e) == 0)
        eval_api_standard_reply(r, id, 201);
}

/* Load standard id for a write: 0 with *row and *county_path, or -1
 * after replying (404, 403 national or provincial, 403 no write). */
static int eval_api_standard_for_write(req *r, int64_t id, json_t **row, const char **county_path)
{
    json_t *county = NULL;
    sval p[] = {SV_I(id)};
    int rc = db_query_one(r->db, EVAL_API_STANDARD_SELECT " WHERE id = ?", p, 1, row);
    if (rc == STORE_OK && !text_is(text_field(*row, "level"), "本局")) {
        reply_error(r, 403, "forbidden", "国家和省级标准不可修改", NULL);
        goto fail;
    }
    if (rc == STORE_OK)
        rc = org_get(r->db, text_field_int(*row, "county_org_id"), &county);
    if (rc == STORE_OK && !access_in_scope(r->user, text_field(county, "path")))
        rc = STORE_NOTFOUND;
    if (rc == STORE_NOTFOUND) {
        reply_error(r, 404, "not_found", "标准不存在", NULL);
        goto fail;
    }
    if (rc != STORE_OK) {
        reply_store_error(r, rc);
        goto fail;
    }
    *county_path = arena_strdup(r->a, text_field(county, "path"));
    json_decref(county);
    if (eval_api_can_write(r, *county_path, "无权限修改评估标准") != 0) {
        json_decref(*row);
        *row = NULL;
        return -1;
    }
    return 0;
fail:
    json_decref(county);
    json_decref(*row);
    *row = NULL;
    return -1;
}

static void eval_api_standard_patch_handler(req *r)
{
    json_t *before = NULL;
    const char *county_path = NULL;
    refusal e = {0};
    int64_t id;
    if (eval_api_can_read(r) != 0 || !(id = req_param_id(r)) || req_body_object(r) != 0 ||
        req_begin(r) != 0)
        return;
    if (eval_api_standard_for_write(r, id, &before, &county_path) != 0) {
        db_rollback(r->db);
        return;
    }
    json_t *rec = json_deep_copy(before);
    int rc = eval_api_standard_fields(r->json, rec, 0, &e);
    int64_t stored = id;
    if (rc == STORE_OK && !json_equal(before, rec))
        rc = eval_api_standard_store(r, rec, before, 0, county_path, &stored);
    json_decref(rec);
    json_decref(before);
    if (reply_finish(r, rc, &e) == 0)
        eval_api_standard_reply(r, id, 200);
}

static void eval_api_standard_delete_handler(req *r)
{
    json_t *before = NULL;
    const char *county_path = NULL;
    int64_t id;
    if (eval_api_can_read(r) != 0 || !(id = req_param_id(r)) || req_begin(r) != 0)
        return;
    if (eval_api_standard_for_write(r, id, &before, &county_path) != 0) {
        db_rollback(r->db);
        return;
    }
    sval p[] = {SV_I(id)};
    int rc = db_exec(r->db, "DELETE FROM eval_standards WHERE id = ?", p, 1);
    if (rc == STORE_OK)
        rc = audit_write(r->db, r->user, r->ip, "delete", "eval_standard", id, county_path,
                         before, NULL);
    json_decref(before);
    if (reply_finish(r, rc, NULL) == 0)
        reply_bytes(r, 204, NULL, NULL, "", 0);
}

const route eval_routes[] = {
    {"GET", "/api/eval/balanced", eval_api_balanced_handler, 0},
    {"POST", "/api/eval/what-if", eval_api_what_if_handler, 0},
    {"GET", "/api/eval/scenarios", eval_api_scenarios_handler, 0},
    {"POST", "/api/eval/scenarios", eval_api_scenario_create_handler, 0},
    {"GET", "/api/eval/scenarios/{id}", eval_api_scenario_get_handler, 0},
    {"DELETE", "/api/eval/scenarios/{id}", eval_api_scenario_delete_handler, 0},
    {"GET", "/api/eval/preschool", eval_api_preschool_handler, 0},
    {"GET", "/api/eval/population", eval_api_population_handler, 0},
    {"PUT", "/api/eval/population/{town_id}/{year}", eval_api_population_put_handler, 0},
    {"GET", "/api/eval/class-size", eval_api_class_size_handler, 0},
    {"GET", "/api/eval/school/{id}", eval_api_school_handler, 0},
    {"GET", "/api/eval/standards", eval_api_standards_handler, 0},
    {"POST", "/api/eval/standards", eval_api_standard_create_handler, 0},
    {"PATCH", "/api/eval/standards/{id}", eval_api_standard_patch_handler, 0},
    {"DELETE", "/api/eval/standards/{id}", eval_api_standard_delete_handler, 0},
    {"GET", "/api/eval/export", eval_api_export_handler, 0},
    {NULL, NULL, NULL, 0},
};
