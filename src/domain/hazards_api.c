/*
 * hazards_api.c - HTTP handlers of the hazard register (docs/api-safety.md,
 * "Hazards"): the list with filters, paging and xlsx, create, detail, edit,
 * the loop's steps, photo upload and download, and the category list.
 *
 * The rules live in hazards.c; these handlers parse the request, run the
 * operation in one transaction and reply once. Categories (hazard_categories)
 * are a short list every role reads and the bureau edits (a writer of
 * "safety" who is not a 学校管理员).
 */
#include <stdlib.h>
#include <string.h>

#include "auth/access.h"
#include "domain/audit.h"
#include "domain/hazards.h"
#include "domain/org.h"
#include "domain/safety.h"
#include "http/paging.h"
#include "http/query.h"
#include "http/reply.h"
#include "http/router.h"
#include "io/filestore.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/parse.h"
#include "util/strbuf.h"
#include "util/text.h"

static const char *const hazards_api_statuses[] = {"已登记", "整改中", "待验收", "已销号", NULL};
static const char *const hazards_api_grades[] = {"一般", "重大", NULL};

static const xlsx_col hazards_xlsx_cols[] = {
    {"school_name", "学校", 28, XLSX_TEXT},   {"school_code", "学校标识码", 14, XLSX_TEXT},
    {"town", "街道/乡镇", 14, XLSX_TEXT},     {"category", "类别", 12, XLSX_TEXT},
    {"grade", "等级", 8, XLSX_TEXT},          {"supervised", "挂牌督办", 10, XLSX_TEXT},
    {"location", "位置", 20, XLSX_TEXT},      {"description", "隐患描述", 40, XLSX_TEXT},
    {"found_on", "发现日期", 12, XLSX_TEXT},  {"found_by", "发现人", 10, XLSX_TEXT},
    {"measures", "整改措施", 40, XLSX_TEXT},  {"responsible", "责任人", 10, XLSX_TEXT},
    {"funds", "资金(元)", 12, XLSX_REAL},     {"deadline", "整改时限", 12, XLSX_TEXT},
    {"status", "状态", 8, XLSX_TEXT},         {"overdue", "是否逾期", 10, XLSX_TEXT},
    {"closed_on", "销号日期", 12, XLSX_TEXT}, {NULL, NULL, 0, XLSX_TEXT},
};

/* ---------------------------------------------------------------- helpers */

static int64_t hazards_api_route_id(req *r)
{
    int64_t id = parse_id(req_param(r, "id"));
    if (!id)
        reply_error(r, 404, "not_found", "隐患不存在", NULL);
    return id;
}

/* A text field of the body, or NULL (absent, null, not text). */
static const char *hazards_api_text(req *r, const char *key)
{
    return json_string_value(json_object_get(r->json, key));
}

/* The hazard as the caller sees it, in detail (reply_write). */
static int hazards_api_load(req *r, int64_t id, json_t **out)
{
    return hazards_load(r->db, r->user, id, 1, out);
}

/* ------------------------------------------------------------- the list */

/* The sorts of the list (query_order), ties by id. */
static const query_sort hazards_api_sorts[] = {
    {"found_on", "h.found_on"}, {"deadline", "h.deadline"}, {"status", "h.status"},
    {"grade", "h.grade"},       {"school", "s.name"},       {NULL, NULL},
};

/* The WHERE of the list from the query string; -1 when replied 400. */
typedef struct hazards_api_filter {
    query q;
    int school;      /* the WHERE names s (schools), so the count joins it */
    char today[11];
} hazards_api_filter;

/* A 0/1 flag: 1 adds on, 0 adds off (with v when nvals is 1); -1 replied 400. */
static int hazards_api_filter_flag(req *r, hazards_api_filter *f, const char *name,
                                   const char *on, const char *off, sval v, int nvals,
                                   const char *message)
{
    const char *text = req_query(r, name);
    if (!text)
        return 0;
    if (strcmp(text, "1") != 0 && strcmp(text, "0") != 0) {
        reply_bad_request(r, name, message);
        return -1;
    }
    query_and_n(&f->q, strcmp(text, "1") == 0 ? on : off, &v, nvals);
    return 0;
}

