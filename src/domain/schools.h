/*
 * schools.h - the school registry (学校) and 教育集团.
 *
 * A school is also an org unit (level 'school', parent = its 街道/乡镇) and
 * carries that unit's path for scope filters. Its life is kept in
 * school_events: 创建, 修改, 撤并 / 并入, 停办, 恢复. Status moves only
 * through the merge and status operations, never through an edit.
 *
 * The records (schools.c) are shared by the HTTP handlers (schools_api.c),
 * the demo generator (demo.c) and the unit tests. Each operation runs
 * inside the caller's transaction and checks role and scope through
 * access.h when a user is given; u == NULL means the command line
 * (everything allowed, audit attributed to the operating-system user).
 * A refused operation returns REFUSED with the refusal filled
 * (domain/refusal.h); a store failure returns its STORE_* code.
 *
 * Records are JSON objects with the API's keys (docs/api.md, "Schools").
 */
#ifndef EDU_SCHOOLS_H
#define EDU_SCHOOLS_H

#include <stdint.h>
#include <jansson.h>
#include "domain/refusal.h"
#include "http/req.h"

/* Check a complete school record. town_scope: when not NULL, town_id must
 * lie inside that org path (the caller's scope). Returns 0, or REFUSED
 * with e filled (400 missing/invalid, field named). */
int schools_validate(store_db *db, json_t *rec, const char *town_scope, refusal *e);

/* Create the org unit, the school row and its 创建 event (on_date, NULL =
 * today); with audit != 0 also the audit row. A duplicate code (here and
 * in schools_patch; a duplicate group name in schools_group_create) gives
 * STORE_CONSTRAINT with e filled all the same: 409 conflict, its field. */
int schools_create(store_db *db, const user_ctx *u, const char *ip, json_t *rec,
                   const char *on_date, int audit, int64_t *id_out, refusal *e);

/* Apply changes (API keys) to school id; a town change moves its org unit. */
int schools_patch(store_db *db, const user_ctx *u, const char *ip, int64_t id, json_t *changes,
                  refusal *e);

/* 撤并 school id into into_id on date (YYYY-MM-DD); note may be NULL. */
int schools_merge(store_db *db, const user_ctx *u, const char *ip, int64_t id, int64_t into_id,
                  const char *date, const char *note, int audit, refusal *e);

/* Set status 停办 or back to 在办 (恢复). date may be NULL for 在办 (today). */
int schools_set_status(store_db *db, const user_ctx *u, const char *ip, int64_t id,
                       const char *status, const char *date, const char *note, refusal *e);

/* The school objects (as u sees them) of one page of a list, and the
 * number of schools in the whole list. where: SQL text from " WHERE" over
 * schools s (only s's columns), with nparams '?' parameters in params;
 * order: an ORDER BY list over s and its town t (org_units). params must
 * have room for two more (limit and offset). */
int schools_query(store_db *db, const user_ctx *u, const char *where, sval *params, int nparams,
                  const char *order, int64_t limit, int64_t offset, int64_t *total,
                  json_t **items);

/* The school object as the API shows it to u (phone masked as needed; u
 * NULL = unmasked, for audit). with_detail adds group, merged_into_name and
 * events. STORE_NOTFOUND when there is no such school, or when u may not
 * see it. */
int schools_load(store_db *db, const user_ctx *u, int64_t id, int with_detail, json_t **out);

/* Create a 教育集团 led by lead_school_id (which joins it). */
int schools_group_create(store_db *db, const user_ctx *u, const char *ip, const char *name,
                         const char *kind, int64_t lead_school_id, int audit, int64_t *id_out,
                         refusal *e);

/* 1 when text is one of the enumerations. */
int schools_type_valid(const char *type);
int schools_nature_valid(const char *nature);
int schools_area_valid(const char *area);
int schools_status_valid(const char *status);

/* The enumerations, NULL-terminated, in display order. */
extern const char *const schools_types[];
extern const char *const schools_natures[];
extern const char *const schools_areas[];

#endif
