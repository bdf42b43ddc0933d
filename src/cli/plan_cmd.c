/*
 * plan_cmd.c - `edubureau plan ...`: the year's work plan (目标) on a
 * terminal or from cron, through the same functions as the API
 * (docs/api-plan.md).
 *
 *   edubureau plan export --year Y --format xlsx|docx --out FILE
 *                         [--on YYYY-MM-DD] [--org ID_OR_NAME] [--db F]
 *       the plan with progress (xlsx) or the 督查通报 (docx), the same
 *       bytes as GET /api/plans/{id}/export (plan_export_xlsx/_docx);
 *       without --format the extension of --out decides.
 *   edubureau plan status --year Y [--on YYYY-MM-DD] [--org ID_OR_NAME] [--db F]
 *       the overall progress and status, the leaves by status, the items
 *       at risk, behind or overdue (as the workbook's 滞后事项 sheet) and
 *       the reports due (GET /api/plans/{id}/reminders).
 *
 * The plan is the county's plan of --year: the county of --org (a unit id
 * or exact name; a town or school means its county), by default the only
 * county. --on is the date statuses are computed at (default the plan's
 * status date, as the API). No user: every plan is in reach. Exit codes: 0
 * done, 2 a bad argument (the message names the option), 1 a store or file
 * error.
 */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/opts.h"
#include "domain/org.h"
#include "domain/plan.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/clock.h"
#include "util/text.h"

#define PLAN_CMD_USAGE                                                                       \
    "用法:\n"                                                                                \
    "  edubureau plan export --year 年度 --format xlsx|docx --out 文件 [--on YYYY-MM-DD]\n" \
    "                        [--org 机构编号或名称] [--db 文件]\n"                           \
    "      xlsx：目标任务进度表；docx：督查通报\n"                                           \
    "  edubureau plan status --year 年度 [--on YYYY-MM-DD] [--org 机构编号或名称] [--db 文件]\n" \
    "      总体进度、各状态事项数、需关注的事项和应报未报的事项\n"                           \
    "--on 默认为计划的统计日期；--org 默认为库中唯一的县（市、区）。\n"

static const char *const plan_cmd_export_options[] = {"db=", "year=", "format=", "out=",
                                                      "on=", "org=",  NULL};
static const char *const plan_cmd_status_options[] = {"db=", "year=", "on=", "org=", NULL};

static int plan_cmd_usage(const char *problem)
{
    if (problem)
        fprintf(stderr, "%s\n", problem);
    fputs(PLAN_CMD_USAGE, stderr);
    return 2;
}

static int plan_cmd_check(int argc, char **argv, const char *const known[])
{
    return cli_only_options(argc, argv, known) != 0 ? plan_cmd_usage(NULL) : 0;
}

/* --year (required) and --on (a date, or NULL). */
static int plan_cmd_year_on(int argc, char **argv, int *year, const char **on)
{
    if (cli_year(argc, argv, year) != 0 || cli_opt_text(argc, argv, "on", on) != 0)
        return plan_cmd_usage(NULL);
    if (!*year)
        return plan_cmd_usage("选项 --year：请给出工作目标的年度（如 2022）");
    if (*on && !clock_date_valid(*on)) {
        fprintf(stderr, "选项 --on：日期应为 YYYY-MM-DD（收到「%s」）\n", *on);
        return plan_cmd_usage(NULL);
    }
    return 0;
}

/* ------------------------------------------------------------ the plan */

/* The id of the plan of year of the county of unit: 0, or the exit code
 * after saying why. */
static int plan_cmd_find(store_db *db, arena *a, json_t *unit, int year, int64_t *plan_id)
{
    json_t *county = NULL, *rows = NULL;
    const char *name = text_field(unit, "name"), *level = text_field(unit, "level");
    const char *path = text_field(unit, "path");
    int rc = STORE_OK;
    if (text_is(level, "town") || text_is(level, "school")) {
        rc = org_ancestor_of_level(db, path, "county", &county);
        path = rc == STORE_OK ? arena_strdup(a, text_field(county, "path")) : path;
        json_decref(county);
    }
    if (rc == STORE_OK || rc == STORE_NOTFOUND) {
        sval p[] = {SV_I(year), SV_T(path), SV_T(org_scope_upper(a, path))};
        rc = db_query(db, "SELECT id FROM plans WHERE year = ? AND path >= ? AND path < ? "
                          "ORDER BY path", p, 3, &rows);
    }
    if (rc != STORE_OK) {
        fprintf(stderr, "读取工作目标失败: %s\n", db_errmsg(db));
        return 1;
    }
    size_t n = json_array_size(rows);
    *plan_id = text_field_int(json_array_get(rows, 0), "id");
    json_decref(rows);
    if (n == 0) {
        fprintf(stderr, "选项 --year：%s 没有 %d 年度的工作目标\n", name, year);
        return 2;
    }
    if (n > 1) {
        fprintf(stderr, "选项 --org：%s 有 %zu 个县（市、区）的 %d 年度工作目标，请指定县（市、区）\n",
                name, n, year);
        return 2;
    }
    return 0;
}

