/*
 * plan.c - 目标: the structure of a year's work plan — the plan itself, its
 * items (sections and tasks to any depth) and the targets hung on items —
 * with their validation, create, change and delete, and who may do what.
 *
 * Who (access.h, module "plan"): the plan is read by everybody of its
 * county but 学校管理员 (plan_can_read); its structure is written by a
 * writer of "plan" (admin, 督导室 in the demo: plan_can_write). Progress
 * reports are plan_reports.c's; the tree and statuses plan_tree.c's and
 * plan_figures.c's, the item page plan_item.c's. Every write is audited in the caller's transaction, with
 * the stored record before and after (plan_item_object, plan_target_object).
 *
 * Tables owned: plans, plan_items, plan_item_depts, plan_targets.
 */
#include "domain/plan_internal.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/access.h"
#include "domain/audit.h"
#include "domain/metrics.h"
#include "domain/org.h"
#include "domain/record.h"
#include "util/clock.h"
#include "util/text.h"

static const char *const plan_cycles[] = {"monthly", "quarterly", "none", NULL};
static const char *const plan_directions[] = {"higher", "lower", NULL};
static const char *const plan_sources[] = {"live", "reported", NULL};

/* REAL columns, by record (plan_json_reals). */
static const char *const plan_item_reals[] = {"weight", NULL};
static const char *const plan_target_reals[] = {"baseline", "floor", "stretch", NULL};

/* Keys a body may set, by record. */
static const char *const plan_keys[] = {"title", "description", "status_on", NULL};
static const char *const plan_item_keys[] = {
    "parent_id", "sort",     "code",       "title",      "description",  "lead_dept_id",
    "co_dept_ids", "leader", "start_date", "due_date",   "weight",       "report_cycle", NULL};
static const char *const plan_target_keys[] = {
    "name", "unit", "baseline", "baseline_year", "floor", "stretch",
    "direction", "due_date", "source", "metric", "sort", NULL};

/* ------------------------------------------------------------------ who */

int plan_can_read(const user_ctx *u, const char *plan_path)
{
    return u && !text_is(u->role, ROLE_SCHOOL) && access_can_read(u, "plan", plan_path);
}

int plan_can_write(const user_ctx *u, const char *plan_path)
{
    return u && !text_is(u->role, ROLE_SCHOOL) && access_can_write(u, "plan", plan_path);
}

/* The common end of a reach: u NULL passes; a 学校管理员 is 403; a plan
 * out of reach does not exist (404 not_found); write needs a writer. */
static int plan_reach_check(const user_ctx *u, const char *path, int write, const char *not_found,
                            refusal *e)
{
    if (!u)
        return 0;
    if (text_is(u->role, ROLE_SCHOOL))
        return refuse(e, 403, "forbidden", NULL, "学校管理员无权查看工作目标");
    if (!plan_can_read(u, path))
        return refuse(e, 404, "not_found", NULL, not_found);
    if (write && !plan_can_write(u, path))
        return refuse(e, 403, "forbidden", NULL, "无权修改工作目标");
    return 0;
}

static int plan_row(store_db *db, int64_t plan_id, json_t **row)
{
    sval p[] = {SV_I(plan_id)};
    return db_query_one(db,
                        "SELECT id, county_org_id, path, year, title, description, status_on "
                        "FROM plans WHERE id = ?",
                        p, 1, row);
}

int plan_reach(store_db *db, const user_ctx *u, int64_t plan_id, int write, json_t **plan,
               refusal *e)
{
    int rc = plan_row(db, plan_id, plan);
    if (rc == STORE_NOTFOUND)
        return refuse(e, 404, "not_found", NULL, "规划不存在");
    if (rc == STORE_OK && (rc = plan_reach_check(u, text_field(*plan, "path"), write,
                                                 "规划不存在", e)) != 0) {
        json_decref(*plan);
        *plan = NULL;
    }
    return rc;
}

/* ------------------------------------------------------------- objects */

int plan_item_object(store_db *db, int64_t item_id, json_t **out)
{
    json_t *depts = NULL;
    sval p[] = {SV_I(item_id)};
    int rc = db_query_one(db,
                          "SELECT id, plan_id, parent_id, sort, code, title, description, "
                          "lead_dept_id, leader, start_date, due_date, weight, report_cycle "
                          "FROM plan_items WHERE id = ?",
                          p, 1, out);
    if (rc != STORE_OK)
        return rc;
    rc = db_query(db, "SELECT dept_id FROM plan_item_depts WHERE item_id = ? ORDER BY dept_id", p,
                  1, &depts);
    if (rc != STORE_OK) {
        json_decref(*out);
        *out = NULL;
        return rc;
    }
    json_t *ids = json_array(), *row;
    size_t i;
    json_array_foreach(depts, i, row) json_array_append(ids, json_object_get(row, "dept_id"));
    json_decref(depts);
    json_object_set_new(*out, "co_dept_ids", ids);
    plan_json_reals(*out, plan_item_reals);
    return STORE_OK;
}

