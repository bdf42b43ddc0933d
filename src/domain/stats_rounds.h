/*
 * stats_rounds.h - data-collection rounds of the 基表 (填报任务).
 *
 * A round is opened by a bureau (a county or above) for one school year,
 * some 办学类型 and a deadline; every school of those types under the
 * bureau fills its record of that year (stats.h). At most one 进行中 round
 * per year and bureau covers a type. Table stat_rounds
 * (migrations/005_stats.sql); the school types are kept as '小学|初中'.
 *
 * The records here are shared by the HTTP handlers (stats_rounds_routes in
 * stats_rounds.c), the demo and the unit tests; like the other domain
 * modules they run in the caller's transaction, return STORE_* or REFUSED
 * with the refusal filled, and u == NULL means the command line.
 */
#ifndef EDU_STATS_ROUNDS_H
#define EDU_STATS_ROUNDS_H

#include <stdint.h>
#include <jansson.h>
#include "domain/refusal.h"
#include "http/req.h"

/* Open a round: in is {"name","year","school_types":[...],"deadline","note"}.
 * county_org_id 0 = u's scope root (a county, city or province unit; a
 * school administrator, a 局领导 or a 股室 without "stats" is refused 403).
 * 409 (field school_types) when a 进行中 round of the same year and bureau
 * already covers one of the types. Audited when audit != 0. */
int stats_rounds_create(store_db *db, const user_ctx *u, const char *ip, int64_t county_org_id,
                        json_t *in, int audit, int64_t *id_out, refusal *e);

/* Change name, deadline, status (进行中/已结束) or note of round id. */
int stats_rounds_patch(store_db *db, const user_ctx *u, const char *ip, int64_t id, json_t *in,
                       refusal *e);

/* The round object {"id","county_org_id","county","name","year",
 * "school_types":[...],"deadline","status","note","created_at"} and, in
 * *path_out (malloced, may be NULL), the org path it covers; STORE_NOTFOUND
 * when there is no such round. No access check. */
int stats_rounds_load(store_db *db, int64_t id, json_t **out, char **path_out);

/* Pure helpers (tested in tests/unit/test_stats_rounds.c). */

/* 1 when type is one of the '|'-separated names of list (exact match). */
int stats_rounds_has_type(const char *list, const char *type);
/* The non-empty names of a '|'-separated list, as a new JSON array. */
json_t *stats_rounds_types_array(const char *list);
/* 1 when a school of record status (NULL = 未填报) is late on day today
 * ('YYYY-MM-DD', UTC+8) for a round due on deadline: the deadline day has
 * passed and the record is neither 已提交 nor 已通过. */
int stats_rounds_is_late(const char *deadline, const char *today, const char *status);

#endif
