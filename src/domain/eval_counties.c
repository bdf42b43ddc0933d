/*
 * eval_counties.c - eval_counties_routes: the counties of a city or a
 * province side by side (docs/api-eval.md, GET /api/eval/counties).
 *
 *   GET /api/eval/counties?year=&stage=&org=[&format=xlsx]
 *
 * The national 优质均衡 and 普及普惠 evaluations are by county (县域), so a
 * city or province bureau compares its counties rather than reading one
 * CV over all of its schools. Each county's row is the county's own
 * evaluation, exactly what GET /api/eval/balanced?org=<county> and
 * /api/eval/preschool?org=<county> answer (eval_balanced and
 * eval_preschool over the county's subtree, under the county's standards),
 * kept to its figures and verdicts: both run with EVAL_SUMMARY, one county
 * after another, each reading its own path range (a county costs a few
 * milliseconds; nothing is read per school).
 *
 * Who: as every evaluation read (eval_api_read): module eval in scope,
 * `org` inside the caller's scope, no 学校管理员. A county answers its one
 * county; a unit below a county (a town) has none: an empty list.
 */
#include "domain/eval_api.h"

#include <stdio.h>
#include <string.h>

#include "domain/org.h"
#include "http/paging.h"
#include "http/reply.h"
#include "http/router.h"
#include "util/log.h"
#include "util/text.h"

/* The 学前 indicators a county's row carries, in order. */
static const char *const eval_counties_kg_keys[] = {"gross_enrollment", "inclusive_coverage",
                                                    "public_enrollment_share"};
#define EVAL_COUNTIES_NKG (sizeof eval_counties_kg_keys / sizeof eval_counties_kg_keys[0])

/* The table of format=xlsx: one row per county, flat (eval_counties_flat). */
static const xlsx_col eval_counties_cols[] = {
    {"name", "县（市、区）", 16, XLSX_TEXT},
    {"city", "所属市", 12, XLSX_TEXT},
    {"schools_total", "参评学校", 10, XLSX_INT},
    {"schools_passing", "资源配置达标学校", 12, XLSX_INT},
    {"pass", "优质均衡结论", 12, XLSX_TEXT},
    {"cv_qualified_teachers", "差异系数：高于规定学历教师", 14, XLSX_REAL},
    {"cv_key_teachers", "差异系数：骨干教师", 14, XLSX_REAL},
    {"cv_pe_art_teachers", "差异系数：体育艺术教师", 14, XLSX_REAL},
    {"cv_teaching_area", "差异系数：教学及辅助用房", 14, XLSX_REAL},
    {"cv_sports_area", "差异系数：体育运动场馆", 14, XLSX_REAL},
    {"cv_equipment_value", "差异系数：教学仪器设备值", 14, XLSX_REAL},
    {"cv_multimedia_rooms", "差异系数：网络多媒体教室", 14, XLSX_REAL},
    {"failing_indicators", "差异系数未达标指标数", 12, XLSX_INT},
    {"gross_enrollment", "学前三年毛入园率", 12, XLSX_PERCENT},
    {"inclusive_coverage", "普惠性幼儿园覆盖率", 12, XLSX_PERCENT},
    {"public_enrollment_share", "公办园在园幼儿占比", 12, XLSX_PERCENT},
    {"preschool_pass", "学前普及普惠结论", 12, XLSX_TEXT},
    {NULL, NULL, 0, XLSX_TEXT},
};

/* The counties inside scope, by name: {"id","name","path","city"}. */
static int eval_counties_list(store_db *db, const eval_scope *scope, json_t **out)
{
    sval p[] = {SV_T(scope->path), SV_T(scope->path_hi)};
    return db_query(db,
                    "SELECT c.id, c.name, c.path, CASE WHEN u.level = 'city' THEN u.name END "
                    "AS city FROM org_units c LEFT JOIN org_units u ON u.id = c.parent_id "
                    "WHERE c.level = 'county' AND c.path >= ? AND c.path < ? "
                    "ORDER BY c.name, c.id",
                    p, 2, out);
}

/* The 优质均衡 part of a county's row from its eval_balanced answer. */
static void eval_counties_balanced(json_t *row, json_t *balanced)
{
    json_t *cv = json_object(), *cv_pass = json_object(), *ind;
    json_t *threshold = json_null();
    long failing = 0;
    size_t i;
    json_array_foreach(json_object_get(balanced, "indicators"), i, ind)
    {
        const char *key = text_field(ind, "key");
        json_t *pass = json_object_get(ind, "cv_pass");
        if (!key)
            continue;
        json_object_set(cv, key, json_object_get(ind, "cv"));
        json_object_set_new(cv_pass, key, json_boolean(json_is_true(pass)));
        failing += !json_is_true(pass);
        if (json_is_null(threshold) && json_is_number(json_object_get(ind, "cv_threshold")))
            threshold = json_object_get(ind, "cv_threshold");
    }
    json_object_set(row, "schools_total", json_object_get(balanced, "schools_total"));
    json_object_set(row, "schools_passing", json_object_get(balanced, "schools_passing"));
    json_object_set(row, "pass", json_object_get(balanced, "pass"));
    json_object_set_new(row, "cv", cv);
    json_object_set_new(row, "cv_pass", cv_pass);
    json_object_set(row, "cv_threshold", threshold);
    json_object_set_new(row, "failing_indicators", json_integer(failing));
}

/* The 学前 part of a county's row from its eval_preschool answer. */
static json_t *eval_counties_preschool(json_t *preschool)
{
    json_t *out = json_object(), *ind;
    for (size_t k = 0; k < EVAL_COUNTIES_NKG; k++)
        json_object_set_new(out, eval_counties_kg_keys[k], json_null());
    size_t i;
    json_array_foreach(json_object_get(preschool, "indicators"), i, ind)
    {
        const char *key = text_field(ind, "key");
        if (key && json_object_get(out, key))
            json_object_set(out, key, json_object_get(ind, "value"));
    }
    json_t *pass = json_object_get(preschool, "pass");
    json_object_set(out, "pass", pass ? pass : json_null());
    return out;
}

