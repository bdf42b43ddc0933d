/*
 * session.c - login sessions in table sessions (see session.h).
 *
 * The cookie carries a token of 32 random bytes in hex; the table stores
 * only the BLAKE2b-256 hash of it (token_hash), so a copy of the database
 * does not hand out live sessions. Each session has its own CSRF token.
 *
 * session_load turns a token into the request's user_ctx: it joins the
 * user, their department's modules and their scope unit's path, refuses
 * disabled users, expires (deletes) a session idle for too long and
 * otherwise touches last_seen - at most every SESSION_TOUCH_SECONDS, so that
 * a busy user does not cost a database write per request.
 */
#include "auth/session.h"

#include <string.h>
#include <sodium.h>
#include "auth/password.h"

#define SESSION_TOKEN_BYTES 32
#define SESSION_TOUCH_SECONDS 15

/* BLAKE2b-256 of the token as 64 hex characters + NUL; returns out. */
static const char *session_token_hash(const char *token, char out[SESSION_TOKEN_HEX + 1])
{
    unsigned char digest[32];

    crypto_generichash(digest, sizeof digest, (const unsigned char *)token, strlen(token), NULL, 0);
    return sodium_bin2hex(out, SESSION_TOKEN_HEX + 1, digest, sizeof digest);
}

int session_create(store_db *db, int64_t user_id, const char *ip, int64_t now,
                   char *token, char *csrf)
{
    char buf[SESSION_TOKEN_HEX + 1];
    const char *hash;

    password_random_hex(token, SESSION_TOKEN_BYTES);
    password_random_hex(csrf, SESSION_TOKEN_BYTES);
    hash = session_token_hash(token, buf);
    sval params[] = {SV_T(hash), SV_I(user_id), SV_T(csrf), SV_T(ip), SV_I(now), SV_I(now)};
    return db_exec(db,
                   "INSERT INTO sessions (token_hash, user_id, csrf, ip, created_at, last_seen) "
                   "VALUES (?, ?, ?, ?, ?, ?)",
                   params, 6);
}

static const char *session_str(arena *a, json_t *row, const char *key)
{
    return arena_strdup(a, json_string_value(json_object_get(row, key)));
}

static int64_t session_int(json_t *row, const char *key)
{
    return json_integer_value(json_object_get(row, key));  /* NULL column -> 0 */
}

int session_load(store_db *db, arena *a, const char *token, int64_t now, int64_t idle_seconds,
                 user_ctx **out)
{
    char buf[SESSION_TOKEN_HEX + 1];
    const char *hash;
    json_t *row = NULL;
    int64_t last_seen;
    user_ctx *u;
    int rc;

    *out = NULL;
    if (!token || strlen(token) != SESSION_TOKEN_HEX)
        return STORE_NOTFOUND;
    hash = session_token_hash(token, buf);
    sval key[] = {SV_T(hash)};
    rc = db_query_one(db,
                      "SELECT s.csrf, s.last_seen, u.id, u.username, u.name, u.role, u.dept_id, "
                      "u.scope_org_id, u.school_id, u.must_change, u.active, "
                      "d.modules AS dept_modules, o.path AS scope_path "
                      "FROM sessions s JOIN users u ON u.id = s.user_id "
                      "JOIN org_units o ON o.id = u.scope_org_id "
                      "LEFT JOIN departments d ON d.id = u.dept_id "
                      "WHERE s.token_hash = ?",
                      key, 1, &row);
    if (rc != STORE_OK)
        return rc;
    if (!session_int(row, "active")) {
        json_decref(row);
        return STORE_NOTFOUND;
    }
    last_seen = session_int(row, "last_seen");
    if (now - last_seen > idle_seconds) {
        json_decref(row);
        rc = db_exec(db, "DELETE FROM sessions WHERE token_hash = ?", key, 1);
        return rc == STORE_OK ? STORE_NOTFOUND : rc;
    }
    if (now - last_seen >= SESSION_TOUCH_SECONDS) {
        sval touch[] = {SV_I(now), SV_T(hash)};
        rc = db_exec(db, "UPDATE sessions SET last_seen = ? WHERE token_hash = ?", touch, 2);
        if (rc != STORE_OK) {
            json_decref(row);
            return rc;
        }
    }

    u = arena_alloc(a, sizeof *u);
    u->id = session_int(row, "id");
    u->username = session_str(a, row, "username");
    u->name = session_str(a, row, "name");
    u->role = session_str(a, row, "role");
    u->scope_org_id = session_int(row, "scope_org_id");
    u->scope_path = session_str(a, row, "scope_path");
    u->dept_id = session_int(row, "dept_id");
    u->dept_modules = session_str(a, row, "dept_modules");
    if (!u->dept_modules)
        u->dept_modules = "";
    u->school_id = session_int(row, "school_id");
    u->must_change_password = session_int(row, "must_change") != 0;
    u->csrf = session_str(a, row, "csrf");
    json_decref(row);
    *out = u;
    return STORE_OK;
}

int session_delete(store_db *db, const char *token)
{
    char buf[SESSION_TOKEN_HEX + 1];

    if (!token)
        return STORE_OK;
    sval params[] = {SV_T(session_token_hash(token, buf))};
    return db_exec(db, "DELETE FROM sessions WHERE token_hash = ?", params, 1);
}

int session_delete_user(store_db *db, int64_t user_id)
{
    sval params[] = {SV_I(user_id)};
    return db_exec(db, "DELETE FROM sessions WHERE user_id = ?", params, 1);
}

int session_delete_others(store_db *db, int64_t user_id, const char *keep_token)
{
    char buf[SESSION_TOKEN_HEX + 1];

    if (!keep_token)
        return session_delete_user(db, user_id);
    sval params[] = {SV_I(user_id), SV_T(session_token_hash(keep_token, buf))};
    return db_exec(db, "DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?", params, 2);
}
