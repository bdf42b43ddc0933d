/*
 * users.h - accounts: create, change (users.c), log in (login.c), shared
 * by the HTTP handlers (users_api.c, login.c), the `edubureau user`
 * command and the demo generator.
 *
 * Every function that writes runs inside the caller's transaction
 * (db_begin/db_commit) and writes its audit row there, except users_login,
 * which manages its own transactions. `actor` is the user acting (NULL for
 * the command line, which may act anywhere); `ip` is their address (NULL
 * for the command line).
 */
#ifndef EDU_USERS_H
#define EDU_USERS_H

#include <stdint.h>
#include "auth/session.h"
#include "http/req.h"

/* Results of users_create / users_update. Each failure has a status, a
 * field and a Chinese message (users_err_*) to show beside the field. */
enum {
    USERS_OK = 0,
    USERS_ERR_USERNAME,    /* 400 username: 3-32 of [A-Za-z0-9_.-] */
    USERS_ERR_DUPLICATE,   /* 409 username: already taken */
    USERS_ERR_NAME,        /* 400 name: empty or too long */
    USERS_ERR_ROLE,        /* 400 role: unknown */
    USERS_ERR_DEPT,        /* 400 dept_id: missing (dept role) or unknown */
    USERS_ERR_SCHOOL,      /* 400 school_id: missing (school role), unknown or out of scope */
    USERS_ERR_SCOPE,       /* 400 scope_org_id: missing, unknown or out of the actor's scope */
    USERS_ERR_PHONE,       /* 400 phone */
    USERS_ERR_PASSWORD,    /* 400 password: fails the policy */
    USERS_ERR_SELF_ROLE,   /* 400 role: an admin demoting themselves */
    USERS_ERR_SELF_ACTIVE, /* 400 active: an admin disabling themselves */
    USERS_ERR_NOTFOUND,    /* 404 */
    USERS_ERR_STORE,       /* 500 (or busy): see db_errmsg */
};
int users_err_status(int rc);
const char *users_err_field(int rc);    /* NULL when no field */
const char *users_err_message(int rc);

/* Validate, hash the password, insert, audit "create". must_change: 1 to
 * force a change at first login. */
int users_create(store_db *db, const user_ctx *actor, const char *ip, const char *username,
                 const char *name, const char *role, int64_t dept_id, int64_t scope_org_id,
                 int64_t school_id, const char *password, int must_change, int64_t *id_out);
/* The same with a ready argon2id hash (password_hash), so that the demo can
 * hash one password once for hundreds of users. The policy is not checked. */
int users_create_hashed(store_db *db, const user_ctx *actor, const char *ip, const char *username,
                        const char *name, const char *role, int64_t dept_id,
                        int64_t scope_org_id, int64_t school_id, const char *password_hash,
                        int must_change, int64_t *id_out);
/* The same with a phone (NULL or "" for none), as the API creates. */
int users_insert(store_db *db, const user_ctx *actor, const char *ip, const char *username,
                 const char *name, const char *role, int64_t dept_id, int64_t scope_org_id,
                 int64_t school_id, const char *phone, const char *hash, int must_change,
                 int64_t *id_out);
/* Check the password policy and hash a new password into hash (of
 * PASSWORD_HASH_MAX bytes): USERS_OK; USERS_ERR_PASSWORD with *why (when
 * why is not NULL) the policy's Chinese reason; USERS_ERR_STORE when
 * hashing failed. */
int users_password_hash(const char *password, char *hash, const char **why);

/* The changeable fields of an account. users_update applies those whose
 * set_* flag is on; ids 0 mean "none". */
typedef struct users_change {
    int set_name, set_role, set_dept, set_scope, set_school, set_phone, set_active;
    const char *name;
    const char *role;
    int64_t dept_id;
    int64_t scope_org_id;
    int64_t school_id;
    const char *phone;  /* NULL clears */
    int active;
} users_change;

/* Validate and apply a change to user id, audit "update"; disabling a user
 * ends their sessions. USERS_ERR_NOTFOUND when the user is unknown or out
 * of the actor's scope. */
int users_update(store_db *db, const user_ctx *actor, const char *ip, int64_t id,
                 const users_change *c);
/* Set a new password (policy checked) and force a change at next login;
 * ends the user's sessions; audit "password". */
int users_reset_password(store_db *db, const user_ctx *actor, const char *ip, int64_t id,
                         const char *password);
/* The same with a ready hash (users_password_hash). */
int users_set_hash(store_db *db, const user_ctx *actor, const char *ip, int64_t id,
                   const char *hash);
/* Lock the account until the given time and end its sessions; audit "lock". */
int users_lock(store_db *db, const user_ctx *actor, const char *ip, int64_t id, int64_t until);
/* Clear the lockout; audit "unlock". */
int users_unlock(store_db *db, const user_ctx *actor, const char *ip, int64_t id);

/* Every account as API user objects (phone unmasked), for the command line. */
int users_all(store_db *db, int64_t now, json_t **rows);
/* The API user object of account id (phone unmasked). */
int users_load(store_db *db, int64_t id, int64_t now, json_t **out);
/* One page of a list of API user objects, ordered by id, and the number of
 * accounts in the whole list. where: SQL text from " WHERE" over users u
 * and its scope unit o (org_units), with nparams '?' parameters in params,
 * which must have room for two more (limit and offset). */
int users_query(store_db *db, const char *where, sval *params, int nparams, int64_t limit,
                int64_t offset, int64_t now, int64_t *total, json_t **rows);

/* 1 when name is 3-32 characters of [A-Za-z0-9_.-]. */
int users_username_valid(const char *username);

/* Logging in (login.c). users_login checks the password, counts failures,
 * locks the account after settings lockout_failures (5) failures in a row
 * for lockout_minutes (15), and on success opens a session; all audited. */
typedef enum { LOGIN_OK = 0, LOGIN_BAD, LOGIN_LOCKED, LOGIN_ERROR } login_status;

typedef struct login_result {
    login_status status;
    int64_t user_id;          /* LOGIN_OK */
    int64_t locked_minutes;   /* LOGIN_LOCKED: minutes left, rounded up */
    char token[SESSION_TOKEN_HEX + 1];  /* LOGIN_OK: the cookie value */
    char csrf[SESSION_TOKEN_HEX + 1];
} login_result;

void users_login(store_db *db, const char *username, const char *password, const char *ip,
                 int64_t now, login_result *res);

#endif
