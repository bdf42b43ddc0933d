/*
 * users.c - accounts (table users): the records (see users.h).
 *
 * An account has a role (access.h), a scope (the org unit whose subtree it
 * sees; a 学校管理员's scope is their school's unit), for 股室人员 a
 * department, an argon2id password hash and its lockout state
 * (failed_count, locked_until). Disabled accounts (active = 0) cannot log in
 * and lose their sessions.
 *
 * Here: validation, create, update, password reset, lock and unlock, and
 * the API's user object, built in one place: users_shape over a
 * USERS_SELECT row. An admin manages only accounts whose scope lies in
 * their own scope. Every write is audited in its transaction; audit rows
 * never contain a password or a hash. Logging in is login.c; the HTTP
 * handlers of /api/users are users_api.c.
 */
#include "domain/users.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "auth/access.h"
#include "auth/password.h"
#include "domain/audit.h"
#include "http/paging.h"
#include "util/clock.h"
#include "util/strbuf.h"
#include "util/text.h"


#define USERS_NAME_MAX_CHARS 30
#define USERS_PHONE_MAX 20

/* ---- errors ---------------------------------------------------------- */

static const struct {
    int status;
    const char *field;
    const char *message;
} users_errors[] = {
    [USERS_OK] = {200, NULL, "成功"},
    [USERS_ERR_USERNAME] = {400, "username", "用户名应为 3-32 位字母、数字或 _ . -"},
    [USERS_ERR_DUPLICATE] = {409, "username", "用户名已存在"},
    [USERS_ERR_NAME] = {400, "name", "请填写姓名（不超过 30 个字）"},
    [USERS_ERR_ROLE] = {400, "role", "角色无效"},
    [USERS_ERR_DEPT] = {400, "dept_id", "股室人员需选择所属股室"},
    [USERS_ERR_SCHOOL] = {400, "school_id", "学校管理员需选择本人管理的学校"},
    [USERS_ERR_SCOPE] = {400, "scope_org_id", "管理范围无效或超出您的权限"},
    [USERS_ERR_PHONE] = {400, "phone", "电话号码格式不正确"},
    [USERS_ERR_PASSWORD] = {400, "password", "密码需至少 8 个字符，并包含大写字母、小写字母、数字、符号中的至少三类"},
    [USERS_ERR_SELF_ROLE] = {400, "role", "不能修改自己的系统管理员角色"},
    [USERS_ERR_SELF_ACTIVE] = {400, "active", "不能停用自己的账号"},
    [USERS_ERR_NOTFOUND] = {404, NULL, "用户不存在"},
    [USERS_ERR_STORE] = {500, NULL, "服务器内部错误"},
};

static int users_err_index(int rc)
{
    return rc >= 0 && rc <= USERS_ERR_STORE ? rc : USERS_ERR_STORE;
}

int users_err_status(int rc) { return users_errors[users_err_index(rc)].status; }
const char *users_err_field(int rc) { return users_errors[users_err_index(rc)].field; }
const char *users_err_message(int rc) { return users_errors[users_err_index(rc)].message; }

/* ---- validation ------------------------------------------------------ */

