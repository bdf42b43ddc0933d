/*
 * eval_cmd.c - `edubureau eval`: the county's 评估 verdict on a terminal or
 * from cron, through the same functions as GET /api/eval/...
 * (docs/api-eval.md), and the evaluation workbook of GET /api/eval/export.
 *
 *   edubureau eval [--year Y] [--stage primary|junior|preschool|class-size]
 *                  [--org ID_OR_NAME] [--out FILE.xlsx] [--db F]
 *
 * Without --stage it prints every part: 义务教育优质均衡 of 小学 and 初中
 * (each indicator's county mean, threshold, 差异系数 against its threshold,
 * the schools meeting it, the schools passing, the 政府保障 items and the
 * failing items), 学前普及普惠 (each indicator against its standards and
 * the bureau's targets) and 班额 (the stage table). --org is a unit id or
 * exact name (default: the only county); --year the school year (default:
 * the latest with records in scope). The command line has no user: every
 * unit is in reach. Exit codes: 0 whenever the evaluation ran, whatever
 * its verdict; 2 a bad argument (the message names the option); 1 a store
 * or file error.
 */
#include "cli/cli.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/opts.h"
#include "domain/eval.h"
#include "domain/eval_export.h"
#include "domain/org.h"
#include "domain/stats.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/clock.h"
#include "util/text.h"

#define EVAL_CMD_USAGE                                                                      \
    "用法: edubureau eval [--year 学年] [--stage primary|junior|preschool|class-size]\n"    \
    "                     [--org 机构编号或名称] [--out 文件.xlsx] [--db 文件]\n"            \
    "不加 --stage 时输出全部：小学、初中优质均衡，学前普及普惠，班额与规模。\n"              \
    "--org 默认为库中唯一的县（市、区）；--year 默认为有基表的最近学年；\n"                  \
    "--out 另存完整的评估工作簿（与网页“导出评估表”相同）。\n"

static const char *const eval_cmd_options[] = {"db=", "year=", "stage=", "org=", "out=", NULL};
static const char *const eval_cmd_stages[] = {"primary", "junior", "preschool", "class-size",
                                              NULL};

/* What the command evaluates. */
typedef struct eval_cmd {
    store_db *db;
    arena *a;
    eval_scope scope;
    const char *org_name;
    int year;
} eval_cmd;

static int eval_cmd_usage(const char *problem)
{
    if (problem)
        fprintf(stderr, "%s\n", problem);
    fputs(EVAL_CMD_USAGE, stderr);
    return 2;
}

/* ------------------------------------------------------------- numbers */

/* A number of an answer as it reads ("—" for null): the same digits the
 * API and the workbook carry. */
static const char *eval_cmd_num(char buf[40], json_t *v)
{
    if (!json_is_number(v))
        return "—";
    snprintf(buf, 40, "%.15g", json_number_value(v));
    return buf;
}

/* A fraction as a percentage with up to two decimals ("—" for null). */
static const char *eval_cmd_pct(char buf[40], json_t *v)
{
    if (!json_is_number(v))
        return "—";
    snprintf(buf, 40, "%.2f", json_number_value(v) * 100);
    char *end = buf + strlen(buf);
    while (end > buf && end[-1] == '0')
        *--end = '\0';
    if (end > buf && end[-1] == '.')
        *--end = '\0';
    strcat(buf, "%");
    return buf;
}

/* A value in its unit: "%" indicators are fractions. */
static const char *eval_cmd_value(char buf[40], json_t *v, const char *unit)
{
    return text_is(unit, "%") ? eval_cmd_pct(buf, v) : eval_cmd_num(buf, v);
}

static const char *eval_cmd_verdict(json_t *pass)
{
    return json_is_true(pass) ? "达标" : json_is_false(pass) ? "未达标" : "无法判定";
}

static const char *eval_cmd_comparison(const char *c)
{
    return text_is(c, "<=") ? "≤" : text_is(c, ">=") ? "≥" : c ? c : "";
}

/* ------------------------------------------------------------ 优质均衡 */

static void eval_cmd_print_indicator(json_t *ind)
{
    char mean[40], threshold[40], cv[40], cv_max[40], meeting[40];
    const char *unit = text_field(ind, "unit");
    printf("  %s：均值 %s %s，标准值 %s，达标学校 %s 所；差异系数 %s（标准 ≤ %s，%s）\n",
           text_field(ind, "name"), eval_cmd_num(mean, json_object_get(ind, "mean")),
           unit ? unit : "", eval_cmd_num(threshold, json_object_get(ind, "threshold")),
           eval_cmd_num(meeting, json_object_get(ind, "schools_meeting")),
           eval_cmd_num(cv, json_object_get(ind, "cv")),
           eval_cmd_num(cv_max, json_object_get(ind, "cv_threshold")),
           eval_cmd_verdict(json_object_get(ind, "cv_pass")));
}

