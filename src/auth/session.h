/*
 * session.h - login sessions kept in the database (table sessions), so that
 * several stateless servers can share them later.
 *
 * The cookie holds a random token; the table holds only its hash. Each
 * session has its CSRF token. A session idle for longer than the setting
 * session_idle_minutes (default 30) is expired and deleted when next seen.
 */
#ifndef EDU_SESSION_H
#define EDU_SESSION_H

#include <stdint.h>
#include "http/req.h"

#define SESSION_COOKIE "edu_session"
#define SESSION_TOKEN_HEX 64

/* Create a session for user_id. token and csrf must hold SESSION_TOKEN_HEX+1. */
int session_create(store_db *db, int64_t user_id, const char *ip, int64_t now,
                   char *token, char *csrf);
/* Load the user of a live session and touch it. STORE_NOTFOUND when the
 * token is unknown, expired (idle > idle_seconds) or the user is disabled. */
int session_load(store_db *db, arena *a, const char *token, int64_t now, int64_t idle_seconds,
                 user_ctx **out);
int session_delete(store_db *db, const char *token);
/* Delete every session of a user (password change, disable). */
int session_delete_user(store_db *db, int64_t user_id);
/* Delete every session of a user except the one of keep_token (own password change). */
int session_delete_others(store_db *db, int64_t user_id, const char *keep_token);

#endif
