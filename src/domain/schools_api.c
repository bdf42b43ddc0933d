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
#include "http/query.h"
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

/* The school as the caller sees it, in detail (reply_write). */
static int schools_api_load(req *r, int64_t id, json_t **out)
{
    return schools_load(r->db, r->user, id, 1, out);
}

/* The sorts of the list (query_order), ties by code. */
static const query_sort schools_sorts[] = {
    {"code", "s.code"},     {"name", "s.name"},     {"type", "s.type"},
    {"nature", "s.nature"}, {"area", "s.area"},     {"town", "t.name"},
    {"status", "s.status"}, {"founded_year", "s.founded_year"}, {NULL, NULL},
};

static void schools_list_handler(req *r)
{
    const user_ctx *u = r->user;
    paging pg;
    query q = QUERY_INIT;
    json_t *items = NULL;
    int64_t total = 0;

    if (paging_parse(r, &pg) != 0 || req_can_read(r, "schools") != 0)
        return;
    const char *order = query_order(r, schools_sorts, "code", "s.code", QUERY_TIE_ASC);
    if (!order)
        return;
    query_scope(&q, r->a, "s.path", u->scope_path);
    const char *text = req_query(r, "q");
    if (text) {
        /* A 学校标识码 is digits only: a q with anything else cannot match
         * one, and the province-wide scan is a third cheaper without it. */
        const char *like = query_like(r->a, text, 0);
        sval all[] = {SV_T(like), SV_T(like), SV_T(like)};
        if (strspn(text, "0123456789") == strlen(text))
            query_and_n(&q, "(s.name LIKE ? ESCAPE '\\' OR s.short_name LIKE ? ESCAPE '\\' "
                            "OR s.code LIKE ? ESCAPE '\\')", all, 3);
        else
            query_and_n(&q, "(s.name LIKE ? ESCAPE '\\' OR s.short_name LIKE ? ESCAPE '\\')",
                        all, 2);
    }
    if (query_enum(r, &q, "type", "s.type = ?", schools_types, "办学类型无效") ||
        query_enum(r, &q, "nature", "s.nature = ?", schools_natures, "办学性质无效") ||
        query_enum(r, &q, "area", "s.area = ?", schools_areas, "城乡分类无效") ||
        query_valid(r, &q, "status", "s.status = ?", schools_status_valid, "状态无效") ||
        query_id(r, &q, "town", "s.town_id = ?", "街道/乡镇无效") ||
        query_id(r, &q, "group", "s.group_id = ?", "教育集团无效")) {
        query_free(&q);
        return;
    }
    int rc = schools_query(r->db, u, sb_str(&q.where), q.p, q.n, order, pg.limit, pg.offset,
                           &total, &items);
    query_free(&q);
    if (rc != STORE_OK) {
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
    reply_result(r, rc, 200, o);
}

/* An operation on the school of the route, with a JSON body. */
static void schools_run_on(req *r, reply_write_op op)
{
    int64_t id;
    if (req_body_object(r) != 0 || !(id = req_param_id(r)))
        return;
    reply_write(r, id, op, schools_api_load, 200);
}

static int schools_create_op(req *r, int64_t id, int64_t *id_out, refusal *e)
{
    (void)id;
    return schools_create(r->db, r->user, r->ip, r->json, NULL, 1, id_out, e);
}

static void schools_create_handler(req *r)
{
    if (req_body_object(r) == 0)
        reply_write(r, 0, schools_create_op, schools_api_load, 201);
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
    if (req_can_read(r, "schools") != 0)
        return;
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
