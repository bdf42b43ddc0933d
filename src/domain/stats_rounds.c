/*
 * stats_rounds.c - data-collection rounds of the 基表 (填报任务) and their
 * HTTP side, stats_rounds_routes (docs/api-stats.md, "Rounds"):
 *   GET/POST /api/stats/rounds, GET/PATCH /api/stats/rounds/{id},
 *   GET /api/stats/rounds/{id}/progress (per town and per school; xlsx of
 *   the late schools), GET /api/stats/rounds/{id}/template (the workbook of
 *   stats_exchange.c for the round's types).
 *
 * A round belongs to the bureau that opened it (county_org_id, its path)
 * and covers every school under that path whose 办学类型 is one of the
 * round's types (closed schools only when they have a record of the year).
 * A school's status in a round is the status of its stat_records row of
 * the round's year, 未填报 when there is none; it is late once the deadline
 * day (UTC+8) has passed and the record is neither 已提交 nor 已通过.
 *
 * Who: the bureau (系统管理员, or a 股室 whose modules include "stats")
 * opens and changes rounds of its own unit; everyone who reads "stats" sees
 * the rounds of their unit and of the units above it, counted over the
 * part of the round inside their scope; a 学校管理员 sees only the rounds
 * that include their school's type, with their own status instead of
 * counts. Counts come from one GROUP BY query per round.
 */
#include "domain/stats_rounds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/access.h"
#include "domain/audit.h"
#include "domain/org.h"
#include "domain/schools.h"
#include "domain/stats_exchange.h"
#include "http/paging.h"
#include "http/reply.h"
#include "http/router.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/parse.h"
#include "util/strbuf.h"
#include "util/text.h"

#define STATS_ROUNDS_MAX_DEPTH 16
#define STATS_ROUNDS_YEAR_MIN 2000
#define STATS_ROUNDS_YEAR_MAX 2100

#define STATS_ROUNDS_SELECT                                                                    \
    "SELECT r.id, r.county_org_id, c.name AS county, r.path, r.name, r.year, r.school_types, " \
    "r.deadline, r.status, r.note, r.created_at FROM stat_rounds r "                           \
    "JOIN org_units c ON c.id = r.county_org_id"

static const char *const stats_rounds_statuses[] = {"进行中", "已结束", NULL};
/* Progress filter: the record statuses, 未填报, and 未提交 (未填报 or 草稿). */
static const char *const stats_rounds_school_statuses[] = {"未填报", "草稿", "已提交", "已退回",
                                                           "已通过", "未提交", NULL};

static const xlsx_col stats_rounds_late_cols[] = {
    {"code", "学校标识码", 14, XLSX_TEXT},   {"school_name", "学校名称", 30, XLSX_TEXT},
    {"town", "街道/乡镇", 14, XLSX_TEXT},    {"type", "办学类型", 14, XLSX_TEXT},
    {"status", "状态", 8, XLSX_TEXT},        {"submitted_at", "提交时间", 20, XLSX_TEXT},
    {"review_comment", "退回意见", 40, XLSX_TEXT}, {NULL, NULL, 0, XLSX_TEXT},
};

/* ---------------------------------------------------------- pure helpers */

int stats_rounds_has_type(const char *list, const char *type)
{
    size_t n = type ? strlen(type) : 0;
    if (!list || !n)
        return 0;
    for (const char *p = list;;) {
        const char *end = strchr(p, '|');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == n && memcmp(p, type, n) == 0)
            return 1;
        if (!end)
            return 0;
        p = end + 1;
    }
}

json_t *stats_rounds_types_array(const char *list)
{
    json_t *out = json_array();
    for (const char *p = list; p && *p;) {
        const char *end = strchr(p, '|');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len)
            json_array_append_new(out, json_stringn(p, len));
        if (!end)
            break;
        p = end + 1;
    }
    return out;
}

int stats_rounds_is_late(const char *deadline, const char *today, const char *status)
{
    if (!deadline || !today || strcmp(today, deadline) <= 0)
        return 0;
    return !text_is(status, "已提交") && !text_is(status, "已通过");
}

/* ----------------------------------------------------------- the records */

/* The round object from a STATS_ROUNDS_SELECT row (without its path). */
static json_t *stats_rounds_object(json_t *row)
{
    json_t *o = json_deep_copy(row);
    json_object_del(o, "path");
    json_object_set_new(o, "school_types",
                        stats_rounds_types_array(text_field(row, "school_types")));
    text_set_time(o, "created_at", text_field_int(row, "created_at"));
    return o;
}

