/*
 * user_cmd.c - `edubureau user ...`: accounts from the command line, for
 * the first administrator and for when nobody can log in any more.
 *
 *   edubureau user list
 *   edubureau user add USERNAME --role R --name N [--scope ORG_ID] [--dept CODE]
 *                      [--school CODE] [--password P]
 *   edubureau user passwd USERNAME [--password P]      reset; forces a change
 *   edubureau user role USERNAME ROLE [--dept CODE] [--school CODE] [--scope ORG_ID]
 *   edubureau user lock USERNAME [--minutes N]
 *   edubureau user unlock|disable|enable USERNAME
 * every one with [--db FILE] (default $EDUBUREAU_DB, else edubureau.db).
 *
 * Without --password, add and passwd take $EDUBUREAU_PASSWORD, else make up
 * a password that meets the policy and print it; the user must change it
 * at first login. The rules are those of the web UI (users.c), applied with
 * full rights; every write runs in one transaction with its audit row
 * (user "cli:$USER", address "cli"). Exit codes: 0 done, 1 error, 2 usage.
 */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/access.h"
#include "auth/password.h"
#include "cli/opts.h"
#include "domain/audit.h"
#include "domain/settings.h"
#include "domain/users.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/parse.h"

#define USER_CMD_USAGE                                                                          \
    "用法:\n"                                                                                   \
    "  edubureau user list\n"                                                                   \
    "  edubureau user add 用户名 --role 角色 --name 姓名 [--scope 单位编号] [--dept 股室编码]\n" \
    "                     [--school 学校标识码] [--password 密码]\n"                            \
    "  edubureau user passwd 用户名 [--password 密码]\n"                                        \
    "  edubureau user role 用户名 角色 [--dept 股室编码] [--school 学校标识码] [--scope 单位编号]\n" \
    "  edubureau user lock 用户名 [--minutes 分钟]\n"                                           \
    "  edubureau user unlock|disable|enable 用户名\n"                                           \
    "以上命令均可加 --db 文件（默认 $EDUBUREAU_DB 或 edubureau.db）。\n"                        \
    "角色: admin 系统管理员, leader 局领导, dept 股室人员, school 学校管理员, auditor 审计员\n"   \
    "未给出 --password 时使用环境变量 EDUBUREAU_PASSWORD，否则随机生成并显示。\n"

static const char *const user_cmd_options[] = {"db=",     "role=",     "name=",    "scope=",
                                               "dept=",   "school=",   "password=", "minutes=",
                                               NULL};

static int user_cmd_usage(const char *problem)
{
    if (problem)
        fprintf(stderr, "%s\n", problem);
    fputs(USER_CMD_USAGE, stderr);
    return 2;
}

/* The n-th argument that is neither an option nor an option's value
 * (0 is the subcommand: "user add admin" -> 0 "add", 1 "admin"). */
static const char *user_cmd_arg(int argc, char **argv, int n)
{
    for (int i = 1; i < argc; i++) {
        if (strncmp(argv[i], "--", 2) == 0) {
            if (!strchr(argv[i], '='))
                i++;  /* every option of this command takes a value */
            continue;
        }
        if (n-- == 0)
            return argv[i];
    }
    return NULL;
}

/* The command's state: the database, one connection, the exit status. */
typedef struct user_cmd {
    store *s;
    store_db *db;
} user_cmd;

static int user_cmd_open(user_cmd *c, int argc, char **argv)
{
    if (password_init() != 0) {
        fputs("无法初始化密码库 libsodium\n", stderr);
        return -1;
    }
    c->s = cli_open_store(cli_db_path(argc, argv, "edubureau.db"), 1);
    if (!c->s)
        return -1;
    c->db = store_acquire(c->s);
    return 0;
}

static void user_cmd_close(user_cmd *c)
{
    store_release(c->s, c->db);
    store_close(c->s);
}