int plan_target_object(store_db *db, int64_t target_id, json_t **out)
{
    sval p[] = {SV_I(target_id)};
    int rc = db_query_one(db,
                          "SELECT id, item_id, sort, name, unit, baseline, baseline_year, floor, "
                          "stretch, direction, due_date, source, metric FROM plan_targets "
                          "WHERE id = ?",
                          p, 1, out);
    if (rc == STORE_OK)
        plan_json_reals(*out, plan_target_reals);
    return rc;
}

int plan_item_reach_plan(store_db *db, const user_ctx *u, int64_t item_id, int write,
                         json_t **item, json_t **plan_out, refusal *e)
{
    json_t *plan = NULL;
    int rc = plan_item_object(db, item_id, item);
    if (rc == STORE_NOTFOUND)
        return refuse(e, 404, "not_found", NULL, "事项不存在");
    if (rc != STORE_OK)
        return rc;
    rc = plan_row(db, text_field_int(*item, "plan_id"), &plan);
    if (rc == STORE_OK)
        rc = plan_reach_check(u, text_field(plan, "path"), write, "事项不存在", e);
    if (rc == STORE_OK) {
        json_object_set(*item, "plan_path", json_object_get(plan, "path"));
        json_object_set(*item, "plan_year", json_object_get(plan, "year"));
        json_object_set(*item, "county_org_id", json_object_get(plan, "county_org_id"));
    } else {
        json_decref(*item);
        *item = NULL;
    }
    if (rc == STORE_OK && plan_out)
        *plan_out = plan;
    else
        json_decref(plan);
    return rc;
}

int plan_item_reach(store_db *db, const user_ctx *u, int64_t item_id, int write, json_t **item,
                    refusal *e)
{
    return plan_item_reach_plan(db, u, item_id, write, item, NULL, e);
}

/* The target row with its item reached (write) for u. */
static int plan_target_reach(store_db *db, const user_ctx *u, int64_t target_id, json_t **target,
                             json_t **item, refusal *e)
{
    int rc = plan_target_object(db, target_id, target);
    if (rc == STORE_NOTFOUND)
        return refuse(e, 404, "not_found", NULL, "指标不存在");
    if (rc != STORE_OK)
        return rc;
    rc = plan_item_reach(db, u, text_field_int(*target, "item_id"), 1, item, e);
    if (rc == REFUSED && e->status == 404)
        e->message = "指标不存在";
    if (rc != STORE_OK) {
        json_decref(*target);
        *target = NULL;
    }
    return rc;
}

/* --------------------------------------------------------- normalising */

/* An incoming value: text trimmed ("" and spaces -> null); digits of an id
 * or year field become an integer, a number text of a numeric field a
 * number. New reference. */
static json_t *plan_norm(const char *key, json_t *v)
{
    static const char *const ints[] = {"parent_id", "lead_dept_id", "sort", "baseline_year",
                                       "year", "county_org_id", NULL};
    static const char *const nums[] = {"weight", "baseline", "floor", "stretch", NULL};
    if (!v || json_is_null(v))
        return json_null();
    if (json_is_array(v) && strcmp(key, "co_dept_ids") == 0) {
        json_t *out = json_array(), *x;
        size_t i;
        json_array_foreach(v, i, x) json_array_append_new(out, plan_norm("parent_id", x));
        return out;
    }
    if (!json_is_string(v))
        return json_incref(v);
    json_t *t = text_trimmed(v);
    if (!t)
        return json_null();
    const char *s = json_string_value(t);
    size_t n = strlen(s);
    json_t *out = NULL;
    if (text_in_list(ints, key) && n >= 1 && n <= 15 && strspn(s, "0123456789") == n) {
        out = json_integer(atoll(s));
    } else if (text_in_list(nums, key)) {
        char *end;
        errno = 0;
        double d = strtod(s, &end);
        if (!errno && *end == '\0' && isfinite(d))
            out = json_real(d);
    }
    if (!out)
        return t;
    json_decref(t);
    return out;
}

/* base (a copy; NULL: an empty object) with the keys of body normalised
 * over it. New reference. */
static json_t *plan_merged(json_t *base, json_t *body, const char *const *keys)
{
    json_t *rec = base ? json_deep_copy(base) : json_object();
    for (int i = 0; keys[i]; i++) {
        json_t *v = json_object_get(body, keys[i]);
        if (v)
            json_object_set_new(rec, keys[i], plan_norm(keys[i], v));
    }
    return rec;
}

/* A number field: *out its value, NAN when absent or null; REFUSED when
 * required and missing or when it is not a finite number. */
