/*
 * inspections.c - 排查 (safety inspections), their coverage of the schools,
 * and the checklists.
 *
 * An inspection is run by an org unit on a date: the bureau for schools of
 * its county (org_id = the caller's scope root, the county), or a school
 * for itself (org_id = the school's unit); it carries that unit's path. It
 * has a kind (日常, 专项, 节前, 汛期, 开学, 其他), the hazard categories
 * whose checklist items it looks at ("1,3"), and the schools it covers
 * (inspection_schools, each with the school's path). Recording the findings
 * at a school marks it done with its result and registers its hazards
 * (hazards_create, with the inspection's id) in one transaction.
 *
 * A caller sees the inspections run by a unit in their scope or covering a
 * school in it, and of those only the schools in their scope. Writes need
 * access_can_write(u, "safety", path) for every school concerned: the
 * bureau (admin, 安全稳定股) for any school in scope, a 学校管理员 only for
 * their own school (another school is 404). Each write has its audit row.
 *
 * Findings may be recorded again for a school already done (补录): the
 * new hazards are added and the result replaced when one is given.
 *
 * Coverage (GET /api/safety/coverage) lists the active schools in scope
 * with the number of inspections of the period that inspected them
 * (findings recorded, done = 1) and the last date; a school covered by an
 * inspection but not yet done counts as not inspected. Tables: inspections, inspection_schools, checklist_items
 * (migrations/003_safety.sql). Contract: docs/api-safety.md.
 */
#include <stdlib.h>
#include <string.h>

#include "auth/access.h"
#include "domain/audit.h"
#include "domain/hazards.h"
#include "domain/org.h"
#include "domain/safety.h"
#include "http/paging.h"
#include "http/query.h"
#include "http/reply.h"
#include "http/router.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/parse.h"
#include "util/strbuf.h"
#include "util/text.h"

static const char *const inspection_kinds[] = {"日常", "专项", "节前", "汛期", "开学", "其他", NULL};

/* Limits of one inspection. */
#define INSPECTION_MAX_SCHOOLS 2000
#define INSPECTION_MAX_CATEGORIES 50
#define INSPECTION_MAX_HAZARDS 200
#define INSPECTION_NAME_MAX 100
#define INSPECTION_TEXT_MAX 500

/* The counts of an inspection over the caller's scope: six parameters
 * (lower, upper three times). */
#define INSPECTION_SELECT                                                                      \
    "SELECT i.id, i.name, i.kind, i.on_date, i.org_id, o.name AS org_name, i.category_ids, "  \
    "i.note, i.created_at, "                                                                 \
    "(SELECT COUNT(*) FROM inspection_schools x WHERE x.inspection_id = i.id "               \
    "AND x.path >= ? AND x.path < ?) AS schools, "                                           \
    "(SELECT COALESCE(SUM(x.done), 0) FROM inspection_schools x WHERE x.inspection_id = i.id " \
    "AND x.path >= ? AND x.path < ?) AS done, "                                              \
    "(SELECT COUNT(*) FROM hazards h WHERE h.inspection_id = i.id "                          \
    "AND h.path >= ? AND h.path < ?) AS hazards "                                            \
    "FROM inspections i JOIN org_units o ON o.id = i.org_id"

static const xlsx_col inspection_xlsx_cols[] = {
    {"name", "名称", 30, XLSX_TEXT},      {"kind", "类型", 8, XLSX_TEXT},
    {"on_date", "日期", 12, XLSX_TEXT},   {"org_name", "组织单位", 20, XLSX_TEXT},
    {"schools", "学校数", 8, XLSX_INT},   {"done", "已完成", 8, XLSX_INT},
    {"hazards", "隐患数", 8, XLSX_INT},   {"note", "备注", 30, XLSX_TEXT},
    {NULL, NULL, 0, XLSX_TEXT},
};

static const xlsx_col coverage_xlsx_cols[] = {
    {"name", "学校", 30, XLSX_TEXT},          {"code", "学校标识码", 14, XLSX_TEXT},
    {"town", "街道/乡镇", 14, XLSX_TEXT},     {"inspections", "排查次数", 10, XLSX_INT},
    {"last_on", "最近排查日期", 14, XLSX_TEXT}, {NULL, NULL, 0, XLSX_TEXT},
};

