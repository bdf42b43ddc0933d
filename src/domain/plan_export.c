/*
 * plan_export.c - the plan with its progress as an xlsx workbook, and the
 * 督查通报 (progress bulletin) as an official-document .docx.
 *
 * Both read the tree exactly as GET /api/plans/{id}/tree gives it
 * (plan_tree on the date on), so the files say what the screen says:
 *   xlsx  sheet 目标任务: one row per target (an item without targets: one
 *         row), with the item's trail, departments, dates, figures, status;
 *         sheet 滞后事项: the leaves at risk, behind or overdue with the
 *         problems of their latest report.
 *   docx  title, date, the overall progress and counts, what went well,
 *         a table of the items at risk, behind and overdue, a table of the
 *         reports due (plan_reminders), the requirements, the issuer.
 */
#include "domain/plan_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/docx_out.h"
#include "io/xlsx_out.h"
#include "util/strbuf.h"
#include "util/text.h"

/* What the export walks: the tree, the leaves in order, the latest
 * problems text of each item. */
typedef struct plan_doc {
    json_t *tree;     /* plan_tree's answer */
    json_t *rows;     /* 目标任务 rows */
    json_t *lagging;  /* 滞后事项 rows */
    json_t *problems; /* item id (text) -> latest report's problems */
} plan_doc;

static const char *pd_text(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

static const char *pd_status_label(const char *code)
{
    int s = plan_status_of(code);
    return s >= 0 ? plan_status_labels[s] : "";
}

/* row[key] = the number o[key] as a real, or null. */
static void pd_copy_num(json_t *row, json_t *o, const char *key)
{
    json_object_set_new(row, key, plan_json_num(plan_field_num(o, key)));
}

/* The problems of the latest report of every item of the plan. */
static int pd_load_problems(store_db *db, int64_t plan_id, json_t **out)
{
    json_t *rows = NULL;
    sval p[] = {SV_I(plan_id)};
    int rc = db_query(db,
                      "SELECT r.item_id, r.problems FROM plan_reports r "
                      "JOIN plan_items i ON i.id = r.item_id WHERE i.plan_id = ? "
                      "ORDER BY r.item_id, r.reported_on, r.id",
                      p, 1, &rows);
    if (rc != STORE_OK)
        return rc;
    *out = json_object();
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) {
        char key[24];
        snprintf(key, sizeof key, "%lld", (long long)text_field_int(row, "item_id"));
        json_object_set(*out, key, json_object_get(row, "problems")); /* the latest wins */
    }
    json_decref(rows);
    return STORE_OK;
}

static const char *pd_problems(plan_doc *d, json_t *item)
{
    char key[24];
    snprintf(key, sizeof key, "%lld", (long long)text_field_int(item, "id"));
    const char *s = json_string_value(json_object_get(d->problems, key));
    return s ? s : "";
}

/* The common columns of an item's row. */
static json_t *pd_item_row(json_t *item, const char *trail)
{
    json_t *last = json_object_get(item, "last_report");
    json_t *lead = json_object_get(item, "lead_dept");
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:s}", "code", pd_text(item, "code"),
                     "trail", trail, "title", pd_text(item, "title"), "lead_dept",
                     pd_text(lead, "name"), "leader", pd_text(item, "leader"), "due_date",
                     pd_text(item, "due_date"), "status",
                     pd_status_label(pd_text(item, "status")), "progress",
                     plan_json_num(plan_field_num(item, "progress")),
                     "last_period", json_is_object(last) ? pd_text(last, "period") : "");
}

/* Rows of the 目标任务 sheet for item (one per target), and its 滞后事项
 * row when it is a leaf at risk, behind or overdue. */
