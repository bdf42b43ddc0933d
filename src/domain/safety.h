/*
 * safety.h - 安全 besides the hazard register: safety activities,
 * vaccination coverage, the summary, the alerts and the 台账.
 *
 * safety_activities.c holds the activities (安全教育, 应急演练, 安防器材,
 * 灭火器, 维修, 宣传版面) and vaccination coverage (per school and period
 * 'YYYY-MM'); safety_summary.c the figures of a period, the alerts, the
 * 台账 of one school and the route table safety_routes, which routes the
 * handlers declared here too. inspections.c (排查) has its own table.
 * Contract: docs/api-safety.md; tables: migrations/003_safety.sql.
 *
 * The helpers and the pure computations below are shared by these three
 * files and tested in tests/unit/test_safety_summary.c.
 */
#ifndef EDU_SAFETY_H
#define EDU_SAFETY_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "domain/refusal.h"
#include "http/req.h"

/* The activity kinds, NULL-terminated, in display order. */
extern const char *const safety_activity_kinds[];

/* Handlers of safety_activities.c (routed in safety_routes). */
void safety_activities_list_handler(req *r);
void safety_activities_create_handler(req *r);
void safety_activities_totals_handler(req *r);
void safety_vaccinations_list_handler(req *r);
void safety_vaccinations_put_handler(req *r);

/* The activity and vaccination objects as the API shows them, from a row
 * of SAFETY_ACTIVITY_SELECT / SAFETY_VACCINATION_SELECT. New references. */
#define SAFETY_ACTIVITY_SELECT                                                                \
    "SELECT a.id, a.school_id, s.name AS school_name, t.name AS town, a.kind, a.title, "     \
    "a.on_date, a.participants, a.quantity, a.funds, a.note FROM safety_activities a "       \
    "JOIN schools s ON s.id = a.school_id LEFT JOIN org_units t ON t.id = s.town_id"
#define SAFETY_VACCINATION_SELECT                                                              \
    "SELECT v.school_id, s.name AS school_name, s.code AS school_code, t.name AS town, "      \
    "v.period, v.staff_eligible, v.staff_vaccinated, v.pupils_eligible, v.pupils_vaccinated " \
    "FROM vaccinations v JOIN schools s ON s.id = v.school_id "                              \
    "LEFT JOIN org_units t ON t.id = s.town_id"
json_t *safety_activity_object(json_t *row);
json_t *safety_vaccination_object(json_t *row);

/* Sums and rates of the vaccinations at period within the scope
 * [lower, upper): {"period","staff_eligible","staff_vaccinated",
 * "staff_rate","pupils_eligible","pupils_vaccinated","pupils_rate"};
 * period NULL gives zeros and null rates. */
int safety_vaccination_totals(store_db *db, const char *lower, const char *upper,
                              const char *period, json_t **out);

/* The inspections a caller sees: run by a unit in the scope, or covering a
 * school in it. Four parameters: lower, upper, lower, upper. */
#define SAFETY_INSPECTION_VISIBLE                                                             \
    "((i.path >= ? AND i.path < ?) OR EXISTS (SELECT 1 FROM inspection_schools x "          \
    "WHERE x.inspection_id = i.id AND x.path >= ? AND x.path < ?))"

/* ---------------------------------------------------- shared helpers */

/* 1 for a possible date "YYYY-MM-DD" (clock_date_valid) / a month "YYYY-MM". */
int safety_date_valid(const char *text);
int safety_period_valid(const char *text);
/* An integer field of a JSON body (a number or a string of digits):
 * 0 absent or null, 1 set *out, -1 not a whole number >= 0. */
int safety_json_count(json_t *obj, const char *key, int64_t *out);
/* {id, name, code, path, status, town_id, town} of school id, or
 * STORE_NOTFOUND. */
int safety_school_row(store_db *db, int64_t id, json_t **row);
/* The school id of a write, checked for u: 400 when missing or malformed,
 * 404 when unknown or outside the scope, 403 when u may not write
 * "safety" there. On success *row is the safety_school_row (caller
 * decrefs). */
int safety_school_for_write(store_db *db, const user_ctx *u, json_t *in, const char *field,
                            json_t **row, refusal *e);

/* ------------------------------------------------ pure computations */

/* The median of n day counts (sorted in place); 0 and *out unchanged when
 * n is 0. The mean of the middle two for an even n. */
int safety_median(int64_t *days, size_t n, double *out);
/* Days from date a to date b ("YYYY-MM-DD"); -1 sets *out to 0 when either
 * date is malformed. */
int safety_days_between(const char *a, const char *b, int64_t *out);
/* The months "YYYY-MM" from the month of date from to that of date to,
 * into out[max]; returns how many, or -1 when malformed, reversed or more
 * than max. */
int safety_months(const char *from, const char *to, char (*out)[8], int max);
/* num / den; 0 (no rate) when den <= 0. */
int safety_rate(int64_t num, int64_t den, double *out);
/* The rate as JSON: a real, or null without a denominator. */
json_t *safety_rate_json(int64_t num, int64_t den);

#endif
