/*
 * eval_scenarios.c - eval_scenarios_routes: named what-if scenarios of
 * 优质均衡 (docs/api-eval.md, "Scenarios"):
 *   GET/POST /api/eval/scenarios, GET/DELETE /api/eval/scenarios/{id}.
 *
 * A scenario is a what-if body (org, year, stage, changes) saved under a
 * name with the summary it gave then (pass, schools_passing, the CV of
 * each indicator); reading it evaluates the changes again on today's
 * records (result), or says why they no longer apply (result_error). It
 * belongs to the org unit it was made for (its path): whoever reads module
 * "eval" there sees it, whoever may write eval there saves and deletes it.
 * Each write is one transaction with its audit row. Table: eval_scenarios.
 */
#include "domain/eval_api.h"

#include <stdlib.h>

#include "auth/access.h"
#include "domain/audit.h"
#include "domain/org.h"
#include "http/reply.h"
#include "http/router.h"
#include "util/clock.h"
#include "util/text.h"

#define EVAL_SCENARIO_SELECT                                                                  \
    "SELECT s.id, s.path, s.name, s.year, s.stage, s.changes, s.summary, s.created_at, "      \
    "u.name AS created_by_name FROM eval_scenarios s LEFT JOIN users u ON u.id = s.created_by"

/* A JSON text column as a value (null when absent or broken). */
static json_t *eval_scenario_json_text(json_t *row, const char *key)
{
    const char *text = text_field(row, key);
    json_t *v = text ? json_loads(text, JSON_DECODE_ANY, NULL) : NULL;
    return v ? v : json_null();
}

/* The org unit a path ends with, 0 when malformed. */
static int64_t eval_scenario_path_org(const char *path)
{
    int64_t ids[16];
    int n = path ? org_path_ids(path, ids, 16) : -1;
    return n > 0 ? ids[n - 1] : 0;
}

/* A scenario row as the API shows it. */
static json_t *eval_scenario_json(json_t *row)
{
    json_t *o = json_object();
    static const char *const keys[] = {"id", "name", "year", "stage", "created_by_name", NULL};
    for (int k = 0; keys[k]; k++) {
        json_t *v = json_object_get(row, keys[k]);
        json_object_set_new(o, keys[k], v ? json_incref(v) : json_null());
    }
    json_object_set_new(o, "org", json_integer(eval_scenario_path_org(text_field(row, "path"))));
    json_object_set_new(o, "changes", eval_scenario_json_text(row, "changes"));
    json_object_set_new(o, "summary", eval_scenario_json_text(row, "summary"));
    text_set_time(o, "created_at", text_field_int(row, "created_at"));
    return o;
}

/* Load scenario id as u may see it: STORE_NOTFOUND when it is missing or
 * outside u's scope; *path (arena) is where it was made. */
static int eval_scenario_load(req *r, int64_t id, json_t **out, const char **path)
{
    json_t *row = NULL;
    sval p[] = {SV_I(id)};
    *out = NULL;
    int rc = db_query_one(r->db, EVAL_SCENARIO_SELECT " WHERE s.id = ?", p, 1, &row);
    if (rc == STORE_OK && !access_in_scope(r->user, text_field(row, "path")))
        rc = STORE_NOTFOUND;
    if (rc == STORE_OK) {
        *path = arena_strdup(r->a, text_field(row, "path"));
        *out = eval_scenario_json(row);
    }
    json_decref(row);
    return rc;
}

/* {"pass","schools_passing","cv":{key: cv}} of a balanced answer. */
static json_t *eval_scenario_summary(json_t *balanced)
{
    json_t *cv = json_object();
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(balanced, "indicators"), i, item) {
        const char *key = text_field(item, "key");
        json_t *v = json_object_get(item, "cv");
        if (key)
            json_object_set_new(cv, key, v ? json_incref(v) : json_null());
    }
    json_t *pass = json_object_get(balanced, "pass"), *passing = json_object_get(balanced, "schools_passing");
    return json_pack("{sO sO so}", "pass", pass ? pass : json_null(), "schools_passing",
                     passing ? passing : json_null(), "cv", cv);
}

static void eval_scenarios_handler(req *r)
{
    eval_api_ctx c = {0};
    json_t *rows = NULL;
    int64_t org_id;
    int year;
    if (eval_api_can_read(r) != 0 || eval_api_query_year(r, &year) != 0 ||
        eval_api_query_org_id(r, &org_id) != 0 || eval_api_org(r, org_id, &c) != 0)
        return;
    sval p[] = {SV_T(c.scope.path), SV_T(c.scope.path_hi), SV_I(year)};
    int rc = db_query(r->db,
                      year ? EVAL_SCENARIO_SELECT " WHERE s.path >= ? AND s.path < ? AND "
                                                  "s.year = ? ORDER BY s.created_at DESC, s.id DESC"
                           : EVAL_SCENARIO_SELECT " WHERE s.path >= ? AND s.path < ? ORDER BY "
                                                  "s.created_at DESC, s.id DESC",
                      p, year ? 3 : 2, &rows);
    json_t *items = json_array();
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) json_array_append_new(items, eval_scenario_json(row));
    json_decref(rows);
    reply_items(r, rc, items);
}

/* The bytes of changes as stored: 200 changes take some 15 KB; a change
 * carrying members of megabytes is refused before it is stored and audited. */
#define EVAL_SCENARIO_CHANGES_MAX 65536

static size_t eval_scenario_changes_size(json_t *changes)
{
    return json_dumpb(changes, NULL, 0, JSON_COMPACT);
}

