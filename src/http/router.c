/*
 * router.c - matching a method and path against the route tables (see
 * router.h).
 *
 * A pattern is a sequence of '/'-separated segments, each literal or a
 * {name} parameter matching one non-empty segment. One trailing slash on the
 * request path is ignored ("/api/schools/" is "/api/schools"). The tables are
 * searched in the order listed below; the first route whose pattern and
 * method match wins. A new module adds its table to router_tables.
 */
#include "http/router.h"

#include <string.h>

static const route *const router_tables[] = {
    health_routes, auth_routes, users_routes, audit_routes,
    org_routes, schools_routes, dashboard_routes, hazards_routes, inspections_routes,
    safety_routes, stats_routes, stats_rounds_routes, stats_exchange_routes, eval_routes,
    eval_scenarios_routes, eval_inputs_routes, eval_counties_routes, plan_routes,
};

#define ROUTER_NTABLES (sizeof router_tables / sizeof router_tables[0])

/* Match path against pattern; on success fill r's parameters (arena copies). */
static int router_pattern(const char *pattern, const char *path, size_t path_len, req *r)
{
    const char *p = pattern, *s = path, *end = path + path_len;
    int nparams = 0;
    const char *names[REQ_MAX_PARAMS], *values[REQ_MAX_PARAMS];
    size_t name_lens[REQ_MAX_PARAMS], value_lens[REQ_MAX_PARAMS];

    while (*p && s < end) {
        if (*p != '/' || *s != '/')
            return 0;
        p++;
        s++;
        const char *pseg_end = strchr(p, '/');
        if (!pseg_end)
            pseg_end = p + strlen(p);
        const char *sseg_end = memchr(s, '/', (size_t)(end - s));
        if (!sseg_end)
            sseg_end = end;
        size_t plen = (size_t)(pseg_end - p), slen = (size_t)(sseg_end - s);
        if (plen >= 2 && p[0] == '{' && p[plen - 1] == '}') {
            if (slen == 0 || nparams >= REQ_MAX_PARAMS)
                return 0;
            names[nparams] = p + 1;
            name_lens[nparams] = plen - 2;
            values[nparams] = s;
            value_lens[nparams] = slen;
            nparams++;
        } else if (plen != slen || memcmp(p, s, plen) != 0) {
            return 0;
        }
        p = pseg_end;
        s = sseg_end;
    }
    if (*p || s != end)
        return 0;
    if (r) {
        r->nparams = nparams;
        for (int i = 0; i < nparams; i++) {
            r->param_names[i] = arena_strndup(r->a, names[i], name_lens[i]);
            r->param_values[i] = arena_strndup(r->a, values[i], value_lens[i]);
        }
    }
    return 1;
}

const route *router_match(const char *method, const char *path, req *r, int *path_known)
{
    if (path_known)
        *path_known = 0;
    if (!method || !path || path[0] != '/')
        return NULL;
    size_t len = strlen(path);
    if (len > 1 && path[len - 1] == '/')
        len--;
    for (size_t t = 0; t < ROUTER_NTABLES; t++) {
        for (const route *rt = router_tables[t]; rt->pattern; rt++) {
            if (strcmp(rt->method, method) != 0) {
                if (path_known && !*path_known && router_pattern(rt->pattern, path, len, NULL))
                    *path_known = 1;
                continue;
            }
            if (router_pattern(rt->pattern, path, len, r)) {
                if (path_known)
                    *path_known = 0;
                return rt;
            }
        }
    }
    return NULL;
}
