/*
 * org_cmd.c - `edubureau org ...`: the org tree and departments from the
 * command line.
 *
 *   edubureau org list [--db F]
 *   edubureau org add --level L --name N [--parent ID] [--kind 街道|乡镇] [--db F]
 *   edubureau org dept-add --org ID --code C --name N [--modules schools,stats] [--db F]
 *
 * argv[0] is "org" (main passes the arguments from the subcommand on).
 * --db defaults to $EDUBUREAU_DB, else "edubureau.db"; the database is
 * created and migrated when needed. Every write runs in one transaction
 * with its audit row (user "cli"). Exit codes: 0 done, 1 error, 2 usage.
 */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/opts.h"
#include "domain/audit.h"
#include "domain/org.h"
#include "store/store.h"
#include "util/parse.h"

#define ORG_CMD_USAGE                                                                      \
    "用法:\n"                                                                              \
    "  edubureau org list [--db 文件]\n"                                                   \
    "  edubureau org add --level 层级 --name 名称 [--parent 上级编号] [--kind 街道|乡镇] " \
    "[--db 文件]\n"                                                                        \
    "  edubureau org dept-add --org 单位编号 --code 编码 --name 名称 "                     \
    "[--modules schools,stats] [--db 文件]\n"                                              \
    "层级: province 省, city 市, county 县（市、区）, town 街道/乡镇, school 学校\n"

static int org_cmd_usage(const char *problem)
{
    if (problem)
        fprintf(stderr, "%s\n", problem);
    fputs(ORG_CMD_USAGE, stderr);
    return 2;
}

/* Open and migrate the database named by --db / $EDUBUREAU_DB. */
static store *org_cmd_open(int argc, char **argv)
{
    return cli_open_store(cli_db_path(argc, argv, "edubureau.db"), 1);
}

/* Open the database and begin a write's transaction: the connection, or
 * NULL after saying why. org_cmd_close ends both. */
static store_db *org_cmd_begin(int argc, char **argv, store **s)
{
    *s = org_cmd_open(argc, argv);
    if (!*s)
        return NULL;
    store_db *db = store_acquire(*s);
    if (db_begin(db) == STORE_OK)
        return db;
    fprintf(stderr, "无法开始事务: %s\n", db_errmsg(db));
    store_release(*s, db);
    store_close(*s);
    return NULL;
}

static void org_cmd_close(store *s, store_db *db)
{
    store_release(s, db);
    store_close(s);
}

/* One unit of `org list`: indented by depth, "id name [kind or level]". */
static void org_cmd_print_unit(json_t *row)
{
    const char *path = json_string_value(json_object_get(row, "path"));
    const char *level = json_string_value(json_object_get(row, "level"));
    const char *kind = json_string_value(json_object_get(row, "kind"));
    int depth = 0;
    for (const char *p = path ? path : ""; *p; p++)
        depth += *p == '/';
    for (int d = 2; d < depth; d++)
        fputs("  ", stdout);
    const char *label = kind ? kind : org_level_label(level);
    printf("%lld %s [%s]\n", (long long)json_integer_value(json_object_get(row, "id")),
           json_string_value(json_object_get(row, "name")), label ? label : "?");
}

static int org_cmd_list(int argc, char **argv)
{
    store *s = org_cmd_open(argc, argv);
    if (!s)
        return 1;
    store_db *db = store_acquire(s);
    json_t *rows = NULL;
    int rc = db_query(db, "SELECT id, level, name, kind, path FROM org_units ORDER BY path", NULL, 0,
                      &rows);
    if (rc != STORE_OK)
        fprintf(stderr, "读取单位失败: %s\n", db_errmsg(db));
    org_cmd_close(s, db);
    if (rc != STORE_OK)
        return 1;
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) org_cmd_print_unit(row);
    if (json_array_size(rows) == 0)
        puts("（还没有单位）");
    json_decref(rows);
    return 0;
}

/* Finish a CLI write: commit, or roll back and say why. */
static int org_cmd_finish(store_db *db, int rc, const char *what)
{
    if (rc == STORE_OK)
        rc = db_commit(db);
    if (rc == STORE_OK)
        return 0;
    fprintf(stderr, "%s失败: %s\n", what, db_errmsg(db));
    db_rollback(db);
    return 1;
}

static int org_cmd_add(int argc, char **argv)
{
    const char *level = opt_value(argc, argv, "--level");
    const char *name = opt_value(argc, argv, "--name");
    const char *parent = opt_value(argc, argv, "--parent");
    const char *kind = opt_value(argc, argv, "--kind");
    if (!level || !name)
        return org_cmd_usage("缺少 --level 或 --name");
    int64_t parent_id = 0;
    if (parent && (parent_id = parse_id(parent)) == 0)
        return org_cmd_usage("--parent 须为单位编号");

    store *s = NULL;
    store_db *db = org_cmd_begin(argc, argv, &s);
    if (!db)
        return 1;
    int status = 1;
    const char *why = NULL;
    int rc = org_validate(db, parent_id, level, name, kind, &why);
    if (rc != STORE_OK) {
        fprintf(stderr, "无法添加单位: %s\n", why ? why : db_errmsg(db));
        db_rollback(db);
        goto done;
    }
    int64_t id = 0;
    char *path = NULL;
    json_t *after = NULL;
    rc = org_create(db, parent_id, level, name, kind, &id, &path);
    if (rc == STORE_OK)
        rc = org_get(db, id, &after);
    if (rc == STORE_OK)
        rc = audit_write(db, NULL, "cli", "create", "org", id, path, NULL, after);
    status = org_cmd_finish(db, rc, "添加单位");
    if (status == 0)
        printf("已添加单位 %lld %s（路径 %s）\n", (long long)id, name, path);
    json_decref(after);
    free(path);
done:
    org_cmd_close(s, db);
    return status;
}