/* Insert the scenario of the request (checked, evaluated) and audit it. */
static int eval_scenario_insert(req *r, const eval_api_ctx *c, const char *stage, json_t *changes,
                                const char *name, int64_t *id, refusal *e)
{
    json_t *result = NULL, *after = NULL;
    const char *unused;
    int rc = eval_balanced(r->db, &c->scope, c->year, stage, changes, EVAL_SUMMARY, &result, e);
    if (rc != STORE_OK)
        return rc;
    json_t *summary = eval_scenario_summary(result);
    json_decref(result);
    char *changes_text = json_dumps(changes, JSON_COMPACT);
    char *summary_text = json_dumps(summary, JSON_COMPACT | JSON_REAL_PRECISION(15));
    json_decref(summary);
    sval p[] = {SV_T(c->scope.path), SV_T(name), SV_I(c->year), SV_T(stage),
                SV_T(changes_text), SV_T(summary_text), SV_I(r->user->id), SV_I(clock_now())};
    rc = changes_text && summary_text
             ? db_insert(r->db,
                         "INSERT INTO eval_scenarios (path, name, year, stage, changes, summary, "
                         "created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                         p, 8, id)
             : STORE_ERROR;
    free(changes_text);
    free(summary_text);
    if (rc == STORE_OK)
        rc = eval_scenario_load(r, *id, &after, &unused);
    if (rc == STORE_OK)
        rc = audit_write(r->db, r->user, r->ip, "create", "eval_scenario", *id, c->scope.path,
                         NULL, after);
    json_decref(after);
    return rc;
}

static void eval_scenario_create_handler(req *r)
{
    eval_api_ctx c = {0};
    const char *stage, *path, *name;
    json_t *changes, *scenario = NULL;
    refusal e = {0};
    int64_t id = 0;
    if (eval_api_can_read(r) != 0 || req_body_object(r) != 0 ||
        eval_api_can_write(r, r->user->scope_path, "无权限保存评估方案") != 0 ||
        eval_api_body_text(r, "name", "方案名称", 60, 1, &name) != 0 ||
        eval_api_body_what_if(r, &c, &stage, &changes) != 0)
        return;
    if (json_array_size(changes) == 0) {
        reply_error(r, 400, "missing", "请至少填写一项变更", "changes");
        return;
    }
    if (eval_scenario_changes_size(changes) > EVAL_SCENARIO_CHANGES_MAX) {
        reply_bad_request(r, "changes", "变更内容过长（不超过 64 KB）");
        return;
    }
    if (eval_api_can_write(r, c.scope.path, "无权限保存评估方案") != 0 || req_begin(r) != 0)
        return;
    int rc = eval_scenario_insert(r, &c, stage, changes, name, &id, &e);
    if (reply_finish(r, rc, &e) != 0)
        return;
    rc = eval_scenario_load(r, id, &scenario, &path);
    reply_result(r, rc, 201, scenario);
}

static void eval_scenario_get_handler(req *r)
{
    eval_api_ctx c = {0};
    json_t *scenario = NULL, *result = NULL;
    const char *path = NULL;
    refusal e = {0};
    int64_t id;
    if (eval_api_can_read(r) != 0 || !(id = req_param_id(r)))
        return;
    int rc = eval_scenario_load(r, id, &scenario, &path);
    if (rc == STORE_NOTFOUND) {
        reply_error(r, 404, "not_found", "方案不存在", NULL);
        return;
    }
    if (rc != STORE_OK) {
        reply_store_error(r, rc);
        return;
    }
    const char *stage = text_field(scenario, "stage");
    if (eval_api_org(r, eval_scenario_path_org(path), &c) != 0) {
        json_decref(scenario);
        return;
    }
    c.year = (int)text_field_int(scenario, "year");
    rc = eval_balanced(r->db, &c.scope, c.year, stage, json_object_get(scenario, "changes"),
                       EVAL_DETAIL, &result, &e);
    if (rc == REFUSED) /* the records changed since: say why it no longer applies */
        json_object_set_new(scenario, "result_error", json_string(e.message ? e.message : ""));
    else if (rc != STORE_OK) {
        json_decref(scenario);
        eval_api_reply(r, rc, NULL);
        return;
    }
    json_object_set_new(scenario, "result", result ? result : json_null());
    reply_json(r, 200, scenario);
}

static void eval_scenario_delete_handler(req *r)
{
    json_t *scenario = NULL;
    const char *path = NULL;
    int64_t id;
    if (eval_api_can_read(r) != 0 || !(id = req_param_id(r)) || req_begin(r) != 0)
        return;
    int rc = eval_scenario_load(r, id, &scenario, &path);
    if (rc == STORE_NOTFOUND ||
        (rc == STORE_OK && eval_api_can_write(r, path, "无权限删除评估方案") != 0)) {
        db_rollback(r->db);
        if (rc == STORE_NOTFOUND)
            reply_error(r, 404, "not_found", "方案不存在", NULL);
        json_decref(scenario);
        return;
    }
    eval_api_delete(r, rc, "DELETE FROM eval_scenarios WHERE id = ?", "eval_scenario", id, path,
                    scenario);
}

const route eval_scenarios_routes[] = {
    {"GET", "/api/eval/scenarios", eval_scenarios_handler, 0},
    {"POST", "/api/eval/scenarios", eval_scenario_create_handler, 0},
    {"GET", "/api/eval/scenarios/{id}", eval_scenario_get_handler, 0},
    {"DELETE", "/api/eval/scenarios/{id}", eval_scenario_delete_handler, 0},
    {NULL, NULL, NULL, 0},
};
