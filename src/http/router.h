/*
 * router.h - the table of routes.
 *
 * Each domain module exports a table of routes terminated by {0}; routes.c
 * lists the tables. Patterns are literal segments and {name} parameters:
 * "/api/schools/{id}/merge". The server authenticates before dispatch: a
 * route without ROUTE_PUBLIC gets 401 when nobody is logged in, and every
 * unsafe method except ROUTE_NO_CSRF routes needs a valid X-CSRF-Token.
 * A user who must change the password may only call ROUTE_PASSWORD_CHANGE
 * routes and ROUTE_PUBLIC ones (others answer 403 "请先修改初始密码").
 */
#ifndef EDU_ROUTER_H
#define EDU_ROUTER_H

#include "http/req.h"

typedef void (*route_fn)(req *r);

enum {
    ROUTE_PUBLIC = 1 << 0,           /* no login needed */
    ROUTE_NO_CSRF = 1 << 1,          /* unsafe method without CSRF (login only) */
    ROUTE_PASSWORD_CHANGE = 1 << 2,  /* allowed while a password change is forced */
    ROUTE_RAW_BODY = 1 << 3,         /* the body is bytes (uploads): never parsed as JSON */
};

typedef struct route {
    const char *method;   /* "GET", "POST", "PATCH", "PUT", "DELETE" */
    const char *pattern;
    route_fn fn;
    int flags;
} route;

/* Find the route for method and path; fills r->param_*. Returns NULL and
 * sets *path_known when the path exists under another method (405). */
const route *router_match(const char *method, const char *path, req *r, int *path_known);

/* The tables, one per module (defined in the modules). */
extern const route auth_routes[];
extern const route users_routes[];
extern const route audit_routes[];
extern const route org_routes[];
extern const route schools_routes[];
extern const route dashboard_routes[];
extern const route health_routes[];
extern const route hazards_routes[];
extern const route inspections_routes[];
extern const route safety_routes[];
extern const route stats_routes[];
extern const route stats_rounds_routes[];
extern const route stats_exchange_routes[];
extern const route eval_routes[];
extern const route eval_scenarios_routes[];
extern const route eval_inputs_routes[];
extern const route eval_counties_routes[];
extern const route plan_routes[];

#endif