static int plan_check_number(json_t *rec, const char *key, int required, const char *missing,
                             const char *bad, double *out, refusal *e)
{
    json_t *v = json_object_get(rec, key);
    *out = NAN;
    if (!v || json_is_null(v))
        return required ? refuse(e, 400, "missing", key, missing) : 0;
    if (!json_is_number(v) || !isfinite(json_number_value(v)) ||
        fabs(json_number_value(v)) > 1e12)
        return refuse(e, 400, "invalid", key, bad);
    *out = json_number_value(v);
    return 0;
}

/* An integer field within [lo, hi]; *out 0 when absent (then def is set). */
static int plan_check_int(json_t *rec, const char *key, int64_t lo, int64_t hi, const char *bad,
                          int64_t def, int64_t *out, refusal *e)
{
    json_t *v = json_object_get(rec, key);
    *out = def;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi)
        return refuse(e, 400, "invalid", key, bad);
    *out = json_integer_value(v);
    return 0;
}

/* An enumerated text field; def when absent. */
static int plan_check_enum(json_t *rec, const char *key, const char *const *list, const char *def,
                           const char *bad, const char **out, refusal *e)
{
    json_t *v = json_object_get(rec, key);
    *out = def;
    if (!v || json_is_null(v))
        return def ? 0 : refuse(e, 400, "missing", key, bad);
    if (!text_in_list(list, json_string_value(v)))
        return refuse(e, 400, "invalid", key, bad);
    *out = json_string_value(v);
    return 0;
}

int plan_body_check(json_t *body, refusal *e)
{
    memset(e, 0, sizeof *e);
    if (!json_is_object(body))
        return refuse(e, 400, "bad_json", NULL, "请求体应为 JSON 对象");
    return 0;
}

/* ---------------------------------------------------------------- plans */

/* The county a new plan belongs to: county_org_id of the body, else the
 * county of u's scope. *county gets its org row. */
static int plan_county(store_db *db, const user_ctx *u, json_t *rec, json_t **county, refusal *e)
{
    int64_t id;
    int rc;
    *county = NULL;
    if (record_check_id(rec, "county_org_id", !u, "请选择县（市、区）", "县（市、区）无效", &id, e))
        return REFUSED;
    if (id)
        rc = org_get(db, id, county);
    else
        rc = org_ancestor_of_level(db, u->scope_path, "county", county);
    if (rc == STORE_NOTFOUND && !id)
        return refuse(e, 400, "missing", "county_org_id", "请选择县（市、区）");
    if (rc == STORE_NOTFOUND || (rc == STORE_OK && (!text_is(text_field(*county, "level"), "county") ||
                                                    (u && !access_in_scope(u, text_field(*county, "path")))))) {
        json_decref(*county);
        *county = NULL;
        return refuse(e, 400, "invalid", "county_org_id", "县（市、区）不存在或不在管理范围内");
    }
    return rc;
}

/* title, description and status_on of a plan of year. */
static int plan_validate(json_t *rec, int64_t year, refusal *e)
{
    char first[11], last[11];
    if (record_check_text(rec, "title", 1, 1, 100, "请填写规划名称", "规划名称不超过 100 个字", e) ||
        record_check_text(rec, "description", 0, 0, 5000, NULL, "规划说明不超过 5000 个字", e) ||
        record_check_date(rec, "status_on", 0, NULL, "统计日期格式应为 YYYY-MM-DD", e))
        return REFUSED;
    const char *on = text_field(rec, "status_on");
    plan_year_bounds((int)year, first, last);
    if (on && (strcmp(on, first) < 0 || strcmp(on, last) > 0))
        return refuse(e, 400, "invalid", "status_on", "统计日期应在规划年度内");
    return 0;
}

