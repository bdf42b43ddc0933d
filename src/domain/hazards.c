/*
 * hazards.c - the hazard register (隐患台账) and its closed loop: rules.
 *
 * A hazard is something unsafe found at a school: a category (editable list
 * hazard_categories), a grade (一般, or 重大 which is 挂牌督办 = supervised
 * from registration), where and what, who found it and when, and the plan
 * (整改措施, 责任人, 资金, 整改时限, 临时措施). Its status moves
 *
 *   已登记 →(开始整改)→ 整改中 →(提交验收)→ 待验收 →(销号)→ 已销号
 *                                          待验收 →(退回)→ 整改中
 *
 * by the table hazard_rules below; each step is a hazard_steps row and an
 * audit row. Who (access.h, module "safety"): whoever may write safety at
 * the hazard's school takes the first two steps and edits the plan; 销号
 * and 退回 of a 一般 hazard likewise; of a 重大 hazard only the bureau (a
 * writer who is not a 学校管理员: 安全稳定股, 系统管理员). Reading: every
 * role in scope; a hazard outside the caller's scope does not exist (404).
 * Overdue: not 已销号 and deadline < today (UTC+8), computed here.
 *
 * Tables owned: hazards, hazard_steps, hazard_photos, files (with the file
 * store, io/filestore.h). Every insert or update of a hazard also updates
 * the summary's counts (safety_counts_move) in the same transaction. HTTP
 * handlers are in hazards_api.c.
 */
#include "domain/hazards.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/access.h"
#include "domain/audit.h"
#include "domain/record.h"
#include "domain/safety_counts.h"
#include "io/filestore.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/text.h"

static const char *const hazard_grades[] = {"一般", "重大", NULL};
static const char *const hazard_photo_kinds[] = {"整改前", "整改后", "其他", NULL};

/* Who may take a step: any writer of safety at the school, or a closer
 * (a writer; a 学校管理员 only for 一般 hazards). */
typedef enum { HAZARD_WRITER, HAZARD_CLOSER } hazard_who;

/* The closed loop: from status, the requested `to`, the new status, the
 * step's name, and who may take it. Anything not listed is 409. */
static const struct hazard_rule {
    const char *from;
    const char *to;
    const char *status;
    const char *action;
    hazard_who who;
} hazard_rules[] = {
    {"已登记", "整改中", "整改中", "开始整改", HAZARD_WRITER},
    {"整改中", "待验收", "待验收", "提交验收", HAZARD_WRITER},
    {"待验收", "已销号", "已销号", "销号", HAZARD_CLOSER},
    {"待验收", "退回", "整改中", "退回", HAZARD_CLOSER},
};

/* The targets a transition may name. */
static const char *const hazard_targets[] = {"整改中", "待验收", "已销号", "退回", NULL};

/* Fields an edit may change (API keys = column names). */
static const char *const hazard_editable[] = {"category_id", "grade", "location", "description",
                                              "found_on", "found_by", "measures", "responsible",
                                              "funds", "deadline", "interim", NULL};

/* ---------------------------------------------------------------- helpers */

int hazards_days_overdue(const char *status, const char *deadline, const char *today)
{
    int64_t due, now;
    if (text_is(status, "已销号") || !deadline || !today || strcmp(deadline, today) >= 0)
        return 0;
    if (clock_parse(deadline, &due) != 0 || clock_parse(today, &now) != 0)
        return 0;
    return (int)((now - due) / 86400);
}

/* Steps and photos keep their own writer's name; NULL u is the command line. */
static const char *hazards_username(const user_ctx *u)
{
    return u && u->username ? u->username : "系统";
}

/* ------------------------------------------------------------- the object */

json_t *hazards_object(json_t *row, const char *today)
{
    static const char *const copied[] = {
        "id", "school_id", "school_name", "school_code", "town", "inspection_id", "category_id",
        "category", "grade", "location", "description", "found_on", "found_by", "measures",
        "responsible", "funds", "deadline", "interim", "status", "returned", "closed_on", NULL};
    json_t *o = json_object();

    for (int i = 0; copied[i]; i++) {
        json_t *v = json_object_get(row, copied[i]);
        json_object_set_new(o, copied[i], v ? json_incref(v) : json_null());
    }
    json_t *funds = json_object_get(row, "funds");
    if (json_is_integer(funds))
        json_object_set_new(o, "funds", json_real((double)json_integer_value(funds)));
    json_object_set_new(o, "supervised", json_boolean(text_field_int(row, "supervised")));
    int days = hazards_days_overdue(text_field(row, "status"), text_field(row, "deadline"), today);
    json_object_set_new(o, "overdue", json_boolean(days > 0));
    json_object_set_new(o, "days_overdue", json_integer(days));
    text_set_time(o, "created_at", text_field_int(row, "created_at"));
    text_set_time(o, "updated_at", text_field_int(row, "updated_at"));
    return o;
}

