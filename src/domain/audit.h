/*
 * audit.h - the audit log: who, when, from where, what, before and after.
 *
 * audit_write is called inside the same transaction as the write it
 * records, so that a write without its audit row cannot commit. `u` is NULL
 * for the command line, which records the operating-system user instead.
 */
#ifndef EDU_AUDIT_H
#define EDU_AUDIT_H

#include <jansson.h>
#include "http/req.h"

/* action: "create", "update", "delete", "merge", "login", "logout",
 * "login_failed", "password", "lock", "unlock", "import", ...
 * entity: table-like name ("school", "user", "session", "group").
 * org_path: the org path the record belongs to (for auditors' scope), may be NULL.
 * before/after: borrowed (not stolen); NULL when there is none. */
int audit_write(store_db *db, const user_ctx *u, const char *ip, const char *action,
                const char *entity, int64_t entity_id, const char *org_path,
                json_t *before, json_t *after);

#endif
