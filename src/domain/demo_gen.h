/*
 * demo_gen.h - what the demo and benchmark generators share.
 *
 * Our own PRNG (splitmix64) and its draws, random Chinese names, days,
 * the error text a generator leaves in its caller's buffer, the summary
 * audit row that stands for the records it wrote, multi-row INSERT
 * batches, and the start and end of a generator's transaction.
 *
 * Used by demo.c (the county), safety_demo.c and safety_bulk.c (安全),
 * stats_demo.c (基表). A seed gives the same data as long as each
 * generator draws in the same order: every draw below is one call of
 * demo_rng_next, except demo_rng_range with an empty range (no call).
 */
#ifndef EDU_DEMO_GEN_H
#define EDU_DEMO_GEN_H

#include <stddef.h>
#include <stdint.h>

#include "domain/refusal.h"
#include "store/store.h"

#define DEMO_GEN_DAY 86400
/* The note of the summary audit row of demo data. */
#define DEMO_GEN_NOTE                                                                              \
    "演示数据生成（edubureau demo/generate）：批量创建，本条为汇总记录，未逐条记录审计"

/* ------------------------------------------------------------------ PRNG */

typedef struct demo_rng {
    uint64_t state;
} demo_rng;

/* The next 64 random bits (splitmix64, Steele, Lea, Flood 2014). */
uint64_t demo_rng_next(demo_rng *r);
/* Uniform in [lo, hi] (hi >= lo), one draw even when hi == lo. */
int demo_rng_draw(demo_rng *r, int lo, int hi);
/* Uniform in [lo, hi]; lo, without a draw, when hi <= lo. */
int demo_rng_range(demo_rng *r, int lo, int hi);
/* 1 with probability percent/100. */
int demo_rng_chance(demo_rng *r, int percent);
/* Uniform real in [lo, hi). */
double demo_rng_real(demo_rng *r, double lo, double hi);

#define DEMO_COUNT(list) ((int)(sizeof(list) / sizeof((list)[0])))
#define DEMO_PICK(r, list) ((list)[demo_rng_next(r) % (sizeof(list) / sizeof((list)[0]))])

/* ----------------------------------------------------------------- names */

/* The names a generator makes people from. */
typedef struct demo_names {
    const char *const *surnames;
    size_t nsurnames;
    const char *const *given;
    size_t ngiven;
} demo_names;

/* A person: surname and one or (60%) two given characters ("王建", "李晓燕"). */
void demo_gen_person(demo_rng *r, const demo_names *names, char *out, size_t size);

/* ------------------------------------------------------------------ days */

/* A day is the Unix time of its midnight in UTC+8 (clock.h); 0 for no date. */
int64_t demo_gen_day(const char *ymd);
/* 'YYYY-MM-DD' of day. */
void demo_gen_date(int64_t day, char out[11]);
/* A random day in [from, to]. */
int64_t demo_gen_between(demo_rng *r, const char *from, const char *to);

/* -------------------------------------------------------------- failures */

/* Say in err what failed: "what: message (field)" when rc is REFUSED with
 * the refusal e, else "what: <the database's error>". Returns the code to
 * pass on: rc, or STORE_ERROR for STORE_OK and REFUSED. */
int demo_gen_fail(store_db *db, char *err, size_t err_size, const char *what, int rc,
                  const refusal *e);

/* The text of row's key, "" when it is not a string. */
const char *demo_gen_text(json_t *row, const char *key);

/* The schools of the county at path as the rows of sql (its parameters:
 * the role of a 学校管理员, then the scope range of path), and a zeroed
 * array with room for one item of item_size per row, for the caller to
 * free. NULL, with the reason in err, on failure. */
void *demo_gen_county_schools(store_db *db, const char *path, const char *sql, size_t item_size,
                              json_t **rows, char *err, size_t err_size);

/* The summary audit row ("import" of entity, under path, NULL: none) that
 * stands for a generator's records; takes after (NULL: out of memory). */
int demo_gen_audit(store_db *db, const char *entity, const char *path, json_t *after, char *err,
                   size_t err_size);

/* ------------------------------------------------------ bulk transactions */

/* Rows waiting for one multi-row INSERT: head is "INSERT ... VALUES ". */
typedef struct demo_batch {
    const char *head;
    int cols, rows, n;
    sval *v;        /* rows x cols parameters */
    char *full_sql; /* the statement of a full batch */
} demo_batch;

/* Room for rows rows of cols columns. STORE_OK or STORE_ERROR (memory). */
int demo_batch_init(demo_batch *b, const char *head, int cols, int rows);
int demo_batch_full(const demo_batch *b);
/* The next row's cols parameters (the batch is not full). */
sval *demo_batch_row(demo_batch *b);
/* Write the waiting rows; what names them in err on failure. */
int demo_batch_flush(store_db *db, demo_batch *b, const char *what, char *err, size_t err_size);
void demo_batch_free(demo_batch *b);

/* PostgreSQL's sequence of table (a constant name) does not see the ids a
 * bulk chose itself: set it to the largest. Nothing on SQLite. */
int demo_gen_sequence(store_db *db, const char *table, char *err, size_t err_size);

/* Commit when rc is STORE_OK, else roll back; then ANALYZE, so that the
 * planner sees the new rows. Returns rc or the first failure. */
int demo_gen_commit(store_db *db, int rc, char *err, size_t err_size);

/* A bulk's transaction, with SQLite's page cache (2 MB by default, small
 * for millions of index inserts) at 256 MB while it runs. */
int demo_gen_bulk_begin(store_db *db, char *err, size_t err_size);
/* demo_gen_commit, then the page cache back to its default. */
int demo_gen_bulk_end(store_db *db, int rc, char *err, size_t err_size);

#endif