static int hazards_api_filters(req *r, hazards_api_filter *f)
{
    query *q = &f->q;
    query_scope(q, r->a, "h.path", r->user->scope_path);
    const char *text = req_query(r, "q");
    if (text) {
        const char *like = query_like(r->a, text, 0);
        sval both[] = {SV_T(like), SV_T(like)};
        query_and_n(q, "(h.description LIKE ? ESCAPE '\\' OR h.location LIKE ? ESCAPE '\\')",
                    both, 2);
    }
    f->school = f->school || req_query(r, "town");
    if (query_enum(r, q, "status", "h.status = ?", hazards_api_statuses, "状态无效") ||
        query_enum(r, q, "grade", "h.grade = ?", hazards_api_grades, "隐患等级无效") ||
        query_id(r, q, "category", "h.category_id = ?", "隐患类别无效") ||
        query_id(r, q, "school_id", "h.school_id = ?", "学校无效") ||
        query_id(r, q, "town", "s.town_id = ?", "街道/乡镇无效") ||
        hazards_api_filter_flag(r, f, "overdue",
                                "h.deadline < ? AND h.status IN ('已登记', '整改中', '待验收')",
                                "(h.deadline IS NULL OR h.deadline >= ? OR h.status = '已销号')",
                                SV_T(f->today), 1, "逾期筛选应为 1 或 0") ||
        hazards_api_filter_flag(r, f, "supervised", "h.supervised = 1", "h.supervised = 0",
                                SV_NUL, 0, "挂牌督办筛选应为 1 或 0") ||
        query_dates(r, q, "h.found_on"))
        return -1;
    return 0;
}

/* The list: the count and the page's ids from the hazards' indexes
 * (hazards_open for status and grade, hazards_scope for the scope), and
 * the schools, towns and categories joined to the page's rows only. The
 * count joins schools only for a town filter (school_id is a foreign key,
 * so the join drops no hazard). */
static void hazards_api_list_handler(req *r)
{
    paging pg;
    hazards_api_filter f = {.q = QUERY_INIT};
    json_t *rows = NULL;
    int64_t total = 0;

    if (paging_parse(r, &pg) != 0 || req_can_read(r, "safety") != 0)
        return;
    const char *sort = req_query(r, "sort");
    const char *order = query_order(r, hazards_api_sorts, "-found_on", "h.id", 0);
    if (!order)
        return;
    f.school = sort && strcmp(sort + (*sort == '-'), "school") == 0;
    hazards_today(f.today);
    if (hazards_api_filters(r, &f) != 0) {
        query_free(&f.q);
        return;
    }
    const char *where = sb_str(&f.q.where);
    const char *from = f.school ? "hazards h JOIN schools s ON s.id = h.school_id" : "hazards h";
    char *count_sql = arena_printf(r->a, "SELECT COUNT(*) FROM %s%s", from, where);
    char *page_sql = arena_printf(r->a,
                                  HAZARDS_SELECT " WHERE h.id IN (SELECT h.id FROM %s%s "
                                  "ORDER BY %s LIMIT ? OFFSET ?) ORDER BY %s",
                                  from, where, order, order);
    int rc = paging_query(r->db, count_sql, page_sql, f.q.p, f.q.n, pg.limit, pg.offset, &total,
                          &rows);
    query_free(&f.q);
    if (rc != STORE_OK) {
        json_decref(rows);
        reply_store_error(r, rc);
        return;
    }
    json_t *items = json_array();
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) json_array_append_new(items, hazards_object(row, f.today));
    json_decref(rows);
    paging_reply(r, &pg, items, total, "隐患台账", hazards_xlsx_cols);
}

/* ------------------------------------------------------------- one hazard */

static void hazards_api_get_handler(req *r)
{
    json_t *o = NULL;
    int64_t id = hazards_api_route_id(r);
    if (!id)
        return;
    int rc = hazards_load(r->db, r->user, id, 1, &o);
    if (rc == STORE_NOTFOUND) {
        reply_error(r, 404, "not_found", "隐患不存在", NULL);
        return;
    }
    reply_result(r, rc, 200, o);
}

static int hazards_api_create_op(req *r, int64_t id, int64_t *id_out, refusal *e)
{
    (void)id;
    return hazards_create(r->db, r->user, r->ip, r->json, 1, id_out, e);
}

static void hazards_api_create_handler(req *r)
{
    if (req_body_object(r) == 0)
        reply_write(r, 0, hazards_api_create_op, hazards_api_load, 201);
}

static int hazards_api_patch_op(req *r, int64_t id, int64_t *id_out, refusal *e)
{
    (void)id_out;
    return hazards_patch(r->db, r->user, r->ip, id, r->json, e);
}

static void hazards_api_patch_handler(req *r)
{
    int64_t id;
    if (req_body_object(r) == 0 && (id = hazards_api_route_id(r)))
        reply_write(r, id, hazards_api_patch_op, hazards_api_load, 200);
}

static int hazards_api_transition_op(req *r, int64_t id, int64_t *id_out, refusal *e)
{
    json_t *comment = json_object_get(r->json, "comment");
    json_t *to = json_object_get(r->json, "to");
    (void)id_out;
    if (comment && !json_is_null(comment) && !json_is_string(comment))
        return refuse(e, 400, "invalid", "comment", "说明应为文本");
    if (to && !json_is_null(to) && !json_is_string(to))
        return refuse(e, 400, "invalid", "to", "目标状态应为整改中、待验收、已销号或退回");
    return hazards_transition(r->db, r->user, r->ip, id, hazards_api_text(r, "to"),
                              hazards_api_text(r, "comment"), NULL, clock_now(), 1, e);
}

