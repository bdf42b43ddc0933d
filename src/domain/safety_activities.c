/*
 * safety_activities.c - safety activities and vaccination coverage (安全).
 *
 * An activity is something a school did for safety: 安全教育 and 应急演练
 * (with the number of participants), 安防器材, 灭火器 and 宣传版面 (with a
 * quantity), 维修 (repairs); each may carry funds (元, >= 0) and a note.
 * Vaccination coverage is reported per school and period ('YYYY-MM'):
 * staff and pupils (aged 3-17) eligible and vaccinated, vaccinated never
 * above eligible; rates are fractions, null without anyone eligible.
 *
 * Tables: safety_activities, vaccinations (migrations/003_safety.sql); each
 * row carries its school's path. Reads: access_can_read(u, "safety", ...)
 * in scope. Writes: access_can_write(u, "safety", school path) - the
 * bureau (admin, 安全稳定股) for any school in scope, a 学校管理员 only their
 * own school (another school: 404) - each in one transaction with its audit
 * row. Handlers are routed in safety_routes (safety_summary.c).
 */
#include "domain/safety.h"

#include <string.h>

#include "auth/access.h"
#include "domain/audit.h"
#include "domain/org.h"
#include "http/paging.h"
#include "http/query.h"
#include "http/reply.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/parse.h"
#include "util/strbuf.h"
#include "util/text.h"

const char *const safety_activity_kinds[] = {"安全教育", "应急演练", "安防器材",
                                             "灭火器",   "维修",     "宣传版面", NULL};

/* Longest title and note, in characters. */
#define ACTIVITY_TITLE_MAX 100
#define ACTIVITY_NOTE_MAX 500

static const xlsx_col activity_xlsx_cols[] = {
    {"school_name", "学校", 30, XLSX_TEXT},   {"town", "街道/乡镇", 14, XLSX_TEXT},
    {"kind", "类型", 10, XLSX_TEXT},          {"title", "名称", 30, XLSX_TEXT},
    {"on_date", "日期", 12, XLSX_TEXT},       {"participants", "参与人数", 10, XLSX_INT},
    {"quantity", "数量", 8, XLSX_INT},        {"funds", "资金(元)", 12, XLSX_REAL},
    {"note", "备注", 30, XLSX_TEXT},          {NULL, NULL, 0, XLSX_TEXT},
};

static const xlsx_col vaccination_xlsx_cols[] = {
    {"school_name", "学校", 30, XLSX_TEXT},
    {"town", "街道/乡镇", 14, XLSX_TEXT},
    {"period", "期次", 10, XLSX_TEXT},
    {"staff_eligible", "教职工应接种", 12, XLSX_INT},
    {"staff_vaccinated", "教职工已接种", 12, XLSX_INT},
    {"staff_rate", "教职工接种率", 12, XLSX_PERCENT},
    {"pupils_eligible", "学生应接种", 12, XLSX_INT},
    {"pupils_vaccinated", "学生已接种", 12, XLSX_INT},
    {"pupils_rate", "学生接种率", 12, XLSX_PERCENT},
    {NULL, NULL, 0, XLSX_TEXT},
};

/* ------------------------------------------------------------ helpers */

static json_t *activity_copy(json_t *row, const char *key)
{
    json_t *v = json_object_get(row, key);
    return v ? json_incref(v) : json_null();
}

json_t *safety_activity_object(json_t *row)
{
    static const char *const keys[] = {"id",      "school_id",    "school_name", "town",
                                       "kind",    "title",        "on_date",     "participants",
                                       "quantity", "note",        NULL};
    json_t *o = json_object(), *funds = json_object_get(row, "funds");
    for (int i = 0; keys[i]; i++)
        json_object_set_new(o, keys[i], activity_copy(row, keys[i]));
    json_object_set_new(o, "funds", json_is_number(funds) ? json_real(json_number_value(funds))
                                                          : json_null());
    return o;
}

