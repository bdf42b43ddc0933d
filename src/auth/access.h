/*
 * access.h - the one place that knows the role and scope rules.
 *
 * Every handler asks here before reading or writing. Scope: each user is
 * scoped to an org subtree (scope_path, e.g. "/1/3/"); a record belongs to
 * the org unit whose path it carries, and is visible when that path starts
 * with the user's scope_path. A 学校管理员's scope is their school's unit.
 *
 * Roles:
 *   admin   系统管理员  read and write everything in scope, manage users
 *   leader  局领导      read everything in scope, write nothing
 *   dept    股室人员    read in scope; write the modules of their department
 *                       (departments.modules, data the bureau can change)
 *   school  学校管理员  read and write their own school only (limited fields)
 *   auditor 审计员      read-only, and reads the audit log
 *
 * Modules are named by short codes: "schools", "users", "audit", "orgs",
 * and later "stats", "eval", "safety", "plan", ...
 */
#ifndef EDU_ACCESS_H
#define EDU_ACCESS_H

#include "http/req.h"

/* 1 when org_path lies inside the user's scope. */
int access_in_scope(const user_ctx *u, const char *org_path);
/* 1 when the user may read records of module at org_path. */
int access_can_read(const user_ctx *u, const char *module, const char *org_path);
/* 1 when the user may write records of module at org_path. */
int access_can_write(const user_ctx *u, const char *module, const char *org_path);
/* 1 for 系统管理员 and 审计员. */
int access_can_read_audit(const user_ctx *u);
/* 1 for 系统管理员. */
int access_can_manage_users(const user_ctx *u);
/* Chinese label of a role code ("admin" -> "系统管理员"), NULL if unknown. */
const char *access_role_label(const char *role);
/* 1 when role is one of the five codes. */
int access_role_valid(const char *role);

#endif
