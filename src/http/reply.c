/*
 * reply.c - the one way to answer a request (see reply.h).
 *
 * The helpers only fill the reply fields of the req (status, content type,
 * malloced body, extra headers); server.c turns them into the HTTP response
 * and adds the security headers. A second reply to the same request is a
 * programming error: it is logged and ignored.
 */
#include "http/reply.h"
#include "domain/refusal.h"

#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "util/log.h"

#define REPLY_JSON_TYPE "application/json; charset=utf-8"

static int reply_once(req *r)
{
    if (r->replied) {
        log_error("%s %s: handler replied twice", r->method ? r->method : "?",
                  r->path ? r->path : "?");
        return 0;
    }
    r->replied = 1;
    return 1;
}

static void reply_set_body(req *r, int status, const char *content_type, char *body, size_t len)
{
    r->status = status;
    r->content_type = content_type;
    r->reply_body = body;
    r->reply_len = len;
}

void reply_json(req *r, int status, json_t *body)
{
    if (!reply_once(r)) {
        json_decref(body);
        return;
    }
    char *text = body ? json_dumps(body, JSON_COMPACT | JSON_REAL_PRECISION(15)) : NULL;
    json_decref(body);
    if (!text) {
        log_error("%s %s: reply is not serialisable JSON", r->method, r->path);
        static const char fail[] =
            "{\"error\":{\"code\":\"internal\",\"message\":\"服务器内部错误\",\"field\":null}}";
        char *copy = strdup(fail);
        reply_set_body(r, 500, REPLY_JSON_TYPE, copy, copy ? strlen(copy) : 0);
        return;
    }
    reply_set_body(r, status, REPLY_JSON_TYPE, text, strlen(text));
}

void reply_error(req *r, int status, const char *code, const char *message, const char *field)
{
    reply_error_details(r, status, code, message, field, NULL, NULL);
}

void reply_error_details(req *r, int status, const char *code, const char *message,
                         const char *field, const char *details_key, json_t *details)
{
    json_t *body = json_pack("{s:{s:s, s:s, s:s?}}", "error", "code", code ? code : "error",
                             "message", message ? message : "", "field", field);
    if (body && details_key && details)
        json_object_set(body, details_key, details);
    reply_json(r, status, body);
}

void reply_bytes(req *r, int status, const char *content_type, const char *download_name,
                 const void *data, size_t len)
{
    if (!reply_once(r))
        return;
    char *copy = malloc(len ? len : 1);
    if (!copy) {
        r->replied = 0;
        reply_error(r, 500, "internal", "服务器内部错误", NULL);
        return;
    }
    if (len)
        memcpy(copy, data, len);
    reply_set_body(r, status, r->a ? arena_strdup(r->a, content_type) : content_type, copy, len);
    r->download_name = download_name && r->a ? arena_strdup(r->a, download_name) : download_name;
}

void reply_header(req *r, const char *name, const char *value)
{
    if (r->nheaders >= REQ_MAX_HEADERS) {
        log_error("%s %s: too many reply headers, %s dropped", r->method, r->path, name);
        return;
    }
    r->header_names[r->nheaders] = name;
    r->header_values[r->nheaders] = value;
    r->nheaders++;
}

void reply_bad_request(req *r, const char *field, const char *message)
{
    reply_error(r, 400, "invalid", message, field);
}

void reply_unauthorized(req *r)
{
    reply_error(r, 401, "unauthorized", "未登录或会话已过期", NULL);
}

void reply_forbidden(req *r)
{
    reply_error(r, 403, "forbidden", "无权限", NULL);
}

void reply_not_found(req *r)
{
    reply_error(r, 404, "not_found", "记录不存在", NULL);
}

void reply_conflict(req *r, const char *field, const char *message)
{
    reply_error(r, 409, "conflict", message, field);
}

void reply_store_error(req *r, int rc)
{
    switch (rc) {
    case STORE_NOTFOUND:
        reply_not_found(r);
        break;
    case STORE_CONSTRAINT:
        reply_error(r, 409, "conflict", "数据冲突", NULL);
        break;
    case STORE_BUSY:
        reply_error(r, 503, "busy", "服务器繁忙，请稍后再试", NULL);
        break;
    default:
        if (r->db)
            log_error("%s %s: store error: %s", r->method, r->path, db_errmsg(r->db));
        reply_error(r, 500, "internal", "服务器内部错误", NULL);
        break;
    }
}

void reply_refusal(req *r, int rc, const refusal *e)
{
    if (rc == REFUSED && e && e->status)
        reply_error(r, e->status, e->code, e->message, e->field);
    else
        reply_store_error(r, rc);
}

void reply_items(req *r, int rc, json_t *items)
{
    json_t *body = NULL;

    if (rc != STORE_OK) {
        json_decref(items);
        reply_store_error(r, rc);
        return;
    }
    body = json_object();
    if (!body || json_object_set_new(body, "items", items) != 0) {
        if (!body)
            json_decref(items);
        json_decref(body);
        reply_store_error(r, STORE_ERROR);
        return;
    }
    reply_json(r, 200, body);
}

void reply_result(req *r, int rc, int status, json_t *body)
{
    if (rc != STORE_OK) {
        json_decref(body);
        reply_store_error(r, rc);
        return;
    }
    reply_json(r, status, body);
}

int reply_finish(req *r, int rc, const refusal *e)
{
    if (rc == STORE_OK)
        rc = db_commit(r->db);
    if (rc == STORE_OK)
        return 0;
    db_rollback(r->db);
    int refused = rc == REFUSED || (e && e->status);
    if (!refused)
        log_error("%s %s: %s", r->method, r->path, db_errmsg(r->db));
    reply_refusal(r, refused ? REFUSED : rc, e);
    return -1;
}

void reply_write(req *r, int64_t id, reply_write_op op, reply_load_fn load, int status)
{
    refusal e = {0};
    int64_t result_id = id;
    json_t *o = NULL;
    if (req_begin(r) != 0)
        return;
    int rc = op(r, id, &result_id, &e);
    if (reply_finish(r, rc, &e) != 0)
        return;
    rc = load(r, result_id, &o);
    reply_result(r, rc, status, o);
}