static void eval_cmd_print_guarantee(json_t *item)
{
    char threshold[40];
    size_t failing = json_array_size(json_object_get(item, "failing"));
    printf("  %s：标准 %s，%s", text_field(item, "name"),
           eval_cmd_num(threshold, json_object_get(item, "threshold")),
           eval_cmd_verdict(json_object_get(item, "pass")));
    if (failing)
        printf("（%zu 所学校未达要求）", failing);
    fputc('\n', stdout);
}

static void eval_cmd_print_balanced(json_t *b, const char *label)
{
    size_t i;
    json_t *item, *failures = json_object_get(b, "failures");
    printf("\n== 义务教育优质均衡（%s）：%s ==\n", label, eval_cmd_verdict(json_object_get(b, "pass")));
    printf("参评学校 %lld 所，资源配置达标 %lld 所；不参评 %zu 所\n",
           (long long)text_field_int(b, "schools_total"),
           (long long)text_field_int(b, "schools_passing"),
           json_array_size(json_object_get(b, "excluded")));
    puts("资源配置指标：");
    json_array_foreach(json_object_get(b, "indicators"), i, item)
        eval_cmd_print_indicator(item);
    puts("政府保障：");
    json_array_foreach(json_object_get(b, "guarantee"), i, item)
        eval_cmd_print_guarantee(item);
    if (json_array_size(failures) == 0) {
        puts("未达标项：无");
        return;
    }
    printf("未达标项（%zu）：\n", json_array_size(failures));
    json_array_foreach(failures, i, item)
        printf("  · %s\n", text_field(item, "text"));
}

static int eval_cmd_balanced(eval_cmd *c, const char *stage)
{
    json_t *out = NULL;
    refusal e = {0};
    int rc = eval_balanced(c->db, &c->scope, c->year, stage, NULL, EVAL_SUMMARY, &out, &e);
    if (rc != STORE_OK) {
        fprintf(stderr, "评估失败: %s\n", rc == REFUSED ? e.message : db_errmsg(c->db));
        json_decref(out);
        return 1;
    }
    eval_cmd_print_balanced(out, text_is(stage, "primary") ? "小学" : "初中");
    json_decref(out);
    return 0;
}

/* ---------------------------------------------------------------- 学前 */

/* "国家 ≥ 85% 达标；河南省 ≥ 90% 未达标" of standards (judged) or of
 * targets (达到 / 未达到, with the year they start). */
static void eval_cmd_print_levels(json_t *list, const char *unit, int targets)
{
    size_t i;
    json_t *s;
    json_array_foreach(list, i, s) {
        char threshold[40];
        json_t *pass = json_object_get(s, "pass");
        printf("%s%s %s %s", i ? "；" : "", targets ? "本局目标" : text_field(s, "level"),
               eval_cmd_comparison(text_field(s, "comparison")),
               eval_cmd_value(threshold, json_object_get(s, "threshold"), unit));
        if (targets)
            printf("（%lld 年起）%s", (long long)text_field_int(s, "year_from"),
                   json_is_true(pass) ? "已达到" : json_is_false(pass) ? "未达到" : "无法判定");
        else
            printf(" %s", eval_cmd_verdict(pass));
    }
}

static void eval_cmd_print_preschool_indicator(json_t *ind)
{
    char value[40], num[40], den[40];
    const char *unit = text_field(ind, "unit");
    json_t *standards = json_object_get(ind, "standards");
    json_t *targets = json_object_get(ind, "targets"), *v = json_object_get(ind, "value");
    int bare = text_is(unit, "%") || !json_is_number(v) || !unit;
    printf("  %s %s%s%s（%s ÷ %s）：", text_field(ind, "name"), eval_cmd_value(value, v, unit),
           bare ? "" : " ", bare ? "" : unit,
           eval_cmd_num(num, json_object_get(ind, "numerator")),
           eval_cmd_num(den, json_object_get(ind, "denominator")));
    if (json_array_size(standards))
        eval_cmd_print_levels(standards, unit, 0);
    else
        fputs("无国家和省级标准", stdout);
    if (json_array_size(targets)) {
        fputs("；", stdout);
        eval_cmd_print_levels(targets, unit, 1);
    }
    if (json_array_size(standards))
        printf(" → %s\n", eval_cmd_verdict(json_object_get(ind, "pass")));
    else
        puts(" → 仅本局目标，不计入结论");
}