int plan_create(store_db *db, const user_ctx *u, const char *ip, json_t *body, int64_t *id_out,
                refusal *e)
{
    static const char *const create_keys[] = {"year", "county_org_id", NULL};
    json_t *rec = NULL, *county = NULL, *after = NULL;
    int64_t year, other, id = 0, now = clock_now();
    int rc;

    if (plan_body_check(body, e) != 0)
        return REFUSED;
    if (u && text_is(u->role, ROLE_SCHOOL))
        return refuse(e, 403, "forbidden", NULL, "学校管理员无权查看工作目标");
    rec = plan_merged(NULL, body, plan_keys);
    json_t *extra = plan_merged(NULL, body, create_keys);
    json_object_update(rec, extra);
    json_decref(extra);
    json_t *y = json_object_get(rec, "year");
    if (!y || json_is_null(y))
        rc = refuse(e, 400, "missing", "year", "请填写年度");
    else if (!json_is_integer(y) || json_integer_value(y) < 2000 || json_integer_value(y) > 2100)
        rc = refuse(e, 400, "invalid", "year", "年度应为 2000 至 2100 的整数");
    else
        rc = plan_county(db, u, rec, &county, e);
    if (rc != STORE_OK)
        goto done;
    year = json_integer_value(y);
    const char *path = text_field(county, "path");
    if (u && !plan_can_write(u, path)) {
        rc = refuse(e, 403, "forbidden", NULL, "无权修改工作目标");
        goto done;
    }
    if ((rc = plan_validate(rec, year, e)) != STORE_OK)
        goto done;
    int64_t county_id = text_field_int(county, "id");
    sval q[] = {SV_I(county_id), SV_I(year)};
    rc = db_query_int(db, "SELECT id FROM plans WHERE county_org_id = ? AND year = ?", q, 2, &other);
    if (rc == STORE_OK) {
        rc = refuse(e, 409, "conflict", "year", "该县（市、区）本年度已有工作规划");
        goto done;
    }
    if (rc != STORE_NOTFOUND)
        goto done;
    sval p[] = {SV_I(county_id), SV_T(path), SV_I(year), SV_T(text_field(rec, "title")),
                SV_T(text_field(rec, "description")), SV_T(text_field(rec, "status_on")),
                u ? SV_I(u->id) : SV_NUL, SV_I(now), SV_I(now)};
    rc = db_insert(db,
                   "INSERT INTO plans (county_org_id, path, year, title, description, status_on, "
                   "created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                   "RETURNING id",
                   p, 9, &id);
    if (rc == STORE_CONSTRAINT)
        rc = refuse(e, 409, "conflict", "year", "该县（市、区）本年度已有工作规划");
    if (rc == STORE_OK)
        rc = plan_row(db, id, &after);
    if (rc == STORE_OK)
        rc = audit_write(db, u, ip, "create", "plan", id, path, NULL, after);
    if (rc == STORE_OK && id_out)
        *id_out = id;
done:
    json_decref(rec);
    json_decref(county);
    json_decref(after);
    return rc;
}

int plan_patch(store_db *db, const user_ctx *u, const char *ip, int64_t plan_id, json_t *body,
               refusal *e)
{
    json_t *before = NULL, *rec = NULL, *after = NULL;
    if (plan_body_check(body, e) != 0)
        return REFUSED;
    int rc = plan_reach(db, u, plan_id, 1, &before, e);
    if (rc != STORE_OK)
        return rc;
    json_t *year = json_object_get(body, "year");
    if (year && !json_equal(year, json_object_get(before, "year"))) {
        rc = refuse(e, 400, "invalid", "year", "不能修改规划年度");
        goto done;
    }
    rec = plan_merged(before, body, plan_keys);
    rc = plan_validate(rec, text_field_int(before, "year"), e);
    if (rc != STORE_OK || json_equal(rec, before))
        goto done;
    sval p[] = {SV_T(text_field(rec, "title")), SV_T(text_field(rec, "description")),
                SV_T(text_field(rec, "status_on"))};
    rc = record_update(db, "plans", "title, description, status_on", p, 3, clock_now(), plan_id);
    if (rc == STORE_OK)
        rc = plan_row(db, plan_id, &after);
    if (rc == STORE_OK)
        rc = audit_write(db, u, ip, "update", "plan", plan_id, text_field(before, "path"), before,
                         after);
done:
    json_decref(before);
    json_decref(rec);
    json_decref(after);
    return rc;
}

/* ---------------------------------------------------------------- items */

/* A department of the county, or 400 on field. */
static int plan_check_dept(store_db *db, int64_t dept_id, int64_t county_id, const char *field,
                           const char *bad, refusal *e)
{
    sval p[] = {SV_I(dept_id), SV_I(county_id)};
    return record_check_ref(db, "SELECT id FROM departments WHERE id = ? AND org_id = ?", p, 2,
                            field, bad, e);
}

/* parent_id: an item of the same plan, and (item_id > 0, a move) not the
 * item itself or one of its descendants. */
static int plan_check_parent(store_db *db, int64_t plan_id, int64_t item_id, int64_t parent_id,
                             refusal *e)
{
    int64_t at = parent_id;
    for (int depth = 0; at; depth++) {
        json_t *row = NULL;
        sval p[] = {SV_I(at)};
        int rc = db_query_one(db, "SELECT plan_id, parent_id FROM plan_items WHERE id = ?", p, 1,
                              &row);
        if (rc == STORE_NOTFOUND || (rc == STORE_OK && text_field_int(row, "plan_id") != plan_id)) {
            json_decref(row);
            return refuse(e, 400, "invalid", "parent_id", "上级事项不存在或不属于本规划");
        }
        if (rc != STORE_OK)
            return rc;
        at = text_field_int(row, "parent_id");
        json_decref(row);
        if (item_id && (at == item_id || parent_id == item_id))
            return refuse(e, 400, "invalid", "parent_id", "上级事项不能是本事项或其下级事项");
        if (depth > 64)
            return refuse(e, 400, "invalid", "parent_id", "事项层级过深");
    }
    return STORE_OK;
}

