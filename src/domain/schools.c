/*
 * schools.c - the school registry (学校) and 教育集团: the records (schools.h).
 *
 * A school has a 10-digit 学校标识码 (unique), a name, 办学类型, 办学性质 and
 * 城乡分类 from fixed enumerations, a 街道/乡镇 (town_id), contact details,
 * a founding year, an optional 教育集团 and a status: 在办, 撤并 (closed_on
 * and merged_into) or 停办. Each school is also an org unit (level
 * 'school' under its town) whose path the row carries for scope filters.
 *
 * Tables owned: schools, school_events (its history), school_groups.
 * Who may do what (via access.h, module "schools"): every role reads in
 * scope; 系统管理员 and 基础教育股 (module "schools") create, edit, merge and
 * close; a 学校管理员 edits only short_name, address, head and phone of
 * their own school. Another school is 404 to a 学校管理员, never its data.
 * The phone is masked for 审计员.
 *
 * Here: validation, create, patch, merge, status, load, the list query and
 * 教育集团. Every write runs in the caller's transaction with its event and
 * audit row. The HTTP handlers are in schools_api.c; the same functions
 * serve the demo generator and the unit tests.
 */
#include "domain/schools.h"

#include <stdlib.h>
#include <string.h>

#include "auth/access.h"
#include "domain/audit.h"
#include "domain/record.h"
#include "domain/org.h"
#include "http/paging.h"
#include "util/clock.h"
#include "util/strbuf.h"
#include "util/text.h"

const char *const schools_types[] = {"幼儿园", "小学", "初中", "九年一贯制学校", "十二年一贯制学校",
                                     "完全中学", "高级中学", "中等职业学校", "特殊教育学校", "教学点",
                                     NULL};
const char *const schools_natures[] = {"公办", "民办", "普惠性民办", NULL};
const char *const schools_areas[] = {"城区", "镇区", "乡村", NULL};
static const char *const schools_statuses[] = {"在办", "撤并", "停办", NULL};
static const char *const group_kinds[] = {"紧密型", "联盟型", NULL};

/* The fields an edit may change, and those a 学校管理员 may change. */
static const char *const school_editable[] = {"code", "name", "short_name", "type", "nature",
                                              "area", "town_id", "address", "head", "phone",
                                              "founded_year", "group_id", NULL};
static const char *const school_own_editable[] = {"short_name", "address", "head", "phone", NULL};

/* Chinese labels of fields, for event notes. */
static const struct {
    const char *key;
    const char *label;
} school_labels[] = {
    {"code", "学校标识码"}, {"name", "学校名称"},   {"short_name", "简称"},
    {"type", "办学类型"},   {"nature", "办学性质"}, {"area", "城乡分类"},
    {"town_id", "街道/乡镇"}, {"address", "地址"},  {"head", "负责人"},
    {"phone", "联系电话"},  {"founded_year", "建校年份"}, {"group_id", "教育集团"},
};

/* The one SELECT a school object is built from. */
#define SCHOOL_SELECT                                                                          \
    "SELECT s.id, s.org_id, s.path, s.code, s.name, s.short_name, s.type, s.nature, s.area, "  \
    "s.town_id, t.name AS town, s.address, s.head, s.phone, s.founded_year, s.status, "        \
    "s.closed_on, s.merged_into, s.group_id, g.name AS group_name, g.kind AS group_kind, "     \
    "s.updated_at FROM schools s LEFT JOIN org_units t ON t.id = s.town_id "                   \
    "LEFT JOIN school_groups g ON g.id = s.group_id"

/* ---------------------------------------------------------------- helpers */

int schools_type_valid(const char *type) { return text_in_list(schools_types, type); }
int schools_nature_valid(const char *nature) { return text_in_list(schools_natures, nature); }
int schools_area_valid(const char *area) { return text_in_list(schools_areas, area); }

int schools_status_valid(const char *status) { return text_in_list(schools_statuses, status); }

static int schools_current_year(void)
{
    char today[11];
    clock_today(today);
    return atoi(today);
}

/* Normalise one incoming field value: text is trimmed, "" becomes null,
 * digits of an id or year field ("5" from a form) become a number. New
 * reference. */
static json_t *schools_norm(const char *key, json_t *v)
{
    if (!v || json_is_null(v))
        return json_null();
    if (!json_is_string(v))
        return json_incref(v);
    json_t *t = text_trimmed(v);
    if (!t)
        return json_null();
    if (strcmp(key, "town_id") == 0 || strcmp(key, "group_id") == 0 ||
        strcmp(key, "founded_year") == 0) {
        const char *text = json_string_value(t);
        size_t n = strlen(text);
        if (n >= 1 && n <= 9 && strspn(text, "0123456789") == n) {
            json_decref(t);
            return json_integer(atoll(text));
        }
    }
    return t;
}

