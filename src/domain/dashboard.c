/*
 * dashboard.c - 首页 figures: GET /api/dashboard.
 *
 * Headline counts and breakdowns of the schools in the caller's scope, all
 * computed from the registry with GROUP BY queries that the scope index
 * (migrations/002) answers on its own. The breakdown "by_unit" is by the
 * org units right below the caller's scope root: 街道/乡镇 for a county,
 * counties for a city, cities for a province; so the same page serves a
 * county bureau and a province. "plan" is the headline of the county's work
 * plan (目标: plan_headline), null for those who do not read plans.
 */
#include <string.h>

#include "auth/access.h"
#include "domain/org.h"
#include "domain/plan.h"
#include "domain/schools.h"
#include "http/reply.h"
#include "http/router.h"
#include "util/clock.h"
#include "util/log.h"

/* Active schools by one of our columns (a constant, never user text), in
 * the order of list. */
static int dashboard_by(req *r, const sval *scope, const char *column, const char *const *list,
                        json_t **out)
{
    json_t *rows = NULL;
    char *sql = arena_printf(r->a,
                             "SELECT %s AS name, COUNT(*) AS value FROM schools "
                             "WHERE path >= ? AND path < ? AND status = '在办' GROUP BY %s",
                             column, column);
    int rc = db_query(r->db, sql, scope, 2, &rows);
    if (rc != STORE_OK)
        return rc;
    *out = json_array();
    for (int i = 0; list[i]; i++) {
        size_t j;
        json_t *row;
        json_array_foreach(rows, j, row) {
            const char *name = json_string_value(json_object_get(row, "name"));
            if (name && strcmp(name, list[i]) == 0)
                json_array_append(*out, row);
        }
    }
    json_decref(rows);
    return STORE_OK;
}

/* Schools by status, towns and groups in scope. */
static int dashboard_totals(req *r, const sval *scope, json_t **out)
{
    static const struct {
        const char *status, *key;
    } statuses[] = {{"在办", "active"}, {"撤并", "merged"}, {"停办", "closed"}};
    json_t *rows = NULL;
    int64_t towns = 0, groups = 0, all = 0;
    int rc = db_query(r->db,
                      "SELECT status, COUNT(*) AS n FROM schools WHERE path >= ? AND path < ? "
                      "GROUP BY status",
                      scope, 2, &rows);
    if (rc == STORE_OK)
        rc = db_query_int(r->db,
                          "SELECT COUNT(*) FROM org_units WHERE path >= ? AND path < ? "
                          "AND level = 'town'",
                          scope, 2, &towns);
    if (rc == STORE_OK)
        rc = db_query_int(r->db,
                          "SELECT COUNT(DISTINCT group_id) FROM schools "
                          "WHERE path >= ? AND path < ?",
                          scope, 2, &groups);
    if (rc != STORE_OK) {
        json_decref(rows);
        return rc;
    }
    *out = json_object();
    for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
        json_object_set_new(*out, statuses[i].key, json_integer(0));
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) {
        const char *status = json_string_value(json_object_get(row, "status"));
        json_int_t n = json_integer_value(json_object_get(row, "n"));
        all += n;
        for (size_t k = 0; status && k < sizeof statuses / sizeof statuses[0]; k++)
            if (strcmp(status, statuses[k].status) == 0)
                json_object_set_new(*out, statuses[k].key, json_integer(n));
    }
    json_decref(rows);
    json_object_set_new(*out, "schools", json_integer(all));
    json_object_set_new(*out, "towns", json_integer(towns));
    json_object_set_new(*out, "groups", json_integer(groups));
    return STORE_OK;
}

/* The headline of the county's plan of this year (else its latest plan),
 * or null when there is none or the caller may not read plans. */
static int dashboard_plan(req *r, json_t **out)
{
    char today[11];
    int rc;

    *out = NULL;
    if (!plan_can_read(r->user, r->user->scope_path))
        return STORE_OK;
    clock_today(today);
    rc = plan_headline(r->db, r->user->scope_path, today, out);
    return rc == STORE_NOTFOUND ? STORE_OK : rc;
}

/* Active schools by the units right below the scope root, in tree order. */
static int dashboard_by_unit(req *r, json_t **out)
{
    sval p[] = {SV_I(r->user->scope_org_id)};
    return db_query(r->db,
                    "SELECT c.id, c.name, c.level, COUNT(s.id) AS value FROM org_units c "
                    "JOIN schools s ON s.path >= c.path AND s.path < c.path || '~' "
                    "AND s.status = '在办' WHERE c.parent_id = ? AND c.level <> 'school' "
                    "GROUP BY c.id, c.name, c.level ORDER BY c.id",
                    p, 1, out);
}

static void dashboard_handler(req *r)
{
    const user_ctx *u = r->user;
    json_t *body = NULL, *by_type = NULL, *by_area = NULL, *by_nature = NULL, *by_unit = NULL;
    json_t *plan = NULL;
    sval scope[] = {SV_T(u->scope_path), SV_T(org_scope_upper(r->a, u->scope_path))};

    if (req_can_read(r, "schools") != 0)
        return;
    int rc = dashboard_totals(r, scope, &body);
    if (rc == STORE_OK)
        rc = dashboard_by(r, scope, "type", schools_types, &by_type);
    if (rc == STORE_OK)
        rc = dashboard_by(r, scope, "area", schools_areas, &by_area);
    if (rc == STORE_OK)
        rc = dashboard_by(r, scope, "nature", schools_natures, &by_nature);
    if (rc == STORE_OK)
        rc = dashboard_by_unit(r, &by_unit);
    if (rc == STORE_OK)
        rc = dashboard_plan(r, &plan);
    if (rc != STORE_OK) {
        log_error("GET /api/dashboard: %s", db_errmsg(r->db));
        json_decref(body);
        json_decref(by_type);
        json_decref(by_area);
        json_decref(by_nature);
        json_decref(by_unit);
        reply_store_error(r, rc);
        return;
    }
    json_object_set_new(body, "by_type", by_type);
    json_object_set_new(body, "by_area", by_area);
    json_object_set_new(body, "by_nature", by_nature);
    json_object_set_new(body, "by_unit", by_unit);
    json_object_set_new(body, "plan", plan ? plan : json_null());
    reply_json(r, 200, body);
}

const route dashboard_routes[] = {
    {"GET", "/api/dashboard", dashboard_handler, 0},
    {NULL, NULL, NULL, 0},
};