static int stats_rounds_row(store_db *db, int64_t id, json_t **row)
{
    sval p[] = {SV_I(id)};
    return db_query_one(db, STATS_ROUNDS_SELECT " WHERE r.id = ?", p, 1, row);
}

int stats_rounds_load(store_db *db, int64_t id, json_t **out, char **path_out)
{
    json_t *row = NULL;
    *out = NULL;
    int rc = stats_rounds_row(db, id, &row);
    if (rc != STORE_OK)
        return rc;
    if (path_out) {
        *path_out = strdup(text_field(row, "path"));
        if (!*path_out)
            abort();
    }
    *out = stats_rounds_object(row);
    json_decref(row);
    return STORE_OK;
}

/* 1 when the round at path concerns u: inside u's scope or above it. */
static int stats_rounds_related(const user_ctx *u, const char *path)
{
    return path && u && u->scope_path &&
           (access_in_scope(u, path) || strncmp(u->scope_path, path, strlen(path)) == 0);
}

/* The refusal of a conflicting round is read by this thread right after. */
static _Thread_local char stats_rounds_message[160];

/* 409 when another 进行中 round (not except_id) of year and bureau covers
 * one of types (a JSON array of names). */
static int stats_rounds_check_overlap(store_db *db, int64_t county_org_id, int year,
                                      json_t *types, int64_t except_id, refusal *e)
{
    json_t *rows = NULL, *row, *type;
    size_t i, j;
    sval p[] = {SV_I(county_org_id), SV_I(year), SV_I(except_id)};
    int rc = db_query(db,
                      "SELECT id, school_types FROM stat_rounds WHERE county_org_id = ? AND "
                      "year = ? AND status = '进行中' AND id <> ? ORDER BY id",
                      p, 3, &rows);
    if (rc != STORE_OK)
        return rc;
    json_array_foreach(rows, i, row) {
        const char *list = text_field(row, "school_types");
        json_array_foreach(types, j, type) {
            if (!stats_rounds_has_type(list, json_string_value(type)))
                continue;
            snprintf(stats_rounds_message, sizeof stats_rounds_message,
                     "%d学年已有进行中的填报任务包含办学类型「%s」", year,
                     json_string_value(type));
            json_decref(rows);
            return refuse(e, 409, "conflict", "school_types", stats_rounds_message);
        }
    }
    json_decref(rows);
    return STORE_OK;
}

/* The school_types of in as a new array of distinct valid names. */
static int stats_rounds_check_types(json_t *in, json_t **out, refusal *e)
{
    json_t *v = json_object_get(in, "school_types"), *item;
    size_t i;
    *out = NULL;
    if (!v || json_is_null(v) || (json_is_array(v) && json_array_size(v) == 0))
        return refuse(e, 400, "missing", "school_types", "请选择办学类型");
    if (!json_is_array(v))
        return refuse(e, 400, "invalid", "school_types", "办学类型应为列表");
    json_t *types = json_array();
    json_array_foreach(v, i, item) {
        const char *name = json_string_value(item);
        if (!schools_type_valid(name)) {
            json_decref(types);
            return refuse(e, 400, "invalid", "school_types", "办学类型无效");
        }
        int seen = 0;
        for (size_t k = 0; k < json_array_size(types); k++)
            seen |= strcmp(json_string_value(json_array_get(types, k)), name) == 0;
        if (!seen)
            json_array_append_new(types, json_string(name));
    }
    *out = types;
    return STORE_OK;
}

/* The bureau a round of u belongs to: u's scope root, a county or above. */
static int stats_rounds_check_bureau(store_db *db, const user_ctx *u, int64_t county_org_id,
                                     json_t **unit, refusal *e)
{
    *unit = NULL;
    if (u && (text_is(u->role, ROLE_SCHOOL) || !access_can_write(u, "stats", u->scope_path)))
        return refuse(e, 403, "forbidden", NULL, "无权限创建填报任务");
    int rc = org_get(db, county_org_id ? county_org_id : (u ? u->scope_org_id : 0), unit);
    if (rc == STORE_NOTFOUND)
        return refuse(e, 403, "forbidden", NULL, "只有县级及以上教育局可以创建填报任务");
    if (rc != STORE_OK)
        return rc;
    const char *level = text_field(*unit, "level");
    if (!text_is(level, "county") && !text_is(level, "city") && !text_is(level, "province"))
        return refuse(e, 403, "forbidden", NULL, "只有县级及以上教育局可以创建填报任务");
    if (u && !access_in_scope(u, text_field(*unit, "path")))
        return refuse(e, 403, "forbidden", NULL, "无权限创建填报任务");
    return STORE_OK;
}