int users_username_valid(const char *username)
{
    size_t n = username ? strlen(username) : 0;

    if (n < 3 || n > 32)
        return 0;
    return strspn(username, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == n;
}

static int users_name_valid(const char *name)
{
    if (!name || !name[0] || name[0] == ' ')
        return 0;
    return text_chars(name) <= USERS_NAME_MAX_CHARS;
}

static int users_phone_valid(const char *phone)
{
    size_t n = phone ? strlen(phone) : 0;

    if (!phone)
        return 1;
    return n >= 5 && n <= USERS_PHONE_MAX && strspn(phone, "0123456789-+ ") == n;
}

/* The path of org unit id if it lies in the actor's scope (any for the
 * command line): 1 yes, 0 no or unknown, -1 store error. */
static int users_org_allowed(store_db *db, const user_ctx *actor, const char *sql, int64_t id,
                             int64_t *org_id_out)
{
    json_t *row = NULL;
    sval params[] = {SV_I(id)};
    int rc, ok;

    if (id <= 0)
        return 0;
    rc = db_query_one(db, sql, params, 1, &row);
    if (rc == STORE_NOTFOUND)
        return 0;
    if (rc != STORE_OK)
        return -1;
    ok = !actor || access_in_scope(actor, text_field(row, "path"));
    if (org_id_out)
        *org_id_out = text_field_int(row, "org_id");
    json_decref(row);
    return ok;
}

/* Check and normalise where an account sits: its role, department (dept
 * role only), school (school role only; the scope becomes the school's
 * unit) and scope, which must lie in the actor's scope. */
static int users_check_placement(store_db *db, const user_ctx *actor, const char *role,
                                 int64_t *dept_id, int64_t *scope_org_id, int64_t *school_id)
{
    int64_t count = 0;
    int ok;

    if (!access_role_valid(role))
        return USERS_ERR_ROLE;
    if (strcmp(role, ROLE_DEPT) == 0) {
        sval params[] = {SV_I(*dept_id)};
        if (*dept_id <= 0)
            return USERS_ERR_DEPT;
        if (db_query_int(db, "SELECT COUNT(*) FROM departments WHERE id = ?", params, 1, &count) != STORE_OK)
            return USERS_ERR_STORE;
        if (count == 0)
            return USERS_ERR_DEPT;
    } else {
        *dept_id = 0;
    }
    if (strcmp(role, ROLE_SCHOOL) == 0) {
        ok = users_org_allowed(db, actor, "SELECT org_id, path FROM schools WHERE id = ?", *school_id,
                               scope_org_id);
        if (ok < 0)
            return USERS_ERR_STORE;
        if (!ok)
            return USERS_ERR_SCHOOL;
    } else {
        *school_id = 0;
    }
    ok = users_org_allowed(db, actor, "SELECT id AS org_id, path FROM org_units WHERE id = ?",
                           *scope_org_id, NULL);
    if (ok < 0)
        return USERS_ERR_STORE;
    return ok ? USERS_OK : USERS_ERR_SCOPE;
}

static sval users_id_sv(int64_t id)
{
    return id > 0 ? SV_I(id) : SV_NUL;
}

/* ---- the user object ------------------------------------------------- */

static const char USERS_SELECT[] =
    "SELECT u.id, u.username, u.name, u.role, u.dept_id, d.name AS dept_name, u.scope_org_id, "
    "o.name AS scope_name, u.school_id, sc.name AS school_name, u.phone, u.must_change, u.active, "
    "u.locked_until, u.last_login_at "
    "FROM users u JOIN org_units o ON o.id = u.scope_org_id "
    "LEFT JOIN departments d ON d.id = u.dept_id "
    "LEFT JOIN schools sc ON sc.id = u.school_id";

/* A USERS_SELECT row -> the API's user object (in place). */
static void users_shape(json_t *row, int show_phone, int64_t now)
{
    const char *phone = text_field(row, "phone");
    json_int_t last_login = text_field_int(row, "last_login_at");

    json_object_set_new(row, "role_label",
                        json_string(access_role_label(text_field(row, "role"))));
    json_object_set_new(row, "must_change_password",
                        json_boolean(text_field_int(row, "must_change")));
    json_object_set_new(row, "active", json_boolean(text_field_int(row, "active")));
    json_object_set_new(row, "locked",
                        json_boolean(text_field_int(row, "locked_until") > now));
    if (last_login > 0) {
        text_set_time(row, "last_login_at", last_login);
    } else {
        json_object_set_new(row, "last_login_at", json_null());
    }
    if (phone && !show_phone)
        json_object_set_new(row, "phone", text_masked_phone(phone));
    json_object_del(row, "must_change");
    json_object_del(row, "locked_until");
}

int users_load(store_db *db, int64_t id, int64_t now, json_t **out)
{
    char *sql = NULL;
    sval params[] = {SV_I(id)};
    int rc;

    if (asprintf(&sql, "%s WHERE u.id = ?", USERS_SELECT) < 0)
        return STORE_ERROR;
    rc = db_query_one(db, sql, params, 1, out);
    free(sql);
    if (rc == STORE_OK)
        users_shape(*out, 1, now);
    return rc;
}

int users_all(store_db *db, int64_t now, json_t **rows)
{
    char *sql = NULL;
    size_t i;
    json_t *row;
    int rc;

    if (asprintf(&sql, "%s ORDER BY u.id", USERS_SELECT) < 0)
        return STORE_ERROR;
    rc = db_query(db, sql, NULL, 0, rows);
    free(sql);
    if (rc != STORE_OK)
        return rc;
    json_array_foreach(*rows, i, row)
        users_shape(row, 1, now);
    return STORE_OK;
}

int users_query(store_db *db, const char *where, sval *params, int nparams, int64_t limit,
                int64_t offset, int64_t now, int64_t *total, json_t **rows)
{
    strbuf count = STRBUF_INIT, sql = STRBUF_INIT;
    size_t i;
    json_t *row;
    int rc;

    sb_appendf(&count, "SELECT COUNT(*) FROM users u JOIN org_units o ON o.id = u.scope_org_id%s",
               where);
    sb_appendf(&sql, "%s%s ORDER BY u.id LIMIT ? OFFSET ?", USERS_SELECT, where);
    rc = paging_query(db, sb_str(&count), sb_str(&sql), params, nparams, limit, offset, total, rows);
    sb_free(&count);
    sb_free(&sql);
    if (rc != STORE_OK)
        return rc;
    json_array_foreach(*rows, i, row)
        users_shape(row, 1, now);
    return STORE_OK;
}

/* What the audit log records of an account (never the hash), with
 * scope_path for the audit row's org_path. */
static int users_snapshot(store_db *db, int64_t id, json_t **out)
{
    sval params[] = {SV_I(id)};
    int rc = db_query_one(db,
                          "SELECT u.username, u.name, u.role, u.dept_id, u.scope_org_id, u.school_id, "
                          "u.phone, u.active, u.must_change, o.path AS scope_path "
                          "FROM users u JOIN org_units o ON o.id = u.scope_org_id WHERE u.id = ?",
                          params, 1, out);
    return rc == STORE_NOTFOUND ? USERS_ERR_NOTFOUND : rc == STORE_OK ? USERS_OK : USERS_ERR_STORE;
}

static const char *users_snapshot_path(json_t *snap)
{
    return text_field(snap, "scope_path");
}

/* The snapshot of an account the actor may manage. */
static int users_snapshot_managed(store_db *db, const user_ctx *actor, int64_t id, json_t **out)
{
    int rc = users_snapshot(db, id, out);

    if (rc != USERS_OK)
        return rc;
    if (actor && !access_in_scope(actor, users_snapshot_path(*out))) {
        json_decref(*out);
        *out = NULL;
        return USERS_ERR_NOTFOUND;
    }
    return USERS_OK;
}

/* ---- writes (inside the caller's transaction) ------------------------ */

static int users_audit(store_db *db, const user_ctx *actor, const char *ip, const char *action,
                       int64_t id, json_t *before, json_t *after)
{
    json_t *where = after ? after : before;
    return audit_write(db, actor, ip, action, "user", id, users_snapshot_path(where), before, after) ==
                   STORE_OK
               ? USERS_OK
               : USERS_ERR_STORE;
}

int users_insert(store_db *db, const user_ctx *actor, const char *ip, const char *username,
                 const char *name, const char *role, int64_t dept_id, int64_t scope_org_id,
                 int64_t school_id, const char *phone, const char *hash, int must_change,
                 int64_t *id_out)
{
    int64_t count = 0, id = 0;
    json_t *after = NULL;
    int rc;

    if (!users_username_valid(username))
        return USERS_ERR_USERNAME;
    if (!users_name_valid(name))
        return USERS_ERR_NAME;
    if (!users_phone_valid(phone))
        return USERS_ERR_PHONE;
    rc = users_check_placement(db, actor, role, &dept_id, &scope_org_id, &school_id);
    if (rc != USERS_OK)
        return rc;
    sval key[] = {SV_T(username)};
    if (db_query_int(db, "SELECT COUNT(*) FROM users WHERE username = ?", key, 1, &count) != STORE_OK)
        return USERS_ERR_STORE;
    if (count > 0)
        return USERS_ERR_DUPLICATE;
    sval params[] = {SV_T(username), SV_T(name), SV_T(role), users_id_sv(dept_id), SV_I(scope_org_id),
                     users_id_sv(school_id), SV_T(phone && phone[0] ? phone : NULL), SV_T(hash),
                     SV_I(must_change ? 1 : 0), SV_I(clock_now())};
    rc = db_insert(db,
                   "INSERT INTO users (username, name, role, dept_id, scope_org_id, school_id, phone, "
                   "password_hash, must_change, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                   "RETURNING id",
                   params, 10, &id);
    if (rc == STORE_CONSTRAINT)
        return USERS_ERR_DUPLICATE;
    if (rc != STORE_OK)
        return USERS_ERR_STORE;
    rc = users_snapshot(db, id, &after);
    if (rc != USERS_OK)
        return USERS_ERR_STORE;
    rc = users_audit(db, actor, ip, "create", id, NULL, after);
    json_decref(after);
    if (rc == USERS_OK && id_out)
        *id_out = id;
    return rc;
}

int users_create_hashed(store_db *db, const user_ctx *actor, const char *ip, const char *username,
                        const char *name, const char *role, int64_t dept_id,
                        int64_t scope_org_id, int64_t school_id, const char *password_hash,
                        int must_change, int64_t *id_out)
{
    return users_insert(db, actor, ip, username, name, role, dept_id, scope_org_id, school_id, NULL,
                        password_hash, must_change, id_out);
}

int users_password_hash(const char *password, char *hash, const char **why)
{
    const char *refused = password_policy_error(password);

    if (why)
        *why = refused;
    if (refused)
        return USERS_ERR_PASSWORD;
    return password_hash(password, hash) == 0 ? USERS_OK : USERS_ERR_STORE;
}

int users_create(store_db *db, const user_ctx *actor, const char *ip, const char *username,
                 const char *name, const char *role, int64_t dept_id, int64_t scope_org_id,
                 int64_t school_id, const char *password, int must_change, int64_t *id_out)
{
    char hash[PASSWORD_HASH_MAX];
    int rc = users_password_hash(password, hash, NULL);

    if (rc != USERS_OK)
        return rc;
    return users_insert(db, actor, ip, username, name, role, dept_id, scope_org_id, school_id, NULL,
                        hash, must_change, id_out);
}

int users_update(store_db *db, const user_ctx *actor, const char *ip, int64_t id,
                 const users_change *c)
{
    json_t *before = NULL, *after = NULL;
    int rc = users_snapshot_managed(db, actor, id, &before);

    if (rc != USERS_OK)
        return rc;
    const char *name = c->set_name ? c->name : text_field(before, "name");
    const char *role = c->set_role ? c->role : text_field(before, "role");
    int64_t dept_id = c->set_dept ? c->dept_id : text_field_int(before, "dept_id");
    int64_t scope_org_id = c->set_scope ? c->scope_org_id : text_field_int(before, "scope_org_id");
    int64_t school_id = c->set_school ? c->school_id : text_field_int(before, "school_id");
    const char *phone = c->set_phone ? c->phone : text_field(before, "phone");
    int active = c->set_active ? c->active != 0 : text_field_int(before, "active") != 0;
    int was_active = text_field_int(before, "active") != 0;

    if (actor && actor->id == id && role && strcmp(role, ROLE_ADMIN) != 0)
        rc = USERS_ERR_SELF_ROLE;
    else if (actor && actor->id == id && !active)
        rc = USERS_ERR_SELF_ACTIVE;
    else if (!users_name_valid(name))
        rc = USERS_ERR_NAME;
    else if (!users_phone_valid(phone))
        rc = USERS_ERR_PHONE;
    else
        rc = users_check_placement(db, actor, role, &dept_id, &scope_org_id, &school_id);
    if (rc == USERS_OK) {
        sval params[] = {SV_T(name), SV_T(role), users_id_sv(dept_id), SV_I(scope_org_id),
                         users_id_sv(school_id), SV_T(phone && phone[0] ? phone : NULL),
                         SV_I(active), SV_I(id)};
        if (db_exec(db,
                    "UPDATE users SET name = ?, role = ?, dept_id = ?, scope_org_id = ?, school_id = ?, "
                    "phone = ?, active = ? WHERE id = ?",
                    params, 8) != STORE_OK)
            rc = USERS_ERR_STORE;
    }
    if (rc == USERS_OK && was_active && !active && session_delete_user(db, id) != STORE_OK)
        rc = USERS_ERR_STORE;
    if (rc == USERS_OK)
        rc = users_snapshot(db, id, &after) == USERS_OK ? USERS_OK : USERS_ERR_STORE;
    if (rc == USERS_OK)
        rc = users_audit(db, actor, ip, "update", id, before, after);
    json_decref(before);
    json_decref(after);
    return rc;
}

/* One change of an account's state that the actor may make: run sql
 * (parameters: value, id), end the account's sessions when asked, and
 * audit action with before/after (both stolen, may be NULL), to which the
 * account's scope_path is added for the audit row's org path. */
static int users_set_state(store_db *db, const user_ctx *actor, const char *ip, int64_t id,
                           const char *sql, sval value, int end_sessions, const char *action,
                           json_t *before, json_t *after)
{
    json_t *snap = NULL;
    sval params[] = {value, SV_I(id)};
    int rc = after ? users_snapshot_managed(db, actor, id, &snap) : USERS_ERR_STORE;

    if (rc == USERS_OK && (db_exec(db, sql, params, 2) != STORE_OK ||
                           (end_sessions && session_delete_user(db, id) != STORE_OK)))
        rc = USERS_ERR_STORE;
    if (rc == USERS_OK) {
        json_t *path = json_object_get(snap, "scope_path");
        if (before)
            json_object_set(before, "scope_path", path);
        json_object_set(after, "scope_path", path);
        rc = users_audit(db, actor, ip, action, id, before, after);
    }
    json_decref(snap);
    json_decref(before);
    json_decref(after);
    return rc;
}

int users_set_hash(store_db *db, const user_ctx *actor, const char *ip, int64_t id,
                   const char *hash)
{
    return users_set_state(db, actor, ip, id,
                           "UPDATE users SET password_hash = ?, must_change = 1 WHERE id = ?",
                           SV_T(hash), 1, "password", NULL,
                           json_pack("{s:b,s:b}", "reset", 1, "must_change_password", 1));
}

int users_reset_password(store_db *db, const user_ctx *actor, const char *ip, int64_t id,
                         const char *password)
{
    char hash[PASSWORD_HASH_MAX];
    int rc = users_password_hash(password, hash, NULL);

    return rc == USERS_OK ? users_set_hash(db, actor, ip, id, hash) : rc;
}

int users_lock(store_db *db, const user_ctx *actor, const char *ip, int64_t id, int64_t until)
{
    return users_set_state(db, actor, ip, id, "UPDATE users SET locked_until = ? WHERE id = ?",
                           SV_I(until), 1, "lock", NULL,
                           json_pack("{s:I}", "locked_until", (json_int_t)until));
}

int users_unlock(store_db *db, const user_ctx *actor, const char *ip, int64_t id)
{
    json_t *before = NULL;
    sval key[] = {SV_I(id)};
    int rc = db_query_one(db, "SELECT failed_count, locked_until FROM users WHERE id = ?", key, 1, &before);

    if (rc != STORE_OK)
        return rc == STORE_NOTFOUND ? USERS_ERR_NOTFOUND : USERS_ERR_STORE;
    return users_set_state(db, actor, ip, id,
                           "UPDATE users SET failed_count = 0, locked_until = ? WHERE id = ?", SV_I(0),
                           0, "unlock", before,
                           json_pack("{s:i,s:i}", "failed_count", 0, "locked_until", 0));
}
