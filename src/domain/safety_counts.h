/*
 * safety_counts.h - the 安全 summary's counts (migrations/007_safety_counts.sql):
 * hazards counted under each province/city/county unit above them, kept
 * exactly in step with the hazards table, so that the summary of a large
 * scope reads a few hundred count rows instead of every hazard.
 *
 * Writers: hazards.c calls safety_counts_move after every INSERT or UPDATE
 * of a hazard, in the same transaction. Bulk loaders that write hazards
 * directly call safety_counts_rebuild before they commit. Reader: the
 * summary (safety_summary.c), through safety_counts_usable.
 */
#ifndef EDU_SAFETY_COUNTS_H
#define EDU_SAFETY_COUNTS_H

#include <jansson.h>
#include "store/store.h"
#include "util/arena.h"

/* The columns of the hazard rows safety_counts_move reads (a SELECT of
 * hazards h may list them; HAZARDS_SELECT has them all). */
#define SAFETY_COUNTS_COLUMNS                                                          \
    "h.path, h.school_id, h.found_on, h.grade, h.category_id, h.status, h.closed_on, " \
    "h.deadline, h.supervised"

/* 1 when the counts are valid (settings.hazard_counts_valid = '1'). */
int safety_counts_valid(store_db *db);

/* Account for one hazard write, in the caller's transaction, after the
 * hazards row is written: before is the row as it was (NULL for a new
 * hazard), after as it is now (NULL when removed); both objects with the
 * keys of SAFETY_COUNTS_COLUMNS. Does nothing while the counts are not
 * valid. Returns STORE_OK or a store error. */
int safety_counts_move(store_db *db, json_t *before, json_t *after);

/* Recompute every count from the hazards table and mark them valid, in the
 * caller's transaction (about 10 s for 1,000,000 hazards). *hazards (may be
 * NULL) gets how many hazards were read. */
int safety_counts_rebuild(store_db *db, long *hazards);

/* 1 when the summary of scope_path over [from, to] may come from the
 * counts: they are valid, scope_path is a province, city or county, and
 * the period is whole months (from the 1st, to a month's last day). */
int safety_counts_usable(store_db *db, const char *scope_path, const char *from, const char *to);

/* The "hazards" object of GET /api/safety/summary for the scope path and
 * the period [from, to] (safety_summary.c): from the counts when
 * use_counts and safety_counts_usable, else from the hazards. For tests and
 * tools; the handler answers with the same object. */
int safety_summary_hazards(store_db *db, arena *a, const char *scope_path, const char *from,
                           const char *to, int use_counts, json_t **out);

#endif