/* The checked fields of a new round. */
typedef struct stats_rounds_input {
    json_t *name;     /* trimmed text */
    int year;
    json_t *types;    /* array of distinct names */
    const char *deadline;
    const char *note;
} stats_rounds_input;

static int stats_rounds_check_input(json_t *in, stats_rounds_input *x, refusal *e)
{
    json_t *year = json_object_get(in, "year"), *note = json_object_get(in, "note");
    json_t *deadline = json_object_get(in, "deadline");
    json_t *name = json_object_get(in, "name");
    if (name && !json_is_null(name) && !json_is_string(name))
        return refuse(e, 400, "invalid", "name", "任务名称应为文本");
    if (!(x->name = text_trimmed(name)))
        return refuse(e, 400, "missing", "name", "请填写任务名称");
    if (!year || json_is_null(year))
        return refuse(e, 400, "missing", "year", "请填写学年");
    if (!json_is_integer(year) || json_integer_value(year) < STATS_ROUNDS_YEAR_MIN ||
        json_integer_value(year) > STATS_ROUNDS_YEAR_MAX)
        return refuse(e, 400, "invalid", "year", "学年应为 2000 到 2100 之间的整数");
    x->year = (int)json_integer_value(year);
    int rc = stats_rounds_check_types(in, &x->types, e);
    if (rc != STORE_OK)
        return rc;
    x->deadline = json_string_value(deadline);
    if (!deadline || json_is_null(deadline) || (x->deadline && !*x->deadline))
        return refuse(e, 400, "missing", "deadline", "请填写截止日期");
    if (!clock_date_valid(x->deadline))
        return refuse(e, 400, "invalid", "deadline", "截止日期应为有效日期（YYYY-MM-DD）");
    if (note && !json_is_null(note) && !json_is_string(note))
        return refuse(e, 400, "invalid", "note", "备注应为文本");
    x->note = json_string_value(note);
    if (x->note && !*x->note)
        x->note = NULL;
    return STORE_OK;
}

static char *stats_rounds_join(json_t *types)
{
    strbuf sb = STRBUF_INIT;
    json_t *item;
    size_t i;
    json_array_foreach(types, i, item) {
        if (i)
            sb_appendc(&sb, '|');
        sb_append(&sb, json_string_value(item));
    }
    return sb_steal(&sb);
}

int stats_rounds_create(store_db *db, const user_ctx *u, const char *ip, int64_t county_org_id,
                        json_t *in, int audit, int64_t *id_out, refusal *e)
{
    stats_rounds_input x = {0};
    json_t *unit = NULL, *after = NULL;
    char *types = NULL;
    int64_t id = 0;

    memset(e, 0, sizeof *e);
    if (!json_is_object(in))
        return refuse(e, 400, "bad_json", NULL, "请求体应为 JSON 对象");
    int rc = stats_rounds_check_bureau(db, u, county_org_id, &unit, e);
    if (rc == STORE_OK)
        rc = stats_rounds_check_input(in, &x, e);
    if (rc != STORE_OK)
        goto done;
    int64_t county = text_field_int(unit, "id");
    const char *path = text_field(unit, "path");
    rc = stats_rounds_check_overlap(db, county, x.year, x.types, 0, e);
    if (rc != STORE_OK)
        goto done;
    types = stats_rounds_join(x.types);
    sval p[] = {SV_I(county),         SV_T(path),       SV_T(json_string_value(x.name)),
                SV_I(x.year),         SV_T(types),      SV_T(x.deadline),
                SV_T(x.note),         u ? SV_I(u->id) : SV_NUL, SV_I(clock_now())};
    rc = db_insert(db,
                   "INSERT INTO stat_rounds (county_org_id, path, name, year, school_types, "
                   "deadline, status, note, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, "
                   "'进行中', ?, ?, ?) RETURNING id",
                   p, 9, &id);
    if (rc == STORE_OK && audit) {
        rc = stats_rounds_load(db, id, &after, NULL);
        if (rc == STORE_OK)
            rc = audit_write(db, u, ip, "create", "stat_round", id, path, NULL, after);
    }
    if (rc == STORE_OK && id_out)
        *id_out = id;
done:
    free(types);
    json_decref(x.name);
    json_decref(x.types);
    json_decref(unit);
    json_decref(after);
    return rc;
}