/* The fields of an item of plan (a row of plan_row); item_id 0 for a new one. */
static int plan_item_validate(store_db *db, json_t *plan, int64_t item_id, json_t *rec, refusal *e)
{
    char start[11], due[11], first[11], last[11];
    int64_t parent_id, lead_id, sort;
    double weight;
    const char *cycle;
    int64_t year = text_field_int(plan, "year"), county = text_field_int(plan, "county_org_id");
    int rc;

    if (record_check_text(rec, "title", 1, 1, 200, "请填写事项名称", "事项名称不超过 200 个字", e) ||
        record_check_text(rec, "code", 0, 0, 20, NULL, "编号不超过 20 个字", e) ||
        record_check_text(rec, "description", 0, 0, 5000, NULL, "事项说明不超过 5000 个字", e) ||
        record_check_text(rec, "leader", 0, 0, 30, NULL, "责任领导不超过 30 个字", e) ||
        record_check_date(rec, "start_date", 0, NULL, "开始日期格式应为 YYYY-MM-DD", e) ||
        record_check_date(rec, "due_date", 0, NULL, "完成时限格式应为 YYYY-MM-DD", e) ||
        plan_check_number(rec, "weight", 0, NULL, "权重应为不小于 0 的数", &weight, e) ||
        plan_check_enum(rec, "report_cycle", plan_cycles, "monthly",
                        "报送周期应为 monthly、quarterly 或 none", &cycle, e) ||
        plan_check_int(rec, "sort", 0, 99999, "排序应为 0 至 99999 的整数", 0, &sort, e) ||
        record_check_id(rec, "parent_id", 0, NULL, "上级事项无效", &parent_id, e) ||
        record_check_id(rec, "lead_dept_id", 0, NULL, "牵头股室无效", &lead_id, e))
        return REFUSED;
    if (!isnan(weight) && weight < 0)
        return refuse(e, 400, "invalid", "weight", "权重应为不小于 0 的数");
    snprintf(start, sizeof start, "%s", text_field(rec, "start_date") ? text_field(rec, "start_date") : "");
    snprintf(due, sizeof due, "%s", text_field(rec, "due_date") ? text_field(rec, "due_date") : "");
    plan_year_bounds((int)year, first, last);
    if (!*start)
        memcpy(start, first, sizeof first);
    if (!*due)
        memcpy(due, last, sizeof last);
    if (strcmp(due, start) < 0)
        return refuse(e, 400, "invalid", "due_date", "完成时限不能早于开始日期");
    if (parent_id && (rc = plan_check_parent(db, text_field_int(plan, "id"), item_id, parent_id,
                                             e)) != STORE_OK)
        return rc;
    if (lead_id && (rc = plan_check_dept(db, lead_id, county, "lead_dept_id",
                                         "牵头股室不存在或不属于本局", e)) != STORE_OK)
        return rc;
    json_t *co = json_object_get(rec, "co_dept_ids");
    if (co && !json_is_null(co) && !json_is_array(co))
        return refuse(e, 400, "invalid", "co_dept_ids", "协办股室应为股室编号的列表");
    size_t i, j;
    json_t *d;
    json_array_foreach(co, i, d) {
        if (!json_is_integer(d) || json_integer_value(d) <= 0)
            return refuse(e, 400, "invalid", "co_dept_ids", "协办股室无效");
        for (j = 0; j < i; j++)
            if (json_equal(json_array_get(co, j), d))
                return refuse(e, 400, "invalid", "co_dept_ids", "协办股室重复");
        if ((rc = plan_check_dept(db, json_integer_value(d), county, "co_dept_ids",
                                  "协办股室不存在或不属于本局", e)) != STORE_OK)
            return rc;
    }
    return STORE_OK;
}

/* The item's columns of rec as 11 parameters (order of PLAN_ITEM_FIELDS). */
#define PLAN_ITEM_FIELDS                                                                      \
    "parent_id, sort, code, title, description, lead_dept_id, leader, start_date, due_date, " \
    "weight, report_cycle"
