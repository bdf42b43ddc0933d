/*
 * scope.c - what a reporting command (eval, plan) is about: the school or
 * plan year of --year, and the org unit of --org, given as a unit id or
 * its exact name, defaulting to the county when the database holds only
 * one. The command line has no user, so every unit is in reach.
 *
 * Every helper returns 0, or the exit code after printing the reason in
 * Chinese on stderr: 2 for an option that is missing, malformed or names
 * nothing (the message names the option), 1 for a store error.
 */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

#include "cli/opts.h"
#include "domain/org.h"
#include "store/store.h"
#include "util/parse.h"

#define CLI_YEAR_MIN 2000
#define CLI_YEAR_MAX 2100

int cli_only_options(int argc, char **argv, const char *const known[])
{
    if (opt_check(argc, argv, known) != 0)
        return 2;
    for (int i = 1; i < argc; i++) {
        if (strncmp(argv[i], "--", 2) != 0) {
            fprintf(stderr, "多余的参数: %s\n", argv[i]);
            return 2;
        }
        if (strchr(argv[i], '='))
            continue;
        for (int k = 0; known[k]; k++) {
            size_t n = strlen(known[k]);
            if (known[k][n - 1] == '=' && strncmp(argv[i] + 2, known[k], n - 1) == 0 &&
                argv[i][n + 1] == '\0') {
                if (strncmp(argv[i + 1], "--", 2) == 0) {
                    fprintf(stderr, "选项 %s 缺少值\n", argv[i]);
                    return 2;
                }
                i++; /* its value (opt_check saw that there is one) */
                break;
            }
        }
    }
    return 0;
}

int cli_opt_text(int argc, char **argv, const char *name, const char **out)
{
    *out = opt_value(argc, argv, name);
    if (opt_flag(argc, argv, name) && (!*out || !**out)) {
        fprintf(stderr, "选项 --%s 缺少值\n", name);
        return 2;
    }
    return 0;
}

int cli_year(int argc, char **argv, int *year)
{
    const char *text;
    *year = 0;
    if (cli_opt_text(argc, argv, "year", &text) != 0)
        return 2;
    if (!text)
        return 0;
    int64_t y = parse_id(text);
    if (y < CLI_YEAR_MIN || y > CLI_YEAR_MAX) {
        fprintf(stderr, "选项 --year：年度应为 %d 到 %d 之间的整数（收到「%s」）\n", CLI_YEAR_MIN,
                CLI_YEAR_MAX, text);
        return 2;
    }
    *year = (int)y;
    return 0;
}

/* The unit of id into *unit: 0, 2 when there is none, 1 on a store error. */
static int cli_org_by_id(store_db *db, int64_t id, const char *text, json_t **unit)
{
    int rc = org_get(db, id, unit);
    if (rc == STORE_OK)
        return 0;
    if (rc == STORE_NOTFOUND) {
        fprintf(stderr, "选项 --org：机构编号 %s 不存在\n", text);
        return 2;
    }
    fprintf(stderr, "读取机构失败: %s\n", db_errmsg(db));
    return 1;
}

/* The ids sql selects (one text parameter, or none when param is NULL)
 * into *rows: 0, or 1 after saying the store failed. */
static int cli_org_ids(store_db *db, const char *sql, const char *param, json_t **rows)
{
    sval p[] = {SV_T(param)};
    if (db_query(db, sql, p, param ? 1 : 0, rows) == STORE_OK)
        return 0;
    fprintf(stderr, "读取机构失败: %s\n", db_errmsg(db));
    return 1;
}

static int64_t cli_org_first_id(json_t *rows)
{
    return json_integer_value(json_object_get(json_array_get(rows, 0), "id"));
}

/* No --org: the only county. */
static int cli_org_county(store_db *db, json_t **unit)
{
    json_t *rows = NULL;
    if (cli_org_ids(db, "SELECT id FROM org_units WHERE level = 'county' ORDER BY id", NULL,
                    &rows) != 0)
        return 1;
    size_t n = json_array_size(rows);
    int64_t id = cli_org_first_id(rows);
    json_decref(rows);
    if (n != 1) {
        fprintf(stderr, "数据库中有 %zu 个县（市、区），请用 --org 指定机构编号或名称\n", n);
        return 2;
    }
    return cli_org_by_id(db, id, "", unit);
}

/* --org as a name: the one unit of that exact name. */
static int cli_org_by_name(store_db *db, const char *name, json_t **unit)
{
    json_t *rows = NULL;
    if (cli_org_ids(db, "SELECT id FROM org_units WHERE name = ? ORDER BY path", name, &rows) != 0)
        return 1;
    size_t n = json_array_size(rows);
    int64_t id = cli_org_first_id(rows);
    json_decref(rows);
    if (n == 0) {
        fprintf(stderr, "选项 --org：找不到名为「%s」的机构（请给出机构编号或完整名称）\n", name);
        return 2;
    }
    if (n > 1) {
        fprintf(stderr, "选项 --org：有 %zu 个机构名为「%s」，请改用机构编号\n", n, name);
        return 2;
    }
    return cli_org_by_id(db, id, name, unit);
}

int cli_org_unit(store_db *db, int argc, char **argv, json_t **unit)
{
    const char *text;
    *unit = NULL;
    if (cli_opt_text(argc, argv, "org", &text) != 0)
        return 2;
    if (!text)
        return cli_org_county(db, unit);
    int64_t id = parse_id(text);
    return id ? cli_org_by_id(db, id, text, unit) : cli_org_by_name(db, text, unit);
}
