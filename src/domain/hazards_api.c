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
#include "http/reply.h"
#include "http/router.h"
#include "io/filestore.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/parse.h"
#include "util/strbuf.h"

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

/* 1 for a well-formed, possible date "YYYY-MM-DD". */
static int hazards_api_date(const char *text)
{
    int64_t t;
    return text && strlen(text) == 10 && text[4] == '-' && text[7] == '-' &&
           strspn(text, "0123456789-") == 10 && clock_parse(text, &t) == 0;
}

/* A text field of the body, or NULL (absent, null, not text). */
static const char *hazards_api_text(req *r, const char *key)
{
    return json_string_value(json_object_get(r->json, key));
}

/* Run op in one transaction, then reply hazard id (with detail) with status. */
typedef int (*hazards_api_op)(req *r, int64_t id, int64_t *id_out, refusal *e);

static void hazards_api_run(req *r, int64_t id, hazards_api_op op, int status)
{
    refusal e = {0};
    int64_t result_id = id;
    json_t *o = NULL;
    int rc = db_begin(r->db);
    if (rc == STORE_OK)
        rc = op(r, id, &result_id, &e);
    if (reply_finish(r, rc, &e) != 0)
        return;
    rc = hazards_load(r->db, r->user, result_id, 1, &o);
    reply_result(r, rc, status, o);
}

/* ------------------------------------------------------------- the list */

/* "50%_x" -> "%50\%\_x%" for LIKE ... ESCAPE '\'. */
static const char *hazards_api_like(arena *a, const char *q)
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
static const char *hazards_api_order(arena *a, const char *sort)
{
    static const struct {
        const char *name;
        const char *column;
    } sorts[] = {
        {"found_on", "h.found_on"}, {"deadline", "h.deadline"}, {"status", "h.status"},
        {"grade", "h.grade"},       {"school", "s.name"},
    };
    int desc = 0;
    if (!sort)
        sort = "-found_on";
    if (*sort == '-') {
        desc = 1;
        sort++;
    }
    for (size_t i = 0; i < sizeof sorts / sizeof sorts[0]; i++)
        if (strcmp(sorts[i].name, sort) == 0)
            return arena_printf(a, "%s%s, h.id%s", sorts[i].column, desc ? " DESC" : "",
                                desc ? " DESC" : "");
    return NULL;
}

/* The WHERE of the list from the query string; -1 when replied 400. */
typedef struct hazards_api_filter {
    strbuf where;
    sval p[24];
    int n;
    int school;      /* the WHERE names s (schools), so the count joins it */
    char today[11];
} hazards_api_filter;

static void hazards_api_where(hazards_api_filter *f, const char *expr, sval v)
{
    sb_append(&f->where, " AND ");
    sb_append(&f->where, expr);
    f->p[f->n++] = v;
}

static int hazards_api_filter_enum(req *r, hazards_api_filter *f, const char *name,
                                   const char *expr, const char *const *list, const char *message)
{
    const char *v = req_query(r, name);
    if (!v)
        return 0;
    if (!safety_in_list(list, v)) {
        reply_bad_request(r, name, message);
        return -1;
    }
    hazards_api_where(f, expr, SV_T(v));
    return 0;
}

static int hazards_api_filter_id(req *r, hazards_api_filter *f, const char *name,
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
    hazards_api_where(f, expr, SV_I(id));
    return 0;
}

static int hazards_api_filter_date(req *r, hazards_api_filter *f, const char *name,
                                   const char *expr)
{
    const char *v = req_query(r, name);
    if (!v)
        return 0;
    if (!hazards_api_date(v)) {
        reply_bad_request(r, name, "日期格式应为 YYYY-MM-DD");
        return -1;
    }
    hazards_api_where(f, expr, SV_T(v));
    return 0;
}

static int hazards_api_filter_town(req *r, hazards_api_filter *f)
{
    f->school = f->school || req_query(r, "town");
    return hazards_api_filter_id(r, f, "town", "s.town_id = ?", "街道/乡镇无效");
}

/* A 0/1 flag: 1 adds on, 0 adds off; -1 replied 400. */
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
    sb_append(&f->where, " AND ");
    sb_append(&f->where, strcmp(text, "1") == 0 ? on : off);
    for (int i = 0; i < nvals; i++)
        f->p[f->n++] = v;
    return 0;
}

