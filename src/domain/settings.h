/*
 * settings.h - bureau-editable settings (table settings: key -> value).
 *
 * Policies that the bureau may change live here, not in #defines:
 * session_idle_minutes (30), lockout_failures (5), lockout_minutes (15).
 */
#ifndef EDU_SETTINGS_H
#define EDU_SETTINGS_H

#include <stdint.h>
#include "store/store.h"

/* The integer value of key, or def when missing or not a number. */
int64_t settings_int(store_db *db, const char *key, int64_t def);

#endif