static void hazards_api_transition_handler(req *r)
{
    int64_t id;
    if (req_body_object(r) == 0 && (id = hazards_api_route_id(r)))
        reply_write(r, id, hazards_api_transition_op, hazards_api_load, 200);
}

/* ------------------------------------------------------------- photos */

static void hazards_api_photo_upload_handler(req *r)
{
    refusal e = {0};
    json_t *photo = NULL;
    int64_t id = hazards_api_route_id(r);
    if (!id)
        return;
    if (r->body_len > HAZARDS_PHOTO_MAX_BYTES) {
        reply_error(r, 413, "too_large", "图片不能超过 10 MB", NULL);
        return;
    }
    int rc = db_begin(r->db);
    if (rc == STORE_OK)
        rc = hazards_add_photo(r->db, r->user, r->ip, id, req_query(r, "kind"),
                               req_query(r, "name"), r->body, r->body_len, &photo, &e);
    if (reply_finish(r, rc, &e) != 0) {
        json_decref(photo);
        return;
    }
    reply_json(r, 201, photo);
}

static void hazards_api_photo_get_handler(req *r)
{
    json_t *file = NULL;
    char *data = NULL;
    size_t len = 0;
    int64_t id = parse_id(req_param(r, "id"));
    int rc = id ? hazards_photo_file(r->db, r->user, id, &file) : STORE_NOTFOUND;
    if (rc == STORE_NOTFOUND) {
        reply_error(r, 404, "not_found", "照片不存在", NULL);
        return;
    }
    if (rc != STORE_OK) {
        reply_store_error(r, rc);
        return;
    }
    const char *hash = json_string_value(json_object_get(file, "hash"));
    if (!filestore_dir() || filestore_get(hash, &data, &len) != 0) {
        log_error("GET /api/photos/%lld: 文件 %s 无法读取", (long long)id, hash ? hash : "?");
        json_decref(file);
        reply_error(r, 404, "not_found", "照片文件不存在", NULL);
        return;
    }
    reply_header(r, "Cache-Control", "private");
    reply_bytes(r, 200, json_string_value(json_object_get(file, "mime")), NULL, data, len);
    free(data);
    json_decref(file);
}

/* ------------------------------------------------------------- categories */

/* 1 when u may edit the category list: the bureau, not a school. */
static int hazards_api_may_edit_categories(const user_ctx *u)
{
    return u && u->role && strcmp(u->role, ROLE_SCHOOL) != 0 &&
           access_can_write(u, "safety", u->scope_path);
}

static int hazards_api_category(store_db *db, int64_t id, json_t **row)
{
    sval p[] = {SV_I(id)};
    int rc = db_query_one(db, "SELECT id, name, sort, active FROM hazard_categories WHERE id = ?",
                          p, 1, row);
    if (rc == STORE_OK)
        json_object_set_new(*row, "active",
                            json_boolean(json_integer_value(json_object_get(*row, "active"))));
    return rc;
}

static void hazards_api_categories_handler(req *r)
{
    json_t *rows = NULL;
    if (req_can_read(r, "safety") != 0)
        return;
    int rc = db_query(r->db, "SELECT id, name, sort, active FROM hazard_categories ORDER BY sort, id",
                      NULL, 0, &rows);
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
        json_object_set_new(row, "active", json_boolean(json_integer_value(json_object_get(row, "active"))));
    reply_items(r, rc, rows);
}

/* The category fields of the body over current (NULL: a new one). */
static int hazards_api_category_fields(req *r, json_t *current, const char **name, int64_t *sort,
                                       int *active, refusal *e)
{
    json_t *v;
    *name = current ? json_string_value(json_object_get(current, "name")) : NULL;
    *sort = current ? json_integer_value(json_object_get(current, "sort")) : 0;
    *active = current ? json_is_true(json_object_get(current, "active")) : 1;
    if ((v = json_object_get(r->json, "name")) || !current) {
        const char *text = json_string_value(v);
        size_t len;
        while (text && strchr(" \t\r\n", *text) && *text)
            text++;
        len = text ? strlen(text) : 0;
        while (len && strchr(" \t\r\n", text[len - 1]))
            len--;
        if (!len)
            return refuse(e, 400, "missing", "name", "请填写类别名称");
        *name = arena_strndup(r->a, text, len);
        if (text_chars(*name) > 20)
            return refuse(e, 400, "invalid", "name", "类别名称不超过 20 个字");
    }
    if ((v = json_object_get(r->json, "sort"))) {
        if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 9999)
            return refuse(e, 400, "invalid", "sort", "排序应为 0 至 9999 的整数");
        *sort = json_integer_value(v);
    }
    if ((v = json_object_get(r->json, "active"))) {
        if (json_is_boolean(v))
            *active = json_is_true(v);
        else if (json_is_integer(v) && (json_integer_value(v) == 0 || json_integer_value(v) == 1))
            *active = (int)json_integer_value(v);
        else
            return refuse(e, 400, "invalid", "active", "启用状态应为 true 或 false");
    }
    return STORE_OK;
}

