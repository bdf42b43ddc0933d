/*
 * req.c - reading the request context (see req.h).
 *
 * Query arguments and headers are looked up in libmicrohttpd's parsed
 * connection values (already percent-decoded). A req built without a
 * connection (tests) has neither.
 */
#include "http/req.h"

#include <string.h>
#include <microhttpd.h>

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