static int schools_event(store_db *db, int64_t school_id, const char *event, const char *on_date,
                         int64_t related_id, const char *note, const user_ctx *u, int64_t now)
{
    sval p[] = {SV_I(school_id), SV_T(event), SV_T(on_date),
                related_id ? SV_I(related_id) : SV_NUL, SV_T(note),
                u ? SV_I(u->id) : SV_NUL, SV_I(now)};
    return db_exec(db,
                   "INSERT INTO school_events (school_id, event, on_date, related_school_id, note, "
                   "user_id, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                   p, 7);
}

/* The raw row of school id (SCHOOL_SELECT columns, path included). */
static int schools_row(store_db *db, int64_t id, json_t **row)
{
    sval p[] = {SV_I(id)};
    return db_query_one(db, SCHOOL_SELECT " WHERE s.id = ?", p, 1, row);
}

/* 1 when u sees the phone of the school in row unmasked. */
static int schools_phone_visible(const user_ctx *u, int64_t school_id)
{
    if (!u)
        return 1;
    if (text_is(u->role, ROLE_ADMIN) || text_is(u->role, ROLE_LEADER) ||
        text_is(u->role, ROLE_DEPT))
        return 1;
    return text_is(u->role, ROLE_SCHOOL) && u->school_id == school_id;
}

/* The one builder of the school object from a SCHOOL_SELECT row. */
static json_t *schools_object(const user_ctx *u, json_t *row)
{
    static const char *const copied[] = {
        "id", "org_id", "code", "name", "short_name", "type", "nature", "area", "town_id",
        "town", "address", "head", "founded_year", "status", "closed_on", "merged_into",
        "group_id", "group_name", "group_kind", NULL};
    json_t *o = json_object();
    int64_t id = text_field_int(row, "id");
    const char *phone = text_field(row, "phone");

    for (int i = 0; copied[i]; i++) {
        json_t *v = json_object_get(row, copied[i]);
        json_object_set_new(o, copied[i], v ? json_incref(v) : json_null());
    }
    if (!phone)
        json_object_set_new(o, "phone", json_null());
    else if (schools_phone_visible(u, id))
        json_object_set_new(o, "phone", json_string(phone));
    else
        json_object_set_new(o, "phone", text_masked_phone(phone));
    text_set_time(o, "updated_at", text_field_int(row, "updated_at"));
    return o;
}

/* Load school id for an operation of u (u NULL passes). */
static int schools_row_for(store_db *db, const user_ctx *u, int64_t id, int write, json_t **row,
                           refusal *e)
{
    return record_loaded(schools_row(db, id, row), row, u, "schools", write, "学校不存在", e);
}

/* ------------------------------------------------------------- validation */

static int schools_check_enum(json_t *rec, const char *key, const char *const *list,
                              const char *missing, const char *bad, refusal *e)
{
    json_t *v = json_object_get(rec, key);
    if (!v || json_is_null(v) || (json_is_string(v) && json_string_length(v) == 0))
        return refuse(e, 400, "missing", key, missing);
    if (!text_in_list(list, json_string_value(v)))
        return refuse(e, 400, "invalid", key, bad);
    return 0;
}

static int schools_check_code(json_t *rec, refusal *e)
{
    json_t *v = json_object_get(rec, "code");
    const char *code = json_string_value(v);
    if (!v || json_is_null(v) || (code && !*code))
        return refuse(e, 400, "missing", "code", "请填写学校标识码");
    if (!code || strlen(code) != 10)
        return refuse(e, 400, "invalid", "code", "学校标识码应为 10 位数字");
    for (int i = 0; i < 10; i++)
        if (code[i] < '0' || code[i] > '9')
            return refuse(e, 400, "invalid", "code", "学校标识码应为 10 位数字");
    return 0;
}

static int schools_check_phone(json_t *rec, refusal *e)
{
    json_t *v = json_object_get(rec, "phone");
    const char *phone = json_string_value(v);
    size_t n;
    if (!v || json_is_null(v) || (phone && !*phone))
        return 0;
    if (!phone)
        return refuse(e, 400, "invalid", "phone", "联系电话应为 7 至 20 位数字或连字符");
    n = strlen(phone);
    if (n < 7 || n > 20)
        return refuse(e, 400, "invalid", "phone", "联系电话应为 7 至 20 位数字或连字符");
    for (size_t i = 0; i < n; i++)
        if ((phone[i] < '0' || phone[i] > '9') && phone[i] != '-')
            return refuse(e, 400, "invalid", "phone", "联系电话应为 7 至 20 位数字或连字符");
    return 0;
}

static int schools_check_year(json_t *rec, refusal *e)
{
    json_t *v = json_object_get(rec, "founded_year");
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_integer(v) || json_integer_value(v) < 1900 ||
        json_integer_value(v) > schools_current_year())
        return refuse(e, 400, "invalid", "founded_year", "建校年份应在 1900 年至今年之间");
    return 0;
}

