/*
 * schools_api.c - the HTTP side of the school registry (学校) and 教育集团:
 * schools_routes, GET/POST /api/schools, GET/PATCH /api/schools/{id},
 * POST /api/schools/{id}/merge and /status, GET/POST /api/groups.
 *
 * Handlers read the request (filters, sort, paging, JSON body), run the
 * records of schools.c in one transaction and answer with the school
 * object (detail) or the refusal. Who may do what is decided in schools.c
 * through access.h; lists are filtered to the caller's scope here, and
 * every list answers format=xlsx through paging_reply.
 */
#include "domain/schools.h"

#include <string.h>

#include "auth/access.h"
#include "domain/org.h"
#include "http/paging.h"
#include "http/reply.h"
#include "http/router.h"
#include "util/log.h"
#include "util/parse.h"
#include "util/strbuf.h"

static const xlsx_col school_xlsx_cols[] = {
    {"code", "学校标识码", 14, XLSX_TEXT},  {"name", "学校名称", 30, XLSX_TEXT},
    {"short_name", "简称", 14, XLSX_TEXT},  {"type", "办学类型", 14, XLSX_TEXT},
    {"nature", "办学性质", 12, XLSX_TEXT},  {"area", "城乡分类", 10, XLSX_TEXT},
    {"town", "街道/乡镇", 14, XLSX_TEXT},   {"address", "地址", 30, XLSX_TEXT},
    {"head", "负责人", 10, XLSX_TEXT},      {"phone", "联系电话", 14, XLSX_TEXT},
    {"founded_year", "建校年份", 10, XLSX_INT}, {"status", "状态", 8, XLSX_TEXT},
    {"closed_on", "撤并日期", 12, XLSX_TEXT}, {"group_name", "教育集团", 24, XLSX_TEXT},
    {NULL, NULL, 0, XLSX_TEXT},
};

/* Run op inside a transaction; on success reply the school (detail) with status.
 * A duplicate code or group name comes back as STORE_CONSTRAINT with its 409
 * refusal filled (schools.h): reply_finish answers with that refusal. */
typedef int (*schools_op)(req *r, int64_t id, int64_t *id_out, refusal *e);

static void schools_run(req *r, int64_t id, schools_op op, int status)
{
    refusal e = {0};
    int64_t result_id = id;
    json_t *o = NULL;
    if (req_begin(r) != 0)
        return;
    int rc = op(r, id, &result_id, &e);
    if (reply_finish(r, rc, &e) != 0)
        return;
    rc = schools_load(r->db, r->user, result_id, 1, &o);
    reply_result(r, rc, status, o);
}

/* Append "AND <expr>" with one text parameter. */
static void schools_where(strbuf *sql, const char *expr, sval *p, int *n, sval v)
{
    sb_append(sql, " AND ");
    sb_append(sql, expr);
    p[(*n)++] = v;
}

/* "50%_x" -> "%50\%\_x%" for LIKE ... ESCAPE '\'. */
static const char *schools_like(arena *a, const char *q)
{
    size_t n = strlen(q);
    char *out = arena_alloc(a, 2 * n + 3), *w = out;
    *w++ = '%';
    for (const char *s = q; *s; s++) {
        if (*s == '%' || *s == '_' || *s == '\\')
            *w++ = '\\';
        *w++ = *s;
    }
    *w++ = '%';
    *w = '\0';
    return out;
}

/* ORDER BY for sort (whitelist), or NULL when unknown. */
static const char *schools_order(arena *a, const char *sort)
{
    static const struct {
        const char *name;
        const char *column;
    } sorts[] = {
        {"code", "s.code"},     {"name", "s.name"},     {"type", "s.type"},
        {"nature", "s.nature"}, {"area", "s.area"},     {"town", "t.name"},
        {"status", "s.status"}, {"founded_year", "s.founded_year"},
    };
    int desc = 0;
    if (!sort)
        sort = "code";
    if (*sort == '-') {
        desc = 1;
        sort++;
    }
    for (size_t i = 0; i < sizeof sorts / sizeof sorts[0]; i++) {
        if (strcmp(sorts[i].name, sort) != 0)
            continue;
        if (strcmp(sort, "code") == 0)
            return desc ? "s.code DESC" : "s.code";
        return arena_printf(a, "%s%s, s.code", sorts[i].column, desc ? " DESC" : "");
    }
    return NULL;
}

/* Enumeration filter: 0 ok (added when given), -1 replied 400. */
static int schools_filter_enum(req *r, strbuf *sql, sval *p, int *n, const char *name,
                               const char *expr, int (*valid)(const char *), const char *message)
{
    const char *v = req_query(r, name);
    if (!v)
        return 0;
    if (!valid(v)) {
        reply_bad_request(r, name, message);
        return -1;
    }
    schools_where(sql, expr, p, n, SV_T(v));
    return 0;
}

