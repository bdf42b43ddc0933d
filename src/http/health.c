/*
 * health.c - GET /api/health: the server is up and its database answers.
 * For load balancers and the test harness; no login needed.
 */
#include "http/reply.h"
#include "http/router.h"

static void health_handler(req *r)
{
    int64_t one = 0;
    int rc = db_query_int(r->db, "SELECT 1", NULL, 0, &one);
    if (rc != STORE_OK || one != 1) {
        reply_error(r, 503, "unavailable", "数据库不可用", NULL);
        return;
    }
    reply_json(r, 200, json_pack("{s:s}", "status", "ok"));
}

const route health_routes[] = {
    {"GET", "/api/health", health_handler, ROUTE_PUBLIC},
    {0},
};
