/*
 * hazards.h - the hazard register and its closed loop (安全: 隐患).
 *
 * A hazard belongs to a school (its row carries the school's org path). Its
 * status moves 已登记 → 整改中 → 待验收 → 已销号, with 退回 from 待验收
 * back to 整改中. Who may take each step is decided in hazards.c from the
 * role (access.h, module "safety") and the grade: a school closes only its
 * own 一般 hazards; 重大 hazards (挂牌督办) need the bureau. See
 * docs/api-safety.md. Tables: hazard_categories, hazards, hazard_steps,
 * hazard_photos (migrations/003_safety.sql).
 */
#ifndef EDU_HAZARDS_H
#define EDU_HAZARDS_H

#include <stdint.h>
#include <jansson.h>
#include "domain/refusal.h"
#include "http/req.h"
#include "util/clock.h"

/* Create a hazard from API fields (school_id, category_id, grade,
 * description, found_on, ...) with its 登记 step and audit row, in the
 * caller's transaction. u NULL = command line / demo (no role checks, no
 * per-row audit when audit == 0). Returns STORE_OK, REFUSED (e filled) or a
 * STORE_* code. */
int hazards_create(store_db *db, const user_ctx *u, const char *ip, json_t *in, int audit,
                   int64_t *id_out, refusal *e);

/* Move hazard id to `to` ("整改中", "待验收", "已销号" or "退回") with a
 * comment, on on_date ('YYYY-MM-DD'; NULL = today) at time now. Same return
 * convention; 409 invalid_transition when the loop does not allow it. */
int hazards_transition(store_db *db, const user_ctx *u, const char *ip, int64_t id,
                       const char *to, const char *comment, const char *on_date, int64_t now,
                       int audit, refusal *e);

/* The hazard object as the API shows it (with steps and photos when
 * with_detail). STORE_NOTFOUND when missing or outside u's scope. */
int hazards_load(store_db *db, const user_ctx *u, int64_t id, int with_detail, json_t **out);

/* ------------------------------------------------------------------
 * Shared with hazards_api.c, the other safety modules (alerts, ledger)
 * and the unit tests.
 */

/* The one SELECT hazard rows are read with (h = hazards, s = schools,
 * t = the school's 街道/乡镇, c = hazard_categories); hazards_object turns a
 * row into the API object. Append " WHERE ..." and " ORDER BY ...". */
#define HAZARDS_SELECT                                                                           \
    "SELECT h.id, h.school_id, s.name AS school_name, s.code AS school_code, s.town_id, "        \
    "t.name AS town, h.path, h.inspection_id, h.category_id, c.name AS category, h.grade, "      \
    "h.supervised, h.location, h.description, h.found_on, h.found_by, h.measures, "              \
    "h.responsible, h.funds, h.deadline, h.interim, h.status, h.returned, h.closed_on, "         \
    "h.created_at, h.updated_at FROM hazards h JOIN schools s ON s.id = h.school_id "            \
    "LEFT JOIN org_units t ON t.id = s.town_id JOIN hazard_categories c ON c.id = h.category_id"

/* The hazard object (docs/api-safety.md) from a HAZARDS_SELECT row, with
 * overdue and days_overdue as of today ('YYYY-MM-DD'). New reference. */
json_t *hazards_object(json_t *row, const char *today);

/* Today's date: clock_today (util/clock.h). This old name stays only until
 * hazards_api.c calls clock_today itself; do not use it in new code. */
static inline void hazards_today(char out[11]) { clock_today(out); }

/* Days a hazard is overdue as of today: 0 when closed (已销号), without a
 * deadline, or when the deadline is today or later; else today - deadline. */
int hazards_days_overdue(const char *status, const char *deadline, const char *today);

/* The loop's rule for one step, without touching the database: may u move
 * a hazard of grade at org path from status `from` to `to`? 0, or REFUSED
 * with e: 400 (to invalid), 403 (role), 409 invalid_transition. On success
 * *status_out and *action_out (may be NULL) get the new status and the
 * step's name (开始整改, 提交验收, 销号, 退回). */
int hazards_step_check(const user_ctx *u, const char *path, const char *grade, const char *from,
                       const char *to, const char **status_out, const char **action_out,
                       refusal *e);

/* Edit the description and plan fields of hazard id (not status or
 * school_id); 409 once 已销号. Same return convention. */
int hazards_patch(store_db *db, const user_ctx *u, const char *ip, int64_t id, json_t *changes,
                  refusal *e);

/* Attach an uploaded image (JPEG or PNG, recognised from the bytes) of kind
 * 整改前/整改后/其他 to hazard id; the bytes go to the file store. *out gets
 * {"id","kind","name","mime","size","url"}. Same return convention (413,
 * 415, 409 when 20 photos or closed, 503 without a file store). */
int hazards_add_photo(store_db *db, const user_ctx *u, const char *ip, int64_t id,
                      const char *kind, const char *name, const void *data, size_t len,
                      json_t **out, refusal *e);

/* The stored file of photo id, when u may read the hazard's school: *out
 * gets {"hash","mime"}. STORE_NOTFOUND otherwise. */
int hazards_photo_file(store_db *db, const user_ctx *u, int64_t photo_id, json_t **out);

/* Largest accepted upload, in bytes, and the most photos of one hazard. */
#define HAZARDS_PHOTO_MAX_BYTES 10000000
#define HAZARDS_PHOTO_MAX_COUNT 20

#endif
