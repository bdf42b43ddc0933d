/*
 * query.h - the WHERE and ORDER BY of a list endpoint, built from its query
 * string: the caller's scope, filters that answer 400 naming the argument,
 * LIKE patterns, the sort whitelist and the from/to period.
 *
 * A list handler reads
 *     query q = QUERY_INIT;
 *     query_scope(&q, r->a, "h.path", u->scope_path);
 *     if (query_enum(r, &q, "status", "h.status = ?", statuses, "状态无效") ||
 *         query_id(r, &q, "town", "s.town_id = ?", "街道/乡镇无效") ||
 *         query_dates(r, &q, "h.found_on")) { query_free(&q); return; }
 * then runs paging_query with sb_str(&q.where), q.p and q.n (p has room for
 * paging's LIMIT and OFFSET) and frees q. Values always go through '?'.
 */
#ifndef EDU_QUERY_H
#define EDU_QUERY_H

#include <stddef.h>
#include "http/req.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/strbuf.h"

#define QUERY_MAX_PARAMS 48

typedef struct query {
    strbuf where;                       /* " WHERE ... AND ..." */
    sval p[QUERY_MAX_PARAMS + 2];       /* its parameters, and room for LIMIT, OFFSET */
    int n;
} query;

#define QUERY_INIT {.where = STRBUF_INIT}

void query_free(query *q);

/* " WHERE <column> >= ? AND <column> < ?": the scope's subtree (org.h). */
void query_scope(query *q, arena *a, const char *column, const char *scope_path);
/* " AND <expr>" with its n parameters v[n]. Past QUERY_MAX_PARAMS it adds
 * a condition that matches nothing instead, so a list never widens. */
void query_and_n(query *q, const char *expr, const sval *v, int n);
/* The same with one parameter. */
void query_and(query *q, const char *expr, sval v);

/* text as a LIKE pattern for "... LIKE ? ESCAPE '\'": %, _ and \ escaped,
 * "%text%" (anywhere) or, with prefix, "text%". In the arena. */
const char *query_like(arena *a, const char *text, int prefix);

/* The filters: each reads the argument name and does nothing when it is
 * absent; when it is malformed it replies 400 (field name) and returns -1;
 * else it adds " AND <expr>" with the value and returns 0. */
/* A value of list (NULL-terminated). */
int query_enum(req *r, query *q, const char *name, const char *expr, const char *const *list,
               const char *message);
/* A value valid accepts. */
int query_valid(req *r, query *q, const char *name, const char *expr, int (*valid)(const char *),
                const char *message);
/* A positive id (parse_id). */
int query_id(req *r, query *q, const char *name, const char *expr, const char *message);
/* The period (query_period without defaults): "<column> >= from" and
 * "<column> <= to" for those given. */
int query_dates(req *r, query *q, const char *column);

/* The arguments from and to ("YYYY-MM-DD", clock_date_valid). Absent ones stay NULL, or with
 * defaults become the first and last day of the year (of the other date,
 * else of today). Replies 400 and returns -1 on a malformed date or a from
 * after to. */
int query_period(req *r, int defaults, const char **from, const char **to);

/* One entry of a sort whitelist: the sort= name and its SQL expression. */
typedef struct query_sort {
    const char *name;
    const char *column;
} query_sort;

/* Ties broken ascending whatever the direction (else the same way). */
#define QUERY_TIE_ASC 1

/* The ORDER BY of the argument sort: "name" ascending or "-name"
 * descending, name from sorts (ended by {NULL, NULL}); when absent,
 * fallback. Ties are broken by tie (not repeated when the column is tie),
 * in the same direction unless flags has QUERY_TIE_ASC. NULL after
 * replying 400 for a name not in the list. */
const char *query_order(req *r, const query_sort *sorts, const char *fallback, const char *tie,
                        int flags);

#endif
