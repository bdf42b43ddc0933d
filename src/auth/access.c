/*
 * access.c - the role and scope rules (see access.h); nothing else decides.
 *
 * Scope: a record at org path P is in a user's scope when P starts with the
 * user's scope_path ("/1/3/" covers "/1/3/" and "/1/3/17/", not "/1/30/").
 * A NULL org path marks a platform-wide record (e.g. a failed login of an
 * unknown username): only users scoped to a root of the tree (a path of
 * one segment, "/1/", i.e. parent_id NULL) see those.
 *
 * Per role:
 *   admin   read and write every module in scope; the only role that
 *           manages users; reads the audit log
 *   leader  read in scope, write nothing
 *   dept    read in scope; write a module in scope when it is one of the
 *           department's modules (departments.modules, exact token match)
 *   school  scope is their school's unit; read it, write the modules of
 *           ACCESS_SCHOOL_MODULES there (which fields and steps is each
 *           module's business: e.g. a school closes only its 一般 hazards)
 *   auditor read in scope and the audit log, write nothing
 * Nobody writes module "audit": audit rows are written by audit_write only.
 */
#include "auth/access.h"

#include <string.h>

/* The modules in which a 学校管理员 writes their own school's records. */
#define ACCESS_SCHOOL_MODULES "schools,safety,stats"

static const struct {
    const char *code;
    const char *label;
} access_roles[] = {
    {ROLE_ADMIN, "系统管理员"},
    {ROLE_LEADER, "局领导"},
    {ROLE_DEPT, "股室人员"},
    {ROLE_SCHOOL, "学校管理员"},
    {ROLE_AUDITOR, "审计员"},
};

static int access_role_is(const user_ctx *u, const char *role)
{
    return u && u->role && strcmp(u->role, role) == 0;
}

/* "/1/" is a root; "/1/3/" is not. */
static int access_path_is_root(const char *path)
{
    int slashes = 0;

    if (path[0] != '/')
        return 0;
    for (const char *p = path; *p; p++)
        slashes += *p == '/';
    return slashes == 2;
}

/* 1 when module is one of the comma-separated tokens of list. */
static int access_module_listed(const char *list, const char *module)
{
    size_t mlen = strlen(module);
    const char *p = list;

    if (!list || !mlen)
        return 0;
    while (*p) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        const char *tok = p;
        while (len && (*tok == ' ' || *tok == '\t')) {
            tok++;
            len--;
        }
        while (len && (tok[len - 1] == ' ' || tok[len - 1] == '\t'))
            len--;
        if (len == mlen && memcmp(tok, module, mlen) == 0)
            return 1;
        if (!end)
            break;
        p = end + 1;
    }
    return 0;
}

int access_in_scope(const user_ctx *u, const char *org_path)
{
    size_t n;

    if (!u || !u->scope_path)
        return 0;
    n = strlen(u->scope_path);
    if (n < 2 || u->scope_path[0] != '/' || u->scope_path[n - 1] != '/')
        return 0;  /* malformed scope: see nothing */
    if (!org_path)
        return access_path_is_root(u->scope_path);
    return strncmp(org_path, u->scope_path, n) == 0;
}

int access_can_read(const user_ctx *u, const char *module, const char *org_path)
{
    if (!u || !module || !access_role_valid(u->role) || !access_in_scope(u, org_path))
        return 0;
    if (strcmp(module, "users") == 0)
        return access_can_manage_users(u);
    if (strcmp(module, "audit") == 0)
        return access_can_read_audit(u);
    return 1;
}

int access_can_write(const user_ctx *u, const char *module, const char *org_path)
{
    if (!u || !module || !access_in_scope(u, org_path))
        return 0;
    if (strcmp(module, "audit") == 0)
        return 0;
    if (strcmp(module, "users") == 0)
        return access_can_manage_users(u);
    if (access_role_is(u, ROLE_ADMIN))
        return 1;
    if (access_role_is(u, ROLE_DEPT))
        return access_module_listed(u->dept_modules, module);
    if (access_role_is(u, ROLE_SCHOOL))
        return access_module_listed(ACCESS_SCHOOL_MODULES, module);
    return 0;  /* leader, auditor */
}

int access_can_read_audit(const user_ctx *u)
{
    return access_role_is(u, ROLE_ADMIN) || access_role_is(u, ROLE_AUDITOR);
}

int access_can_manage_users(const user_ctx *u)
{
    return access_role_is(u, ROLE_ADMIN);
}

const char *access_role_label(const char *role)
{
    if (!role)
        return NULL;
    for (size_t i = 0; i < sizeof access_roles / sizeof access_roles[0]; i++)
        if (strcmp(access_roles[i].code, role) == 0)
            return access_roles[i].label;
    return NULL;
}

int access_role_valid(const char *role)
{
    return access_role_label(role) != NULL;
}
