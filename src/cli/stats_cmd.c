/*
 * stats_cmd.c - `edubureau export` and `edubureau import`: the 基表
 * workbook and its import from the command line (docs/api-stats.md,
 * "Export"), through the same functions as the API (stats_exchange.h).
 *
 *   edubureau export --year Y --out FILE.xlsx [--type T] [--status S] [--db F]
 *   edubureau import --year Y FILE [--apply] [--db F]
 *
 * The command line sees every school (no user, no scope). import without
 * --apply checks the file and lists the changes it would make; with
 * --apply it writes them in one transaction, audited per record (user
 * "cli"). Problems are printed on stderr as
 * 工作表「X」第 N 行「列」值「v」：原因, and nothing is written. The file is
 * read in chunks (stats_import_file), so memory stays the same whatever
 * its size. Exit codes: 0 done, 1 problems or error, 2 usage.
 */
#include "cli/cli.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/opts.h"
#include "domain/stats_exchange.h"
#include "store/store.h"
#include "util/arena.h"

#define STATS_CMD_EXPORT_USAGE                                                                 \
    "用法: edubureau export --year 学年 --out 文件.xlsx [--type 办学类型] [--status 状态] "   \
    "[--db 文件]\n"
#define STATS_CMD_IMPORT_USAGE \
    "用法: edubureau import --year 学年 文件(.xlsx 或 .csv) [--apply] [--db 文件]\n" \
    "不加 --apply 只检查文件并列出将要修改的数据；加 --apply 在一个事务中写入。\n"

/* The command line reads files larger than an upload may be. */
#define STATS_CMD_MAX_FILE ((size_t)4 << 30)

static const char *const stats_cmd_export_options[] = {"db=", "year=", "out=", "type=",
                                                       "status=", NULL};
static const char *const stats_cmd_import_options[] = {"db=", "year=", "apply", NULL};

static int stats_cmd_usage(const char *usage, const char *problem)
{
    if (problem)
        fprintf(stderr, "%s\n", problem);
    fputs(usage, stderr);
    return 2;
}

/* --year as a school year, or 0 after saying why. */
static int stats_cmd_year(int argc, char **argv)
{
    long year = 0;
    if (opt_int(argc, argv, "year", &year) != 0)
        return 0;
    if (year < 1990 || year > 2100) {
        fprintf(stderr, "请用 --year 给出学年（如 2021）\n");
        return 0;
    }
    return (int)year;
}

/* The first argument that is neither an option nor an option's value. */
static const char *stats_cmd_positional(int argc, char **argv, const char *const known[])
{
    for (int i = 1; i < argc; i++) {
        if (strncmp(argv[i], "--", 2) != 0)
            return argv[i];
        if (strchr(argv[i], '='))
            continue;
        for (int k = 0; known[k]; k++) {
            size_t n = strlen(known[k]);
            if (known[k][n - 1] == '=' && strncmp(argv[i] + 2, known[k], n - 1) == 0 &&
                argv[i][2 + n - 1] == '\0') {
                i++;  /* its value */
                break;
            }
        }
    }
    return NULL;
}

static int stats_cmd_write_file(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f) {
        fprintf(stderr, "无法写入 %s\n", path);
        return -1;
    }
    int ok = fwrite(data, 1, len, f) == len;
    if (fclose(f) != 0)
        ok = 0;
    if (!ok) {
        fprintf(stderr, "写入 %s 失败\n", path);
        return -1;
    }
    return 0;
}

int cmd_export(int argc, char **argv)
{
    if (opt_check(argc, argv, stats_cmd_export_options) != 0)
        return stats_cmd_usage(STATS_CMD_EXPORT_USAGE, NULL);
    int year = stats_cmd_year(argc, argv);
    const char *out_path = opt_value(argc, argv, "out");
    if (!year)
        return stats_cmd_usage(STATS_CMD_EXPORT_USAGE, NULL);
    if (!out_path || !*out_path)
        return stats_cmd_usage(STATS_CMD_EXPORT_USAGE, "请用 --out 给出要写入的 xlsx 文件");
    const char *type = opt_value(argc, argv, "type");
    const char *types[] = {type, NULL};
    stats_export_filter f = {year, type ? types : NULL, 0, opt_value(argc, argv, "status"), 0};

    store *s = cli_open_store(cli_db_path(argc, argv, "edubureau.db"), 1);
    if (!s)
        return 1;
    store_db *db = store_acquire(s);
    arena *a = arena_new();
    refusal e = {0};
    char *data = NULL;
    size_t len = 0;
    int rc = stats_export_workbook(db, a, NULL, &f, &data, &len, &e);
    int status = 0;
    if (rc == REFUSED) {
        fprintf(stderr, "%s\n", e.message);
        status = 1;
    } else if (rc != STORE_OK) {
        fprintf(stderr, "导出失败: %s\n", db_errmsg(db));
        status = 1;
    } else if (stats_cmd_write_file(out_path, data, len) != 0) {
        status = 1;
    } else {
        printf("已导出 %d 学年基表到 %s（%zu 字节）\n", year, out_path, len);
    }
    free(data);
    arena_free(a);
    store_release(s, db);
    store_close(s);
    return status;
}