/* Apply one optional text member of in (name, deadline, status, note). */
static int stats_rounds_patch_field(json_t *in, json_t *rec, const char *key, refusal *e)
{
    json_t *v = json_object_get(in, key);
    if (!v)
        return STORE_OK;
    if (strcmp(key, "note") == 0) {
        if (!json_is_null(v) && !json_is_string(v))
            return refuse(e, 400, "invalid", "note", "备注应为文本");
        const char *s = json_string_value(v);
        json_object_set_new(rec, key, s && *s ? json_string(s) : json_null());
        return STORE_OK;
    }
    if (!json_is_string(v) && !(json_is_null(v) && strcmp(key, "status") != 0))
        return refuse(e, 400, "invalid", key,
                      strcmp(key, "name") == 0       ? "任务名称应为文本"
                      : strcmp(key, "deadline") == 0 ? "截止日期应为有效日期（YYYY-MM-DD）"
                                                     : "任务状态应为进行中或已结束");
    if (strcmp(key, "name") == 0) {
        json_t *name = text_trimmed(v);
        if (!name)
            return refuse(e, 400, "missing", "name", "请填写任务名称");
        json_object_set_new(rec, key, name);
        return STORE_OK;
    }
    const char *s = json_string_value(v);
    if (strcmp(key, "deadline") == 0) {
        if (!s || !*s)
            return refuse(e, 400, "missing", "deadline", "请填写截止日期");
        if (!clock_date_valid(s))
            return refuse(e, 400, "invalid", "deadline", "截止日期应为有效日期（YYYY-MM-DD）");
    } else if (!text_in_list(stats_rounds_statuses, s)) {
        return refuse(e, 400, "invalid", "status", "任务状态应为进行中或已结束");
    }
    json_object_set_new(rec, key, json_string(s));
    return STORE_OK;
}

int stats_rounds_patch(store_db *db, const user_ctx *u, const char *ip, int64_t id, json_t *in,
                       refusal *e)
{
    static const char *const keys[] = {"name", "deadline", "status", "note"};
    json_t *before = NULL, *after = NULL, *types = NULL;
    char *path = NULL;

    memset(e, 0, sizeof *e);
    if (!json_is_object(in))
        return refuse(e, 400, "bad_json", NULL, "请求体应为 JSON 对象");
    int rc = stats_rounds_load(db, id, &before, &path);
    if (rc == STORE_NOTFOUND || (rc == STORE_OK && u && !stats_rounds_related(u, path)))
        rc = refuse(e, 404, "not_found", NULL, "填报任务不存在");
    else if (rc == STORE_OK && u &&
             (text_is(u->role, ROLE_SCHOOL) || !access_can_write(u, "stats", path)))
        rc = refuse(e, 403, "forbidden", NULL, "无权限修改填报任务");
    if (rc != STORE_OK)
        goto done;
    after = json_deep_copy(before);
    for (size_t i = 0; i < sizeof keys / sizeof keys[0] && rc == STORE_OK; i++)
        rc = stats_rounds_patch_field(in, after, keys[i], e);
    if (rc != STORE_OK || json_equal(before, after))
        goto done;
    const char *status = text_field(after, "status");
    int year = (int)text_field_int(after, "year");
    if (text_is(status, "进行中") && !text_is(text_field(before, "status"), "进行中")) {
        types = json_incref(json_object_get(after, "school_types"));
        rc = stats_rounds_check_overlap(db, text_field_int(after, "county_org_id"), year, types,
                                        id, e);
        if (rc != STORE_OK)
            goto done;
    }
    sval p[] = {SV_T(text_field(after, "name")), SV_T(text_field(after, "deadline")),
                SV_T(status), SV_T(text_field(after, "note")), SV_I(id)};
    rc = db_exec(db,
                 "UPDATE stat_rounds SET name = ?, deadline = ?, status = ?, note = ? WHERE id = ?",
                 p, 5);
    if (rc == STORE_OK)
        rc = audit_write(db, u, ip, "update", "stat_round", id, path, before, after);
done:
    free(path);
    json_decref(before);
    json_decref(after);
    json_decref(types);
    return rc;
}

/* ------------------------------------------------------- counts and rows */

/* The schools of a round inside one scope: FROM and WHERE over schools s,
 * their town t and their record rec of the year, with the parameters. */
typedef struct stats_rounds_query {
    strbuf sql;
    sval p[40];
    int n;
} stats_rounds_query;

