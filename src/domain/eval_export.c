/*
 * eval_export.c - the evaluation as spreadsheets (see eval_export.h).
 *
 * The workbook of GET /api/eval/export follows the inspection forms: the
 * resource table of each stage (one row per school part, the 7 values,
 * how many met, 达标 and what is missing), the 差异系数 of each indicator,
 * the 政府保障 items with the schools that fail them, 学前普及普惠, 班额
 * and school sizes, and the schools left out of the evaluation. Every
 * figure comes from the evaluation functions (eval_balanced,
 * eval_preschool, eval_class_size); nothing is computed here but text.
 */
#include "domain/eval_export.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/log.h"
#include "util/strbuf.h"
#include "util/text.h"

const xlsx_col eval_export_school_cols[] = {
    {"code", "学校标识码", 14, XLSX_TEXT},
    {"name", "学校名称", 28, XLSX_TEXT},
    {"type", "办学类型", 14, XLSX_TEXT},
    {"town", "街道/乡镇", 14, XLSX_TEXT},
    {"area", "城乡分类", 10, XLSX_TEXT},
    {"record_status", "基表状态", 10, XLSX_TEXT},
    {"pupils", "在校生数", 10, XLSX_INT},
    {"share", "共享资源分摊比例", 12, XLSX_REAL},
    {"qualified_teachers", "每百名学生拥有高于规定学历教师数", 16, XLSX_REAL},
    {"key_teachers", "每百名学生拥有县级以上骨干教师数", 16, XLSX_REAL},
    {"pe_art_teachers", "每百名学生拥有体育、艺术专任教师数", 16, XLSX_REAL},
    {"teaching_area", "生均教学及辅助用房面积（m²）", 16, XLSX_REAL},
    {"sports_area", "生均体育运动场馆面积（m²）", 16, XLSX_REAL},
    {"equipment_value", "生均教学仪器设备值（元）", 16, XLSX_REAL},
    {"multimedia_rooms", "每百名学生拥有网络多媒体教室数（间）", 16, XLSX_REAL},
    {"met", "达标项数", 10, XLSX_INT},
    {"verdict", "是否达标", 10, XLSX_TEXT},
    {"gaps", "差距", 48, XLSX_TEXT},
    {NULL, NULL, 0, XLSX_TEXT},
};

static const xlsx_col eval_export_cv_cols[] = {
    {"stage", "学段", 8, XLSX_TEXT},
    {"name", "指标", 36, XLSX_TEXT},
    {"unit", "单位", 8, XLSX_TEXT},
    {"threshold", "标准值", 10, XLSX_REAL},
    {"schools_meeting", "达标学校数", 10, XLSX_INT},
    {"mean", "均值", 10, XLSX_REAL},
    {"min", "最小值", 10, XLSX_REAL},
    {"max", "最大值", 10, XLSX_REAL},
    {"cv", "差异系数", 10, XLSX_REAL},
    {"cv_threshold", "差异系数标准", 12, XLSX_REAL},
    {"cv_pass", "是否达标", 10, XLSX_TEXT},
    {NULL, NULL, 0, XLSX_TEXT},
};

static const xlsx_col eval_export_guarantee_cols[] = {
    {"stage", "学段", 8, XLSX_TEXT},
    {"name", "项目", 30, XLSX_TEXT},
    {"threshold", "标准值", 10, XLSX_REAL},
    {"pass", "是否达标", 10, XLSX_TEXT},
    {"failing_count", "未达标学校数", 12, XLSX_INT},
    {"failing", "未达标学校", 60, XLSX_TEXT},
    {NULL, NULL, 0, XLSX_TEXT},
};