/* town_id: an org unit of level town, inside town_scope when given. */
static int schools_check_town(store_db *db, int64_t town_id, const char *town_scope,
                              json_t **town_out, refusal *e)
{
    json_t *town = NULL;
    sval p[] = {SV_I(town_id)};
    int rc = db_query_one(db, "SELECT level, path FROM org_units WHERE id = ?", p, 1, &town);
    if (rc == STORE_NOTFOUND)
        return refuse(e, 400, "invalid", "town_id", "所属街道/乡镇不存在");
    if (rc != STORE_OK)
        return rc;
    const char *level = text_field(town, "level");
    const char *path = text_field(town, "path");
    int is_town = level && strcmp(level, "town") == 0;
    int in_scope = !town_scope || (path && strncmp(path, town_scope, strlen(town_scope)) == 0);
    if (!is_town || !in_scope) {
        json_decref(town);
        return refuse(e, 400, "invalid", "town_id",
                      is_town ? "所属街道/乡镇不在您的管理范围内" : "所属单位应为街道或乡镇");
    }
    *town_out = town;
    return 0;
}

/* group_id: a 教育集团 of the county the town (at town_path) lies in. */
static int schools_check_group(store_db *db, int64_t group_id, const char *town_path,
                               refusal *e)
{
    sval p[] = {SV_I(group_id), SV_T(town_path), SV_T(town_path)};
    return record_check_ref(db,
                            "SELECT g.id FROM school_groups g JOIN org_units c ON c.id = "
                            "g.county_org_id WHERE g.id = ? AND ? >= c.path AND ? < c.path || '~'",
                            p, 3, "group_id", "教育集团不存在或不属于学校所在县（市、区）", e);
}

int schools_validate(store_db *db, json_t *rec, const char *town_scope, refusal *e)
{
    int64_t town_id, group_id;
    int rc;

    if (!json_is_object(rec))
        return refuse(e, 400, "bad_json", NULL, "请求体应为 JSON 对象");
    if (schools_check_code(rec, e) ||
        record_check_text(rec, "name", 1, 2, 60, "请填写学校名称", "学校名称应为 2 至 60 个字", e) ||
        record_check_text(rec, "short_name", 0, 1, 30, NULL, "简称不超过 30 个字", e) ||
        schools_check_enum(rec, "type", schools_types, "请选择办学类型", "办学类型无效", e) ||
        schools_check_enum(rec, "nature", schools_natures, "请选择办学性质", "办学性质无效", e) ||
        schools_check_enum(rec, "area", schools_areas, "请选择城乡分类", "城乡分类无效", e) ||
        record_check_id(rec, "town_id", 1, "请选择所属街道/乡镇", "所属街道/乡镇无效", &town_id, e) ||
        record_check_text(rec, "address", 0, 1, 100, NULL, "地址不超过 100 个字", e) ||
        record_check_text(rec, "head", 0, 1, 30, NULL, "负责人不超过 30 个字", e) ||
        schools_check_phone(rec, e) || schools_check_year(rec, e) ||
        record_check_id(rec, "group_id", 0, NULL, "教育集团无效", &group_id, e))
        return REFUSED;
    if (strcmp(text_field_nonempty(rec, "nature"), "普惠性民办") == 0 &&
        strcmp(text_field_nonempty(rec, "type"), "幼儿园") != 0)
        return refuse(e, 400, "invalid", "nature", "普惠性民办仅适用于幼儿园");
    json_t *town = NULL;
    rc = schools_check_town(db, town_id, town_scope, &town, e);
    if (rc != 0)
        return rc;
    if (group_id)
        rc = schools_check_group(db, group_id, text_field(town, "path"), e);
    json_decref(town);
    return rc;
}

/* 409 when another school than self_id already has code. */
static int schools_check_unique(store_db *db, const char *code, int64_t self_id, refusal *e)
{
    int64_t other;
    sval p[] = {SV_T(code)};
    int rc = db_query_int(db, "SELECT id FROM schools WHERE code = ?", p, 1, &other);
    if (rc == STORE_NOTFOUND || (rc == STORE_OK && other == self_id))
        return 0;
    if (rc != STORE_OK)
        return rc;
    refuse(e, 409, "conflict", "code", "学校标识码已存在");
    return STORE_CONSTRAINT;
}

/* The path of org unit id. */
static int schools_org_path(store_db *db, int64_t id, json_t **row)
{
    sval p[] = {SV_I(id)};
    return db_query_one(db, "SELECT id, path FROM org_units WHERE id = ?", p, 1, row);
}

/* ----------------------------------------------------------- operations */

/* The stored fields of a record, in this order, as 12 parameters. */
#define SCHOOL_FIELDS                                                                   \
    "code, name, short_name, type, nature, area, town_id, address, head, phone, "       \
    "founded_year, group_id"

