/*
 * record.h - what every record module (schools, hazards, ...) asks of an
 * incoming record and of a loaded row, said once.
 *
 * Fields: a record is a JSON object whose values were normalised (text
 * trimmed, "" -> null); record_check_* refuse a missing required field
 * (400 "missing", the module's Chinese message) or a bad one (400
 * "invalid"). Reach: a row outside the user's scope, or of a module the
 * user may not read, does not exist for them (404); one they may read but
 * not write is 403. A NULL user is the command line and passes.
 */
#ifndef EDU_RECORD_H
#define EDU_RECORD_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/refusal.h"
#include "http/req.h"
#include "store/store.h"

/* An id field: a JSON integer > 0; absent or null is missing. *out is the
 * id, 0 when absent. Returns 0 or REFUSED. */
int record_check_id(json_t *rec, const char *key, int required, const char *missing,
                    const char *bad, int64_t *out, refusal *e);

/* A text field of min to max characters (UTF-8); absent, null or "" is
 * missing (min applies only to a present value). Returns 0 or REFUSED. */
int record_check_text(json_t *rec, const char *key, int required, size_t min, size_t max,
                      const char *missing, const char *bad, refusal *e);

/* A date field 'YYYY-MM-DD' (clock_date_valid); absent, null or "" is
 * missing. Returns 0 or REFUSED. */
int record_check_date(json_t *rec, const char *key, int required, const char *missing,
                      const char *bad, refusal *e);

/* A reference field's value names a row: the query sql (with its n
 * parameters p) finds one, or 400 "invalid" on field with message bad.
 * Returns STORE_OK, REFUSED or the store error. */
int record_check_ref(store_db *db, const char *sql, const sval *p, int n, const char *field,
                     const char *bad, refusal *e);

/* May u reach a row of module at path (for writing when write)? 0, or
 * REFUSED: 404 not_found with message not_found, or 403 forbidden. */
int record_reach(const user_ctx *u, const char *module, const char *path, int write,
                 const char *not_found, refusal *e);

/* The end of loading *row for u with rc the load's status: 404 when it
 * was not found, the store error, or record_reach on the row's "path";
 * on anything but STORE_OK *row is freed and NULL. */
int record_loaded(int rc, json_t **row, const user_ctx *u, const char *module, int write,
                  const char *not_found, refusal *e);

/* Store a changed record: UPDATE table SET each of columns (a list
 * "a, b, c" as in the module's INSERT) to the n values p, and updated_at
 * to now, WHERE id = id. n is at most RECORD_MAX_COLUMNS. Returns the
 * store status. */
#define RECORD_MAX_COLUMNS 30
int record_update(store_db *db, const char *table, const char *columns, const sval *p, int n,
                  int64_t now, int64_t id);

#endif
