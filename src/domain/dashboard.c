/*
 * dashboard.c - the headline figures of 首页 (GET /api/dashboard).
 *
 * Counts of the schools in the caller's scope (all, 在办, 撤并, 停办), the
 * 街道/乡镇 and 教育集团 they belong to, and the 在办 schools by 办学类型,
 * 城乡分类, 办学性质 and 街道/乡镇 for the charts. Every logged-in role may
 * read it; a 学校管理员's scope is their one school. Owns no table: all
 * figures are GROUP BY queries over schools (see schools.c).
 */
#include <string.h>

#include "auth/access.h"
#include "domain/org.h"
#include "domain/schools.h"
#include "http/reply.h"
#include "http/router.h"
#include "util/log.h"

/* "SELECT <column> AS name, COUNT(*) AS value ... GROUP BY <column>", in
 * the order of list (column is one of our constants, never user text). */
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

static void dashboard_handler(req *r)
{
    const user_ctx *u = r->user;
    json_t *totals = NULL, *by_type = NULL, *by_area = NULL, *by_nature = NULL, *by_town = NULL;
    sval scope[] = {SV_T(u->scope_path), SV_T(org_scope_upper(r->a, u->scope_path))};

    if (!access_can_read(u, "schools", u->scope_path)) {
        reply_forbidden(r);
        return;
    }
    int rc = db_query_one(r->db,
                          "SELECT COUNT(*) AS schools, "
                          "COALESCE(SUM(CASE WHEN status = '在办' THEN 1 ELSE 0 END), 0) AS active, "
                          "COALESCE(SUM(CASE WHEN status = '撤并' THEN 1 ELSE 0 END), 0) AS merged, "
                          "COALESCE(SUM(CASE WHEN status = '停办' THEN 1 ELSE 0 END), 0) AS closed, "
                          "COUNT(DISTINCT town_id) AS towns, COUNT(DISTINCT group_id) AS groups "
                          "FROM schools WHERE path >= ? AND path < ?",
                          scope, 2, &totals);
    if (rc == STORE_OK)
        rc = dashboard_by(r, scope, "type", schools_types, &by_type);
    if (rc == STORE_OK)
        rc = dashboard_by(r, scope, "area", schools_areas, &by_area);
    if (rc == STORE_OK)
        rc = dashboard_by(r, scope, "nature", schools_natures, &by_nature);
    if (rc == STORE_OK)
        rc = db_query(r->db,
                      "SELECT t.name AS name, COUNT(*) AS value FROM schools s "
                      "JOIN org_units t ON t.id = s.town_id "
                      "WHERE s.path >= ? AND s.path < ? AND s.status = '在办' "
                      "GROUP BY t.id, t.name ORDER BY t.id",
                      scope, 2, &by_town);
    if (rc != STORE_OK) {
        log_error("GET /api/dashboard: %s", db_errmsg(r->db));
        json_decref(totals);
        json_decref(by_type);
        json_decref(by_area);
        json_decref(by_nature);
        reply_store_error(r, rc);
        return;
    }
    json_object_set_new(totals, "by_type", by_type);
    json_object_set_new(totals, "by_area", by_area);
    json_object_set_new(totals, "by_nature", by_nature);
    json_object_set_new(totals, "by_town", by_town);
    reply_json(r, 200, totals);
}

const route dashboard_routes[] = {
    {"GET", "/api/dashboard", dashboard_handler, 0},
    {NULL, NULL, NULL, 0},
};