static void plan_item_sv(json_t *rec, sval *p)
{
    double weight = json_number_value(json_object_get(rec, "weight"));
    json_t *w = json_object_get(rec, "weight");
    int64_t parent = text_field_int(rec, "parent_id"), lead = text_field_int(rec, "lead_dept_id");
    p[0] = parent ? SV_I(parent) : SV_NUL;
    p[1] = SV_I(text_field_int(rec, "sort"));
    p[2] = SV_T(text_field(rec, "code"));
    p[3] = SV_T(text_field(rec, "title"));
    p[4] = SV_T(text_field(rec, "description"));
    p[5] = lead ? SV_I(lead) : SV_NUL;
    p[6] = SV_T(text_field(rec, "leader"));
    p[7] = SV_T(text_field(rec, "start_date"));
    p[8] = SV_T(text_field(rec, "due_date"));
    p[9] = SV_R(w && json_is_number(w) ? weight : 1.0);
    p[10] = SV_T(text_field(rec, "report_cycle") ? text_field(rec, "report_cycle") : "monthly");
}

/* Replace the item's co-operating departments by those of rec. */
static int plan_item_depts_store(store_db *db, int64_t item_id, json_t *rec)
{
    sval p[] = {SV_I(item_id)};
    int rc = db_exec(db, "DELETE FROM plan_item_depts WHERE item_id = ?", p, 1);
    size_t i;
    json_t *d;
    json_array_foreach(json_object_get(rec, "co_dept_ids"), i, d) {
        if (rc != STORE_OK)
            break;
        sval q[] = {SV_I(item_id), SV_I(json_integer_value(d))};
        rc = db_exec(db, "INSERT INTO plan_item_depts (item_id, dept_id) VALUES (?, ?)", q, 2);
    }
    return rc;
}

