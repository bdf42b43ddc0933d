/*
 * org.h - the org tree: province > city > county (教体局) > town (街道/乡镇)
 * > school, and the county bureau's departments (股室).
 *
 * Every unit carries its materialized path of ids, "/1/3/17/", so a subtree
 * is one indexed range scan:
 *     path >= ? AND path < ?     with  scope_path, org_scope_upper(scope_path)
 * Records of other modules carry the path of the unit they belong to and
 * are filtered the same way.
 *
 * Functions return STORE_* codes (store.h).
 */
#ifndef EDU_ORG_H
#define EDU_ORG_H

#include <stdint.h>
#include <jansson.h>
#include "store/store.h"
#include "util/arena.h"

/* The exclusive upper bound of the paths that start with path: path with
 * its last character replaced by its successor ("/1/3/" -> "/1/30").
 * NULL for NULL or "". */
const char *org_scope_upper(arena *a, const char *path);

/* 1 for "province", "city", "county", "town", "school". */
int org_level_valid(const char *level);
/* Chinese label: "province" -> "省", ..., "town" -> "街道/乡镇"; NULL if unknown. */
const char *org_level_label(const char *level);

/* Create a unit under parent_id (0: a root) inside the caller's
 * transaction, then set its path to the parent's path + id + "/".
 * A child's level must lie below its parent's; kind ("街道" or "乡镇") is
 * only for towns and may be NULL. Returns STORE_OK, STORE_NOTFOUND (no such
 * parent), STORE_CONSTRAINT (bad level, kind or name: org_validate says
 * which) or a store error. *path_out (may be NULL) is malloced. */
int org_create(store_db *db, int64_t parent_id, const char *level, const char *name,
               const char *kind, int64_t *id_out, char **path_out);
/* The checks org_create makes before writing, with a Chinese reason in
 * *why (static text) when they fail; same return codes. */
int org_validate(store_db *db, int64_t parent_id, const char *level, const char *name,
                 const char *kind, const char **why);

/* {id, parent_id, level, name, kind, path} of one unit, or STORE_NOTFOUND. */
int org_get(store_db *db, int64_t id, json_t **out);

/* The ancestor-or-self of the unit at path whose level is level (e.g. the
 * county of a school), as org_get returns it, or STORE_NOTFOUND. */
int org_ancestor_of_level(store_db *db, const char *path, const char *level, json_t **out);

/* Parse the ids of a path "/1/3/17/" into ids[] (root first); returns how
 * many, or -1 when the path is malformed or has more than max ids. */
int org_path_ids(const char *path, int64_t *ids, int max);

#endif
