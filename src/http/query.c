/*
 * query.c - the WHERE and ORDER BY of list endpoints from the query string
 * (see query.h): scope, filters, LIKE patterns, the period and the sort.
 */
#include "http/query.h"

#include <string.h>

#include "domain/org.h"
#include "http/reply.h"
#include "util/clock.h"
#include "util/parse.h"
#include "util/text.h"

void query_free(query *q)
{
    sb_free(&q->where);
}

void query_scope(query *q, arena *a, const char *column, const char *scope_path)
{
    sb_appendf(&q->where, " WHERE %s >= ? AND %s < ?", column, column);
    q->p[q->n++] = SV_T(scope_path);
    q->p[q->n++] = SV_T(org_scope_upper(a, scope_path));
}

void query_and_n(query *q, const char *expr, const sval *v, int n)
{
    if (q->n + n > QUERY_MAX_PARAMS) {
        sb_append(&q->where, " AND 1 = 0");
        return;
    }
    sb_append(&q->where, " AND ");
    sb_append(&q->where, expr);
    for (int i = 0; i < n; i++)
        q->p[q->n++] = v[i];
}

void query_and(query *q, const char *expr, sval v)
{
    query_and_n(q, expr, &v, 1);
}

const char *query_like(arena *a, const char *text, int prefix)
{
    char *out = arena_alloc(a, 2 * strlen(text) + 3), *w = out;
    if (!prefix)
        *w++ = '%';
    for (const char *s = text; *s; s++) {
        if (*s == '%' || *s == '_' || *s == '\\')
            *w++ = '\\';
        *w++ = *s;
    }
    *w++ = '%';
    *w = '\0';
    return out;
}

/* The filter of argument name, whose text is v (NULL: absent, nothing to
 * do): " AND <expr>" with value when ok, else 400 with message and -1. */
static int query_filter(req *r, query *q, const char *name, const char *expr, const char *v,
                        int ok, sval value, const char *message)
{
    if (!v)
        return 0;
    if (!ok) {
        reply_bad_request(r, name, message);
        return -1;
    }
    query_and(q, expr, value);
    return 0;
}

int query_enum(req *r, query *q, const char *name, const char *expr, const char *const *list,
               const char *message)
{
    const char *v = req_query(r, name);
    return query_filter(r, q, name, expr, v, text_in_list(list, v), SV_T(v), message);
}

int query_valid(req *r, query *q, const char *name, const char *expr, int (*valid)(const char *),
                const char *message)
{
    const char *v = req_query(r, name);
    return query_filter(r, q, name, expr, v, v && valid(v), SV_T(v), message);
}

int query_id(req *r, query *q, const char *name, const char *expr, const char *message)
{
    const char *v = req_query(r, name);
    int64_t id = parse_id(v);
    return query_filter(r, q, name, expr, v, id != 0, SV_I(id), message);
}

int query_dates(req *r, query *q, const char *column)
{
    const char *from, *to;
    if (query_period(r, 0, &from, &to) != 0)
        return -1;
    if (from)
        query_and(q, arena_printf(r->a, "%s >= ?", column), SV_T(from));
    if (to)
        query_and(q, arena_printf(r->a, "%s <= ?", column), SV_T(to));
    return 0;
}

int query_period(req *r, int defaults, const char **from, const char **to)
{
    char today[11];
    *from = req_query(r, "from");
    *to = req_query(r, "to");
    if (*from && !clock_date_valid(*from)) {
        reply_bad_request(r, "from", "开始日期格式应为 YYYY-MM-DD");
        return -1;
    }
    if (*to && !clock_date_valid(*to)) {
        reply_bad_request(r, "to", "结束日期格式应为 YYYY-MM-DD");
        return -1;
    }
    clock_today(today);
    if (defaults && !*from)
        *from = arena_printf(r->a, "%.4s-01-01", *to ? *to : today);
    if (defaults && !*to)
        *to = arena_printf(r->a, "%.4s-12-31", *from);
    if (*from && *to && strcmp(*from, *to) > 0) {
        reply_bad_request(r, "to", "结束日期不能早于开始日期");
        return -1;
    }
    return 0;
}

const char *query_order(req *r, const query_sort *sorts, const char *fallback, const char *tie,
                        int flags)
{
    const char *sort = req_query(r, "sort");
    int desc = 0;
    if (!sort)
        sort = fallback;
    if (*sort == '-') {
        desc = 1;
        sort++;
    }
    for (const query_sort *s = sorts; s->name; s++) {
        if (strcmp(s->name, sort) != 0)
            continue;
        const char *dir = desc ? " DESC" : "";
        if (strcmp(s->column, tie) == 0)
            return arena_printf(r->a, "%s%s", s->column, dir);
        return arena_printf(r->a, "%s%s, %s%s", s->column, dir, tie,
                            flags & QUERY_TIE_ASC ? "" : dir);
    }
    reply_bad_request(r, "sort", "排序字段无效");
    return NULL;
}
