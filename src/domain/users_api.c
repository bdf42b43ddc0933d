/*
 * users_api.c - user management over HTTP: users_routes, GET/POST
 * /api/users, PATCH /api/users/{id}, POST /api/users/{id}/password and
 * /unlock (see users.h for the records).
 *
 * Only those access_can_manage_users allows (系统管理员) get here; they
 * list and manage the accounts whose scope lies in their own scope. Each
 * write runs in one transaction with its audit row (users.c) and answers
 * with the user object; the list pages and exports as xlsx.
 */
#include "domain/users.h"

#include "auth/access.h"
#include "auth/password.h"
#include "domain/org.h"
#include "http/paging.h"
#include "http/query.h"
#include "http/reply.h"
#include "http/router.h"
#include "util/clock.h"
#include "util/strbuf.h"

static const xlsx_col users_xlsx_cols[] = {
    {"username", "用户名", 16, XLSX_TEXT},
    {"name", "姓名", 12, XLSX_TEXT},
    {"role_label", "角色", 12, XLSX_TEXT},
    {"dept_name", "股室", 14, XLSX_TEXT},
    {"scope_name", "管理范围", 20, XLSX_TEXT},
    {"school_name", "学校", 24, XLSX_TEXT},
    {"phone", "电话", 14, XLSX_TEXT},
    {"active_text", "状态", 8, XLSX_TEXT},
    {"locked_text", "锁定", 8, XLSX_TEXT},
    {"last_login_at", "最近登录", 20, XLSX_TEXT},
    {NULL, NULL, 0, XLSX_TEXT},
};

/* 1 when the caller may manage accounts (access.h), else 0 after
 * replying 403. */
static int users_manager(req *r)
{
    if (access_can_manage_users(r->user))
        return 1;
    reply_forbidden(r);
    return 0;
}

/* Id member (integer or null = 0): 1 present, 0 absent, -1 replied. */
static int users_body_id(req *r, const char *key, int64_t *out)
{
    json_t *v = json_object_get(r->json, key);

    *out = 0;
    if (!v)
        return 0;
    if (json_is_null(v))
        return 1;
    if (!json_is_integer(v) || json_integer_value(v) < 0) {
        reply_bad_request(r, key, "应为编号");
        return -1;
    }
    *out = json_integer_value(v);
    return 1;
}

static void users_reply_fail(req *r, int rc)
{
    int status = users_err_status(rc);

    if (status == 404)
        reply_not_found(r);
    else if (status == 409)
        reply_conflict(r, users_err_field(rc), users_err_message(rc));
    else if (status == 400)
        reply_bad_request(r, users_err_field(rc), users_err_message(rc));
    else
        reply_store_error(r, STORE_ERROR);
}

/* Check the policy and hash a new password: 0 ok, -1 after replying
 * (400 naming field when the policy refuses it). */
static int users_new_hash(req *r, const char *field, const char *password, char *hash)
{
    const char *why = NULL;

    if (users_password_hash(password, hash, &why) == USERS_OK)
        return 0;
    if (why)
        reply_bad_request(r, field, why);
    else
        reply_store_error(r, STORE_ERROR);
    return -1;
}

/* Finish the transaction of a users_* write - commit when it succeeded,
 * else roll back - and answer with the user object of id or the error. */
static void users_answer(req *r, int rc, int status, int64_t id)
{
    json_t *obj = NULL;

    if (rc == USERS_OK && db_commit(r->db) != STORE_OK)
        rc = USERS_ERR_STORE;
    if (rc != USERS_OK) {
        db_rollback(r->db);
        users_reply_fail(r, rc);
        return;
    }
    rc = users_load(r->db, id, clock_now(), &obj);
    if (rc != STORE_OK)
        reply_store_error(r, rc);
    else
        reply_json(r, status, obj);
}

static void users_list_handler(req *r)
{
    const char *text = req_query(r, "q");
    paging p;
    query q = QUERY_INIT;
    int rc;
    int64_t total = 0;
    json_t *rows = NULL, *row;
    size_t i;

    if (!users_manager(r))
        return;
    if (paging_parse(r, &p) != 0)
        return;
    query_scope(&q, r->a, "o.path", r->user->scope_path);
    if (query_valid(r, &q, "role", "u.role = ?", access_role_valid, "角色无效") != 0) {
        query_free(&q);
        return;
    }
    if (text) {
        const char *like = query_like(r->a, text, 0);
        sval both[] = {SV_T(like), SV_T(like)};
        query_and_n(&q, "(u.username LIKE ? ESCAPE '\\' OR u.name LIKE ? ESCAPE '\\')", both, 2);
    }
    rc = users_query(r->db, sb_str(&q.where), q.p, q.n, p.limit, p.offset, clock_now(), &total,
                     &rows);
    query_free(&q);
    if (rc != STORE_OK) {
        reply_store_error(r, rc);
        return;
    }
    if (p.xlsx) {
        json_array_foreach(rows, i, row) {
            json_object_set_new(row, "active_text", json_string(json_is_true(json_object_get(row, "active")) ? "启用" : "停用"));
            json_object_set_new(row, "locked_text", json_string(json_is_true(json_object_get(row, "locked")) ? "是" : "否"));
        }
    }
    paging_reply(r, &p, rows, total, "用户", users_xlsx_cols);
}