static int eval_cmd_preschool(eval_cmd *c)
{
    json_t *out = NULL, *item, *missing;
    size_t i;
    int rc = eval_preschool(c->db, &c->scope, c->year, EVAL_SUMMARY, &out);
    if (rc != STORE_OK) {
        fprintf(stderr, "评估失败: %s\n", db_errmsg(c->db));
        json_decref(out);
        return 1;
    }
    printf("\n== 学前教育普及普惠：%s ==\n", eval_cmd_verdict(json_object_get(out, "pass")));
    json_array_foreach(json_object_get(out, "indicators"), i, item)
        eval_cmd_print_preschool_indicator(item);
    missing = json_object_get(out, "missing_population");
    if (json_array_size(missing)) {
        fputs("缺少 3-5 周岁人口数的乡镇（毛入园率无法计算）：", stdout);
        json_array_foreach(missing, i, item)
            printf("%s%s", i ? "、" : "", json_string_value(item));
        fputc('\n', stdout);
    }
    json_decref(out);
    return 0;
}

/* ---------------------------------------------------------------- 班额 */

static void eval_cmd_print_size_stage(json_t *st)
{
    char classes[40], pupils[40], average[40], large[40], huge[40], share[40], max[40];
    json_t *huge_max = json_object_get(st, "huge_threshold");
    printf("  %s：%s 个班，%s 人，平均班额 %s 人；", text_field(st, "label"),
           eval_cmd_num(classes, json_object_get(st, "classes")),
           eval_cmd_num(pupils, json_object_get(st, "pupils")),
           eval_cmd_num(average, json_object_get(st, "average")));
    if (json_is_number(huge_max)) {
        printf("大班额（56-65人）%s 个，占 %s（标准 ≤ %s）；",
               eval_cmd_num(large, json_object_get(st, "large")),
               eval_cmd_pct(share, json_object_get(st, "large_share")),
               eval_cmd_pct(max, json_object_get(st, "large_threshold")));
        printf("超大班额（66人及以上）%s 个，占 %s（标准 ≤ %s）",
               eval_cmd_num(huge, json_object_get(st, "huge")),
               eval_cmd_pct(share, json_object_get(st, "huge_share")), eval_cmd_pct(max, huge_max));
    } else {
        json_t *both = json_real(json_number_value(json_object_get(st, "large_share")) +
                                 json_number_value(json_object_get(st, "huge_share")));
        printf("56人及以上班级 %lld 个，占 %s（标准 ≤ %s）",
               (long long)(text_field_int(st, "large") + text_field_int(st, "huge")),
               eval_cmd_pct(share, both),
               eval_cmd_pct(max, json_object_get(st, "large_threshold")));
        json_decref(both);
    }
    printf(" → %s\n", eval_cmd_verdict(json_object_get(st, "pass")));
}

static void eval_cmd_print_over_size(json_t *list)
{
    size_t i;
    json_t *s;
    if (!json_array_size(list))
        return;
    printf("超过规模上限的学校（%zu 所）：", json_array_size(list));
    json_array_foreach(list, i, s)
        printf("%s%s（%lld 人，上限 %lld）", i ? "、" : "", text_field(s, "name"),
               (long long)text_field_int(s, "pupils"), (long long)text_field_int(s, "limit"));
    fputc('\n', stdout);
}

static int eval_cmd_class_size(eval_cmd *c)
{
    json_t *out = NULL, *item;
    size_t i;
    int rc = eval_class_size(c->db, &c->scope, c->year, &out);
    if (rc != STORE_OK) {
        fprintf(stderr, "评估失败: %s\n", db_errmsg(c->db));
        json_decref(out);
        return 1;
    }
    puts("\n== 班额与学校规模 ==");
    json_array_foreach(json_object_get(out, "stages"), i, item)
        eval_cmd_print_size_stage(item);
    const char *crowding = text_field(json_object_get(out, "crowding"), "text");
    if (crowding && *crowding)
        printf("%s\n", crowding);
    eval_cmd_print_over_size(json_object_get(out, "over_size"));
    if (json_array_size(json_object_get(out, "over_capacity")))
        printf("在校生超过核定学位的学校：%zu 所\n",
               json_array_size(json_object_get(out, "over_capacity")));
    json_decref(out);
    return 0;
}

/* ------------------------------------------------------------- the run */

