/*
 * stats_exchange.h - the 基表 in Excel and CSV: the workbook export (which
 * is also the rounds' template), the import that checks every cell and
 * previews the changes, and the apply that writes them in one transaction.
 *
 * Workbook: one sheet per 办学类型 (sheet name = the type), header row
 * 学校标识码, 学校名称, then each field of stats_fields(year, type) as
 * "label（unit）", frozen; one row per school, current values of
 * stat_values pre-filled (int "0", real "0.00", bool 是/否, enum text).
 * Import reads the same layout (xlsx) or one CSV sheet whose columns may
 * mix the types (each row's type is its school's). A header matches a
 * field by its label, with or without the unit, or by its key; an empty
 * cell changes nothing. Every problem is collected with its sheet, row (as
 * Excel numbers it), column (header text, or the letter without a header),
 * value and reason; a file with problems writes nothing.
 *
 * The same functions serve the HTTP handlers (stats_exchange_routes:
 * GET /api/stats/export, POST /api/stats/import, POST
 * /api/stats/import/{token}/apply), the command line (edubureau export and
 * import, src/cli/stats_cmd.c) and the unit tests. u == NULL means the
 * command line: every school, no scope. Previews wait in stat_imports
 * (one hour, for the user who uploaded).
 */
#ifndef EDU_STATS_EXCHANGE_H
#define EDU_STATS_EXCHANGE_H

#include <stdint.h>
#include <stddef.h>
#include <jansson.h>
#include "domain/refusal.h"
#include "http/req.h"
#include "io/table_read.h"

/* Problems listed before the rest are only counted ("还有 N 个问题未列出"). */
#define STATS_IMPORT_MAX_PROBLEMS 1000
/* How long a preview can be applied, in seconds. */
#define STATS_IMPORT_TTL 3600

/* Which schools an export covers. */
typedef struct stats_export_filter {
    int year;
    const char *const *types;  /* NULL-terminated 办学类型; NULL = all */
    int64_t town_id;           /* 0 = every town */
    const char *status;        /* record status or 未填报; NULL = any */
    int64_t round_id;          /* 0 = none; else only the round's types and area */
} stats_export_filter;

/* The workbook of the filtered schools that u may read (a 学校管理员: their
 * own): STORE_OK with a malloced *out of *len bytes; REFUSED with e for a
 * bad type or status (400) or an unknown round (404); or a STORE_* error.
 * Strings of e live in a. */
int stats_export_workbook(store_db *db, arena *a, const user_ctx *u,
                          const stats_export_filter *f, char **out, size_t *len, refusal *e);

/* Answer the request with that workbook as a download named title.xlsx
 * (NULL: 基表<year>学年), or with the error. Checks that the caller may
 * read "stats". Used by GET /api/stats/export and the rounds' template. */
void stats_exchange_reply_workbook(req *r, int year, const char *const *types, int64_t town_id,
                                   const char *status, int64_t round_id, const char *title);

typedef struct stats_import_opts {
    int year;
    const user_ctx *u;           /* NULL = command line */
    const char *ip;              /* for the audit rows; may be NULL */
    int apply;                   /* save each school's changes as it is read, in the caller's
                                    transaction (roll it back when there are problems) */
    int keep_changes;            /* list the changes in the result */
    const table_limits *limits;  /* NULL = the readers' defaults */
} stats_import_opts;

typedef struct stats_import_result {
    json_t *problems;   /* [{"sheet","row","column","value","reason"}], at most
                           STATS_IMPORT_MAX_PROBLEMS and one "还有 N 个问题未列出" */
    long nproblems;     /* every problem found */
    json_t *changes;    /* [{"school_id","school_name","code","field","label","old","new"}]
                           when keep_changes, else NULL */
    long nchanges;      /* values that change */
    long schools;       /* school rows read */
    long unchanged;     /* of which nothing changes */
} stats_import_result;

/* Check the file (xlsx by its bytes, else CSV) for year as o->u sees it.
 * STORE_OK with res filled (problems may be non-empty: then nothing is to
 * be written), or a STORE_* error. Call stats_import_result_free after. */
int stats_import_run(store_db *db, const stats_import_opts *o, const void *data, size_t len,
                     stats_import_result *res);
/* The same for the file at path, read in chunks (the command line): memory
 * does not grow with the file. */
int stats_import_file(store_db *db, const stats_import_opts *o, const char *path,
                      stats_import_result *res);
void stats_import_result_free(stats_import_result *res);

/* Write changes ([{"school_id","field","old","new"}], grouped by school as
 * the import lists them) in the caller's transaction with stats_record_save
 * and its audit rows. A record changed since the preview, or refused (e.g.
 * approved since), gives REFUSED with a 409 naming the school (message in
 * a); the caller rolls back. *applied: the values written. */
int stats_import_apply(store_db *db, arena *a, const user_ctx *u, const char *ip, int year,
                       json_t *changes, long *applied, refusal *e);

/* The field of fields (stats_fields) that a header names: its label, the
 * label with its unit in full- or half-width brackets ("一年级学生数（人）"),
 * or its key; spaces are ignored. Borrowed, or NULL. */
json_t *stats_exchange_match_header(json_t *fields, const char *header);

/* "工作表「X」第 N 行「列」值「v」：原因" (parts that are null left out);
 * malloced. */
char *stats_import_problem_text(json_t *problem);

#endif