json_t *safety_vaccination_object(json_t *row)
{
    static const char *const keys[] = {"school_id", "school_name", "school_code", "town", "period",
                                       NULL};
    json_t *o = json_object();
    int64_t se = json_integer_value(json_object_get(row, "staff_eligible"));
    int64_t sv = json_integer_value(json_object_get(row, "staff_vaccinated"));
    int64_t pe = json_integer_value(json_object_get(row, "pupils_eligible"));
    int64_t pv = json_integer_value(json_object_get(row, "pupils_vaccinated"));
    for (int i = 0; keys[i]; i++)
        json_object_set_new(o, keys[i], activity_copy(row, keys[i]));
    json_object_set_new(o, "staff_eligible", json_integer(se));
    json_object_set_new(o, "staff_vaccinated", json_integer(sv));
    json_object_set_new(o, "staff_rate", safety_rate_json(sv, se));
    json_object_set_new(o, "pupils_eligible", json_integer(pe));
    json_object_set_new(o, "pupils_vaccinated", json_integer(pv));
    json_object_set_new(o, "pupils_rate", safety_rate_json(pv, pe));
    return o;
}

int safety_vaccination_totals(store_db *db, const char *lower, const char *upper,
                              const char *period, json_t **out)
{
    json_t *row = NULL;
    int64_t se = 0, sv = 0, pe = 0, pv = 0;
    if (period) {
        sval p[] = {SV_T(lower), SV_T(upper), SV_T(period)};
        int rc = db_query_one(db,
                              "SELECT COALESCE(SUM(staff_eligible), 0) AS se, "
                              "COALESCE(SUM(staff_vaccinated), 0) AS sv, "
                              "COALESCE(SUM(pupils_eligible), 0) AS pe, "
                              "COALESCE(SUM(pupils_vaccinated), 0) AS pv FROM vaccinations "
                              "WHERE path >= ? AND path < ? AND period = ?",
                              p, 3, &row);
        if (rc != STORE_OK)
            return rc;
        se = json_integer_value(json_object_get(row, "se"));
        sv = json_integer_value(json_object_get(row, "sv"));
        pe = json_integer_value(json_object_get(row, "pe"));
        pv = json_integer_value(json_object_get(row, "pv"));
        json_decref(row);
    }
    *out = json_pack("{ss? sI sI so sI sI so}", "period", period, "staff_eligible", (json_int_t)se,
                     "staff_vaccinated", (json_int_t)sv, "staff_rate", safety_rate_json(sv, se),
                     "pupils_eligible", (json_int_t)pe, "pupils_vaccinated", (json_int_t)pv,
                     "pupils_rate", safety_rate_json(pv, pe));
    return STORE_OK;
}

/* --------------------------------------------------------- activities */

/* A count field: required (missing names it), >= 0 when given. */
static int activity_check_count(json_t *in, const char *key, int required, const char *label,
                                int64_t *out, int *given, refusal *e)
{
    int got = safety_json_count(in, key, out);
    *given = got == 1;
    if (got < 0)
        return refuse(e, 400, "invalid", key, label);
    if (got == 0 && required)
        return refuse(e, 400, "missing", key, label);
    return 0;
}

/* Check the fields of the activity in (all but school_id) and parse its
 * numbers; *has_* tell which were given. */