static void schools_fields_sv(json_t *rec, sval *p)
{
    static const char *const texts[] = {"code", "name", "short_name", "type", "nature", "area"};
    static const char *const more[] = {"address", "head", "phone"};
    json_t *year = json_object_get(rec, "founded_year");
    json_t *group = json_object_get(rec, "group_id");
    for (int i = 0; i < 6; i++)
        p[i] = SV_T(text_field_nonempty(rec, texts[i]));
    p[6] = SV_I(text_field_int(rec, "town_id"));
    for (int i = 0; i < 3; i++)
        p[7 + i] = SV_T(text_field_nonempty(rec, more[i]));
    p[10] = json_is_integer(year) ? SV_I(json_integer_value(year)) : SV_NUL;
    p[11] = json_is_integer(group) ? SV_I(json_integer_value(group)) : SV_NUL;
}

/* The merged record: current values (NULL: none) with the editable keys
 * of changes, normalised. */
static json_t *schools_merged(json_t *current, json_t *changes)
{
    json_t *rec = current ? json_deep_copy(current) : json_object();
    for (int i = 0; school_editable[i]; i++) {
        json_t *v = json_object_get(changes, school_editable[i]);
        if (v)
            json_object_set_new(rec, school_editable[i], schools_norm(school_editable[i], v));
    }
    return rec;
}

static int schools_insert(store_db *db, const user_ctx *u, const char *ip, json_t *rec,
                          const char *on_date, int audit, int64_t *id_out, refusal *e);

int schools_create(store_db *db, const user_ctx *u, const char *ip, json_t *in,
                   const char *on_date, int audit, int64_t *id_out, refusal *e)
{
    memset(e, 0, sizeof *e);
    if (!json_is_object(in))
        return refuse(e, 400, "bad_json", NULL, "请求体应为 JSON 对象");
    json_t *rec = schools_merged(NULL, in);
    int rc = schools_insert(db, u, ip, rec, on_date, audit, id_out, e);
    json_decref(rec);
    return rc;
}