int plan_item_create(store_db *db, const user_ctx *u, const char *ip, int64_t plan_id,
                     json_t *body, int64_t *id_out, refusal *e)
{
    json_t *plan = NULL, *rec = NULL, *after = NULL;
    int64_t id = 0, now = clock_now();
    if (plan_body_check(body, e) != 0)
        return REFUSED;
    int rc = plan_reach(db, u, plan_id, 1, &plan, e);
    if (rc != STORE_OK)
        return rc;
    rec = plan_merged(NULL, body, plan_item_keys);
    rc = plan_item_validate(db, plan, 0, rec, e);
    if (rc != STORE_OK)
        goto done;
    sval p[14] = {SV_I(plan_id)};
    plan_item_sv(rec, p + 1);
    p[12] = SV_I(now);
    p[13] = SV_I(now);
    rc = db_insert(db,
                   "INSERT INTO plan_items (plan_id, " PLAN_ITEM_FIELDS ", created_at, updated_at) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                   p, 14, &id);
    if (rc == STORE_OK)
        rc = plan_item_depts_store(db, id, rec);
    if (rc == STORE_OK)
        rc = plan_item_object(db, id, &after);
    if (rc == STORE_OK)
        rc = audit_write(db, u, ip, "create", "plan_item", id, text_field(plan, "path"), NULL, after);
    if (rc == STORE_OK && id_out)
        *id_out = id;
done:
    json_decref(plan);
    json_decref(rec);
    json_decref(after);
    return rc;
}

/* The item object without the plan's fields plan_item_reach adds. */
static void plan_item_bare(json_t *item)
{
    json_object_del(item, "plan_path");
    json_object_del(item, "plan_year");
    json_object_del(item, "county_org_id");
}

int plan_item_patch(store_db *db, const user_ctx *u, const char *ip, int64_t item_id,
                    json_t *body, refusal *e)
{
    json_t *before = NULL, *plan = NULL, *rec = NULL, *after = NULL;
    if (plan_body_check(body, e) != 0)
        return REFUSED;
    int rc = plan_item_reach_plan(db, u, item_id, 1, &before, &plan, e);
    if (rc != STORE_OK)
        return rc;
    plan_item_bare(before);
    json_t *moved = json_object_get(body, "plan_id");
    if (moved && !json_equal(moved, json_object_get(before, "plan_id"))) {
        rc = refuse(e, 400, "invalid", "plan_id", "不能把事项移到其他规划");
        goto done;
    }
    rec = plan_merged(before, body, plan_item_keys);
    rc = plan_item_validate(db, plan, item_id, rec, e);
    if (rc != STORE_OK || json_equal(rec, before))
        goto done;
    sval p[11];
    plan_item_sv(rec, p);
    rc = record_update(db, "plan_items", PLAN_ITEM_FIELDS, p, 11, clock_now(), item_id);
    if (rc == STORE_OK)
        rc = plan_item_depts_store(db, item_id, rec);
    if (rc == STORE_OK)
        rc = plan_item_object(db, item_id, &after);
    if (rc == STORE_OK)
        rc = audit_write(db, u, ip, "update", "plan_item", item_id, text_field(plan, "path"),
                         before, after);
done:
    json_decref(before);
    json_decref(plan);
    json_decref(rec);
    json_decref(after);
    return rc;
}

/* The number of rows sql (one id parameter) counts. */
static int plan_count(store_db *db, const char *sql, int64_t id, int64_t *n)
{
    sval p[] = {SV_I(id)};
    return db_query_int(db, sql, p, 1, n);
}

int plan_item_delete(store_db *db, const user_ctx *u, const char *ip, int64_t item_id,
                     refusal *e)
{
    json_t *before = NULL;
    int64_t children = 0, targets = 0, reports = 0;
    memset(e, 0, sizeof *e);
    int rc = plan_item_reach(db, u, item_id, 1, &before, e);
    if (rc != STORE_OK)
        return rc;
    rc = plan_count(db, "SELECT COUNT(*) FROM plan_items WHERE parent_id = ?", item_id, &children);
    if (rc == STORE_OK)
        rc = plan_count(db, "SELECT COUNT(*) FROM plan_targets WHERE item_id = ?", item_id, &targets);
    if (rc == STORE_OK)
        rc = plan_count(db, "SELECT COUNT(*) FROM plan_reports WHERE item_id = ?", item_id, &reports);
    if (rc == STORE_OK && children)
        rc = refuse(e, 409, "conflict", NULL, "该事项下还有下级事项，不能删除");
    else if (rc == STORE_OK && targets)
        rc = refuse(e, 409, "conflict", NULL, "该事项还有量化指标，请先删除指标");
    else if (rc == STORE_OK && reports)
        rc = refuse(e, 409, "conflict", NULL, "该事项已有进展报告，不能删除");
    sval p[] = {SV_I(item_id)};
    if (rc == STORE_OK)
        rc = db_exec(db, "DELETE FROM plan_item_depts WHERE item_id = ?", p, 1);
    if (rc == STORE_OK)
        rc = db_exec(db, "DELETE FROM plan_items WHERE id = ?", p, 1);
    if (rc == STORE_OK) {
        char path[256];
        snprintf(path, sizeof path, "%s", text_field(before, "plan_path"));
        plan_item_bare(before);
        rc = audit_write(db, u, ip, "delete", "plan_item", item_id, path, before, NULL);
    }
    json_decref(before);
    return rc;
}

/* -------------------------------------------------------------- targets */

/* The fields of a target of an item of plan year. */
static int plan_target_validate(store_db *db, int64_t year, json_t *rec, refusal *e)
{
    double baseline, floor, stretch;
    int64_t baseline_year, sort;
    const char *direction, *source;
    if (record_check_text(rec, "name", 1, 1, 100, "请填写指标名称", "指标名称不超过 100 个字", e) ||
        record_check_text(rec, "unit", 0, 0, 20, NULL, "单位不超过 20 个字", e) ||
        plan_check_number(rec, "baseline", 0, NULL, "基期值应为数字", &baseline, e) ||
        plan_check_int(rec, "baseline_year", 1990, year, "基期年份应为 1990 年至规划年度之间的年份",
                       0, &baseline_year, e) ||
        plan_check_number(rec, "floor", 1, "请填写保底目标值", "保底目标值应为数字", &floor, e) ||
        plan_check_number(rec, "stretch", 0, NULL, "力争目标值应为数字", &stretch, e) ||
        plan_check_enum(rec, "direction", plan_directions, "higher",
                        "方向应为 higher（越高越好）或 lower（越低越好）", &direction, e) ||
        record_check_date(rec, "due_date", 0, NULL, "完成时限格式应为 YYYY-MM-DD", e) ||
        plan_check_enum(rec, "source", plan_sources, NULL, "数据来源应为 live（系统取数）或 reported（填报）",
                        &source, e) ||
        plan_check_int(rec, "sort", 0, 99999, "排序应为 0 至 99999 的整数", 0, &sort, e))
        return REFUSED;
    int lower = text_is(direction, "lower");
    if (!isnan(stretch) && (lower ? stretch > floor : stretch < floor))
        return refuse(e, 400, "invalid", "stretch",
                      lower ? "力争目标值不能高于保底目标值" : "力争目标值不能低于保底目标值");
    if (text_is(source, "reported")) {
        json_object_set_new(rec, "metric", json_null());
        return STORE_OK;
    }
    if (record_check_text(rec, "metric", 1, 1, 100, "请选择系统指标", "未知指标", e))
        return REFUSED;
    if (!metrics_key_valid(db, text_field(rec, "metric")))
        return refuse(e, 400, "invalid", "metric", "未知指标");
    return STORE_OK;
}

#define PLAN_TARGET_FIELDS                                                                  \
    "sort, name, unit, baseline, baseline_year, floor, stretch, direction, due_date, source, " \
    "metric"
static void plan_target_sv(json_t *rec, sval *p)
{
    json_t *by = json_object_get(rec, "baseline_year");
    const char *direction = text_field(rec, "direction");
    p[0] = SV_I(text_field_int(rec, "sort"));
    p[1] = SV_T(text_field(rec, "name"));
    p[2] = SV_T(text_field(rec, "unit"));
    p[3] = json_is_number(json_object_get(rec, "baseline"))
               ? plan_sv_real(json_number_value(json_object_get(rec, "baseline")))
               : SV_NUL;
    p[4] = json_is_integer(by) ? SV_I(json_integer_value(by)) : SV_NUL;
    p[5] = SV_R(json_number_value(json_object_get(rec, "floor")));
    p[6] = json_is_number(json_object_get(rec, "stretch"))
               ? SV_R(json_number_value(json_object_get(rec, "stretch")))
               : SV_NUL;
    p[7] = SV_T(direction ? direction : "higher");
    p[8] = SV_T(text_field(rec, "due_date"));
    p[9] = SV_T(text_field(rec, "source"));
    p[10] = SV_T(text_field(rec, "metric"));
}

int plan_target_create(store_db *db, const user_ctx *u, const char *ip, int64_t item_id,
                       json_t *body, int64_t *id_out, refusal *e)
{
    json_t *item = NULL, *rec = NULL, *after = NULL;
    int64_t id = 0, now = clock_now();
    if (plan_body_check(body, e) != 0)
        return REFUSED;
    int rc = plan_item_reach(db, u, item_id, 1, &item, e);
    if (rc != STORE_OK)
        return rc;
    rec = plan_merged(NULL, body, plan_target_keys);
    rc = plan_target_validate(db, text_field_int(item, "plan_year"), rec, e);
    if (rc != STORE_OK)
        goto done;
    sval p[14] = {SV_I(item_id)};
    plan_target_sv(rec, p + 1);
    p[12] = SV_I(now);
    p[13] = SV_I(now);
    rc = db_insert(db,
                   "INSERT INTO plan_targets (item_id, " PLAN_TARGET_FIELDS ", created_at, "
                   "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                   p, 14, &id);
    if (rc == STORE_OK)
        rc = plan_target_object(db, id, &after);
    if (rc == STORE_OK)
        rc = audit_write(db, u, ip, "create", "plan_target", id, text_field(item, "plan_path"),
                         NULL, after);
    if (rc == STORE_OK && id_out)
        *id_out = id;
done:
    json_decref(item);
    json_decref(rec);
    json_decref(after);
    return rc;
}

int plan_target_patch(store_db *db, const user_ctx *u, const char *ip, int64_t target_id,
                      json_t *body, refusal *e)
{
    json_t *before = NULL, *item = NULL, *rec = NULL, *after = NULL;
    if (plan_body_check(body, e) != 0)
        return REFUSED;
    int rc = plan_target_reach(db, u, target_id, &before, &item, e);
    if (rc != STORE_OK)
        return rc;
    json_t *moved = json_object_get(body, "item_id");
    if (moved && !json_equal(moved, json_object_get(before, "item_id"))) {
        rc = refuse(e, 400, "invalid", "item_id", "不能把指标移到其他事项");
        goto done;
    }
    rec = plan_merged(before, body, plan_target_keys);
    rc = plan_target_validate(db, text_field_int(item, "plan_year"), rec, e);
    if (rc != STORE_OK || json_equal(rec, before))
        goto done;
    sval p[11];
    plan_target_sv(rec, p);
    rc = record_update(db, "plan_targets", PLAN_TARGET_FIELDS, p, 11, clock_now(), target_id);
    if (rc == STORE_OK)
        rc = plan_target_object(db, target_id, &after);
    if (rc == STORE_OK)
        rc = audit_write(db, u, ip, "update", "plan_target", target_id,
                         text_field(item, "plan_path"), before, after);
done:
    json_decref(before);
    json_decref(item);
    json_decref(rec);
    json_decref(after);
    return rc;
}

int plan_target_delete(store_db *db, const user_ctx *u, const char *ip, int64_t target_id,
                       refusal *e)
{
    json_t *before = NULL, *item = NULL;
    int64_t figures = 0;
    memset(e, 0, sizeof *e);
    int rc = plan_target_reach(db, u, target_id, &before, &item, e);
    if (rc != STORE_OK)
        return rc;
    rc = plan_count(db, "SELECT COUNT(*) FROM plan_report_figures WHERE target_id = ?", target_id,
                    &figures);
    if (rc == STORE_OK && figures)
        rc = refuse(e, 409, "conflict", NULL, "该指标已有进展报告的数据，不能删除");
    sval p[] = {SV_I(target_id)};
    if (rc == STORE_OK)
        rc = db_exec(db, "DELETE FROM plan_targets WHERE id = ?", p, 1);
    if (rc == STORE_OK)
        rc = audit_write(db, u, ip, "delete", "plan_target", target_id,
                         text_field(item, "plan_path"), before, NULL);
    json_decref(before);
    json_decref(item);
    return rc;
}