/* The raw row of hazard id. */
static int hazards_row(store_db *db, int64_t id, json_t **row)
{
    sval p[] = {SV_I(id)};
    return db_query_one(db, HAZARDS_SELECT " WHERE h.id = ?", p, 1, row);
}

/* Load hazard id for u: 404 outside the scope, 403 when write and u may
 * not write safety there. u NULL passes. */
static int hazards_row_for(store_db *db, const user_ctx *u, int64_t id, int write, json_t **row,
                           refusal *e)
{
    return record_loaded(hazards_row(db, id, row), row, u, "safety", write, "隐患不存在", e);
}

/* Keep the summary's counts (safety_counts.c) in step with the write of
 * hazard id, whose row was before (HAZARDS_SELECT; NULL for a new one). */
static int hazards_counts(store_db *db, int64_t id, json_t *before)
{
    json_t *after = NULL;
    int rc = hazards_row(db, id, &after);
    if (rc == STORE_OK)
        rc = safety_counts_move(db, before, after);
    json_decref(after);
    return rc;
}

/* The hazard object of id, read without a user (for audit). */
static int hazards_snapshot(store_db *db, int64_t id, json_t **out)
{
    char today[11];
    json_t *row = NULL;
    int rc = hazards_row(db, id, &row);
    *out = NULL;
    if (rc != STORE_OK)
        return rc;
    clock_today(today);
    *out = hazards_object(row, today);
    json_decref(row);
    return STORE_OK;
}

/* steps (oldest first) and photos of the hazard object o. */
static int hazards_detail(store_db *db, json_t *o)
{
    json_t *steps = NULL, *photos = NULL;
    size_t i;
    json_t *item;
    sval p[] = {SV_I(text_field_int(o, "id"))};
    int rc = db_query(db,
                      "SELECT id, action, from_status, to_status, comment, user_id, username, "
                      "on_date, at FROM hazard_steps WHERE hazard_id = ? ORDER BY at, id",
                      p, 1, &steps);
    if (rc != STORE_OK)
        return rc;
    json_array_foreach(steps, i, item) {
        text_set_time(item, "at", text_field_int(item, "at"));
    }
    rc = db_query(db,
                  "SELECT p.id, p.kind, p.name, f.mime, f.size, p.step_id, p.user_id, p.at "
                  "FROM hazard_photos p JOIN files f ON f.hash = p.hash WHERE p.hazard_id = ? "
                  "ORDER BY p.id",
                  p, 1, &photos);
    if (rc != STORE_OK) {
        json_decref(steps);
        return rc;
    }
    json_array_foreach(photos, i, item) {
        char url[48];
        text_set_time(item, "at", text_field_int(item, "at"));
        snprintf(url, sizeof url, "/api/photos/%lld",
                 (long long)text_field_int(item, "id"));
        json_object_set_new(item, "url", json_string(url));
    }
    json_object_set_new(o, "steps", steps);
    json_object_set_new(o, "photos", photos);
    return STORE_OK;
}

int hazards_load(store_db *db, const user_ctx *u, int64_t id, int with_detail, json_t **out)
{
    json_t *row = NULL;
    refusal e = {0};
    char today[11];
    int rc = hazards_row_for(db, u, id, 0, &row, &e);
    *out = NULL;
    if (rc == REFUSED)
        return STORE_NOTFOUND;
    if (rc != STORE_OK)
        return rc;
    clock_today(today);
    json_t *o = hazards_object(row, today);
    json_decref(row);
    if (with_detail && (rc = hazards_detail(db, o)) != STORE_OK) {
        json_decref(o);
        return rc;
    }
    *out = o;
    return STORE_OK;
}

/* ------------------------------------------------------------- validation */

/* Normalise an incoming value: text trimmed ("" -> null), digits of an id
 * field become an integer, a number text of funds a number. New reference. */