static int hazards_api_filters(req *r, hazards_api_filter *f)
{
    const user_ctx *u = r->user;
    sb_append(&f->where, " WHERE h.path >= ? AND h.path < ?");
    f->p[f->n++] = SV_T(u->scope_path);
    f->p[f->n++] = SV_T(org_scope_upper(r->a, u->scope_path));
    const char *q = req_query(r, "q");
    if (q) {
        const char *like = hazards_api_like(r->a, q);
        sb_append(&f->where,
                  " AND (h.description LIKE ? ESCAPE '\\' OR h.location LIKE ? ESCAPE '\\')");
        f->p[f->n++] = SV_T(like);
        f->p[f->n++] = SV_T(like);
    }
    const char *from = req_query(r, "from"), *to = req_query(r, "to"), *today = f->today;
    if (hazards_api_filter_enum(r, f, "status", "h.status = ?", hazards_api_statuses, "状态无效") ||
        hazards_api_filter_enum(r, f, "grade", "h.grade = ?", hazards_api_grades, "隐患等级无效") ||
        hazards_api_filter_id(r, f, "category", "h.category_id = ?", "隐患类别无效") ||
        hazards_api_filter_id(r, f, "school_id", "h.school_id = ?", "学校无效") ||
        hazards_api_filter_town(r, f) ||
        hazards_api_filter_flag(r, f, "overdue",
                                "h.deadline < ? AND h.status IN ('已登记', '整改中', '待验收')",
                                "(h.deadline IS NULL OR h.deadline >= ? OR h.status = '已销号')",
                                SV_T(today), 1, "逾期筛选应为 1 或 0") ||
        hazards_api_filter_flag(r, f, "supervised", "h.supervised = 1", "h.supervised = 0",
                                SV_NUL, 0, "挂牌督办筛选应为 1 或 0") ||
        hazards_api_filter_date(r, f, "from", "h.found_on >= ?") ||
        hazards_api_filter_date(r, f, "to", "h.found_on <= ?"))
        return -1;
    if (from && to && strcmp(from, to) > 0) {
        reply_bad_request(r, "to", "结束日期不能早于开始日期");
        return -1;
    }
    return 0;
}

/* The list: the count and the page's ids from the hazards' indexes
 * (hazards_open for status and grade, hazards_scope for the scope), and
 * the schools, towns and categories joined to the page's rows only. The
 * count joins schools only for a town filter (school_id is a foreign key,
 * so the join drops no hazard). */
static void hazards_api_list_handler(req *r)
{
    const user_ctx *u = r->user;
    paging pg;
    hazards_api_filter f = {.where = STRBUF_INIT};
    json_t *rows = NULL;
    int64_t total = 0;

    if (paging_parse(r, &pg) != 0)
        return;
    if (!access_can_read(u, "safety", u->scope_path)) {
        reply_forbidden(r);
        return;
    }
    const char *sort = req_query(r, "sort");
    const char *order = hazards_api_order(r->a, sort);
    if (!order) {
        reply_bad_request(r, "sort", "排序字段无效");
        return;
    }
    f.school = sort && strcmp(sort + (*sort == '-'), "school") == 0;
    hazards_today(f.today);
    if (hazards_api_filters(r, &f) != 0) {
        sb_free(&f.where);
        return;
    }
    const char *from = f.school ? "hazards h JOIN schools s ON s.id = h.school_id" : "hazards h";
    char *count_sql = arena_printf(r->a, "SELECT COUNT(*) FROM %s%s", from, sb_str(&f.where));
    char *page_sql = arena_printf(r->a,
                                  HAZARDS_SELECT " WHERE h.id IN (SELECT h.id FROM %s%s "
                                  "ORDER BY %s LIMIT ? OFFSET ?) ORDER BY %s",
                                  from, sb_str(&f.where), order, order);
    int rc = paging_query(r->db, count_sql, page_sql, f.p, f.n, pg.limit, pg.offset, &total,
                          &rows);
    sb_free(&f.where);
    if (rc != STORE_OK) {
        json_decref(rows);
        log_error("GET /api/hazards: %s", db_errmsg(r->db));
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
        hazards_api_run(r, 0, hazards_api_create_op, 201);
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
        hazards_api_run(r, id, hazards_api_patch_op, 200);
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
        hazards_api_run(r, id, hazards_api_transition_op, 200);
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
    if (!access_can_read(r->user, "safety", r->user->scope_path)) {
        reply_forbidden(r);
        return;
    }
    int rc = db_query(r->db, "SELECT id, name, sort, active FROM hazard_categories ORDER BY sort, id",
                      NULL, 0, &rows);
    if (rc != STORE_OK) {
        reply_store_error(r, rc);
        return;
    }
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
        json_object_set_new(row, "active", json_boolean(json_integer_value(json_object_get(row, "active"))));
    reply_json(r, 200, json_pack("{so}", "items", rows));
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
        if (safety_chars(*name) > 20)
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