/* ------------------------------------------------------------ helpers */

/* The distinct positive ids of a JSON array (numbers or digit strings)
 * into ids[max]; how many, or -1 when not such an array or too long. */
static int inspection_id_list(json_t *arr, int64_t *ids, int max)
{
    size_t i;
    json_t *v;
    int n = 0;
    if (!json_is_array(arr))
        return -1;
    json_array_foreach(arr, i, v) {
        int64_t id = 0;
        if (json_is_integer(v)) {
            id = json_integer_value(v);
        } else if (json_is_string(v)) {
            id = parse_id(json_string_value(v));
        }
        if (id <= 0)
            return -1;
        int seen = 0;
        for (int k = 0; k < n; k++)
            seen |= ids[k] == id;
        if (seen)
            continue;
        if (n >= max)
            return -1;
        ids[n++] = id;
    }
    return n;
}

/* "1,3" -> ids; how many (at most max). */
static int inspection_parse_categories(const char *text, int64_t *ids, int max)
{
    int n = 0;
    while (text && *text && n < max) {
        char *end;
        long long v = strtoll(text, &end, 10);
        if (end == text)
            break;
        if (v > 0)
            ids[n++] = (int64_t)v;
        text = *end == ',' ? end + 1 : end;
        if (*end != ',')
            break;
    }
    return n;
}

/* The inspection object from an INSPECTION_SELECT row. */
static json_t *inspection_object(json_t *row)
{
    static const char *const keys[] = {"id",      "name", "kind",    "on_date", "org_id",
                                       "org_name", "note", "schools", "done",    "hazards",
                                       NULL};
    int64_t ids[INSPECTION_MAX_CATEGORIES];
    char at[20];
    json_t *o = json_object(), *cats = json_array();
    for (int i = 0; keys[i]; i++) {
        json_t *v = json_object_get(row, keys[i]);
        json_object_set_new(o, keys[i], v ? json_incref(v) : json_null());
    }
    int n = inspection_parse_categories(json_string_value(json_object_get(row, "category_ids")),
                                        ids, INSPECTION_MAX_CATEGORIES);
    for (int i = 0; i < n; i++)
        json_array_append_new(cats, json_integer(ids[i]));
    json_object_set_new(o, "category_ids", cats);
    clock_format(json_integer_value(json_object_get(row, "created_at")), at, sizeof at);
    json_object_set_new(o, "created_at", json_string(at));
    return o;
}

/* Checklist items: of every active category when all, else of the n
 * categories ids (none when n is 0). */
static int inspection_checklist(store_db *db, const int64_t *ids, int n, int all, json_t **out)
{
    strbuf sql = STRBUF_INIT;
    sval p[INSPECTION_MAX_CATEGORIES];
    sb_append(&sql, "SELECT c.id, c.category_id, h.name AS category, c.text FROM checklist_items c "
                    "JOIN hazard_categories h ON h.id = c.category_id WHERE ");
    if (all) {
        sb_append(&sql, "h.active = 1");
    } else if (n == 0) {
        *out = json_array();
        sb_free(&sql);
        return STORE_OK;
    } else {
        sb_append(&sql, "c.category_id IN (");
        for (int i = 0; i < n; i++) {
            sb_append(&sql, i ? ", ?" : "?");
            p[i] = SV_I(ids[i]);
        }
        sb_append(&sql, ")");
    }
    sb_append(&sql, " ORDER BY h.sort, h.id, c.sort, c.id");
    int rc = db_query(db, sb_str(&sql), p, all ? 0 : n, out);
    sb_free(&sql);
    return rc;
}

/* Inspection id as u sees it; with_detail adds its schools in u's scope
 * and its checklist. STORE_NOTFOUND when missing or not visible. */
