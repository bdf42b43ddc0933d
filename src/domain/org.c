/*
 * org.c - the org tree and the bureau's departments (see org.h).
 *
 * Tables: org_units(id, parent_id, level, name, kind, path, created_at)
 * and departments(id, org_id, code, name, modules). A unit's path is the
 * chain of ids from the root, "/1/3/17/"; it is written once, right after
 * the insert that gives the id, and never changes (units do not move).
 *
 * Levels, top down: province 省, city 市, county 县（市、区）教体局, town
 * 街道/乡镇 (kind says which), school 学校. A child sits below its parent's
 * level; levels may be skipped (a county high school hangs off the county).
 *
 * Routes: GET /api/orgs and GET /api/departments, both limited to the
 * caller's subtree; every logged-in role may read module "orgs" in scope.
 * Writes come from the command line (cli/org_cmd.c) and the demo generator.
 */
#include "domain/org.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/access.h"
#include "http/reply.h"
#include "http/router.h"
#include "util/clock.h"
#include "util/parse.h"
#include "util/strbuf.h"

#define ORG_MAX_DEPTH 16
#define ORG_NAME_MAX 200  /* bytes */

static const char *const org_levels[] = {"province", "city", "county", "town", "school"};
static const char *const org_level_labels[] = {"省", "市", "县（市、区）", "街道/乡镇", "学校"};

static int org_level_rank(const char *level)
{
    if (!level)
        return -1;
    for (int i = 0; i < (int)(sizeof org_levels / sizeof *org_levels); i++)
        if (strcmp(level, org_levels[i]) == 0)
            return i;
    return -1;
}

int org_level_valid(const char *level)
{
    return org_level_rank(level) >= 0;
}

const char *org_level_label(const char *level)
{
    int rank = org_level_rank(level);
    return rank < 0 ? NULL : org_level_labels[rank];
}

const char *org_scope_upper(arena *a, const char *path)
{
    if (!path || !*path)
        return NULL;
    char *upper = arena_strdup(a, path);
    size_t n = strlen(upper);
    upper[n - 1] = (char)(upper[n - 1] + 1);  /* '/' -> '0' */
    return upper;
}

int org_path_ids(const char *path, int64_t *ids, int max)
{
    if (!path || *path != '/')
        return -1;
    int n = 0;
    const char *p = path + 1;
    while (*p) {
        if (n == max)
            return -1;
        int64_t id = 0;
        const char *start = p;
        for (; *p >= '0' && *p <= '9'; p++) {
            if (id > (INT64_MAX - 9) / 10)
                return -1;
            id = id * 10 + (*p - '0');
        }
        if (p == start || *p != '/' || id <= 0)
            return -1;
        ids[n++] = id;
        p++;
    }
    return n;
}

#define ORG_COLUMNS "id, parent_id, level, name, kind, path"

int org_get(store_db *db, int64_t id, json_t **out)
{
    sval params[] = {SV_I(id)};
    return db_query_one(db, "SELECT " ORG_COLUMNS " FROM org_units WHERE id = ?", params, 1, out);
}

/* "?, ?, ?" for n placeholders. */
static void org_placeholders(strbuf *sb, int n)
{
    for (int i = 0; i < n; i++)
        sb_append(sb, i ? ", ?" : "?");
}

int org_ancestor_of_level(store_db *db, const char *path, const char *level, json_t **out)
{
    *out = NULL;
    int64_t ids[ORG_MAX_DEPTH];
    int n = org_path_ids(path, ids, ORG_MAX_DEPTH);
    if (n <= 0 || !org_level_valid(level))
        return STORE_NOTFOUND;
    sval params[ORG_MAX_DEPTH + 1];
    params[0] = SV_T(level);
    for (int i = 0; i < n; i++)
        params[i + 1] = SV_I(ids[i]);
    strbuf sql = STRBUF_INIT;
    sb_append(&sql, "SELECT " ORG_COLUMNS " FROM org_units WHERE level = ? AND id IN (");
    org_placeholders(&sql, n);
    sb_append(&sql, ") ORDER BY path DESC");
    int rc = db_query_one(db, sb_str(&sql), params, n + 1, out);
    sb_free(&sql);
    return rc;
}

