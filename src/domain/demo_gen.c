/*
 * demo_gen.c - what the demo and benchmark generators share (see
 * demo_gen.h): the PRNG and its draws, names, days, failures, the summary
 * audit row, multi-row INSERT batches and the bulk transaction.
 */
#include "domain/demo_gen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/access.h"
#include "domain/audit.h"
#include "domain/org.h"
#include "util/arena.h"
#include "util/clock.h"
#include "util/strbuf.h"

/* ------------------------------------------------------------------ PRNG */

uint64_t demo_rng_next(demo_rng *r)
{
    uint64_t z = (r->state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

int demo_rng_draw(demo_rng *r, int lo, int hi)
{
    return lo + (int)(demo_rng_next(r) % (uint64_t)(hi - lo + 1));
}

int demo_rng_range(demo_rng *r, int lo, int hi)
{
    return hi <= lo ? lo : demo_rng_draw(r, lo, hi);
}

int demo_rng_chance(demo_rng *r, int percent)
{
    return demo_rng_range(r, 1, 100) <= percent;
}

double demo_rng_real(demo_rng *r, double lo, double hi)
{
    return lo + (hi - lo) * (double)(demo_rng_next(r) >> 11) / 9007199254740992.0;
}

/* ----------------------------------------------------------------- names */

void demo_gen_person(demo_rng *r, const demo_names *names, char *out, size_t size)
{
    snprintf(out, size, "%s%s%s", names->surnames[demo_rng_next(r) % names->nsurnames],
             names->given[demo_rng_next(r) % names->ngiven],
             demo_rng_chance(r, 60) ? names->given[demo_rng_next(r) % names->ngiven] : "");
}

/* ------------------------------------------------------------------ days */

int64_t demo_gen_day(const char *ymd)
{
    int64_t t = 0;
    return clock_parse(ymd, &t) == 0 ? t : 0;
}

void demo_gen_date(int64_t day, char out[11])
{
    char buf[24];
    clock_format(day, buf, sizeof buf);
    memcpy(out, buf, 10);
    out[10] = '\0';
}

int64_t demo_gen_between(demo_rng *r, const char *from, const char *to)
{
    int64_t a = demo_gen_day(from), b = demo_gen_day(to);
    return a + (int64_t)demo_rng_range(r, 0, (int)((b - a) / DEMO_GEN_DAY)) * DEMO_GEN_DAY;
}

/* -------------------------------------------------------------- failures */

int demo_gen_fail(store_db *db, char *err, size_t err_size, const char *what, int rc,
                  const refusal *e)
{
    if (rc == REFUSED && e)
        snprintf(err, err_size, "%s: %s (%s)", what, e->message ? e->message : "?",
                 e->field ? e->field : "-");
    else
        snprintf(err, err_size, "%s: %s", what, db_errmsg(db));
    return rc == STORE_OK || rc == REFUSED ? STORE_ERROR : rc;
}

const char *demo_gen_text(json_t *row, const char *key)
{
    const char *s = json_string_value(json_object_get(row, key));
    return s ? s : "";
}

void *demo_gen_county_schools(store_db *db, const char *path, const char *sql, size_t item_size,
                              json_t **rows, char *err, size_t err_size)
{
    arena *a = arena_new();
    sval p[] = {SV_T(ROLE_SCHOOL), SV_T(path), SV_T(org_scope_upper(a, path))};
    int rc = db_query(db, sql, p, 3, rows);
    arena_free(a);
    if (rc != STORE_OK) {
        demo_gen_fail(db, err, err_size, "读取学校", rc, NULL);
        return NULL;
    }
    void *items = calloc(json_array_size(*rows) + 1, item_size);
    if (!items) {
        json_decref(*rows);
        *rows = NULL;
        demo_gen_fail(db, err, err_size, "内存不足", STORE_ERROR, NULL);
    }
    return items;
}

int demo_gen_audit(store_db *db, const char *entity, const char *path, json_t *after, char *err,
                   size_t err_size)
{
    if (!after)
        return demo_gen_fail(db, err, err_size, "内存不足", STORE_ERROR, NULL);
    int rc = audit_write(db, NULL, NULL, "import", entity, 0, path, NULL, after);
    json_decref(after);
    return rc == STORE_OK ? STORE_OK : demo_gen_fail(db, err, err_size, "审计", rc, NULL);
}

/* --------------------------------------------------------------- batches */

/* "INSERT ... VALUES (?, ...), (?, ...)" for rows rows of cols columns. */
static char *demo_batch_sql(const char *head, int rows, int cols)
{
    strbuf sb = STRBUF_INIT;
    sb_append(&sb, head);
    for (int r = 0; r < rows; r++) {
        sb_append(&sb, r ? ", (" : "(");
        for (int c = 0; c < cols; c++)
            sb_append(&sb, c ? ", ?" : "?");
        sb_appendc(&sb, ')');
    }
    return sb_steal(&sb);
}

int demo_batch_init(demo_batch *b, const char *head, int cols, int rows)
{
    b->head = head;
    b->cols = cols;
    b->rows = rows;
    b->n = 0;
    b->v = calloc((size_t)cols * (size_t)rows, sizeof *b->v);
    b->full_sql = demo_batch_sql(head, rows, cols);
    return b->v && b->full_sql ? STORE_OK : STORE_ERROR;
}

int demo_batch_full(const demo_batch *b)
{
    return b->n == b->rows;
}

sval *demo_batch_row(demo_batch *b)
{
    return b->v + (size_t)b->n++ * (size_t)b->cols;
}

int demo_batch_flush(store_db *db, demo_batch *b, const char *what, char *err, size_t err_size)
{
    if (b->n == 0)
        return STORE_OK;
    char *sql = b->n == b->rows ? b->full_sql : demo_batch_sql(b->head, b->n, b->cols);
    int rc = sql ? db_exec(db, sql, b->v, b->n * b->cols) : STORE_ERROR;
    if (sql != b->full_sql)
        free(sql);
    if (rc != STORE_OK)
        return demo_gen_fail(db, err, err_size, what, rc, NULL);
    b->n = 0;
    return STORE_OK;
}

void demo_batch_free(demo_batch *b)
{
    free(b->v);
    free(b->full_sql);
    b->v = NULL;
    b->full_sql = NULL;
    b->n = 0;
}

/* ---------------------------------------------------------- transactions */

int demo_gen_sequence(store_db *db, const char *table, char *err, size_t err_size)
{
    if (strcmp(db_backend(db), "postgres") != 0)
        return STORE_OK;
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT setval(pg_get_serial_sequence('%s', 'id'), (SELECT MAX(id) FROM %s))", table,
             table);
    int rc = db_exec(db, sql, NULL, 0);
    return rc == STORE_OK ? STORE_OK : demo_gen_fail(db, err, err_size, "序列", rc, NULL);
}

int demo_gen_commit(store_db *db, int rc, char *err, size_t err_size)
{
    if (rc == STORE_OK && (rc = db_commit(db)) != STORE_OK)
        demo_gen_fail(db, err, err_size, "提交", rc, NULL);
    if (rc != STORE_OK) {
        db_rollback(db);
        return rc;
    }
    rc = db_exec(db, "ANALYZE", NULL, 0);
    return rc == STORE_OK ? STORE_OK : demo_gen_fail(db, err, err_size, "ANALYZE", rc, NULL);
}

/* SQLite's page cache: 256 MB while a bulk runs (big 1), then back. */
static int demo_gen_cache(store_db *db, int big, char *err, size_t err_size)
{
    if (strcmp(db_backend(db), "sqlite") != 0)
        return STORE_OK;
    int rc =
        db_exec(db, big ? "PRAGMA cache_size = -262144" : "PRAGMA cache_size = -2000", NULL, 0);
    return rc == STORE_OK ? STORE_OK : demo_gen_fail(db, err, err_size, "cache_size", rc, NULL);
}

int demo_gen_bulk_begin(store_db *db, char *err, size_t err_size)
{
    int rc = demo_gen_cache(db, 1, err, err_size);
    if (rc != STORE_OK)
        return rc;
    rc = db_begin(db);
    if (rc != STORE_OK) {
        demo_gen_cache(db, 0, err, err_size);
        return demo_gen_fail(db, err, err_size, "开始事务", rc, NULL);
    }
    return STORE_OK;
}

int demo_gen_bulk_end(store_db *db, int rc, char *err, size_t err_size)
{
    rc = demo_gen_commit(db, rc, err, err_size);
    int cache_rc = demo_gen_cache(db, 0, err, err_size);
    return rc != STORE_OK ? rc : cache_rc;
}