/* The id of a user by name: 0 ok, -1 after printing why. */
static int user_cmd_find(user_cmd *c, const char *username, int64_t *id)
{
    sval key[] = {SV_T(username)};
    int rc = db_query_int(c->db, "SELECT id FROM users WHERE username = ?", key, 1, id);

    if (rc == STORE_NOTFOUND)
        fprintf(stderr, "用户不存在: %s\n", username);
    else if (rc != STORE_OK)
        fprintf(stderr, "读取用户失败: %s\n", db_errmsg(c->db));
    return rc == STORE_OK ? 0 : -1;
}

/* The id from a lookup by code (department, school): 0 ok, -1 printed. */
static int user_cmd_lookup(user_cmd *c, const char *sql, const char *code, const char *what,
                           int64_t *id)
{
    sval key[] = {SV_T(code)};
    int rc = db_query_int(c->db, sql, key, 1, id);

    if (rc == STORE_NOTFOUND)
        fprintf(stderr, "%s不存在: %s\n", what, code);
    else if (rc != STORE_OK)
        fprintf(stderr, "读取%s失败: %s\n", what, db_errmsg(c->db));
    return rc == STORE_OK ? 0 : -1;
}

/* --dept, --school and --scope into ids (0 when not given). --scope
 * defaults to the department's bureau for dept, else to the root of the
 * org tree (a school's scope is always its own unit). */
static int user_cmd_placement(user_cmd *c, int argc, char **argv, const char *role,
                              int64_t *dept_id, int64_t *school_id, int64_t *scope_org_id)
{
    const char *dept = opt_value(argc, argv, "dept");
    const char *school = opt_value(argc, argv, "school");
    const char *scope = opt_value(argc, argv, "scope");

    *dept_id = *school_id = *scope_org_id = 0;
    if (dept && user_cmd_lookup(c, "SELECT id FROM departments WHERE code = ? ORDER BY id", dept,
                                "股室", dept_id) != 0)
        return -1;
    if (school && user_cmd_lookup(c, "SELECT id FROM schools WHERE code = ?", school, "学校",
                                  school_id) != 0)
        return -1;
    if (scope) {
        int64_t id = parse_id(scope);
        if (!id) {
            fputs("--scope 须为单位编号（见 edubureau org list）\n", stderr);
            return -1;
        }
        *scope_org_id = id;
        return 0;
    }
    if (role && strcmp(role, ROLE_DEPT) == 0 && *dept_id) {
        sval key[] = {SV_I(*dept_id)};
        return db_query_int(c->db, "SELECT org_id FROM departments WHERE id = ?", key, 1,
                            scope_org_id) == STORE_OK ? 0 : -1;
    }
    if (db_query_int(c->db, "SELECT id FROM org_units WHERE parent_id IS NULL ORDER BY id", NULL, 0,
                     scope_org_id) == STORE_NOTFOUND) {
        fputs("还没有任何单位，请先用 edubureau org add 建立组织机构\n", stderr);
        return -1;
    }
    return 0;
}

/* --password, else $EDUBUREAU_PASSWORD, else a fresh one in buf (shown). */
static const char *user_cmd_password(int argc, char **argv, char *buf, int *generated)
{
    const char *password = opt_value(argc, argv, "password");

    *generated = 0;
    if (!password || !*password)
        password = getenv("EDUBUREAU_PASSWORD");
    if (password && *password)
        return password;
    /* "Ed@" gives upper, lower and other; hex adds digits and lower-case. */
    memcpy(buf, "Ed@", 3);
    password_random_hex(buf + 3, 6);
    *generated = 1;
    return buf;
}

/* Commit after a users_* call that succeeded, else roll back and say why. */
static int user_cmd_finish(user_cmd *c, int rc, const char *done)
{
    if (rc == USERS_OK && db_commit(c->db) != STORE_OK)
        rc = USERS_ERR_STORE;
    if (rc == USERS_OK) {
        printf("%s\n", done);
        return 0;
    }
    db_rollback(c->db);
    if (rc == USERS_ERR_STORE)
        fprintf(stderr, "数据库错误: %s\n", db_errmsg(c->db));
    else
        fprintf(stderr, "%s%s%s%s\n", users_err_message(rc), users_err_field(rc) ? "（字段 " : "",
                users_err_field(rc) ? users_err_field(rc) : "", users_err_field(rc) ? "）" : "");
    return 1;
}