static int activity_validate(json_t *in, int64_t *participants, int *has_participants,
                             int64_t *quantity, int *has_quantity, double *funds, int *has_funds,
                             refusal *e)
{
    const char *kind = text_field_nonempty(in, "kind");
    const char *title = text_field_nonempty(in, "title");
    const char *on_date = text_field_nonempty(in, "on_date");
    const char *note = text_field_nonempty(in, "note");
    json_t *v;

    if (!kind)
        return refuse(e, 400, "missing", "kind", "请选择活动类型");
    if (!text_in_list(safety_activity_kinds, kind))
        return refuse(e, 400, "invalid", "kind", "活动类型无效");
    if (!title)
        return refuse(e, 400, "missing", "title", "请填写名称");
    if (!json_is_string(json_object_get(in, "title")) || text_chars(title) > ACTIVITY_TITLE_MAX)
        return refuse(e, 400, "invalid", "title", "名称不超过 100 个字");
    if (!on_date)
        return refuse(e, 400, "missing", "on_date", "请填写日期");
    if (!safety_date_valid(on_date))
        return refuse(e, 400, "invalid", "on_date", "日期格式应为 YYYY-MM-DD");
    int needs_people = strcmp(kind, "安全教育") == 0 || strcmp(kind, "应急演练") == 0;
    int needs_quantity = strcmp(kind, "安防器材") == 0 || strcmp(kind, "灭火器") == 0 ||
                         strcmp(kind, "宣传版面") == 0;
    if (activity_check_count(in, "participants", needs_people,
                             needs_people ? "请填写参与人数（不小于 0 的整数）"
                                          : "参与人数应为不小于 0 的整数",
                             participants, has_participants, e) ||
        activity_check_count(in, "quantity", needs_quantity,
                             needs_quantity ? "请填写数量（不小于 0 的整数）"
                                            : "数量应为不小于 0 的整数",
                             quantity, has_quantity, e))
        return REFUSED;
    v = json_object_get(in, "funds");
    *has_funds = 0;
    if (v && !json_is_null(v) && !(json_is_string(v) && json_string_length(v) == 0)) {
        char *end = NULL;
        if (json_is_number(v))
            *funds = json_number_value(v);
        else if (json_is_string(v))
            *funds = strtod(json_string_value(v), &end);
        if ((!json_is_number(v) && (!end || *end || end == json_string_value(v))) ||
            !(*funds >= 0) || *funds > 1e12)
            return refuse(e, 400, "invalid", "funds", "资金应为不小于 0 的金额（元）");
        *has_funds = 1;
    }
    if (note && (!json_is_string(json_object_get(in, "note")) ||
                 text_chars(note) > ACTIVITY_NOTE_MAX))
        return refuse(e, 400, "invalid", "note", "备注不超过 500 个字");
    return 0;
}

static int activity_load(store_db *db, int64_t id, json_t **out)
{
    json_t *row = NULL;
    sval p[] = {SV_I(id)};
    int rc = db_query_one(db, SAFETY_ACTIVITY_SELECT " WHERE a.id = ?", p, 1, &row);
    if (rc != STORE_OK)
        return rc;
    *out = safety_activity_object(row);
    json_decref(row);
    return STORE_OK;
}

/* Create the activity of in for u, with its audit row, in the caller's
 * transaction. */
