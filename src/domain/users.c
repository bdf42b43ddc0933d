/*
 * users.c - accounts (table users): logging in and out, the caller's own
 * account, and user management by 系统管理员 (see users.h).
 *
 * An account has a role (access.h), a scope (the org unit whose subtree it
 * sees; a 学校管理员's scope is their school's unit), for 股室人员 a
 * department, an argon2id password hash and its lockout state
 * (failed_count, locked_until). Disabled accounts (active = 0) cannot log in
 * and lose their sessions.
 *
 * Routes: auth_routes (/api/login, /api/logout, /api/me, /api/me/password)
 * and users_routes (/api/users...). An admin manages only accounts whose
 * scope lies in their own scope. Every write is audited in its transaction;
 * audit rows never contain a password or a hash. The API's user object is
 * built in one place: users_shape over a USERS_SELECT row.
 */
#include "domain/users.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "auth/access.h"
#include "auth/password.h"
#include "domain/audit.h"
#include "domain/org.h"
#include "domain/settings.h"
#include "http/paging.h"
#include "http/reply.h"
#include "http/router.h"
#include "util/clock.h"
#include "util/strbuf.h"

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
    size_t chars = 0;

    if (!name || !name[0] || name[0] == ' ')
        return 0;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        if ((*p & 0xC0) != 0x80)
            chars++;
    return chars <= USERS_NAME_MAX_CHARS;
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
    ok = !actor || access_in_scope(actor, json_string_value(json_object_get(row, "path")));
    if (org_id_out)
        *org_id_out = json_integer_value(json_object_get(row, "org_id"));
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

/* "13812345678" -> "138****5678". */
static json_t *users_mask_phone(const char *phone)
{
    char masked[32];
    size_t n = strlen(phone);

    if (n < 8)
        return json_string("****");
    snprintf(masked, sizeof masked, "%.3s****%s", phone, phone + n - 4);
    return json_string(masked);
}

/* A USERS_SELECT row -> the API's user object (in place). */
static void users_shape(json_t *row, int show_phone, int64_t now)
{
    const char *phone = json_string_value(json_object_get(row, "phone"));
    json_int_t last_login = json_integer_value(json_object_get(row, "last_login_at"));
    char when[32];

    json_object_set_new(row, "role_label",
                        json_string(access_role_label(json_string_value(json_object_get(row, "role")))));
    json_object_set_new(row, "must_change_password",
                        json_boolean(json_integer_value(json_object_get(row, "must_change"))));
    json_object_set_new(row, "active", json_boolean(json_integer_value(json_object_get(row, "active"))));
    json_object_set_new(row, "locked",
                        json_boolean(json_integer_value(json_object_get(row, "locked_until")) > now));
    if (last_login > 0) {
        clock_format(last_login, when, sizeof when);
        json_object_set_new(row, "last_login_at", json_string(when));
    } else {
        json_object_set_new(row, "last_login_at", json_null());
    }
    if (phone && !show_phone)
        json_object_set_new(row, "phone", users_mask_phone(phone));
    json_object_del(row, "must_change");
    json_object_del(row, "locked_until");
}