/* "schools,stats": comma-separated module codes of [a-z_]. */
static int org_cmd_modules_valid(const char *list)
{
    int token = 0;
    for (const char *p = list; *p; p++) {
        if (*p == ',') {
            if (token == 0)
                return 0;
            token = 0;
        } else if ((*p >= 'a' && *p <= 'z') || *p == '_') {
            token++;
        } else {
            return 0;
        }
    }
    return *list == '\0' || token > 0;
}

static int org_cmd_dept_add(int argc, char **argv)
{
    const char *org = opt_value(argc, argv, "--org");
    const char *code = opt_value(argc, argv, "--code");
    const char *name = opt_value(argc, argv, "--name");
    const char *modules = opt_value(argc, argv, "--modules");
    if (!org || !code || !name)
        return org_cmd_usage("缺少 --org、--code 或 --name");
    int64_t org_id = parse_id(org);
    if (org_id == 0)
        return org_cmd_usage("--org 须为单位编号");
    if (!modules)
        modules = "";
    if (!org_cmd_modules_valid(modules))
        return org_cmd_usage("--modules 须为逗号分隔的模块代码，如 schools,stats");

    store *s = NULL;
    store_db *db = org_cmd_begin(argc, argv, &s);
    if (!db)
        return 1;
    int status = 1;
    json_t *unit = NULL, *after = NULL;
    int rc = org_get(db, org_id, &unit);
    if (rc != STORE_OK) {
        fprintf(stderr, "%s\n", rc == STORE_NOTFOUND ? "单位不存在" : db_errmsg(db));
        db_rollback(db);
        goto done;
    }
    if (strcmp(json_string_value(json_object_get(unit, "level")), "county") != 0) {
        fputs("部门（股室）只能设在县级教体局（层级 county）下\n", stderr);
        db_rollback(db);
        goto done;
    }
    const char *path = json_string_value(json_object_get(unit, "path"));
    int64_t id = 0;
    sval row[] = {SV_I(org_id), SV_T(code), SV_T(name), SV_T(modules)};
    rc = db_insert(db, "INSERT INTO departments (org_id, code, name, modules) VALUES (?, ?, ?, ?) "
                       "RETURNING id",
                   row, 4, &id);
    if (rc == STORE_CONSTRAINT) {
        fprintf(stderr, "该单位已有编码为 %s 的部门\n", code);
        db_rollback(db);
        goto done;
    }
    if (rc == STORE_OK) {
        after = json_pack("{sI sI ss ss ss}", "id", (json_int_t)id, "org_id", (json_int_t)org_id,
                          "code", code, "name", name, "modules", modules);
        if (!after)
            rc = STORE_ERROR;
    }
    if (rc == STORE_OK)
        rc = audit_write(db, NULL, "cli", "create", "department", id, path, NULL, after);
    status = org_cmd_finish(db, rc, "添加部门");
    if (status == 0)
        printf("已添加部门 %lld %s\n", (long long)id, name);
done:
    json_decref(unit);
    json_decref(after);
    org_cmd_close(s, db);
    return status;
}

/* The first argument after "org" that is not an option (every option of
 * this command takes a value). */
static const char *org_cmd_sub(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strncmp(argv[i], "--", 2) == 0) {
            if (!strchr(argv[i], '='))
                i++;
            continue;
        }
        return argv[i];
    }
    return NULL;
}

int cmd_org(int argc, char **argv)
{
    static const char *const options[] = {"db=",   "level=", "name=",    "parent=", "kind=",
                                          "org=",  "code=",  "modules=", NULL};
    const char *sub = org_cmd_sub(argc, argv);
    if (opt_flag(argc, argv, "help") || (sub && strcmp(sub, "help") == 0)) {
        fputs(ORG_CMD_USAGE, stdout);
        return 0;
    }
    if (!sub)
        return org_cmd_usage(NULL);
    if (opt_check(argc, argv, options) != 0)
        return org_cmd_usage(NULL);
    if (strcmp(sub, "list") == 0)
        return org_cmd_list(argc, argv);
    if (strcmp(sub, "add") == 0)
        return org_cmd_add(argc, argv);
    if (strcmp(sub, "dept-add") == 0)
        return org_cmd_dept_add(argc, argv);
    return org_cmd_usage("未知的子命令");
}