/* path: the deeper of the round's path and the caller's scope. */
static void stats_rounds_from(arena *a, stats_rounds_query *q, json_t *round, const char *path)
{
    json_t *item;
    size_t i;
    sb_append(&q->sql,
              " FROM schools s LEFT JOIN org_units t ON t.id = s.town_id "
              "LEFT JOIN stat_records rec ON rec.school_id = s.id AND rec.year = ? "
              "WHERE s.path >= ? AND s.path < ? AND (s.status = '在办' OR rec.id IS NOT NULL) "
              "AND (s.founded_year IS NULL OR s.founded_year <= ?) AND s.type IN (");
    q->p[q->n++] = SV_I(text_field_int(round, "year"));
    q->p[q->n++] = SV_T(path);
    q->p[q->n++] = SV_T(org_scope_upper(a, path));
    q->p[q->n++] = SV_I(text_field_int(round, "year"));  /* founded by that school year */
    json_array_foreach(json_object_get(round, "school_types"), i, item) {
        if (q->n >= 36)
            break;
        sb_append(&q->sql, i ? ", ?" : "?");
        q->p[q->n++] = SV_T(json_string_value(item));
    }
    if (!json_array_size(json_object_get(round, "school_types")))
        sb_append(&q->sql, "NULL");
    sb_append(&q->sql, ")");
}

/* The counts object with every bucket at 0. */
static json_t *stats_rounds_zero(void)
{
    return json_pack("{s:i,s:i,s:i,s:i,s:i,s:i}", "schools", 0, "not_submitted", 0, "submitted",
                     0, "returned", 0, "approved", 0, "late", 0);
}

static void stats_rounds_add(json_t *o, const char *key, int64_t n)
{
    json_object_set_new(o, key, json_integer(text_field_int(o, key) + n));
}

/* Count n schools of record status (NULL = 未填报) into o. */
static void stats_rounds_tally(json_t *o, const char *status, int64_t n, const char *deadline,
                               const char *today)
{
    const char *bucket = !status || text_is(status, "草稿") ? "not_submitted"
                         : text_is(status, "已提交")            ? "submitted"
                         : text_is(status, "已退回")            ? "returned"
                                                                : "approved";
    stats_rounds_add(o, "schools", n);
    stats_rounds_add(o, bucket, n);
    if (stats_rounds_is_late(deadline, today, status))
        stats_rounds_add(o, "late", n);
}

/* Per town counts ({"town_id","town",counts...} in town order) and their
 * sum, over the round's schools under path. */
static int stats_rounds_count(req *r, json_t *round, const char *path, const char *today,
                              json_t **towns, json_t **total)
{
    stats_rounds_query q = {.sql = STRBUF_INIT};
    json_t *rows = NULL, *row, *town = NULL;
    const char *deadline = text_field(round, "deadline");
    size_t i;

    sb_append(&q.sql, "SELECT s.town_id, t.name AS town, rec.status, COUNT(*) AS n");
    stats_rounds_from(r->a, &q, round, path);
    sb_append(&q.sql, " GROUP BY s.town_id, t.name, rec.status ORDER BY s.town_id");
    int rc = db_query(r->db, sb_str(&q.sql), q.p, q.n, &rows);
    sb_free(&q.sql);
    if (rc != STORE_OK)
        return rc;
    *total = stats_rounds_zero();
    if (towns)
        *towns = json_array();
    json_array_foreach(rows, i, row) {
        json_t *town_id = json_object_get(row, "town_id");
        const char *status = text_field(row, "status");
        int64_t n = text_field_int(row, "n");
        stats_rounds_tally(*total, status, n, deadline, today);
        if (!towns)
            continue;
        if (!town || !json_equal(json_object_get(town, "town_id"), town_id)) {
            town = stats_rounds_zero();
            json_object_set(town, "town_id", town_id);
            json_object_set(town, "town", json_object_get(row, "town"));
            json_array_append_new(*towns, town);
        }
        stats_rounds_tally(town, status, n, deadline, today);
    }
    json_decref(rows);
    return STORE_OK;
}

/* The deeper of the round's path and u's scope (one lies inside the other). */
static const char *stats_rounds_scope(const user_ctx *u, const char *round_path)
{
    return strlen(u->scope_path) > strlen(round_path) ? u->scope_path : round_path;
}

/* ---------------------------------------------------------- the handlers */

/* The 办学类型 of a 学校管理员's school, NULL for other roles (and when
 * the school is gone). */
static const char *stats_rounds_school_type(req *r)
{
    json_t *row = NULL;
    const char *type = NULL;
    sval p[] = {SV_I(r->user->school_id)};
    if (!text_is(r->user->role, ROLE_SCHOOL))
        return NULL;
    if (db_query_one(r->db, "SELECT type FROM schools WHERE id = ?", p, 1, &row) == STORE_OK)
        type = arena_strdup(r->a, text_field(row, "type"));
    json_decref(row);
    return type ? type : "";
}

