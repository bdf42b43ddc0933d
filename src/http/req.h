/*
 * req.h - the request context: everything a handler needs, parsed once.
 *
 * The server (server.c) accumulates the body, parses the query string and
 * the JSON body, authenticates the session cookie into `user`, checks the
 * CSRF token on unsafe methods, takes a database connection and an arena,
 * then calls the route's handler. The handler validates, calls the store,
 * and answers through exactly one call of the reply helpers (reply.h).
 * Handlers never touch libmicrohttpd.
 */
#ifndef EDU_REQ_H
#define EDU_REQ_H

#include <stdint.h>
#include <stddef.h>
#include <jansson.h>
#include "util/arena.h"
#include "store/store.h"

/* Roles, stored as these codes in users.role. */
#define ROLE_ADMIN   "admin"    /* 系统管理员 */
#define ROLE_LEADER  "leader"   /* 局领导: read everything in scope */
#define ROLE_DEPT    "dept"     /* 股室人员: edit their department's modules */
#define ROLE_SCHOOL  "school"   /* 学校管理员: only their own school */
#define ROLE_AUDITOR "auditor"  /* 审计员: read-only, sees the audit log */

/* The logged-in caller. All strings live in the request arena. */
typedef struct user_ctx {
    int64_t id;
    const char *username;
    const char *name;            /* display name */
    const char *role;            /* one of ROLE_* */
    int64_t scope_org_id;        /* root of the org subtree the user may see */
    const char *scope_path;      /* that unit's path, e.g. "/1/3/" */
    int64_t dept_id;             /* 0 when none */
    const char *dept_modules;    /* comma list of modules the department edits, e.g. "schools,stats" */
    int64_t school_id;           /* 学校管理员's school, else 0 */
    int must_change_password;
    const char *csrf;            /* the session's CSRF token */
} user_ctx;

#define REQ_MAX_PARAMS 8
#define REQ_MAX_HEADERS 8

typedef struct req {
    arena *a;
    store_db *db;
    const char *method;          /* "GET", "POST", ... */
    const char *path;            /* without query string */
    const char *ip;              /* client address as text */
    void *conn;                  /* opaque: the server's connection handle */

    const char *body;            /* raw body (NUL-terminated) or NULL */
    size_t body_len;
    json_t *json;                /* parsed JSON body (owned by the server) or NULL */

    int nparams;                 /* route parameters, e.g. {id} */
    const char *param_names[REQ_MAX_PARAMS];
    const char *param_values[REQ_MAX_PARAMS];

    const user_ctx *user;        /* NULL when not logged in */

    /* Filled by the reply helpers. */
    int replied;
    int status;
    const char *content_type;
    char *reply_body;            /* malloced; the server frees it */
    size_t reply_len;
    const char *download_name;   /* Content-Disposition file name (UTF-8) */
    int nheaders;
    const char *header_names[REQ_MAX_HEADERS];
    const char *header_values[REQ_MAX_HEADERS];
} req;

/* Query-string argument, or NULL when absent. Empty values count as absent. */
const char *req_query(req *r, const char *name);
/* Route parameter by name ("id" for "/api/schools/{id}"), or NULL. */
const char *req_param(req *r, const char *name);
/* Request header, or NULL. */
const char *req_header(req *r, const char *name);

/* Helpers of handlers that reply on bad input: each returns a failure
 * only after answering (404 or 400 naming the field), so a handler reads
 *   if ((id = req_param_id(r)) == 0 || req_body_object(r) != 0) return; */
/* The route's {id} as a positive id (util/parse.h), or 0 after replying 404. */
int64_t req_param_id(req *r);
/* 0 when the JSON body is an object, else -1 after replying 400 bad_json. */
int req_body_object(req *r);
/* A text member of the JSON body: NULL when absent, null, not text or "". */
const char *req_body_text(req *r, const char *key);
/* A string member: 1 present, 0 absent or null, -1 after replying 400
 * (not text). */
int req_body_string(req *r, const char *key, const char **out);
/* A required non-empty string member: 0, or -1 after replying 400. */
int req_body_required(req *r, const char *key, const char **out);
/* 0 when the caller may read module in their whole scope (access.h),
 * else -1 after replying 403. */
int req_can_read(req *r, const char *module);
/* Open the request's transaction (db_begin): 0, or -1 after replying the
 * store error. */
int req_begin(req *r);

#endif