/* The scope of the unit (org_get's shape) into c. */
static int eval_cmd_scope(eval_cmd *c, json_t *unit)
{
    const char *path = arena_strdup(c->a, text_field(unit, "path"));
    const char *level = text_field(unit, "level");
    c->org_name = arena_strdup(c->a, text_field(unit, "name"));
    c->scope.path = path;
    c->scope.path_hi = org_scope_upper(c->a, path);
    c->scope.county_org_id = 0;
    if (text_is(level, "county")) {
        c->scope.county_org_id = text_field_int(unit, "id");
    } else if (text_is(level, "town") || text_is(level, "school")) {
        json_t *county = NULL;
        int rc = org_ancestor_of_level(c->db, path, "county", &county);
        if (rc == STORE_OK)
            c->scope.county_org_id = text_field_int(county, "id");
        json_decref(county);
        if (rc != STORE_OK && rc != STORE_NOTFOUND) {
            fprintf(stderr, "读取机构失败: %s\n", db_errmsg(c->db));
            return 1;
        }
    }
    return 0;
}

/* The school year: --year, else the latest with records, else this one;
 * a note when the chosen year has no records in scope. */
static void eval_cmd_year(eval_cmd *c, int year)
{
    int latest = eval_latest_year(c->db, &c->scope, year ? year : 2100);
    c->year = year ? year : latest ? latest : stats_school_year(clock_now());
    printf("%s %d学年 评估结果\n", c->org_name, c->year);
    if (latest != c->year)
        printf("注意：%s %d学年没有基表记录，以下结果为空。\n", c->org_name, c->year);
}

static int eval_cmd_write_book(eval_cmd *c, const char *path)
{
    char *data = NULL;
    size_t len = 0;
    int rc = eval_export_book(c->db, &c->scope, c->year, &data, &len);
    if (rc != STORE_OK) {
        fprintf(stderr, "评估工作簿生成失败: %s\n", db_errmsg(c->db));
        return 1;
    }
    FILE *f = fopen(path, "wb");
    int ok = f && fwrite(data, 1, len, f) == len;
    if (f && fclose(f) != 0)
        ok = 0;
    free(data);
    if (!ok) {
        fprintf(stderr, "无法写入 %s\n", path);
        return 1;
    }
    printf("\n已导出评估工作簿到 %s（%zu 字节）\n", path, len);
    return 0;
}

static int eval_cmd_run(eval_cmd *c, const char *stage, const char *out_path)
{
    int status = 0;
    if (!stage || text_is(stage, "primary"))
        status = eval_cmd_balanced(c, "primary");
    if (!status && (!stage || text_is(stage, "junior")))
        status = eval_cmd_balanced(c, "junior");
    if (!status && (!stage || text_is(stage, "preschool")))
        status = eval_cmd_preschool(c);
    if (!status && (!stage || text_is(stage, "class-size")))
        status = eval_cmd_class_size(c);
    if (!status && out_path)
        status = eval_cmd_write_book(c, out_path);
    return status;
}

/* The arguments: 0, or the exit code after saying what is wrong. */
static int eval_cmd_args(int argc, char **argv, int *year, const char **stage,
                         const char **out_path)
{
    if (cli_only_options(argc, argv, eval_cmd_options) != 0)
        return eval_cmd_usage(NULL);
    if (cli_year(argc, argv, year) != 0 || cli_opt_text(argc, argv, "stage", stage) != 0 ||
        cli_opt_text(argc, argv, "out", out_path) != 0)
        return eval_cmd_usage(NULL);
    for (int i = 0; *stage && eval_cmd_stages[i]; i++)
        if (strcmp(*stage, eval_cmd_stages[i]) == 0)
            return 0;
    if (*stage)
        return eval_cmd_usage("选项 --stage：应为 primary（小学）、junior（初中）、preschool（学前）"
                              "或 class-size（班额）");
    return 0;
}

int cmd_eval(int argc, char **argv)
{
    int year = 0;
    const char *stage = NULL, *out_path = NULL;
    int status = eval_cmd_args(argc, argv, &year, &stage, &out_path);
    if (status)
        return status;
    store *s = cli_open_store(cli_db_path(argc, argv, "edubureau.db"), 1);
    if (!s)
        return 1;
    eval_cmd c = {.db = store_acquire(s), .a = arena_new()};
    json_t *unit = NULL;
    status = cli_org_unit(c.db, argc, argv, &unit);
    if (!status)
        status = eval_cmd_scope(&c, unit);
    json_decref(unit);
    if (!status) {
        eval_cmd_year(&c, year);
        status = eval_cmd_run(&c, stage, out_path);
    }
    arena_free(c.a);
    store_release(s, c.db);
    store_close(s);
    return status;
}