static int schools_filter_id(req *r, strbuf *sql, sval *p, int *n, const char *name,
                             const char *expr, const char *message)
{
    const char *v = req_query(r, name);
    if (!v)
        return 0;
    int64_t id = parse_id(v);
    if (!id) {
        reply_bad_request(r, name, message);
        return -1;
    }
    schools_where(sql, expr, p, n, SV_I(id));
    return 0;
}

static void schools_list_handler(req *r)
{
    const user_ctx *u = r->user;
    paging pg;
    strbuf where = STRBUF_INIT;
    sval p[16];
    int n = 0;
    json_t *items = NULL;
    int64_t total = 0;

    if (paging_parse(r, &pg) != 0)
        return;
    if (!access_can_read(u, "schools", u->scope_path)) {
        reply_forbidden(r);
        return;
    }
    const char *order = schools_order(r->a, req_query(r, "sort"));
    if (!order) {
        reply_bad_request(r, "sort", "排序字段无效");
        return;
    }
    sb_append(&where, " WHERE s.path >= ? AND s.path < ?");
    p[n++] = SV_T(u->scope_path);
    p[n++] = SV_T(org_scope_upper(r->a, u->scope_path));
    const char *q = req_query(r, "q");
    if (q) {
        /* A 学校标识码 is digits only: a q with anything else cannot match
         * one, and the province-wide scan is a third cheaper without it. */
        const char *like = schools_like(r->a, q);
        sb_append(&where, " AND (s.name LIKE ? ESCAPE '\\' OR s.short_name LIKE ? ESCAPE '\\'");
        p[n++] = SV_T(like);
        p[n++] = SV_T(like);
        if (strspn(q, "0123456789") == strlen(q)) {
            sb_append(&where, " OR s.code LIKE ? ESCAPE '\\'");
            p[n++] = SV_T(like);
        }
        sb_append(&where, ")");
    }
    if (schools_filter_enum(r, &where, p, &n, "type", "s.type = ?", schools_type_valid,
                            "办学类型无效") ||
        schools_filter_enum(r, &where, p, &n, "nature", "s.nature = ?", schools_nature_valid,
                            "办学性质无效") ||
        schools_filter_enum(r, &where, p, &n, "area", "s.area = ?", schools_area_valid,
                            "城乡分类无效") ||
        schools_filter_enum(r, &where, p, &n, "status", "s.status = ?", schools_status_valid,
                            "状态无效") ||
        schools_filter_id(r, &where, p, &n, "town", "s.town_id = ?", "街道/乡镇无效") ||
        schools_filter_id(r, &where, p, &n, "group", "s.group_id = ?", "教育集团无效")) {
        sb_free(&where);
        return;
    }
    int rc = schools_query(r->db, u, sb_str(&where), p, n, order, pg.limit, pg.offset, &total,
                           &items);
    sb_free(&where);
    if (rc != STORE_OK) {
        log_error("GET /api/schools: %s", db_errmsg(r->db));
        reply_store_error(r, rc);
        return;
    }
    paging_reply(r, &pg, items, total, "学校", school_xlsx_cols);
}

static void schools_get_handler(req *r)
{
    json_t *o = NULL;
    int64_t id = req_param_id(r);
    if (!id)
        return;
    int rc = schools_load(r->db, r->user, id, 1, &o);
    if (rc == STORE_NOTFOUND) {
        reply_error(r, 404, "not_found", "学校不存在", NULL);
        return;
    }
    if (rc != STORE_OK) {
        reply_store_error(r, rc);
        return;
    }
    reply_json(r, 200, o);
}

/* An operation on the school of the route, with a JSON body. */
static void schools_run_on(req *r, schools_op op)
{
    int64_t id;
    if (req_body_object(r) != 0 || !(id = req_param_id(r)))
        return;
    schools_run(r, id, op, 200);
}

static int schools_create_op(req *r, int64_t id, int64_t *id_out, refusal *e)
{
    (void)id;
    return schools_create(r->db, r->user, r->ip, r->json, NULL, 1, id_out, e);
}

static void schools_create_handler(req *r)
{
    if (req_body_object(r) == 0)
        schools_run(r, 0, schools_create_op, 201);
}

static int schools_patch_op(req *r, int64_t id, int64_t *id_out, refusal *e)
{
    (void)id_out;
    return schools_patch(r->db, r->user, r->ip, id, r->json, e);
}

static void schools_patch_handler(req *r)
{
    schools_run_on(r, schools_patch_op);
}

static int schools_merge_op(req *r, int64_t id, int64_t *id_out, refusal *e)
{
    json_t *into = json_object_get(r->json, "into_id");
    (void)id_out;
    if (into && !json_is_null(into) && (!json_is_integer(into) || json_integer_value(into) <= 0))
        return refuse(e, 400, "invalid", "into_id", "并入学校无效");
    return schools_merge(r->db, r->user, r->ip, id, json_integer_value(into),
                         req_body_text(r, "date"), req_body_text(r, "note"), 1, e);
}