/* 1 when the caller sees the round (row of STATS_ROUNDS_SELECT). */
static int stats_rounds_visible(req *r, json_t *row, const char *school_type)
{
    const char *path = text_field(row, "path");
    if (!stats_rounds_related(r->user, path))
        return 0;
    return !school_type ||
           stats_rounds_has_type(text_field(row, "school_types"),
                                 school_type);
}

/* Add to round (an API object) what the caller sees of it: the counts in
 * their scope, or for a 学校管理员 their own school's status. */
static int stats_rounds_decorate(req *r, json_t *round, const char *path, const char *school_type,
                                 const char *today)
{
    json_t *total = NULL, *rec = NULL;
    const char *deadline = text_field(round, "deadline");
    json_object_set_new(round, "overdue", json_boolean(strcmp(today, deadline) > 0));
    if (!school_type) {
        int rc = stats_rounds_count(r, round, stats_rounds_scope(r->user, path), today, NULL,
                                    &total);
        if (rc != STORE_OK)
            return rc;
        json_object_update(round, total);
        json_decref(total);
        return STORE_OK;
    }
    sval p[] = {SV_I(r->user->school_id), SV_I(text_field_int(round, "year"))};
    int rc = db_query_one(r->db,
                          "SELECT status, submitted_at, review_comment FROM stat_records "
                          "WHERE school_id = ? AND year = ?",
                          p, 2, &rec);
    if (rc != STORE_OK && rc != STORE_NOTFOUND)
        return rc;
    const char *status = text_field(rec, "status");
    json_t *submitted = json_object_get(rec, "submitted_at");
    json_object_set_new(round, "school_id", json_integer(r->user->school_id));
    json_object_set_new(round, "school_status", json_string(status ? status : "未填报"));
    if (json_is_integer(submitted)) {
        text_set_time(round, "submitted_at", json_integer_value(submitted));
    } else {
        json_object_set_new(round, "submitted_at", json_null());
    }
    json_object_set(round, "review_comment",
                    json_is_string(json_object_get(rec, "review_comment"))
                        ? json_object_get(rec, "review_comment")
                        : json_null());
    json_object_set_new(round, "late",
                        json_boolean(stats_rounds_is_late(deadline, today, status)));
    json_decref(rec);
    return STORE_OK;
}

/* Load round id as the caller sees it (without counts): 0, or -1 after
 * replying 404 (also when the caller may not see it) or the store error. */
static int stats_rounds_find(req *r, int64_t id, json_t **round, const char **path,
                             const char **school_type)
{
    json_t *row = NULL;
    *round = NULL;
    *school_type = stats_rounds_school_type(r);
    if (!access_can_read(r->user, "stats", r->user->scope_path)) {
        reply_forbidden(r);
        return -1;
    }
    int rc = stats_rounds_row(r->db, id, &row);
    if (rc == STORE_OK && !stats_rounds_visible(r, row, *school_type))
        rc = STORE_NOTFOUND;
    if (rc == STORE_NOTFOUND) {
        json_decref(row);
        reply_error(r, 404, "not_found", "填报任务不存在", NULL);
        return -1;
    }
    if (rc != STORE_OK) {
        reply_store_error(r, rc);
        return -1;
    }
    *path = arena_strdup(r->a, text_field(row, "path"));
    *round = stats_rounds_object(row);
    json_decref(row);
    return 0;
}

/* Reply round id as the caller sees it, with counts or own status. */
static void stats_rounds_reply_one(req *r, int64_t id, int status)
{
    json_t *round = NULL;
    const char *path, *school_type;
    char today[11];
    if (stats_rounds_find(r, id, &round, &path, &school_type) != 0)
        return;
    clock_today(today);
    int rc = stats_rounds_decorate(r, round, path, school_type, today);
    if (rc != STORE_OK) {
        json_decref(round);
        reply_store_error(r, rc);
        return;
    }
    reply_json(r, status, round);
}

