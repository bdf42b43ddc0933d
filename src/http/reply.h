/*
 * reply.h - the one way to answer a request.
 *
 * reply_json for data, reply_error for every error (status, code, Chinese
 * message, field), reply_bytes for downloads (xlsx, docx). A handler calls
 * exactly one of them. Error bodies have the shape
 *   {"error":{"code":"...","message":"<中文>","field":"<name>"|null}}
 */
#ifndef EDU_REPLY_H
#define EDU_REPLY_H

#include <jansson.h>
#include "http/req.h"

/* Steals the reference to body. */
void reply_json(req *r, int status, json_t *body);
void reply_error(req *r, int status, const char *code, const char *message, const char *field);
/* The same error with one more top-level member beside "error", e.g.
 * "problems":[...] for a refused submission or import (details borrowed). */
void reply_error_details(req *r, int status, const char *code, const char *message,
                         const char *field, const char *details_key, json_t *details);
/* Copies data. download_name may be NULL (inline). */
void reply_bytes(req *r, int status, const char *content_type, const char *download_name,
                 const void *data, size_t len);
/* Add a header to the reply (e.g. Set-Cookie). Strings must live in the arena. */
void reply_header(req *r, const char *name, const char *value);

/* Common errors, so the same situation always reads the same. */
void reply_bad_request(req *r, const char *field, const char *message);   /* 400 invalid */
void reply_unauthorized(req *r);                                          /* 401 未登录 */
void reply_forbidden(req *r);                                             /* 403 无权限 */
void reply_not_found(req *r);                                             /* 404 */
void reply_conflict(req *r, const char *field, const char *message);      /* 409 */
void reply_store_error(req *r, int store_rc);  /* 409 for STORE_CONSTRAINT, 503 busy, else 500 */
/* The answer to a domain operation's return code: REFUSED replies the
 * refusal (domain/refusal.h), any STORE_* code goes to reply_store_error. */
struct refusal;
void reply_refusal(req *r, int rc, const struct refusal *e);
/* The answer to a list query: {"items":[...]} (200, stealing items) when
 * rc is STORE_OK, else the store error. */
void reply_items(req *r, int rc, json_t *items);
/* The answer to a read: body with status (stolen) when rc is STORE_OK,
 * else the store error (body freed). */
void reply_result(req *r, int rc, int status, json_t *body);
/* End a write begun with db_begin (or req_begin): commit when rc is
 * STORE_OK and return 0 with nothing replied; else roll back, log a store
 * failure, reply the refusal (rc REFUSED, or any code with a refusal
 * filled in e) or the store error, and return -1. */
int reply_finish(req *r, int rc, const struct refusal *e);

/* A write on record id (0: none yet) inside the request's transaction:
 * sets *id_out (which starts as id) to the record to answer with. */
typedef int (*reply_write_op)(req *r, int64_t id, int64_t *id_out, struct refusal *e);
/* Loads record id as the caller sees it (in detail) into *out. */
typedef int (*reply_load_fn)(req *r, int64_t id, json_t **out);
/* Begin (req_begin), run op, finish (reply_finish), then reply the record
 * *id_out as load gives it, with status. */
void reply_write(req *r, int64_t id, reply_write_op op, reply_load_fn load, int status);

#endif
