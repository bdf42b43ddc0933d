/*
 * login.c - logging in and out (users_login, see users.h) and the routes
 * of the caller's own session: auth_routes, POST /api/login, POST
 * /api/logout, GET /api/me, POST /api/me/password.
 *
 * A login checks the password hash (argon2id), counts failures, and after
 * settings lockout_failures (5) failures in a row locks the account for
 * lockout_minutes (15); a disabled or locked account cannot log in. A good
 * password opens a session (auth/session.c), whose token the reply sets as
 * an HttpOnly cookie, with the CSRF token in the body. Every login, failed
 * login, lock, logout and password change is audited (never the password).
 */
#include "domain/users.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "auth/password.h"
#include "domain/audit.h"
#include "domain/settings.h"
#include "http/reply.h"
#include "http/router.h"
#include "util/clock.h"

/* A hash of a random password, verified against when the username is
 * unknown so that the answer takes as long as for a wrong password. */
static char login_dummy_hash[PASSWORD_HASH_MAX];
static pthread_once_t login_dummy_once = PTHREAD_ONCE_INIT;

static void login_dummy_init(void)
{
    char random_password[33];

    password_random_hex(random_password, 16);
    if (password_hash(random_password, login_dummy_hash) != 0)
        login_dummy_hash[0] = '\0';
}

/* Record a refused login in one transaction: audit login_failed with the
 * reason and, when counted, count the failure and lock the account once
 * the failures reach lockout_failures. */
static void login_refuse(store_db *db, const user_ctx *who, const char *ip, const char *path,
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
static void login_accept(store_db *db, const user_ctx *who, const char *ip, const char *path,
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
        pthread_once(&login_dummy_once, login_dummy_init);
        if (login_dummy_hash[0])
            (void)password_verify(login_dummy_hash, password);
        who.username = users_username_valid(username) ? username : "(无效用户名)";
        login_refuse(db, &who, ip, NULL, "unknown_user", 0, now, res);
        return;
    }
    if (rc != STORE_OK)
        return;

    const char *path = json_string_value(json_object_get(row, "scope_path"));
    int64_t locked_until = json_integer_value(json_object_get(row, "locked_until"));
    who.id = json_integer_value(json_object_get(row, "id"));
    who.username = username;
    if (locked_until > now) {
        login_refuse(db, &who, ip, path, "locked", 0, now, res);
        if (res->status != LOGIN_ERROR) {
            res->status = LOGIN_LOCKED;
            res->locked_minutes = (locked_until - now + 59) / 60;
        }
    } else if (!json_integer_value(json_object_get(row, "active"))) {
        login_refuse(db, &who, ip, path, "disabled", 0, now, res);
    } else if (!password_verify(json_string_value(json_object_get(row, "password_hash")), password)) {
        login_refuse(db, &who, ip, path, "password", 1, now, res);
    } else {
        login_accept(db, &who, ip, path, now, res);
    }
    json_decref(row);
}

/* ---- the handlers ---------------------------------------------------- */

/* Commit when rc (a store code) is STORE_OK: 0; else roll back and reply
 * the error: -1. */
static int login_commit(req *r, int rc)
{
    if (rc == STORE_OK)
        rc = db_commit(r->db);
    if (rc == STORE_OK)
        return 0;
    db_rollback(r->db);
    reply_store_error(r, rc);
    return -1;
}

/* {"user":{...},"csrf":"..."} of the caller. */
static void login_reply_session(req *r, int64_t id, const char *csrf)
{
    json_t *obj = NULL;
    int rc = users_load(r->db, id, clock_now(), &obj);

    if (rc != STORE_OK) {
        reply_store_error(r, rc);
        return;
    }
    reply_json(r, 200, json_pack("{s:o,s:s}", "user", obj, "csrf", csrf));
}

static void login_set_cookie(req *r, const char *token)
{
    const char *secure = getenv("EDUBUREAU_SECURE_COOKIE");

    reply_header(r, "Set-Cookie",
                 arena_printf(r->a, "%s=%s; Path=/; HttpOnly; SameSite=Strict%s%s", SESSION_COOKIE,
                              token ? token : "", token ? "" : "; Max-Age=0",
                              secure && strcmp(secure, "1") == 0 ? "; Secure" : ""));
}

/* The session token from the Cookie header, or NULL. */
static const char *login_cookie_token(req *r)
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

static void login_handler(req *r)
{
    const char *username, *password;
    login_result res;

    if (req_body_object(r) != 0 || req_body_required(r, "username", &username) != 0 ||
        req_body_required(r, "password", &password) != 0)
        return;
    users_login(r->db, username, password, r->ip, clock_now(), &res);
    switch (res.status) {
    case LOGIN_OK:
        login_set_cookie(r, res.token);
        login_reply_session(r, res.user_id, res.csrf);
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

static void login_logout_handler(req *r)
{
    const char *token = login_cookie_token(r);
    int rc;

    if (req_begin(r) != 0)
        return;
    rc = token ? session_delete(r->db, token) : STORE_OK;
    if (rc == STORE_OK)
        rc = audit_write(r->db, r->user, r->ip, "logout", "session", r->user->id, r->user->scope_path,
                         NULL, NULL);
    if (login_commit(r, rc) != 0)
        return;
    login_set_cookie(r, NULL);
    reply_json(r, 200, json_pack("{s:b}", "ok", 1));
}

static void login_me_handler(req *r)
{
    login_reply_session(r, r->user->id, r->user->csrf);
}

/* Store the caller's new hash, clear the forced change, end their other
 * sessions (keep_token's stays); audit "password". */
static int login_set_own_hash(store_db *db, const user_ctx *u, const char *ip, const char *hash,
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

static void login_me_password_handler(req *r)
{
    const user_ctx *u = r->user;
    const char *old_password, *new_password, *why = NULL;
    char hash[PASSWORD_HASH_MAX];
    json_t *row = NULL;
    sval key[] = {SV_I(u->id)};
    int rc, old_ok;

    if (req_body_object(r) != 0 || req_body_required(r, "old_password", &old_password) != 0 ||
        req_body_required(r, "new_password", &new_password) != 0)
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
    if (users_password_hash(new_password, hash, &why) != USERS_OK) {
        if (why)
            reply_bad_request(r, "new_password", why);
        else
            reply_store_error(r, STORE_ERROR);
        return;
    }
    if (req_begin(r) != 0)
        return;
    if (login_commit(r, login_set_own_hash(r->db, u, r->ip, hash, login_cookie_token(r))) == 0)
        login_reply_session(r, u->id, u->csrf);
}

const route auth_routes[] = {
    {"POST", "/api/login", login_handler, ROUTE_PUBLIC | ROUTE_NO_CSRF | ROUTE_PASSWORD_CHANGE},
    {"POST", "/api/logout", login_logout_handler, ROUTE_PASSWORD_CHANGE},
    {"GET", "/api/me", login_me_handler, ROUTE_PASSWORD_CHANGE},
    {"POST", "/api/me/password", login_me_password_handler, ROUTE_PASSWORD_CHANGE},
    {0},
};