static void stats_rounds_list_handler(req *r)
{
    const user_ctx *u = r->user;
    const char *year_text = req_query(r, "year");
    int64_t ids[STATS_ROUNDS_MAX_DEPTH], year = 0;
    strbuf sql = STRBUF_INIT;
    sval p[STATS_ROUNDS_MAX_DEPTH + 4];
    json_t *rows = NULL, *row, *items;
    char today[11];
    size_t i;
    int n = 0;

    if (!access_can_read(u, "stats", u->scope_path)) {
        reply_forbidden(r);
        return;
    }
    if (year_text) {
        year = parse_id(year_text);
        if (year < STATS_ROUNDS_YEAR_MIN || year > STATS_ROUNDS_YEAR_MAX) {
            reply_bad_request(r, "year", "学年应为 2000 到 2100 之间的整数");
            return;
        }
    }
    const char *school_type = stats_rounds_school_type(r);
    int nids = org_path_ids(u->scope_path, ids, STATS_ROUNDS_MAX_DEPTH);
    sb_append(&sql, STATS_ROUNDS_SELECT " WHERE ((r.path >= ? AND r.path < ?)");
    p[n++] = SV_T(u->scope_path);
    p[n++] = SV_T(org_scope_upper(r->a, u->scope_path));
    if (nids > 0) {
        sb_append(&sql, " OR r.county_org_id IN (");
        for (int k = 0; k < nids; k++) {
            sb_append(&sql, k ? ", ?" : "?");
            p[n++] = SV_I(ids[k]);
        }
        sb_append(&sql, ")");
    }
    sb_append(&sql, ")");
    if (year) {
        sb_append(&sql, " AND r.year = ?");
        p[n++] = SV_I(year);
    }
    sb_append(&sql, " ORDER BY r.year DESC, r.id DESC");
    int rc = db_query(r->db, sb_str(&sql), p, n, &rows);
    sb_free(&sql);
    if (rc != STORE_OK) {
        log_error("GET /api/stats/rounds: %s", db_errmsg(r->db));
        reply_store_error(r, rc);
        return;
    }
    clock_today(today);
    items = json_array();
    json_array_foreach(rows, i, row) {
        if (!stats_rounds_visible(r, row, school_type))
            continue;
        json_t *round = stats_rounds_object(row);
        rc = stats_rounds_decorate(r, round, text_field(row, "path"),
                                   school_type, today);
        json_array_append_new(items, round);
        if (rc != STORE_OK)
            break;
    }
    json_decref(rows);
    reply_items(r, rc, items);
}

/* Run a write of the rounds in one transaction, then reply the round. */
static void stats_rounds_finish(req *r, int rc, const refusal *e, int64_t id, int status)
{
    if (reply_finish(r, rc, e) == 0)
        stats_rounds_reply_one(r, id, status);
}

static void stats_rounds_create_handler(req *r)
{
    refusal e = {0};
    int64_t id = 0;
    if (req_body_object(r) != 0 || req_begin(r) != 0)
        return;
    int rc = stats_rounds_create(r->db, r->user, r->ip, 0, r->json, 1, &id, &e);
    stats_rounds_finish(r, rc, &e, id, 201);
}

static void stats_rounds_patch_handler(req *r)
{
    refusal e = {0};
    int64_t id;
    if (req_body_object(r) != 0 || !(id = req_param_id(r)) || req_begin(r) != 0)
        return;
    int rc = stats_rounds_patch(r->db, r->user, r->ip, id, r->json, &e);
    stats_rounds_finish(r, rc, &e, id, 200);
}

static void stats_rounds_get_handler(req *r)
{
    int64_t id = req_param_id(r);
    if (id)
        stats_rounds_reply_one(r, id, 200);
}

/* The progress filters: town id (0 = all) and the school status; -1 after
 * replying 400. */
static int stats_rounds_progress_filters(req *r, int64_t *town_id, const char **status)
{
    const char *town = req_query(r, "town");
    *town_id = 0;
    *status = req_query(r, "status");
    if (town && !(*town_id = parse_id(town))) {
        reply_bad_request(r, "town", "街道/乡镇无效");
        return -1;
    }
    if (*status && !text_in_list(stats_rounds_school_statuses, *status)) {
        reply_bad_request(r, "status", "填报状态无效");
        return -1;
    }
    return 0;
}

/* The school rows of the progress page: {"school_id","school_name","code",
 * "town_id","town","type","status","submitted_at","review_comment","late"}
 * in town then code order; only_late keeps the late ones. */
