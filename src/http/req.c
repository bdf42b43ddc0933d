/*
 * req.c - reading the request context (see req.h).
 *
 * Query arguments and headers are looked up in libmicrohttpd's parsed
 * connection values (already percent-decoded). A req built without a
 * connection (tests) has neither. The route's id and the JSON body's
 * members are read here too, replying through reply.h when they are bad.
 */
#include "http/req.h"

#include <string.h>
#include <microhttpd.h>

#include "auth/access.h"
#include "http/reply.h"
#include "util/parse.h"

const char *req_query(req *r, const char *name)
{
    if (!r->conn || !name)
        return NULL;
    const char *v = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
    if (!v || !*v)
        return NULL;
    return v;
}

const char *req_param(req *r, const char *name)
{
    for (int i = 0; i < r->nparams; i++) {
        if (strcmp(r->param_names[i], name) == 0)
            return r->param_values[i];
    }
    return NULL;
}

const char *req_header(req *r, const char *name)
{
    if (!r->conn || !name)
        return NULL;
    return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

int64_t req_param_id(req *r)
{
    int64_t id = parse_id(req_param(r, "id"));
    if (!id)
        reply_not_found(r);
    return id;
}

int req_body_object(req *r)
{
    if (json_is_object(r->json))
        return 0;
    reply_error(r, 400, "bad_json", "请求内容应为 JSON 对象", NULL);
    return -1;
}

const char *req_body_text(req *r, const char *key)
{
    const char *s = json_string_value(json_object_get(r->json, key));
    return s && *s ? s : NULL;
}

int req_body_string(req *r, const char *key, const char **out)
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

int req_body_required(req *r, const char *key, const char **out)
{
    int rc = req_body_string(r, key, out);

    if (rc < 0)
        return -1;
    if (rc == 0 || !(*out)[0]) {
        reply_error(r, 400, "missing", "此项为必填项", key);
        return -1;
    }
    return 0;
}

int req_begin(req *r)
{
    int rc = db_begin(r->db);

    if (rc == STORE_OK)
        return 0;
    reply_store_error(r, rc);
    return -1;
}

int req_can_read(req *r, const char *module)
{
    if (access_can_read(r->user, module, r->user->scope_path))
        return 0;
    reply_forbidden(r);
    return -1;
}