/* The user object of id. */
static int users_object(store_db *db, int64_t id, int show_phone, int64_t now, json_t **out)
{
    char *sql = NULL;
    sval params[] = {SV_I(id)};
    int rc;

    if (asprintf(&sql, "%s WHERE u.id = ?", USERS_SELECT) < 0)
        return STORE_ERROR;
    rc = db_query_one(db, sql, params, 1, out);
    free(sql);
    if (rc == STORE_OK)
        users_shape(*out, show_phone, now);
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
    return json_string_value(json_object_get(snap, "scope_path"));
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

static int users_insert(store_db *db, const user_ctx *actor, const char *ip, const char *username,
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

int users_create(store_db *db, const user_ctx *actor, const char *ip, const char *username,
                 const char *name, const char *role, int64_t dept_id, int64_t scope_org_id,
                 int64_t school_id, const char *password, int must_change, int64_t *id_out)
{
    char hash[PASSWORD_HASH_MAX];

    if (password_policy_error(password))
        return USERS_ERR_PASSWORD;
    if (password_hash(password, hash) != 0)
        return USERS_ERR_STORE;
    return users_insert(db, actor, ip, username, name, role, dept_id, scope_org_id, school_id, NULL,
                        hash, must_change, id_out);
}

/* The value of a snapshot member as an id, string or flag. */
static int64_t users_snap_int(json_t *snap, const char *key)
{
    return json_integer_value(json_object_get(snap, key));
}

static const char *users_snap_str(json_t *snap, const char *key)
{
    return json_string_value(json_object_get(snap, key));
}

int users_update(store_db *db, const user_ctx *actor, const char *ip, int64_t id,
                 const users_change *c)
{
    json_t *before = NULL, *after = NULL;
    int rc = users_snapshot_managed(db, actor, id, &before);

    if (rc != USERS_OK)
        return rc;
    const char *name = c->set_name ? c->name : users_snap_str(before, "name");
    const char *role = c->set_role ? c->role : users_snap_str(before, "role");
    int64_t dept_id = c->set_dept ? c->dept_id : users_snap_int(before, "dept_id");
    int64_t scope_org_id = c->set_scope ? c->scope_org_id : users_snap_int(before, "scope_org_id");
    int64_t school_id = c->set_school ? c->school_id : users_snap_int(before, "school_id");
    const char *phone = c->set_phone ? c->phone : users_snap_str(before, "phone");
    int active = c->set_active ? c->active != 0 : users_snap_int(before, "active") != 0;
    int was_active = users_snap_int(before, "active") != 0;

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

/* Store a new hash, force a change at next login, end the sessions. */
static int users_set_hash(store_db *db, const user_ctx *actor, const char *ip, int64_t id,
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

    if (password_policy_error(password))
        return USERS_ERR_PASSWORD;
    if (password_hash(password, hash) != 0)
        return USERS_ERR_STORE;
    return users_set_hash(db, actor, ip, id, hash);
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

/* ---- logging in ------------------------------------------------------ */

/* A hash of a random password, verified against when the username is
 * unknown so that the answer takes as long as for a wrong password. */
static char users_dummy_hash[PASSWORD_HASH_MAX];
static pthread_once_t users_dummy_once = PTHREAD_ONCE_INIT;

static void users_dummy_init(void)
{
    char random_password[33];

    password_random_hex(random_password, 16);
    if (password_hash(random_password, users_dummy_hash) != 0)
        users_dummy_hash[0] = '\0';
}

/* Record a refused login in one transaction: audit login_failed with the
 * reason and, when counted, count the failure and lock the account once
 * the failures reach lockout_failures. */
static void users_login_refuse(store_db *db, const user_ctx *who, const char *ip, const char *path,
                               const char *reason, int counted, int64_t now, login_result *res)
{
    int64_t failures = 0;
    json_t *after = json_pack("{s:s}", "reason", reason);
    int rc = after ? db_begin(db) : STORE_ERROR;

    res->status = LOGIN_BAD;
    if (rc == STORE_OK)
        rc = audit_write(db, who, ip, "login_failed", "session", who->id, path, NULL, after);
    json_decref(after);
    if (rc == STORE_OK && counted) {
        sval key[] = {SV_I(who->id)};
        rc = db_exec(db, "UPDATE users SET failed_count = failed_count + 1 WHERE id = ?", key, 1);
        if (rc == STORE_OK)
            rc = db_query_int(db, "SELECT failed_count FROM users WHERE id = ?", key, 1, &failures);
    }
    if (rc == STORE_OK && counted && failures >= settings_int(db, "lockout_failures", 5)) {
        int64_t minutes = settings_int(db, "lockout_minutes", 15);
        int64_t until = now + minutes * 60;
        sval lock[] = {SV_I(until), SV_I(who->id)};
        rc = db_exec(db, "UPDATE users SET failed_count = 0, locked_until = ? WHERE id = ?", lock, 2);
        json_t *locked = json_pack("{s:I,s:I}", "failures", (json_int_t)failures, "locked_until",
                                   (json_int_t)until);
        if (rc == STORE_OK)
            rc = locked ? audit_write(db, who, ip, "lock", "user", who->id, path, NULL, locked) : STORE_ERROR;
        json_decref(locked);
        res->status = LOGIN_LOCKED;
        res->locked_minutes = minutes;
    }
    if (rc == STORE_OK)
        rc = db_commit(db);
    if (rc != STORE_OK) {
        db_rollback(db);
        res->status = LOGIN_ERROR;
    }
}

/* A good password: reset the failures, open the session, audit "login". */
static void users_login_accept(store_db *db, const user_ctx *who, const char *ip, const char *path,
                               int64_t now, login_result *res)
{
    sval params[] = {SV_I(now), SV_I(who->id)};
    int rc = db_begin(db);

    if (rc == STORE_OK)
        rc = db_exec(db, "UPDATE users SET failed_count = 0, locked_until = 0, last_login_at = ? WHERE id = ?",
                     params, 2);
    if (rc == STORE_OK)
        rc = session_create(db, who->id, ip, now, res->token, res->csrf);
    if (rc == STORE_OK)
        rc = audit_write(db, who, ip, "login", "session", who->id, path, NULL, NULL);
    if (rc == STORE_OK)
        rc = db_commit(db);
    if (rc != STORE_OK) {
        db_rollback(db);
        res->status = LOGIN_ERROR;
        return;
    }
    res->status = LOGIN_OK;
    res->user_id = who->id;
}

void users_login(store_db *db, const char *username, const char *password, const char *ip,
                 int64_t now, login_result *res)
{
    json_t *row = NULL;
    user_ctx who = {0};
    sval key[] = {SV_T(username)};
    int rc;

    memset(res, 0, sizeof *res);
    res->status = LOGIN_ERROR;
    rc = db_query_one(db,
                      "SELECT u.id, u.password_hash, u.active, u.locked_until, o.path AS scope_path "
                      "FROM users u JOIN org_units o ON o.id = u.scope_org_id WHERE u.username = ?",
                      key, 1, &row);
    if (rc == STORE_NOTFOUND) {
        pthread_once(&users_dummy_once, users_dummy_init);
        if (users_dummy_hash[0])
            (void)password_verify(users_dummy_hash, password);
        who.username = users_username_valid(username) ? username : "(无效用户名)";
        users_login_refuse(db, &who, ip, NULL, "unknown_user", 0, now, res);
        return;
    }
    if (rc != STORE_OK)
        return;

    const char *path = users_snapshot_path(row);
    int64_t locked_until = json_integer_value(json_object_get(row, "locked_until"));
    who.id = json_integer_value(json_object_get(row, "id"));
    who.username = username;
    if (locked_until > now) {
        users_login_refuse(db, &who, ip, path, "locked", 0, now, res);
        if (res->status != LOGIN_ERROR) {
            res->status = LOGIN_LOCKED;
            res->locked_minutes = (locked_until - now + 59) / 60;
        }
    } else if (!json_integer_value(json_object_get(row, "active"))) {
        users_login_refuse(db, &who, ip, path, "disabled", 0, now, res);
    } else if (!password_verify(json_string_value(json_object_get(row, "password_hash")), password)) {
        users_login_refuse(db, &who, ip, path, "password", 1, now, res);
    } else {
        users_login_accept(db, &who, ip, path, now, res);
    }
    json_decref(row);
}

/* ---- request helpers ------------------------------------------------- */

/* The JSON body as an object, or NULL after replying 400. */
static json_t *users_body(req *r)
{
    if (!json_is_object(r->json)) {
        reply_error(r, 400, "bad_json", "请求内容应为 JSON 对象", NULL);
        return NULL;
    }
    return r->json;
}

/* String member: 1 present, 0 absent or null, -1 wrong type (replied). */
static int users_body_str(req *r, const char *key, const char **out)
{
    json_t *v = json_object_get(r->json, key);

    *out = NULL;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_string(v)) {
        reply_bad_request(r, key, "应为文本");
        return -1;
    }
    *out = json_string_value(v);
    return 1;
}

/* A required non-empty string member: 0 ok, -1 replied 400. */
static int users_body_required(req *r, const char *key, const char **out)
{
    int rc = users_body_str(r, key, out);

    if (rc < 0)
        return -1;
    if (rc == 0 || !(*out)[0]) {
        reply_error(r, 400, "missing", "此项为必填项", key);
        return -1;
    }
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
    const char *why = password_policy_error(password);

    if (why) {
        reply_bad_request(r, field, why);
        return -1;
    }
    if (password_hash(password, hash) != 0) {
        reply_store_error(r, STORE_ERROR);
        return -1;
    }
    return 0;
}

/* Open the transaction of a write: 0 ok, -1 after replying. */
static int users_begin(req *r)
{
    int rc = db_begin(r->db);

    if (rc == STORE_OK)
        return 0;
    reply_store_error(r, rc);
    return -1;
}

/* Commit when rc (a store code) is STORE_OK: 0; else roll back and reply
 * the error: -1. */
static int users_commit(req *r, int rc)
{
    if (rc == STORE_OK)
        rc = db_commit(r->db);
    if (rc == STORE_OK)
        return 0;
    db_rollback(r->db);
    reply_store_error(r, rc);
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
    rc = users_object(r->db, id, 1, clock_now(), &obj);
    if (rc != STORE_OK)
        reply_store_error(r, rc);
    else
        reply_json(r, status, obj);
}

/* {"user":{...},"csrf":"..."} of the caller. */
static void users_reply_session(req *r, int64_t id, const char *csrf)
{
    json_t *obj = NULL;
    int rc = users_object(r->db, id, 1, clock_now(), &obj);

    if (rc != STORE_OK) {
        reply_store_error(r, rc);
        return;
    }
    reply_json(r, 200, json_pack("{s:o,s:s}", "user", obj, "csrf", csrf));
}

static void users_set_cookie(req *r, const char *token)
{
    const char *secure = getenv("EDUBUREAU_SECURE_COOKIE");

    reply_header(r, "Set-Cookie",
                 arena_printf(r->a, "%s=%s; Path=/; HttpOnly; SameSite=Strict%s%s", SESSION_COOKIE,
                              token ? token : "", token ? "" : "; Max-Age=0",
                              secure && strcmp(secure, "1") == 0 ? "; Secure" : ""));
}

/* The session token from the Cookie header, or NULL. */
static const char *users_cookie_token(req *r)
{
    const char *p = req_header(r, "Cookie");
    size_t n = strlen(SESSION_COOKIE);

    while (p && *p) {
        while (*p == ' ' || *p == ';')
            p++;
        if (strncmp(p, SESSION_COOKIE, n) == 0 && p[n] == '=')
            return arena_strndup(r->a, p + n + 1, strcspn(p + n + 1, ";"));
        p = strchr(p, ';');
    }
    return NULL;
}

/* ---- auth_routes ----------------------------------------------------- */

static void users_login_handler(req *r)
{
    const char *username, *password;
    login_result res;

    if (!users_body(r) || users_body_required(r, "username", &username) != 0 ||
        users_body_required(r, "password", &password) != 0)
        return;
    users_login(r->db, username, password, r->ip, clock_now(), &res);
    switch (res.status) {
    case LOGIN_OK:
        users_set_cookie(r, res.token);
        users_reply_session(r, res.user_id, res.csrf);
        break;
    case LOGIN_BAD:
        reply_error(r, 401, "bad_credentials", "用户名或密码错误", NULL);
        break;
    case LOGIN_LOCKED:
        reply_error(r, 423, "locked",
                    arena_printf(r->a, "账号已锁定，请 %lld 分钟后再试", (long long)res.locked_minutes), NULL);
        break;
    default:
        reply_store_error(r, STORE_ERROR);
        break;
    }
}

static void users_logout_handler(req *r)
{
    const char *token = users_cookie_token(r);
    int rc;

    if (users_begin(r) != 0)
        return;
    rc = token ? session_delete(r->db, token) : STORE_OK;
    if (rc == STORE_OK)
        rc = audit_write(r->db, r->user, r->ip, "logout", "session", r->user->id, r->user->scope_path,
                         NULL, NULL);
    if (users_commit(r, rc) != 0)
        return;
    users_set_cookie(r, NULL);
    reply_json(r, 200, json_pack("{s:b}", "ok", 1));
}

static void users_me_handler(req *r)
{
    users_reply_session(r, r->user->id, r->user->csrf);
}

/* Store the caller's new hash, clear the forced change, end their other
 * sessions (keep_token's stays); audit "password". */
static int users_set_own_hash(store_db *db, const user_ctx *u, const char *ip, const char *hash,
                              const char *keep_token)
{
    sval params[] = {SV_T(hash), SV_I(u->id)};
    json_t *after = json_pack("{s:b}", "must_change_password", 0);
    int rc = after ? STORE_OK : STORE_ERROR;

    if (rc == STORE_OK)
        rc = db_exec(db, "UPDATE users SET password_hash = ?, must_change = 0 WHERE id = ?", params, 2);
    if (rc == STORE_OK)
        rc = session_delete_others(db, u->id, keep_token);
    if (rc == STORE_OK)
        rc = audit_write(db, u, ip, "password", "user", u->id, u->scope_path, NULL, after);
    json_decref(after);
    return rc;
}

static void users_me_password_handler(req *r)
{
    const user_ctx *u = r->user;
    const char *old_password, *new_password;
    char hash[PASSWORD_HASH_MAX];
    json_t *row = NULL;
    sval key[] = {SV_I(u->id)};
    int rc, old_ok;

    if (!users_body(r) || users_body_required(r, "old_password", &old_password) != 0 ||
        users_body_required(r, "new_password", &new_password) != 0)
        return;
    rc = db_query_one(r->db, "SELECT password_hash FROM users WHERE id = ?", key, 1, &row);
    if (rc != STORE_OK) {
        reply_store_error(r, rc);
        return;
    }
    old_ok = password_verify(json_string_value(json_object_get(row, "password_hash")), old_password);
    json_decref(row);
    if (!old_ok) {
        reply_bad_request(r, "old_password", "原密码不正确");
        return;
    }
    if (password_equal(old_password, new_password)) {
        reply_bad_request(r, "new_password", "新密码不能与原密码相同");
        return;
    }
    if (users_new_hash(r, "new_password", new_password, hash) != 0 || users_begin(r) != 0)
        return;
    if (users_commit(r, users_set_own_hash(r->db, u, r->ip, hash, users_cookie_token(r))) == 0)
        users_reply_session(r, u->id, u->csrf);
}

const route auth_routes[] = {
    {"POST", "/api/login", users_login_handler, ROUTE_PUBLIC | ROUTE_NO_CSRF | ROUTE_PASSWORD_CHANGE},
    {"POST", "/api/logout", users_logout_handler, ROUTE_PASSWORD_CHANGE},
    {"GET", "/api/me", users_me_handler, ROUTE_PASSWORD_CHANGE},
    {"POST", "/api/me/password", users_me_password_handler, ROUTE_PASSWORD_CHANGE},
    {0},
};

/* ---- users_routes ---------------------------------------------------- */

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

/* The {id} of the path, or 0 after replying 404. */
static int64_t users_path_id(req *r)
{
    const char *text = req_param(r, "id");
    char *end = NULL;
    long long id = text ? strtoll(text, &end, 10) : 0;

    if (!text || *end || id <= 0) {
        reply_not_found(r);
        return 0;
    }
    return id;
}

static void users_list_handler(req *r)
{
    const char *q = req_query(r, "q");
    const char *role = req_query(r, "role");
    paging p;
    strbuf where = STRBUF_INIT, sql = STRBUF_INIT;
    sval params[8];
    int n = 0, rc;
    int64_t total = 0, now = clock_now();
    json_t *rows = NULL, *row;
    size_t i;

    if (!access_can_manage_users(r->user)) {
        reply_forbidden(r);
        return;
    }
    if (paging_parse(r, &p) != 0)
        return;
    if (role && !access_role_valid(role)) {
        reply_bad_request(r, "role", "角色无效");
        return;
    }
    sb_append(&where, " WHERE o.path >= ? AND o.path < ?");
    params[n++] = SV_T(r->user->scope_path);
    params[n++] = SV_T(org_scope_upper(r->a, r->user->scope_path));
    if (role) {
        sb_append(&where, " AND u.role = ?");
        params[n++] = SV_T(role);
    }
    if (q) {
        const char *pattern = arena_printf(r->a, "%%%s%%", q);
        sb_append(&where, " AND (u.username LIKE ? OR u.name LIKE ?)");
        params[n++] = SV_T(pattern);
        params[n++] = SV_T(pattern);
    }
    sb_appendf(&sql, "SELECT COUNT(*) FROM users u JOIN org_units o ON o.id = u.scope_org_id%s",
               sb_str(&where));
    rc = db_query_int(r->db, sb_str(&sql), params, n, &total);
    if (rc == STORE_OK) {
        sb_reset(&sql);
        sb_appendf(&sql, "%s%s ORDER BY u.id LIMIT ? OFFSET ?", USERS_SELECT, sb_str(&where));
        params[n++] = SV_I(p.limit);
        params[n++] = SV_I(p.offset);
        rc = db_query(r->db, sb_str(&sql), params, n, &rows);
    }
    sb_free(&sql);
    sb_free(&where);
    if (rc != STORE_OK) {
        reply_store_error(r, rc);
        return;
    }
    json_array_foreach(rows, i, row) {
        users_shape(row, 1, now);
        if (p.xlsx) {
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

    if (!access_can_manage_users(r->user)) {
        reply_forbidden(r);
        return;
    }
    if (!users_body(r) || users_body_required(r, "username", &username) != 0 ||
        users_body_required(r, "name", &name) != 0 || users_body_required(r, "role", &role) != 0 ||
        users_body_required(r, "password", &password) != 0 ||
        users_body_id(r, "dept_id", &dept_id) < 0 || users_body_id(r, "scope_org_id", &scope_org_id) < 0 ||
        users_body_id(r, "school_id", &school_id) < 0 || users_body_str(r, "phone", &phone) < 0 ||
        users_new_hash(r, "password", password, hash) != 0 || users_begin(r) != 0)
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

    if (!access_can_manage_users(r->user)) {
        reply_forbidden(r);
        return;
    }
    if ((id = users_path_id(r)) == 0 || !users_body(r))
        return;
    if ((c.set_name = users_body_str(r, "name", &c.name)) < 0 ||
        (c.set_role = users_body_str(r, "role", &c.role)) < 0 ||
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
        if (users_body_str(r, "phone", &c.phone) < 0)
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
    if (users_begin(r) == 0)
        users_answer(r, users_update(r->db, r->user, r->ip, id, &c), 200, id);
}

static void users_password_handler(req *r)
{
    const char *password;
    char hash[PASSWORD_HASH_MAX];
    int64_t id;

    if (!access_can_manage_users(r->user)) {
        reply_forbidden(r);
        return;
    }
    if ((id = users_path_id(r)) == 0 || !users_body(r) ||
        users_body_required(r, "password", &password) != 0 ||
        users_new_hash(r, "password", password, hash) != 0 || users_begin(r) != 0)
        return;
    users_answer(r, users_set_hash(r->db, r->user, r->ip, id, hash), 200, id);
}

static void users_unlock_handler(req *r)
{
    int64_t id;

    if (!access_can_manage_users(r->user)) {
        reply_forbidden(r);
        return;
    }
    if ((id = users_path_id(r)) != 0 && users_begin(r) == 0)
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