static json_t *hazards_norm(const char *key, json_t *v)
{
    if (!v || json_is_null(v))
        return json_null();
    if (json_is_integer(v) && strcmp(key, "funds") == 0)
        return json_real((double)json_integer_value(v));
    if (!json_is_string(v))
        return json_incref(v);
    json_t *t = text_trimmed(v);
    if (!t)
        return json_null();
    const char *text = json_string_value(t);
    size_t n = strlen(text);
    int is_id = strcmp(key, "school_id") == 0 || strcmp(key, "category_id") == 0 ||
                strcmp(key, "inspection_id") == 0;
    if (is_id && n >= 1 && n <= 15 && strspn(text, "0123456789") == n) {
        json_int_t id = atoll(text);
        json_decref(t);
        return json_integer(id);
    }
    if (strcmp(key, "funds") == 0) {
        char *end;
        errno = 0;
        double d = strtod(text, &end);
        if (!errno && *end == '\0' && end != text) {
            json_decref(t);
            return json_real(d);
        }
    }
    return t;
}

/* category_id: an existing category, active unless it is the hazard's own. */
static int hazards_check_category(store_db *db, int64_t category_id, int64_t current,
                                  refusal *e)
{
    int64_t active = 0;
    sval p[] = {SV_I(category_id)};
    int rc = db_query_int(db, "SELECT active FROM hazard_categories WHERE id = ?", p, 1, &active);
    if (rc == STORE_NOTFOUND || (rc == STORE_OK && !active && category_id != current))
        return refuse(e, 400, "invalid", "category_id", "隐患类别不存在或已停用");
    return rc;
}

/* The fields every hazard record has (create and edit). today NULL: no
 * check that found_on is not in the future (command line, demo). */
static int hazards_validate(store_db *db, json_t *rec, int64_t current_category, const char *today,
                            refusal *e)
{
    int64_t category_id;
    if (record_check_id(rec, "category_id", 1, "请选择隐患类别", "隐患类别无效", &category_id, e))
        return REFUSED;
    json_t *grade = json_object_get(rec, "grade");
    if (!grade || json_is_null(grade))
        return refuse(e, 400, "missing", "grade", "请选择隐患等级");
    if (!text_in_list(hazard_grades, json_string_value(grade)))
        return refuse(e, 400, "invalid", "grade", "隐患等级应为一般或重大");
    if (record_check_text(rec, "description", 1, 0, 500, "请填写隐患描述", "隐患描述不超过 500 个字", e) ||
        record_check_date(rec, "found_on", 1, "请填写发现日期", "发现日期格式应为 YYYY-MM-DD", e) ||
        record_check_text(rec, "location", 0, 0, 100, NULL, "位置不超过 100 个字", e) ||
        record_check_text(rec, "found_by", 0, 0, 30, NULL, "发现人不超过 30 个字", e) ||
        record_check_text(rec, "measures", 0, 0, 500, NULL, "整改措施不超过 500 个字", e) ||
        record_check_text(rec, "responsible", 0, 0, 30, NULL, "责任人不超过 30 个字", e) ||
        record_check_text(rec, "interim", 0, 0, 500, NULL, "临时安全措施不超过 500 个字", e) ||
        record_check_date(rec, "deadline", 0, NULL, "整改时限格式应为 YYYY-MM-DD", e))
        return REFUSED;
    const char *found_on = text_field(rec, "found_on");
    if (today && strcmp(found_on, today) > 0)
        return refuse(e, 400, "invalid", "found_on", "发现日期不能晚于今天");
    const char *deadline = text_field(rec, "deadline");
    if (deadline && strcmp(deadline, found_on) < 0)
        return refuse(e, 400, "invalid", "deadline", "整改时限不能早于发现日期");
    json_t *funds = json_object_get(rec, "funds");
    if (funds && !json_is_null(funds) &&
        (!json_is_number(funds) || json_number_value(funds) < 0 || json_number_value(funds) > 1e12))
        return refuse(e, 400, "invalid", "funds", "资金应为不小于 0 的金额（元）");
    return hazards_check_category(db, category_id, current_category, e);
}

/* school_id of a new hazard: a school in u's scope (a 学校管理员: their
 * own), where u may write safety, that was open when the hazard was found:
 * 在办 now, or found_on not after the day it was 撤并/停办 (a hazard of
 * 2021 recorded for a school merged later that year). *path gets its path
 * (malloced). */