static void pd_item_rows(plan_doc *d, json_t *item, const char *trail)
{
    json_t *targets = json_object_get(item, "targets");
    size_t i;
    json_t *t;
    if (json_array_size(targets) == 0)
        json_array_append_new(d->rows, pd_item_row(item, trail));
    json_array_foreach(targets, i, t) {
        json_t *row = pd_item_row(item, trail);
        const char *source = pd_text(t, "source");
        json_object_set_new(row, "target", json_string(pd_text(t, "name")));
        json_object_set_new(row, "unit", json_string(pd_text(t, "unit")));
        pd_copy_num(row, t, "baseline");
        pd_copy_num(row, t, "floor");
        pd_copy_num(row, t, "stretch");
        pd_copy_num(row, t, "current");
        pd_copy_num(row, t, "progress");
        json_object_set_new(row, "source", json_string(strncmp(source, "live:", 5) == 0 ? "实时" : "报送"));
        json_object_set_new(row, "status", json_string(pd_status_label(pd_text(t, "status"))));
        json_array_append_new(d->rows, row);
    }
    const char *status = pd_text(item, "status");
    if (json_array_size(json_object_get(item, "children")) == 0 &&
        (strcmp(status, "at_risk") == 0 || strcmp(status, "behind") == 0 ||
         strcmp(status, "overdue") == 0)) {
        json_t *row = pd_item_row(item, trail);
        json_object_set_new(row, "problems", json_string(pd_problems(d, item)));
        json_array_append_new(d->lagging, row);
    }
}

/* Depth first over items, with the trail of ancestor titles. */
static void pd_walk(plan_doc *d, json_t *items, const char *trail)
{
    size_t i;
    json_t *item;
    json_array_foreach(items, i, item) {
        pd_item_rows(d, item, trail);
        strbuf sub = STRBUF_INIT;
        sb_append(&sub, trail);
        if (*trail)
            sb_append(&sub, " › ");
        sb_append(&sub, pd_text(item, "title"));
        pd_walk(d, json_object_get(item, "children"), sb_str(&sub));
        sb_free(&sub);
    }
}

static void pd_free(plan_doc *d)
{
    json_decref(d->tree);
    json_decref(d->rows);
    json_decref(d->lagging);
    json_decref(d->problems);
}

/* Load the tree on date on and flatten it. 0, or -1 with *err. */
static int pd_load(store_db *db, int64_t plan_id, const char *on, plan_doc *d, char **err)
{
    memset(d, 0, sizeof *d);
    int rc = plan_tree(db, plan_id, on, 0, NULL, &d->tree);
    if (rc == STORE_OK)
        rc = pd_load_problems(db, plan_id, &d->problems);
    if (rc != STORE_OK) {
        *err = strdup(rc == STORE_NOTFOUND ? "计划不存在" : "读取计划失败");
        pd_free(d);
        return -1;
    }
    d->rows = json_array();
    d->lagging = json_array();
    pd_walk(d, json_object_get(d->tree, "items"), "");
    return 0;
}

/* ------------------------------------------------------------------ xlsx */

static const xlsx_col pd_target_cols[] = {
    {"code", "编号", 6, XLSX_TEXT},         {"trail", "所属", 28, XLSX_TEXT},
    {"title", "事项", 30, XLSX_TEXT},       {"lead_dept", "牵头股室", 12, XLSX_TEXT},
    {"leader", "责任领导", 10, XLSX_TEXT},  {"due_date", "完成时限", 12, XLSX_TEXT},
    {"target", "目标", 26, XLSX_TEXT},      {"unit", "单位", 6, XLSX_TEXT},
    {"baseline", "基线", 10, XLSX_REAL},    {"floor", "保底", 10, XLSX_REAL},
    {"stretch", "力争", 10, XLSX_REAL},     {"current", "当前", 10, XLSX_REAL},
    {"source", "来源", 6, XLSX_TEXT},       {"progress", "进度", 8, XLSX_PERCENT},
    {"status", "状态", 8, XLSX_TEXT},       {"last_period", "最近报送", 10, XLSX_TEXT},
    {NULL, NULL, 0, XLSX_TEXT},
};

static const xlsx_col pd_lagging_cols[] = {
    {"code", "编号", 6, XLSX_TEXT},        {"trail", "所属", 28, XLSX_TEXT},
    {"title", "事项", 30, XLSX_TEXT},      {"lead_dept", "牵头股室", 12, XLSX_TEXT},
    {"leader", "责任领导", 10, XLSX_TEXT}, {"due_date", "完成时限", 12, XLSX_TEXT},
    {"status", "状态", 8, XLSX_TEXT},      {"progress", "进度", 8, XLSX_PERCENT},
    {"problems", "存在问题", 40, XLSX_TEXT}, {"last_period", "最近报送", 10, XLSX_TEXT},
    {NULL, NULL, 0, XLSX_TEXT},
};