/* Open the database, find the plan of the arguments and the date its
 * statuses are computed at: 0 with *s, *db, *plan (the caller closes them
 * with plan_cmd_close), or the exit code. */
static int plan_cmd_open(int argc, char **argv, int year, const char *on, store **s,
                         store_db **db, json_t **plan, char date[11])
{
    json_t *unit = NULL;
    int64_t plan_id = 0;
    refusal e = {0};
    *plan = NULL;
    *s = cli_open_store(cli_db_path(argc, argv, "edubureau.db"), 1);
    if (!*s)
        return 1;
    *db = store_acquire(*s);
    arena *a = arena_new();
    int status = cli_org_unit(*db, argc, argv, &unit);
    if (!status)
        status = plan_cmd_find(*db, a, unit, year, &plan_id);
    json_decref(unit);
    arena_free(a);
    int rc = status ? STORE_OK : plan_reach(*db, NULL, plan_id, 0, plan, &e);
    if (rc != STORE_OK) {
        fprintf(stderr, "读取工作目标失败: %s\n", rc == REFUSED ? e.message : db_errmsg(*db));
        status = 1;
    }
    if (!status)
        plan_status_date(*plan, on, date);
    return status;
}

static void plan_cmd_close(store *s, store_db *db, json_t *plan)
{
    json_decref(plan);
    if (s) {
        store_release(s, db);
        store_close(s);
    }
}

/* -------------------------------------------------------------- export */

/* The format of --format, else of the extension of --out, or NULL after
 * saying why. */
static const char *plan_cmd_format(const char *format, const char *out_path)
{
    if (!format) {
        size_t n = strlen(out_path);
        format = n > 5 && strcmp(out_path + n - 5, ".docx") == 0   ? "docx"
                 : n > 5 && strcmp(out_path + n - 5, ".xlsx") == 0 ? "xlsx"
                                                                   : NULL;
        if (!format)
            fputs("选项 --format：请给出导出格式 xlsx（进度表）或 docx（督查通报）\n", stderr);
        return format;
    }
    if (text_is(format, "xlsx") || text_is(format, "docx"))
        return format;
    fprintf(stderr, "选项 --format：导出格式应为 xlsx 或 docx（收到「%s」）\n", format);
    return NULL;
}

static int plan_cmd_write(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    int ok = f && fwrite(data, 1, len, f) == len;
    if (f && fclose(f) != 0)
        ok = 0;
    if (!ok)
        fprintf(stderr, "无法写入 %s\n", path);
    return ok ? 0 : 1;
}

static int plan_cmd_export(int argc, char **argv)
{
    int year;
    const char *on, *format, *out_path;
    int status = plan_cmd_check(argc, argv, plan_cmd_export_options);
    if (!status)
        status = plan_cmd_year_on(argc, argv, &year, &on);
    if (status)
        return status;
    if (cli_opt_text(argc, argv, "out", &out_path) != 0 ||
        cli_opt_text(argc, argv, "format", &format) != 0)
        return plan_cmd_usage(NULL);
    if (!out_path)
        return plan_cmd_usage("选项 --out：请给出要写入的文件");
    if (!(format = plan_cmd_format(format, out_path)))
        return plan_cmd_usage(NULL);

    store *s = NULL;
    store_db *db = NULL;
    json_t *plan = NULL;
    char date[11], *data = NULL, *err = NULL;
    size_t len = 0;
    int docx = text_is(format, "docx");
    status = plan_cmd_open(argc, argv, year, on, &s, &db, &plan, date);
    if (!status) {
        int64_t id = text_field_int(plan, "id");
        if ((docx ? plan_export_docx(db, id, date, &data, &len, &err)
                  : plan_export_xlsx(db, id, date, &data, &len, &err)) != 0) {
            fprintf(stderr, "导出失败: %s\n", err ? err : "未知错误");
            status = 1;
        } else if (!(status = plan_cmd_write(out_path, data, len))) {
            printf("已导出 %d 年度工作目标%s（截至 %s）到 %s（%zu 字节）\n", year,
                   docx ? "督查通报" : "进度表", date, out_path, len);
        }
    }
    free(data);
    free(err);
    plan_cmd_close(s, db, plan);
    return status;
}

/* -------------------------------------------------------------- status */

static const char *plan_cmd_pct(char buf[24], json_t *v)
{
    if (!json_is_number(v))
        return "—";
    snprintf(buf, 24, "%.1f%%", json_number_value(v) * 100);
    return buf;
}

static const char *plan_cmd_label(const char *code)
{
    int st = plan_status_of(code);
    return st >= 0 ? plan_status_labels[st] : "";
}

static const char *plan_cmd_dept(json_t *o)
{
    const char *name = text_field(json_object_get(o, "lead_dept"), "name");
    return name ? name : "（未指定）";
}