/* A path no real unit has, unique to this insert, held by a new row until
 * its id is known. '~' sorts after every digit and '/', so a pending row
 * never falls inside a subtree range. */
static void org_pending_path(char *buf, size_t size)
{
    static atomic_ullong counter;
    unsigned long long n = atomic_fetch_add(&counter, 1);
    snprintf(buf, size, "~%ld.%llu", (long)getpid(), n);
}

static int org_name_valid(const char *name)
{
    if (!name)
        return 0;
    size_t len = strlen(name);
    if (len == 0 || len > ORG_NAME_MAX)
        return 0;
    for (const char *p = name; *p; p++)
        if (*p != ' ' && *p != '\t')
            return 1;
    return 0;
}

/* The checks of org_validate; on success *parent is the parent's row
 * (NULL for a root), which the caller releases. */
static int org_check(store_db *db, int64_t parent_id, const char *level, const char *name,
                     const char *kind, json_t **parent, const char **why)
{
    *parent = NULL;
    *why = NULL;
    int rank = org_level_rank(level);
    if (rank < 0) {
        *why = "层级无效（province、city、county、town、school）";
        return STORE_CONSTRAINT;
    }
    if (!org_name_valid(name)) {
        *why = "名称不能为空，且不超过 200 字节";
        return STORE_CONSTRAINT;
    }
    if (kind && (rank != org_level_rank("town") ||
                 (strcmp(kind, "街道") != 0 && strcmp(kind, "乡镇") != 0))) {
        *why = "类别只用于街道/乡镇，取值为“街道”或“乡镇”";
        return STORE_CONSTRAINT;
    }
    if (parent_id < 0) {
        *why = "上级单位不存在";
        return STORE_NOTFOUND;
    }
    if (parent_id == 0)
        return STORE_OK;
    json_t *row = NULL;
    int rc = org_get(db, parent_id, &row);
    if (rc != STORE_OK) {
        *why = rc == STORE_NOTFOUND ? "上级单位不存在" : "读取上级单位失败";
        return rc;
    }
    if (org_level_rank(json_string_value(json_object_get(row, "level"))) >= rank) {
        json_decref(row);
        *why = "下级单位的层级必须低于上级单位";
        return STORE_CONSTRAINT;
    }
    *parent = row;
    return STORE_OK;
}

int org_validate(store_db *db, int64_t parent_id, const char *level, const char *name,
                 const char *kind, const char **why)
{
    json_t *parent = NULL;
    int rc = org_check(db, parent_id, level, name, kind, &parent, why);
    json_decref(parent);
    return rc;
}