int plan_export_xlsx(store_db *db, int64_t plan_id, const char *on, char **out, size_t *len,
                     char **err)
{
    plan_doc d;
    *out = NULL;
    *len = 0;
    if (pd_load(db, plan_id, on, &d, err) != 0)
        return -1;
    xlsx_book *book = xlsx_book_new(0, err);
    int rc = -1;
    if (book) {
        xlsx_book_sheet(book, "目标任务", pd_target_cols, d.rows);
        xlsx_book_sheet(book, "滞后事项", pd_lagging_cols, d.lagging);
        rc = xlsx_book_finish(book, out, len, err);
    }
    pd_free(&d);
    return rc;
}

/* ------------------------------------------------------------------ docx */

/* "2022-09-30" as "2022年9月30日". */
static void pd_date_cn(const char *date, char *out, size_t n)
{
    int y = 0, m = 0, day = 0;
    if (date && sscanf(date, "%d-%d-%d", &y, &m, &day) == 3)
        snprintf(out, n, "%d年%d月%d日", y, m, day);
    else
        snprintf(out, n, "%s", date ? date : "");
}

static long pd_count(json_t *counts, const char *status)
{
    return (long)text_field_int(counts, status);
}

/* 一、总体进展 */
static void pd_docx_overview(docx *doc, json_t *plan, const char *on_cn, size_t targets)
{
    json_t *c = json_object_get(plan, "counts");
    long leaves = 0;
    for (int s = 0; s < PLAN_NSTATUS; s++)
        leaves += pd_count(c, plan_status_codes[s]);
    double progress = plan_field_num(plan, "progress");
    docx_para(doc, DOCX_HEADING1, "一、总体进展");
    docx_paraf(doc, DOCX_BODY,
               "截至%s，%s共有重点事项%ld项、量化目标%zu项，总体进度%.0f%%。其中已完成%ld项，"
               "正常推进%ld项，有风险%ld项，滞后%ld项，逾期%ld项，未报送进展%ld项。",
               on_cn, pd_text(plan, "title"), leaves, targets, isnan(progress) ? 0 : progress * 100,
               pd_count(c, "achieved"), pd_count(c, "on_track"), pd_count(c, "at_risk"),
               pd_count(c, "behind"), pd_count(c, "overdue"), pd_count(c, "no_data"));
}

/* 二、进展较好的事项: the achieved targets' names. */
static void pd_docx_good(docx *doc, plan_doc *d)
{
    strbuf text = STRBUF_INIT;
    size_t i, n = 0;
    json_t *row;
    json_array_foreach(d->rows, i, row) {
        if (strcmp(pd_text(row, "status"), plan_status_labels[PLAN_ACHIEVED]) != 0)
            continue;
        const char *what = *pd_text(row, "target") ? pd_text(row, "target") : pd_text(row, "title");
        sb_appendf(&text, "%s%s", n++ ? "；" : "", what);
    }
    docx_para(doc, DOCX_HEADING1, "二、进展较好的事项");
    if (n)
        docx_paraf(doc, DOCX_BODY, "已完成的目标任务%zu项：%s。", n, sb_str(&text));
    else
        docx_para(doc, DOCX_BODY, "截至目前尚无已完成的目标任务。");
    sb_free(&text);
}

/* 三、滞后和有风险的事项 */
static void pd_docx_lagging(docx *doc, plan_doc *d)
{
    docx_para(doc, DOCX_HEADING1, "三、滞后和有风险的事项");
    if (json_array_size(d->lagging) == 0) {
        docx_para(doc, DOCX_BODY, "各项工作均按计划推进，暂无滞后事项。");
        return;
    }
    docx_paraf(doc, DOCX_BODY, "以下%zu项工作进度滞后或存在风险，请牵头股室认真分析原因，加快推进：",
               json_array_size(d->lagging));
    static const char *const heads[] = {"序号", "事项", "牵头股室", "状态", "进度", "存在问题"};
    static const int widths[] = {3, 14, 6, 4, 4, 16};
    docx_table_begin(doc, 6, heads, widths);
    size_t i;
    json_t *row;
    json_array_foreach(d->lagging, i, row) {
        char no[24], pct[32];
        snprintf(no, sizeof no, "%zu", i + 1);
        double p = plan_field_num(row, "progress");
        snprintf(pct, sizeof pct, isnan(p) ? "—" : "%.0f%%", isnan(p) ? 0 : p * 100);
        const char *cells[] = {no, pd_text(row, "title"), pd_text(row, "lead_dept"),
                               pd_text(row, "status"), pct, pd_text(row, "problems")};
        docx_table_row(doc, cells);
    }
    docx_table_end(doc);
}