static const xlsx_col eval_export_preschool_cols[] = {
    {"name", "指标", 28, XLSX_TEXT},
    {"unit", "单位", 8, XLSX_TEXT},
    {"value", "数值", 12, XLSX_REAL},
    {"numerator", "分子", 12, XLSX_REAL},
    {"denominator", "分母", 12, XLSX_REAL},
    {"standards", "国家和省级标准", 36, XLSX_TEXT},
    {"targets", "本局目标", 30, XLSX_TEXT},
    {"pass", "是否达标", 10, XLSX_TEXT},
    {NULL, NULL, 0, XLSX_TEXT},
};

static const xlsx_col eval_export_size_cols[] = {
    {"group", "分类", 16, XLSX_TEXT},
    {"schools", "学校数", 8, XLSX_INT},
    {"classes", "班数", 8, XLSX_INT},
    {"pupils", "学生数", 10, XLSX_INT},
    {"average", "平均班额", 10, XLSX_REAL},
    {"large", "大班额班数", 10, XLSX_INT},
    {"huge", "超大班额班数", 12, XLSX_INT},
    {"large_share", "大班额比例", 10, XLSX_PERCENT},
    {"huge_share", "超大班额比例", 12, XLSX_PERCENT},
    {"capacity", "核定学位", 10, XLSX_INT},
    {"occupancy", "学位使用率", 10, XLSX_PERCENT},
    {"pass", "是否达标", 10, XLSX_TEXT},
    {NULL, NULL, 0, XLSX_TEXT},
};

static const xlsx_col eval_export_excluded_cols[] = {
    {"stage", "学段", 8, XLSX_TEXT},
    {"name", "学校名称", 28, XLSX_TEXT},
    {"type", "办学类型", 14, XLSX_TEXT},
    {"pupils", "在校生数", 10, XLSX_INT},
    {"reason", "不参评原因", 28, XLSX_TEXT},
    {NULL, NULL, 0, XLSX_TEXT},
};

static const char *eval_export_stage_label(const char *stage)
{
    return text_is(stage, "primary")  ? "小学"
           : text_is(stage, "junior") ? "初中"
           : text_is(stage, "senior") ? "高中"
                                      : stage;
}

/* A verdict as people read it: 达标 / 未达标, or nothing when unknown. */
static json_t *eval_export_verdict(json_t *pass)
{
    return json_is_boolean(pass) ? json_string(json_is_true(pass) ? "达标" : "未达标")
                                 : json_null();
}

/* Copy src[key] into dst[key] (null when absent). */
static void eval_export_copy(json_t *dst, json_t *src, const char *key)
{
    json_t *v = json_object_get(src, key);
    json_object_set_new(dst, key, v ? json_incref(v) : json_null());
}

/* The "text" members of the objects of list joined with "；", each
 * prefixed with its name_key member and "：" when name_key is given. */
static json_t *eval_export_join(json_t *list, const char *name_key)
{
    strbuf sb = STRBUF_INIT;
    size_t i;
    json_t *item;
    json_array_foreach(list, i, item) {
        const char *text = text_field(item, "text"), *name = name_key ? text_field(item, name_key) : NULL;
        if (!text)
            continue;
        if (sb.len)
            sb_append(&sb, "；");
        if (name) {
            sb_append(&sb, name);
            sb_append(&sb, "：");
        }
        sb_append(&sb, text);
    }
    json_t *out = json_string(sb_str(&sb));
    sb_free(&sb);
    return out;
}

json_t *eval_export_school_rows(json_t *balanced)
{
    json_t *rows = json_array();
    size_t i;
    json_t *school;
    json_array_foreach(json_object_get(balanced, "schools"), i, school) {
        json_t *row = json_object(), *values = json_object_get(school, "values");
        static const char *const keys[] = {"code",   "name",   "type",  "town",
                                           "area",   "record_status", "pupils", "share",
                                           "met",    NULL};
        for (int k = 0; keys[k]; k++)
            eval_export_copy(row, school, keys[k]);
        for (int k = 0; k < EVAL_NINDICATORS; k++)
            eval_export_copy(row, values, eval_indicator_keys[k]);
        json_object_set_new(row, "verdict", eval_export_verdict(json_object_get(school, "pass")));
        json_object_set_new(row, "gaps", eval_export_join(json_object_get(school, "gaps"), NULL));
        json_array_append_new(rows, row);
    }
    return rows;
}