static int hazards_check_school(store_db *db, const user_ctx *u, int64_t school_id,
                                const char *found_on, char **path, refusal *e)
{
    json_t *row = NULL;
    sval p[] = {SV_I(school_id)};
    int rc = db_query_one(db, "SELECT path, status, closed_on FROM schools WHERE id = ?", p, 1,
                          &row);
    const char *closed_on = row ? text_field(row, "closed_on") : NULL;
    int was_open = row && (text_is(text_field(row, "status"), "在办") ||
                           (found_on && closed_on && strcmp(found_on, closed_on) <= 0));
    if (rc != STORE_OK && rc != STORE_NOTFOUND)
        return rc;
    const char *school_path = row ? text_field(row, "path") : NULL;
    if (u && text_is(u->role, ROLE_SCHOOL) && u->school_id != school_id)
        rc = refuse(e, 403, "forbidden", "school_id", "学校管理员只能为本校登记隐患");
    else if (rc == STORE_NOTFOUND || (u && !access_in_scope(u, school_path)))
        rc = refuse(e, 400, "invalid", "school_id", "学校不存在或不在管理范围内");
    else if (!was_open)
        rc = refuse(e, 400, "invalid", "school_id", "该学校已撤并或停办，只能登记撤并（停办）前发现的隐患");
    else if (u && !access_can_write(u, "safety", school_path))
        rc = refuse(e, 403, "forbidden", "school_id", "无权为该学校登记隐患");
    else if (!(*path = strdup(school_path)))
        rc = STORE_ERROR;
    json_decref(row);
    return rc;
}

/* inspection_id: an inspection that covers the school. */
static int hazards_check_inspection(store_db *db, int64_t inspection_id, int64_t school_id,
                                    refusal *e)
{
    sval p[] = {SV_I(inspection_id), SV_I(school_id)};
    return record_check_ref(db,
                            "SELECT inspection_id FROM inspection_schools WHERE inspection_id = ? "
                            "AND school_id = ?",
                            p, 2, "inspection_id", "排查不存在或不包含该学校", e);
}

/* The record from input: the editable keys (and, on create, school_id and
 * inspection_id) of in over base, normalised. New reference. */
static json_t *hazards_merged(json_t *base, json_t *in, int create)
{
    json_t *rec = base ? json_deep_copy(base) : json_object();
    for (int i = 0; hazard_editable[i]; i++) {
        json_t *v = json_object_get(in, hazard_editable[i]);
        if (v)
            json_object_set_new(rec, hazard_editable[i], hazards_norm(hazard_editable[i], v));
    }
    if (create) {
        json_object_set_new(rec, "school_id", hazards_norm("school_id", json_object_get(in, "school_id")));
        json_object_set_new(rec, "inspection_id",
                            hazards_norm("inspection_id", json_object_get(in, "inspection_id")));
    }
    return rec;
}

/* The plan and text columns of rec as 12 parameters, in the order of
 * HAZARDS_FIELDS. */
#define HAZARDS_FIELDS                                                                    \
    "category_id, grade, supervised, location, description, found_on, found_by, measures, " \
    "responsible, funds, deadline, interim"

static void hazards_fields_sv(json_t *rec, sval *p)
{
    json_t *funds = json_object_get(rec, "funds");
    const char *grade = text_field(rec, "grade");
    p[0] = SV_I(text_field_int(rec, "category_id"));
    p[1] = SV_T(grade);
    p[2] = SV_I(text_is(grade, "重大"));
    p[3] = SV_T(text_field(rec, "location"));
    p[4] = SV_T(text_field(rec, "description"));
    p[5] = SV_T(text_field(rec, "found_on"));
    p[6] = SV_T(text_field(rec, "found_by"));
    p[7] = SV_T(text_field(rec, "measures"));
    p[8] = SV_T(text_field(rec, "responsible"));
    p[9] = json_is_number(funds) ? SV_R(json_number_value(funds)) : SV_NUL;
    p[10] = SV_T(text_field(rec, "deadline"));
    p[11] = SV_T(text_field(rec, "interim"));
}