/* 四、未按时报送进展的事项 */
static void pd_docx_reminders(docx *doc, json_t *reminders)
{
    json_t *items = json_object_get(reminders, "items");
    docx_para(doc, DOCX_HEADING1, "四、未按时报送进展的事项");
    if (json_array_size(items) == 0) {
        docx_para(doc, DOCX_BODY, "各牵头股室均已按时报送进展。");
        return;
    }
    static const char *const heads[] = {"序号", "事项", "牵头股室", "应报期次", "最近报送"};
    static const int widths[] = {3, 18, 7, 6, 6};
    docx_table_begin(doc, 5, heads, widths);
    size_t i;
    json_t *row;
    json_array_foreach(items, i, row) {
        char no[24];
        snprintf(no, sizeof no, "%zu", i + 1);
        const char *last = *pd_text(row, "last_period") ? pd_text(row, "last_period") : "未报送";
        const char *cells[] = {no, pd_text(row, "title"), pd_text(row, "lead_dept"),
                               pd_text(row, "due_period"), last};
        docx_table_row(doc, cells);
    }
    docx_table_end(doc);
}

/* The issuer: the county's bureau. */
static void pd_issuer(store_db *db, int64_t plan_id, char *out, size_t n)
{
    json_t *row = NULL;
    sval p[] = {SV_I(plan_id)};
    snprintf(out, n, "教体局");
    if (db_query_one(db, "SELECT o.name FROM plans p JOIN org_units o ON o.id = p.county_org_id "
                         "WHERE p.id = ?",
                     p, 1, &row) == STORE_OK) {
        snprintf(out, n, "%s教体局", pd_text(row, "name"));
        json_decref(row);
    }
}

int plan_export_docx(store_db *db, int64_t plan_id, const char *on, char **out, size_t *len,
                     char **err)
{
    plan_doc d;
    json_t *reminders = NULL;
    *out = NULL;
    *len = 0;
    if (pd_load(db, plan_id, on, &d, err) != 0)
        return -1;
    json_t *plan = json_object_get(d.tree, "plan");
    if (plan_reminders(db, plan_id, pd_text(plan, "on"), &reminders) != STORE_OK) {
        *err = strdup("读取报送提醒失败");
        pd_free(&d);
        return -1;
    }
    size_t targets = 0, i;
    json_t *row;
    json_array_foreach(d.rows, i, row) targets += *pd_text(row, "target") != '\0';
    char on_cn[32], issuer[128];
    pd_date_cn(pd_text(plan, "on"), on_cn, sizeof on_cn);
    pd_issuer(db, plan_id, issuer, sizeof issuer);

    docx *doc = docx_new();
    docx_paraf(doc, DOCX_TITLE, "%s推进情况督查通报", pd_text(plan, "title"));
    docx_paraf(doc, DOCX_SUBTITLE, "（截至%s）", on_cn);
    docx_para(doc, DOCX_BODY, NULL);
    docx_paraf(doc, DOCX_BODY,
               "为推动年度重点工作落地见效，根据目标管理有关要求，对%s确定的重点事项和量化目标推进情况进行了督查。"
               "现将有关情况通报如下。",
               pd_text(plan, "title"));
    pd_docx_overview(doc, plan, on_cn, targets);
    pd_docx_good(doc, &d);
    pd_docx_lagging(doc, &d);
    pd_docx_reminders(doc, reminders);
    docx_para(doc, DOCX_HEADING1, "五、下步要求");
    docx_para(doc, DOCX_BODY, "各牵头股室要对照目标任务，逐项梳理进度，对滞后和有风险的事项制定整改措施，"
                              "明确责任人和完成时限；要按月如实报送工作进展和佐证材料，确保年度目标任务按期完成。");
    docx_para(doc, DOCX_BODY, NULL);
    docx_para(doc, DOCX_RIGHT, issuer);
    docx_para(doc, DOCX_RIGHT, on_cn);
    int rc = docx_finish(doc, out, len, err);
    json_decref(reminders);
    pd_free(&d);
    return rc;
}