/* A JSON value as people read it: text unquoted, null as "（空）". */
static void stats_cmd_print_value(json_t *v)
{
    if (!v || json_is_null(v)) {
        fputs("（空）", stdout);
        return;
    }
    if (json_is_string(v)) {
        fputs(json_string_value(v), stdout);
        return;
    }
    char *text = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
    fputs(text ? text : "?", stdout);
    free(text);
}

static void stats_cmd_print_changes(json_t *changes)
{
    size_t i;
    json_t *c;
    json_array_foreach(changes, i, c) {
        printf("%s（%s）「%s」：", json_string_value(json_object_get(c, "school_name")),
               json_string_value(json_object_get(c, "code")),
               json_string_value(json_object_get(c, "label")));
        stats_cmd_print_value(json_object_get(c, "old"));
        fputs(" → ", stdout);
        stats_cmd_print_value(json_object_get(c, "new"));
        fputc('\n', stdout);
    }
}

static void stats_cmd_print_problems(json_t *problems, long total)
{
    size_t i;
    json_t *p;
    json_array_foreach(problems, i, p) {
        char *text = stats_import_problem_text(p);
        fprintf(stderr, "%s\n", text ? text : "?");
        free(text);
    }
    fprintf(stderr, "共 %ld 个问题，未写入任何数据。\n", total);
}

int cmd_import(int argc, char **argv)
{
    if (opt_check(argc, argv, stats_cmd_import_options) != 0)
        return stats_cmd_usage(STATS_CMD_IMPORT_USAGE, NULL);
    int year = stats_cmd_year(argc, argv);
    if (!year)
        return stats_cmd_usage(STATS_CMD_IMPORT_USAGE, NULL);
    const char *path = stats_cmd_positional(argc, argv, stats_cmd_import_options);
    if (!path)
        return stats_cmd_usage(STATS_CMD_IMPORT_USAGE, "请给出要导入的文件");
    int apply = opt_flag(argc, argv, "apply");
    if (access(path, R_OK) != 0) {
        fprintf(stderr, "无法打开文件 %s\n", path);
        return 1;
    }
    store *s = cli_open_store(cli_db_path(argc, argv, "edubureau.db"), 1);
    if (!s)
        return 1;
    store_db *db = store_acquire(s);
    table_limits limits;
    table_limits_default(&limits);
    limits.max_file = STATS_CMD_MAX_FILE;
    stats_import_opts o = {.year = year, .u = NULL, .ip = "cli", .apply = apply,
                           .keep_changes = !apply, .limits = &limits};
    stats_import_result res;
    int status = 0;
    /* One transaction either way: --apply commits it, a check rolls it
     * back (and reads a consistent database without a lock per query). */
    int rc = db_begin(db);
    if (rc == STORE_OK)
        rc = stats_import_file(db, &o, path, &res);
    else
        memset(&res, 0, sizeof res);
    if (rc != STORE_OK) {
        fprintf(stderr, "导入失败: %s\n", db_errmsg(db));
        status = 1;
    } else if (res.nproblems > 0) {
        stats_cmd_print_problems(res.problems, res.nproblems);
        status = 1;
    } else if (apply && (rc = db_commit(db)) != STORE_OK) {
        fprintf(stderr, "写入失败: %s\n", db_errmsg(db));
        status = 1;
    } else if (apply) {
        printf("已导入 %ld 所学校的 %ld 处修改（%ld 所学校没有变化）。\n", res.schools - res.unchanged,
               res.nchanges, res.unchanged);
    } else {
        stats_cmd_print_changes(res.changes);
        printf("检查通过：%ld 所学校，%ld 处修改（%ld 所学校没有变化）。加 --apply 写入。\n",
               res.schools, res.nchanges, res.unchanged);
    }
    if (!apply || status != 0)
        db_rollback(db);
    stats_import_result_free(&res);
    store_release(s, db);
    store_close(s);
    return status;
}