/* schools_create on a normalised record. */
static int schools_insert(store_db *db, const user_ctx *u, const char *ip, json_t *rec,
                          const char *on_date, int audit, int64_t *id_out, refusal *e)
{
    json_t *town = NULL;
    int64_t org_id = 0, id = 0, now = clock_now();
    char today[11];
    int rc;

    memset(e, 0, sizeof *e);
    if (u && (text_is(u->role, ROLE_SCHOOL) || !access_can_write(u, "schools", u->scope_path)))
        return refuse(e, 403, "forbidden", NULL, "无权限");
    rc = schools_validate(db, rec, u ? u->scope_path : NULL, e);
    if (rc != 0)
        return rc;
    rc = schools_org_path(db, text_field_int(rec, "town_id"), &town);
    if (rc != STORE_OK)
        return rc;
    const char *town_path = text_field(town, "path");
    if (u && !access_can_write(u, "schools", town_path)) {
        json_decref(town);
        return refuse(e, 403, "forbidden", "town_id", "无权在该街道/乡镇新建学校");
    }
    const char *code = text_field_nonempty(rec, "code");
    rc = schools_check_unique(db, code, 0, e);
    if (rc != 0) {
        json_decref(town);
        return rc;
    }
    char *path = NULL;
    rc = org_create(db, text_field_int(town, "id"), "school",
                    text_field_nonempty(rec, "name"), NULL, &org_id, &path);
    json_decref(town);
    if (rc != STORE_OK)
        return rc;
    sval p[16] = {SV_I(org_id), SV_T(path)};
    schools_fields_sv(rec, p + 2);
    p[14] = SV_I(now);
    p[15] = SV_I(now);
    rc = db_insert(db,
                   "INSERT INTO schools (org_id, path, " SCHOOL_FIELDS ", created_at, updated_at) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                   p, 16, &id);
    if (rc == STORE_CONSTRAINT)
        refuse(e, 409, "conflict", "code", "学校标识码已存在");
    if (rc != STORE_OK) {
        free(path);
        return rc;
    }
    if (!on_date) {
        clock_today(today);
        on_date = today;
    }
    rc = schools_event(db, id, "创建", on_date, 0, NULL, u, now);
    if (rc == STORE_OK && audit) {
        json_t *after = NULL;
        rc = schools_load(db, NULL, id, 0, &after);
        if (rc == STORE_OK)
            rc = audit_write(db, u, ip, "create", "school", id, path, NULL, after);
        json_decref(after);
    }
    free(path);
    if (rc == STORE_OK && id_out)
        *id_out = id;
    return rc;
}

/* Move the school's org unit under a new town: its parent and the path of
 * the unit and of the school row (a school unit has no children). */
static int schools_move(store_db *db, json_t *row, int64_t town_id, char **new_path)
{
    json_t *town = NULL;
    int64_t org_id = text_field_int(row, "org_id");
    int64_t id = text_field_int(row, "id");
    int rc = schools_org_path(db, town_id, &town);
    if (rc != STORE_OK)
        return rc;
    if (asprintf(new_path, "%s%lld/", text_field(town, "path"),
                 (long long)org_id) < 0) {
        *new_path = NULL;
        json_decref(town);
        return STORE_ERROR;
    }
    json_decref(town);
    sval o[] = {SV_I(town_id), SV_T(*new_path), SV_I(org_id)};
    rc = db_exec(db, "UPDATE org_units SET parent_id = ?, path = ? WHERE id = ?", o, 3);
    if (rc != STORE_OK)
        return rc;
    sval p[] = {SV_T(*new_path), SV_I(id)};
    return db_exec(db, "UPDATE schools SET path = ? WHERE id = ?", p, 2);
}

/* A 学校管理员 may change only their own fields: the first other changed field, or NULL. */
static const char *schools_forbidden_field(json_t *current, json_t *changes)
{
    const char *key;
    json_t *v;
    json_object_foreach(changes, key, v) {
        if (!json_object_get(current, key) || text_in_list(school_own_editable, key))
            continue;
        json_t *n = schools_norm(key, v);
        int same = json_equal(n, json_object_get(current, key));
        json_decref(n);
        if (!same)
            return key;
    }
    return NULL;
}

int schools_patch(store_db *db, const user_ctx *u, const char *ip, int64_t id, json_t *changes,
                  refusal *e)
{
    json_t *row = NULL, *before = NULL, *rec = NULL, *after = NULL;
    char *new_path = NULL;
    strbuf note = STRBUF_INIT;
    int rc;

    memset(e, 0, sizeof *e);
    if (!json_is_object(changes))
        return refuse(e, 400, "bad_json", NULL, "请求体应为 JSON 对象");
    rc = schools_row_for(db, u, id, 1, &row, e);
    if (rc != 0)
        return rc;
    before = schools_object(NULL, row);
    if (json_object_get(changes, "status")) {
        json_t *n = json_object_get(changes, "status");
        if (!json_equal(n, json_object_get(before, "status"))) {
            rc = refuse(e, 400, "invalid", "status", "状态只能通过撤并或停办操作修改");
            goto done;
        }
    }
    if (u && text_is(u->role, ROLE_SCHOOL)) {
        const char *field = schools_forbidden_field(before, changes);
        if (field) {
            rc = refuse(e, 403, "forbidden", field, "学校管理员只能修改简称、地址、负责人和联系电话");
            goto done;
        }
    }
    rec = schools_merged(before, changes);
    int64_t old_town = text_field_int(before, "town_id");
    int64_t new_town = text_field_int(rec, "town_id");
    int town_changed = !json_equal(json_object_get(before, "town_id"), json_object_get(rec, "town_id"));
    rc = schools_validate(db, rec, town_changed && u ? u->scope_path : NULL, e);
    if (rc != 0)
        goto done;
    for (int i = 0; school_editable[i]; i++) {
        const char *key = school_editable[i];
        if (json_equal(json_object_get(before, key), json_object_get(rec, key)))
            continue;
        for (size_t j = 0; j < sizeof school_labels / sizeof school_labels[0]; j++)
            if (strcmp(school_labels[j].key, key) == 0)
                sb_appendf(&note, "%s%s", note.len ? "、" : "修改：", school_labels[j].label);
    }
    if (!note.len)
        goto done;  /* nothing changed */
    const char *code = text_field_nonempty(rec, "code");
    rc = schools_check_unique(db, code, id, e);
    if (rc != 0)
        goto done;
    if (town_changed && old_town != new_town) {
        json_t *town = NULL;
        rc = schools_org_path(db, new_town, &town);
        if (rc != STORE_OK)
            goto done;
        int ok = !u || access_can_write(u, "schools", text_field(town, "path"));
        json_decref(town);
        if (!ok) {
            rc = refuse(e, 403, "forbidden", "town_id", "无权将学校移至该街道/乡镇");
            goto done;
        }
        rc = schools_move(db, row, new_town, &new_path);
        if (rc != STORE_OK)
            goto done;
    }
    int64_t now = clock_now();
    sval p[12];
    schools_fields_sv(rec, p);
    rc = record_update(db, "schools", SCHOOL_FIELDS, p, 12, now, id);
    if (rc == STORE_CONSTRAINT)
        refuse(e, 409, "conflict", "code", "学校标识码已存在");
    if (rc != STORE_OK)
        goto done;
    if (!json_equal(json_object_get(before, "name"), json_object_get(rec, "name"))) {
        sval q[] = {SV_T(text_field_nonempty(rec, "name")),
                    SV_I(text_field_int(row, "org_id"))};
        rc = db_exec(db, "UPDATE org_units SET name = ? WHERE id = ?", q, 2);
        if (rc != STORE_OK)
            goto done;
    }
    char today[11];
    clock_today(today);
    rc = schools_event(db, id, "修改", today, 0, sb_str(&note), u, now);
    if (rc != STORE_OK)
        goto done;
    rc = schools_load(db, NULL, id, 0, &after);
    if (rc == STORE_OK)
        rc = audit_write(db, u, ip, "update", "school", id,
                         new_path ? new_path : text_field(row, "path"),
                         before, after);
done:
    sb_free(&note);
    free(new_path);
    json_decref(row);
    json_decref(before);
    json_decref(rec);
    json_decref(after);
    return rc;
}

/* The date (YYYY-MM-DD) and optional note of a merge or status change. */
static int schools_check_date_note(const char *date, const char *note, refusal *e)
{
    if (!clock_date_valid(date))
        return refuse(e, 400, "invalid", "date", "日期格式应为 YYYY-MM-DD");
    if (note && text_chars(note) > 200)
        return refuse(e, 400, "invalid", "note", "说明不超过 200 个字");
    return 0;
}

/* Shared start of merge and status: the school, writable, not by a 学校管理员. */
static int schools_status_start(store_db *db, const user_ctx *u, int64_t id, json_t **row,
                                json_t **before, refusal *e)
{
    int rc;
    memset(e, 0, sizeof *e);
    *row = NULL;
    *before = NULL;
    rc = schools_row_for(db, u, id, 1, row, e);
    if (rc != 0)
        return rc;
    if (u && text_is(u->role, ROLE_SCHOOL)) {
        json_decref(*row);
        *row = NULL;
        return refuse(e, 403, "forbidden", NULL, "学校管理员不能变更学校状态");
    }
    *before = schools_object(NULL, *row);
    return 0;
}

/* Shared end: audit the change of school id. */
static int schools_status_finish(store_db *db, const user_ctx *u, const char *ip, int64_t id,
                                 const char *action, json_t *row, json_t *before)
{
    json_t *after = NULL;
    int rc = schools_load(db, NULL, id, 0, &after);
    if (rc == STORE_OK)
        rc = audit_write(db, u, ip, action, "school", id,
                         text_field(row, "path"), before, after);
    json_decref(after);
    return rc;
}

int schools_merge(store_db *db, const user_ctx *u, const char *ip, int64_t id, int64_t into_id,
                  const char *date, const char *note, int audit, refusal *e)
{
    json_t *row = NULL, *before = NULL, *target = NULL;
    int rc = schools_status_start(db, u, id, &row, &before, e);
    if (rc != 0)
        return rc;
    const char *status = text_field(row, "status");
    if (!status || strcmp(status, "在办") != 0) {
        rc = refuse(e, 409, "conflict", "status", "只有在办学校可以撤并");
        goto done;
    }
    if (into_id <= 0) {
        rc = refuse(e, 400, "missing", "into_id", "请选择并入的学校");
        goto done;
    }
    if (into_id == id) {
        rc = refuse(e, 400, "invalid", "into_id", "不能并入本校");
        goto done;
    }
    rc = schools_row(db, into_id, &target);
    if (rc == STORE_NOTFOUND || (rc == STORE_OK && u &&
                                 !access_in_scope(u, text_field(target, "path")))) {
        rc = refuse(e, 400, "invalid", "into_id", "并入学校不存在或不在管理范围内");
        goto done;
    }
    if (rc != STORE_OK)
        goto done;
    status = text_field(target, "status");
    if (!status || strcmp(status, "在办") != 0) {
        rc = refuse(e, 400, "invalid", "into_id", "并入学校须为在办学校");
        goto done;
    }
    if (!date || !*date) {
        rc = refuse(e, 400, "missing", "date", "请填写撤并日期");
        goto done;
    }
    rc = schools_check_date_note(date, note, e);
    if (rc != 0)
        goto done;
    int64_t now = clock_now();
    sval p[] = {SV_T(date), SV_I(into_id), SV_I(now), SV_I(id)};
    rc = db_exec(db,
                 "UPDATE schools SET status = '撤并', closed_on = ?, merged_into = ?, updated_at = ? "
                 "WHERE id = ?",
                 p, 4);
    if (rc == STORE_OK)
        rc = schools_event(db, id, "撤并", date, into_id, note, u, now);
    if (rc == STORE_OK)
        rc = schools_event(db, into_id, "并入", date, id, note, u, now);
    if (rc == STORE_OK && audit)
        rc = schools_status_finish(db, u, ip, id, "merge", row, before);
done:
    json_decref(row);
    json_decref(before);
    json_decref(target);
    return rc;
}

int schools_set_status(store_db *db, const user_ctx *u, const char *ip, int64_t id,
                       const char *status, const char *date, const char *note, refusal *e)
{
    json_t *row = NULL, *before = NULL;
    char today[11];
    int reopen;
    int rc = schools_status_start(db, u, id, &row, &before, e);
    if (rc != 0)
        return rc;
    const char *current = text_field(row, "status");
    if (!status || !*status) {
        rc = refuse(e, 400, "missing", "status", "请选择状态");
        goto done;
    }
    if (strcmp(status, "停办") != 0 && strcmp(status, "在办") != 0) {
        rc = refuse(e, 400, "invalid", "status", "状态只能改为停办或在办");
        goto done;
    }
    reopen = strcmp(status, "在办") == 0;
    if (reopen ? strcmp(current, "在办") == 0 : strcmp(current, "在办") != 0) {
        rc = refuse(e, 409, "conflict", "status",
                    reopen ? "该学校已是在办状态" : "只有在办学校可以停办");
        goto done;
    }
    if (!date || !*date) {
        if (!reopen) {
            rc = refuse(e, 400, "missing", "date", "请填写停办日期");
            goto done;
        }
        clock_today(today);
        date = today;
    }
    rc = schools_check_date_note(date, note, e);
    if (rc != 0)
        goto done;
    int64_t now = clock_now();
    sval p[] = {SV_T(status), reopen ? SV_NUL : SV_T(date), SV_I(now), SV_I(id)};
    rc = db_exec(db,
                 "UPDATE schools SET status = ?, closed_on = ?, merged_into = NULL, updated_at = ? "
                 "WHERE id = ?",
                 p, 4);
    if (rc == STORE_OK)
        rc = schools_event(db, id, reopen ? "恢复" : "停办", date, 0, note, u, now);
    if (rc == STORE_OK)
        rc = schools_status_finish(db, u, ip, id, "status", row, before);
done:
    json_decref(row);
    json_decref(before);
    return rc;
}

/* Detail: the group, the merged-into name and the events. */
static int schools_detail(store_db *db, json_t *o)
{
    json_t *rows = NULL, *row = NULL;
    int64_t id = text_field_int(o, "id");
    json_t *group_id = json_object_get(o, "group_id");
    json_t *merged = json_object_get(o, "merged_into");
    int rc;

    json_object_set_new(o, "group", json_null());
    if (json_is_integer(group_id)) {
        sval p[] = {SV_I(json_integer_value(group_id))};
        rc = db_query_one(db,
                          "SELECT g.id, g.name, g.kind, g.lead_school_id, l.name AS lead_school_name "
                          "FROM school_groups g LEFT JOIN schools l ON l.id = g.lead_school_id "
                          "WHERE g.id = ?",
                          p, 1, &row);
        if (rc == STORE_OK)
            json_object_set_new(o, "group", row);
        else if (rc != STORE_NOTFOUND)
            return rc;
    }
    json_object_set_new(o, "merged_into_name", json_null());
    if (json_is_integer(merged)) {
        sval p[] = {SV_I(json_integer_value(merged))};
        rc = db_query_one(db, "SELECT name FROM schools WHERE id = ?", p, 1, &row);
        if (rc == STORE_OK) {
            json_object_set(o, "merged_into_name", json_object_get(row, "name"));
            json_decref(row);
        } else if (rc != STORE_NOTFOUND) {
            return rc;
        }
    }
    sval p[] = {SV_I(id)};
    rc = db_query(db,
                  "SELECT e.event, e.on_date, e.related_school_id, r.name AS related_school_name, "
                  "e.note, e.at FROM school_events e LEFT JOIN schools r ON r.id = e.related_school_id "
                  "WHERE e.school_id = ? ORDER BY e.id",
                  p, 1, &rows);
    if (rc != STORE_OK)
        return rc;
    size_t i;
    json_t *ev;
    json_array_foreach(rows, i, ev) {
        text_set_time(ev, "at", text_field_int(ev, "at"));
    }
    json_object_set_new(o, "events", rows);
    return STORE_OK;
}

int schools_load(store_db *db, const user_ctx *u, int64_t id, int with_detail, json_t **out)
{
    json_t *row = NULL;
    refusal e;
    int rc = schools_row(db, id, &row);
    *out = NULL;
    if (rc != STORE_OK)
        return rc;
    if (record_reach(u, "schools", text_field(row, "path"), 0, "学校不存在", &e) != 0) {
        json_decref(row);
        return STORE_NOTFOUND;
    }
    json_t *o = schools_object(u, row);
    json_decref(row);
    if (with_detail) {
        rc = schools_detail(db, o);
        if (rc != STORE_OK) {
            json_decref(o);
            return rc;
        }
    }
    *out = o;
    return STORE_OK;
}

int schools_query(store_db *db, const user_ctx *u, const char *where, sval *params, int nparams,
                  const char *order, int64_t limit, int64_t offset, int64_t *total,
                  json_t **items)
{
    strbuf count = STRBUF_INIT, sql = STRBUF_INIT;
    json_t *rows = NULL, *row;
    size_t i;

    *items = NULL;
    /* The page's ids come from the scope index alone; only those rows are
     * then read and joined. */
    sb_appendf(&count, "SELECT COUNT(*) FROM schools s%s", where);
    sb_appendf(&sql,
               SCHOOL_SELECT " WHERE s.id IN (SELECT s.id FROM schools s "
               "LEFT JOIN org_units t ON t.id = s.town_id%s "
               "ORDER BY %s LIMIT ? OFFSET ?) ORDER BY %s",
               where, order, order);
    int rc = paging_query(db, sb_str(&count), sb_str(&sql), params, nparams, limit, offset, total,
                          &rows);
    sb_free(&count);
    sb_free(&sql);
    if (rc != STORE_OK)
        return rc;
    *items = json_array();
    json_array_foreach(rows, i, row) json_array_append_new(*items, schools_object(u, row));
    json_decref(rows);
    return STORE_OK;
}

/* The county org unit above path (STORE_NOTFOUND when none). */
static int schools_county_of(store_db *db, const char *path, int64_t *county_id)
{
    json_t *county = NULL;
    int rc = org_ancestor_of_level(db, path, "county", &county);
    if (rc == STORE_OK)
        *county_id = text_field_int(county, "id");
    json_decref(county);
    return rc;
}

int schools_group_create(store_db *db, const user_ctx *u, const char *ip, const char *name,
                         const char *kind, int64_t lead_school_id, int audit, int64_t *id_out,
                         refusal *e)
{
    json_t *lead = NULL;
    int64_t county_id = 0, id = 0, existing;
    int rc;

    memset(e, 0, sizeof *e);
    if (u && (text_is(u->role, ROLE_SCHOOL) || !access_can_write(u, "schools", u->scope_path)))
        return refuse(e, 403, "forbidden", NULL, "无权限");
    if (!name || !*name)
        return refuse(e, 400, "missing", "name", "请填写集团名称");
    if (text_chars(name) < 2 || text_chars(name) > 60)
        return refuse(e, 400, "invalid", "name", "集团名称应为 2 至 60 个字");
    if (!kind || !*kind)
        return refuse(e, 400, "missing", "kind", "请选择集团类型");
    if (!text_in_list(group_kinds, kind))
        return refuse(e, 400, "invalid", "kind", "集团类型应为紧密型或联盟型");
    if (lead_school_id <= 0)
        return refuse(e, 400, "missing", "lead_school_id", "请选择牵头学校");
    rc = schools_row(db, lead_school_id, &lead);
    if (rc == STORE_NOTFOUND)
        return refuse(e, 400, "invalid", "lead_school_id", "牵头学校不存在或不在管理范围内");
    if (rc != STORE_OK)
        return rc;
    const char *path = text_field(lead, "path");
    if (u && !access_in_scope(u, path)) {
        rc = refuse(e, 400, "invalid", "lead_school_id", "牵头学校不存在或不在管理范围内");
        goto done;
    }
    if (u && !access_can_write(u, "schools", path)) {
        rc = refuse(e, 403, "forbidden", "lead_school_id", "无权限");
        goto done;
    }
    rc = schools_county_of(db, path, &county_id);
    if (rc == STORE_NOTFOUND) {
        rc = refuse(e, 400, "invalid", "lead_school_id", "牵头学校不属于任何县（市、区）");
        goto done;
    }
    if (rc != STORE_OK)
        goto done;
    sval q[] = {SV_I(county_id), SV_T(name)};
    rc = db_query_int(db, "SELECT id FROM school_groups WHERE county_org_id = ? AND name = ?", q, 2,
                      &existing);
    if (rc == STORE_OK) {
        refuse(e, 409, "conflict", "name", "集团名称已存在");
        rc = STORE_CONSTRAINT;
        goto done;
    }
    if (rc != STORE_NOTFOUND)
        goto done;
    int64_t now = clock_now();
    sval p[] = {SV_I(county_id), SV_T(name), SV_T(kind), SV_I(lead_school_id), SV_I(now)};
    rc = db_insert(db,
                   "INSERT INTO school_groups (county_org_id, name, kind, lead_school_id, created_at) "
                   "VALUES (?, ?, ?, ?, ?) RETURNING id",
                   p, 5, &id);
    if (rc == STORE_CONSTRAINT)
        refuse(e, 409, "conflict", "name", "集团名称已存在");
    if (rc != STORE_OK)
        goto done;
    sval j[] = {SV_I(id), SV_I(now), SV_I(lead_school_id)};
    rc = db_exec(db, "UPDATE schools SET group_id = ?, updated_at = ? WHERE id = ?", j, 3);
    if (rc == STORE_OK && audit) {
        json_t *after = json_pack("{sI sI ss ss sI ss}", "id", (json_int_t)id, "county_org_id",
                                  (json_int_t)county_id, "name", name, "kind", kind,
                                  "lead_school_id", (json_int_t)lead_school_id, "note",
                                  "牵头学校同时加入该集团");
        rc = audit_write(db, u, ip, "create", "group", id, path, NULL, after);
        json_decref(after);
    }
    if (rc == STORE_OK && id_out)
        *id_out = id;
done:
    json_decref(lead);
    return rc;
}
