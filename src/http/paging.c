/*
 * paging.c - page/per_page/format of list endpoints and their reply
 * (see paging.h): a JSON page, or with format=xlsx the whole filtered list
 * as a workbook download named after the table; and the count-then-page
 * of a list's query.
 */
#include "http/paging.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "http/reply.h"
#include "util/arena.h"
#include "util/log.h"

#define PAGING_DEFAULT_PER_PAGE 20
#define PAGING_MAX_PER_PAGE 200
#define PAGING_MAX_PAGE 100000000L
#define XLSX_TYPE "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

/* A whole decimal number in [min, max], or -1. */
static long paging_number(const char *text, long min, long max)
{
    if (!text || *text < '0' || *text > '9')
        return -1;
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (errno || *end != '\0' || v < min || v > max)
        return -1;
    return v;
}

/* The query argument name as a number in [1, max] into *out (left as it
 * is when absent): 0, or -1 after replying 400 with message. */
static int paging_arg(req *r, const char *name, long max, const char *message, int *out)
{
    const char *text = req_query(r, name);
    if (!text)
        return 0;
    long v = paging_number(text, 1, max);
    if (v < 0) {
        reply_bad_request(r, name, message);
        return -1;
    }
    *out = (int)v;
    return 0;
}

int paging_parse(req *r, paging *p)
{
    p->page = 1;
    p->per_page = PAGING_DEFAULT_PER_PAGE;
    p->xlsx = 0;

    const char *format = req_query(r, "format");
    if (format) {
        if (strcmp(format, "xlsx") == 0) {
            p->xlsx = 1;
        } else if (strcmp(format, "json") != 0) {
            reply_bad_request(r, "format", "导出格式只能是 xlsx 或 json");
            return -1;
        }
    }
    if (paging_arg(r, "page", PAGING_MAX_PAGE, "页码必须是正整数", &p->page) != 0 ||
        paging_arg(r, "per_page", PAGING_MAX_PER_PAGE, "每页条数必须在 1 到 200 之间",
                   &p->per_page) != 0)
        return -1;
    if (p->xlsx) {
        p->limit = PAGING_EXPORT_MAX;
        p->offset = 0;
    } else {
        p->limit = p->per_page;
        p->offset = (int64_t)(p->page - 1) * p->per_page;
    }
    return 0;
}

void paging_reply(req *r, const paging *p, json_t *items, int64_t total,
                  const char *title, const xlsx_col *cols)
{
    if (!items) {
        reply_error(r, 500, "internal", "服务器内部错误", NULL);
        return;
    }
    if (!p->xlsx) {
        json_t *body = json_object();
        json_object_set_new(body, "items", items);
        json_object_set_new(body, "total", json_integer(total));
        json_object_set_new(body, "page", json_integer(p->page));
        json_object_set_new(body, "per_page", json_integer(p->per_page));
        reply_json(r, 200, body);
        return;
    }
    char *data = NULL, *err = NULL;
    size_t len = 0;
    int rc = xlsx_table(title, cols, items, &data, &len, &err);
    json_decref(items);
    if (rc != 0) {
        log_error("%s %s: xlsx export failed: %s", r->method, r->path, err ? err : "?");
        free(err);
        reply_error(r, 500, "internal", "导出失败", NULL);
        return;
    }
    const char *name = arena_printf(r->a, "%s.xlsx", title && *title ? title : "导出");
    reply_bytes(r, 200, XLSX_TYPE, name, data, len);
    free(data);
}

void paging_reply_rows(req *r, const paging *p, int rc, json_t *rows, int64_t total,
                       json_t *(*shape)(json_t *row), const char *title, const xlsx_col *cols)
{
    if (rc != STORE_OK) {
        json_decref(rows);
        reply_store_error(r, rc);
        return;
    }
    if (shape) {
        json_t *items = json_array(), *row;
        size_t i;
        json_array_foreach(rows, i, row) json_array_append_new(items, shape(row));
        json_decref(rows);
        rows = items;
    }
    paging_reply(r, p, rows, total, title, cols);
}

int paging_query(store_db *db, const char *count_sql, const char *page_sql, sval *params,
                 int nparams, int64_t limit, int64_t offset, int64_t *total, json_t **rows)
{
    *rows = NULL;
    int rc = db_query_int(db, count_sql, params, nparams, total);
    if (rc != STORE_OK)
        return rc;
    params[nparams] = SV_I(limit);
    params[nparams + 1] = SV_I(offset);
    return db_query(db, page_sql, params, nparams + 2, rows);
}