static int inspection_load(store_db *db, arena *a, const user_ctx *u, int64_t id, int with_detail,
                           json_t **out)
{
    const char *lower = u->scope_path, *upper = org_scope_upper(a, u->scope_path);
    json_t *row = NULL, *schools = NULL, *checklist = NULL;
    int64_t ids[INSPECTION_MAX_CATEGORIES];
    sval p[] = {SV_T(lower), SV_T(upper), SV_T(lower), SV_T(upper), SV_T(lower), SV_T(upper),
                SV_I(id),    SV_T(lower), SV_T(upper), SV_T(lower), SV_T(upper)};
    int rc = db_query_one(db, INSPECTION_SELECT " WHERE i.id = ? AND " SAFETY_INSPECTION_VISIBLE,
                          p, 11, &row);
    if (rc != STORE_OK)
        return rc;
    json_t *o = inspection_object(row);
    if (with_detail) {
        sval q[] = {SV_I(id), SV_T(lower), SV_T(upper)};
        rc = db_query(db,
                      "SELECT x.school_id, s.name, s.code, t.name AS town, x.done, x.result, "
                      "(SELECT COUNT(*) FROM hazards h WHERE h.inspection_id = x.inspection_id "
                      "AND h.school_id = x.school_id) AS hazards FROM inspection_schools x "
                      "JOIN schools s ON s.id = x.school_id "
                      "LEFT JOIN org_units t ON t.id = s.town_id "
                      "WHERE x.inspection_id = ? AND x.path >= ? AND x.path < ? ORDER BY s.code",
                      q, 3, &schools);
        int n = inspection_parse_categories(json_string_value(json_object_get(row, "category_ids")),
                                            ids, INSPECTION_MAX_CATEGORIES);
        if (rc == STORE_OK)
            rc = inspection_checklist(db, ids, n, 0, &checklist);
        if (rc == STORE_OK) {
            size_t i;
            json_t *s;
            json_array_foreach(schools, i, s)
                json_object_set_new(s, "done",
                                    json_boolean(json_integer_value(json_object_get(s, "done"))));
            json_object_set_new(o, "school_count", json_incref(json_object_get(o, "schools")));
            json_object_set_new(o, "schools", schools);
            json_object_set_new(o, "checklist", checklist);
            schools = NULL;
        }
    }
    json_decref(row);
    json_decref(schools);
    if (rc != STORE_OK) {
        json_decref(o);
        return rc;
    }
    *out = o;
    return STORE_OK;
}

static int64_t inspection_route_id(req *r)
{
    int64_t id = parse_id(req_param(r, "id"));
    if (!id)
        reply_error(r, 404, "not_found", "排查不存在", NULL);
    return id;
}

/* ------------------------------------------------------------- create */

static int inspection_validate(req *r, json_t *in, int64_t *schools, int *nschools, int64_t *cats,
                               int *ncats, refusal *e)
{
    const char *name = text_field_nonempty(in, "name");
    const char *kind = text_field_nonempty(in, "kind");
    const char *on_date = text_field_nonempty(in, "on_date");
    const char *note = text_field_nonempty(in, "note");
    json_t *cat_arr = json_object_get(in, "category_ids");

    if (!name)
        return refuse(e, 400, "missing", "name", "请填写排查名称");
    if (!json_is_string(json_object_get(in, "name")) || text_chars(name) > INSPECTION_NAME_MAX)
        return refuse(e, 400, "invalid", "name", "排查名称不超过 100 个字");
    if (!kind)
        return refuse(e, 400, "missing", "kind", "请选择排查类型");
    if (!text_in_list(inspection_kinds, kind))
        return refuse(e, 400, "invalid", "kind", "排查类型应为日常、专项、节前、汛期、开学或其他");
    if (!on_date)
        return refuse(e, 400, "missing", "on_date", "请填写排查日期");
    if (!safety_date_valid(on_date))
        return refuse(e, 400, "invalid", "on_date", "排查日期格式应为 YYYY-MM-DD");
    json_t *school_arr = json_object_get(in, "school_ids");
    if (!school_arr || json_is_null(school_arr) ||
        (json_is_array(school_arr) && json_array_size(school_arr) == 0))
        return refuse(e, 400, "missing", "school_ids", "请选择排查的学校");
    *nschools = inspection_id_list(school_arr, schools, INSPECTION_MAX_SCHOOLS);
    if (*nschools < 0)
        return refuse(e, 400, "invalid", "school_ids",
                      arena_printf(r->a, "学校应为学校编号的列表（至多 %d 所）",
                                   INSPECTION_MAX_SCHOOLS));
    *ncats = 0;
    if (cat_arr && !json_is_null(cat_arr)) {
        *ncats = inspection_id_list(cat_arr, cats, INSPECTION_MAX_CATEGORIES);
        if (*ncats < 0)
            return refuse(e, 400, "invalid", "category_ids", "检查类别应为类别编号的列表");
    }
    if (note && (!json_is_string(json_object_get(in, "note")) ||
                 text_chars(note) > INSPECTION_TEXT_MAX))
        return refuse(e, 400, "invalid", "note", "备注不超过 500 个字");
    return 0;
}