/* The leaves at risk, behind or overdue under items, depth first (the
 * rows of the workbook's 滞后事项 sheet), appended to out. */
static void plan_cmd_lagging(json_t *items, json_t *out)
{
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it) {
        json_t *children = json_object_get(it, "children");
        const char *status = text_field(it, "status");
        if (json_array_size(children) == 0 &&
            (text_is(status, "at_risk") || text_is(status, "behind") || text_is(status, "overdue")))
            json_array_append(out, it);
        plan_cmd_lagging(children, out);
    }
}

static void plan_cmd_print_head(json_t *tree)
{
    char pct[24];
    json_t *p = json_object_get(tree, "plan"), *counts = json_object_get(p, "counts");
    printf("%s（%s，截至 %s）\n", text_field(p, "title"),
           text_field(p, "county") ? text_field(p, "county") : "", text_field(p, "on"));
    printf("总体进度 %s，状态：%s\n", plan_cmd_pct(pct, json_object_get(p, "progress")),
           plan_cmd_label(text_field(p, "status")));
    fputs("事项状态：", stdout);
    for (int st = 0; st < PLAN_NSTATUS; st++)
        printf("%s%s %lld 项", st ? "，" : "", plan_status_labels[st],
               (long long)text_field_int(counts, plan_status_codes[st]));
    fputc('\n', stdout);
}

static void plan_cmd_print_lagging(json_t *tree)
{
    char pct[24];
    size_t i;
    json_t *it, *lagging = json_array();
    plan_cmd_lagging(json_object_get(tree, "items"), lagging);
    if (json_array_size(lagging) == 0)
        puts("需关注的事项（有风险、滞后、逾期）：无");
    else
        printf("需关注的事项（有风险、滞后、逾期）%zu 项：\n", json_array_size(lagging));
    json_array_foreach(lagging, i, it)
        printf("  [%s] %s — 牵头：%s，进度 %s\n", plan_cmd_label(text_field(it, "status")),
               text_field(it, "title"), plan_cmd_dept(it),
               plan_cmd_pct(pct, json_object_get(it, "progress")));
    json_decref(lagging);
}

static void plan_cmd_print_reminders(json_t *r)
{
    json_t *items = json_is_array(r) ? r : json_object_get(r, "items"), *it;
    size_t i;
    if (json_array_size(items) == 0) {
        puts("应报未报的进度报告：无");
        return;
    }
    printf("应报未报的进度报告 %zu 项：\n", json_array_size(items));
    json_array_foreach(items, i, it) {
        long long late = (long long)text_field_int(it, "overdue_days");
        printf("  %s — 牵头：%s，应报 %s（截止 %s", text_field(it, "title"), plan_cmd_dept(it),
               text_field(it, "due_period"), text_field(it, "due_date"));
        if (late > 0)
            printf("，已逾期 %lld 天", late);
        printf("），最近报送 %s\n",
               text_field(it, "last_period") ? text_field(it, "last_period") : "（无）");
    }
}

static int plan_cmd_status(int argc, char **argv)
{
    int year;
    const char *on;
    int status = plan_cmd_check(argc, argv, plan_cmd_status_options);
    if (!status)
        status = plan_cmd_year_on(argc, argv, &year, &on);
    if (status)
        return status;
    store *s = NULL;
    store_db *db = NULL;
    json_t *plan = NULL, *tree = NULL, *reminders = NULL;
    char date[11];
    status = plan_cmd_open(argc, argv, year, on, &s, &db, &plan, date);
    if (!status) {
        int64_t id = text_field_int(plan, "id");
        if (plan_tree(db, id, date, 0, NULL, &tree) != STORE_OK ||
            plan_reminders(db, id, date, &reminders) != STORE_OK) {
            fprintf(stderr, "读取工作目标失败: %s\n", db_errmsg(db));
            status = 1;
        } else {
            plan_cmd_print_head(tree);
            plan_cmd_print_lagging(tree);
            plan_cmd_print_reminders(reminders);
        }
    }
    json_decref(tree);
    json_decref(reminders);
    plan_cmd_close(s, db, plan);
    return status;
}

int cmd_plan(int argc, char **argv)
{
    const char *sub = argc > 1 ? argv[1] : NULL;
    if (text_is(sub, "export"))
        return plan_cmd_export(argc - 1, argv + 1);
    if (text_is(sub, "status"))
        return plan_cmd_status(argc - 1, argv + 1);
    if (sub && (strcmp(sub, "help") == 0 || strcmp(sub, "--help") == 0)) {
        fputs(PLAN_CMD_USAGE, stdout);
        return 0;
    }
    if (!sub || strncmp(sub, "--", 2) == 0)
        return plan_cmd_usage("请给出 plan 的子命令：export 或 status");
    fprintf(stderr, "未知的 plan 子命令: %s\n", sub);
    return plan_cmd_usage(NULL);
}