static int user_cmd_begin(user_cmd *c)
{
    if (db_begin(c->db) == STORE_OK)
        return 0;
    fprintf(stderr, "无法开始事务: %s\n", db_errmsg(c->db));
    return -1;
}

static int user_cmd_list(user_cmd *c)
{
    json_t *rows = NULL, *row;
    size_t i;

    if (users_all(c->db, clock_now(), &rows) != STORE_OK) {
        fprintf(stderr, "读取用户失败: %s\n", db_errmsg(c->db));
        return 1;
    }
    printf("%-6s %-20s %-12s %-10s %-24s %s\n", "编号", "用户名", "姓名", "角色", "范围", "状态");
    json_array_foreach(rows, i, row) {
        const char *state = !json_is_true(json_object_get(row, "active")) ? "停用"
                            : json_is_true(json_object_get(row, "locked")) ? "锁定"
                            : json_is_true(json_object_get(row, "must_change_password")) ? "待改密码"
                                                                                        : "正常";
        const char *school = json_string_value(json_object_get(row, "school_name"));
        printf("%-6lld %-20s %-12s %-10s %-24s %s\n", (long long)json_integer_value(json_object_get(row, "id")),
               json_string_value(json_object_get(row, "username")),
               json_string_value(json_object_get(row, "name")),
               json_string_value(json_object_get(row, "role_label")),
               school ? school : json_string_value(json_object_get(row, "scope_name")), state);
    }
    if (json_array_size(rows) == 0)
        puts("（还没有用户）");
    json_decref(rows);
    return 0;
}

static int user_cmd_add(user_cmd *c, int argc, char **argv, const char *username)
{
    const char *role = opt_value(argc, argv, "role");
    const char *name = opt_value(argc, argv, "name");
    int64_t dept_id, school_id, scope_org_id, id = 0;
    char generated_buf[32];
    const char *password, *why;
    int generated, rc;

    if (!role || !name)
        return user_cmd_usage("缺少 --role 或 --name");
    if (!access_role_valid(role)) {
        fprintf(stderr, "角色无效: %s\n", role);
        return 1;
    }
    password = user_cmd_password(argc, argv, generated_buf, &generated);
    if ((why = password_policy_error(password)) != NULL) {
        fprintf(stderr, "%s\n", why);
        return 1;
    }
    if (user_cmd_placement(c, argc, argv, role, &dept_id, &school_id, &scope_org_id) != 0 ||
        user_cmd_begin(c) != 0)
        return 1;
    rc = users_create(c->db, NULL, "cli", username, name, role, dept_id, scope_org_id, school_id,
                      password, 1, &id);
    if (user_cmd_finish(c, rc, "已添加用户") != 0)
        return 1;
    printf("用户名: %s  角色: %s  编号: %lld\n", username, access_role_label(role), (long long)id);
    if (generated)
        printf("初始密码: %s（首次登录须修改）\n", password);
    return 0;
}

static int user_cmd_passwd(user_cmd *c, int argc, char **argv, int64_t id)
{
    char generated_buf[32];
    int generated;
    const char *password = user_cmd_password(argc, argv, generated_buf, &generated);
    const char *why = password_policy_error(password);

    if (why) {
        fprintf(stderr, "%s\n", why);
        return 1;
    }
    if (user_cmd_begin(c) != 0 ||
        user_cmd_finish(c, users_reset_password(c->db, NULL, "cli", id, password),
                        "已重置密码，下次登录须修改") != 0)
        return 1;
    if (generated)
        printf("新密码: %s\n", password);
    return 0;
}

