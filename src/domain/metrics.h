/*
 * metrics.h - the registry of live figures (GET /api/metrics): named
 * figures that modules compute from their records, which plan targets bind
 * to ('live:<key>'). A figure is never typed: it is computed on every read
 * from the records (stats, schools, safety counts, evaluation).
 *
 * A key is a registry name, optionally with one argument after a colon:
 *   kg_public_place_share        公办幼儿园学位占比 (%)
 *   kg_inclusive_coverage        普惠性幼儿园覆盖率 (%)
 *   kg_public_enrollment_share   公办园在园幼儿占比 (%)
 *   kg_gross_enrollment          学前三年毛入园率 (%)
 *   senior_public_place_share    公办高中学位占比 (%)
 *   schools_open                 在办学校数 (所)
 *   schools_type:<办学类型>       在办学校数 of one type
 *   schools_closed               year's 撤并 and 停办 (closed_on in year)
 *   hazards_found, hazards_closed, hazards_open, hazards_overdue (处),
 *   hazards_closure_rate (%)     of the calendar year (open and overdue:
 *                                as of today in the current year, as of
 *                                31 December for a past one)
 *   safety_activity:<kind>       safety activities of the year, kind as in
 *                                docs/api-safety.md (安全教育, 应急演练: the
 *                                count; 安防器材, 灭火器, 宣传版面: the quantity;
 *                                维修: the schools)
 *   stats_total:<field>          any 基表 field summed over the records of the
 *                                latest school year <= year (e.g. kg_children)
 *   balanced_schools_passing:<stage>  schools meeting 优质均衡 (primary/junior)
 * Statistics figures use the latest school year with records, reported as
 * "as_of"; safety figures and schools_closed the calendar year;
 * schools_open and schools_type the register now ("label": "当前").
 */
#ifndef EDU_METRICS_H
#define EDU_METRICS_H

#include <stdint.h>
#include <jansson.h>

#include "store/store.h"

/* One registry entry, for the list. */
typedef struct metric_def {
    const char *key;      /* without argument, e.g. "stats_total" */
    const char *name;     /* Chinese */
    const char *unit;     /* "%", "所", "处", "人", ... */
    const char *module;   /* "stats", "eval", "schools", "safety" */
    const char *arg;      /* what the argument is, NULL when none */
    int yearly;           /* 1: a figure of the calendar year that starts again
                             from 0 each January (hazards found, closed and their
                             closure rate, activities, schools closed): a
                             target's progress runs from 0, not from last year's
                             figure (its baseline, shown for comparison) */
} metric_def;

/* The registry, terminated by {0}. */
extern const metric_def metrics_registry[];

/* 1 when key (with or without its argument) is a yearly figure (above). */
int metrics_key_yearly(const char *key);

/* 1 when key (with its argument) names a figure the registry can compute. */
int metrics_key_valid(store_db *db, const char *key);

/* The figure key for the scope [path, path_hi) of county_org_id in year:
 * *value (NAN when there are no records to compute it from) and, when as_of
 * is not NULL, a new JSON object {"year": <school year or calendar year>,
 * "label": "2021学年"} saying which data it reads. STORE_NOTFOUND for an
 * unknown key. */
int metrics_value(store_db *db, const char *key, const char *path, const char *path_hi,
                  int64_t county_org_id, int year, double *value, json_t **as_of);

/* The list of GET /api/metrics: every registry entry (and for argument
 * entries, the common arguments: every stage total, every activity kind)
 * with its current value: [{"key","name","unit","module","yearly","value","as_of"}]. */
int metrics_list(store_db *db, const char *path, const char *path_hi, int64_t county_org_id,
                 int year, json_t **out);

#endif
