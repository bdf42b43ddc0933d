/*
 * audit.c - the audit log (table audit_log): who, when, from where, what,
 * and the values before and after (see audit.h).
 *
 * audit_write runs inside the caller's transaction, so a write and its
 * audit row commit or roll back together. before/after are stored as
 * compact JSON with sorted keys; callers must never put a password or a
 * password hash in them.
 *
 * GET /api/audit lists the log for 系统管理员 and 审计员: rows whose
 * org_path lies in the caller's scope, plus platform-wide rows (org_path
 * NULL) for callers scoped to a root of the org tree; newest first, paged,
 * and as xlsx with format=xlsx.
 */
#include "domain/audit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "auth/access.h"
#include "domain/org.h"
#include "http/paging.h"
#include "http/query.h"
#include "http/reply.h"
#include "http/router.h"
#include "util/clock.h"
#include "util/strbuf.h"

/* The JSON text of v, or NULL for none. Caller frees. */
static char *audit_dump(json_t *v)
{
    if (!v || json_is_null(v))
        return NULL;
    return json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
}

int audit_write(store_db *db, const user_ctx *u, const char *ip, const char *action,
                const char *entity, int64_t entity_id, const char *org_path,
                json_t *before, json_t *after)
{
    char cli_name[96];
    const char *username;
    char *before_text = audit_dump(before);
    char *after_text = audit_dump(after);
    int rc;

    if ((before && !json_is_null(before) && !before_text) ||
        (after && !json_is_null(after) && !after_text)) {
        free(before_text);
        free(after_text);
        return STORE_ERROR;
    }
    if (u) {
        username = u->username ? u->username : "";
    } else {
        const char *os_user = getenv("USER");
        if (os_user && os_user[0])
            snprintf(cli_name, sizeof cli_name, "cli:%s", os_user);
        else
            snprintf(cli_name, sizeof cli_name, "cli");
        username = cli_name;
    }
    sval params[] = {
        SV_I(clock_now()),
        u && u->id > 0 ? SV_I(u->id) : SV_NUL,
        SV_T(username),
        SV_T(ip ? ip : "cli"),
        SV_T(action),
        SV_T(entity),
        entity_id > 0 ? SV_I(entity_id) : SV_NUL,
        SV_T(org_path),
        SV_T(before_text),
        SV_T(after_text),
    };
    rc = db_exec(db,
                 "INSERT INTO audit_log (at, user_id, username, ip, action, entity, entity_id, "
                 "org_path, before_json, after_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 params, 10);
    free(before_text);
    free(after_text);
    return rc;
}

/* The WHERE of GET /api/audit from the query into q; on bad input reply
 * 400 and return -1. */
static int audit_filter_parse(req *r, query *q)
{
    const user_ctx *u = r->user;
    const char *entity = req_query(r, "entity");
    const char *user = req_query(r, "user");
    const char *action = req_query(r, "action");
    const char *from, *to;
    int64_t t;

    /* Scope first: the caller's subtree, and platform-wide rows for roots. */
    sb_append(&q->where, access_in_scope(u, NULL)
                             ? " WHERE (org_path IS NULL OR (org_path >= ? AND org_path < ?))"
                             : " WHERE (org_path >= ? AND org_path < ?)");
    q->p[q->n++] = SV_T(u->scope_path);
    q->p[q->n++] = SV_T(org_scope_upper(r->a, u->scope_path));

    if (entity)
        query_and(q, "entity = ?", SV_T(entity));
    if (query_id(r, q, "entity_id", "entity_id = ?", "对象ID应为正整数") != 0)
        return -1;
    if (user)
        query_and(q, "username LIKE ? ESCAPE '\\'", SV_T(query_like(r->a, user, 1)));
    if (action)
        query_and(q, "action = ?", SV_T(action));
    if (query_period(r, 0, &from, &to) != 0)
        return -1;
    if (from && clock_parse(from, &t) == 0)
        query_and(q, "at >= ?", SV_I(t));
    if (to && clock_parse(to, &t) == 0)
        query_and(q, "at < ?", SV_I(t + 86400));
    return 0;
}

/* Stored row -> API item: "at" as text, before/after as JSON (or as text
 * for the xlsx export). */
static void audit_item_shape(json_t *row, int as_text)
{
    static const char *const sides[][2] = {{"before_json", "before"}, {"after_json", "after"}};
    char at[32];

    clock_format(json_integer_value(json_object_get(row, "at")), at, sizeof at);
    json_object_set_new(row, "at", json_string(at));
    for (size_t i = 0; i < 2; i++) {
        const char *text = json_string_value(json_object_get(row, sides[i][0]));
        json_t *value = NULL;
        if (text && as_text)
            value = json_string(text);
        else if (text)
            value = json_loads(text, JSON_DECODE_ANY, NULL);
        json_object_set_new(row, sides[i][1], value ? value : json_null());
        json_object_del(row, sides[i][0]);
    }
}

static const xlsx_col audit_xlsx_cols[] = {
    {"at", "时间", 20, XLSX_TEXT},
    {"username", "用户", 16, XLSX_TEXT},
    {"ip", "地址", 16, XLSX_TEXT},
    {"action", "操作", 12, XLSX_TEXT},
    {"entity", "对象", 12, XLSX_TEXT},
    {"entity_id", "对象ID", 10, XLSX_INT},
    {"before", "修改前", 60, XLSX_TEXT},
    {"after", "修改后", 60, XLSX_TEXT},
    {NULL, NULL, 0, XLSX_TEXT},
};

static void audit_list_handler(req *r)
{
    query q = QUERY_INIT;
    paging p;
    json_t *rows = NULL;
    int64_t total = 0;

    if (!access_can_read_audit(r->user)) {
        reply_forbidden(r);
        return;
    }
    if (paging_parse(r, &p) != 0)
        return;
    if (audit_filter_parse(r, &q) != 0) {
        query_free(&q);
        return;
    }
    const char *where = sb_str(&q.where);
    int rc = paging_query(r->db, arena_printf(r->a, "SELECT COUNT(*) FROM audit_log%s", where),
                          arena_printf(r->a,
                                       "SELECT id, at, username, ip, action, entity, entity_id, "
                                       "before_json, after_json FROM audit_log%s "
                                       "ORDER BY at DESC, id DESC LIMIT ? OFFSET ?",
                                       where),
                          q.p, q.n, p.limit, p.offset, &total, &rows);
    query_free(&q);
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
        audit_item_shape(row, p.xlsx);
    paging_reply_rows(r, &p, rc, rows, total, NULL, "审计日志", audit_xlsx_cols);
}

const route audit_routes[] = {
    {"GET", "/api/audit", audit_list_handler, 0},
    {0},
};