/* 差异系数, 政府保障 and 不参评学校 rows of one stage's answer. */
static void eval_export_stage_rows(json_t *balanced, const char *stage, json_t *cv,
                                   json_t *guarantee, json_t *excluded)
{
    const char *label = eval_export_stage_label(stage);
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(balanced, "indicators"), i, item) {
        json_t *row = json_pack("{ss}", "stage", label);
        static const char *const keys[] = {"name", "unit", "threshold", "schools_meeting", "mean",
                                           "min",  "max",  "cv",        "cv_threshold",    NULL};
        for (int k = 0; keys[k]; k++)
            eval_export_copy(row, item, keys[k]);
        json_object_set_new(row, "cv_pass", eval_export_verdict(json_object_get(item, "cv_pass")));
        json_array_append_new(cv, row);
    }
    json_array_foreach(json_object_get(balanced, "guarantee"), i, item) {
        json_t *failing = json_object_get(item, "failing");
        json_t *row = json_pack("{ss sI}", "stage", label, "failing_count",
                                (json_int_t)json_array_size(failing));
        eval_export_copy(row, item, "name");
        eval_export_copy(row, item, "threshold");
        json_object_set_new(row, "pass", eval_export_verdict(json_object_get(item, "pass")));
        json_object_set_new(row, "failing", eval_export_join(failing, "name"));
        json_array_append_new(guarantee, row);
    }
    json_array_foreach(json_object_get(balanced, "excluded"), i, item) {
        json_t *row = json_pack("{ss}", "stage", label);
        eval_export_copy(row, item, "name");
        eval_export_copy(row, item, "type");
        eval_export_copy(row, item, "pupils");
        eval_export_copy(row, item, "reason");
        json_array_append_new(excluded, row);
    }
}

/* "国家 >= 0.85；河南省 >= 0.9" of a list of standards or targets. */
static json_t *eval_export_standards_text(json_t *list)
{
    strbuf sb = STRBUF_INIT;
    size_t i;
    json_t *s;
    json_array_foreach(list, i, s) {
        json_t *t = json_object_get(s, "threshold");
        if (!json_is_number(t))
            continue;
        sb_appendf(&sb, "%s%s %s %g", sb.len ? "；" : "", text_field(s, "level") ? text_field(s, "level") : "",
                   text_field(s, "comparison") ? text_field(s, "comparison") : "",
                   json_number_value(t));
    }
    json_t *out = json_string(sb_str(&sb));
    sb_free(&sb);
    return out;
}

static json_t *eval_export_preschool_rows(json_t *preschool)
{
    json_t *rows = json_array();
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(preschool, "indicators"), i, item) {
        json_t *row = json_object();
        static const char *const keys[] = {"name", "unit", "value", "numerator", "denominator",
                                           NULL};
        for (int k = 0; keys[k]; k++)
            eval_export_copy(row, item, keys[k]);
        json_object_set_new(row, "standards",
                            eval_export_standards_text(json_object_get(item, "standards")));
        json_object_set_new(row, "targets",
                            eval_export_standards_text(json_object_get(item, "targets")));
        json_object_set_new(row, "pass", eval_export_verdict(json_object_get(item, "pass")));
        json_array_append_new(rows, row);
    }
    return rows;
}

