/*
 * stats.h - 基表: the annual statistics record of a school (one per school
 * per school year), its form as data, and its validation rules as data.
 *
 * Tables (migrations/005_stats.sql): stat_sections (which sections a school
 * type fills), stat_fields (the fields, versioned by year), stat_rules
 * (errors and warnings), stat_records (status 草稿 → 已提交 → 已通过, or
 * 已退回), stat_values (one row per record and field).
 * The functions below are shared by the record API (stats_api.c), the
 * rounds (stats_rounds.c), the Excel/CSV exchange (stats_exchange.c) and
 * the demo (stats_demo.c).
 */
#ifndef EDU_STATS_H
#define EDU_STATS_H

#include <stdint.h>
#include <jansson.h>
#include "domain/refusal.h"
#include "http/req.h"

/* The form of school_type in year:
 * {"year","school_type","sections":[{"key","label","groups":[{"name","fields":[
 *   {"key","label","unit","kind","options":[...],"min","max","computed"}]}]}]} */
int stats_schema(store_db *db, int year, const char *school_type, json_t **out);

/* The same fields as one flat array in form order (for import and export),
 * each with its "section" and "group" too. school_type NULL: every field of
 * the year (GET /api/stats/fields). */
int stats_fields(store_db *db, int year, const char *school_type, json_t **out);

/* The rules that apply to school_type in year (those on its fields):
 * [{"rule","severity","field","args","message","explainable"}]. */
int stats_rules(store_db *db, int year, const char *school_type, json_t **out);

/* Parse one cell's text for field (an element of stats_fields): a new JSON
 * value (integer, real, true/false as 1/0, enum string; null for empty) or
 * NULL with *reason (Chinese, e.g. "应为非负整数"; valid until the next
 * call in the same thread). Accepts "1,234", "12.0" for int, full-width
 * digits, 是/否 and true/false for bool. */
json_t *stats_value_parse(json_t *field, const char *text, const char **reason);

/* The same for a JSON value (a number, true/false, a text as above, null). */
json_t *stats_value_check(json_t *field, json_t *value, const char **reason);

/* Check values (object field -> value) of school_type in year against the
 * field kinds and the rules; previous: last year's values or NULL;
 * explanations: field -> text or NULL. *problems gets a new array of
 * {"field","label","severity":"error"|"warning","message","rule","explained"};
 * *errors the number of problems that block submission: errors, and
 * warnings without an explanation (an explained 'explainable' error counts
 * as an explained warning). */
int stats_check(store_db *db, int year, const char *school_type, json_t *values,
                json_t *previous, json_t *explanations, json_t **problems, int *errors);

/* The record of school_id in year: {"id","school_id","year","status",
 * "school_type","values":{...},"explanations":{...},"review_comment",
 * "submitted_at","reviewed_at","updated_at"}; STORE_NOTFOUND when none. */
int stats_record_load(store_db *db, int64_t school_id, int year, json_t **out);

/* Merge values (and explanations) into the record of school_id in year,
 * creating it as 草稿 when missing, in the caller's transaction, with an
 * audit row of the changed fields (before/after) when audit. Refuses (409
 * "locked") an approved record and (409) a submitted one for a school
 * administrator; 400 naming the field for a value of the wrong kind.
 * u NULL = command line / demo. */
int stats_record_save(store_db *db, const user_ctx *u, const char *ip, int64_t school_id,
                      int year, json_t *values, json_t *explanations, int audit, refusal *e);

/* A status move of the record of school_id in year, in the caller's
 * transaction, always audited: action "submit" (草稿/已退回 → 已提交; a
 * writer; blocking problems refuse 400 "validation_failed" and *problems
 * gets them, may be NULL), "return" (已提交 → 已退回, comment required),
 * "approve" (已提交 → 已通过), "reopen" (已通过 → 已退回, comment = the
 * reason, required); the last three only for the bureau (a writer of
 * "stats" who is not a 学校管理员). Other moves: 409 "invalid_transition".
 * u NULL = command line / demo (everything allowed). */
int stats_record_transition(store_db *db, const user_ctx *u, const char *ip, int64_t school_id,
                            int year, const char *action, const char *comment, json_t **problems,
                            refusal *e);

/* The school year of a Unix time (its 1 September snapshot, UTC+8). */
int stats_school_year(int64_t unix_seconds);

#endif