/* The row of one county ({"id","name","path","city"} from the list): its
 * own evaluations of year and stage, into *out. */
static int eval_counties_row(req *r, json_t *county, int year, const char *stage, json_t **out)
{
    json_t *balanced = NULL, *preschool = NULL;
    refusal e = {0};
    const char *path = text_field(county, "path");
    eval_scope scope = {path, org_scope_upper(r->a, path), text_field_int(county, "id")};
    *out = NULL;
    if (!path || !scope.path_hi)
        return STORE_ERROR;
    int rc = eval_balanced(r->db, &scope, year, stage, NULL, EVAL_SUMMARY, &balanced, &e);
    if (rc == STORE_OK)
        rc = eval_preschool(r->db, &scope, year, EVAL_SUMMARY, &preschool);
    if (rc == STORE_OK) {
        json_t *city = json_object_get(county, "city");
        *out = json_pack("{sI ss sO}", "org_id", (json_int_t)scope.county_org_id, "name",
                         text_field(county, "name"), "city", city ? city : json_null());
        if (*out) {
            eval_counties_balanced(*out, balanced);
            json_object_set_new(*out, "preschool", eval_counties_preschool(preschool));
        } else {
            rc = STORE_ERROR;
        }
    }
    if (rc == REFUSED) /* the stage was checked: no refusal is expected */
        log_error("eval counties: %s refused: %s", text_field(county, "name"), e.message);
    json_decref(balanced);
    json_decref(preschool);
    return rc == REFUSED ? STORE_ERROR : rc;
}

/* Every county inside c's scope as rows, into *items. */
static int eval_counties_items(req *r, const eval_api_ctx *c, const char *stage, json_t **items)
{
    json_t *counties = NULL, *county;
    size_t i;
    *items = json_array();
    int rc = *items ? eval_counties_list(r->db, &c->scope, &counties) : STORE_ERROR;
    json_array_foreach(counties, i, county)
    {
        json_t *row = NULL;
        if (rc == STORE_OK)
            rc = eval_counties_row(r, county, c->year, stage, &row);
        if (rc == STORE_OK && json_array_append_new(*items, row) != 0)
            rc = STORE_ERROR;
    }
    json_decref(counties);
    return rc;
}

/* A verdict as the spreadsheet writes it. */
static json_t *eval_counties_verdict(json_t *pass)
{
    return json_string(json_is_true(pass) ? "达标" : json_is_false(pass) ? "未达标" : "—");
}

/* One row of the xlsx table from a county's item. */
static json_t *eval_counties_flat(json_t *item)
{
    json_t *row = json_object(), *pre = json_object_get(item, "preschool");
    const char *copied[] = {"name", "city", "schools_total", "schools_passing",
                            "failing_indicators"};
    for (size_t k = 0; k < sizeof copied / sizeof copied[0]; k++)
        json_object_set(row, copied[k], json_object_get(item, copied[k]));
    json_object_set_new(row, "pass", eval_counties_verdict(json_object_get(item, "pass")));
    for (int k = 0; k < EVAL_NINDICATORS; k++) {
        char key[64];
        snprintf(key, sizeof key, "cv_%s", eval_indicator_keys[k]);
        json_object_set(row, key, json_object_get(json_object_get(item, "cv"), eval_indicator_keys[k]));
    }
    for (size_t k = 0; k < EVAL_COUNTIES_NKG; k++)
        json_object_set(row, eval_counties_kg_keys[k], json_object_get(pre, eval_counties_kg_keys[k]));
    json_object_set_new(row, "preschool_pass", eval_counties_verdict(json_object_get(pre, "pass")));
    return row;
}

/* The answer as the xlsx table (items stolen). */
static void eval_counties_xlsx(req *r, const paging *pg, const eval_api_ctx *c, const char *stage,
                               json_t *items)
{
    json_t *rows = json_array(), *item;
    size_t i;
    json_array_foreach(items, i, item) json_array_append_new(rows, eval_counties_flat(item));
    json_decref(items);
    const char *title = arena_printf(r->a, "%s%d学年%s各县对比", c->org_name ? c->org_name : "",
                                     c->year, strcmp(stage, "primary") == 0 ? "小学" : "初中");
    paging_reply(r, pg, rows, (int64_t)json_array_size(rows), title, eval_counties_cols);
}

static void eval_counties_handler(req *r)
{
    eval_api_ctx c = {0};
    paging pg;
    json_t *items = NULL;
    if (eval_api_read(r, &c) != 0 || paging_parse(r, &pg) != 0)
        return;
    const char *stage = eval_api_stage(r, req_query(r, "stage"));
    if (!stage)
        return;
    int rc = eval_counties_items(r, &c, stage, &items);
    if (rc != STORE_OK) {
        json_decref(items);
        eval_api_reply(r, rc, NULL);
        return;
    }
    if (pg.xlsx) {
        eval_counties_xlsx(r, &pg, &c, stage, items);
        return;
    }
    json_t *out = json_pack("{so si ss s{sI ss}}", "items", items, "year", c.year, "stage", stage,
                            "org", "id", (json_int_t)c.org_id, "name",
                            c.org_name ? c.org_name : "");
    eval_api_reply(r, out ? STORE_OK : STORE_ERROR, out);
}

const route eval_counties_routes[] = {
    {"GET", "/api/eval/counties", eval_counties_handler, 0},
    {NULL, NULL, NULL, 0},
};