/* The stages of class-size, then its 城乡分类 rows. */
static json_t *eval_export_size_rows(json_t *size)
{
    json_t *rows = json_array();
    size_t i;
    json_t *item;
    static const char *const keys[] = {"schools",     "classes",    "pupils",   "average",
                                       "large",       "huge",       "large_share",
                                       "huge_share",  "capacity",   "occupancy", NULL};
    json_array_foreach(json_object_get(size, "stages"), i, item) {
        json_t *row = json_object();
        const char *label = text_field(item, "label");
        if (!label)
            label = eval_export_stage_label(text_field(item, "stage"));
        json_object_set_new(row, "group", json_string(label ? label : ""));
        for (int k = 0; keys[k]; k++)
            eval_export_copy(row, item, keys[k]);
        json_object_set_new(row, "pass", eval_export_verdict(json_object_get(item, "pass")));
        json_array_append_new(rows, row);
    }
    json_array_foreach(json_object_get(size, "by_area"), i, item) {
        json_t *row = json_object();
        const char *stage = eval_export_stage_label(text_field(item, "stage"));
        char group[96];
        snprintf(group, sizeof group, "%s·%s", text_field(item, "area") ? text_field(item, "area") : "",
                 stage ? stage : "");
        json_object_set_new(row, "group", json_string(group));
        for (int k = 0; keys[k]; k++)
            eval_export_copy(row, item, keys[k]);
        json_array_append_new(rows, row);
    }
    return rows;
}

int eval_export_book(store_db *db, const eval_scope *scope, int year, char **out,
                     size_t *out_len)
{
    json_t *primary = NULL, *junior = NULL, *preschool = NULL, *size = NULL;
    json_t *cv = json_array(), *guarantee = json_array(), *excluded = json_array();
    json_t *primary_rows = NULL, *junior_rows = NULL, *preschool_rows = NULL, *size_rows = NULL;
    refusal e = {0};
    char *err = NULL;

    *out = NULL;
    *out_len = 0;
    int rc = eval_balanced(db, scope, year, "primary", NULL, EVAL_DETAIL, &primary, &e);
    if (rc == STORE_OK)
        rc = eval_balanced(db, scope, year, "junior", NULL, EVAL_DETAIL, &junior, &e);
    if (rc == STORE_OK) /* its sheet is the indicators and towns, not the kindergartens */
        rc = eval_preschool(db, scope, year, EVAL_SUMMARY, &preschool);
    if (rc == STORE_OK)
        rc = eval_class_size(db, scope, year, &size);
    if (rc != STORE_OK)
        goto done;
    eval_export_stage_rows(primary, "primary", cv, guarantee, excluded);
    eval_export_stage_rows(junior, "junior", cv, guarantee, excluded);
    primary_rows = eval_export_school_rows(primary);
    junior_rows = eval_export_school_rows(junior);
    preschool_rows = eval_export_preschool_rows(preschool);
    size_rows = eval_export_size_rows(size);

    xlsx_book *b = xlsx_book_new(0, &err);
    if (!b) {
        rc = STORE_ERROR;
        goto done;
    }
    xlsx_book_sheet(b, "小学资源配置", eval_export_school_cols, primary_rows);
    xlsx_book_sheet(b, "初中资源配置", eval_export_school_cols, junior_rows);
    xlsx_book_sheet(b, "差异系数", eval_export_cv_cols, cv);
    xlsx_book_sheet(b, "政府保障", eval_export_guarantee_cols, guarantee);
    xlsx_book_sheet(b, "学前普及普惠", eval_export_preschool_cols, preschool_rows);
    xlsx_book_sheet(b, "班额与规模", eval_export_size_cols, size_rows);
    xlsx_book_sheet(b, "不参评学校", eval_export_excluded_cols, excluded);
    if (xlsx_book_finish(b, out, out_len, &err) != 0)
        rc = STORE_ERROR;
done:
    if (err) {
        log_error("eval export: %s", err);
        free(err);
    }
    json_decref(primary);
    json_decref(junior);
    json_decref(preschool);
    json_decref(size);
    json_decref(cv);
    json_decref(guarantee);
    json_decref(excluded);
    json_decref(primary_rows);
    json_decref(junior_rows);
    json_decref(preschool_rows);
    json_decref(size_rows);
    return rc;
}