static int hazards_step_insert(store_db *db, const user_ctx *u, int64_t id, const char *action,
                               const char *from, const char *to, const char *comment,
                               const char *on_date, int64_t now)
{
    sval p[] = {SV_I(id),      SV_T(action),  SV_T(from),
                SV_T(to),      SV_T(comment), u ? SV_I(u->id) : SV_NUL,
                SV_T(hazards_username(u)), SV_T(on_date), SV_I(now)};
    return db_exec(db,
                   "INSERT INTO hazard_steps (hazard_id, action, from_status, to_status, comment, "
                   "user_id, username, on_date, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   p, 9);
}

/* ------------------------------------------------------------- operations */

int hazards_create(store_db *db, const user_ctx *u, const char *ip, json_t *in, int audit,
                   int64_t *id_out, refusal *e)
{
    json_t *rec = NULL, *after = NULL;
    char *path = NULL, today[11];
    int64_t school_id, inspection_id, id = 0, now = clock_now();
    int rc;

    memset(e, 0, sizeof *e);
    if (!json_is_object(in))
        return refuse(e, 400, "bad_json", NULL, "请求体应为 JSON 对象");
    if (u && !access_can_write(u, "safety", u->scope_path))
        return refuse(e, 403, "forbidden", NULL, "无权限");
    clock_today(today);
    rec = hazards_merged(NULL, in, 1);
    if (record_check_id(rec, "school_id", 1, "请选择学校", "学校无效", &school_id, e)) {
        rc = REFUSED;
        goto done;
    }
    rc = hazards_check_school(db, u, school_id, text_field(rec, "found_on"),
                              &path, e);
    if (rc == STORE_OK)
        rc = hazards_validate(db, rec, 0, u ? today : NULL, e);
    if (rc == STORE_OK &&
        record_check_id(rec, "inspection_id", 0, NULL, "排查无效", &inspection_id, e))
        rc = REFUSED;
    if (rc == STORE_OK && inspection_id)
        rc = hazards_check_inspection(db, inspection_id, school_id, e);
    if (rc != STORE_OK)
        goto done;
    sval p[18] = {SV_I(school_id), SV_T(path), inspection_id ? SV_I(inspection_id) : SV_NUL};
    hazards_fields_sv(rec, p + 3);
    p[15] = u ? SV_I(u->id) : SV_NUL;
    p[16] = SV_I(now);
    p[17] = SV_I(now);
    rc = db_insert(db,
                   "INSERT INTO hazards (school_id, path, inspection_id, " HAZARDS_FIELDS
                   ", status, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
                   "?, ?, ?, ?, ?, ?, ?, '已登记', ?, ?, ?) RETURNING id",
                   p, 18, &id);
    if (rc != STORE_OK)
        goto done;
    rc = hazards_step_insert(db, u, id, "登记", NULL, "已登记", NULL, text_field(rec, "found_on"),
                             now);
    if (rc == STORE_OK)
        rc = hazards_counts(db, id, NULL);
    if (rc == STORE_OK && audit) {
        rc = hazards_snapshot(db, id, &after);
        if (rc == STORE_OK)
            rc = audit_write(db, u, ip, "create", "hazard", id, path, NULL, after);
    }
    if (rc == STORE_OK && id_out)
        *id_out = id;
done:
    free(path);
    json_decref(rec);
    json_decref(after);
    return rc;
}

/* ------------------------------------------------------------- the loop */

/* Messages of refused steps, naming both states. The refusal is read by
 * the same thread right after the call, so one buffer per thread does. */
static _Thread_local char hazards_message[160];

int hazards_step_check(const user_ctx *u, const char *path, const char *grade, const char *from,
                       const char *to, const char **status_out, const char **action_out,
                       refusal *e)
{
    const struct hazard_rule *rule = NULL;

    if (!to || !*to)
        return refuse(e, 400, "missing", "to", "请选择要变更的状态");
    if (!text_in_list(hazard_targets, to))
        return refuse(e, 400, "invalid", "to", "目标状态应为整改中、待验收、已销号或退回");
    if (u && !access_can_write(u, "safety", path))
        return refuse(e, 403, "forbidden", NULL, "无权限");
    for (size_t i = 0; i < sizeof hazard_rules / sizeof hazard_rules[0]; i++)
        if (text_is(hazard_rules[i].from, from) && text_is(hazard_rules[i].to, to))
            rule = &hazard_rules[i];
    if (!rule) {
        if (text_is(to, "退回"))
            snprintf(hazards_message, sizeof hazards_message,
                     "只有「待验收」的隐患可以退回，不能从「%s」退回「整改中」", from ? from : "");
        else
            snprintf(hazards_message, sizeof hazards_message, "不能从「%s」直接变为「%s」",
                     from ? from : "", to);
        return refuse(e, 409, "invalid_transition", "to", hazards_message);
    }
    if (rule->who == HAZARD_CLOSER && u && text_is(u->role, ROLE_SCHOOL) &&
        !text_is(grade, "一般"))
        return refuse(e, 403, "forbidden", NULL,
                      text_is(to, "退回") ? "重大隐患须由安全稳定股退回"
                                             : "重大隐患须由安全稳定股验收销号");
    if (status_out)
        *status_out = rule->status;
    if (action_out)
        *action_out = rule->action;
    return 0;
}

/* What 销号 needs: the plan, and for 重大 an 整改后 photo. */
static int hazards_check_closable(store_db *db, json_t *row, refusal *e)
{
    int64_t photos = 0;
    if (!text_field(row, "measures"))
        return refuse(e, 400, "missing", "measures", "销号前请填写整改措施");
    if (!text_field(row, "responsible"))
        return refuse(e, 400, "missing", "responsible", "销号前请填写责任人");
    if (!text_field(row, "deadline"))
        return refuse(e, 400, "missing", "deadline", "销号前请填写整改时限");
    if (!text_is(text_field(row, "grade"), "重大"))
        return STORE_OK;
    sval p[] = {SV_I(text_field_int(row, "id"))};
    int rc = db_query_int(db,
                          "SELECT COUNT(*) FROM hazard_photos WHERE hazard_id = ? AND kind = '整改后'",
                          p, 1, &photos);
    if (rc != STORE_OK)
        return rc;
    if (photos == 0)
        return refuse(e, 400, "missing", "photos", "重大隐患销号前请上传至少一张整改后照片");
    return STORE_OK;
}

int hazards_transition(store_db *db, const user_ctx *u, const char *ip, int64_t id,
                       const char *to, const char *comment, const char *on_date, int64_t now,
                       int audit, refusal *e)
{
    json_t *row = NULL, *before = NULL, *after = NULL, *trimmed = NULL;
    const char *status = NULL, *action = NULL;
    char today[11];
    int rc;

    memset(e, 0, sizeof *e);
    rc = hazards_row_for(db, u, id, 0, &row, e);
    if (rc != STORE_OK)
        return rc;
    const char *path = text_field(row, "path"), *from = text_field(row, "status");
    rc = hazards_step_check(u, path, text_field(row, "grade"), from, to, &status, &action, e);
    if (rc != 0)
        goto done;
    if (comment) {
        json_t *text = json_string(comment);
        trimmed = text_trimmed(text);
        json_decref(text);
        comment = json_string_value(trimmed);
    }
    if (text_is(to, "退回") && !comment) {
        rc = refuse(e, 400, "missing", "comment", "请填写退回原因");
        goto done;
    }
    if (comment && text_chars(comment) > 500) {
        rc = refuse(e, 400, "invalid", "comment", "说明不超过 500 个字");
        goto done;
    }
    if (!on_date) {
        clock_today(today);
        on_date = today;
    } else if (!clock_date_valid(on_date)) {
        rc = refuse(e, 400, "invalid", "on_date", "日期格式应为 YYYY-MM-DD");
        goto done;
    }
    if (text_is(status, "已销号") && (rc = hazards_check_closable(db, row, e)) != STORE_OK)
        goto done;
    int closing = text_is(status, "已销号");
    sval p[] = {SV_T(status), SV_I(text_is(to, "退回")), closing ? SV_T(on_date) : SV_NUL,
                SV_I(now), SV_I(id), SV_T(from)};
    rc = db_exec(db,
                 "UPDATE hazards SET status = ?, returned = returned + ?, closed_on = ?, "
                 "updated_at = ? WHERE id = ? AND status = ?",
                 p, 6);
    if (rc == STORE_OK && db_changes(db) != 1)
        rc = STORE_CONSTRAINT;  /* changed under us: cannot happen inside BEGIN IMMEDIATE */
    if (rc == STORE_OK)
        rc = hazards_step_insert(db, u, id, action, from, status, comment, on_date, now);
    if (rc == STORE_OK)
        rc = hazards_counts(db, id, row);
    if (rc == STORE_OK && audit) {
        clock_today(today);
        before = hazards_object(row, today);
        rc = hazards_snapshot(db, id, &after);
        if (rc == STORE_OK) {
            json_object_set_new(after, "step", json_pack("{ss ss? ss}", "action", action, "comment",
                                                         comment, "on_date", on_date));
            rc = audit_write(db, u, ip, "transition", "hazard", id, path, before, after);
        }
    }
done:
    json_decref(trimmed);
    json_decref(row);
    json_decref(before);
    json_decref(after);
    return rc;
}

/* ------------------------------------------------------------- edits */

/* The editable fields of a row, as a record (API keys). */
static json_t *hazards_record_of(json_t *row)
{
    json_t *rec = json_object();
    for (int i = 0; hazard_editable[i]; i++) {
        json_t *v = json_object_get(row, hazard_editable[i]);
        json_object_set_new(rec, hazard_editable[i], v ? json_incref(v) : json_null());
    }
    return rec;
}

int hazards_patch(store_db *db, const user_ctx *u, const char *ip, int64_t id, json_t *changes,
                  refusal *e)
{
    json_t *row = NULL, *base = NULL, *rec = NULL, *before = NULL, *after = NULL;
    char today[11];
    int rc;

    memset(e, 0, sizeof *e);
    if (!json_is_object(changes))
        return refuse(e, 400, "bad_json", NULL, "请求体应为 JSON 对象");
    rc = hazards_row_for(db, u, id, 1, &row, e);
    if (rc != STORE_OK)
        return rc;
    json_t *status = json_object_get(changes, "status");
    json_t *school = json_object_get(changes, "school_id");
    if (status && !json_equal(status, json_object_get(row, "status"))) {
        rc = refuse(e, 400, "invalid", "status", "状态只能通过整改流程变更");
        goto done;
    }
    if (school && !json_equal(school, json_object_get(row, "school_id"))) {
        rc = refuse(e, 400, "invalid", "school_id", "不能修改隐患所属学校");
        goto done;
    }
    if (text_is(text_field(row, "status"), "已销号")) {
        rc = refuse(e, 409, "conflict", "status", "隐患已销号，不能再修改");
        goto done;
    }
    base = hazards_record_of(row);
    rec = hazards_merged(base, changes, 0);
    if (u && text_is(u->role, ROLE_SCHOOL) &&
        !json_equal(json_object_get(rec, "grade"), json_object_get(base, "grade"))) {
        rc = refuse(e, 403, "forbidden", "grade", "学校管理员不能修改隐患等级");
        goto done;
    }
    clock_today(today);
    int found_changed = !json_equal(json_object_get(rec, "found_on"), json_object_get(base, "found_on"));
    rc = hazards_validate(db, rec, text_field_int(row, "category_id"),
                          u && found_changed ? today : NULL, e);
    if (rc != STORE_OK || json_equal(rec, base))
        goto done;  /* refused, or nothing changed */
    before = hazards_object(row, today);
    sval p[12];
    hazards_fields_sv(rec, p);
    rc = record_update(db, "hazards", HAZARDS_FIELDS, p, 12, clock_now(), id);
    if (rc == STORE_OK)
        rc = hazards_counts(db, id, row);
    if (rc == STORE_OK)
        rc = hazards_snapshot(db, id, &after);
    if (rc == STORE_OK)
        rc = audit_write(db, u, ip, "update", "hazard", id, text_field(row, "path"), before, after);
done:
    json_decref(row);
    json_decref(base);
    json_decref(rec);
    json_decref(before);
    json_decref(after);
    return rc;
}

/* ------------------------------------------------------------- photos */

/* Store the bytes and their files row (once per content). */
static int hazards_store_file(store_db *db, const void *data, size_t len, const char *mime,
                              int64_t now, char *hash)
{
    int64_t found;
    if (filestore_put(data, len, hash) != 0) {
        log_error("文件存储写入失败 (%s): %s", filestore_dir(), strerror(errno));
        return STORE_ERROR;
    }
    sval q[] = {SV_T(hash)};
    int rc = db_query_int(db, "SELECT size FROM files WHERE hash = ?", q, 1, &found);
    if (rc != STORE_NOTFOUND)
        return rc;
    sval p[] = {SV_T(hash), SV_T(mime), SV_I((int64_t)len), SV_I(now)};
    return db_exec(db, "INSERT INTO files (hash, mime, size, created_at) VALUES (?, ?, ?, ?)", p, 4);
}

int hazards_add_photo(store_db *db, const user_ctx *u, const char *ip, int64_t id,
                      const char *kind, const char *name, const void *data, size_t len,
                      json_t **out, refusal *e)
{
    json_t *row = NULL;
    char hash[FILESTORE_HASH_HEX + 1];
    int64_t count = 0, photo_id = 0, now = clock_now();
    int rc;

    memset(e, 0, sizeof *e);
    *out = NULL;
    if (!kind || !*kind)
        kind = "其他";
    if (name && !*name)
        name = NULL;
    rc = hazards_row_for(db, u, id, 1, &row, e);
    if (rc != STORE_OK)
        return rc;
    const char *mime = filestore_sniff_image(data, len);
    if (!text_in_list(hazard_photo_kinds, kind))
        rc = refuse(e, 400, "invalid", "kind", "照片类型应为整改前、整改后或其他");
    else if (name && text_chars(name) > 100)
        rc = refuse(e, 400, "invalid", "name", "文件名不超过 100 个字");
    else if (len > HAZARDS_PHOTO_MAX_BYTES)
        rc = refuse(e, 413, "too_large", NULL, "图片不能超过 10 MB");
    else if (!mime)
        rc = refuse(e, 415, "unsupported_type", NULL, "仅支持 JPEG 或 PNG 图片");
    else if (text_is(text_field(row, "status"), "已销号"))
        rc = refuse(e, 409, "conflict", "status", "隐患已销号，不能再上传照片");
    else if (!filestore_dir())
        rc = refuse(e, 503, "unavailable", NULL, "文件存储未配置，暂不能上传");
    if (rc != STORE_OK)
        goto done;
    sval c[] = {SV_I(id)};
    rc = db_query_int(db, "SELECT COUNT(*) FROM hazard_photos WHERE hazard_id = ?", c, 1, &count);
    if (rc == STORE_OK && count >= HAZARDS_PHOTO_MAX_COUNT)
        rc = refuse(e, 409, "conflict", "photos", "每条隐患最多上传 20 张照片");
    if (rc == STORE_OK)
        rc = hazards_store_file(db, data, len, mime, now, hash);
    if (rc != STORE_OK)
        goto done;
    const char *stored = hash;
    sval p[] = {SV_I(id), SV_T(stored), SV_T(kind), SV_T(name), u ? SV_I(u->id) : SV_NUL, SV_I(now)};
    rc = db_insert(db,
                   "INSERT INTO hazard_photos (hazard_id, hash, kind, name, user_id, at) "
                   "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                   p, 6, &photo_id);
    if (rc != STORE_OK)
        goto done;
    sval t[] = {SV_I(now), SV_I(id)};
    rc = db_exec(db, "UPDATE hazards SET updated_at = ? WHERE id = ?", t, 2);
    if (rc != STORE_OK)
        goto done;
    char url[48];
    snprintf(url, sizeof url, "/api/photos/%lld", (long long)photo_id);
    json_t *photo = json_pack("{sI ss ss? ss sI ss}", "id", (json_int_t)photo_id, "kind", kind,
                              "name", name, "mime", mime, "size", (json_int_t)len, "url", url);
    json_t *audited = json_deep_copy(photo);
    json_object_set_new(audited, "hazard_id", json_integer(id));
    json_object_set_new(audited, "hash", json_string(hash));
    rc = audit_write(db, u, ip, "upload", "hazard_photo", photo_id, text_field(row, "path"), NULL,
                     audited);
    json_decref(audited);
    if (rc == STORE_OK)
        *out = photo;
    else
        json_decref(photo);
done:
    json_decref(row);
    return rc;
}

int hazards_photo_file(store_db *db, const user_ctx *u, int64_t photo_id, json_t **out)
{
    json_t *row = NULL;
    sval p[] = {SV_I(photo_id)};
    *out = NULL;
    int rc = db_query_one(db,
                          "SELECT p.hash, f.mime, h.path FROM hazard_photos p "
                          "JOIN files f ON f.hash = p.hash JOIN hazards h ON h.id = p.hazard_id "
                          "WHERE p.id = ?",
                          p, 1, &row);
    if (rc != STORE_OK)
        return rc;
    const char *path = text_field(row, "path");
    if (u && (!access_in_scope(u, path) || !access_can_read(u, "safety", path))) {
        json_decref(row);
        return STORE_NOTFOUND;
    }
    json_object_del(row, "path");
    *out = row;
    return STORE_OK;
}
