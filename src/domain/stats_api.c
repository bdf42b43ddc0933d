/*
 * stats_api.c - HTTP handlers of the 基表 records (docs/api-stats.md, "Form
 * and rules", "Records", "Summary"): the form of a school type, the fields
 * of a year, the list of schools and their records (paged, xlsx), one
 * record (pre-filled from last year when there is none), saving a draft,
 * the status moves, and the 首页 summary by stage.
 *
 * The rules live in stats.c; these handlers parse the request, run the
 * operation in one transaction and reply once. Who: reading needs read
 * access to "stats" at the school; saving and submitting write access (a
 * 学校管理员 their own school); return, approve and reopen the bureau (see
 * stats_record_transition).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "auth/access.h"
#include "domain/org.h"
#include "domain/schools.h"
#include "domain/stats.h"
#include "http/paging.h"
#include "http/query.h"
#include "http/reply.h"
#include "http/router.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/parse.h"
#include "util/strbuf.h"

static const char *const stats_api_statuses[] = {"未填报", "草稿", "已提交", "已退回", "已通过",
                                                 NULL};

/* The stages of the summary: section, name, its classes and pupils fields. */
static const struct {
    const char *section;
    const char *stage;
    const char *classes;
    const char *pupils;
} stats_api_stages[] = {
    {"kg", "学前", "kg_classes", "kg_children"},
    {"primary", "小学", "primary_classes", "primary_pupils"},
    {"junior", "初中", "junior_classes", "junior_pupils"},
    {"senior", "高中", "senior_classes", "senior_pupils"},
    {"vocational", "中职", "vocational_classes", "vocational_pupils"},
};
#define STATS_API_NSTAGES (sizeof stats_api_stages / sizeof stats_api_stages[0])

static const xlsx_col stats_api_xlsx_cols[] = {
    {"code", "学校标识码", 14, XLSX_TEXT},   {"school_name", "学校名称", 28, XLSX_TEXT},
    {"type", "办学类型", 14, XLSX_TEXT},     {"town", "街道/乡镇", 14, XLSX_TEXT},
    {"area", "城乡分类", 10, XLSX_TEXT},     {"year", "学年", 8, XLSX_INT},
    {"status", "状态", 8, XLSX_TEXT},        {"submitted_at", "提交时间", 20, XLSX_TEXT},
    {"reviewed_at", "审核时间", 20, XLSX_TEXT}, {"classes", "班数", 8, XLSX_INT},
    {"pupils", "学生数", 10, XLSX_INT},      {"staff", "教职工数", 10, XLSX_INT},
    {"teachers", "专任教师数", 10, XLSX_INT}, {NULL, NULL, 0, XLSX_TEXT},
};

/* ---------------------------------------------------------------- helpers */

/* A year from text, or 0 when it is not one (2000..2100). */
static int stats_api_parse_year(const char *text)
{
    int64_t y = parse_id(text);
    return y >= 2000 && y <= 2100 ? (int)y : 0;
}

/* The query's year (absent: fallback); 0 after replying 400. */
static int stats_api_query_year(req *r, int fallback)
{
    const char *text = req_query(r, "year");
    if (!text)
        return fallback;
    int year = stats_api_parse_year(text);
    if (!year)
        reply_bad_request(r, "year", "学年无效");
    return year;
}

static int stats_api_this_year(void)
{
    return stats_school_year(clock_now());
}

/* The route's {school_id} and {year}; 0 after replying 404. */
static int64_t stats_api_route(req *r, int *year)
{
    int64_t school_id = parse_id(req_param(r, "school_id"));
    *year = stats_api_parse_year(req_param(r, "year"));
    if (!school_id || !*year) {
        reply_error(r, 404, "not_found", "基表不存在", NULL);
        return 0;
    }
    return school_id;
}

