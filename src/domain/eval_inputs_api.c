/*
 * eval_inputs_api.c - eval_inputs_routes: the inputs of 评估 that the 基表
 * lacks, kept by the bureau (docs/api-eval.md):
 *   GET /api/eval/population, PUT /api/eval/population/{town_id}/{year}
 *       the population aged 3-5 of each town (毛入园率's denominator);
 *   GET/POST /api/eval/standards, PATCH/DELETE /api/eval/standards/{id}
 *       the standards in force, and the bureau's own (本局) targets.
 *
 * Whoever reads module "eval" reads them over the subtree of `org`;
 * writing needs access_can_write(u, "eval", path) at the town or the
 * county. National and provincial standards are never written here (403);
 * a 本局 row belongs to the county that made it. Each write is one
 * transaction with its audit row. Tables: eval_population, eval_standards
 * (read for the evaluations by eval_standards.c).
 */
#include "domain/eval_api.h"

#include <math.h>

#include "auth/access.h"
#include "domain/audit.h"
#include "domain/org.h"
#include "domain/refusal.h"
#include "http/reply.h"
#include "http/router.h"
#include "util/clock.h"
#include "util/parse.h"
#include "util/text.h"

static const char *const eval_inputs_standard_stages[] = {"primary", "junior", "senior", "kg",
                                                          "combined", "county", NULL};
/* No standard comes near this: a larger threshold (1e308) is a typing error. */
#define EVAL_INPUTS_THRESHOLD_MAX 1e12

static const char *const eval_inputs_comparisons[] = {">=", "<=", ">", "<", NULL};

/* -------------------------------------------------------------- population */

static void eval_inputs_population_handler(req *r)
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
static int eval_inputs_population_load(store_db *db, int64_t town_id, int year, json_t **out)
{
    sval p[] = {SV_I(town_id), SV_I(year)};
    return db_query_one(db,
                        "SELECT p.id, p.town_id, t.name AS town, p.year, p.population, p.source, "
                        "p.updated_at FROM eval_population p JOIN org_units t ON t.id = p.town_id WHERE "
                        "p.town_id = ? AND p.year = ?",
                        p, 2, out);
}

/* The body of a population: 0, or -1 after replying 400. */
static int eval_inputs_population_body(req *r, int64_t *population, const char **source)
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
    return eval_api_body_text(r, "source", "数据来源", 100, 0, source);
}

static int eval_inputs_population_write(req *r, int64_t town_id, int year, const char *path,
                                        int64_t population, const char *source)
{
    json_t *before = NULL, *after = NULL;
    int64_t id = 0, now = clock_now();
    int rc = eval_inputs_population_load(r->db, town_id, year, &before);
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
        rc = eval_inputs_population_load(r->db, town_id, year, &after);
    if (rc == STORE_OK)
        rc = audit_write(r->db, r->user, r->ip, before ? "update" : "create", "eval_population",
                         id, path, before, after);
    json_decref(before);
    json_decref(after);
    return rc;
}

/* The path of town town_id when the caller sees it: 0, or -1 after
 * replying (400 when it is no town in the caller's scope). */
static int eval_inputs_town(req *r, int64_t town_id, const char **path)
{
    json_t *town = NULL;
    int rc = org_get(r->db, town_id, &town);
    if (rc == STORE_OK && !text_is(text_field(town, "level"), "town"))
        rc = STORE_NOTFOUND;
    *path = rc == STORE_OK ? arena_strdup(r->a, text_field(town, "path")) : NULL;
    json_decref(town);
    if (rc == STORE_OK && !access_in_scope(r->user, *path))
        rc = STORE_NOTFOUND;
    if (rc == STORE_NOTFOUND)
        reply_bad_request(r, "town_id", "街道/乡镇不存在");
    else if (rc != STORE_OK)
        reply_store_error(r, rc);
    return rc == STORE_OK ? 0 : -1;
}

static void eval_inputs_population_put_handler(req *r)
{
    json_t *row = NULL;
    int64_t town_id = parse_id(req_param(r, "town_id")), population = 0;
    int year = eval_api_parse_year(req_param(r, "year"));
    const char *path = NULL, *source = NULL;
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
    if (req_body_object(r) != 0 || eval_inputs_town(r, town_id, &path) != 0 ||
        eval_api_can_write(r, path, "无权限录入人口数") != 0 ||
        eval_inputs_population_body(r, &population, &source) != 0 || req_begin(r) != 0)
        return;
    int rc = eval_inputs_population_write(r, town_id, year, path, population, source);
    if (reply_finish(r, rc, NULL) != 0)
        return;
    rc = eval_inputs_population_load(r->db, town_id, year, &row);
    if (rc == STORE_OK) {
        json_object_del(row, "id");
        text_set_time(row, "updated_at", text_field_int(row, "updated_at"));
    }
    reply_result(r, rc, 200, row);
}

/* --------------------------------------------------------------- standards */

#define EVAL_INPUTS_STANDARD_SELECT                                                            \
    "SELECT id, indicator, stage, name, unit, threshold, comparison, level, source, "        \
    "year_from, year_to, county_org_id, note FROM eval_standards"