static void schools_merge_handler(req *r)
{
    schools_run_on(r, schools_merge_op);
}

static int schools_status_op(req *r, int64_t id, int64_t *id_out, refusal *e)
{
    (void)id_out;
    return schools_set_status(r->db, r->user, r->ip, id, req_body_text(r, "status"),
                              req_body_text(r, "date"), req_body_text(r, "note"), e);
}

static void schools_status_handler(req *r)
{
    schools_run_on(r, schools_status_op);
}

/* Groups visible to u: in a county inside the scope, or the county above it. */
static int schools_groups_query(req *r, int64_t only_id, json_t **rows)
{
    const user_ctx *u = r->user;
    int64_t ids[16];
    int nids = org_path_ids(u->scope_path, ids, 16);
    strbuf sql = STRBUF_INIT;
    sval p[24];
    int n = 0;

    sb_append(&sql,
              "SELECT g.id, g.name, g.kind, g.lead_school_id, l.name AS lead_school_name, "
              "(SELECT COUNT(*) FROM schools m WHERE m.path >= c.path AND m.path < c.path || '~' "
              "AND m.group_id = g.id) AS members FROM school_groups g "
              "JOIN org_units c ON c.id = g.county_org_id "
              "LEFT JOIN schools l ON l.id = g.lead_school_id "
              "WHERE ((c.path >= ? AND c.path < ?)");
    p[n++] = SV_T(u->scope_path);
    p[n++] = SV_T(org_scope_upper(r->a, u->scope_path));
    if (nids) {
        sb_append(&sql, " OR g.county_org_id IN (");
        for (int i = 0; i < nids; i++) {
            sb_append(&sql, i ? ", ?" : "?");
            p[n++] = SV_I(ids[i]);
        }
        sb_append(&sql, ")");
    }
    sb_append(&sql, ")");
    if (only_id) {
        sb_append(&sql, " AND g.id = ?");
        p[n++] = SV_I(only_id);
    }
    sb_append(&sql, " ORDER BY g.id");
    int rc = db_query(r->db, sb_str(&sql), p, n, rows);
    sb_free(&sql);
    return rc;
}

static void schools_groups_handler(req *r)
{
    json_t *rows = NULL;
    if (!access_can_read(r->user, "schools", r->user->scope_path)) {
        reply_forbidden(r);
        return;
    }
    int rc = schools_groups_query(r, 0, &rows);
    reply_items(r, rc, rows);
}

static void schools_group_create_handler(req *r)
{
    refusal e = {0};
    int64_t id = 0;
    json_t *rows = NULL;
    if (req_body_object(r) != 0)
        return;
    json_t *lead = json_object_get(r->json, "lead_school_id");
    if (lead && !json_is_null(lead) && !json_is_integer(lead)) {
        reply_bad_request(r, "lead_school_id", "牵头学校无效");
        return;
    }
    json_t *name = json_object_get(r->json, "name"), *kind = json_object_get(r->json, "kind");
    if (name && !json_is_null(name) && !json_is_string(name)) {
        reply_bad_request(r, "name", "集团名称应为文本");
        return;
    }
    if (kind && !json_is_null(kind) && !json_is_string(kind)) {
        reply_bad_request(r, "kind", "集团类型应为紧密型或联盟型");
        return;
    }
    if (req_begin(r) != 0)
        return;
    int rc = schools_group_create(r->db, r->user, r->ip, req_body_text(r, "name"),
                                  req_body_text(r, "kind"), json_integer_value(lead), 1, &id,
                                  &e);
    if (reply_finish(r, rc, &e) != 0)
        return;
    rc = schools_groups_query(r, id, &rows);
    if (rc != STORE_OK) {
        reply_store_error(r, rc);
        return;
    }
    json_t *group = json_array_size(rows) ? json_incref(json_array_get(rows, 0)) : json_object();
    json_decref(rows);
    reply_json(r, 201, group);
}

const route schools_routes[] = {
    {"GET", "/api/schools", schools_list_handler, 0},
    {"POST", "/api/schools", schools_create_handler, 0},
    {"GET", "/api/schools/{id}", schools_get_handler, 0},
    {"PATCH", "/api/schools/{id}", schools_patch_handler, 0},
    {"POST", "/api/schools/{id}/merge", schools_merge_handler, 0},
    {"POST", "/api/schools/{id}/status", schools_status_handler, 0},
    {"GET", "/api/groups", schools_groups_handler, 0},
    {"POST", "/api/groups", schools_group_create_handler, 0},
    {NULL, NULL, NULL, 0},
};