/* Each category exists. */
static int inspection_check_categories(store_db *db, const int64_t *cats, int n, refusal *e)
{
    for (int i = 0; i < n; i++) {
        int64_t found;
        sval p[] = {SV_I(cats[i])};
        int rc = db_query_int(db, "SELECT id FROM hazard_categories WHERE id = ?", p, 1, &found);
        if (rc == STORE_NOTFOUND)
            return refuse(e, 400, "invalid", "category_ids", "检查类别不存在");
        if (rc != STORE_OK)
            return rc;
    }
    return STORE_OK;
}

/* Each school exists, is active, and u may write "safety" there; their
 * paths into paths[]. */
static int inspection_check_schools(req *r, const int64_t *ids, int n, const char **paths,
                                    refusal *e)
{
    for (int i = 0; i < n; i++) {
        json_t *row = NULL;
        int rc = safety_school_row(r->db, ids[i], &row);
        if (rc == STORE_NOTFOUND)
            return refuse(e, 404, "not_found", "school_ids", "学校不存在");
        if (rc != STORE_OK)
            return rc;
        const char *path = json_string_value(json_object_get(row, "path"));
        const char *status = json_string_value(json_object_get(row, "status"));
        paths[i] = arena_strdup(r->a, path);
        if (!access_can_read(r->user, "safety", path))
            rc = refuse(e, 404, "not_found", "school_ids", "学校不存在");
        else if (!access_can_write(r->user, "safety", path))
            rc = refuse(e, 403, "forbidden", "school_ids", "无权限");
        else if (!status || strcmp(status, "在办") != 0)
            rc = refuse(e, 400, "invalid", "school_ids",
                        arena_printf(r->a, "学校「%s」已撤并或停办",
                                     json_string_value(json_object_get(row, "name"))));
        json_decref(row);
        if (rc != STORE_OK)
            return rc;
    }
    return STORE_OK;
}