static int stats_rounds_schools(req *r, json_t *round, const char *path, int64_t town_id,
                                const char *status, const char *today, int only_late,
                                json_t **out)
{
    stats_rounds_query q = {.sql = STRBUF_INIT};
    json_t *rows = NULL, *row;
    const char *deadline = text_field(round, "deadline");
    size_t i;

    *out = NULL;
    sb_append(&q.sql,
              "SELECT s.id AS school_id, s.name AS school_name, s.code, s.town_id, "
              "t.name AS town, s.type, rec.status, rec.submitted_at, rec.review_comment");
    stats_rounds_from(r->a, &q, round, path);
    if (town_id) {
        sb_append(&q.sql, " AND s.town_id = ?");
        q.p[q.n++] = SV_I(town_id);
    }
    if (text_is(status, "未填报")) {
        sb_append(&q.sql, " AND rec.id IS NULL");
    } else if (text_is(status, "未提交")) {
        sb_append(&q.sql, " AND (rec.id IS NULL OR rec.status = '草稿')");
    } else if (status) {
        sb_append(&q.sql, " AND rec.status = ?");
        q.p[q.n++] = SV_T(status);
    }
    sb_append(&q.sql, " ORDER BY s.town_id, s.code");
    int rc = db_query(r->db, sb_str(&q.sql), q.p, q.n, &rows);
    sb_free(&q.sql);
    if (rc != STORE_OK)
        return rc;
    *out = json_array();
    json_array_foreach(rows, i, row) {
        const char *st = text_field(row, "status");
        int late = stats_rounds_is_late(deadline, today, st);
        if (only_late && !late)
            continue;
        json_t *o = json_deep_copy(row), *at = json_object_get(row, "submitted_at");
        json_object_set_new(o, "status", json_string(st ? st : "未填报"));
        if (json_is_integer(at)) {
            text_set_time(o, "submitted_at", json_integer_value(at));
        }
        if (!text_is(st, "已退回"))
            json_object_set_new(o, "review_comment", json_null());
        json_object_set_new(o, "late", json_boolean(late));
        json_array_append_new(*out, o);
    }
    json_decref(rows);
    return STORE_OK;
}

static void stats_rounds_progress_handler(req *r)
{
    json_t *round = NULL, *towns = NULL, *total = NULL, *schools = NULL;
    const char *path, *school_type, *status;
    int64_t id, town_id;
    char today[11];
    paging pg;

    if (!(id = req_param_id(r)) || paging_parse(r, &pg) != 0 ||
        stats_rounds_progress_filters(r, &town_id, &status) != 0 ||
        stats_rounds_find(r, id, &round, &path, &school_type) != 0)
        return;
    clock_today(today);
    json_object_set_new(round, "overdue",
                        json_boolean(strcmp(today, text_field(round, "deadline")) > 0));
    path = stats_rounds_scope(r->user, path);
    int rc = stats_rounds_schools(r, round, path, town_id, status, today, pg.xlsx, &schools);
    if (rc == STORE_OK && pg.xlsx) {
        json_decref(round);
        paging_reply(r, &pg, schools, json_array_size(schools), "逾期未报学校",
                     stats_rounds_late_cols);
        return;
    }
    if (rc == STORE_OK)
        rc = stats_rounds_count(r, round, path, today, &towns, &total);
    if (rc != STORE_OK) {
        log_error("GET %s: %s", r->path, db_errmsg(r->db));
        json_decref(round);
        json_decref(schools);
        reply_store_error(r, rc);
        return;
    }
    json_object_update(round, total);
    json_decref(total);
    if (town_id) {
        json_t *only = json_array(), *town;
        size_t i;
        json_array_foreach(towns, i, town) {
            if (text_field_int(town, "town_id") == town_id)
                json_array_append(only, town);
        }
        json_decref(towns);
        towns = only;
    }
    reply_json(r, 200, json_pack("{s:o,s:o,s:o}", "round", round, "towns", towns, "schools",
                                 schools));
}

static void stats_rounds_template_handler(req *r)
{
    json_t *round = NULL, *item;
    const char *path, *school_type;
    int64_t id;
    size_t i;

    if (!(id = req_param_id(r)) || stats_rounds_find(r, id, &round, &path, &school_type) != 0)
        return;
    json_t *list = json_object_get(round, "school_types");
    const char **types = arena_alloc(r->a, (json_array_size(list) + 1) * sizeof *types);
    json_array_foreach(list, i, item) types[i] = arena_strdup(r->a, json_string_value(item));
    int year = (int)text_field_int(round, "year");
    const char *title = arena_strdup(r->a, text_field(round, "name"));
    json_decref(round);
    stats_exchange_reply_workbook(r, year, types, 0, NULL, id, title);
}

const route stats_rounds_routes[] = {
    {"GET", "/api/stats/rounds", stats_rounds_list_handler, 0},
    {"POST", "/api/stats/rounds", stats_rounds_create_handler, 0},
    {"GET", "/api/stats/rounds/{id}", stats_rounds_get_handler, 0},
    {"PATCH", "/api/stats/rounds/{id}", stats_rounds_patch_handler, 0},
    {"GET", "/api/stats/rounds/{id}/progress", stats_rounds_progress_handler, 0},
    {"GET", "/api/stats/rounds/{id}/template", stats_rounds_template_handler, 0},
    {NULL, NULL, NULL, 0},
};