static void eval_inputs_standards_handler(req *r)
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
static int eval_inputs_standard_text(json_t *in, json_t *rec, const char *key, int required,
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
static int eval_inputs_standard_fields(json_t *in, json_t *rec, int creating, refusal *e)
{
    json_t *v;
    if (eval_inputs_standard_text(in, rec, "indicator", creating, 40, "请填写指标代码",
                                  "指标代码应为不超过40个字符的文字", e) ||
        eval_inputs_standard_text(in, rec, "name", creating, 60, "请填写指标名称",
                                  "指标名称应为不超过60个字的文字", e) ||
        eval_inputs_standard_text(in, rec, "unit", 0, 10, NULL, "单位应为不超过10个字的文字", e) ||
        eval_inputs_standard_text(in, rec, "source", 0, 100, NULL, "依据应为不超过100个字的文字", e) ||
        eval_inputs_standard_text(in, rec, "note", 0, 200, NULL, "备注应为不超过200个字的文字", e))
        return REFUSED;
    if ((v = json_object_get(in, "stage")) || creating) {
        if (!v || json_is_null(v))
            return refuse(e, 400, "missing", "stage", "请选择学段");
        if (!text_in_list(eval_inputs_standard_stages, json_string_value(v)))
            return refuse(e, 400, "invalid", "stage",
                          "学段应为 primary、junior、senior、kg、combined 或 county");
        json_object_set(rec, "stage", v);
    }
    if ((v = json_object_get(in, "threshold")) || creating) {
        if (!v || json_is_null(v))
            return refuse(e, 400, "missing", "threshold", "请填写标准值");
        if (!json_is_number(v) || !(fabs(json_number_value(v)) <= EVAL_INPUTS_THRESHOLD_MAX))
            return refuse(e, 400, "invalid", "threshold", "标准值应为绝对值不超过 1 万亿的数字");
        json_object_set_new(rec, "threshold", json_real(json_number_value(v)));
    }
    if ((v = json_object_get(in, "comparison")) || creating) {
        if (!v || json_is_null(v))
            return refuse(e, 400, "missing", "comparison", "请选择比较方式");
        if (!text_in_list(eval_inputs_comparisons, json_string_value(v)))
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
static int eval_inputs_standard_store(req *r, json_t *rec, json_t *before, int64_t county,
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
        rc = db_query_one(r->db, EVAL_INPUTS_STANDARD_SELECT " WHERE id = ?", pi, 1, &after);
    if (rc == STORE_OK)
        rc = audit_write(r->db, r->user, r->ip, before ? "update" : "create", "eval_standard",
                         *id, county_path, before, after);
    json_decref(after);
    return rc;
}

/* Reply standard id (status 200 or 201). */
static void eval_inputs_standard_reply(req *r, int64_t id, int status)
{
    json_t *row = NULL;
    sval p[] = {SV_I(id)};
    int rc = db_query_one(r->db, EVAL_INPUTS_STANDARD_SELECT " WHERE id = ?", p, 1, &row);
    if (rc == STORE_OK)
        json_object_set_new(row, "editable", json_true());
    reply_result(r, rc, status, row);
}

static void eval_inputs_standard_create_handler(req *r)
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
    if (eval_inputs_standard_fields(r->json, rec, 1, &e) != 0) {
        json_decref(rec);
        reply_refusal(r, REFUSED, &e);
        return;
    }
    if (req_begin(r) != 0) {
        json_decref(rec);
        return;
    }
    rc = eval_inputs_standard_store(r, rec, NULL, county_id, county_path, &id);
    json_decref(rec);
    if (reply_finish(r, rc, &e) == 0)
        eval_inputs_standard_reply(r, id, 201);
}

/* Load standard id for a write: 0 with *row and *county_path, or -1
 * after replying (404, 403 national or provincial, 403 no write). */
static int eval_inputs_standard_for_write(req *r, int64_t id, json_t **row,
                                          const char **county_path)
{
    json_t *county = NULL;
    sval p[] = {SV_I(id)};
    int rc = db_query_one(r->db, EVAL_INPUTS_STANDARD_SELECT " WHERE id = ?", p, 1, row);
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

static void eval_inputs_standard_patch_handler(req *r)
{
    json_t *before = NULL;
    const char *county_path = NULL;
    refusal e = {0};
    int64_t id;
    if (eval_api_can_read(r) != 0 || !(id = req_param_id(r)) || req_body_object(r) != 0 ||
        req_begin(r) != 0)
        return;
    if (eval_inputs_standard_for_write(r, id, &before, &county_path) != 0) {
        db_rollback(r->db);
        return;
    }
    json_t *rec = json_deep_copy(before);
    int rc = eval_inputs_standard_fields(r->json, rec, 0, &e);
    int64_t stored = id;
    if (rc == STORE_OK && !json_equal(before, rec))
        rc = eval_inputs_standard_store(r, rec, before, 0, county_path, &stored);
    json_decref(rec);
    json_decref(before);
    if (reply_finish(r, rc, &e) == 0)
        eval_inputs_standard_reply(r, id, 200);
}

static void eval_inputs_standard_delete_handler(req *r)
{
    json_t *before = NULL;
    const char *county_path = NULL;
    int64_t id;
    if (eval_api_can_read(r) != 0 || !(id = req_param_id(r)) || req_begin(r) != 0)
        return;
    if (eval_inputs_standard_for_write(r, id, &before, &county_path) != 0) {
        db_rollback(r->db);
        return;
    }
    eval_api_delete(r, STORE_OK, "DELETE FROM eval_standards WHERE id = ?", "eval_standard", id,
                    county_path, before);
}

const route eval_inputs_routes[] = {
    {"GET", "/api/eval/population", eval_inputs_population_handler, 0},
    {"PUT", "/api/eval/population/{town_id}/{year}", eval_inputs_population_put_handler, 0},
    {"GET", "/api/eval/standards", eval_inputs_standards_handler, 0},
    {"POST", "/api/eval/standards", eval_inputs_standard_create_handler, 0},
    {"PATCH", "/api/eval/standards/{id}", eval_inputs_standard_patch_handler, 0},
    {"DELETE", "/api/eval/standards/{id}", eval_inputs_standard_delete_handler, 0},
    {NULL, NULL, NULL, 0},
};