static int activity_create(store_db *db, const user_ctx *u, const char *ip, json_t *in,
                           int64_t *id_out, refusal *e)
{
    int64_t participants = 0, quantity = 0, id = 0;
    int has_participants, has_quantity, has_funds;
    double funds = 0;
    json_t *school = NULL, *after = NULL;
    int rc = activity_validate(in, &participants, &has_participants, &quantity, &has_quantity,
                               &funds, &has_funds, e);
    if (rc != 0)
        return rc;
    rc = safety_school_for_write(db, u, in, "school_id", &school, e);
    if (rc != STORE_OK)
        return rc;
    const char *path = json_string_value(json_object_get(school, "path"));
    sval p[] = {SV_I(json_integer_value(json_object_get(school, "id"))),
                SV_T(path),
                SV_T(text_field_nonempty(in, "kind")),
                SV_T(text_field_nonempty(in, "title")),
                SV_T(text_field_nonempty(in, "on_date")),
                has_participants ? SV_I(participants) : SV_NUL,
                has_quantity ? SV_I(quantity) : SV_NUL,
                has_funds ? SV_R(funds) : SV_NUL,
                SV_T(text_field_nonempty(in, "note")),
                u ? SV_I(u->id) : SV_NUL,
                SV_I(clock_now())};
    rc = db_insert(db,
                   "INSERT INTO safety_activities (school_id, path, kind, title, on_date, "
                   "participants, quantity, funds, note, created_by, created_at) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                   p, 11, &id);
    if (rc == STORE_OK)
        rc = activity_load(db, id, &after);
    if (rc == STORE_OK)
        rc = audit_write(db, u, ip, "create", "safety_activity", id, path, NULL, after);
    json_decref(after);
    json_decref(school);
    if (rc == STORE_OK)
        *id_out = id;
    return rc;
}

static int activity_create_op(req *r, int64_t id, int64_t *id_out, refusal *e)
{
    (void)id;
    return activity_create(r->db, r->user, r->ip, r->json, id_out, e);
}

static int activity_reply_load(req *r, int64_t id, json_t **out)
{
    return activity_load(r->db, id, out);
}

void safety_activities_create_handler(req *r)
{
    if (req_body_object(r) == 0)
        reply_write(r, 0, activity_create_op, activity_reply_load, 201);
}

/* The WHERE of the activity filters (kind, school_id, town, from, to) over
 * the caller's scope; -1 when it replied 400. */
static int activity_filters(req *r, query *q)
{
    query_scope(q, r->a, "a.path", r->user->scope_path);
    if (query_enum(r, q, "kind", "a.kind = ?", safety_activity_kinds, "活动类型无效") ||
        query_id(r, q, "school_id", "a.school_id = ?", "学校无效") ||
        query_id(r, q, "town", "s.town_id = ?", "街道/乡镇无效") ||
        query_dates(r, q, "a.on_date"))
        return -1;
    return 0;
}

void safety_activities_list_handler(req *r)
{
    paging pg;
    query q = QUERY_INIT;
    int64_t total = 0;
    json_t *rows = NULL;

    if (paging_parse(r, &pg) != 0 || req_can_read(r, "safety") != 0)
        return;
    if (activity_filters(r, &q) != 0) {
        query_free(&q);
        return;
    }
    char *count_sql = arena_printf(r->a,
                                   "SELECT COUNT(*) FROM safety_activities a "
                                   "JOIN schools s ON s.id = a.school_id%s",
                                   sb_str(&q.where));
    char *sql = arena_printf(r->a,
                             SAFETY_ACTIVITY_SELECT "%s ORDER BY a.on_date DESC, a.id DESC "
                             "LIMIT ? OFFSET ?",
                             sb_str(&q.where));
    int rc = paging_query(r->db, count_sql, sql, q.p, q.n, pg.limit, pg.offset, &total, &rows);
    query_free(&q);
    paging_reply_rows(r, &pg, rc, rows, total, safety_activity_object, "安全活动",
                      activity_xlsx_cols);
}

/* One totals item from a grouped row. */
static json_t *activity_totals_item(json_t *row)
{
    json_t *o = json_object();
    json_object_set_new(o, "key", activity_copy(row, "key"));
    json_object_set_new(o, "name", activity_copy(row, "name"));
    json_object_set_new(o, "kind", activity_copy(row, "kind"));
    json_object_set_new(o, "count", json_integer(json_integer_value(json_object_get(row, "count"))));
    json_object_set_new(o, "participants",
                        json_integer(json_integer_value(json_object_get(row, "participants"))));
    json_object_set_new(o, "quantity",
                        json_integer(json_integer_value(json_object_get(row, "quantity"))));
    json_object_set_new(o, "funds", json_real(json_number_value(json_object_get(row, "funds"))));
    json_object_set_new(o, "schools",
                        json_integer(json_integer_value(json_object_get(row, "schools"))));
    return o;
}

/* Totals by kind: all kinds in display order, zeros included. */
static json_t *activity_totals_by_kind(json_t *rows)
{
    json_t *items = json_array();
    for (int k = 0; safety_activity_kinds[k]; k++) {
        json_t *hit = NULL, *row, *item;
        size_t i;
        json_array_foreach(rows, i, row) {
            const char *kind = json_string_value(json_object_get(row, "kind"));
            if (kind && strcmp(kind, safety_activity_kinds[k]) == 0)
                hit = row;
        }
        if (hit) {
            item = activity_totals_item(hit);
        } else {
            item = json_pack("{ss ss ss si si si sf si}", "key", safety_activity_kinds[k], "name",
                             safety_activity_kinds[k], "kind", safety_activity_kinds[k], "count",
                             0, "participants", 0, "quantity", 0, "funds", 0.0, "schools", 0);
        }
        json_array_append_new(items, item);
    }
    return items;
}

/* GET /api/safety/activities/totals?from=&to=&by=school|town|kind. By
 * school or town there is one item per unit and kind (participants and
 * quantities of different kinds do not add up), in the order of the units
 * and then of the kinds. */
void safety_activities_totals_handler(req *r)
{
    const char *by = req_query(r, "by");
    const char *group, *order;
    query q = QUERY_INIT;
    json_t *rows = NULL;

    if (req_can_read(r, "safety") != 0)
        return;
    if (!by || strcmp(by, "kind") == 0) {
        by = "kind";
        group = "a.kind AS key, a.kind AS name";
        order = "GROUP BY a.kind ORDER BY a.kind";
    } else if (strcmp(by, "school") == 0) {
        group = "a.school_id AS key, s.name AS name";
        order = "GROUP BY a.school_id, s.name, s.code, a.kind ORDER BY s.code, a.kind";
    } else if (strcmp(by, "town") == 0) {
        group = "s.town_id AS key, t.name AS name";
        order = "GROUP BY s.town_id, t.name, a.kind ORDER BY t.name, s.town_id, a.kind";
    } else {
        reply_bad_request(r, "by", "汇总方式应为 school、town 或 kind");
        return;
    }
    if (activity_filters(r, &q) != 0) {
        query_free(&q);
        return;
    }
    char *sql = arena_printf(r->a,
                             "SELECT %s, a.kind AS kind, COUNT(*) AS count, "
                             "COALESCE(SUM(a.participants), 0) AS participants, "
                             "COALESCE(SUM(a.quantity), 0) AS quantity, "
                             "COALESCE(SUM(a.funds), 0) AS funds, "
                             "COUNT(DISTINCT a.school_id) AS schools FROM safety_activities a "
                             "JOIN schools s ON s.id = a.school_id "
                             "LEFT JOIN org_units t ON t.id = s.town_id%s %s",
                             group, sb_str(&q.where), order);
    int rc = db_query(r->db, sql, q.p, q.n, &rows);
    query_free(&q);
    if (rc != STORE_OK) {
        reply_store_error(r, rc);
        return;
    }
    json_t *items;
    if (strcmp(by, "kind") == 0) {
        items = activity_totals_by_kind(rows);
    } else {
        items = json_array();
        /* The rows come ordered by unit: kinds in display order inside each. */
        for (size_t start = 0; start < json_array_size(rows);) {
            json_t *key = json_object_get(json_array_get(rows, start), "key");
            size_t end = start;
            while (end < json_array_size(rows) &&
                   json_equal(json_object_get(json_array_get(rows, end), "key"), key))
                end++;
            for (int k = 0; safety_activity_kinds[k]; k++)
                for (size_t j = start; j < end; j++) {
                    const char *kind =
                        json_string_value(json_object_get(json_array_get(rows, j), "kind"));
                    if (kind && strcmp(kind, safety_activity_kinds[k]) == 0)
                        json_array_append_new(items, activity_totals_item(json_array_get(rows, j)));
                }
            start = end;
        }
    }
    json_decref(rows);
    reply_json(r, 200, json_pack("{so}", "items", items));
}

/* ------------------------------------------------------- vaccinations */

void safety_vaccinations_list_handler(req *r)
{
    const user_ctx *u = r->user;
    paging pg;
    const char *period = req_query(r, "period");
    json_t *latest = NULL, *rows = NULL, *county = NULL;
    int64_t total = 0;

    if (paging_parse(r, &pg) != 0 || req_can_read(r, "safety") != 0)
        return;
    if (period && !safety_period_valid(period)) {
        reply_bad_request(r, "period", "期次格式应为 YYYY-MM");
        return;
    }
    const char *upper = org_scope_upper(r->a, u->scope_path);
    sval p[] = {SV_T(u->scope_path), SV_T(upper), SV_T(period), SV_I(pg.limit),
                SV_I(pg.offset)};
    int rc = STORE_OK;
    if (!period) {
        rc = db_query_one(r->db,
                          "SELECT MAX(period) AS period FROM vaccinations "
                          "WHERE path >= ? AND path < ?",
                          p, 2, &latest);
        if (rc == STORE_OK) {
            period = arena_strdup(r->a, json_string_value(json_object_get(latest, "period")));
            p[2] = SV_T(period);
        }
        json_decref(latest);
    }
    if (rc == STORE_OK && period)
        rc = db_query_int(r->db,
                          "SELECT COUNT(*) FROM vaccinations WHERE path >= ? AND path < ? "
                          "AND period = ?",
                          p, 3, &total);
    if (rc == STORE_OK && period)
        rc = db_query(r->db,
                      SAFETY_VACCINATION_SELECT " WHERE v.path >= ? AND v.path < ? AND v.period = ? "
                      "ORDER BY s.code LIMIT ? OFFSET ?",
                      p, 5, &rows);
    if (rc == STORE_OK)
        rc = safety_vaccination_totals(r->db, u->scope_path, upper, period, &county);
    if (rc != STORE_OK) {
        json_decref(rows);
        log_error("GET /api/safety/vaccinations: %s", db_errmsg(r->db));
        reply_store_error(r, rc);
        return;
    }
    json_t *items = json_array(), *row;
    size_t i;
    json_array_foreach(rows, i, row) json_array_append_new(items, safety_vaccination_object(row));
    json_decref(rows);
    if (pg.xlsx) {
        json_decref(county);
        paging_reply(r, &pg, items, total, "疫苗接种", vaccination_xlsx_cols);
        return;
    }
    reply_json(r, 200,
               json_pack("{so sI si si ss? so}", "items", items, "total", (json_int_t)total, "page",
                         pg.page, "per_page", pg.per_page, "period", period, "county", county));
}

/* The four counts of a vaccination report, in the order of the columns. */
static const struct {
    const char *key, *missing, *over;
} vaccination_counts[] = {
    {"staff_eligible", "请填写教职工应接种人数（不小于 0 的整数）", NULL},
    {"staff_vaccinated", "请填写教职工已接种人数（不小于 0 的整数）",
     "教职工已接种人数不能超过应接种人数"},
    {"pupils_eligible", "请填写学生（3-17 岁）应接种人数（不小于 0 的整数）", NULL},
    {"pupils_vaccinated", "请填写学生已接种人数（不小于 0 的整数）",
     "学生已接种人数不能超过应接种人数"},
};

static int vaccination_validate(json_t *in, int64_t counts[4], refusal *e)
{
    const char *period = text_field_nonempty(in, "period");
    if (!period)
        return refuse(e, 400, "missing", "period", "请填写期次（YYYY-MM）");
    if (!safety_period_valid(period))
        return refuse(e, 400, "invalid", "period", "期次格式应为 YYYY-MM");
    for (int i = 0; i < 4; i++) {
        int got = safety_json_count(in, vaccination_counts[i].key, &counts[i]);
        if (got <= 0)
            return refuse(e, 400, got ? "invalid" : "missing", vaccination_counts[i].key,
                          vaccination_counts[i].missing);
        if (counts[i] > 100000000)
            return refuse(e, 400, "invalid", vaccination_counts[i].key, "人数过大");
        if (vaccination_counts[i].over && counts[i] > counts[i - 1])
            return refuse(e, 400, "invalid", vaccination_counts[i].key,
                          vaccination_counts[i].over);
    }
    return 0;
}

static int vaccination_load(store_db *db, int64_t school_id, const char *period, json_t **out)
{
    json_t *row = NULL;
    sval p[] = {SV_I(school_id), SV_T(period)};
    int rc = db_query_one(db, SAFETY_VACCINATION_SELECT " WHERE v.school_id = ? AND v.period = ?",
                          p, 2, &row);
    if (rc != STORE_OK)
        return rc;
    *out = safety_vaccination_object(row);
    json_decref(row);
    return STORE_OK;
}

/* Insert or update the report of in for u, with its audit row. */
static int vaccination_upsert(store_db *db, const user_ctx *u, const char *ip, json_t *in,
                              int64_t *school_out, refusal *e)
{
    int64_t counts[4], id = 0, now = clock_now();
    json_t *school = NULL, *before = NULL, *after = NULL;
    int rc = vaccination_validate(in, counts, e);
    if (rc != 0)
        return rc;
    rc = safety_school_for_write(db, u, in, "school_id", &school, e);
    if (rc != STORE_OK)
        return rc;
    int64_t school_id = json_integer_value(json_object_get(school, "id"));
    const char *path = json_string_value(json_object_get(school, "path"));
    const char *period = text_field_nonempty(in, "period");
    sval key[] = {SV_I(school_id), SV_T(period)};
    rc = db_query_int(db, "SELECT id FROM vaccinations WHERE school_id = ? AND period = ?", key, 2,
                      &id);
    if (rc == STORE_OK) {
        rc = vaccination_load(db, school_id, period, &before);
        sval p[] = {SV_I(counts[0]), SV_I(counts[1]), SV_I(counts[2]), SV_I(counts[3]),
                    SV_T(path), SV_I(now), SV_I(id)};
        if (rc == STORE_OK)
            rc = db_exec(db,
                         "UPDATE vaccinations SET staff_eligible = ?, staff_vaccinated = ?, "
                         "pupils_eligible = ?, pupils_vaccinated = ?, path = ?, updated_at = ? "
                         "WHERE id = ?",
                         p, 7);
    } else if (rc == STORE_NOTFOUND) {
        sval p[] = {SV_I(school_id), SV_T(path), SV_T(period), SV_I(counts[0]),
                    SV_I(counts[1]), SV_I(counts[2]), SV_I(counts[3]), SV_I(now)};
        rc = db_insert(db,
                       "INSERT INTO vaccinations (school_id, path, period, staff_eligible, "
                       "staff_vaccinated, pupils_eligible, pupils_vaccinated, updated_at) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                       p, 8, &id);
    }
    if (rc == STORE_OK)
        rc = vaccination_load(db, school_id, period, &after);
    if (rc == STORE_OK)
        rc = audit_write(db, u, ip, before ? "update" : "create", "vaccination", id, path, before,
                         after);
    json_decref(before);
    json_decref(after);
    json_decref(school);
    if (rc == STORE_OK)
        *school_out = school_id;
    return rc;
}

/* The report is the school's (id) of the body's period. */
static int vaccination_upsert_op(req *r, int64_t id, int64_t *school_out, refusal *e)
{
    (void)id;
    return vaccination_upsert(r->db, r->user, r->ip, r->json, school_out, e);
}

static int vaccination_reply_load(req *r, int64_t school_id, json_t **out)
{
    return vaccination_load(r->db, school_id, text_field_nonempty(r->json, "period"), out);
}

void safety_vaccinations_put_handler(req *r)
{
    if (req_body_object(r) == 0)
        reply_write(r, 0, vaccination_upsert_op, vaccination_reply_load, 200);
}
