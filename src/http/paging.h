/*
 * paging.h - paging of list endpoints and their xlsx export.
 *
 * Every list endpoint takes page (from 1) and per_page (1..200, default 20)
 * and answers {"items":[...],"total":N,"page":P,"per_page":K}. With
 * format=xlsx the same endpoint, with the same filters, answers the whole
 * filtered list (up to PAGING_EXPORT_MAX rows) as an xlsx download instead:
 * this is how every table in the UI exports. paging_query runs a list's
 * count and its page.
 */
#ifndef EDU_PAGING_H
#define EDU_PAGING_H

#include <stdint.h>
#include "http/req.h"
#include "io/xlsx_out.h"

#define PAGING_EXPORT_MAX 200000

typedef struct paging {
    int page;
    int per_page;
    int64_t limit;   /* for SQL LIMIT */
    int64_t offset;  /* for SQL OFFSET */
    int xlsx;        /* format=xlsx was asked for */
} paging;

/* Parse page, per_page and format. On bad input replies 400 and returns -1. */
int paging_parse(req *r, paging *p);
/* Reply the page as JSON, or the rows as xlsx (sheet and file named). Steals items. */
void paging_reply(req *r, const paging *p, json_t *items, int64_t total,
                  const char *title, const xlsx_col *cols);
/* The answer to a list's query: the store error when rc is not STORE_OK,
 * else paging_reply of the rows, each replaced by shape(row) when shape is
 * given. Steals rows. */
void paging_reply_rows(req *r, const paging *p, int rc, json_t *rows, int64_t total,
                       json_t *(*shape)(json_t *row), const char *title, const xlsx_col *cols);
/* Count, then page: *total from count_sql, then *rows (a new array) from
 * page_sql, whose last two '?' are its LIMIT and OFFSET; params holds the
 * nparams values both queries share and room for those two more (set
 * here). page_sql may take the page's ids from an index in a subquery and
 * join only those rows. Returns a STORE_* code. */
int paging_query(store_db *db, const char *count_sql, const char *page_sql, sval *params,
                 int nparams, int64_t limit, int64_t offset, int64_t *total, json_t **rows);

#endif