static void users_create_handler(req *r)
{
    const char *username, *name, *role, *password, *phone = NULL;
    int64_t dept_id = 0, scope_org_id = 0, school_id = 0, id = 0;
    char hash[PASSWORD_HASH_MAX];
    int rc;

    if (!users_manager(r) || req_body_object(r) != 0 ||
        req_body_required(r, "username", &username) != 0 ||
        req_body_required(r, "name", &name) != 0 || req_body_required(r, "role", &role) != 0 ||
        req_body_required(r, "password", &password) != 0 ||
        users_body_id(r, "dept_id", &dept_id) < 0 || users_body_id(r, "scope_org_id", &scope_org_id) < 0 ||
        users_body_id(r, "school_id", &school_id) < 0 || req_body_string(r, "phone", &phone) < 0 ||
        users_new_hash(r, "password", password, hash) != 0 || req_begin(r) != 0)
        return;
    rc = users_insert(r->db, r->user, r->ip, username, name, role, dept_id, scope_org_id, school_id,
                      phone, hash, 1, &id);
    users_answer(r, rc, 201, id);
}

static void users_patch_handler(req *r)
{
    users_change c = {0};
    json_t *active;
    int64_t id;

    if (!users_manager(r) || (id = req_param_id(r)) == 0 || req_body_object(r) != 0)
        return;
    if ((c.set_name = req_body_string(r, "name", &c.name)) < 0 ||
        (c.set_role = req_body_string(r, "role", &c.role)) < 0 ||
        (c.set_dept = users_body_id(r, "dept_id", &c.dept_id)) < 0 ||
        (c.set_scope = users_body_id(r, "scope_org_id", &c.scope_org_id)) < 0 ||
        (c.set_school = users_body_id(r, "school_id", &c.school_id)) < 0)
        return;
    if (json_object_get(r->json, "name") && !c.set_name) {
        reply_bad_request(r, "name", users_err_message(USERS_ERR_NAME));
        return;
    }
    if (json_object_get(r->json, "role") && !c.set_role) {
        reply_bad_request(r, "role", users_err_message(USERS_ERR_ROLE));
        return;
    }
    if (json_object_get(r->json, "phone")) {
        c.set_phone = 1;
        if (req_body_string(r, "phone", &c.phone) < 0)
            return;
    }
    if ((active = json_object_get(r->json, "active")) != NULL) {
        if (!json_is_boolean(active)) {
            reply_bad_request(r, "active", "应为 true 或 false");
            return;
        }
        c.set_active = 1;
        c.active = json_is_true(active);
    }
    if (req_begin(r) == 0)
        users_answer(r, users_update(r->db, r->user, r->ip, id, &c), 200, id);
}

static void users_password_handler(req *r)
{
    const char *password;
    char hash[PASSWORD_HASH_MAX];
    int64_t id;

    if (!users_manager(r) || (id = req_param_id(r)) == 0 || req_body_object(r) != 0 ||
        req_body_required(r, "password", &password) != 0 ||
        users_new_hash(r, "password", password, hash) != 0 || req_begin(r) != 0)
        return;
    users_answer(r, users_set_hash(r->db, r->user, r->ip, id, hash), 200, id);
}

static void users_unlock_handler(req *r)
{
    int64_t id;

    if (users_manager(r) && (id = req_param_id(r)) != 0 && req_begin(r) == 0)
        users_answer(r, users_unlock(r->db, r->user, r->ip, id), 200, id);
}

const route users_routes[] = {
    {"GET", "/api/users", users_list_handler, 0},
    {"POST", "/api/users", users_create_handler, 0},
    {"PATCH", "/api/users/{id}", users_patch_handler, 0},
    {"POST", "/api/users/{id}/password", users_password_handler, 0},
    {"POST", "/api/users/{id}/unlock", users_unlock_handler, 0},
    {0},
};