static int user_cmd_role(user_cmd *c, int argc, char **argv, int64_t id, const char *role)
{
    users_change change = {0};

    if (!role)
        return user_cmd_usage("缺少角色");
    if (!access_role_valid(role)) {
        fprintf(stderr, "角色无效: %s\n", role);
        return 1;
    }
    if (user_cmd_placement(c, argc, argv, role, &change.dept_id, &change.school_id,
                           &change.scope_org_id) != 0)
        return 1;
    change.set_role = 1;
    change.role = role;
    change.set_dept = change.dept_id != 0;
    change.set_school = change.school_id != 0;
    change.set_scope = opt_value(argc, argv, "scope") != NULL ||
                       (strcmp(role, ROLE_DEPT) == 0 && change.dept_id != 0);
    if (user_cmd_begin(c) != 0)
        return 1;
    return user_cmd_finish(c, users_update(c->db, NULL, "cli", id, &change), "已修改角色");
}

static int user_cmd_active(user_cmd *c, int64_t id, int active)
{
    users_change change = {.set_active = 1, .active = active};

    if (user_cmd_begin(c) != 0)
        return 1;
    return user_cmd_finish(c, users_update(c->db, NULL, "cli", id, &change),
                           active ? "已启用用户" : "已停用用户，其会话已结束");
}

static int user_cmd_lock(user_cmd *c, int argc, char **argv, int64_t id)
{
    long minutes = (long)settings_int(c->db, "lockout_minutes", 15);

    if (opt_int(argc, argv, "minutes", &minutes) != 0 || minutes <= 0)
        return user_cmd_usage("--minutes 须为正整数");
    if (user_cmd_begin(c) != 0)
        return 1;
    return user_cmd_finish(c, users_lock(c->db, NULL, "cli", id, clock_now() + (int64_t)minutes * 60),
                           "已锁定用户");
}

static int user_cmd_unlock(user_cmd *c, int64_t id)
{
    if (user_cmd_begin(c) != 0)
        return 1;
    return user_cmd_finish(c, users_unlock(c->db, NULL, "cli", id), "已解除锁定");
}

/* Run subcommand sub on the user named username (NULL for list). */
static int user_cmd_run(user_cmd *c, int argc, char **argv, const char *sub, const char *username)
{
    int64_t id = 0;

    if (strcmp(sub, "list") == 0)
        return user_cmd_list(c);
    if (strcmp(sub, "add") == 0)
        return user_cmd_add(c, argc, argv, username);
    if (user_cmd_find(c, username, &id) != 0)
        return 1;
    if (strcmp(sub, "passwd") == 0)
        return user_cmd_passwd(c, argc, argv, id);
    if (strcmp(sub, "role") == 0)
        return user_cmd_role(c, argc, argv, id, user_cmd_arg(argc, argv, 2));
    if (strcmp(sub, "lock") == 0)
        return user_cmd_lock(c, argc, argv, id);
    if (strcmp(sub, "unlock") == 0)
        return user_cmd_unlock(c, id);
    return user_cmd_active(c, id, strcmp(sub, "enable") == 0);
}

int cmd_user(int argc, char **argv)
{
    static const char *const subs[] = {"list", "add", "passwd", "role", "lock", "unlock", "disable",
                                       "enable", NULL};
    const char *sub = user_cmd_arg(argc, argv, 0);
    const char *username = user_cmd_arg(argc, argv, 1);
    user_cmd c = {0};
    int known = 0, status;

    if (opt_flag(argc, argv, "help") || (sub && strcmp(sub, "help") == 0)) {
        fputs(USER_CMD_USAGE, stdout);
        return 0;
    }
    if (!sub)
        return user_cmd_usage(NULL);
    for (int i = 0; subs[i]; i++)
        known |= strcmp(sub, subs[i]) == 0;
    if (!known)
        return user_cmd_usage("未知的子命令");
    if (opt_check(argc, argv, user_cmd_options) != 0)
        return user_cmd_usage(NULL);
    if (strcmp(sub, "list") != 0 && !username)
        return user_cmd_usage("缺少用户名");
    if (user_cmd_open(&c, argc, argv) != 0)
        return 1;
    status = user_cmd_run(&c, argc, argv, sub, username);
    user_cmd_close(&c);
    return status;
}