static int inspection_create(req *r, int64_t *id_out, refusal *e)
{
    const user_ctx *u = r->user;
    int64_t *schools = arena_alloc(r->a, INSPECTION_MAX_SCHOOLS * sizeof *schools);
    const char **paths = arena_alloc(r->a, INSPECTION_MAX_SCHOOLS * sizeof *paths);
    int64_t cats[INSPECTION_MAX_CATEGORIES], id = 0;
    int nschools = 0, ncats = 0;
    json_t *after = NULL;

    if (!access_can_write(u, "safety", u->scope_path))
        return refuse(e, 403, "forbidden", NULL, "无权限");
    int rc = inspection_validate(r, r->json, schools, &nschools, cats, &ncats, e);
    if (rc == 0)
        rc = inspection_check_categories(r->db, cats, ncats, e);
    if (rc == 0)
        rc = inspection_check_schools(r, schools, nschools, paths, e);
    if (rc != 0)
        return rc;
    strbuf cat_text = STRBUF_INIT;
    for (int i = 0; i < ncats; i++)
        sb_appendf(&cat_text, "%s%lld", i ? "," : "", (long long)cats[i]);
    const char *category_ids = arena_strdup(r->a, sb_str(&cat_text));
    sb_free(&cat_text);
    sval p[] = {SV_I(u->scope_org_id),
                SV_T(u->scope_path),
                SV_T(text_field_nonempty(r->json, "name")),
                SV_T(text_field_nonempty(r->json, "kind")),
                SV_T(text_field_nonempty(r->json, "on_date")),
                SV_T(category_ids),
                SV_T(text_field_nonempty(r->json, "note")),
                SV_I(u->id),
                SV_I(clock_now())};
    rc = db_insert(r->db,
                   "INSERT INTO inspections (org_id, path, name, kind, on_date, category_ids, "
                   "note, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                   p, 9, &id);
    for (int i = 0; rc == STORE_OK && i < nschools; i++) {
        sval q[] = {SV_I(id), SV_I(schools[i]), SV_T(paths[i])};
        rc = db_exec(r->db,
                     "INSERT INTO inspection_schools (inspection_id, school_id, path, done) "
                     "VALUES (?, ?, ?, 0)",
                     q, 3);
    }
    if (rc == STORE_OK)
        rc = inspection_load(r->db, r->a, u, id, 1, &after);
    if (rc == STORE_OK) {
        json_object_del(after, "checklist");
        rc = audit_write(r->db, u, r->ip, "create", "inspection", id, u->scope_path, NULL, after);
    }
    json_decref(after);
    if (rc == STORE_OK)
        *id_out = id;
    return rc;
}

static int inspections_create_op(req *r, int64_t id, int64_t *id_out, refusal *e)
{
    (void)id;
    return inspection_create(r, id_out, e);
}

static int inspections_load(req *r, int64_t id, json_t **out)
{
    return inspection_load(r->db, r->a, r->user, id, 1, out);
}

static void inspections_create_handler(req *r)
{
    if (req_body_object(r) == 0)
        reply_write(r, 0, inspections_create_op, inspections_load, 201);
}

/* ----------------------------------------------------------- findings */

/* Register hazard i of the findings at school_id for inspection id. */
static int findings_hazard(req *r, json_t *inspection, int64_t school_id, size_t i,
                           json_t *fields, int64_t *hazard_id, refusal *e)
{
    if (!json_is_object(fields))
        return refuse(e, 400, "invalid", arena_printf(r->a, "hazards[%zu]", i),
                      "隐患应为 JSON 对象");
    json_t *in = json_deep_copy(fields);
    json_object_set_new(in, "school_id", json_integer(school_id));
    json_object_set(in, "inspection_id", json_object_get(inspection, "id"));
    if (!text_field_nonempty(in, "found_on"))
        json_object_set(in, "found_on", json_object_get(inspection, "on_date"));
    int rc = hazards_create(r->db, r->user, r->ip, in, 1, hazard_id, e);
    json_decref(in);
    if (rc == REFUSED)
        e->field = e->field ? arena_printf(r->a, "hazards[%zu].%s", i, e->field)
                            : arena_printf(r->a, "hazards[%zu]", i);
    return rc;
}

static int findings_record(req *r, int64_t id, json_t **hazard_ids, refusal *e)
{
    const user_ctx *u = r->user;
    json_t *in = r->json, *inspection = NULL, *link = NULL, *list = json_object_get(in, "hazards");
    const char *result = text_field_nonempty(in, "result");
    int64_t school_id = 0;
    int got = safety_json_count(in, "school_id", &school_id);

    if (got == 0)
        return refuse(e, 400, "missing", "school_id", "请选择学校");
    if (got < 0 || school_id <= 0)
        return refuse(e, 400, "invalid", "school_id", "学校无效");
    if (result && (!json_is_string(json_object_get(in, "result")) ||
                   text_chars(result) > INSPECTION_TEXT_MAX))
        return refuse(e, 400, "invalid", "result", "排查结果不超过 500 个字");
    if (list && !json_is_null(list) &&
        (!json_is_array(list) || json_array_size(list) > INSPECTION_MAX_HAZARDS))
        return refuse(e, 400, "invalid", "hazards", "隐患应为列表（至多 200 条）");
    int rc = inspection_load(r->db, r->a, u, id, 0, &inspection);
    if (rc == STORE_NOTFOUND)
        return refuse(e, 404, "not_found", NULL, "排查不存在");
    if (rc != STORE_OK)
        return rc;
    sval p[] = {SV_I(id), SV_I(school_id)};
    rc = db_query_one(r->db,
                      "SELECT x.path, x.done, x.result FROM inspection_schools x "
                      "WHERE x.inspection_id = ? AND x.school_id = ?",
                      p, 2, &link);
    const char *path = json_string_value(json_object_get(link, "path"));
    if (rc == STORE_NOTFOUND || (rc == STORE_OK && !access_can_read(u, "safety", path)))
        rc = refuse(e, 404, "not_found", "school_id", "本次排查不包括该学校");
    else if (rc == STORE_OK && !access_can_write(u, "safety", path))
        rc = refuse(e, 403, "forbidden", NULL, "无权限");
    *hazard_ids = json_array();
    size_t i;
    json_t *fields;
    json_array_foreach(list, i, fields) {
        int64_t hazard_id = 0;
        if (rc != STORE_OK)
            break;
        rc = findings_hazard(r, inspection, school_id, i, fields, &hazard_id, e);
        if (rc == STORE_OK)
            json_array_append_new(*hazard_ids, json_integer(hazard_id));
    }
    sval q[] = {SV_T(result), SV_I(id), SV_I(school_id)};
    if (rc == STORE_OK)
        rc = db_exec(r->db,
                     "UPDATE inspection_schools SET done = 1, result = COALESCE(?, result) "
                     "WHERE inspection_id = ? AND school_id = ?",
                     q, 3);
    if (rc == STORE_OK) {
        json_t *prev = json_object_get(link, "result");
        json_t *before = json_pack("{sI sb so}", "school_id", (json_int_t)school_id, "done",
                                   (int)json_integer_value(json_object_get(link, "done")),
                                   "result", prev ? json_incref(prev) : json_null());
        json_t *after = json_pack("{sI sb ss? sO}", "school_id", (json_int_t)school_id, "done", 1,
                                  "result", result, "hazard_ids", *hazard_ids);
        rc = audit_write(r->db, u, r->ip, "findings", "inspection", id, path, before, after);
        json_decref(before);
        json_decref(after);
    }
    json_decref(inspection);
    json_decref(link);
    return rc;
}

static void inspections_findings_handler(req *r)
{
    refusal e = {0};
    json_t *hazard_ids = NULL;
    int64_t id = inspection_route_id(r);
    if (!id || req_body_object(r) != 0)
        return;
    int rc = db_begin(r->db);
    if (rc == STORE_OK)
        rc = findings_record(r, id, &hazard_ids, &e);
    if (reply_finish(r, rc, &e) != 0) {
        json_decref(hazard_ids);
        return;
    }
    reply_json(r, 201, json_pack("{so}", "hazard_ids", hazard_ids));
}

/* -------------------------------------------------------------- reads */

static void inspections_list_handler(req *r)
{
    const user_ctx *u = r->user;
    const char *lower = u->scope_path, *upper = org_scope_upper(r->a, u->scope_path);
    paging pg;
    int64_t total = 0;
    json_t *rows = NULL;

    if (paging_parse(r, &pg) != 0 || req_can_read(r, "safety") != 0)
        return;
    /* The page's query takes INSPECTION_SELECT's six parameters first, the
     * count only those of the WHERE after them. */
    query q = {.where = STRBUF_INIT,
               .p = {SV_T(lower), SV_T(upper), SV_T(lower), SV_T(upper), SV_T(lower), SV_T(upper),
                     SV_T(lower), SV_T(upper), SV_T(lower), SV_T(upper)},
               .n = 10};
    sb_append(&q.where, " WHERE " SAFETY_INSPECTION_VISIBLE);
    if (query_enum(r, &q, "kind", "i.kind = ?", inspection_kinds, "排查类型无效") ||
        query_dates(r, &q, "i.on_date")) {
        query_free(&q);
        return;
    }
    char *count_sql = arena_printf(r->a, "SELECT COUNT(*) FROM inspections i%s", sb_str(&q.where));
    char *sql = arena_printf(r->a, INSPECTION_SELECT "%s ORDER BY i.on_date DESC, i.id DESC "
                                                     "LIMIT ? OFFSET ?",
                             sb_str(&q.where));
    query_free(&q);
    int rc = db_query_int(r->db, count_sql, q.p + 6, q.n - 6, &total);
    q.p[q.n] = SV_I(pg.limit);
    q.p[q.n + 1] = SV_I(pg.offset);
    if (rc == STORE_OK)
        rc = db_query(r->db, sql, q.p, q.n + 2, &rows);
    paging_reply_rows(r, &pg, rc, rows, total, inspection_object, "排查", inspection_xlsx_cols);
}

static void inspections_get_handler(req *r)
{
    json_t *o = NULL;
    int64_t id = inspection_route_id(r);
    if (!id)
        return;
    if (req_can_read(r, "safety") != 0)
        return;
    int rc = inspection_load(r->db, r->a, r->user, id, 1, &o);
    if (rc == STORE_NOTFOUND) {
        reply_error(r, 404, "not_found", "排查不存在", NULL);
        return;
    }
    if (rc != STORE_OK) {
        reply_store_error(r, rc);
        return;
    }
    reply_json(r, 200, o);
}

/* GET /api/safety/coverage?from=&to=&town=&format= */
static void inspections_coverage_handler(req *r)
{
    const user_ctx *u = r->user;
    const char *from, *to, *town = req_query(r, "town");
    const char *lower = u->scope_path, *upper = org_scope_upper(r->a, u->scope_path);
    paging pg;
    json_t *rows = NULL;
    int64_t town_id = 0;

    if (paging_parse(r, &pg) != 0 || req_can_read(r, "safety") != 0)
        return;
    if (query_period(r, 1, &from, &to) != 0)
        return;
    if (town && !(town_id = parse_id(town))) {
        reply_bad_request(r, "town", "街道/乡镇无效");
        return;
    }
    /* The schools open at some time in the period: 在办 now, or closed
     * (撤并/停办) on or after its first day. */
    sval p[] = {SV_T(lower), SV_T(upper), SV_T(from), SV_T(to), SV_T(lower), SV_T(upper),
                SV_T(from), SV_I(town_id)};
    char *sql = arena_printf(r->a,
                             "SELECT s.id AS school_id, s.name, s.code, t.name AS town, "
                             "COALESCE(c.n, 0) AS inspections, c.last_on FROM schools s "
                             "LEFT JOIN org_units t ON t.id = s.town_id "
                             "LEFT JOIN (SELECT x.school_id, COUNT(*) AS n, "
                             "MAX(i.on_date) AS last_on FROM inspection_schools x "
                             "JOIN inspections i ON i.id = x.inspection_id "
                             "WHERE x.path >= ? AND x.path < ? AND x.done = 1 AND i.on_date >= ? "
                             "AND i.on_date <= ? GROUP BY x.school_id) c ON c.school_id = s.id "
                             "WHERE s.path >= ? AND s.path < ? "
                             "AND (s.status = '在办' OR s.closed_on >= ?)%s "
                             "ORDER BY s.code",
                             town_id ? " AND s.town_id = ?" : "");
    int rc = db_query(r->db, sql, p, town_id ? 8 : 7, &rows);
    if (rc != STORE_OK) {
        log_error("GET /api/safety/coverage: %s", db_errmsg(r->db));
        reply_store_error(r, rc);
        return;
    }
    int64_t inspected = 0;
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) inspected +=
        json_integer_value(json_object_get(row, "inspections")) > 0;
    if (pg.xlsx) {
        paging_reply(r, &pg, rows, (int64_t)json_array_size(rows), "排查覆盖", coverage_xlsx_cols);
        return;
    }
    reply_json(r, 200,
               json_pack("{ss ss sI sI so}", "from", from, "to", to, "inspected",
                         (json_int_t)inspected, "not_inspected",
                         (json_int_t)((int64_t)json_array_size(rows) - inspected), "schools",
                         rows));
}

/* GET /api/safety/checklists?category_id= */
static void inspections_checklists_handler(req *r)
{
    const char *cat = req_query(r, "category_id");
    int64_t id = 0;
    json_t *items = NULL;
    if (req_can_read(r, "safety") != 0)
        return;
    if (cat && !(id = parse_id(cat))) {
        reply_bad_request(r, "category_id", "类别无效");
        return;
    }
    int rc = inspection_checklist(r->db, &id, id ? 1 : 0, !id, &items);
    if (rc != STORE_OK) {
        reply_store_error(r, rc);
        return;
    }
    reply_json(r, 200, json_pack("{so}", "items", items));
}

const route inspections_routes[] = {
    {"GET", "/api/inspections", inspections_list_handler, 0},
    {"POST", "/api/inspections", inspections_create_handler, 0},
    {"GET", "/api/inspections/{id}", inspections_get_handler, 0},
    {"POST", "/api/inspections/{id}/findings", inspections_findings_handler, 0},
    {"GET", "/api/safety/coverage", inspections_coverage_handler, 0},
    {"GET", "/api/safety/checklists", inspections_checklists_handler, 0},
    {NULL, NULL, NULL, 0},
};