/* 409 when another category than self_id is called name. */
static int hazards_api_category_unique(store_db *db, const char *name, int64_t self_id, refusal *e)
{
    int64_t other;
    sval p[] = {SV_T(name)};
    int rc = db_query_int(db, "SELECT id FROM hazard_categories WHERE name = ?", p, 1, &other);
    if (rc == STORE_NOTFOUND || (rc == STORE_OK && other == self_id))
        return STORE_OK;
    if (rc == STORE_OK)
        return refuse(e, 409, "conflict", "name", "类别名称已存在");
    return rc;
}

/* Create (id 0) or edit category id; *out gets the category. */
static int hazards_api_category_write(req *r, int64_t id, json_t **out, refusal *e)
{
    json_t *before = NULL;
    const char *name;
    int64_t sort;
    int active, rc = STORE_OK;

    if (id && (rc = hazards_api_category(r->db, id, &before)) != STORE_OK)
        return rc == STORE_NOTFOUND ? refuse(e, 404, "not_found", NULL, "类别不存在") : rc;
    rc = hazards_api_category_fields(r, before, &name, &sort, &active, e);
    if (rc == STORE_OK)
        rc = hazards_api_category_unique(r->db, name, id, e);
    if (rc == STORE_OK && !id) {
        sval p[] = {SV_T(name), SV_I(sort), SV_I(active)};
        rc = db_insert(r->db,
                       "INSERT INTO hazard_categories (name, sort, active) VALUES (?, ?, ?) "
                       "RETURNING id",
                       p, 3, &id);
    } else if (rc == STORE_OK) {
        sval p[] = {SV_T(name), SV_I(sort), SV_I(active), SV_I(id)};
        rc = db_exec(r->db, "UPDATE hazard_categories SET name = ?, sort = ?, active = ? WHERE id = ?",
                     p, 4);
    }
    if (rc == STORE_CONSTRAINT)
        rc = refuse(e, 409, "conflict", "name", "类别名称已存在");
    if (rc == STORE_OK)
        rc = hazards_api_category(r->db, id, out);
    if (rc == STORE_OK)
        rc = audit_write(r->db, r->user, r->ip, before ? "update" : "create", "hazard_category",
                         id, r->user->scope_path, before, *out);
    json_decref(before);
    return rc;
}

static void hazards_api_category_run(req *r, int64_t id, int status)
{
    refusal e = {0};
    json_t *category = NULL;
    if (req_body_object(r) != 0)
        return;
    if (!hazards_api_may_edit_categories(r->user)) {
        reply_forbidden(r);
        return;
    }
    int rc = db_begin(r->db);
    if (rc == STORE_OK)
        rc = hazards_api_category_write(r, id, &category, &e);
    if (reply_finish(r, rc, &e) != 0) {
        json_decref(category);
        return;
    }
    reply_json(r, status, category);
}

static void hazards_api_category_create_handler(req *r)
{
    hazards_api_category_run(r, 0, 201);
}

static void hazards_api_category_patch_handler(req *r)
{
    int64_t id = parse_id(req_param(r, "id"));
    if (!id) {
        reply_error(r, 404, "not_found", "类别不存在", NULL);
        return;
    }
    hazards_api_category_run(r, id, 200);
}

const route hazards_routes[] = {
    {"GET", "/api/hazards", hazards_api_list_handler, 0},
    {"POST", "/api/hazards", hazards_api_create_handler, 0},
    {"GET", "/api/hazards/{id}", hazards_api_get_handler, 0},
    {"PATCH", "/api/hazards/{id}", hazards_api_patch_handler, 0},
    {"POST", "/api/hazards/{id}/transition", hazards_api_transition_handler, 0},
    {"POST", "/api/hazards/{id}/photos", hazards_api_photo_upload_handler, ROUTE_RAW_BODY},
    {"GET", "/api/photos/{id}", hazards_api_photo_get_handler, 0},
    {"GET", "/api/safety/categories", hazards_api_categories_handler, 0},
    {"POST", "/api/safety/categories", hazards_api_category_create_handler, 0},
    {"PATCH", "/api/safety/categories/{id}", hazards_api_category_patch_handler, 0},
    {NULL, NULL, NULL, 0},
};