/* Field key -> number of a values object, or NAN. */
static double stats_api_num(json_t *values, const char *key)
{
    json_t *v = json_object_get(values, key);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

/* ------------------------------------------------------- form and fields */

static void stats_api_schema_handler(req *r)
{
    json_t *schema = NULL, *rules = NULL;
    int year = stats_api_query_year(r, stats_api_this_year());
    if (!year)
        return;
    const char *type = req_query(r, "type");
    if (!type || !schools_type_valid(type)) {
        reply_bad_request(r, "type", type ? "办学类型无效" : "请选择办学类型");
        return;
    }
    if (req_can_read(r, "stats") != 0)
        return;
    int rc = stats_schema(r->db, year, type, &schema);
    if (rc == STORE_OK)
        rc = stats_rules(r->db, year, type, &rules);
    if (rc != STORE_OK) {
        json_decref(schema);
        reply_store_error(r, rc);
        return;
    }
    json_object_set_new(schema, "rules", rules);
    reply_json(r, 200, schema);
}

static void stats_api_fields_handler(req *r)
{
    json_t *fields = NULL;
    int year = stats_api_query_year(r, stats_api_this_year());
    if (!year)
        return;
    if (req_can_read(r, "stats") != 0)
        return;
    int rc = stats_fields(r->db, year, NULL, &fields);
    reply_items(r, rc, fields);
}

/* ------------------------------------------------------------- the list */

/* The sorts of the list (query_order), ties by school id. */
static const query_sort stats_api_sorts[] = {
    {"code", "s.code"},           {"school_name", "s.name"},
    {"type", "s.type"},           {"town", "t.name"},
    {"area", "s.area"},           {"status", "COALESCE(r.status, '未填报')"},
    {"submitted_at", "r.submitted_at"}, {"reviewed_at", "r.reviewed_at"},
    {NULL, NULL},
};

/* The WHERE of the list, and the year it reads. */
typedef struct stats_api_filter {
    query q;
    int year;
} stats_api_filter;

/* round=: the round's year, scope and types; -1 after replying. */
static int stats_api_filter_round(req *r, stats_api_filter *f, const char *text)
{
    json_t *round = NULL;
    int64_t id = parse_id(text);
    sval p[] = {SV_I(id)};
    int rc = id ? db_query_one(r->db, "SELECT path, year, school_types FROM stat_rounds WHERE id = ?",
                               p, 1, &round)
                : STORE_NOTFOUND;
    if (rc == STORE_NOTFOUND) {
        reply_bad_request(r, "round", "填报任务不存在");
        return -1;
    }
    if (rc != STORE_OK) {
        reply_store_error(r, rc);
        return -1;
    }
    const char *path = arena_strdup(r->a, json_string_value(json_object_get(round, "path")));
    const char *types = arena_strdup(r->a, json_string_value(json_object_get(round, "school_types")));
    f->year = (int)json_integer_value(json_object_get(round, "year"));
    json_decref(round);
    query_and(&f->q, "s.path >= ?", SV_T(path));
    query_and(&f->q, "s.path < ?", SV_T(org_scope_upper(r->a, path)));
    /* s.type IN ('', <the round's types>) */
    strbuf in = STRBUF_INIT;
    sval in_types[32];
    int n = 0;
    for (const char *s = types ? types : ""; *s && n < (int)(sizeof in_types / sizeof in_types[0]);) {
        const char *bar = strchr(s, '|');
        size_t len = bar ? (size_t)(bar - s) : strlen(s);
        if (len) {
            sb_append(&in, ", ?");
            in_types[n++] = SV_T(arena_strndup(r->a, s, len));
        }
        s += len + (bar ? 1 : 0);
    }
    query_and_n(&f->q, arena_printf(r->a, "s.type IN (''%s)", sb_str(&in)), in_types, n);
    sb_free(&in);
    return 0;
}

/* The WHERE (after the year's join parameter) of the list; -1 replied. */
static int stats_api_filters(req *r, stats_api_filter *f)
{
    const user_ctx *u = r->user;
    const char *round = req_query(r, "round");
    f->year = stats_api_query_year(r, stats_api_this_year());
    if (!f->year)
        return -1;
    f->q.p[f->q.n++] = SV_I(0); /* r.year, set below */
    sb_append(&f->q.where, " WHERE s.path >= ? AND s.path < ?");
    f->q.p[f->q.n++] = SV_T(u->scope_path);
    f->q.p[f->q.n++] = SV_T(org_scope_upper(r->a, u->scope_path));
    if (round && stats_api_filter_round(r, f, round) != 0)
        return -1;
    f->q.p[0] = SV_I(f->year);
    /* the schools of that year: with a form for their type, founded by
     * then, and open now or with a record of the year */
    sval years[] = {SV_I(f->year), SV_I(f->year), SV_I(f->year)};
    query_and_n(&f->q, "s.type IN (SELECT x.school_type FROM stat_sections x WHERE "
                       "x.year_from <= ? AND (x.year_to IS NULL OR x.year_to >= ?))"
                       " AND (s.founded_year IS NULL OR s.founded_year <= ?)"
                       " AND (s.status = '在办' OR r.id IS NOT NULL)",
                years, 3);
    const char *status = req_query(r, "status"), *text = req_query(r, "q");
    if (query_enum(r, &f->q, "type", "s.type = ?", schools_types, "办学类型无效") ||
        query_id(r, &f->q, "town", "s.town_id = ?", "街道/乡镇无效"))
        return -1;
    if (status && strcmp(status, "未填报") == 0)
        sb_append(&f->q.where, " AND r.id IS NULL");
    else if (query_enum(r, &f->q, "status", "r.status = ?", stats_api_statuses, "状态无效"))
        return -1;
    if (text) {
        sval like[] = {SV_T(query_like(r->a, text, 0)), SV_T(query_like(r->a, text, 1))};
        query_and_n(&f->q, "(s.name LIKE ? ESCAPE '\\' OR s.code LIKE ? ESCAPE '\\')", like, 2);
    }
    return 0;
}

/* Which total a field of the year's form adds to: "classes" and "pupils"
 * for computed totals (<stage>_classes; <stage>_pupils, kg_children),
 * "staff" and "teachers" for staff_total and teachers_total, else NULL. */
static const char *stats_api_total_of(json_t *field)
{
    const char *key = json_string_value(json_object_get(field, "key"));
    size_t n = key ? strlen(key) : 0;
    if (!key)
        return NULL;
    if (strcmp(key, "staff_total") == 0)
        return "staff";
    if (strcmp(key, "teachers_total") == 0)
        return "teachers";
    if (!json_is_string(json_object_get(field, "computed")))
        return NULL;
    if (n > 8 && strcmp(key + n - 8, "_classes") == 0)
        return "classes";
    if ((n > 7 && strcmp(key + n - 7, "_pupils") == 0) || (n > 9 && strcmp(key + n - 9, "_children") == 0))
        return "pupils";
    return NULL;
}

/* Add classes/pupils/staff/teachers to the items (record_id members) from
 * the values of their records: totals maps field -> column. */
static int stats_api_totals(req *r, json_t *items, json_t *totals)
{
    size_t nitems = json_array_size(items);
    for (size_t start = 0; start < nitems; start += 200) {
        strbuf sql = STRBUF_INIT;
        sval p[200 + 64];
        int n = 0;
        json_t *index = json_object(), *rows = NULL;
        const char *key;
        json_t *v;
        sb_append(&sql, "SELECT record_id, field, num FROM stat_values WHERE field IN (''");
        json_object_foreach(totals, key, v) {
            if (n >= 64)
                break;
            sb_append(&sql, ", ?");
            p[n++] = SV_T(key);
        }
        sb_append(&sql, ") AND record_id IN (0");
        for (size_t i = start; i < nitems && i < start + 200; i++) {
            json_t *item = json_array_get(items, i), *rid = json_object_get(item, "record_id");
            if (!json_is_integer(rid))
                continue;
            char id[24];
            snprintf(id, sizeof id, "%lld", (long long)json_integer_value(rid));
            json_object_set(index, id, item);
            sb_append(&sql, ", ?");
            p[n++] = SV_I(json_integer_value(rid));
        }
        sb_append(&sql, ")");
        int rc = json_object_size(index) ? db_query(r->db, sb_str(&sql), p, n, &rows) : STORE_OK;
        sb_free(&sql);
        size_t i;
        json_t *row;
        json_array_foreach(rows, i, row) {
            char id[24];
            snprintf(id, sizeof id, "%lld",
                     (long long)json_integer_value(json_object_get(row, "record_id")));
            json_t *item = json_object_get(index, id);
            const char *column = json_string_value(
                json_object_get(totals, json_string_value(json_object_get(row, "field"))));
            json_t *num = json_object_get(row, "num");
            if (!item || !column || !json_is_number(num))
                continue;
            json_t *sum = json_object_get(item, column);
            double total = (json_is_number(sum) ? json_number_value(sum) : 0) + json_number_value(num);
            json_object_set_new(item, column, json_integer((json_int_t)llround(total)));
        }
        json_decref(rows);
        json_decref(index);
        if (rc != STORE_OK)
            return rc;
    }
    return STORE_OK;
}

/* The list rows as the API shows them. */
static json_t *stats_api_list_items(json_t *rows, int year)
{
    json_t *items = json_array();
    size_t i;
    json_t *row;
    char at[20];
    json_array_foreach(rows, i, row) {
        json_t *o = json_pack("{sO sO sO sO sO sO si sO sn sn sn sn sn sn sO}", "school_id",
                              json_object_get(row, "school_id"), "school_name",
                              json_object_get(row, "school_name"), "code",
                              json_object_get(row, "code"), "type", json_object_get(row, "type"),
                              "town", json_object_get(row, "town"), "area",
                              json_object_get(row, "area"), "year", year, "status",
                              json_object_get(row, "status"), "submitted_at", "reviewed_at",
                              "classes", "pupils", "staff", "teachers", "record_id",
                              json_object_get(row, "record_id"));
        if (!o)
            continue;
        static const char *const times[] = {"submitted_at", "reviewed_at", NULL};
        for (int k = 0; times[k]; k++) {
            json_t *t = json_object_get(row, times[k]);
            if (json_is_integer(t)) {
                clock_format(json_integer_value(t), at, sizeof at);
                json_object_set_new(o, times[k], json_string(at));
            }
        }
        json_array_append_new(items, o);
    }
    return items;
}

#define STATS_API_LIST_FROM                                                                    \
    " FROM schools s LEFT JOIN org_units t ON t.id = s.town_id LEFT JOIN stat_records r ON "   \
    "r.school_id = s.id AND r.year = ?"

static void stats_api_list_handler(req *r)
{
    paging pg;
    stats_api_filter f = {.q = QUERY_INIT};
    json_t *rows = NULL, *fields = NULL, *items = NULL;
    int64_t total = 0;

    if (paging_parse(r, &pg) != 0 || req_can_read(r, "stats") != 0)
        return;
    const char *order = query_order(r, stats_api_sorts, "code", "s.id", 0);
    if (!order)
        return;
    if (stats_api_filters(r, &f) != 0) {
        query_free(&f.q);
        return;
    }
    char *count_sql = arena_printf(r->a, "SELECT COUNT(*)" STATS_API_LIST_FROM "%s",
                                   sb_str(&f.q.where));
    char *sql = arena_printf(r->a,
                             "SELECT s.id AS school_id, s.name AS school_name, s.code, s.type, "
                             "t.name AS town, s.area, r.id AS record_id, COALESCE(r.status, "
                             "'未填报') AS status, r.submitted_at, r.reviewed_at"
                             STATS_API_LIST_FROM "%s ORDER BY %s LIMIT ? OFFSET ?",
                             sb_str(&f.q.where), order);
    int rc = paging_query(r->db, count_sql, sql, f.q.p, f.q.n, pg.limit, pg.offset, &total, &rows);
    query_free(&f.q);
    if (rc == STORE_OK)
        rc = stats_fields(r->db, f.year, NULL, &fields);
    if (rc == STORE_OK) {
        json_t *totals = json_object();
        size_t i;
        json_t *field;
        json_array_foreach(fields, i, field) {
            const char *column = stats_api_total_of(field);
            if (column)
                json_object_set_new(totals, json_string_value(json_object_get(field, "key")),
                                    json_string(column));
        }
        items = stats_api_list_items(rows, f.year);
        rc = stats_api_totals(r, items, totals);
        json_decref(totals);
    }
    json_decref(rows);
    json_decref(fields);
    if (rc != STORE_OK) {
        json_decref(items);
        reply_store_error(r, rc);
        return;
    }
    size_t i;
    json_t *item;
    json_array_foreach(items, i, item) json_object_del(item, "record_id");
    paging_reply(r, &pg, items, total, "基表填报情况", stats_api_xlsx_cols);
}

/* ------------------------------------------------------------ one record */

/* The record of school_id in year as GET shows it to the caller:
 * STORE_NOTFOUND when the school is not there for them. */
static int stats_api_detail(req *r, int64_t school_id, int year, json_t **out)
{
    json_t *school = NULL, *row = NULL, *record = NULL, *prev = NULL, *schema = NULL;
    json_t *problems = NULL;
    int errors = 0;
    sval p[] = {SV_I(school_id)};
    *out = NULL;
    int rc = schools_load(r->db, r->user, school_id, 0, &school);
    if (rc != STORE_OK)
        return rc;
    rc = db_query_one(r->db, "SELECT path, type FROM schools WHERE id = ?", p, 1, &row);
    if (rc == STORE_OK &&
        !access_can_read(r->user, "stats", json_string_value(json_object_get(row, "path"))))
        rc = STORE_NOTFOUND;
    if (rc == STORE_OK) {
        rc = stats_record_load(r->db, school_id, year, &record);
        if (rc == STORE_NOTFOUND)
            rc = STORE_OK;
    }
    if (rc == STORE_OK) {
        rc = stats_record_load(r->db, school_id, year - 1, &prev);
        if (rc == STORE_NOTFOUND)
            rc = STORE_OK;
    }
    json_t *previous = prev ? json_object_get(prev, "values") : NULL;
    const char *type = record ? json_string_value(json_object_get(record, "school_type"))
                              : json_string_value(json_object_get(row, "type"));
    json_t *values = record ? json_object_get(record, "values") : previous;
    json_t *explanations = record ? json_object_get(record, "explanations") : NULL;
    if (rc == STORE_OK)
        rc = stats_schema(r->db, year, type, &schema);
    if (rc == STORE_OK)
        rc = stats_check(r->db, year, type, values, previous, explanations,
                         &problems, &errors);
    if (rc == STORE_OK) {
        json_t *o = json_object();
        json_object_set(o, "school", school);
        json_object_set_new(o, "year", json_integer(year));
        json_object_set_new(o, "school_type", json_string(type));
        json_object_set_new(o, "status", record ? json_incref(json_object_get(record, "status"))
                                                : json_string("未填报"));
        json_object_set_new(o, "values", values ? json_deep_copy(values) : json_object());
        json_object_set_new(o, "explanations",
                            explanations ? json_deep_copy(explanations) : json_object());
        static const char *const copied[] = {"review_comment", "submitted_at", "reviewed_at",
                                             "updated_at", "round_id", NULL};
        for (int i = 0; copied[i]; i++) {
            json_t *v = record ? json_object_get(record, copied[i]) : NULL;
            json_object_set_new(o, copied[i], v ? json_incref(v) : json_null());
        }
        json_object_set_new(o, "previous", previous ? json_deep_copy(previous) : json_object());
        json_object_set_new(o, "previous_year", json_integer(year - 1));
        json_object_set_new(o, "problems", problems);
        json_object_set_new(o, "errors", json_integer(errors));
        json_object_set_new(o, "schema", schema);
        problems = schema = NULL;
        *out = o;
    }
    json_decref(school);
    json_decref(row);
    json_decref(record);
    json_decref(prev);
    json_decref(schema);
    json_decref(problems);
    return rc;
}

static void stats_api_reply_detail(req *r, int64_t school_id, int year)
{
    json_t *o = NULL;
    int rc = stats_api_detail(r, school_id, year, &o);
    if (rc == STORE_NOTFOUND)
        reply_error(r, 404, "not_found", "学校不存在", NULL);
    else if (rc != STORE_OK)
        reply_store_error(r, rc);
    else
        reply_json(r, 200, o);
}

static void stats_api_get_handler(req *r)
{
    int year;
    int64_t school_id = stats_api_route(r, &year);
    if (school_id)
        stats_api_reply_detail(r, school_id, year);
}

/* Commit (or roll back and reply the failure); 0 when committed. */
static int stats_api_finish(req *r, int rc, const refusal *e, json_t *problems)
{
    if (rc == STORE_OK)
        rc = db_commit(r->db);
    if (rc == STORE_OK)
        return 0;
    db_rollback(r->db);
    if (rc == REFUSED && problems)
        reply_error_details(r, e->status, e->code, e->message, e->field, "problems", problems);
    else {
        if (rc != REFUSED)
            log_error("%s %s: %s", r->method, r->path, db_errmsg(r->db));
        reply_refusal(r, rc, e);
    }
    return -1;
}

static void stats_api_put_handler(req *r)
{
    refusal e = {0};
    int year;
    int64_t school_id = stats_api_route(r, &year);
    if (!school_id || req_body_object(r) != 0)
        return;
    json_t *values = json_object_get(r->json, "values");
    json_t *explanations = json_object_get(r->json, "explanations");
    if (values && !json_is_object(values) && !json_is_null(values)) {
        reply_bad_request(r, "values", "values 应为对象");
        return;
    }
    if (explanations && !json_is_object(explanations) && !json_is_null(explanations)) {
        reply_bad_request(r, "explanations", "explanations 应为对象");
        return;
    }
    if (req_begin(r) != 0)
        return;
    int rc = stats_record_save(r->db, r->user, r->ip, school_id, year, values, explanations, 1, &e);
    if (stats_api_finish(r, rc, &e, NULL) == 0)
        stats_api_reply_detail(r, school_id, year);
}

/* POST …/{action}: the comment is "comment" (return) or "reason" (reopen). */
static void stats_api_move(req *r, const char *action, const char *comment_key)
{
    refusal e = {0};
    json_t *problems = NULL;
    int year;
    int64_t school_id = stats_api_route(r, &year);
    if (!school_id)
        return;
    if (r->json && !json_is_object(r->json)) {
        reply_error(r, 400, "bad_json", "请求内容应为 JSON 对象", NULL);
        return;
    }
    json_t *comment = comment_key ? json_object_get(r->json, comment_key) : NULL;
    if (comment && !json_is_null(comment) && !json_is_string(comment)) {
        reply_bad_request(r, comment_key, "应为文字");
        return;
    }
    if (req_begin(r) != 0)
        return;
    int rc = stats_record_transition(r->db, r->user, r->ip, school_id, year, action,
                                     json_string_value(comment), &problems, &e);
    int failed = stats_api_finish(r, rc, &e, problems);
    json_decref(problems);
    if (!failed)
        stats_api_reply_detail(r, school_id, year);
}

static void stats_api_submit_handler(req *r)
{
    stats_api_move(r, "submit", NULL);
}

static void stats_api_return_handler(req *r)
{
    stats_api_move(r, "return", "comment");
}

static void stats_api_approve_handler(req *r)
{
    stats_api_move(r, "approve", NULL);
}

static void stats_api_reopen_handler(req *r)
{
    stats_api_move(r, "reopen", "reason");
}

/* ------------------------------------------------------------- summary */

typedef struct stats_api_stage_sum {
    int64_t schools;
    double classes, pupils, staff, teachers;
} stats_api_stage_sum;

/* Add up the approved records of year in scope by stage. A combined
 * school's staff and teachers are shared among its stages in proportion
 * to their pupils (equally when it has none). With also_year, only the
 * schools approved in that year too: a year-on-year change compares the
 * same schools, not this year's approvals so far with last year's all. */
static int stats_api_sum_year(req *r, int year, int also_year, stats_api_stage_sum *sums)
{
    json_t *sections = NULL, *records = NULL, *values = NULL;
    const char *scope = r->user->scope_path;
    const char *same = also_year ? " AND school_id IN (SELECT school_id FROM stat_records "
                                   "WHERE year = ? AND status = '已通过')"
                                 : "";
    sval ps[] = {SV_I(year), SV_I(year)};
    int rc = db_query(r->db,
                      "SELECT school_type, section FROM stat_sections WHERE year_from <= ? AND "
                      "(year_to IS NULL OR year_to >= ?)",
                      ps, 2, &sections);
    sval pr[] = {SV_I(year), SV_T(scope), SV_T(org_scope_upper(r->a, scope)), SV_I(also_year)};
    int npr = also_year ? 4 : 3;
    if (rc == STORE_OK)
        rc = db_query(r->db,
                      arena_printf(r->a,
                                   "SELECT id, school_type FROM stat_records WHERE year = ? "
                                   "AND status = '已通过' AND path >= ? AND path < ?%s",
                                   same),
                      pr, npr, &records);
    if (rc == STORE_OK)
        rc = db_query(r->db,
                      arena_printf(r->a,
                                   "SELECT v.record_id, v.field, v.num FROM stat_records r JOIN "
                                   "stat_values v ON v.record_id = r.id WHERE r.year = ? AND "
                                   "r.status = '已通过' AND r.path >= ? AND r.path < ?%s AND "
                                   "v.field IN ('staff_total', 'teachers_total', "
                                   "'kg_classes', 'kg_children', 'primary_classes', "
                                   "'primary_pupils', 'junior_classes', 'junior_pupils', "
                                   "'senior_classes', 'senior_pupils', 'vocational_classes', "
                                   "'vocational_pupils')",
                                   also_year ? " AND r.school_id IN (SELECT school_id FROM "
                                               "stat_records WHERE year = ? AND status = '已通过')"
                                             : ""),
                      pr, npr, &values);
    if (rc != STORE_OK)
        goto done;
    /* record id -> {field: num} */
    json_t *by_record = json_object();
    size_t i;
    json_t *row;
    char id[24];
    json_array_foreach(values, i, row) {
        snprintf(id, sizeof id, "%lld", (long long)json_integer_value(json_object_get(row, "record_id")));
        json_t *vals = json_object_get(by_record, id);
        if (!vals) {
            vals = json_object();
            json_object_set_new(by_record, id, vals);
        }
        json_object_set(vals, json_string_value(json_object_get(row, "field")),
                         json_object_get(row, "num"));
    }
    json_array_foreach(records, i, row) {
        const char *type = json_string_value(json_object_get(row, "school_type"));
        snprintf(id, sizeof id, "%lld", (long long)json_integer_value(json_object_get(row, "id")));
        json_t *vals = json_object_get(by_record, id);
        int has[STATS_API_NSTAGES] = {0}, nstages = 0;
        double pupils[STATS_API_NSTAGES] = {0}, all_pupils = 0;
        size_t k;
        json_t *sec;
        json_array_foreach(sections, k, sec) {
            if (!type || strcmp(type, json_string_value(json_object_get(sec, "school_type"))) != 0)
                continue;
            for (size_t s = 0; s < STATS_API_NSTAGES; s++)
                if (strcmp(stats_api_stages[s].section,
                           json_string_value(json_object_get(sec, "section"))) == 0 && !has[s]) {
                    has[s] = 1;
                    nstages++;
                }
        }
        for (size_t s = 0; s < STATS_API_NSTAGES; s++) {
            double p = stats_api_num(vals, stats_api_stages[s].pupils);
            pupils[s] = has[s] && !isnan(p) ? p : 0;
            all_pupils += pupils[s];
        }
        double staff = stats_api_num(vals, "staff_total"), teachers = stats_api_num(vals, "teachers_total");
        for (size_t s = 0; s < STATS_API_NSTAGES; s++) {
            if (!has[s])
                continue;
            double share = all_pupils > 0 ? pupils[s] / all_pupils : 1.0 / nstages;
            double c = stats_api_num(vals, stats_api_stages[s].classes);
            sums[s].schools++;
            sums[s].classes += isnan(c) ? 0 : c;
            sums[s].pupils += pupils[s];
            sums[s].staff += isnan(staff) ? 0 : staff * share;
            sums[s].teachers += isnan(teachers) ? 0 : teachers * share;
        }
    }
    json_decref(by_record);
done:
    json_decref(sections);
    json_decref(records);
    json_decref(values);
    return rc;
}

static void stats_api_summary_handler(req *r)
{
    const user_ctx *u = r->user;
    stats_api_stage_sum now[STATS_API_NSTAGES] = {0}, same_now[STATS_API_NSTAGES] = {0},
                        before[STATS_API_NSTAGES] = {0};
    int64_t latest = 0;
    if (req_can_read(r, "stats") != 0)
        return;
    int year = stats_api_query_year(r, -1);
    if (!year)
        return;
    int rc = STORE_OK;
    if (year < 0) {
        sval p[] = {SV_T(u->scope_path), SV_T(org_scope_upper(r->a, u->scope_path))};
        rc = db_query_int(r->db,
                          "SELECT MAX(year) FROM stat_records WHERE status = '已通过' AND path >= ? "
                          "AND path < ?",
                          p, 2, &latest);
        year = rc == STORE_OK ? (int)latest : 0;
        if (rc == STORE_NOTFOUND)
            rc = STORE_OK;
    }
    if (rc == STORE_OK && year)
        rc = stats_api_sum_year(r, year, 0, now);
    if (rc == STORE_OK && year)
        rc = stats_api_sum_year(r, year, year - 1, same_now);
    if (rc == STORE_OK && year)
        rc = stats_api_sum_year(r, year - 1, year, before);
    if (rc != STORE_OK) {
        reply_store_error(r, rc);
        return;
    }
    json_t *stages = json_array();
    for (size_t s = 0; s < STATS_API_NSTAGES; s++) {
        json_t *change = json_null();
        if (before[s].pupils > 0)
            change = json_real(
                round((same_now[s].pupils - before[s].pupils) / before[s].pupils * 1e4) / 1e4);
        json_array_append_new(
            stages, json_pack("{ss sI sI sI sI sI so}", "stage", stats_api_stages[s].stage, "schools",
                              (json_int_t)now[s].schools, "classes", (json_int_t)llround(now[s].classes),
                              "pupils", (json_int_t)llround(now[s].pupils), "staff",
                              (json_int_t)llround(now[s].staff), "teachers",
                              (json_int_t)llround(now[s].teachers), "pupils_change", change));
    }
    json_t *body = json_pack("{so so so}", "year", year ? json_integer(year) : json_null(),
                             "previous_year", year ? json_integer(year - 1) : json_null(), "stages",
                             stages);
    reply_json(r, 200, body);
}

const route stats_routes[] = {
    {"GET", "/api/stats/schema", stats_api_schema_handler, 0},
    {"GET", "/api/stats/fields", stats_api_fields_handler, 0},
    {"GET", "/api/stats/records", stats_api_list_handler, 0},
    {"GET", "/api/stats/records/{school_id}/{year}", stats_api_get_handler, 0},
    {"PUT", "/api/stats/records/{school_id}/{year}", stats_api_put_handler, 0},
    {"POST", "/api/stats/records/{school_id}/{year}/submit", stats_api_submit_handler, 0},
    {"POST", "/api/stats/records/{school_id}/{year}/return", stats_api_return_handler, 0},
    {"POST", "/api/stats/records/{school_id}/{year}/approve", stats_api_approve_handler, 0},
    {"POST", "/api/stats/records/{school_id}/{year}/reopen", stats_api_reopen_handler, 0},
    {"GET", "/api/stats/summary", stats_api_summary_handler, 0},
    {NULL, NULL, NULL, 0},
};