int org_create(store_db *db, int64_t parent_id, const char *level, const char *name,
               const char *kind, int64_t *id_out, char **path_out)
{
    if (path_out)
        *path_out = NULL;
    json_t *parent = NULL;
    const char *why = NULL;
    int rc = org_check(db, parent_id, level, name, kind, &parent, &why);
    if (rc != STORE_OK)
        return rc;
    const char *parent_path = parent ? json_string_value(json_object_get(parent, "path")) : "/";

    char pending_buf[64];
    org_pending_path(pending_buf, sizeof pending_buf);
    const char *pending = pending_buf;
    int64_t id = 0;
    sval row[] = {parent_id > 0 ? SV_I(parent_id) : SV_NUL, SV_T(level), SV_T(name), SV_T(kind),
                  SV_T(pending), SV_I(clock_now())};
    rc = db_insert(db,
                   "INSERT INTO org_units (parent_id, level, name, kind, path, created_at) "
                   "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                   row, 6, &id);
    char *path = NULL;
    if (rc == STORE_OK) {
        if (!parent_path || asprintf(&path, "%s%lld/", parent_path, (long long)id) < 0) {
            path = NULL;
            rc = STORE_ERROR;
        }
    }
    json_decref(parent);
    if (rc != STORE_OK)
        return rc;
    sval set[] = {SV_T(path), SV_I(id)};
    rc = db_exec(db, "UPDATE org_units SET path = ? WHERE id = ?", set, 2);
    if (rc != STORE_OK) {
        free(path);
        return rc;
    }
    if (id_out)
        *id_out = id;
    if (path_out)
        *path_out = path;
    else
        free(path);
    return STORE_OK;
}

/* ---- routes ---- */

/* The caller when they may read module "orgs" in their scope, else NULL
 * after replying 401 or 403. */
static const user_ctx *org_reader(req *r)
{
    const user_ctx *u = r->user;
    if (!u || !u->scope_path) {
        reply_unauthorized(r);
        return NULL;
    }
    if (!access_can_read(u, "orgs", u->scope_path)) {
        reply_forbidden(r);
        return NULL;
    }
    return u;
}

/* GET /api/orgs?parent=&level= : the units of the caller's subtree. */
static void org_list_handler(req *r)
{
    const user_ctx *u = org_reader(r);
    if (!u)
        return;
    const char *parent = req_query(r, "parent");
    const char *level = req_query(r, "level");
    int64_t parent_id = 0;
    if (parent && (parent_id = parse_id(parent)) == 0) {
        reply_bad_request(r, "parent", "上级单位编号无效");
        return;
    }
    if (level && !org_level_valid(level)) {
        reply_bad_request(r, "level", "层级无效");
        return;
    }

    strbuf sql = STRBUF_INIT;
    sval params[4];
    int n = 0;
    sb_append(&sql, "SELECT " ORG_COLUMNS " FROM org_units WHERE path >= ? AND path < ?");
    params[n++] = SV_T(u->scope_path);
    params[n++] = SV_T(org_scope_upper(r->a, u->scope_path));
    if (parent_id) {
        sb_append(&sql, " AND parent_id = ?");
        params[n++] = SV_I(parent_id);
    }
    if (level) {
        sb_append(&sql, " AND level = ?");
        params[n++] = SV_T(level);
    }
    sb_append(&sql, " ORDER BY path");
    json_t *items = NULL;
    int rc = db_query(r->db, sb_str(&sql), params, n, &items);
    sb_free(&sql);
    reply_items(r, rc, items);
}

/* GET /api/departments : the departments of the bureaus above the
 * caller's scope root (a county user sees the county's 股室) and of those
 * inside it (a city or province user sees every county's). */
static void org_departments_handler(req *r)
{
    const user_ctx *u = org_reader(r);
    if (!u)
        return;
    int64_t ids[ORG_MAX_DEPTH];
    int nids = org_path_ids(u->scope_path, ids, ORG_MAX_DEPTH);
    if (nids < 0) {
        reply_store_error(r, STORE_ERROR);
        return;
    }
    sval params[ORG_MAX_DEPTH + 2];
    int n = 0;
    params[n++] = SV_T(u->scope_path);
    params[n++] = SV_T(org_scope_upper(r->a, u->scope_path));
    strbuf sql = STRBUF_INIT;
    sb_append(&sql,
              "SELECT d.id, d.org_id, d.code, d.name, d.modules FROM departments d "
              "JOIN org_units o ON o.id = d.org_id WHERE (o.path >= ? AND o.path < ?)");
    if (nids > 0) {
        sb_append(&sql, " OR o.id IN (");
        org_placeholders(&sql, nids);
        sb_append(&sql, ")");
        for (int i = 0; i < nids; i++)
            params[n++] = SV_I(ids[i]);
    }
    sb_append(&sql, " ORDER BY o.path, d.code");
    json_t *items = NULL;
    int rc = db_query(r->db, sb_str(&sql), params, n, &items);
    sb_free(&sql);
    reply_items(r, rc, items);
}

const route org_routes[] = {
    {"GET", "/api/orgs", org_list_handler, 0},
    {"GET", "/api/departments", org_departments_handler, 0},
    {0},
};
